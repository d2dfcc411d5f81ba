"""Read-side of the SLA clock: orders by their clocks' state, urgency, the calendar warning and
the clock's history for an order's timeline (R-SLA-6, R-SLA-7).

The order model is never imported: these helpers take a queryset of orders (anything with a
`deadlines` reverse relation) or an order's primary key.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Subquery, Value, When
from django.utils.translation import gettext as _

from fiberops.sla.choices import AlertKind, DeadlineState
from fiberops.sla.models import Deadline, DeadlineRevision, SlaAlert, state_q

#: An order's SLA state is its worst clock's state, worst first.
WORST_FIRST = [
    DeadlineState.BREACHED,
    DeadlineState.WARNING,
    DeadlineState.PENDING,
    DeadlineState.PAUSED,
    DeadlineState.MET_LATE,
    DeadlineState.MET,
    DeadlineState.VOID,
]
#: The `sla` filter of lists: an order's worst clock state. "breached" means still late: a clock
#: that was breached and then met is "met_late".
SLA_FILTERS = ("breached", "warning", "on_track", "met_late", "met")
_FILTER_STATE = {
    "breached": DeadlineState.BREACHED,
    "warning": DeadlineState.WARNING,
    "on_track": DeadlineState.PENDING,
    "met_late": DeadlineState.MET_LATE,
    "met": DeadlineState.MET,
}


def _of_order(state: str, now: dt.datetime):
    return Exists(Deadline.objects.filter(state_q(state, now), order=OuterRef("pk")))


def filter_sla_state(orders, sla_filter: str, now: dt.datetime):
    """Orders whose worst clock is in the state `sla_filter` names (one of SLA_FILTERS)."""
    state = _FILTER_STATE[sla_filter]
    worse = WORST_FIRST[: WORST_FIRST.index(state)]
    queryset = orders.filter(_of_order(state, now))
    for other in worse:
        queryset = queryset.exclude(_of_order(other, now))
    return queryset


def worst_state(deadlines, now: dt.datetime) -> str | None:
    """The worst state among an order's deadlines (already fetched), or None without clocks."""
    states = [deadline.state_at(now) for deadline in deadlines]
    if not states:
        return None
    return min(states, key=WORST_FIRST.index)


def order_by_urgency(orders, now: dt.datetime):
    """A dispatcher's order: late clocks first, then clocks due soon, then the rest; within each,
    the nearest running due time first (orders without a running clock last), then newest."""
    running = Deadline.objects.filter(
        order=OuterRef("pk"), met_at__isnull=True, voided_at__isnull=True
    )
    return orders.annotate(
        sla_rank=Case(
            When(_of_order(DeadlineState.BREACHED, now), then=Value(0)),
            When(_of_order(DeadlineState.WARNING, now), then=Value(1)),
            When(_of_order(DeadlineState.PENDING, now), then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
        next_due_at=Subquery(running.order_by("due_at").values("due_at")[:1]),
    ).order_by("sla_rank", F("next_due_at").asc(nulls_last=True), "-accepted_at", "-id")


def calendar_warning(deadlines) -> str | None:
    """A sentence when a running deadline was computed on the Mon–Fri fallback (R-SLA-7)."""
    years = sorted({d.due_at.year for d in deadlines if d.used_calendar_fallback and not d.met_at})
    if not years:
        return None
    return _(
        "The statutory holidays of %(years)s are not loaded yet: deadlines are estimated on "
        "Monday–Friday. An administrator should update the working-day calendar."
    ) % {"years": "、".join(str(y) for y in years)}


@dataclass(frozen=True)
class ClockEntry:
    """One line the SLA clock adds to an order's timeline. `kind` is one of "sla_warning",
    "sla_breach", "calendar_recalculated" (the order timeline's kinds)."""

    kind: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    deadline_kind: str
    data: dict = field(default_factory=dict)


def clock_history(order_id: int) -> list[ClockEntry]:
    """Warnings, breaches and recalculations of the order's clocks. A breach happened at the
    due time; `noticed_at` is when the sweeper (or a late completion) recorded it."""
    entries = []
    alerts = SlaAlert.objects.filter(deadline__order_id=order_id).select_related("deadline")
    for alert in alerts:
        deadline = alert.deadline
        if alert.kind == AlertKind.BREACH:
            happened = deadline.due_at
            kind = "sla_breach"
        else:
            happened = deadline.warn_at
            kind = "sla_warning"
        entries.append(
            ClockEntry(
                kind=kind,
                occurred_at=happened,
                recorded_at=alert.raised_at,
                deadline_kind=deadline.kind,
                data={
                    "deadline": deadline.kind,
                    "due_at": deadline.due_at.isoformat(),
                    "noticed_at": alert.raised_at.isoformat(),
                },
            )
        )
    revisions = DeadlineRevision.objects.filter(deadline__order_id=order_id).select_related(
        "deadline"
    )
    for revision in revisions:
        entries.append(
            ClockEntry(
                kind="calendar_recalculated",
                occurred_at=revision.revised_at,
                recorded_at=revision.revised_at,
                deadline_kind=revision.deadline.kind,
                data={
                    "deadline": revision.deadline.kind,
                    "before": revision.due_before.isoformat(),
                    "after": revision.due_after.isoformat(),
                },
            )
        )
    return entries
