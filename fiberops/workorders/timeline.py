"""An order's timeline as people read it (R-ORD-4): its `OrderEvent` rows merged with what the SLA
clock recorded (warnings, breaches, recalculations — read from the clock's rows by
`sla.queries.clock_history`), in time order, with Chinese labels.

Apps above `workorders` add labels for their own event details through `DESCRIBERS` (the
dispatch app describes contact attempts), so this module imports none of them.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from fiberops.sla.choices import DeadlineKind
from fiberops.sla.queries import clock_history
from fiberops.workorders.models import EventKind, ReminderKind, WorkOrder
from fiberops.workorders.states import TRANSITIONS, Status

#: event kind → a function of the event's `data` giving a short label ("电话 · 未接通").
DESCRIBERS: dict[str, Callable[[dict], str]] = {}


def _describe_reminder(data: dict) -> str:
    kind = data.get("reminder")
    return str(ReminderKind(kind).label) if kind in ReminderKind.values else ""


DESCRIBERS[EventKind.REMINDER] = _describe_reminder


@dataclass
class TimelineEntry:
    """One line of the timeline. `id` is the `OrderEvent`'s id; None for the clock's lines."""

    id: int | None
    kind: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    source: str  # "order" (an OrderEvent) or "clock" (the SLA clock's rows)
    action: str = ""
    actor: object | None = None
    from_status: str = ""
    to_status: str = ""
    note: str = ""
    data: dict = field(default_factory=dict)

    @property
    def actor_username(self) -> str | None:
        return getattr(self.actor, "username", None)

    def get_kind_display(self) -> str:
        return str(EventKind(self.kind).label) if self.kind in EventKind.values else self.kind

    @property
    def from_status_label(self) -> str:
        return str(Status(self.from_status).label) if self.from_status else ""

    @property
    def to_status_label(self) -> str:
        return str(Status(self.to_status).label) if self.to_status else ""

    @property
    def action_label(self) -> str:
        transition = TRANSITIONS.get(self.action)
        return str(transition.label) if transition else ""

    @property
    def deadline_label(self) -> str:
        kind = self.data.get("deadline")
        return str(DeadlineKind(kind).label) if kind in DeadlineKind.values else ""

    @property
    def detail_label(self) -> str:
        describe = DESCRIBERS.get(self.kind)
        return describe(self.data) if describe else ""


def order_timeline(order: WorkOrder) -> list[TimelineEntry]:
    """Every line of the order's history, oldest first (three queries)."""
    entries = [
        TimelineEntry(
            id=event.pk,
            kind=event.kind,
            occurred_at=event.occurred_at,
            recorded_at=event.recorded_at,
            source="order",
            action=event.action,
            actor=event.actor,
            from_status=event.from_status,
            to_status=event.to_status,
            note=event.note,
            data=event.data or {},
        )
        for event in order.events.select_related("actor")
    ]
    entries += [
        TimelineEntry(
            id=None,
            kind=entry.kind,
            occurred_at=entry.occurred_at,
            recorded_at=entry.recorded_at,
            source="clock",
            data=entry.data,
        )
        for entry in clock_history(order.pk)
    ]
    entries.sort(key=lambda e: (e.occurred_at, e.recorded_at, e.id or 0))
    return entries
