"""The greedy baseline the benchmark compares with (issue 9): earliest window first, nearest
feasible technician.

Jobs are taken in order of window start (then window end, urgent first). Each goes to the end of
the route of the qualified technician nearest to where that route now ends (the last job, or the
start point) for whom the lengthened route still keeps every window, the shift and the lunch
break (placed as in the optimised plan). A job no one can take is left unassigned.
"""

from fiberops.dispatch.planning.problem import Job, Plan, Problem, Route, Unassigned
from fiberops.dispatch.planning.schedule import schedule_route
from fiberops.dispatch.planning.solver import REASON_TIME, qualified, unservable_reason
from fiberops.dispatch.planning.travel import TravelTimes


def plan_greedy(problem: Problem, travel: TravelTimes) -> Plan:
    """The baseline plan; valid by construction (and checked like any other in tests)."""
    orders: dict[str, list[Job]] = {t.id: [] for t in problem.technicians}
    routes = {t.id: Route(technician=t.id) for t in problem.technicians}
    unassigned: list[Unassigned] = []
    for job in sorted(problem.jobs, key=lambda j: (j.window_start, j.window_end, -j.priority)):
        reason = unservable_reason(problem, job, travel)
        if reason is not None:
            unassigned.append(Unassigned(job=job.id, reason=reason))
            continue
        candidates = [t for t in problem.technicians if qualified(t, job)]
        candidates.sort(
            key=lambda t: travel.minutes(orders[t.id][-1].id if orders[t.id] else t.id, job.id)
        )
        for technician in candidates:
            trial = [*orders[technician.id], job]
            placed = schedule_route(technician, trial, travel)
            if placed is not None:
                orders[technician.id] = trial
                routes[technician.id] = Route(
                    technician=technician.id, stops=placed[0], lunch=placed[1]
                )
                break
        else:
            unassigned.append(Unassigned(job=job.id, reason=REASON_TIME))
    order = {job.id: i for i, job in enumerate(problem.jobs)}
    unassigned.sort(key=lambda item: order[item.job])
    return Plan(
        routes=[routes[t.id] for t in problem.technicians],
        unassigned=unassigned,
        feasible=not unassigned,
    )
