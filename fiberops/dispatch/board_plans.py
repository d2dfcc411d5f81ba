"""The stored day plans on the dispatcher board (issue 9): for each grid of the board's day, its
current `DayPlan` read from the plan's JSON (no query per stop or technician), laid out on the
rows' 08:00–20:00 axis as travel legs, waits, stops, the lunch break and the way home, and the
routes the map draws. Two queries whatever the day holds: the plans, and the order numbers of
their jobs (none without a plan).

Travel minutes are recomputed from the stored problem with the same provider the planner used
(`travel_for`), so the legs on the board are the planner's legs. Positions on the map are rounded
to 0.01° (about 1 km) like every customer position the office sees (R-CUS-5)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fiberops.dispatch.plan_models import DayPlan
from fiberops.dispatch.planning.problem import (
    PlannedBreak,
    ProblemError,
    Route,
    parse_problem,
    plan_from_dict,
)
from fiberops.dispatch.planning.travel import TravelTimes, travel_for
from fiberops.dispatch.plans import pk_of, reason_text, straight_line_settings
from fiberops.dispatch.queries import DAY_HOURS, DAY_STARTS
from fiberops.workorders.models import WorkOrder

AXIS_START = DAY_STARTS.hour * 60
AXIS_MINUTES = DAY_HOURS * 60


def pct(minute: int) -> float:
    """A minute after midnight as percent of the 08:00–20:00 axis, clipped."""
    return min(max((minute - AXIS_START) / AXIS_MINUTES * 100, 0.0), 100.0)


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass
class Segment:
    """One piece of a technician's planned day on the axis: `travel` (a leg, `minutes` long),
    `wait` (early at the customer), `stop` (the work), `break` (lunch) or `home` (the way back)."""

    kind: str
    start: int
    end: int
    minutes: int = 0
    order_id: int | None = None
    no: str = ""
    sequence: int = 0
    arrival: int = 0
    started: bool = False
    urgent: bool = False

    @property
    def left_pct(self) -> float:
        return pct(self.start)

    @property
    def width_pct(self) -> float:
        return max(pct(self.end) - pct(self.start), 0.0)

    @property
    def start_text(self) -> str:
        return clock(self.start)

    @property
    def end_text(self) -> str:
        return clock(self.end)

    @property
    def arrival_text(self) -> str:
        return clock(self.arrival)


@dataclass
class RoutePlan:
    """A technician's planned route for the row and the map."""

    segments: list[Segment] = field(default_factory=list)
    shift_minutes: int = 0
    travel_minutes: int = 0
    work_minutes: int = 0
    break_minutes: int = 0
    start_at: list[float] | None = None
    points: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stops(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "stop"]

    @property
    def free_minutes(self) -> int:
        busy = self.travel_minutes + self.work_minutes + self.break_minutes
        return max(self.shift_minutes - busy, 0)

    @property
    def free_hours(self) -> float:
        return self.free_minutes / 60


@dataclass
class Unplanned:
    order_id: int
    no: str
    reason: str


@dataclass
class GridPlan:
    """A grid's current plan of the day as the board shows it (`plan` None: no plan yet)."""

    grid: Any
    plan: DayPlan | None = None
    routes: dict[int, RoutePlan] = field(default_factory=dict)
    unplanned: list[Unplanned] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(len(route.stops) for route in self.routes.values())


def _approx(lat: float, lng: float) -> list[float]:
    return [round(lat, 2), round(lng, 2)]


def _route(
    route: Any, started: list[dict], problem: Any, travel: TravelTimes, numbers: dict, urgent: set
) -> RoutePlan:
    """Lay one stored route out: started work first, then each stop's leg, wait and work, the
    break where the plan put it, and the way home."""
    people = {t.id: t for t in problem.technicians}
    places = {j.id: (j.lat, j.lng) for j in problem.jobs}
    person = people.get(route.technician)
    laid = RoutePlan()
    if person is not None:
        laid.shift_minutes = person.shift_end - person.shift_start
        laid.start_at = _approx(person.lat, person.lng)
    sequence = 0

    def stop(job: str, arrival: int, start: int, end: int, is_started: bool) -> None:
        nonlocal sequence
        sequence += 1
        order_id = pk_of(job)
        laid.segments.append(
            Segment(
                "stop",
                start,
                end,
                minutes=end - start,
                order_id=order_id,
                no=numbers.get(order_id, ""),
                sequence=sequence,
                arrival=arrival,
                started=is_started,
                urgent=job in urgent,
            )
        )
        laid.work_minutes += end - start
        if job in places:
            laid.points.append(
                {
                    "order": order_id,
                    "no": numbers.get(order_id, ""),
                    "at": _approx(*places[job]),
                    "time": f"{clock(start)}–{clock(end)}",
                    "n": sequence,
                }
            )

    for item in started:
        arrival, start, end = (_minute(item[k]) for k in ("arrival", "start", "end"))
        stop(item["job"], arrival, start, end, True)
    where = route.technician
    lunch = route.lunch

    def take_break(lunch: PlannedBreak) -> None:
        laid.segments.append(Segment("break", lunch.start, lunch.end, lunch.end - lunch.start))
        laid.break_minutes += lunch.end - lunch.start

    for index, item in enumerate(route.stops):
        if lunch is not None and lunch.after_stop == index - 1:
            take_break(lunch)
        leg = _leg(travel, where, item.job)
        laid.segments.append(Segment("travel", item.arrival - leg, item.arrival, leg))
        laid.travel_minutes += leg
        if item.start > item.arrival:
            laid.segments.append(
                Segment("wait", item.arrival, item.start, item.start - item.arrival)
            )
        stop(item.job, item.arrival, item.start, item.end, False)
        where = item.job
    if route.stops:
        last = route.stops[-1].end
        if lunch is not None and lunch.after_stop == len(route.stops) - 1:
            take_break(lunch)
            last = max(last, lunch.end)
        leg = _leg(travel, where, route.technician)
        laid.segments.append(Segment("home", last, last + leg, leg))
        laid.travel_minutes += leg
    return laid


def _leg(travel: TravelTimes, origin: str, destination: str) -> int:
    try:
        return travel.minutes(origin, destination)
    except KeyError:  # a point the stored problem does not name: show no leg
        return 0


def _minute(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def grid_plans(grids: list, day: dt.date) -> dict[int, GridPlan]:
    """The current plan of `day` of each grid (keyed by grid pk), laid out for the board."""
    shown = {grid.pk: GridPlan(grid) for grid in grids}
    plans = list(DayPlan.objects.current().filter(work_on=day, grid_id__in=list(shown)))
    if not plans:
        return shown
    jobs: set[int] = set()
    for plan in plans:
        body = plan.plan
        jobs |= {pk_of(s["job"]) for r in body.get("routes", []) for s in r.get("stops", [])}
        jobs |= {pk_of(s["job"]) for s in body.get("started", [])}
        jobs |= {pk_of(u["job"]) for u in [*body.get("unassigned", []), *body.get("set_aside", [])]}
    numbers = dict(WorkOrder.objects.filter(pk__in=jobs).values_list("pk", "bss_order_no"))
    for plan in plans:
        shown_plan = shown[plan.grid_id]
        shown_plan.plan = plan
        try:
            problem = parse_problem(plan.problem)
        except ProblemError:  # a stored problem is valid by construction; never break the page
            continue
        travel = travel_for(problem, straight_line_settings())
        stored = plan_from_dict(plan.plan)
        urgent = set(plan.plan.get("urgent", []))
        started: dict[str, list[dict]] = {}
        for item in plan.plan.get("started", []):
            started.setdefault(item["technician"], []).append(item)
        for route in stored.routes:
            shown_plan.routes[pk_of(route.technician)] = _route(
                route, started.pop(route.technician, []), problem, travel, numbers, urgent
            )
        for technician, items in started.items():  # started work of a technician off the plan
            shown_plan.routes[pk_of(technician)] = _route(
                Route(technician=technician), items, problem, travel, numbers, urgent
            )
        for item in [*plan.plan.get("unassigned", []), *plan.plan.get("set_aside", [])]:
            order_id = pk_of(item["job"])
            shown_plan.unplanned.append(
                Unplanned(order_id, numbers.get(order_id, ""), reason_text(item["reason"]))
            )
    return shown
