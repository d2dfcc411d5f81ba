"""Day plans as stored product data (issue 9; docs/dispatch.md, "Stored plans and re-planning").

From the database to the solver's problem (`build_problem`), the one write path of plans
(`plan_day`, `insert_urgent_order`), the re-plan requests written when an order changes
(`note_order_change`, registered in `workorders.changes.ORDER_CHANGE_HOOKS`) and the SLA worker's
tick that re-plans them (`replan_requested_days`, in `sla.hooks.TICK_HOOKS`), and booking help
(`booking_windows_for`).

Ids in the problem are `T<technician pk>` and `O<order pk>`. A technician's own orders (an
assignment) are pinned to them: the plan orders each technician's work and proposes assignees
only for the unassigned orders. Work the technician has started (en route, on site) is not given
to the solver: it stays first in their route, and their route starts where and when it ends.
"""

import datetime as dt
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fiberops.core.clock import SHANGHAI, local_date
from fiberops.core.errors import Conflict, RuleViolation
from fiberops.customers.models import Customer
from fiberops.dispatch.management.commands.solve_dispatch import straight_line_settings
from fiberops.dispatch.models import DayPin
from fiberops.dispatch.plan_models import DayPlan, PlannedStop, PlanRequest, PlanStatus
from fiberops.dispatch.planning.check import check_plan
from fiberops.dispatch.planning.intraday import booking_windows, insert_urgent
from fiberops.dispatch.planning.problem import (
    Job,
    Plan,
    Problem,
    Route,
    format_clock,
    parse_problem,
    plan_from_dict,
    plan_to_dict,
)
from fiberops.dispatch.planning.solver import solve_problem
from fiberops.dispatch.planning.travel import travel_for
from fiberops.workforce.models import Grid, Technician
from fiberops.workorders.models import Appointment, AppointmentOutcome, SiteVisit, WorkOrder
from fiberops.workorders.policy import policy_for
from fiberops.workorders.states import OrderType, Status

logger = logging.getLogger(__name__)

#: Orders a plan serves: open, not suspended, not yet done.
PLANNABLE = (
    Status.NEW,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.APPOINTED,
    Status.RETURNED,
    Status.EN_ROUTE,
    Status.ON_SITE,
)
#: Work the technician has begun: never moved by a re-plan.
STARTED = (Status.EN_ROUTE, Status.ON_SITE)
#: Assigned and not begun: pinned to its technician.
ASSIGNED = (Status.DISPATCHED, Status.ACCEPTED, Status.APPOINTED)
URGENT_TYPES = (OrderType.FAULT, OrderType.COMPLAINT)
#: Order changes that ask for a re-plan of the days they touch.
REPLAN_ACTIONS = frozenset(
    {"dispatch", "appoint", "return", "cancel", "suspend", "resume", "handover", "pin", "unpin"}
)


_SKILLS = re.compile(r"^no technician has the skills (?P<skills>.+)$")
_PINNED = re.compile(r"^pinned to (?P<technician>\S+), who lacks the skills (?P<skills>.+)$")
_WINDOW = re.compile(r"^its window (?P<window>\S+) cannot be reached from any qualified")


def reason_text(reason: str) -> str:
    """A stored reason (an English source text, some with the solver's values in them) in the
    reader's language."""
    if match := _SKILLS.match(reason):
        return _("no technician has the skills %(skills)s") % match.groupdict()
    if match := _PINNED.match(reason):
        return _("pinned to %(technician)s, who lacks the skills %(skills)s") % match.groupdict()
    if match := _WINDOW.match(reason):
        return (
            _(
                "its window %(window)s cannot be reached from any qualified technician's start "
                "within the shift"
            )
            % match.groupdict()
        )
    return _(reason)


#: The solver's fixed reason (solver.REASON_TIME), marked for translation.
gettext_noop("not enough technician time left in the day for it")


def technician_key(technician_pk: int) -> str:
    return f"T{technician_pk}"


def job_key(order_pk: int) -> str:
    return f"O{order_pk}"


def pk_of(key: str) -> int:
    return int(key[1:])


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def shift_minutes() -> tuple[int, int]:
    """DISPATCH_SHIFT as minutes after midnight (validated at start, core/config.py)."""
    start, end = settings.DISPATCH_SHIFT.split("-")
    return _clock(start), _clock(end)


def break_rule() -> tuple[int, int, int] | None:
    """DISPATCH_BREAK as (earliest, latest, minutes), or None for no break."""
    if not settings.DISPATCH_BREAK:
        return None
    window, _sep, minutes = settings.DISPATCH_BREAK.partition("/")
    earliest, latest = window.split("-")
    return _clock(earliest), _clock(latest), int(minutes)


def service_minutes(order_type: str) -> int:
    return int(settings.DISPATCH_SERVICE_MINUTES[order_type])


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI)
    return start, start + dt.timedelta(days=1)


def minute_of(moment: dt.datetime, day: dt.date) -> int:
    """Minutes after local midnight of `day`, clipped to the day (0 … 1439)."""
    delta = moment - day_bounds(day)[0]
    return max(0, min(1439, int(delta.total_seconds() // 60)))


def moment_of(day: dt.date, minutes: int) -> dt.datetime:
    return day_bounds(day)[0] + dt.timedelta(minutes=minutes)


def urgency(order: WorkOrder, appointment: Appointment | None) -> int:
    """2 for faults, complaints and second appointments (R-APT-7), else 1."""
    second = appointment is not None and appointment.is_second
    return 2 if order.order_type in URGENT_TYPES or second else 1


@dataclass
class Built:
    """The problem of a grid's day as the solver's JSON, and what it leaves out: the started
    stops (first in their technician's route) and the orders set aside with a reason (an English
    source text, translated when read, like the solver's reasons)."""

    day: dt.date
    problem: dict[str, Any]
    started: list[dict[str, Any]] = field(default_factory=list)
    set_aside: list[dict[str, str]] = field(default_factory=list)
    urgent: set[str] = field(default_factory=set)
    #: Jobs the dispatcher pinned for the day (`DayPin`) to the technician who holds them.
    pinned: set[str] = field(default_factory=set)


def grid_base(grid: Grid) -> tuple[float, float]:
    """Where a grid's routes start when its team has no base: the centre of its customers'
    positions, else the centre of the first urban area of the travel settings."""
    centre = Customer.objects.filter(grid=grid, lat__isnull=False, lng__isnull=False).aggregate(
        lat=Avg("lat"), lng=Avg("lng")
    )
    if centre["lat"] is not None and centre["lng"] is not None:
        return float(centre["lat"]), float(centre["lng"])
    area = straight_line_settings().urban_areas[0]
    return area.lat, area.lng


def build_problem(grid: Grid, day: dt.date, *, now: dt.datetime) -> Built:
    """The grid's day from the database (docs/dispatch.md): the technicians of the grid's teams
    active and certified that day (R-WF-1), the orders with a pending appointment that day
    (their window, R-APT-1) and the urgent orders the current plan took in; today, from `now`."""
    today = local_date(now)
    if day < today:
        raise RuleViolation(_("A day that is over cannot be planned."), code="day_over")
    now_minute = minute_of(now, day) if day == today else 0
    shift_start, shift_end = shift_minutes()
    rule = break_rule()
    technicians = list(
        Technician.objects.filter(team__grid=grid, is_active=True, certified_until__gte=day)
        .select_related("team")
        .prefetch_related("skills")
        .order_by("staff_no")
    )
    fallback: tuple[float, float] | None = None
    day_start, day_end = day_bounds(day)
    appointments = list(
        Appointment.objects.filter(
            outcome=AppointmentOutcome.PENDING,
            order__grid=grid,
            order__status__in=PLANNABLE,
            starts_at__gte=day_start,
            starts_at__lt=day_end,
        )
        .select_related("order__customer", "order__technician")
        .order_by("starts_at", "order_id")
    )
    booked = {appointment.order_id for appointment in appointments}
    entries: list[tuple[WorkOrder, Appointment | None]] = [(a.order, a) for a in appointments]
    current = DayPlan.objects.current().filter(grid=grid, work_on=day).first()
    urgent_orders: set[int] = set()
    if current is not None:
        carried = (
            PlannedStop.objects.filter(plan=current, is_urgent=True, order__status__in=PLANNABLE)
            .exclude(order_id__in=booked)
            .select_related("order__customer", "order__technician")
        )
        for stop in carried:
            entries.append((stop.order, None))
            urgent_orders.add(stop.order_id)

    built = Built(day=day, problem={})
    on_duty = {t.pk: t for t in technicians}
    # The board's pins (锁定当日) of this day; a pin counts while its technician holds the order.
    pins = dict(
        DayPin.objects.filter(day=day, order_id__in=[o.pk for o, _a in entries]).values_list(
            "order_id", "technician_id"
        )
    )
    started_by: dict[int, list[dict[str, Any]]] = {}
    ready_at: dict[int, int] = {}
    position: dict[int, tuple[float, float]] = {}
    jobs: list[dict[str, Any]] = []
    visits = _latest_positions([o.pk for o, _a in entries if o.status == Status.ON_SITE], day)
    for order, appointment in entries:
        key = job_key(order.pk)
        if order.pk in urgent_orders:
            built.urgent.add(key)
        customer = order.customer
        if customer is None or customer.lat is None or customer.lng is None:
            built.set_aside.append(
                {"job": key, "reason": gettext_noop("the customer's address has no map position")}
            )
            continue
        lat, lng = float(customer.lat), float(customer.lng)
        duration = service_minutes(order.order_type)
        if order.status in STARTED:
            technician = order.technician
            if technician is None or technician.pk not in on_duty:
                built.set_aside.append(
                    {
                        "job": key,
                        "reason": gettext_noop("started by a technician not planned that day"),
                    }
                )
                continue
            begun, where = visits.get(order.pk, (now_minute, (lat, lng)))
            begin = begun if order.status == Status.ON_SITE else now_minute
            stops = started_by.setdefault(technician.pk, [])
            stops.append(
                {
                    "technician": technician_key(technician.pk),
                    "job": key,
                    "arrival": format_clock(begin),
                    "start": format_clock(begin),
                    "end": format_clock(min(1439, begin + duration)),
                }
            )
            ready_at[technician.pk] = max(
                ready_at.get(technician.pk, 0), now_minute, min(1439, begin + duration)
            )
            position[technician.pk] = where
            continue
        if appointment is not None:
            window = (minute_of(appointment.starts_at, day), minute_of(appointment.ends_at, day))
        else:  # an urgent order taken in today: any time left in the shift
            window = (max(shift_start, now_minute), max(shift_start, now_minute, shift_end - 1))
        pinned = None
        if order.technician_id is not None and order.status in ASSIGNED:
            if pins.get(order.pk) == order.technician_id:
                built.pinned.add(key)
            if order.technician_id not in on_duty:
                built.set_aside.append(
                    {
                        "job": key,
                        "reason": gettext_noop("its technician is not working that day"),
                    }
                )
                continue
            pinned = technician_key(order.technician_id)
        jobs.append(
            {
                "id": key,
                "location": {"lat": lat, "lng": lng},
                "window": {"start": format_clock(window[0]), "end": format_clock(window[1])},
                "duration_min": duration,
                "skills": list(policy_for(order.order_type).skills),
                "priority": urgency(order, appointment),
                "pinned_to": pinned,
            }
        )

    people: list[dict[str, Any]] = []
    for technician in technicians:
        begin = max(shift_start, now_minute, ready_at.get(technician.pk, 0))
        if shift_end - begin < 1:
            continue  # nothing left of the shift: jobs pinned to them are set aside below
        if technician.pk in position:
            lat, lng = position[technician.pk]
        elif technician.team.base_lat is not None and technician.team.base_lng is not None:
            lat, lng = float(technician.team.base_lat), float(technician.team.base_lng)
        else:
            fallback = fallback or grid_base(grid)
            lat, lng = fallback
        person: dict[str, Any] = {
            "id": technician_key(technician.pk),
            "start": {"lat": lat, "lng": lng},
            "shift": {"start": format_clock(begin), "end": format_clock(shift_end)},
            "skills": sorted(skill.code for skill in technician.skills.all()),
        }
        if rule is not None:
            earliest, latest, minutes = rule
            earliest = max(earliest, begin)
            if latest - earliest >= minutes:
                person["break"] = {
                    "earliest": format_clock(earliest),
                    "latest": format_clock(latest),
                    "minutes": minutes,
                }
        people.append(person)
    present = {person["id"] for person in people}
    for job in list(jobs):
        if job["pinned_to"] is not None and job["pinned_to"] not in present:
            jobs.remove(job)
            built.set_aside.append(
                {"job": job["id"], "reason": gettext_noop("its technician's shift is over")}
            )
    built.started = [stop for stops in started_by.values() for stop in stops]
    built.problem = {
        "date": day.isoformat(),
        "technicians": people,
        "jobs": jobs,
        "travel_minutes": None,
    }
    return built


def _latest_positions(
    order_pks: list[int], day: dt.date
) -> dict[int, tuple[int, tuple[float, float]]]:
    """For orders on site: (check-in minute, position) of their latest visit with a position."""
    found: dict[int, tuple[int, tuple[float, float]]] = {}
    if not order_pks:
        return found
    visits = SiteVisit.objects.filter(order_id__in=order_pks).order_by("order_id", "checked_in_at")
    for visit in visits.select_related("order__customer"):
        if visit.lat is not None and visit.lng is not None:
            where = (float(visit.lat), float(visit.lng))
        else:
            customer = visit.order.customer
            where = (float(customer.lat), float(customer.lng))  # type: ignore[union-attr, arg-type]
        found[visit.order_id] = (minute_of(visit.checked_in_at, day), where)
    return found


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """A parsed problem back as the JSON of docs/dispatch.md (after an insertion)."""
    people = []
    for t in problem.technicians:
        person: dict[str, Any] = {
            "id": t.id,
            "start": {"lat": t.lat, "lng": t.lng},
            "shift": {"start": format_clock(t.shift_start), "end": format_clock(t.shift_end)},
            "skills": list(t.skills),
        }
        if t.lunch is not None:
            person["break"] = {
                "earliest": format_clock(t.lunch.earliest),
                "latest": format_clock(t.lunch.latest),
                "minutes": t.lunch.minutes,
            }
        people.append(person)
    return {
        "date": problem.date.isoformat(),
        "technicians": people,
        "jobs": [
            {
                "id": j.id,
                "location": {"lat": j.lat, "lng": j.lng},
                "window": {
                    "start": format_clock(j.window_start),
                    "end": format_clock(j.window_end),
                },
                "duration_min": j.duration_min,
                "skills": list(j.skills),
                "priority": j.priority,
                "pinned_to": j.pinned_to,
            }
            for j in problem.jobs
        ],
        "travel_minutes": None,
    }


def _store(
    grid: Grid,
    day: dt.date,
    *,
    problem: dict[str, Any],
    plan: Plan,
    built_started: list[dict[str, Any]],
    set_aside: list[dict[str, str]],
    urgent: set[str],
    reason: str,
    pinned: set[str] | frozenset[str] = frozenset(),
    actor,
    now: dt.datetime,
    seconds: float,
    time_limit_s: float = 0.0,
) -> DayPlan:
    """Supersede the current plan of (grid, day) and write the new one with its stops. Runs
    inside the caller's transaction; the grid row is locked so two planners take turns."""
    Grid.objects.select_for_update().filter(pk=grid.pk).first()
    DayPlan.objects.current().filter(grid=grid, work_on=day).update(status=PlanStatus.SUPERSEDED)
    # A fresh plan answers the requests made before it was built.
    PlanRequest.objects.filter(grid=grid, work_on=day, requested_at__lte=now).delete()
    body = plan_to_dict(plan)
    body["started"] = built_started
    body["set_aside"] = set_aside
    body["urgent"] = sorted(urgent)
    body["pinned"] = sorted(pinned)
    body["feasible"] = plan.feasible and not set_aside
    stored = DayPlan.objects.create(
        grid=grid,
        work_on=day,
        reason=reason[:200],
        created_at=now,
        created_by=actor,
        feasible=body["feasible"],
        time_limit_s=round(time_limit_s, 2),
        solve_seconds=round(seconds, 3),
        problem=problem,
        plan=body,
    )
    rows: list[PlannedStop] = []
    sequence: dict[str, int] = {}

    def add(technician: str, job: str, arrival: int, start: int, end: int, started: bool):
        place = sequence.get(technician, 0)
        sequence[technician] = place + 1
        rows.append(
            PlannedStop(
                plan=stored,
                technician_id=pk_of(technician),
                order_id=pk_of(job),
                sequence=place,
                arrival_at=moment_of(day, arrival),
                starts_at=moment_of(day, start),
                ends_at=moment_of(day, end),
                is_started=started,
                is_urgent=job in urgent,
            )
        )

    for stop in built_started:
        add(
            stop["technician"],
            stop["job"],
            _clock(stop["arrival"]),
            _clock(stop["start"]),
            _clock(stop["end"]),
            True,
        )
    for route in plan.routes:
        for item in route.stops:
            add(route.technician, item.job, item.arrival, item.start, item.end, False)
    PlannedStop.objects.bulk_create(rows)
    return stored


def plan_day(
    grid: Grid,
    day: dt.date,
    *,
    reason: str,
    actor=None,
    now: dt.datetime | None = None,
    time_limit_s: float | None = None,
) -> DayPlan:
    """Plan the grid's day afresh and make it the current plan; the previous one is superseded.
    Started work stays first in its technician's route (docs/dispatch.md). The solver runs for
    `time_limit_s` (default: the setting DISPATCH_PLAN_SECONDS).

    The solve runs outside any transaction (up to the time limit, holding nothing); only the
    write of the new plan is one transaction. A change committed while the solver ran leaves its
    `PlanRequest` (requested after `now`), so the next tick plans the day again."""
    from fiberops.core.clock import now as clock_now

    current_time = now or clock_now()
    limit = float(settings.DISPATCH_PLAN_SECONDS) if time_limit_s is None else time_limit_s
    began = time.perf_counter()
    built = build_problem(grid, day, now=current_time)
    problem = parse_problem(built.problem)
    travel = travel_for(problem, straight_line_settings())
    plan = solve_problem(problem, travel, time_limit_s=limit)
    errors = check_plan(problem, plan, travel)
    if errors:  # a solver bug: keep the plan, say so loudly
        logger.error("day plan of %s %s fails the checker: %s", grid.code, day, errors[:5])
    with transaction.atomic(durable=True):
        return _store(
            grid,
            day,
            problem=built.problem,
            plan=plan,
            built_started=built.started,
            set_aside=built.set_aside,
            urgent=built.urgent,
            pinned=built.pinned,
            reason=reason,
            actor=actor,
            now=current_time,
            seconds=time.perf_counter() - began,
            time_limit_s=limit,
        )


def plan_booked_grids(
    day: dt.date, *, reason: str, time_limit_s: float, now: dt.datetime | None = None
) -> list[DayPlan]:
    """Plan every grid that has orders booked on `day` (the demo's "today's plans")."""
    day_start, day_end = day_bounds(day)
    grid_ids = (
        Appointment.objects.filter(
            outcome=AppointmentOutcome.PENDING,
            order__status__in=PLANNABLE,
            starts_at__gte=day_start,
            starts_at__lt=day_end,
        )
        .values_list("order__grid_id", flat=True)
        .distinct()
    )
    return [
        plan_day(grid, day, reason=reason, now=now, time_limit_s=time_limit_s)
        for grid in Grid.objects.filter(pk__in=set(grid_ids)).order_by("code")
    ]


# --- re-planning when something changes -------------------------------------------------------


def note_order_change(
    order: WorkOrder, action: str, at: dt.datetime, days: frozenset[dt.date]
) -> None:
    """`workorders.changes` hook: ask for a re-plan of each day, from today on, that the change
    touches — the appointment's day before and after, and today when the order is in today's
    current plan (an urgent order taken in). Written in the change's own transaction."""
    if action not in REPLAN_ACTIONS:
        return
    today = local_date(at)
    wanted = {day for day in days if day >= today}
    if today not in wanted and (
        PlannedStop.objects.filter(
            order=order, plan__status=PlanStatus.CURRENT, plan__work_on=today
        ).exists()
    ):
        wanted.add(today)
    if wanted:
        PlanRequest.objects.bulk_create(
            [
                PlanRequest(grid_id=order.grid_id, work_on=day, requested_at=at, reason=action)
                for day in sorted(wanted)
            ],
            ignore_conflicts=True,
        )


def replan_requested_days(now: dt.datetime) -> int:
    """SLA worker tick hook: re-plan up to DISPATCH_REPLAN_BATCH requested days (oldest first)
    that have a current plan or are today or later; returns how many were re-planned."""
    with transaction.atomic(durable=True):
        claimed = list(
            PlanRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("grid")
            .order_by("requested_at", "id")[: settings.DISPATCH_REPLAN_BATCH]
        )
        PlanRequest.objects.filter(pk__in=[r.pk for r in claimed]).delete()
    done = 0
    today = local_date(now)
    for request in claimed:
        if request.work_on < today:
            continue
        try:
            plan_day(
                request.grid,
                request.work_on,
                reason=f"re-planned after a change: {request.reason}",
                now=now,
            )
        except Exception:  # one bad day must not stop the others; it is asked again
            logger.exception("re-planning %s %s failed", request.grid.code, request.work_on)
            PlanRequest.objects.bulk_create(
                [
                    PlanRequest(
                        grid=request.grid,
                        work_on=request.work_on,
                        requested_at=now,
                        reason=request.reason,
                    )
                ],
                ignore_conflicts=True,
            )
            continue
        done += 1
    return done


# --- the technician's queue -------------------------------------------------------------------


def queue_in_plan_order(orders: QuerySet, user, now: dt.datetime) -> tuple[QuerySet, list]:
    """`workorders.queries.QUEUE_ORDERING_HOOKS`: today's current plan's stop order first (a
    subquery: no extra query); orders not in it keep the queue's own order after them."""
    planned = PlannedStop.objects.filter(
        order=OuterRef("pk"),
        plan__status=PlanStatus.CURRENT,
        plan__work_on=local_date(now),
        technician__user=user,
    ).values("sequence")[:1]
    return orders.annotate(planned_sequence=Subquery(planned)), [
        F("planned_sequence").asc(nulls_last=True)
    ]


# --- intraday: an urgent fault, booking help -----------------------------------------------------


@dataclass
class UrgentResult:
    plan: DayPlan
    technician: Technician | None
    seconds: float


def _job_for(order: WorkOrder, window: tuple[int, int], problem: Problem) -> Job:
    customer = order.customer
    if customer is None or customer.lat is None or customer.lng is None:
        raise RuleViolation(
            _("The customer's address has no map position: it cannot be planned."),
            code="no_position",
        )
    pinned = None
    if order.technician_id is not None and order.status in ASSIGNED:
        key = technician_key(order.technician_id)
        pinned = key if key in {t.id for t in problem.technicians} else None
    return Job(
        id=job_key(order.pk),
        lat=float(customer.lat),
        lng=float(customer.lng),
        window_start=window[0],
        window_end=window[1],
        duration_min=service_minutes(order.order_type),
        skills=tuple(policy_for(order.order_type).skills),
        priority=2 if order.order_type in URGENT_TYPES else 1,
        pinned_to=pinned,
    )


def _without(problem: Problem, plan: Plan, key: str) -> tuple[Problem, Plan]:
    """The problem and plan with job `key` taken out (a job being moved or re-inserted)."""
    from dataclasses import replace

    routes = []
    for route in plan.routes:
        index = next((i for i, stop in enumerate(route.stops) if stop.job == key), None)
        lunch = route.lunch
        if index is not None and lunch is not None and index <= lunch.after_stop:
            lunch = replace(lunch, after_stop=lunch.after_stop - 1)
        routes.append(
            Route(
                technician=route.technician,
                stops=[stop for stop in route.stops if stop.job != key],
                lunch=lunch,
            )
        )
    unassigned = [u for u in plan.unassigned if u.job != key]
    return (
        replace(problem, jobs=tuple(j for j in problem.jobs if j.id != key)),
        Plan(routes=routes, unassigned=unassigned, feasible=not unassigned),
    )


def insert_urgent_order(order: WorkOrder, *, actor, now: dt.datetime) -> UrgentResult:
    """Put an urgent fault (or complaint) into today's current plan of its grid (planned first
    if there is none), keeping started work where it is, and store the result as the new
    current plan. It proposes the technician; dispatching stays the dispatcher's act."""
    if order.order_type not in URGENT_TYPES:
        raise RuleViolation(
            _("Only a fault or a complaint is inserted as urgent."), code="not_urgent"
        )
    if order.status not in PLANNABLE or order.status in STARTED:
        raise Conflict(
            _("This order is not waiting for a technician to come."), code="not_plannable"
        )
    day = local_date(now)
    if not DayPlan.objects.current().filter(grid=order.grid, work_on=day).exists():
        plan_day(order.grid, day, reason="planned for an urgent order", now=now)
    began = time.perf_counter()
    # Read, insert and write under the grid's lock: two urgent orders at once take turns, and
    # the second is inserted into the plan holding the first (milliseconds each).
    with transaction.atomic(durable=True):
        Grid.objects.select_for_update().filter(pk=order.grid_id).first()
        current = DayPlan.objects.current().get(grid=order.grid, work_on=day)
        problem = parse_problem(current.problem)
        plan = plan_from_dict(current.plan)
        key = job_key(order.pk)
        problem, plan = _without(problem, plan, key)
        now_minute = minute_of(now, day)
        latest = max((t.shift_end for t in problem.technicians), default=now_minute + 1)
        job = _job_for(order, (now_minute, max(now_minute, latest - 1)), problem)
        travel = travel_for(problem, straight_line_settings())
        inserted = insert_urgent(problem, plan, job, now=now_minute, travel=travel)
        stored = _store(
            order.grid,
            day,
            problem=problem_to_dict(inserted.problem),
            plan=inserted.plan,
            built_started=current.plan.get("started", []),
            set_aside=[s for s in current.plan.get("set_aside", []) if s["job"] != key],
            urgent=set(current.plan.get("urgent", [])) | {key},
            pinned=set(current.plan.get("pinned", [])),
            reason=f"urgent order {order.bss_order_no} inserted",
            actor=actor,
            now=now,
            seconds=time.perf_counter() - began,
        )
    chosen = Technician.objects.get(pk=pk_of(inserted.technician)) if inserted.technician else None
    return UrgentResult(plan=stored, technician=chosen, seconds=time.perf_counter() - began)


@dataclass
class WindowFit:
    starts_at: dt.datetime
    ends_at: dt.datetime
    fits: bool


def candidate_windows() -> list[tuple[int, int]]:
    """DISPATCH_BOOKING_WINDOWS as (start, end) minutes."""
    windows = []
    for item in settings.DISPATCH_BOOKING_WINDOWS.split(","):
        start, end = item.split("-")
        windows.append((_clock(start), _clock(end)))
    return windows


def booking_windows_for(
    order: WorkOrder, day: dt.date, *, now: dt.datetime
) -> tuple[DayPlan | None, list[WindowFit]]:
    """The candidate windows of `day` with whether the grid's current plan can still take the
    order in each (R-APT-1): the times a technician can offer and keep. Without a current plan
    the day is judged empty (the answer says which plan it used: none). Reads only."""
    today = local_date(now)
    if day < today:
        raise RuleViolation(_("A day that is over cannot be booked."), code="day_over")
    current = DayPlan.objects.current().filter(grid=order.grid, work_on=day).first()
    if current is not None:
        problem = parse_problem(current.problem)
        plan = plan_from_dict(current.plan)
    else:
        problem = parse_problem(build_problem(order.grid, day, now=now).problem)
        plan = Plan(
            routes=[Route(technician=t.id) for t in problem.technicians],
            unassigned=[],
            feasible=True,
        )
        problem = Problem(date=problem.date, technicians=problem.technicians, jobs=())
    problem, plan = _without(problem, plan, job_key(order.pk))
    now_minute = minute_of(now, day) if day == today else 0
    candidates = candidate_windows()
    fitting: set[tuple[int, int]] = set()
    if problem.technicians:
        job = _job_for(order, candidates[0], problem)
        travel = travel_for(problem, straight_line_settings())
        open_now = [w for w in candidates if w[1] > now_minute]
        fitting = set(booking_windows(problem, plan, job, open_now, travel=travel, now=now_minute))
    return current, [
        WindowFit(
            starts_at=moment_of(day, start),
            ends_at=moment_of(day, end),
            fits=(start, end) in fitting,
        )
        for start, end in candidates
    ]
