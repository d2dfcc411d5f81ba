"""The independent checker (planning/check.py) catches what a wrong plan does: it is the judge
of every plan in these tests, so it must itself be shown to convict."""

from dataclasses import replace

from fiberops.dispatch.planning.check import check_plan
from fiberops.dispatch.planning.problem import Plan, Route, Stop
from fiberops.dispatch.planning.solver import solve_problem
from fiberops.dispatch.planning.travel import travel_for
from fiberops.dispatch.tests.planning_helpers import parsed, small_day


def solved():
    problem = parsed(small_day())
    travel = travel_for(problem)
    return problem, travel, solve_problem(problem, travel, time_limit_s=0.5)


def busy_route(plan: Plan) -> Route:
    return max(plan.routes, key=lambda r: len(r.stops))


def test_the_solved_plan_passes():
    problem, travel, plan = solved()
    assert check_plan(problem, plan, travel) == []


def test_a_start_moved_out_of_its_window_is_caught():
    problem, travel, plan = solved()
    route = busy_route(plan)
    last = route.stops[-1]
    route.stops[-1] = replace(last, arrival=last.arrival + 600, start=last.start + 600)
    assert any(
        "window" in error or "printed" in error for error in check_plan(problem, plan, travel)
    )


def test_misprinted_times_are_caught():
    problem, travel, plan = solved()
    route = busy_route(plan)
    route.stops[0] = replace(route.stops[0], end=route.stops[0].end + 5)
    assert any("printed" in error for error in check_plan(problem, plan, travel))


def test_r_wf_1_a_job_given_to_a_technician_without_the_skill_is_caught():
    problem, travel, plan = solved()
    installs = {j.id for j in problem.jobs if "install" in j.skills}
    t2 = next(r for r in plan.routes if r.technician == "T2")
    donor = next(r for r in plan.routes if any(s.job in installs for s in r.stops))
    moved = next(s for s in donor.stops if s.job in installs)
    donor.stops.remove(moved)
    t2.stops.append(moved)
    errors = check_plan(problem, plan, travel)
    assert any("lacks (R-WF-1)" in error for error in errors)


def test_a_job_left_out_without_a_reason_and_a_missing_break_are_caught():
    problem, travel, plan = solved()
    route = busy_route(plan)
    route.lunch = None
    route.stops.pop()
    errors = check_plan(problem, plan, travel)
    assert any("neither planned nor listed" in error for error in errors)
    assert any("no lunch break" in error for error in errors)


def test_a_route_home_after_the_shift_end_is_caught():
    problem, travel, plan = solved()
    route = busy_route(plan)
    technician = next(t for t in problem.technicians if t.id == route.technician)
    late = replace(technician, shift_end=route.stops[-1].end)
    problem = replace(
        problem,
        technicians=tuple(late if t.id == late.id else t for t in problem.technicians),
    )
    assert any("after the shift end" in error for error in check_plan(problem, plan, travel))


def test_an_extra_stop_is_caught():
    problem, travel, plan = solved()
    route = busy_route(plan)
    route.stops.append(Stop(job="nowhere", arrival=0, start=0, end=0))
    assert any("unknown job" in error for error in check_plan(problem, plan, travel))


def test_an_arrival_sooner_than_the_drive_allows_is_caught():
    problem, travel, plan = solved()
    route = busy_route(plan)
    second = route.stops[1]
    route.stops[1] = replace(second, arrival=route.stops[0].end)
    assert any("cannot be there before" in error for error in check_plan(problem, plan, travel))
