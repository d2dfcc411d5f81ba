"""The one write path of the SLA clock: open, meet and void deadlines; the sweeper's tick; the
calendar's changes; acknowledging alerts.

`sla` knows an order only through the deadline's foreign key: the functions that take an `order`
read `pk`, `order_type` and `grid.branch.area_type` from it and never write the orders' tables.
They run inside the calling action's transaction (the order's app locks the order first).
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from fiberops.accounts.permissions import may
from fiberops.core.clock import end_of_day, local_date, start_of_day
from fiberops.core.errors import NotPermitted
from fiberops.sla import rules
from fiberops.sla.calendar import load_calendar
from fiberops.sla.choices import AlertKind, DeadlineKind, SweepProblemKind
from fiberops.sla.models import (
    CalendarOverride,
    CalendarYear,
    Deadline,
    DeadlineRevision,
    SlaAlert,
    SweepProblem,
)
from fiberops.sla.workdays import WorkCalendar

logger = logging.getLogger(__name__)

#: A work order (workorders.WorkOrder), known here only through the deadline's foreign key.
Order = Any


def open_deadline(
    order: Order,
    kind: str,
    start: dt.datetime,
    *,
    is_new_order: bool = False,
    after_finished: bool = False,
) -> Deadline | None:
    """Start one SLA clock for `order`; a clock of that kind that exists is left as it is — or,
    with `after_finished`, only one that still runs: a met or voided one stays as the record and
    a new one starts (a re-dispatched order's response clock, R-SLA-1)."""
    existing = order.deadlines.filter(kind=kind)
    if after_finished:
        existing = existing.filter(met_at__isnull=True, voided_at__isnull=True)
    if not is_new_order and existing.exists():
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


def open_deadline_until(
    order: Order, kind: str, start: dt.datetime, due_at: dt.datetime
) -> Deadline:
    """Start a clock whose due time the caller gives (`rules.GIVEN_DUE_KINDS`: an inspection
    round's period end, R-INS-4) on a new order; the sweeper treats it like any other."""
    spec = rules.given_due(kind, start=start, due_at=due_at, policy=settings.SLA_POLICY)
    return Deadline.objects.create(
        order=order, kind=kind, starts_at=spec.starts_at, due_at=spec.due_at, warn_at=spec.warn_at
    )


def meet_deadline(order: Order, kind: str, at: dt.datetime) -> int:
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
    ids = [row.pk for row in rows]
    _resolve_alerts(ids, at)
    return Deadline.objects.filter(pk__in=ids).update(met_at=at)


def _resolve_alerts(deadline_ids: list[int], at: dt.datetime) -> None:
    """A met or voided clock's open alerts leave the desk by themselves; acknowledged ones keep
    their acknowledgement."""
    SlaAlert.objects.filter(deadline_id__in=deadline_ids, resolved_at__isnull=True).update(
        resolved_at=at
    )


def reopen_deadline(order: Order, kind: str) -> dt.datetime | None:
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


def void_open_deadlines(order: Order, at: dt.datetime, *, kinds=None) -> int:
    """A cancelled order's running clocks stop (or only those of `kinds`: a returned order's
    response clock); breaches already recorded are kept."""
    running = Deadline.objects.filter(order=order, met_at__isnull=True, voided_at__isnull=True)
    if kinds is not None:
        running = running.filter(kind__in=kinds)
    ids = list(running.values_list("pk", flat=True))
    _resolve_alerts(ids, at)
    return Deadline.objects.filter(pk__in=ids).update(voided_at=at)


def pause_deadlines(order: Order, at: dt.datetime) -> int:
    """The customer asked to suspend the order: its running clocks stop counting (docs/sla.md,
    "Suspension"). A clock already breached stays breached and is not paused."""
    return Deadline.objects.filter(
        order=order,
        met_at__isnull=True,
        voided_at__isnull=True,
        breached_at__isnull=True,
        paused_at__isnull=True,
    ).update(paused_at=at)


def resume_deadlines(order: Order, at: dt.datetime) -> list[dict]:
    """The order resumes: each paused clock runs again, extended by `rules.extend_after_pause`.
    Returns what moved, for the timeline: [{kind, due_before, due_after}]."""
    moved = []
    rows = list(Deadline.objects.select_for_update().filter(order=order, paused_at__isnull=False))
    for row in rows:
        assert row.paused_at is not None  # noqa: S101 - filtered above
        calendar = (
            load_calendar(local_date(row.paused_at), local_date(at) + dt.timedelta(days=90))
            if row.kind in rules.WORKING_DAY_KINDS
            else WorkCalendar()
        )
        due_at, warn_at = rules.extend_after_pause(
            row.kind,
            due_at=row.due_at,
            warn_at=row.warn_at,
            paused_at=row.paused_at,
            resumed_at=at,
            calendar=calendar,
        )
        moved.append(
            {
                "kind": row.kind,
                "due_before": row.due_at.isoformat(),
                "due_after": due_at.isoformat(),
            }
        )
        # A warning already raised stays raised: `warned_at` is kept.
        row.due_at, row.warn_at, row.paused_at = due_at, warn_at, None
        row.save(update_fields=["due_at", "warn_at", "paused_at"])
    return moved


@dataclass
class TickResult:
    warned: int = 0
    breached: int = 0
    #: Deadlines that could not be recorded this tick; each is an open `SweepProblem`.
    skipped: int = 0


#: Failures of the connection, not of a row (a locked SQLite file, a dropped connection, a
#: deadlock, a statement timeout): the tick fails and the looping sweeper tries it again later.
CONNECTION_ERRORS = (OperationalError, InterfaceError)


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
    with transaction.atomic():
        rows = list(claim_query(queryset, order_by, batch_size))
        if not rows:
            return 0
        _stamp_and_record(rows, alert_kind, now)
    return len(rows)


def _stamp_and_record(rows: list[Deadline], alert_kind: str, now: dt.datetime) -> None:
    stamp = "breached_at" if alert_kind == AlertKind.BREACH else "warned_at"
    Deadline.objects.filter(pk__in=[row.pk for row in rows]).update(**{stamp: now})
    _record_alerts(rows, alert_kind, now)


def _record_alerts(rows: list[Deadline], alert_kind: str, now: dt.datetime) -> None:
    """The alert of each deadline (the order's timeline reads it); response breaches escalate to
    the technician's team (R-SLA-1)."""
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


def sweep(
    now: dt.datetime,
    batch_size: int = 2000,
    *,
    stop_requested: Callable[[], bool] = lambda: False,
) -> TickResult:
    """One tick of the SLA clock: record breaches, then 80 % warnings, each exactly once.

    Bad rows (R-SLA-6): a deadline that cannot be read (a malformed stored value) or recorded (a
    write the database refuses) is skipped, logged and kept as an open `SweepProblem`; the rest
    of its batch is swept. Deadlines with an open problem are kept out of the batches and tried
    again at the start of each tick, one row each, so a bad row costs one single-row attempt per
    tick; the first tick that handles it (fixed, met or voided meanwhile) resolves the problem.
    Connection failures are no row's fault: they end the tick (the looping sweeper retries it).

    `stop_requested` is asked between transactions: a stop request (SIGTERM) ends the tick after
    the batch or row under way; what is left stays due for the next tick.
    """
    result = TickResult()
    stages = [
        (AlertKind.BREACH, Deadline.objects.due_for_breach(now), "due_at"),
        (AlertKind.WARNING, Deadline.objects.due_for_warning(now), "warn_at"),
    ]
    # One small query per tick; the table is normally empty. The oldest sightings first, so
    # that with more than `batch_size` problems each gets its turn.
    problems = list(
        SweepProblem.objects.filter(resolved_at__isnull=True)
        .order_by("last_seen_at")
        .values_list("deadline_id", flat=True)[:batch_size]
    )
    for deadline_id in problems:
        if stop_requested():
            return result
        _retry_problem(deadline_id, stages, now, result)
    exclude_problems = bool(problems)
    for alert_kind, due, order_by in stages:
        if stop_requested():
            break
        recorded, skipped, exclude_problems = _sweep_stage(
            due,
            alert_kind,
            now,
            batch_size=batch_size,
            order_by=order_by,
            exclude_problems=exclude_problems,
            stop_requested=stop_requested,
        )
        if alert_kind == AlertKind.BREACH:
            result.breached += recorded
        else:
            result.warned += recorded
        result.skipped += skipped
    return result


def _retry_problem(deadline_id: int, stages, now: dt.datetime, result: TickResult) -> None:
    """A deadline with an open problem, on its own: its breach if due, else its warning if due;
    recorded or no longer due resolves the problem, failing again counts one more sighting."""
    for alert_kind, due, _order_by in stages:
        outcome = _sweep_one(due, alert_kind, now, deadline_id)
        if outcome == _NOT_DUE:
            continue
        if outcome == _SKIPPED:
            result.skipped += 1
        elif outcome == _RECORDED:
            if alert_kind == AlertKind.BREACH:
                result.breached += 1
            else:
                result.warned += 1
            _resolve_problem(deadline_id, now, f"its {alert_kind} is recorded now")
        return  # skipped, recorded, or held by another sweeper (busy)
    _resolve_problem(deadline_id, now, "it is no longer due")


def _resolve_problem(deadline_id: int, now: dt.datetime, why: str) -> None:
    SweepProblem.objects.filter(deadline_id=deadline_id, resolved_at__isnull=True).update(
        resolved_at=now
    )
    logger.info(
        "SLA sweeper: deadline %s is handled again (%s); problem resolved", deadline_id, why
    )


def _sweep_stage(
    due,
    alert_kind: str,
    now: dt.datetime,
    *,
    batch_size: int,
    order_by: str,
    exclude_problems: bool,
    stop_requested: Callable[[], bool],
) -> tuple[int, int, bool]:
    """Record one stage (breaches or warnings) in batches. Returns (recorded, skipped, whether
    open problems must now be left out of the batches)."""
    recorded = skipped = 0
    while not stop_requested():
        # With open problems, the batches leave those deadlines out (they were tried on their
        # own); without any, the claim is the plain one the benchmarks measure.
        claimable = (
            due.exclude(
                pk__in=SweepProblem.objects.filter(resolved_at__isnull=True).values("deadline_id")
            )
            if exclude_problems
            else due
        )
        try:
            taken = _claim_and_record(claimable, alert_kind, now, batch_size, order_by)
            recorded += taken
        except CONNECTION_ERRORS:
            raise
        except Exception as error:
            logger.warning(
                "SLA sweeper: a %s batch failed (%s); recording its deadlines one by one",
                alert_kind,
                _describe(error),
            )
            batch_recorded, batch_skipped, taken = _sweep_rows_one_by_one(
                claimable, alert_kind, now, batch_size, order_by, stop_requested
            )
            recorded += batch_recorded
            skipped += batch_skipped
            exclude_problems = exclude_problems or batch_skipped > 0
        if taken < batch_size:
            break
    return recorded, skipped, exclude_problems


def _sweep_rows_one_by_one(
    claimable,
    alert_kind: str,
    now: dt.datetime,
    batch_size: int,
    order_by: str,
    stop_requested: Callable[[], bool],
) -> tuple[int, int, int]:
    """A failed batch again, each row in its own transaction (a savepoint inside a caller's), so
    the bad rows are found and the others recorded. Returns (recorded, skipped, examined)."""
    with transaction.atomic():
        # Only the ids: reading them cannot fail on a malformed time. SKIP LOCKED leaves out
        # what other sweepers hold, as the batch did.
        ids = list(
            claimable.select_for_update(skip_locked=True, of=("self",))
            .order_by(order_by)
            .values_list("pk", flat=True)[:batch_size]
        )
    recorded = skipped = examined = 0
    for deadline_id in ids:
        if stop_requested():
            break
        examined += 1
        outcome = _sweep_one(claimable, alert_kind, now, deadline_id)
        recorded += outcome == _RECORDED
        skipped += outcome == _SKIPPED
    return recorded, skipped, examined


_RECORDED, _SKIPPED, _NOT_DUE, _BUSY = "recorded", "skipped", "not due", "busy"


class _RowFailed(Exception):
    def __init__(self, kind: str, error: Exception):
        super().__init__(kind)
        self.kind = kind
        self.error = error


def _sweep_one(due, alert_kind: str, now: dt.datetime, deadline_id: int) -> str:
    """Claim and record one deadline in its own transaction (a savepoint inside a caller's); a
    failure opens its `SweepProblem` or counts one more sighting of it."""
    try:
        with transaction.atomic():
            try:
                rows = list(claim_query(due.filter(pk=deadline_id), "pk", 1))
            except CONNECTION_ERRORS:
                raise
            except Exception as error:
                raise _RowFailed(SweepProblemKind.UNREADABLE, error) from error
            if rows:
                try:
                    _stamp_and_record(rows, alert_kind, now)
                except CONNECTION_ERRORS:
                    raise
                except IntegrityError as error:
                    raise _RowFailed(SweepProblemKind.CONFLICT, error) from error
                except Exception as error:
                    raise _RowFailed(SweepProblemKind.ERROR, error) from error
    except _RowFailed as failed:
        _report_problem(deadline_id, alert_kind, failed.kind, failed.error, now)
        return _SKIPPED
    if rows:
        return _RECORDED
    # Not claimed: no longer due, or locked by another sweeper (PostgreSQL), which records or
    # reports it.
    return _BUSY if due.filter(pk=deadline_id).exists() else _NOT_DUE


def _report_problem(
    deadline_id: int, alert_kind: str, kind: str, error: Exception, now: dt.datetime
) -> None:
    """Open the deadline's problem, or count one more sighting of the open one."""
    text = _describe(error)
    for _attempt in range(2):  # a concurrent sweeper may open the same problem meanwhile
        try:
            with transaction.atomic():
                seen = SweepProblem.objects.filter(
                    deadline_id=deadline_id, resolved_at__isnull=True
                ).update(
                    stage=alert_kind,
                    kind=kind,
                    error=text,
                    last_seen_at=now,
                    times_seen=F("times_seen") + 1,
                )
                if not seen:
                    SweepProblem.objects.create(
                        deadline_id=deadline_id,
                        stage=alert_kind,
                        kind=kind,
                        error=text,
                        first_seen_at=now,
                        last_seen_at=now,
                    )
        except IntegrityError:
            continue
        if seen:
            logger.warning(
                "SLA sweeper skipped deadline %s (%s) again: %s", deadline_id, alert_kind, text
            )
        else:
            logger.error(
                "SLA sweeper skipped deadline %s (%s): %s. Listed under SLA sweep problems in "
                "the admin; each tick tries it again on its own.",
                deadline_id,
                alert_kind,
                text,
            )
        return
    logger.error("SLA sweeper skipped deadline %s (%s): %s", deadline_id, alert_kind, text)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


@transaction.atomic
def recalculate_working_day_deadlines(
    now: dt.datetime, *, first_day: dt.date | None = None, last_day: dt.date | None = None
) -> int:
    """After the calendar changed (a year loaded, an override added, changed or removed),
    recompute the running survey and install clocks whose span touches the changed days
    [first_day, last_day] (all running ones when not given) — R-SLA-7. The current policy
    applies. Each clock whose due time moves gets a DeadlineRevision row (shown on the
    order timeline); returns how many moved."""
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
        DeadlineRevision.objects.create(
            deadline=deadline, revised_at=now, due_before=before, due_after=spec.due_at
        )
        changed += 1
    return changed


@transaction.atomic(durable=True)
def acknowledge_alert(alert: SlaAlert, *, actor, at: dt.datetime) -> SlaAlert:
    """A supervisor has seen the warning or breach (R-SLA-6); the first acknowledgement stays."""
    if not may(actor, "alert.acknowledge"):
        raise NotPermitted(_("Your role may not acknowledge alerts."))
    locked = SlaAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is None:
        locked.acknowledged_at = at
        locked.acknowledged_by = actor
        locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return locked


@transaction.atomic(durable=True)
def acknowledge_alerts(alerts, *, actor, at: dt.datetime) -> int:
    """Acknowledge several alerts at once (the desk's bulk button). `alerts` is a queryset the
    caller scoped with `visible_to(actor)`; already acknowledged ones keep their first
    acknowledgement. Returns how many were acknowledged now."""
    if not may(actor, "alert.acknowledge"):
        raise NotPermitted(_("Your role may not acknowledge alerts."))
    ids = list(
        alerts.filter(acknowledged_at__isnull=True)
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    return SlaAlert.objects.filter(pk__in=ids).update(acknowledged_at=at, acknowledged_by=actor)


# --- the working-day calendar (R-SLA-7): every change recalculates the clocks it touches -----
# Not durable: the Django admin, their caller, already wraps each save in a transaction.


@transaction.atomic
def save_calendar_year(year: CalendarYear, *, now: dt.datetime) -> int:
    """Add or change a covered year (e.g. entered by hand once its overrides are in); returns how
    many running clocks moved."""
    year.save()
    return recalculate_working_day_deadlines(
        now, first_day=dt.date(year.year, 1, 1), last_day=dt.date(year.year, 12, 31)
    )


@transaction.atomic
def delete_calendar_years(years, *, now: dt.datetime) -> int:
    numbers = sorted(int(y.year) for y in years)
    if not numbers:
        return 0
    CalendarYear.objects.filter(year__in=numbers).delete()
    return recalculate_working_day_deadlines(
        now, first_day=dt.date(numbers[0], 1, 1), last_day=dt.date(numbers[-1], 12, 31)
    )


@transaction.atomic
def save_calendar_override(override: CalendarOverride, *, actor, now: dt.datetime) -> int:
    """Add or change an administrator's correction of one day; both the old and the new date
    are recalculated."""
    previous = list(
        CalendarOverride.objects.filter(pk=override.pk).values_list("date", flat=True)
        if override.pk
        else []
    )
    override.created_by = actor
    override.save()
    days = [override.date, *previous]
    return recalculate_working_day_deadlines(now, first_day=min(days), last_day=max(days))


@transaction.atomic
def delete_calendar_overrides(overrides, *, now: dt.datetime) -> int:
    days = sorted(o.date for o in overrides)
    if not days:
        return 0
    CalendarOverride.objects.filter(pk__in=[o.pk for o in overrides]).delete()
    return recalculate_working_day_deadlines(now, first_day=days[0], last_day=days[-1])
