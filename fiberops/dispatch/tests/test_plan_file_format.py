"""The solver's file format (docs/dispatch.md): a problem that breaks it is refused with an
error naming the field path; a good one reads into minutes; a plan prints as the documented JSON."""

import copy

import pytest

from fiberops.dispatch.planning.problem import (
    Plan,
    PlannedBreak,
    ProblemError,
    Route,
    Stop,
    Unassigned,
    parse_problem,
    plan_from_dict,
    plan_to_dict,
)
from fiberops.dispatch.tests.planning_helpers import small_day


def refused(data) -> ProblemError:
    with pytest.raises(ProblemError) as caught:
        parse_problem(data)
    return caught.value


def test_the_issue_example_reads_into_minutes():
    problem = parse_problem(small_day())
    first = problem.technicians[0]
    assert (first.shift_start, first.shift_end) == (8 * 60 + 30, 18 * 60)
    assert first.lunch is not None and first.lunch.minutes == 30
    assert problem.jobs[5].pinned_to == "T3"
    assert problem.travel_minutes is None


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["jobs"][3]["window"].update(end="25:00"), "jobs[3].window.end"),
        (lambda d: d["jobs"][3]["window"].update(end="08:00"), "jobs[3].window.end"),
        (lambda d: d["jobs"][2].pop("duration_min"), "jobs[2].duration_min"),
        (lambda d: d["jobs"][2].update(duration_min="45"), "jobs[2].duration_min"),
        (lambda d: d["jobs"][0]["location"].update(lat=95), "jobs[0].location.lat"),
        (lambda d: d["jobs"][0].update(pinned_to="T9"), "jobs[0].pinned_to"),
        (lambda d: d["jobs"][0].update(colour="red"), "jobs[0].colour"),
        (lambda d: d["jobs"][4].update(id="J1"), "jobs[4].id"),
        (lambda d: d["technicians"][1]["shift"].update(start="8:30"), "technicians[1].shift.start"),
        (lambda d: d["technicians"][0]["break"].update(minutes=0), "technicians[0].break.minutes"),
        (lambda d: d["technicians"][0].update(skills="install"), "technicians[0].skills"),
        (lambda d: d.update(date="26/11/2026"), "date"),
        (lambda d: d.update(technicians={}), "technicians"),
    ],
)
def test_a_bad_field_is_named_by_its_path(change, path):
    data = copy.deepcopy(small_day())
    change(data)
    error = refused(data)
    assert error.path == path
    assert str(error).startswith(f"{path}: ")


def test_a_travel_matrix_must_cover_every_point_and_be_square():
    data = small_day()
    points = [t["id"] for t in data["technicians"]] + [j["id"] for j in data["jobs"]]
    data["travel_minutes"] = {"points": points[:-1], "matrix": []}
    assert refused(data).path == "travel_minutes.points"
    row = [10] * len(points)
    data["travel_minutes"] = {"points": points, "matrix": [row] * (len(points) - 1) + [row[:-1]]}
    assert refused(data).path == f"travel_minutes.matrix[{len(points) - 1}]"
    data["travel_minutes"] = {"points": points, "matrix": [row] * len(points)}
    assert parse_problem(data).travel_minutes is not None


def test_a_plan_prints_as_the_documented_json_and_reads_back():
    plan = Plan(
        routes=[
            Route(
                technician="T1",
                stops=[Stop(job="J1", arrival=532, start=540, end=600)],
                lunch=PlannedBreak(after_stop=0, start=700, end=730),
            )
        ],
        unassigned=[Unassigned(job="J9", reason="no technician has the skills x")],
        feasible=False,
    )
    printed = plan_to_dict(plan)
    assert printed["routes"][0]["stops"][0] == {
        "job": "J1",
        "arrival": "08:52",
        "start": "09:00",
        "end": "10:00",
    }
    assert printed["routes"][0]["break"] == {"after": "J1", "start": "11:40", "end": "12:10"}
    assert printed["unassigned"] == [{"job": "J9", "reason": "no technician has the skills x"}]
    assert printed["feasible"] is False
    assert plan_from_dict(printed) == plan
