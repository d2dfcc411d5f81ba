"""An urgent fault into a stored synthetic day, end to end through the API (issue 9: "returns in
about a second"): 10 technicians, 60 booked orders, then POST /api/v1/plans/urgent/. Prints the
figure docs/benchmarks.md quotes (`pytest -s` shows it)."""

import random
import time

import pytest
import time_machine

from fiberops.dispatch.plan_models import DayPlan
from fiberops.dispatch.planning.check import check_plan
from fiberops.dispatch.planning.problem import parse_problem, plan_from_dict
from fiberops.dispatch.planning.travel import travel_for
from fiberops.dispatch.plans import plan_day
from fiberops.dispatch.tests.stored_plan_helpers import DAY, MORNING, at, booked, placed_order
from fiberops.testing import make_technician, make_user
from fiberops.workforce.models import Skill

pytestmark = pytest.mark.django_db

TECHNICIANS = 10
JOBS = 60


def test_an_urgent_fault_lands_in_a_day_of_10_technicians_and_60_jobs_within_a_second(world):
    rng = random.Random(9)
    skills = [Skill.objects.get(code="ftth")]
    skills.append(Skill.objects.get_or_create(code="repair", defaults={"name": "故障维修"})[0])
    people = [world.technician, world.teammate]
    for n in range(TECHNICIANS - 2):
        user = make_user(f"bench{n}", "technician")
        people.append(make_technician(f"B{n:03d}", world.team, user=user))
    for person in people:
        person.skills.add(*skills)
    windows = [at(8, 30), at(10, 30), at(13, 30), at(15, 30)]
    for n in range(JOBS):
        booked(
            world,
            starts_at=rng.choice(windows),
            technician=people[n % TECHNICIANS],
            lat=f"{30.60 + rng.random() * 0.06:.4f}",
            lng=f"{104.00 + rng.random() * 0.08:.4f}",
        )
    now = at(10, 0)
    with time_machine.travel(MORNING, tick=False):
        plan_day(world.grid, DAY, reason="morning", time_limit_s=2.0)
    with time_machine.travel(now, tick=False):
        fault = placed_order(world, order_type="fault", lat="30.6300", lng="104.0400")
        client = world.client(world.dispatcher)
        began = time.perf_counter()
        response = client.post("/api/v1/plans/urgent/", {"order": fault.pk}, format="json")
        cold = time.perf_counter() - began
        # A second fault: the process is warm (imports, URL resolver), as a running server is.
        second = placed_order(world, order_type="fault", lat="30.6200", lng="104.0300")
        began = time.perf_counter()
        warm_response = client.post("/api/v1/plans/urgent/", {"order": second.pk}, format="json")
        seconds = time.perf_counter() - began
    assert warm_response.status_code == 200, warm_response.content
    assert response.status_code == 200, response.content
    body = warm_response.json()
    current = DayPlan.objects.current().get(grid=world.grid, work_on=DAY)
    problem = parse_problem(current.problem)
    assert check_plan(problem, plan_from_dict(current.plan), travel_for(problem)) == []
    planned = sum(len(route["stops"]) for route in body["plan"]["routes"])
    print(  # noqa: T201 - the benchmark's figure
        f"\nurgent insertion end to end ({TECHNICIANS} technicians, {JOBS} booked jobs, "
        f"{planned} planned): {seconds * 1000:.0f} ms for the request "
        f"({cold * 1000:.0f} ms for the first one in the process), "
        f"{body['seconds'] * 1000:.1f} ms inside insert_urgent_order; "
        f"technician {body['technician'] and body['technician']['staff_no']}"
    )
    assert body["technician"] is not None
    assert seconds < 2.0  # the aim is ≤ 1 s; slack for a loaded CI machine
