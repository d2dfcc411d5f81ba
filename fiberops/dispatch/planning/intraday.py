"""Intraday help on a running plan (issue 9): an urgent job inserted into today's routes, and
the booking windows a plan can still take.

Both try every qualified technician and every position after the work that has begun, and
re-time the rest of that route with `schedule.schedule_route` (lunch break included). Only the
receiving route changes, and its started stops stay exactly where they are: "a running plan never
silently moves a job the technician has started". A stop counts as begun once the drive to it
has started. Exhaustive insertion is exact for one job and takes milliseconds for a grid (the
benchmark times it), so no solver run is needed inside the one-second budget.
"""

import time
from dataclasses import dataclass, replace

from fiberops.dispatch.planning.problem import (
    Job,
    Plan,
    PlannedBreak,
    Problem,
    Route,
    Stop,
    Technician,
    Unassigned,
)
from fiberops.dispatch.planning.schedule import schedule_route
from fiberops.dispatch.planning.solver import qualified
from fiberops.dispatch.planning.travel import StraightLineTravel, TravelTimes


@dataclass
class Insertion:
    """The result: the problem with the new job, the new plan, who takes it (None: nobody)."""

    problem: Problem
    plan: Plan
    technician: str | None
    seconds: float


def _begun(technician: Technician, route: Route, now: int, travel: TravelTimes) -> int:
    """How many of the route's stops have begun (the drive to them started) by `now`."""
    count = 0
    where = technician.id
    for stop in route.stops:
        if stop.arrival - travel.minutes(where, stop.job) > now:
            break
        count += 1
        where = stop.job
    return count


def _try_route(
    technician: Technician,
    route: Route,
    jobs: dict[str, Job],
    job: Job,
    now: int,
    travel: TravelTimes,
) -> Route | None:
    """The route with `job` at its best place after the begun stops (earliest start), or None."""
    fixed = _begun(technician, route, now, travel)
    prefix = route.stops[:fixed]
    rest = [jobs[stop.job] for stop in route.stops[fixed:]]
    lunch = route.lunch
    lunch_done = lunch is not None and (lunch.start < now or lunch.after_stop < fixed - 1)
    origin = prefix[-1].job if prefix else None
    ready = max(now, prefix[-1].end if prefix else technician.shift_start)
    if lunch_done and lunch is not None and lunch.after_stop == fixed - 1:
        ready = max(ready, lunch.end)
    best: tuple[int, Route] | None = None
    for position in range(len(rest) + 1):
        trial = [*rest[:position], job, *rest[position:]]
        placed = schedule_route(
            technician,
            trial,
            travel,
            origin=origin,
            ready=ready,
            lunch_pending=not lunch_done,
        )
        if placed is None:
            continue
        stops, new_lunch = placed
        start = stops[position].start
        if best is None or start < best[0]:
            if lunch_done:
                kept: PlannedBreak | None = lunch
            elif new_lunch is not None:
                kept = replace(new_lunch, after_stop=new_lunch.after_stop + fixed)
            else:
                kept = None
            best = (start, Route(technician=technician.id, stops=prefix + stops, lunch=kept))
    return None if best is None else best[1]


def insert_urgent(
    problem: Problem, plan: Plan, job: Job, *, now: int, travel: TravelTimes
) -> Insertion:
    """Insert `job` (e.g. a fault, priority 2) into today's plan at minute `now`.

    The technician chosen is the one who can *start* it earliest. `travel` must know the job's
    point: a straight-line provider learns it here; a matrix provider must already hold it.
    """
    began = time.perf_counter()
    if isinstance(travel, StraightLineTravel) and job.id not in travel.points:
        travel.add_point(job.id, job.lat, job.lng)
    extended = replace(problem, jobs=(*problem.jobs, job))
    jobs = {j.id: j for j in extended.jobs}
    best: tuple[int, Route] | None = None
    for technician in problem.technicians:
        if not qualified(technician, job):
            continue
        route = next(
            (r for r in plan.routes if r.technician == technician.id),
            Route(technician=technician.id),
        )
        candidate = _try_route(technician, route, jobs, job, now, travel)
        if candidate is None:
            continue
        start = next(stop.start for stop in candidate.stops if stop.job == job.id)
        if best is None or start < best[0]:
            best = (start, candidate)
    routes = [_copy(route) for route in plan.routes]
    unassigned = list(plan.unassigned)
    chosen = None
    if best is None:
        unassigned.append(Unassigned(job=job.id, reason="no technician can reach it in its window"))
    else:
        chosen = best[1].technician
        routes = [best[1] if r.technician == chosen else r for r in routes]
        if chosen not in {r.technician for r in routes}:
            routes.append(best[1])
    new_plan = Plan(routes=routes, unassigned=unassigned, feasible=not unassigned)
    return Insertion(
        problem=extended,
        plan=new_plan,
        technician=chosen,
        seconds=time.perf_counter() - began,
    )


def booking_windows(
    problem: Problem,
    plan: Plan,
    job: Job,
    candidates: list[tuple[int, int]],
    *,
    travel: TravelTimes,
    now: int = 0,
) -> list[tuple[int, int]]:
    """The candidate windows (start, end in minutes) in which the plan can still take `job`.

    For today's plan pass the current minute as `now`; for tomorrow's, 0. A window is offered
    when some qualified technician's route keeps every rule with the job added in it (R-APT-1):
    the customer is offered only times the plan will keep.
    """
    fitting = []
    for window_start, window_end in candidates:
        trial = replace(job, window_start=window_start, window_end=window_end)
        if insert_urgent(problem, plan, trial, now=now, travel=travel).technician is not None:
            fitting.append((window_start, window_end))
    return fitting


def _copy(route: Route) -> Route:
    return Route(technician=route.technician, stops=list(route.stops), lunch=route.lunch)


__all__ = ["Insertion", "Stop", "booking_windows", "insert_urgent"]
