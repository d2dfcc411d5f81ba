"""Write path and gate of installation acceptance (装机挂测四要素, R-ACC-1..5): the technician
records each element's reading on site; the pure rules of `workorders.acceptance` give the
verdict; the completion gate (`workorders.gates`) asks for a holding reading of every element."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from fiberops.accounts.models import User
from fiberops.core.errors import RuleViolation
from fiberops.network.labels import parse_label_payload
from fiberops.onsite.aaa import aaa_backend
from fiberops.onsite.audit import read_qr_texts
from fiberops.onsite.images import decode_photo
from fiberops.onsite.models import (
    AcceptanceElement,
    AcceptanceReading,
    PhotoFlag,
    PhotoKind,
    ReadingSource,
)
from fiberops.workorders import acceptance as rules
from fiberops.workorders import events
from fiberops.workorders.gates import Blocker
from fiberops.workorders.guards import guard_order, require
from fiberops.workorders.models import WorkOrder
from fiberops.workorders.states import Status


def _decimal(values: dict, name: str) -> Decimal:
    try:
        value = Decimal(str(values[name]).strip())
    except (KeyError, InvalidOperation):
        raise RuleViolation(
            _("Give %(name)s as a number.") % {"name": name},
            code="invalid_reading",
            fields={name: [_("A number is required.")]},
        ) from None
    if not value.is_finite() or abs(value) > 100_000:
        raise RuleViolation(
            _("Give %(name)s as a number.") % {"name": name},
            code="invalid_reading",
            fields={name: [_("A number is required.")]},
        )
    return value


def verdict(order: WorkOrder, element: str, values: dict) -> rules.Finding:
    """The element's verdict on `values` against the order as it is now (its resource record,
    its plan, the AAA system)."""
    if element == AcceptanceElement.RESOURCE:
        port = order.splitter_port
        try:
            used_port = int(values["port"])
            used_box = str(values["box"])
        except (KeyError, TypeError, ValueError):
            raise RuleViolation(
                _("Give the box and the port actually used."),
                code="invalid_reading",
                fields={"box": [_("Required.")], "port": [_("A whole number is required.")]},
            ) from None
        return rules.check_resource(
            used_box=used_box,
            used_port=used_port,
            order_box=port.box.code if port else "",
            order_port=port.number if port else 0,
        )
    if element == AcceptanceElement.AAA:
        answer = aaa_backend().lookup(order)
        return rules.check_aaa(
            provisioned=answer.provisioned,
            synchronised=answer.synchronised,
            account=answer.account,
        )
    if element == AcceptanceElement.OPTICAL_POWER:
        return rules.check_optical_power(
            _decimal(values, "rx_power_dbm"),
            minimum_dbm=settings.ACCEPTANCE_MIN_RX_DBM,
            overload_dbm=settings.ACCEPTANCE_OVERLOAD_RX_DBM,
        )
    if element == AcceptanceElement.SPEED:
        return rules.check_speed(
            _decimal(values, "measured_mbps"),
            plan_mbps=order.plan_mbps or 0,
            share=settings.ACCEPTANCE_SPEED_SHARE,
        )
    if element == AcceptanceElement.ONT:
        return rules.check_ont_activation(
            loid=str(values.get("loid", ""))[:64], pppoe_dial_ok=values.get("pppoe_dial_ok") is True
        )
    raise RuleViolation(_("Unknown acceptance element."), code="invalid_reading")


@transaction.atomic(durable=True)
def record_acceptance(
    order: WorkOrder,
    *,
    element: str,
    values: dict,
    actor: User,
    source: str = ReadingSource.TYPED,
    occurred_at: dt.datetime | None = None,
    evidence: dict | None = None,
) -> AcceptanceReading:
    """Record one element's reading on site and its verdict (R-ACC-1..5). A failing reading is
    kept too (it is evidence); the gate looks at the latest of each element."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="order.record_acceptance",
        action="record_acceptance",
        statuses={Status.ON_SITE},
        status_message=_("Acceptance readings are taken on site."),
        occurred_at=occurred_at,
        owner_only=True,
    )
    locked, at = guarded.order, guarded.at
    if element not in AcceptanceElement.values:
        raise RuleViolation(_("Unknown acceptance element."), code="invalid_reading")
    finding = verdict(locked, element, values)
    reading = AcceptanceReading.objects.create(
        order=locked,
        element=element,
        values={**finding.reading, **(evidence or {})},
        source=ReadingSource.ADAPTER if element == AcceptanceElement.AAA else source,
        ok=finding.ok,
        code=finding.code,
        message=str(finding.message)[:300],
        recorded_by=actor,
        occurred_at=at,
    )
    events.acceptance_recorded(
        locked,
        actor=actor,
        at=at,
        element=element,
        ok=finding.ok,
        code=finding.code,
        message=str(finding.message),
    )
    return reading


def record_scanned_resource(
    order: WorkOrder,
    *,
    actor: User,
    image: bytes | None = None,
    qr_text: str | None = None,
    occurred_at: dt.datetime | None = None,
) -> AcceptanceReading:
    """资源准确 from the machine label (R-RES-2, R-ACC-1): the box and port are read from the
    label's QR code — decoded here from a picture with zxing-cpp, or as the text the phone's own
    scanner read — and recorded as a `scanned` resource reading. A picture without a label's
    code is 422 `label_unreadable`; a label printed for another order is 422
    `label_other_order` (the neighbour's label was scanned), and nothing is recorded."""
    require(actor, "order.record_acceptance")
    texts = [qr_text] if qr_text is not None else read_qr_texts(decode_photo(image or b"").image)
    codes = [code for code in map(parse_label_payload, texts) if code is not None]
    if not codes:
        raise RuleViolation(
            _("No label QR code could be read: scan the label again, or type the box and port."),
            code="label_unreadable",
            qr_codes_found=len(texts),
        )
    own = [code for code in codes if code.order == order.bss_order_no]
    if not own:
        raise RuleViolation(
            _("This label belongs to order %(other)s, not to this one.")
            % {"other": codes[0].order},
            code="label_other_order",
            read={"order": codes[0].order, "box": codes[0].box, "port": codes[0].port},
        )
    label = own[0]
    return record_acceptance(
        order,
        element=AcceptanceElement.RESOURCE,
        values={"box": label.box, "port": label.port},
        actor=actor,
        source=ReadingSource.SCANNED,
        occurred_at=occurred_at,
        evidence={"label": {"order": label.order, "box": label.box, "port": label.port}},
    )


def latest_readings(order: WorkOrder) -> dict[str, AcceptanceReading]:
    """The latest reading of each element. Sorted here, not by the query, so that readings
    prefetched with the order (the order page's evidence section) cost no query."""
    latest: dict[str, AcceptanceReading] = {}
    readings = order.acceptance_readings.all()
    for reading in sorted(readings, key=lambda reading: (reading.recorded_at, reading.pk)):
        latest[reading.element] = reading
    return latest


def acceptance_blockers(order: WorkOrder) -> list[Blocker]:
    """The completion gate of the acceptance elements: each needs a latest reading that holds.
    The resource reading is judged again against the record as it is now: after a resource
    change the earlier mismatch is settled."""
    latest = latest_readings(order)
    blockers = []
    for element in AcceptanceElement:
        reading = latest.get(element.value)
        if reading is None:
            blockers.append(
                Blocker(
                    element.value,
                    "missing",
                    _("%(element)s: no reading yet") % {"element": element.label},
                )
            )
            continue
        ok, code, message = reading.ok, reading.code, reading.message
        if element == AcceptanceElement.RESOURCE:
            used_box, _sep, used_port = reading.values.get("used", "/").rpartition("/")
            again = verdict(order, element, {"box": used_box, "port": used_port or 0})
            ok, code, message = again.ok, again.code, str(again.message)
        if not ok:
            blockers.append(
                Blocker(element.value, code, f"{element.label}: {message}", dict(reading.values))
            )
    return blockers


#: The audit's check that raises each flag (`Photo.audit` is keyed by check).
CHECK_OF_FLAG = {
    "taken_outside_visit": "time",
    "far_from_site": "location",
    "reused": "reuse",
    "label_mismatch": "label",
    "label_unreadable": "label",
}


def photo_blockers(order: WorkOrder) -> list[Blocker]:
    """The completion gate of the evidence photos (R-PHO-1..5): every slot of
    `COMPLETION_REQUIRED_PHOTOS` filled, and no photo carrying a flag of `PHOTO_BLOCKING_FLAGS`
    (the flag's evidence goes with the blocker)."""
    photos = list(order.photos.all())
    kinds = {photo.kind for photo in photos}
    blockers = [
        Blocker(
            f"photo:{kind}",
            "photo_missing",
            _("Photo missing: %(kind)s") % {"kind": PhotoKind(kind).label},
        )
        for kind in settings.COMPLETION_REQUIRED_PHOTOS
        if kind not in kinds
    ]
    for photo in photos:
        for flag in photo.flags:
            if flag in settings.PHOTO_BLOCKING_FLAGS:
                blockers.append(
                    Blocker(
                        f"photo:{photo.kind}",
                        flag,
                        _("Photo %(kind)s: %(flag)s")
                        % {"kind": PhotoKind(photo.kind).label, "flag": PhotoFlag(flag).label},
                        {
                            "photo": photo.pk,
                            "evidence": photo.audit.get(CHECK_OF_FLAG.get(flag, flag), {}),
                        },
                    )
                )
    return blockers
