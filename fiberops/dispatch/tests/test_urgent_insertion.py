"""Intraday: an urgent fault lands in today's plan from where the technicians are, started work
stays where it is, within about a second (issue 9); booking help offers only windows the plan
can keep (R-APT-1)."""

from fiberops.dispatch.planning.intraday import booking_windows, insert_urgent
from fiberops.dispatch.planning.problem import Job
from fiberops.dispatch.planning.solver import solve_problem
from fiberops.dispatch.planning.synthetic import GridCentre, grid_day, urgent_fault
from fiberops.dispatch.planning.travel import travel_for
from fiberops.dispatch.tests.planning_helpers import assert_valid

GRID = GridCentre(code="WH-I", area="urban", lat=30.63, lng=104.03, technicians=4)


def planned_day():
    problem = grid_day(GRID, seed=5, jobs_per_technician=7)
    travel = travel_for(problem)
    return problem, travel, solve_problem(problem, travel, time_limit_s=1.0)


def test_an_urgent_fault_lands_in_the_plan_and_started_stops_do_not_move():
    problem, travel, plan = planned_day()
    fault, _ = urgent_fault(problem, seed=1)
    now = 11 * 60
    fault = Job(**{**fault.__dict__, "window_start": now, "window_end": now + 180})
    result = insert_urgent(problem, plan, fault, now=now, travel=travel)
    assert result.technician is not None
    assert result.seconds < 1.0
    route = next(r for r in result.plan.routes if r.technician == result.technician)
    assert fault.id in [stop.job for stop in route.stops]
    before = next(r for r in plan.routes if r.technician == result.technician)
    begun = [s for s in before.stops if s.start < now]
    assert route.stops[: len(begun)] == begun
    for old, new in zip(plan.routes, result.plan.routes, strict=True):
        if old.technician != result.technician:
            assert old.stops == new.stops
    assert_valid(result.problem, result.plan, travel)


def test_a_fault_nobody_qualified_can_reach_is_listed_unassigned():
    problem, travel, plan = planned_day()
    fault, now = urgent_fault(problem, seed=2)
    fault = Job(**{**fault.__dict__, "skills": ("fusion-splice",)})
    result = insert_urgent(problem, plan, fault, now=now, travel=travel)
    assert result.technician is None
    assert result.plan.unassigned[-1].job == fault.id
    assert result.plan.feasible is False


def test_r_apt_1_booking_help_offers_only_windows_the_plan_can_keep():
    problem, travel, plan = planned_day()
    new_job = Job(
        id="NEW-1",
        lat=30.631,
        lng=104.031,
        window_start=0,
        window_end=0,
        duration_min=45,
        skills=("repair",),
    )
    candidates = [(9 * 60, 11 * 60), (13 * 60, 15 * 60), (17 * 60 + 50, 17 * 60 + 55)]
    offered = booking_windows(problem, plan, new_job, candidates, travel=travel)
    # Nobody can start a 45-minute job at 17:50 and be home by 18:00.
    assert (17 * 60 + 50, 17 * 60 + 55) not in offered
    assert offered
    for window in offered:
        trial = Job(**{**new_job.__dict__, "window_start": window[0], "window_end": window[1]})
        result = insert_urgent(problem, plan, trial, now=0, travel=travel)
        assert_valid(result.problem, result.plan, travel)
