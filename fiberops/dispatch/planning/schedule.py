"""Times along one technician's route, with the lunch break placed where it fits.

Shared by the solver (after PyVRP has chosen the order), the greedy baseline and the intraday
insertion. The checker does *not* use this module: it recomputes everything on its own.

A route leaves the start point as late as the first job allows (never before the shift start),
drives, waits for a window to open, serves, and drives on; it is back by the shift end. The break
is taken where the technician is, between two stops (or before the first), starting no earlier
than the break's earliest time and ending by its latest; every position is tried and the one that
brings the technician home earliest wins.
"""

from collections.abc import Sequence

from fiberops.dispatch.planning.problem import Job, PlannedBreak, Stop, Technician
from fiberops.dispatch.planning.travel import TravelTimes


def schedule_route(
    technician: Technician,
    jobs: Sequence[Job],
    travel: TravelTimes,
    *,
    origin: str | None = None,
    ready: int | None = None,
    lunch_pending: bool = True,
) -> tuple[list[Stop], PlannedBreak | None] | None:
    """Stops and break for `jobs` in this order, or None when no placement keeps every rule.

    `origin`/`ready`: where and when the technician is free (default: the start point at the
    shift start; then the departure may be delayed). `lunch_pending=False` when the break is
    already behind them. The break's `after_stop` counts within `jobs`.
    """
    rule = technician.lunch if lunch_pending else None
    if not jobs:
        return [], None
    if rule is None:
        plain = _forward_with_break(technician, jobs, travel, origin, ready, None, 0)
        return (plain[0], None) if plain is not None else None
    best: tuple[int, list[Stop], PlannedBreak] | None = None
    for after in range(-1, len(jobs)):
        placed = _forward_with_break(technician, jobs, travel, origin, ready, after, rule.minutes)
        if placed is None:
            continue
        stops, lunch, back = placed
        if best is None or back < best[0]:
            best = (back, stops, lunch)
    if best is None:
        return None
    return best[1], best[2]


def _forward_with_break(
    technician: Technician,
    jobs: Sequence[Job],
    travel: TravelTimes,
    origin: str | None,
    ready: int | None,
    after: int | None,
    minutes: int,
) -> tuple[list[Stop], PlannedBreak, int] | None:
    rule = technician.lunch
    where = origin or technician.id
    clock = technician.shift_start if ready is None else ready
    lunch: PlannedBreak | None = None
    if after == -1 and rule is not None:
        lunch_start = max(clock, rule.earliest)
        if lunch_start + minutes > rule.latest:
            return None
        lunch = PlannedBreak(after_stop=-1, start=lunch_start, end=lunch_start + minutes)
        clock = lunch.end
    if origin is None:
        # Leave as late as the first window allows: waiting at home rather than at the door.
        clock = max(clock, jobs[0].window_start - travel.minutes(where, jobs[0].id))
    stops: list[Stop] = []
    for position, job in enumerate(jobs):
        arrival = clock + travel.minutes(where, job.id)
        start = max(arrival, job.window_start)
        if start > job.window_end:
            return None
        end = start + job.duration_min
        stops.append(Stop(job=job.id, arrival=arrival, start=start, end=end))
        clock = end
        where = job.id
        if after == position and rule is not None:
            lunch_start = max(clock, rule.earliest)
            if lunch_start + minutes > rule.latest:
                return None
            lunch = PlannedBreak(after_stop=position, start=lunch_start, end=lunch_start + minutes)
            clock = lunch.end
    back = clock + travel.minutes(where, technician.id)
    if back > technician.shift_end:
        return None
    placed = lunch if lunch is not None else PlannedBreak(after_stop=-2, start=0, end=0)
    return stops, placed, back
