"""The office's view of appointments (R-APT-1..9): the day's timeline per technician, the orders
waiting for contact or for a booking, broken appointments and second appointments. Every read
starts from `WorkOrder.objects.visible_to(user)`; each function is one query whatever the rows.
Second appointments (R-APT-7) come first in every queue."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from fiberops.core.clock import SHANGHAI, start_of_day
from fiberops.workforce.models import Technician
from fiberops.workorders.models import Appointment, AppointmentOutcome, SiteVisit, WorkOrder
from fiberops.workorders.states import Status

#: The timeline's span, Shanghai time: 08:00 to 20:00.
DAY_STARTS = dt.time(8, 0)
DAY_HOURS = 12
#: How many orders a waiting queue shows (the count says how many more there are).
QUEUE_LIMIT = 50


def visible_orders(user) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.visible_to(user)


def _appointments_of(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(order__in=visible_orders(user).values("pk")).select_related(
        "order__customer", "order__technician"
    )


@dataclass
class Block:
    """One appointment on the timeline: where it sits, in percent of 08:00–20:00."""

    appointment: Appointment
    left_pct: float
    width_pct: float
    #: The sub-row inside the lane, so that overlapping windows do not hide each other.
    level: int = 0


@dataclass
class Lane:
    """A technician's row of the timeline (`technician` None: orders without one)."""

    technician: Technician | None
    blocks: list[Block] = field(default_factory=list)
    levels: int = 1

    def stack(self) -> None:
        """Give each block the first sub-row where it overlaps nothing (blocks come sorted by
        their start)."""
        ends: list[float] = []
        for block in self.blocks:
            free = [level for level, end in enumerate(ends) if block.left_pct >= end]
            block.level = free[0] if free else len(ends)
            if not free:
                ends.append(0.0)
            ends[block.level] = block.left_pct + block.width_pct
        self.levels = max(len(ends), 1)


def _position(starts_at: dt.datetime, ends_at: dt.datetime, day: dt.date) -> tuple[float, float]:
    """Left and width in percent of the 08:00–20:00 span, clipped to it; at least 2% wide so
    that a window outside the span still shows at its edge."""
    origin = dt.datetime.combine(day, DAY_STARTS, tzinfo=SHANGHAI)
    span = DAY_HOURS * 3600

    def pct(moment: dt.datetime) -> float:
        return min(max((moment - origin).total_seconds() / span * 100, 0.0), 100.0)

    left, right = pct(starts_at), pct(ends_at)
    width = max(right - left, 2.0)
    return min(left, 100.0 - width), width


def day_timeline(user, day: dt.date) -> list[Lane]:
    """The day's appointments (every outcome: replaced windows show as such) per technician of
    the order, one lane per active technician in scope, busiest first. Two queries."""
    lanes = {
        tech.pk: Lane(tech)
        for tech in Technician.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("team")
    }
    appointments = _appointments_of(user).filter(
        starts_at__gte=start_of_day(day), starts_at__lt=start_of_day(day + dt.timedelta(days=1))
    )
    for appointment in appointments.order_by("starts_at", "order_id", "sequence"):
        technician = appointment.order.technician
        key = technician.pk if technician else None
        lane = lanes.setdefault(key, Lane(technician))  # type: ignore[arg-type]
        left, width = _position(appointment.starts_at, appointment.ends_at, day)
        lane.blocks.append(Block(appointment, left, width))
    for lane in lanes.values():
        lane.stack()
    return sorted(
        lanes.values(),
        key=lambda lane: (
            lane.technician is None,
            -len(lane.blocks),
            lane.technician.staff_no if lane.technician else "",
        ),
    )


def _second_visit_needed() -> Exists:
    """The order had a visit where nobody was home (R-APT-7): its next booking is a second
    appointment, so it leads every queue."""
    return Exists(SiteVisit.objects.filter(order=OuterRef("pk"), absent_at__isnull=False))


def _queue(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    return (
        orders.annotate(needs_second=_second_visit_needed())
        .select_related("customer", "technician", "grid")
        .order_by("-needs_second", "dispatched_at", "id")
    )


def waiting_for_contact(user) -> QuerySet[WorkOrder]:
    """Dispatched or accepted orders whose customer nobody has reached yet (R-APT-2)."""
    return _queue(
        visible_orders(user).filter(
            status__in=[Status.DISPATCHED, Status.ACCEPTED], first_contact_at__isnull=True
        )
    )


def waiting_for_booking(user) -> QuerySet[WorkOrder]:
    """Accepted orders with no pending appointment (R-APT-1)."""
    pending = Appointment.objects.filter(order=OuterRef("pk"), outcome=AppointmentOutcome.PENDING)
    return _queue(visible_orders(user).filter(status=Status.ACCEPTED).filter(~Exists(pending)))


def broken_appointments(user, *, date_from: dt.date, date_to: dt.date) -> QuerySet[Appointment]:
    """Appointments broken (R-APT-6: moved by the technician with less than 2 h notice) whose
    window started in [date_from, date_to], Shanghai dates; second appointments first."""
    return (
        _appointments_of(user)
        .filter(
            outcome=AppointmentOutcome.BROKEN,
            starts_at__gte=start_of_day(date_from),
            starts_at__lt=start_of_day(date_to + dt.timedelta(days=1)),
        )
        .select_related("booked_by")
        .order_by("-is_second", "-starts_at", "-id")
    )


def pending_second_appointments(user) -> QuerySet[Appointment]:
    """Second appointments still to be kept (R-APT-7), soonest first."""
    return (
        _appointments_of(user)
        .filter(Q(is_second=True) & Q(outcome=AppointmentOutcome.PENDING))
        .order_by("starts_at", "id")
    )
