"""Day plans by PyVRP keep every rule (issue 9): skills (R-WF-1), pins, windows that bound the
start of service (R-APT-1), shifts and lunch breaks — checked on every plan by the independent
checker, which recomputes the times from the route and the travel times."""

from fiberops.dispatch.planning.greedy import plan_greedy
from fiberops.dispatch.planning.solver import solve_problem
from fiberops.dispatch.planning.synthetic import GridCentre, grid_day
from fiberops.dispatch.planning.travel import travel_for
from fiberops.dispatch.tests.planning_helpers import assert_valid, job, parsed, small_day

SECONDS = 1.0


def jobs_of(plan, technician):
    route = next(r for r in plan.routes if r.technician == technician)
    return [stop.job for stop in route.stops]


def test_r_wf_1_a_job_goes_only_to_a_technician_with_its_skills():
    problem = parsed(small_day())
    plan = solve_problem(problem, travel_for(problem), time_limit_s=SECONDS)
    skills = {t.id: set(t.skills) for t in problem.technicians}
    needs = {j.id: set(j.skills) for j in problem.jobs}
    for route in plan.routes:
        for stop in route.stops:
            assert needs[stop.job] <= skills[route.technician]
    assert_valid(problem, plan)


def test_a_job_no_technician_is_skilled_for_is_unassigned_with_that_reason():
    data = small_day()
    data["jobs"].append(job("J99", 30.62, 104.03, ("09:00", "17:00"), ["fusion-splice"]))
    problem = parsed(data)
    plan = solve_problem(problem, travel_for(problem), time_limit_s=SECONDS)
    reasons = {item.job: item.reason for item in plan.unassigned}
    assert "no technician has the skills fusion-splice" in reasons["J99"]
    assert plan.feasible is False
    assert_valid(problem, plan)


def test_a_pinned_job_stays_with_its_technician():
    data = small_day()
    # J2 is a repair job every technician could take; T2 is pinned though farthest from it.
    data["jobs"][1]["pinned_to"] = "T2"
    problem = parsed(data)
    plan = solve_problem(problem, travel_for(problem), time_limit_s=SECONDS)
    assert "J2" in jobs_of(plan, "T2")
    assert "J6" in jobs_of(plan, "T3")
    assert_valid(problem, plan)


def test_r_apt_1_no_plan_breaks_a_window_a_shift_or_a_break_on_a_grid_day():
    grid = GridCentre(code="WH-T", area="urban", lat=30.63, lng=104.03, technicians=4)
    problem = grid_day(grid, seed=7)
    travel = travel_for(problem)
    optimised = solve_problem(problem, travel, time_limit_s=SECONDS)
    assert_valid(problem, optimised, travel)
    assert_valid(problem, plan_greedy(problem, travel), travel)
    assert all(r.lunch is not None for r in optimised.routes if r.stops)


def test_an_overloaded_day_gets_a_valid_partial_plan_with_reasons():
    grid = GridCentre(code="WH-O", area="rural", lat=30.198, lng=103.508, technicians=2)
    problem = grid_day(grid, seed=3, jobs_per_technician=20)  # twice what a day holds
    travel = travel_for(problem)
    plan = solve_problem(problem, travel, time_limit_s=SECONDS)
    assert plan.feasible is False
    assert plan.unassigned
    assert all(item.reason for item in plan.unassigned)
    served = sum(len(r.stops) for r in plan.routes)
    assert served + len(plan.unassigned) == len(problem.jobs)
    assert served >= 10
    assert_valid(problem, plan, travel)


def test_r_apt_7_urgent_jobs_are_served_before_ordinary_ones_on_a_short_day():
    grid = GridCentre(code="WH-U", area="urban", lat=30.63, lng=104.03, technicians=1)
    problem = grid_day(grid, seed=11, jobs_per_technician=16)
    travel = travel_for(problem)
    plan = solve_problem(problem, travel, time_limit_s=SECONDS)
    urgent = {j.id for j in problem.jobs if j.priority >= 2}
    left_out = {item.job for item in plan.unassigned}
    assert urgent
    assert left_out  # the day is too short for all sixteen
    assert not urgent & left_out
    assert_valid(problem, plan, travel)


def test_a_window_out_of_reach_is_reported_as_such():
    data = small_day()
    data["jobs"].append(job("J50", 31.50, 105.50, ("09:00", "09:30"), ["repair"]))
    problem = parsed(data)
    plan = solve_problem(problem, travel_for(problem), time_limit_s=SECONDS)
    reasons = {item.job: item.reason for item in plan.unassigned}
    assert "cannot be reached" in reasons["J50"]
    assert_valid(problem, plan)


def test_a_given_travel_matrix_replaces_the_provider():
    data = small_day()
    points = [t["id"] for t in data["technicians"]] + [j["id"] for j in data["jobs"]]
    # Everything 15 minutes apart, except that T2's start is 200 minutes from everything.
    matrix = [[0 if a == b else (200 if "T2" in (a, b) else 15) for b in points] for a in points]
    data["travel_minutes"] = {"points": points, "matrix": matrix}
    problem = parsed(data)
    travel = travel_for(problem)
    assert travel.minutes("T1", "J1") == 15
    plan = solve_problem(problem, travel, time_limit_s=SECONDS)
    # 300 minutes out and 300 back do not fit a 570-minute shift.
    assert jobs_of(plan, "T2") == []
    for route in plan.routes:
        for before, after in zip(route.stops, route.stops[1:], strict=False):
            assert after.arrival >= before.end + 15
    assert_valid(problem, plan, travel)
