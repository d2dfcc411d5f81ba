"""Read side of the dispatcher board `/dispatch/board/` (issue 9): the unassigned queue by
urgency, one row per technician for the day, the map's points and lines. Every read starts from
the caller's scope (`visible_to`); the page costs a fixed number of queries however many
technicians, appointments and orders the day has (`test_board_query_counts.py`).

Customers' positions are shown rounded to 0.01° (about 1 km), like everywhere else (R-CUS-5).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from fiberops.core.clock import SHANGHAI, start_of_day
from fiberops.dispatch.board_plans import GridPlan, RoutePlan
from fiberops.dispatch.models import DayPin
from fiberops.dispatch.positions import Point, grid_centres, last_positions
from fiberops.dispatch.queries import DAY_HOURS, DAY_STARTS, Block, Lane, _second_visit_needed
from fiberops.dispatch.queries import _position as position_on_axis
from fiberops.sla.models import Deadline
from fiberops.workforce.models import Technician
from fiberops.workorders.models import Appointment, AppointmentOutcome, WorkOrder
from fiberops.workorders.states import OrderType, Status

#: How many unassigned orders the queue shows (the page says how many more wait).
QUEUE_LIMIT = 60
#: R-SLA-1: a fault or complaint should reach a technician who answers within 15 minutes.
RESPONSE_MINUTES = 15
#: Orders a technician holds that the day's row lists as "to book" (no pending appointment).
TO_BOOK = (Status.DISPATCHED, Status.ACCEPTED)


def unassigned_queue(user, now: dt.datetime) -> QuerySet[WorkOrder]:
    """New and returned orders in scope, most urgent first: faults and complaints (their
    15-minute response clock starts at dispatch: they go out first), then orders waiting for a
    second appointment (R-APT-7), then key customers' orders (`Customer.is_key`, 重点客户), then
    the rest; within each, the nearest running deadline (a fault's repair clock runs from
    intake, so the longest waiting first), then the oldest."""
    running = Deadline.objects.filter(
        order=OuterRef("pk"), met_at__isnull=True, voided_at__isnull=True
    )
    return (
        WorkOrder.objects.visible_to(user)
        .filter(status__in=[Status.NEW, Status.RETURNED])
        .annotate(
            needs_second=_second_visit_needed(),
            urgency=Case(
                When(order_type__in=[OrderType.FAULT, OrderType.COMPLAINT], then=Value(0)),
                When(needs_second=True, then=Value(1)),
                When(customer__is_key=True, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
            next_due_at=Subquery(running.order_by("due_at").values("due_at")[:1]),
        )
        .select_related("customer", "grid")
        .order_by("urgency", F("next_due_at").asc(nulls_last=True), "accepted_at", "id")
    )


@dataclass
class Row:
    """A technician's row for the day: the appointments as blocks on 08:00–20:00 (a `Lane`),
    the orders still to book, the pins, the free time and where the technician is."""

    lane: Lane
    to_book: list[WorkOrder] = field(default_factory=list)
    pinned_order_ids: set[int] = field(default_factory=set)
    busy_minutes: int = 0
    #: The technician's route in the grid's current day plan (None: no plan, or not in it).
    plan: RoutePlan | None = None
    #: The technician's grid has a current plan of the day.
    grid_planned: bool = False

    @property
    def technician(self) -> Technician:
        return self.lane.technician  # type: ignore[return-value]

    @property
    def free_minutes(self) -> int:
        return max(DAY_HOURS * 60 - self.busy_minutes, 0)

    @property
    def free_hours(self) -> float:
        return self.free_minutes / 60

    @property
    def jobs(self) -> int:
        return len(self.lane.blocks) + len(self.to_book)


def _busy_minutes(blocks: list[Block], day: dt.date) -> int:
    """Minutes of 08:00–20:00 covered by the day's live windows (overlaps counted once)."""
    origin = dt.datetime.combine(day, DAY_STARTS, tzinfo=SHANGHAI)
    end = origin + dt.timedelta(hours=DAY_HOURS)
    spans = sorted(
        (max(b.appointment.starts_at, origin), min(b.appointment.ends_at, end))
        for b in blocks
        if b.appointment.outcome in LIVE_OUTCOMES
    )
    total, reach = 0.0, origin
    for start, stop in spans:
        start = max(start, reach)
        if stop > start:
            total += (stop - start).total_seconds()
            reach = stop
    return int(total // 60)


#: Appointment outcomes that still occupy the technician's day (moved ones do not).
LIVE_OUTCOMES = frozenset(
    {AppointmentOutcome.PENDING, AppointmentOutcome.KEPT, AppointmentOutcome.KEPT_LATE}
)


def day_rows(user, day: dt.date, *, grid_id: int | None = None) -> list[Row]:
    """One row per active technician in scope (optionally of one grid's teams), by team and
    staff number. Three queries: technicians, the day's appointments, the orders to book."""
    technicians = (
        Technician.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("team__grid")
        .order_by("team__grid__code", "team__code", "staff_no")
    )
    if grid_id:
        technicians = technicians.filter(team__grid_id=grid_id)
    rows = {t.pk: Row(Lane(t)) for t in technicians}
    appointments = (
        Appointment.objects.filter(
            order__technician_id__in=list(rows),
            starts_at__gte=start_of_day(day),
            starts_at__lt=start_of_day(day + dt.timedelta(days=1)),
        )
        .select_related("order__customer")
        .order_by("starts_at", "order_id", "sequence")
    )
    for appointment in appointments:
        row = rows[appointment.order.technician_id]  # type: ignore[index]
        left, width = position_on_axis(appointment.starts_at, appointment.ends_at, day)
        row.lane.blocks.append(Block(appointment, left, width))
    pending = Appointment.objects.filter(order=OuterRef("pk"), outcome=AppointmentOutcome.PENDING)
    to_book = (
        WorkOrder.objects.filter(technician_id__in=list(rows), status__in=TO_BOOK)
        .annotate(has_pending=Subquery(pending.values("pk")[:1]))
        .filter(has_pending__isnull=True)
        .select_related("customer")
        .order_by("dispatched_at", "id")
    )
    for order in to_book:
        rows[order.technician_id].to_book.append(order)  # type: ignore[index]
    for pin in DayPin.objects.filter(technician_id__in=list(rows), day=day).only(
        "order_id", "technician_id"
    ):
        rows[pin.technician_id].pinned_order_ids.add(pin.order_id)
    for row in rows.values():
        row.lane.stack()
        row.busy_minutes = _busy_minutes(row.lane.blocks, day)
    return list(rows.values())


def _approximate(customer) -> list[float] | None:
    if customer is None or customer.lat is None or customer.lng is None:
        return None
    return [float(customer.approximate_lat), float(customer.approximate_lng)]


def map_data(rows: list[Row], queue: list[WorkOrder], now: dt.datetime) -> dict:
    """What the map draws (JSON for the page's script): each technician's position (last known,
    else the grid centre) and the day's jobs in time order (a line from the position through
    them), and the unassigned orders. Two to three queries."""
    technician_ids = [row.technician.pk for row in rows]
    positions = last_positions(technician_ids, now)
    centres = grid_centres(
        {row.technician.team.grid_id for row in rows} | {order.grid_id for order in queue}
    )
    technicians = []
    for row in rows:
        tech = row.technician
        known = positions.get(tech.pk)
        jobs: list[dict] = []
        for block in row.lane.blocks:
            appointment = block.appointment
            if appointment.outcome not in LIVE_OUTCOMES:
                continue
            at = _approximate(appointment.order.customer)
            if at:
                jobs.append(
                    {
                        "order": appointment.order_id,
                        "no": appointment.order.bss_order_no,
                        "at": at,
                        "window": f"{appointment.starts_at.astimezone(SHANGHAI):%H:%M}–"
                        f"{appointment.ends_at.astimezone(SHANGHAI):%H:%M}",
                        "pinned": appointment.order_id in row.pinned_order_ids,
                    }
                )
        for order in row.to_book:
            at = _approximate(order.customer)
            if at:
                jobs.append(
                    {
                        "order": order.pk,
                        "no": order.bss_order_no,
                        "at": at,
                        "window": "",
                        "pinned": order.pk in row.pinned_order_ids,
                    }
                )
        # Without a known position the technician starts at the day's first job (a marker at
        # the grid centre would draw lines from nowhere), else at the grid centre.
        if known:
            point, source = known.point, known.source
        elif jobs:
            first: list[float] = jobs[0]["at"]
            point, source = Point(first[0], first[1]), "first_job"
        else:
            point, source = centres.get(tech.team.grid_id), "grid_centre"  # type: ignore[assignment]
        entry: dict[str, Any] = {
            "staff_no": tech.staff_no,
            "name": tech.name,
            "at": [round(point.lat, 4), round(point.lng, 4)] if point else None,
            "source": source,
            "jobs": jobs,
        }
        if row.plan is not None and row.plan.points:
            entry["plan"] = {"start": row.plan.start_at, "stops": row.plan.points}
        technicians.append(entry)
    unassigned = []
    for order in queue:
        at = _approximate(order.customer)
        if at is None and order.grid_id in centres:
            centre = centres[order.grid_id]
            at = [round(centre.lat, 2), round(centre.lng, 2)]
        if at:
            unassigned.append(
                {
                    "order": order.pk,
                    "no": order.bss_order_no,
                    "at": at,
                    "type": order.order_type,
                    "urgent": order.order_type in (OrderType.FAULT, OrderType.COMPLAINT),
                }
            )
    return {"technicians": technicians, "unassigned": unassigned}


def waiting_minutes(order: WorkOrder, now: dt.datetime) -> int:
    """How long an unassigned order has waited since it was accepted from the BSS."""
    return max(int((now - order.accepted_at).total_seconds() // 60), 0)


def attach_plans(rows: list[Row], plans: dict[int, GridPlan]) -> None:
    """Give each row its technician's planned route from the grid's current plan."""
    for row in rows:
        grid_plan = plans.get(row.technician.team.grid_id)
        if grid_plan is None or grid_plan.plan is None:
            continue
        row.grid_planned = True
        row.plan = grid_plan.routes.get(row.technician.pk)
