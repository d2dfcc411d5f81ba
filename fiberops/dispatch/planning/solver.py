"""Day plans with PyVRP (issue 9): the problem file in, a checked plan out.

The model (`docs/dispatch.md`, "The model"):

- Time in whole minutes after midnight; cost in tens of metres of road (the travel provider's
  distance).
- One depot per technician at the start point, open over the shift; one vehicle type per
  technician (one vehicle) starting and ending at that depot, its time window the shift.
- A job's window bounds the start of service (PyVRP's client `tw_early`/`tw_late` do exactly
  that); service duration from the job.
- Skills (R-WF-1) are load dimensions: a job delivers 1 on each skill it needs; a technician's
  capacity on a dimension is the number of jobs if they have the skill, else 0 — a route holding
  a job whose skill its technician lacks would exceed capacity, which a feasible solution never
  does. Pins work the same way: one more dimension per technician with pinned jobs, capacity
  only on that technician.
- Every job is optional with a prize larger than any detour in a grid, so the solver serves as
  many as it can, and urgent jobs (priority ≥ 2: faults, second appointments R-APT-7) and pinned
  jobs are worth six ordinary ones; when a day cannot all be served the plan says which and why.
- The lunch break: PyVRP 0.14 has no break, and every client is a place that travel goes into
  and out of. The break is a client without a place: zero-cost legs into it, and out of it to
  job j the shortest leg into j from anywhere (a lower bound of the real leg i→j it interrupts);
  its window is [earliest, latest − minutes] for its start, its service the break's minutes, its
  prize above any job's, and a load dimension per break rule (capacity 1) keeps one break on a
  route and only for a technician of that rule. So the solver leaves room for lunch in the right
  hours. The times PyVRP computes around it are slightly optimistic (the lower bound), so the
  break's real place is chosen afterwards by `schedule.schedule_route` — where the technician
  stands, between two stops, inside its window, later stops pushed as their windows allow. A
  route where it cannot fit gives up its cheapest job, which is offered to the other routes by
  insertion; the checker verifies the result.
"""

import time

import numpy as np

from fiberops.dispatch.planning.problem import (
    Job,
    Plan,
    Problem,
    Route,
    Technician,
    Unassigned,
    format_clock,
)
from fiberops.dispatch.planning.schedule import schedule_route
from fiberops.dispatch.planning.travel import TravelTimes

#: The solver's cost unit: 10 m of road. PyVRP caps its penalty per unit of violation (one job
#: on a technician without its skill, one minute late) at 100,000 by default, so every prize must
#: stay below that or the search would rather break a rule than drop a job.
METRES_PER_COST = 10
#: Prizes in cost units: an ordinary job outweighs 100 km of road (far more than the detour to
#: any job of a grid), an urgent or pinned one six ordinary ones.
PRIZE_LOW = 2_000
PRIZE_NORMAL = 10_000
PRIZE_URGENT = 60_000
#: A planned lunch break is worth more than any job: the solver never plans it away.
PRIZE_BREAK = 80_000

REASON_TIME = "not enough technician time left in the day for it"


def prize(job: Job) -> int:
    """What serving `job` is worth to the solver."""
    if job.priority >= 2 or job.pinned_to is not None:
        return PRIZE_URGENT
    return PRIZE_NORMAL if job.priority >= 1 else PRIZE_LOW


def qualified(technician: Technician, job: Job) -> bool:
    """May this technician take this job: every skill (R-WF-1), and the pin if there is one."""
    return set(job.skills) <= set(technician.skills) and job.pinned_to in (None, technician.id)


def unservable_reason(problem: Problem, job: Job, travel: TravelTimes) -> str | None:
    """Why no plan can hold this job at all, or None: skills, pin, or a window out of reach."""
    skilled = [t for t in problem.technicians if set(job.skills) <= set(t.skills)]
    if not skilled:
        return f"no technician has the skills {', '.join(sorted(job.skills))}"
    if job.pinned_to is not None and job.pinned_to not in {t.id for t in skilled}:
        return f"pinned to {job.pinned_to}, who lacks the skills {', '.join(sorted(job.skills))}"
    candidates = [t for t in skilled if qualified(t, job)]
    if not any(schedule_route(t, [job], travel) is not None for t in candidates):
        return (
            f"its window {format_clock(job.window_start)}–{format_clock(job.window_end)} cannot "
            "be reached from any qualified technician's start within the shift"
        )
    return None


def solve_problem(
    problem: Problem, travel: TravelTimes, *, time_limit_s: float, seed: int = 1
) -> Plan:
    """Plan the day within about `time_limit_s` seconds; see the module docstring.

    PyVRP gets what is left of the limit after the model is built, less a reserve (a tenth, at
    most a second) for placing the breaks and re-offering jobs afterwards.
    """
    began = time.perf_counter()
    unassigned: list[Unassigned] = []
    jobs: list[Job] = []
    for job in problem.jobs:
        reason = unservable_reason(problem, job, travel)
        if reason is None:
            jobs.append(job)
        else:
            unassigned.append(Unassigned(job=job.id, reason=reason))
    technicians = list(problem.technicians)
    routes_jobs: dict[str, list[Job]] = {t.id: [] for t in technicians}
    if jobs and technicians:
        routes_jobs = _solve_with_pyvrp(technicians, jobs, travel, began + time_limit_s, seed)
    planned = {job.id for route in routes_jobs.values() for job in route}
    left_out = [job for job in jobs if job.id not in planned]
    routes, dropped = _schedule(technicians, routes_jobs, travel)
    for job in sorted(dropped + left_out, key=lambda j: (-prize(j), j.window_start)):
        if not _insert_anywhere(technicians, routes_jobs, routes, job, travel):
            unassigned.append(Unassigned(job=job.id, reason=REASON_TIME))
    order = {job.id: i for i, job in enumerate(problem.jobs)}
    unassigned.sort(key=lambda item: order[item.job])
    plan_routes = [routes[t.id] for t in technicians]
    return Plan(routes=plan_routes, unassigned=unassigned, feasible=not unassigned)


def _solve_with_pyvrp(
    technicians: list[Technician],
    jobs: list[Job],
    travel: TravelTimes,
    deadline: float,
    seed: int,
) -> dict[str, list[Job]]:
    from pyvrp import Model, solve
    from pyvrp.stop import MaxRuntime

    skills = sorted({skill for job in jobs for skill in job.skills})
    pinned_to = sorted({job.pinned_to for job in jobs if job.pinned_to is not None})
    count = len(jobs)
    rules = sorted(
        {t.lunch for t in technicians if t.lunch is not None},
        key=lambda rule: (rule.earliest, rule.latest, rule.minutes),
    )

    def demand(job: Job) -> list[int]:
        return [int(skill in job.skills) for skill in skills] + [
            int(job.pinned_to == technician) for technician in pinned_to
        ]

    model = Model()
    names = [t.id for t in technicians] + [j.id for j in jobs]
    locations = [model.add_location(x=t.lng, y=t.lat, name=t.id) for t in technicians]
    locations += [model.add_location(x=j.lng, y=j.lat, name=j.id) for j in jobs]
    for number, technician in enumerate(technicians):
        depot = model.add_depot(
            locations[number],
            tw_early=technician.shift_start,
            tw_late=technician.shift_end,
            name=technician.id,
        )
        capacity = [count if skill in technician.skills else 0 for skill in skills]
        capacity += [count if technician.id == pin else 0 for pin in pinned_to]
        capacity += [int(technician.lunch == rule) for rule in rules]
        model.add_vehicle_type(
            num_available=1,
            capacity=capacity,
            start_depot=depot,
            end_depot=depot,
            tw_early=technician.shift_start,
            tw_late=technician.shift_end,
            name=technician.id,
        )
    for number, job in enumerate(jobs):
        model.add_client(
            locations[len(technicians) + number],
            delivery=demand(job) + [0] * len(rules),
            service_duration=job.duration_min,
            tw_early=job.window_start,
            tw_late=job.window_end,
            prize=prize(job),
            required=False,
            name=job.id,
        )
    # One break client per technician with a break, on a dimension of its rule (capacity 1 for
    # the technicians of that rule): at most one break a route, and only a break of one's own
    # rule. It has no place: driving into it costs nothing, driving out of it to j costs the
    # shortest leg into j from anywhere (a lower bound of the leg i→j it stands in), so the
    # solver plans the break's half hour inside its window where the route has room; the real
    # placement is `schedule.schedule_route`'s afterwards.
    with_break = [(t, t.lunch) for t in technicians if t.lunch is not None]
    for technician, rule in with_break:
        location = model.add_location(x=technician.lng, y=technician.lat, name="break")
        model.add_client(
            location,
            delivery=[0] * (len(skills) + len(pinned_to)) + [int(rule == other) for other in rules],
            service_duration=rule.minutes,
            tw_early=rule.earliest,
            tw_late=rule.latest - rule.minutes,
            prize=PRIZE_BREAK,
            required=False,
            name=f"break {technician.id}",
        )
    size = len(names)
    distance = np.array(
        [[travel.metres(a, b) // METRES_PER_COST for b in names] for a in names], dtype=np.int64
    )
    duration = np.array([[travel.minutes(a, b) for b in names] for a in names], dtype=np.int64)
    breaks = len(with_break)
    if breaks:
        masked = np.where(np.eye(size, dtype=bool), np.iinfo(np.int64).max, duration)
        shortest_minutes = masked.min(axis=0) if size > 1 else np.zeros(size, np.int64)
        masked = np.where(np.eye(size, dtype=bool), np.iinfo(np.int64).max, distance)
        shortest_cost = masked.min(axis=0) if size > 1 else np.zeros(size, np.int64)
        full = size + breaks
        grown_distance = np.zeros((full, full), dtype=np.int64)
        grown_duration = np.zeros((full, full), dtype=np.int64)
        grown_distance[:size, :size] = distance
        grown_duration[:size, :size] = duration
        grown_distance[size:, :size] = shortest_cost
        grown_duration[size:, :size] = shortest_minutes
        distance, duration = grown_distance, grown_duration
    data = model.data().replace(
        distance_matrices=[distance],  # type: ignore[list-item]  # the stub says ndarray[int]
        duration_matrices=[duration],  # type: ignore[list-item]
    )
    left = deadline - time.perf_counter()
    seconds = max(0.1, left - min(1.0, 0.1 * left))
    result = solve(data, stop=MaxRuntime(seconds), seed=seed, collect_stats=False, display=False)
    routes: dict[str, list[Job]] = {t.id: [] for t in technicians}
    if not result.best.is_feasible():
        # No feasible solution in the time given (never seen with every job optional): keep an
        # empty plan rather than one that breaks a rule; every job is then offered by insertion.
        return routes
    for route in result.best.routes():
        technician = technicians[route.vehicle_type()]
        routes[technician.id] = [
            jobs[activity.idx]
            for activity in route.schedule()
            if activity.is_client() and activity.idx < len(jobs)
        ]
    return routes


def _schedule(
    technicians: list[Technician], routes_jobs: dict[str, list[Job]], travel: TravelTimes
) -> tuple[dict[str, Route], list[Job]]:
    """Times and breaks for every route; a route whose break cannot fit gives up jobs."""
    routes: dict[str, Route] = {}
    dropped: list[Job] = []
    for technician in technicians:
        order = routes_jobs[technician.id]
        while (placed := schedule_route(technician, order, travel)) is None:
            victim = _cheapest_removal(technician, order, travel)
            order.remove(victim)
            dropped.append(victim)
        routes[technician.id] = Route(technician=technician.id, stops=placed[0], lunch=placed[1])
    return routes, dropped


def _cheapest_removal(technician: Technician, order: list[Job], travel: TravelTimes) -> Job:
    """The job whose removal lets the route fit, of the lowest prize; else the lowest prize."""
    by_value = sorted(order, key=lambda job: (prize(job), -job.duration_min))
    for job in by_value:
        rest = [other for other in order if other is not job]
        if schedule_route(technician, rest, travel) is not None:
            return job
    return by_value[0]


def _insert_anywhere(
    technicians: list[Technician],
    routes_jobs: dict[str, list[Job]],
    routes: dict[str, Route],
    job: Job,
    travel: TravelTimes,
) -> bool:
    """Put `job` where it adds the least travel, if any route can take it; True if placed."""
    best: tuple[int, Technician, list[Job], Route] | None = None
    for technician in technicians:
        if not qualified(technician, job):
            continue
        order = routes_jobs[technician.id]
        before = _metres(technician, order, travel)
        for position in range(len(order) + 1):
            trial = [*order[:position], job, *order[position:]]
            placed = schedule_route(technician, trial, travel)
            if placed is None:
                continue
            added = _metres(technician, trial, travel) - before
            if best is None or added < best[0]:
                route = Route(technician=technician.id, stops=placed[0], lunch=placed[1])
                best = (added, technician, trial, route)
    if best is None:
        return False
    _, technician, trial, route = best
    routes_jobs[technician.id] = trial
    routes[technician.id] = route
    return True


def _metres(technician: Technician, order: list[Job], travel: TravelTimes) -> int:
    ids = [technician.id, *(job.id for job in order), technician.id]
    return sum(travel.metres(a, b) for a, b in zip(ids, ids[1:], strict=False))
