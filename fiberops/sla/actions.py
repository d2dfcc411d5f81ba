"""The one write path of the SLA clock: open, meet and void deadlines; the sweeper's tick."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from fiberops.core.clock import end_of_day, start_of_day
from fiberops.core.errors import NotPermitted
from fiberops.sla import rules
from fiberops.sla.calendar import load_calendar
from fiberops.sla.choices import AlertKind, DeadlineKind
from fiberops.sla.models import Deadline, SlaAlert
from fiberops.sla.workdays import WorkCalendar
from fiberops.workorders.models import EventKind, OrderEvent, WorkOrder


def open_deadline(
    order: WorkOrder, kind: str, start: dt.datetime, *, is_new_order: bool = False
) -> Deadline | None:
    """Start one SLA clock for `order`; a clock that already runs is left as it is."""
    if not is_new_order and order.deadlines.filter(kind=kind).exists():
        return None
    # Only the working-day clocks read the calendar; the others are plain durations.
    calendar = (
        load_calendar(*rules.calendar_window(start))
        if kind in rules.WORKING_DAY_KINDS
        else WorkCalendar()
    )
    spec = rules.compute(
        kind,
        start=start,
        order_type=order.order_type,
        area_type=order.grid.branch.area_type,
        calendar=calendar,
        policy=settings.SLA_POLICY,
    )
    return Deadline.objects.create(
        order=order,
        kind=kind,
        starts_at=spec.starts_at,
        due_at=spec.due_at,
        warn_at=spec.warn_at,
        used_calendar_fallback=spec.used_calendar_fallback,
    )


def meet_deadline(order: WorkOrder, kind: str, at: dt.datetime) -> int:
    """Mark the clock met. A recorded breach stays (R-SLA-6): `met_at` is added beside it. Work
    done after the due time that the sweeper has not seen yet is recorded as a breach now, so
    no late completion escapes the alerts."""
    rows = list(
        Deadline.objects.select_for_update(of=("self",))
        .select_related("order__technician")
        .filter(order=order, kind=kind, met_at__isnull=True, voided_at__isnull=True)
    )
    late = [row for row in rows if row.breached_at is None and at > row.due_at]
    if late:
        Deadline.objects.filter(pk__in=[row.pk for row in late]).update(breached_at=at)
        _record_alerts(late, AlertKind.BREACH, at)
    return Deadline.objects.filter(pk__in=[row.pk for row in rows]).update(met_at=at)


def reopen_deadline(order: WorkOrder, kind: str) -> dt.datetime | None:
    """Rework (R-SITE-6): the clock met by the rejected completion runs again. Returns the
    `met_at` it had, for the timeline."""
    deadline = (
        Deadline.objects.select_for_update()
        .filter(order=order, kind=kind, voided_at__isnull=True, met_at__isnull=False)
        .first()
    )
    if deadline is None:
        return None
    previous = deadline.met_at
    deadline.met_at = None
    deadline.save(update_fields=["met_at"])
    return previous


def void_open_deadlines(order: WorkOrder, at: dt.datetime) -> int:
    """A cancelled order's running clocks stop; breaches already recorded are kept."""
    return Deadline.objects.filter(order=order, met_at__isnull=True, voided_at__isnull=True).update(
        voided_at=at
    )


@dataclass
class TickResult:
    warned: int = 0
    breached: int = 0


def claim_query(queryset, order_by: str, batch_size: int):
    """The sweeper's claim: due rows, locked, skipping rows another sweeper holds. Ordering by
    the partial index's own column keeps PostgreSQL on that index; without it the planner may
    walk another index past every met deadline (docs/benchmarks.md)."""
    return (
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related("order__technician")
        .order_by(order_by)[:batch_size]
    )


def _claim_and_record(
    queryset, alert_kind: str, now: dt.datetime, batch_size: int, order_by: str
) -> int:
    """Claim up to `batch_size` due deadlines and record their alert once.

    PostgreSQL: rows are locked with SKIP LOCKED, so concurrent sweepers take disjoint batches and
    a row another worker just recorded no longer matches the filter. SQLite: the transaction is
    IMMEDIATE (settings), so sweepers run one after the other. The unique (deadline, kind)
    constraint on alerts is the last line of defence.
    """
    stamp = "breached_at" if alert_kind == AlertKind.BREACH else "warned_at"
    with transaction.atomic():
        rows = list(claim_query(queryset, order_by, batch_size))
        if not rows:
            return 0
        Deadline.objects.filter(pk__in=[row.pk for row in rows]).update(**{stamp: now})
        _record_alerts(rows, alert_kind, now)
    return len(rows)


def _record_alerts(rows: list[Deadline], alert_kind: str, now: dt.datetime) -> None:
    """The alert and the timeline event of each deadline; response breaches escalate to the
    technician's team (R-SLA-1)."""
    event_kind = EventKind.SLA_BREACH if alert_kind == AlertKind.BREACH else EventKind.SLA_WARNING
    SlaAlert.objects.bulk_create(
        [
            SlaAlert(
                deadline=row,
                kind=alert_kind,
                raised_at=now,
                escalated_to_team_id=(
                    row.order.technician.team_id
                    if row.kind == DeadlineKind.RESPONSE and row.order.technician
                    else None
                ),
            )
            for row in rows
        ]
    )
    OrderEvent.objects.bulk_create(
        [
            OrderEvent(
                order_id=row.order_id,
                kind=event_kind,
                occurred_at=now,
                data={"deadline": row.kind, "due_at": row.due_at.isoformat()},
            )
            for row in rows
        ]
    )


def sweep(now: dt.datetime, batch_size: int = 2000) -> TickResult:
    """One tick of the SLA clock: record breaches, then 80 % warnings, each exactly once."""
    result = TickResult()
    while True:
        count = _claim_and_record(
            Deadline.objects.due_for_breach(now), AlertKind.BREACH, now, batch_size, "due_at"
        )
        result.breached += count
        if count < batch_size:
            break
    while True:
        count = _claim_and_record(
            Deadline.objects.due_for_warning(now), AlertKind.WARNING, now, batch_size, "warn_at"
        )
        result.warned += count
        if count < batch_size:
            break
    return result


@transaction.atomic
def recalculate_working_day_deadlines(
    now: dt.datetime, *, first_day: dt.date | None = None, last_day: dt.date | None = None
) -> int:
    """After the calendar changed (a year loaded, an override added, changed or removed),
    recompute the running survey and install clocks whose span touches the changed days
    [first_day, last_day] (all running ones when not given) — R-SLA-7. The current policy
    applies. Each clock whose due time moves gets an order event; returns how many moved."""
    rows = Deadline.objects.open().filter(kind__in=rules.WORKING_DAY_KINDS)
    if last_day is not None:
        rows = rows.filter(starts_at__lte=end_of_day(last_day))
    if first_day is not None:
        rows = rows.filter(due_at__gte=start_of_day(first_day))
    calendars: dict[dt.date, WorkCalendar] = {}
    changed = 0
    for deadline in rows.select_related("order__grid__branch").select_for_update(of=("self",)):
        order = deadline.order
        window = rules.calendar_window(deadline.starts_at)
        if window[0] not in calendars:
            calendars[window[0]] = load_calendar(*window)
        spec = rules.compute(
            deadline.kind,
            start=deadline.starts_at,
            order_type=order.order_type,
            area_type=order.grid.branch.area_type,
            calendar=calendars[window[0]],
            policy=settings.SLA_POLICY,
        )
        if (spec.due_at, spec.used_calendar_fallback) == (
            deadline.due_at,
            deadline.used_calendar_fallback,
        ):
            continue
        before = deadline.due_at
        deadline.due_at = spec.due_at
        deadline.warn_at = spec.warn_at
        deadline.used_calendar_fallback = spec.used_calendar_fallback
        deadline.save(update_fields=["due_at", "warn_at", "used_calendar_fallback"])
        OrderEvent.objects.create(
            order=order,
            kind=EventKind.CALENDAR_RECALCULATED,
            occurred_at=now,
            data={
                "deadline": deadline.kind,
                "before": before.isoformat(),
                "after": spec.due_at.isoformat(),
            },
        )
        changed += 1
    return changed


ACKNOWLEDGE_ROLES = {"admin", "branch_manager", "dispatcher", "team_leader"}


@transaction.atomic
def acknowledge_alert(alert: SlaAlert, *, actor, at: dt.datetime) -> SlaAlert:
    """A supervisor has seen the warning or breach (R-SLA-6); the first acknowledgement stays."""
    if actor.role not in ACKNOWLEDGE_ROLES and not actor.is_superuser:
        raise NotPermitted(_("Your role may not acknowledge alerts."))
    locked = SlaAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is None:
        locked.acknowledged_at = at
        locked.acknowledged_by = actor
        locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return locked
