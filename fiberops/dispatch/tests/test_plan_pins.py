"""The board's pins (DayPin, 锁定当日) in the day plan (issue 9, R-APT: "a pinned job stays"): the
plan builder reads them, a pinned order stays on its technician's route across re-plans, a stale
pin (the order handed over since) is ignored, and pinning or unpinning asks for a re-plan of the
day through the PlanRequest mechanism."""

import datetime as dt

import pytest
import time_machine

from fiberops.dispatch.actions import pin_order, unpin_order
from fiberops.dispatch.plan_models import PlanRequest
from fiberops.dispatch.plans import build_problem, job_key, plan_day, technician_key
from fiberops.dispatch.tests.stored_plan_helpers import DAY, MORNING, at, booked, give_skills
from fiberops.workorders.actions import handover_order

pytestmark = pytest.mark.django_db


def test_r_apt_a_pinned_job_stays_with_the_pinned_technician_in_the_stored_plan(world):
    give_skills(world)
    # The teammate's day is empty; the world's technician has another job later: the pinned
    # one stays with him, in both plans.
    order = booked(world, starts_at=at(9))
    booked(world, starts_at=at(14), lat="30.6400", lng="104.0500")
    with time_machine.travel(MORNING - dt.timedelta(hours=1), tick=False):
        pin_order(order, day=DAY, actor=world.dispatcher)
        first = plan_day(world.grid, DAY, reason="test", now=MORNING)
        again = plan_day(world.grid, DAY, reason="again", now=MORNING)
    for plan in (first, again):
        assert plan.plan["pinned"] == [job_key(order.pk)]
        jobs = {job["id"]: job for job in plan.problem["jobs"]}
        assert jobs[job_key(order.pk)]["pinned_to"] == technician_key(world.technician.pk)
        stop = plan.stops.get(order=order)
        assert stop.technician == world.technician


def test_a_pin_left_stale_by_a_handover_is_not_read(world):
    give_skills(world)
    order = booked(world, starts_at=at(10))
    with time_machine.travel(MORNING - dt.timedelta(hours=1), tick=False):
        pin_order(order, day=DAY, actor=world.dispatcher)
        handover_order(order, to=world.teammate, reason="病假", actor=world.dispatcher)
        built = build_problem(world.grid, DAY, now=MORNING)
    assert built.pinned == set()
    jobs = {job["id"]: job for job in built.problem["jobs"]}
    # the order follows its new owner (an assignment keeps it), not the old pin
    assert jobs[job_key(order.pk)]["pinned_to"] == technician_key(world.teammate.pk)


def test_a_pin_for_another_day_is_not_read(world):
    give_skills(world)
    order = booked(world, starts_at=at(10))
    with time_machine.travel(MORNING - dt.timedelta(hours=1), tick=False):
        pin_order(order, day=DAY + dt.timedelta(days=1), actor=world.dispatcher)
        built = build_problem(world.grid, DAY, now=MORNING)
    assert built.pinned == set()


def test_pinning_and_unpinning_ask_for_a_re_plan_of_the_day(world):
    order = booked(world, starts_at=at(10))
    with time_machine.travel(MORNING - dt.timedelta(hours=1), tick=False):
        PlanRequest.objects.all().delete()
        pin_order(order, day=DAY, actor=world.dispatcher)
        assert list(PlanRequest.objects.values_list("grid", "work_on", "reason")) == [
            (world.grid.pk, DAY, "pin")
        ]
        PlanRequest.objects.all().delete()
        unpin_order(order, actor=world.dispatcher)
        assert list(PlanRequest.objects.values_list("grid", "work_on", "reason")) == [
            (world.grid.pk, DAY, "unpin")
        ]
        PlanRequest.objects.all().delete()
        unpin_order(order, actor=world.dispatcher)  # nothing pinned: nothing to re-plan
        assert not PlanRequest.objects.exists()
