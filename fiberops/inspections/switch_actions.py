"""The one write path of switch readings (R-INS-3, R-KPI-2).

`record_reading` stores a reading, checks it against the thresholds and, on a breach, opens the
switch's network-rectification order or adds the breach to the one still open — all in one
transaction holding the switch's row lock, so two readings of one switch arriving at once never
open two orders. `record_poll` does the same for a poll's answer and notes an unanswered poll;
`import_readings` takes a CSV file whole or not at all; `poll_switches` polls over SNMP.
"""

import csv
import datetime as dt
import io
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from fiberops.accounts.models import User
from fiberops.core import clock
from fiberops.core.errors import RuleViolation
from fiberops.inspections import snmp
from fiberops.inspections.switch_models import (
    Metric,
    ReadingSource,
    SwitchBreach,
    SwitchHealth,
    SwitchReading,
)
from fiberops.network.models import Switch
from fiberops.workorders import actions as workorders
from fiberops.workorders.guards import require

log = logging.getLogger(__name__)

#: A reading's time may lie this far ahead of the server's clock (the device's clock drifts).
MAX_SKEW = dt.timedelta(minutes=5)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def stored_percent(value: Decimal | None) -> Decimal | None:
    """A figure as stored and checked: two decimals, rounded DOWN (toward zero). The standard
    says *below* 70 % is fine, so 69.995 % must not become 70.00 % and breach; rounding down keeps
    every figure on the side of its threshold it was on, and the stored figure is the one checked
    (R-INS-3, docs/switches.md "Rounding"). Every source (API, CSV, SNMP) goes through it."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_DOWN)


def breach_max_age() -> dt.timedelta:
    """Readings older than this (`SWITCH_BREACH_MAX_AGE_HOURS`) are stored and their breaches
    recorded, but open or join no order: a late import of last month's figures is history, not a
    fault to send someone out for now."""
    return dt.timedelta(hours=settings.SWITCH_BREACH_MAX_AGE_HOURS)


def thresholds() -> dict[str, Decimal]:
    """metric → the threshold the figure must stay below (settings, R-INS-3)."""
    return {
        Metric.BANDWIDTH: settings.SWITCH_BANDWIDTH_THRESHOLD_PCT,
        Metric.CPU: settings.SWITCH_CPU_THRESHOLD_PCT,
        Metric.MEMORY: settings.SWITCH_MEM_THRESHOLD_PCT,
    }


@dataclass(frozen=True)
class Breach:
    metric: str
    value: Decimal
    threshold: Decimal

    def as_data(self) -> dict:
        return {"metric": self.metric, "value": str(self.value), "threshold": str(self.threshold)}


def breaches_of(
    figures: Mapping[str, Decimal | None], limits: Mapping[str, Decimal]
) -> list[Breach]:
    """The figures at or over their threshold: the standard says *below* (R-INS-3), so exactly
    70.0 % is a breach and 69.9 % is not. Pure."""
    return [
        Breach(metric, value, limits[metric])
        for metric in Metric.values
        if (value := figures.get(metric)) is not None and value >= limits[metric]
    ]


class InvalidReading(RuleViolation):
    """A reading's figures or time do not fit (the API answers 400 with the code)."""

    http_status = 400


@dataclass
class Recorded:
    reading: SwitchReading
    breaches: list[Breach]
    order_id: int | None


def check_figures(
    figures: Mapping[str, Decimal | None], measured_at: dt.datetime, now: dt.datetime
) -> None:
    """Refuse figures outside 0 … 100, a reading without any figure, a naive or future time."""
    if measured_at.tzinfo is None:
        raise InvalidReading(_("Give the time zone of measured_at."), code="no_offset")
    if measured_at > now + MAX_SKEW:
        raise InvalidReading(
            _("The reading's time lies in the future."), code="measured_at_in_future"
        )
    if all(value is None for value in figures.values()):
        raise InvalidReading(_("The reading has no figure."), code="reading_empty")
    for metric, value in figures.items():
        if value is not None and not Decimal(0) <= value <= HUNDRED:
            raise InvalidReading(
                _("%(metric)s must lie between 0 and 100.") % {"metric": metric},
                code="percent_out_of_range",
            )


def record_reading(
    switch: Switch,
    *,
    actor: User | None,
    measured_at: dt.datetime,
    bandwidth_pct: Decimal | None,
    cpu_pct: Decimal | None,
    mem_pct: Decimal | None,
    source: str,
) -> Recorded:
    """Store one reading and act on its breaches (R-INS-3). `actor` None: the poller."""
    if actor is not None:
        require(actor, "switch.reading.post")
    figures: dict[str, Decimal | None] = {
        Metric.BANDWIDTH: bandwidth_pct,
        Metric.CPU: cpu_pct,
        Metric.MEMORY: mem_pct,
    }
    check_figures(figures, measured_at, clock.now())
    with transaction.atomic(durable=True):
        return _record(switch, actor, measured_at, figures, source, thresholds())


def _record(switch, actor, measured_at, figures, source, limits) -> Recorded:
    locked = Switch.objects.select_for_update().select_related("grid").get(pk=switch.pk)
    figures = {metric: stored_percent(value) for metric, value in figures.items()}
    found = breaches_of(figures, limits)
    reading = SwitchReading.objects.create(
        switch=locked,
        measured_at=measured_at,
        bandwidth_pct=figures[Metric.BANDWIDTH],
        cpu_pct=figures[Metric.CPU],
        mem_pct=figures[Metric.MEMORY],
        source=source,
        is_breach=bool(found),
    )
    health, _created = SwitchHealth.objects.get_or_create(switch=locked)
    order = None
    if found:
        if clock.now() - measured_at > breach_max_age():
            _record_breaches(locked, reading, found, order=None, opened=False)
        else:
            order = _rectify(locked, health, reading, found, actor)
    latest = health.latest_reading
    # a late reading (CSV import of the past) does not replace a newer latest one
    if latest is None or latest.measured_at <= measured_at:
        health.latest_reading = reading
        health.is_breached = bool(found)
    health.save()
    return Recorded(reading, found, order.pk if order else None)


def _rectify(switch: Switch, health: SwitchHealth, reading, found: list[Breach], actor):
    """Join the switch's open rectification order or open one. The order is dated now (the
    clock), not at the reading's time: a late reading must not open a back-dated order whose
    deadlines have already run out; the reading's time goes into the event's data."""
    data = [breach.as_data() for breach in found]
    order = None
    if health.open_order is not None:
        order = workorders.join_rectification_order(
            health.open_order,
            actor=actor,
            at=clock.now(),
            measured_at=reading.measured_at,
            switch_code=switch.code,
            reading_id=reading.pk,
            breaches=data,
        )
    opened = order is None
    if order is None:
        order = workorders.open_rectification_order(
            actor=actor,
            grid=switch.grid,
            at=clock.now(),
            measured_at=reading.measured_at,
            description=_("Switch %(code)s over threshold: %(what)s")
            % {
                "code": switch.code,
                "what": ", ".join(f"{b.metric} {b.value}% ≥ {b.threshold}%" for b in found),
            },
            switch_code=switch.code,
            reading_id=reading.pk,
            breaches=data,
        )
        health.open_order = order
    _record_breaches(switch, reading, found, order=order, opened=opened)
    return order


def _record_breaches(switch, reading, found: list[Breach], *, order, opened: bool) -> None:
    SwitchBreach.objects.bulk_create(
        [
            SwitchBreach(
                switch=switch,
                reading=reading,
                metric=b.metric,
                value=b.value,
                threshold=b.threshold,
                order=order,
                opened_order=opened,
            )
            for b in found
        ]
    )


# --- polling ------------------------------------------------------------------------------------


def target_for(switch: Switch) -> snmp.Target:
    profile = snmp.STANDARD
    if switch.profile is not None:
        p = switch.profile
        profile = snmp.Profile(
            name=p.name,
            in_octets_oid=p.in_octets_oid,
            out_octets_oid=p.out_octets_oid,
            speed_oid=p.speed_oid,
            speed_unit_bps=p.speed_unit_bps,
            counter_bits=p.counter_bits,
            cpu_oids=tuple(p.cpu_oids.split()),
            mem_used_oid=p.mem_used_oid,
            mem_size_oid=p.mem_size_oid,
            mem_percent_oid=p.mem_percent_oid,
        )
    return snmp.Target(
        key=switch.pk,
        host=switch.management_address,
        port=switch.snmp_port,
        community=switch.snmp_community,
        if_index=switch.uplink_if_index,
        profile=profile,
    )


def poll_settings(**overrides) -> snmp.PollSettings:
    values: dict[str, Any] = {
        "interval_s": float(settings.SWITCH_POLL_SAMPLE_SECONDS),
        "timeout_s": float(settings.SWITCH_POLL_TIMEOUT_SECONDS),
        "retries": settings.SWITCH_POLL_RETRIES,
        "concurrency": settings.SWITCH_POLL_CONCURRENCY,
    }
    values.update({key: value for key, value in overrides.items() if value is not None})
    return snmp.PollSettings(**values)


@dataclass
class PollSummary:
    polled: int = 0
    answered: int = 0
    unreachable: int = 0
    failed: int = 0  # answered, but storing the answer failed (logged); the rest were stored
    breached: int = 0
    orders: int = 0
    poll_seconds: float = 0.0
    store_seconds: float = 0.0


def poll_switches(
    switches: Iterable[Switch], *, settings_: snmp.PollSettings | None = None
) -> PollSummary:
    """Poll the switches over SNMP concurrently, then store each answer through `record_poll`
    (R-INS-3). A switch that does not answer is marked unreachable and the rest go on."""
    import time

    by_pk = {switch.pk: switch for switch in switches}
    started = time.monotonic()
    results = snmp.poll_targets(
        [target_for(s) for s in by_pk.values()], settings_ or poll_settings()
    )
    summary = PollSummary(polled=len(results), poll_seconds=time.monotonic() - started)
    started = time.monotonic()
    polled_at = clock.now()
    orders = set()
    for result in results:
        try:
            recorded = record_poll(by_pk[result.key], result, polled_at=polled_at)
        except Exception:  # one switch's storage error must not lose the others' answers
            log.exception("storing the poll of switch %s failed", by_pk[result.key].code)
            summary.failed += 1
            continue
        if recorded is None:
            summary.unreachable += 1
            continue
        summary.answered += 1
        if recorded.breaches:
            summary.breached += 1
            orders.add(recorded.order_id)
    summary.orders = len(orders)
    summary.store_seconds = time.monotonic() - started
    return summary


def record_poll(
    switch: Switch, result: snmp.PollResult, *, polled_at: dt.datetime
) -> Recorded | None:
    """Store a poll's answer as a reading, or mark the switch unreachable with the reason."""
    if not result.answered:
        with transaction.atomic(durable=True):
            health, _created = SwitchHealth.objects.select_for_update().get_or_create(switch=switch)
            health.last_polled_at = polled_at
            health.is_unreachable = True
            health.unreachable_reason = result.reason[:200]
            health.save(update_fields=["last_polled_at", "is_unreachable", "unreachable_reason"])
        return None
    measured_at = dt.datetime.fromtimestamp(result.measured_at, tz=dt.UTC)
    if result.note:
        log.warning("switch %s: no bandwidth figure stored: %s", switch.code, result.note)
    figures: dict[str, Decimal | None] = {
        Metric.BANDWIDTH: result.bandwidth_pct,
        Metric.CPU: result.cpu_pct,
        Metric.MEMORY: result.mem_pct,
    }
    with transaction.atomic(durable=True):
        recorded = _record(switch, None, measured_at, figures, ReadingSource.SNMP, thresholds())
        SwitchHealth.objects.filter(switch=switch).update(
            last_polled_at=polled_at,
            last_answered_at=measured_at,
            is_unreachable=False,
            unreachable_reason="",
            poll_note=result.note[:200],
        )
    return recorded


# --- CSV import ---------------------------------------------------------------------------------

CSV_COLUMNS = ("switch", "measured_at", "bandwidth_pct", "cpu_pct", "mem_pct")


class ImportRefused(RuleViolation):
    """The file was refused whole; `row` names the first bad line (1 = the header)."""

    def __init__(self, message, *, row: int, code: str = "import_refused"):
        super().__init__(message, code=code, row=row)
        self.row = row


def _decimal(text: str, row: int, column: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ImportRefused(
            _("Row %(row)d: %(column)s is not a number: %(value)s")
            % {"row": row, "column": column, "value": text},
            row=row,
        ) from None
    if not value.is_finite() or not Decimal(0) <= value <= HUNDRED:
        raise ImportRefused(
            _("Row %(row)d: %(column)s must lie between 0 and 100.")
            % {"row": row, "column": column},
            row=row,
        )
    return value  # rounded (down) where it is stored, `_record`


def import_readings(text: str, *, actor: User | None) -> int:
    """Import readings from CSV (columns `switch,measured_at,bandwidth_pct,cpu_pct,mem_pct`,
    times ISO 8601 with offset). All rows or none: the first bad row is named and nothing is
    stored. Each row goes through the same breach rule as a poll. Answers the count."""
    if actor is not None:
        require(actor, "switch.reading.post")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in next(reader, [])]
    if tuple(header) != CSV_COLUMNS:
        raise ImportRefused(
            _("Row 1: the columns must be %(columns)s.") % {"columns": ",".join(CSV_COLUMNS)},
            row=1,
        )
    rows = []
    codes = set()
    now = clock.now()
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(CSV_COLUMNS):
            raise ImportRefused(
                _("Row %(row)d: expected %(count)d columns.")
                % {"row": row_number, "count": len(CSV_COLUMNS)},
                row=row_number,
            )
        code, when = cells[0].strip(), cells[1].strip()
        measured_at = parse_datetime(when) if when else None
        if measured_at is None or measured_at.tzinfo is None:
            raise ImportRefused(
                _("Row %(row)d: measured_at must be an ISO 8601 time with its offset.")
                % {"row": row_number},
                row=row_number,
            )
        figures: dict[str, Decimal | None] = {
            Metric.BANDWIDTH: _decimal(cells[2], row_number, "bandwidth_pct"),
            Metric.CPU: _decimal(cells[3], row_number, "cpu_pct"),
            Metric.MEMORY: _decimal(cells[4], row_number, "mem_pct"),
        }
        try:
            check_figures(figures, measured_at, now)
        except RuleViolation as error:
            raise ImportRefused(
                _("Row %(row)d: %(problem)s") % {"row": row_number, "problem": error.message},
                row=row_number,
            ) from None
        rows.append((row_number, code, measured_at, figures))
        codes.add(code)
    switches = {s.code: s for s in Switch.objects.filter(code__in=codes)}
    for row_number, code, _at, _figures in rows:
        if code not in switches:
            raise ImportRefused(
                _("Row %(row)d: no switch %(code)s.") % {"row": row_number, "code": code},
                row=row_number,
            )
    limits = thresholds()
    with transaction.atomic(durable=True):
        for _row, code, measured_at, figures in sorted(rows, key=lambda r: r[2]):
            _record(switches[code], actor, measured_at, figures, ReadingSource.CSV, limits)
    return len(rows)
