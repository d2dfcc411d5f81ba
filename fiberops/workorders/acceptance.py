"""Installation acceptance, 装机挂测四要素 (R-ACC-1..5), as pure rules: each takes a reading and
the thresholds and returns a `Finding` — whether the element holds, a stable code, and the
reason in the reader's language with the reading in it. No database, no settings read here: the
caller passes `settings.ACCEPTANCE_*`. The completion gate (issue 8) stores the readings with
their source and time and refuses `complete` listing every finding that does not hold."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Finding:
    """One acceptance element's verdict. `reading` keeps the raw values the verdict is about."""

    element: str
    ok: bool
    code: str
    message: str
    reading: dict = field(default_factory=dict)


def check_optical_power(
    rx_power_dbm: Decimal, *, minimum_dbm: Decimal, overload_dbm: Decimal
) -> Finding:
    """R-ACC-3 光衰正常: the ONT's received power must be **higher than** the minimum (−25 dBm:
    −25.0 fails, −24.9 passes) and not above the receiver's overload level (−8 dBm)."""
    reading = {"rx_power_dbm": str(rx_power_dbm)}
    if rx_power_dbm <= minimum_dbm:
        return Finding(
            "optical_power",
            False,
            "optical_power_too_low",
            _("Received optical power %(value)s dBm is not above %(limit)s dBm.")
            % {"value": rx_power_dbm, "limit": minimum_dbm},
            reading,
        )
    if rx_power_dbm > overload_dbm:
        return Finding(
            "optical_power",
            False,
            "optical_power_overload",
            _("Received optical power %(value)s dBm is above the overload level %(limit)s dBm.")
            % {"value": rx_power_dbm, "limit": overload_dbm},
            reading,
        )
    return Finding("optical_power", True, "ok", _("Optical power is normal."), reading)


def check_speed(measured_mbps: Decimal, *, plan_mbps: int, share: Decimal) -> Finding:
    """R-ACC-4 速率达标: the measured rate reaches `share` of the subscribed plan."""
    required = (Decimal(plan_mbps) * share).quantize(Decimal("0.1"))
    reading = {
        "measured_mbps": str(measured_mbps),
        "plan_mbps": plan_mbps,
        "required_mbps": str(required),
    }
    if measured_mbps < required:
        return Finding(
            "speed",
            False,
            "speed_below_plan",
            _("Measured %(value)s Mbps is below %(required)s Mbps (%(share)s %% of %(plan)s M).")
            % {
                "value": measured_mbps,
                "required": required,
                "share": (share * 100).normalize(),
                "plan": plan_mbps,
            },
            reading,
        )
    return Finding("speed", True, "ok", _("The speed meets the plan."), reading)


def check_resource(*, used_box: str, used_port: int, order_box: str, order_port: int) -> Finding:
    """R-ACC-1 资源准确: the box and port actually used are the order's resource record (else a
    resource change must correct the record first)."""
    reading = {"used": f"{used_box}/{used_port}", "record": f"{order_box}/{order_port}"}
    if (used_box.strip().upper(), used_port) != (order_box.strip().upper(), order_port):
        return Finding(
            "resource",
            False,
            "resource_mismatch",
            _(
                "Used %(used)s but the resource record says %(record)s: correct the record "
                "through a resource change first."
            )
            % reading,
            reading,
        )
    return Finding("resource", True, "ok", _("The resource record matches."), reading)


def check_ont_activation(*, loid: str, pppoe_dial_ok: bool) -> Finding:
    """R-ACC-5: the ONT's auth code (LOID/鉴权码) recorded and the PPPoE dial-up succeeded."""
    reading = {"loid": loid.strip(), "pppoe_dial_ok": pppoe_dial_ok}
    if not loid.strip():
        return Finding(
            "ont", False, "loid_missing", _("Record the ONT's auth code (LOID)."), reading
        )
    if not pppoe_dial_ok:
        return Finding(
            "ont", False, "pppoe_failed", _("The PPPoE dial-up has not succeeded."), reading
        )
    return Finding("ont", True, "ok", _("The ONT is activated."), reading)


def check_aaa(*, provisioned: bool, synchronised: bool, account: str) -> Finding:
    """R-ACC-2 3A信息同步: the broadband account is provisioned and synchronised in AAA."""
    reading = {"account": account, "provisioned": provisioned, "synchronised": synchronised}
    if not provisioned:
        return Finding(
            "aaa",
            False,
            "aaa_not_provisioned",
            _("The broadband account %(account)s is not provisioned in AAA.") % reading,
            reading,
        )
    if not synchronised:
        return Finding(
            "aaa",
            False,
            "aaa_not_synchronised",
            _("The broadband account %(account)s is not synchronised in AAA yet.") % reading,
            reading,
        )
    return Finding("aaa", True, "ok", _("The AAA account is synchronised."), reading)
