"""Independent plan checkers: they recompute every time from the routes and the travel times.

Nothing here imports PyVRP or the solver: a plan is trusted only when this module, reading the
problem and the plan as plain data, finds no violation. Two checkers:

- `check_plan(problem, plan, travel)`: the field-service plan of `docs/dispatch.md` — every job
  at most once, skills (R-WF-1), pins, job windows (service *starts* inside, R-APT-1), the shift
  (leave the start point no earlier than the shift start, back by its end), the lunch break, and
  that the printed times are possible (no arrival before the drive allows) and consistent.
- `check_vrptw(instance, routes)`: a Solomon instance — every customer once, capacity, windows,
  depot horizon; returns the recomputed distance.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from fiberops.dispatch.planning.problem import (
    Plan,
    Problem,
    format_clock,
)
from fiberops.dispatch.planning.travel import TravelTimes


@dataclass(frozen=True)
class VrptwInstance:
    """A capacitated VRP with time windows in integer units; node 0 is the depot."""

    name: str
    scale: int
    vehicles: int
    capacity: int
    demands: list[int]
    windows: list[tuple[int, int]]
    service: list[int]
    matrix: list[list[int]]
    coordinates: list[tuple[float, float]]


def check_vrptw(instance: VrptwInstance, routes: Sequence[Sequence[int]]) -> tuple[list[str], int]:
    """Return (violations, total distance in scaled units) for customer-node routes."""
    problems: list[str] = []
    seen: dict[int, int] = {}
    total = 0
    for number, route in enumerate(routes):
        load = sum(instance.demands[node] for node in route)
        if load > instance.capacity:
            problems.append(f"route {number}: load {load} > capacity {instance.capacity}")
        time = instance.windows[0][0]
        previous = 0
        for node in route:
            if node <= 0 or node >= len(instance.demands):
                problems.append(f"route {number}: unknown node {node}")
                break
            seen[node] = seen.get(node, 0) + 1
            total += instance.matrix[previous][node]
            time = max(time + instance.matrix[previous][node], instance.windows[node][0])
            if time > instance.windows[node][1]:
                problems.append(f"route {number}: node {node} starts {time} after its window")
            time += instance.service[node]
            previous = node
        total += instance.matrix[previous][0]
        if time + instance.matrix[previous][0] > instance.windows[0][1]:
            problems.append(f"route {number}: back at the depot after its horizon")
    for node in range(1, len(instance.demands)):
        if seen.get(node, 0) != 1:
            problems.append(f"node {node} visited {seen.get(node, 0)} times")
    return problems, total


def check_plan(problem: Problem, plan: Plan, travel: TravelTimes) -> list[str]:
    """Every rule the plan breaks, as sentences; an empty list means the plan is valid.

    Times are recomputed in whole minutes from the route order and `travel` (the same provider
    the solver used): the earliest arrival is the previous end (or the end of a break taken
    there, or the route's departure) + travel; a printed arrival may be later (the technician
    left later) but never earlier; start = max(arrival, window start), end = start + duration,
    exactly as printed; the window, the shift end and the break are checked on those times.
    """
    errors: list[str] = []
    technicians = {technician.id: technician for technician in problem.technicians}
    jobs = {job.id: job for job in problem.jobs}
    placed: dict[str, str] = {}
    for route in plan.routes:
        technician = technicians.get(route.technician)
        if technician is None:
            errors.append(f"route for unknown technician {route.technician}")
            continue
        where = technician.id
        lunch = route.lunch
        if technician.lunch is not None and route.stops and lunch is None:
            errors.append(f"{technician.id} has a route but no lunch break")
        if lunch is not None and technician.lunch is not None:
            if lunch.start < technician.lunch.earliest:
                errors.append(f"{technician.id}'s break starts before its earliest time")
            if lunch.end > technician.lunch.latest:
                errors.append(f"{technician.id}'s break ends after its latest time")
            if lunch.end - lunch.start != technician.lunch.minutes:
                errors.append(f"{technician.id}'s break is not {technician.lunch.minutes} min")
            if not -1 <= lunch.after_stop < max(len(route.stops), 1):
                errors.append(f"{technician.id}'s break is placed after a stop it does not have")
        # The route leaves its start point no earlier than the shift start (and, with the break
        # taken before the first stop, after the break); the first arrival minus the first leg
        # says when it left.
        departure = technician.shift_start
        if route.stops and route.stops[0].job in jobs:
            departure = route.stops[0].arrival - travel.minutes(where, route.stops[0].job)
        if lunch is not None and lunch.after_stop == -1:
            if lunch.start < technician.shift_start or lunch.end > departure:
                errors.append(f"{technician.id}'s break before the first stop overlaps the drive")
        elif departure < technician.shift_start:
            errors.append(
                f"{technician.id} leaves at {format_clock(departure)}, before the shift start"
            )
        clock = departure
        for position, stop in enumerate(route.stops):
            job = jobs.get(stop.job)
            if job is None:
                errors.append(f"{technician.id}: unknown job {stop.job}")
                continue
            if stop.job in placed:
                errors.append(f"job {job.id} planned twice ({placed[stop.job]}, {technician.id})")
            placed[stop.job] = technician.id
            if not set(job.skills) <= set(technician.skills):
                missing = ", ".join(sorted(set(job.skills) - set(technician.skills)))
                errors.append(f"job {job.id} needs {missing}, which {technician.id} lacks (R-WF-1)")
            if job.pinned_to is not None and job.pinned_to != technician.id:
                errors.append(
                    f"job {job.id} is pinned to {job.pinned_to}, planned for {technician.id}"
                )
            # The technician may leave a stop later than its end (idle until an urgent job came
            # in, say) but never arrive earlier than driving straight there allows.
            earliest = clock + travel.minutes(where, job.id)
            if stop.arrival < earliest:
                errors.append(
                    f"{technician.id} reaches {job.id} at {format_clock(stop.arrival)}, "
                    f"but cannot be there before {format_clock(earliest)}"
                )
            arrival = max(stop.arrival, earliest)
            start = max(arrival, job.window_start)
            end = start + job.duration_min
            if (stop.start, stop.end) != (start, end):
                errors.append(
                    f"{technician.id} at {job.id}: printed start/end {format_clock(stop.start)}/"
                    f"{format_clock(stop.end)}, the arrival gives "
                    f"{format_clock(start)}/{format_clock(end)}"
                )
            if start < job.window_start or start > job.window_end:
                errors.append(
                    f"job {job.id} starts at {format_clock(start)}, outside its window "
                    f"{format_clock(job.window_start)}–{format_clock(job.window_end)} (R-APT-1)"
                )
            clock = end
            where = job.id
            if lunch is not None and lunch.after_stop == position:
                if lunch.start < clock:
                    errors.append(f"{technician.id}'s break starts before {job.id} ends")
                clock = max(clock, lunch.end)
        back = clock + (travel.minutes(where, technician.id) if where != technician.id else 0)
        if back > technician.shift_end:
            errors.append(
                f"{technician.id} is back at {format_clock(back)}, after the shift end "
                f"{format_clock(technician.shift_end)}"
            )
    unassigned = {item.job for item in plan.unassigned}
    for job in problem.jobs:
        if job.id in placed and job.id in unassigned:
            errors.append(f"job {job.id} is both planned and unassigned")
        if job.id not in placed and job.id not in unassigned:
            errors.append(f"job {job.id} is neither planned nor listed as unassigned")
    if plan.feasible != (not plan.unassigned):
        errors.append("`feasible` must be true exactly when every job is planned")
    return errors
