"""Stored day plans (issue 9): the problem built from the database, plans kept as rows, re-plans
after a change, started work never moved, the technician's queue in plan order."""

import datetime as dt

import pytest
import time_machine

from fiberops.dispatch.plan_models import DayPlan, PlannedStop, PlanRequest, PlanStatus
from fiberops.dispatch.planning.check import check_plan
from fiberops.dispatch.planning.problem import parse_problem, plan_from_dict
from fiberops.dispatch.planning.travel import travel_for
from fiberops.dispatch.plans import build_problem, job_key, plan_day, technician_key
from fiberops.dispatch.tests.stored_plan_helpers import DAY, MORNING, at, booked, give_skills
from fiberops.sla.hooks import TICK_HOOKS
from fiberops.workorders.actions import perform, reschedule_appointment
from fiberops.workorders.queries import technician_queue

pytestmark = pytest.mark.django_db


def checked(plan: DayPlan) -> list[str]:
    problem = parse_problem(plan.problem)
    return check_plan(problem, plan_from_dict(plan.plan), travel_for(problem))


def test_r_apt_1_r_wf_1_the_problem_from_the_database_has_windows_skills_pins_and_priorities(
    world,
):
    give_skills(world)
    install = booked(world, starts_at=at(9))
    fault = booked(world, starts_at=at(14), order_type="fault", technician=world.technician)
    built = build_problem(world.grid, DAY, now=MORNING - dt.timedelta(days=1))
    jobs = {job["id"]: job for job in built.problem["jobs"]}
    assert jobs[job_key(install.pk)]["window"] == {"start": "09:00", "end": "11:00"}
    assert jobs[job_key(install.pk)]["skills"] == ["ftth"]
    assert jobs[job_key(install.pk)]["pinned_to"] == technician_key(world.technician.pk)
    assert jobs[job_key(install.pk)]["priority"] == 1
    assert jobs[job_key(fault.pk)]["priority"] == 2  # faults are urgent
    assert jobs[job_key(fault.pk)]["skills"] == ["repair"]
    people = {person["id"]: person for person in built.problem["technicians"]}
    # Only the grid's active, certified technicians; the other grid's are not in it (R-WF-1).
    assert set(people) == {technician_key(world.technician.pk), technician_key(world.teammate.pk)}
    mine = people[technician_key(world.technician.pk)]
    assert mine["shift"] == {"start": "08:30", "end": "18:00"}
    assert mine["break"] == {"earliest": "11:30", "latest": "13:30", "minutes": 30}
    assert mine["skills"] == ["ftth", "repair"]
    parse_problem(built.problem)  # the file format accepts it


def test_r_wf_1_an_expired_certification_leaves_the_technician_out_and_the_pinned_order_aside(
    world,
):
    give_skills(world)
    order = booked(world, starts_at=at(9), technician=world.teammate)
    world.teammate.certified_until = DAY - dt.timedelta(days=1)
    world.teammate.save(update_fields=["certified_until"])
    built = build_problem(world.grid, DAY, now=MORNING)
    assert technician_key(world.teammate.pk) not in {t["id"] for t in built.problem["technicians"]}
    assert [item["job"] for item in built.set_aside] == [job_key(order.pk)]


def test_a_stored_plan_passes_the_independent_checker_and_is_the_one_current_plan(world):
    give_skills(world)
    first = booked(world, starts_at=at(9))
    second = booked(world, starts_at=at(9), lat="30.6400", lng="104.0500")
    booked(world, starts_at=at(14), technician=world.teammate)
    with time_machine.travel(MORNING, tick=False):
        old = plan_day(world.grid, DAY, reason="test")
        new = plan_day(world.grid, DAY, reason="again")
    assert checked(new) == []
    old.refresh_from_db()
    assert old.status == PlanStatus.SUPERSEDED
    assert DayPlan.objects.filter(status=PlanStatus.CURRENT).get() == new
    assert new.feasible
    stops = list(new.stops.filter(technician=world.technician).order_by("sequence"))
    assert {stop.order_id for stop in stops} == {first.pk, second.pk}
    assert all(at(9) <= stop.starts_at <= at(11) for stop in stops)  # R-APT-1


def test_a_booking_change_asks_for_a_re_plan_and_the_tick_makes_a_new_current_plan(world):
    give_skills(world)
    order = booked(world, starts_at=at(9))
    with time_machine.travel(MORNING, tick=False):
        old = plan_day(world.grid, DAY, reason="morning")
        assert not PlanRequest.objects.exists()
        reschedule_appointment(
            order,
            starts_at=at(15),
            ends_at=at(17),
            initiated_by="customer",
            actor=world.technician_user,
        )
        request = PlanRequest.objects.get()
        assert (request.grid, request.work_on) == (world.grid, DAY)
        assert TICK_HOOKS["day plans re-planned"](MORNING) == 1
    assert not PlanRequest.objects.exists()
    old.refresh_from_db()
    assert old.status == PlanStatus.SUPERSEDED
    new = DayPlan.objects.current().get(grid=world.grid, work_on=DAY)
    stop = new.stops.get(order=order)
    assert at(15) <= stop.starts_at <= at(17)
    assert checked(new) == []


def test_a_re_plan_never_moves_a_job_the_technician_has_started(world):
    give_skills(world)
    early = booked(world, starts_at=at(9))
    late = booked(world, starts_at=at(13, 30), lat="30.6500", lng="104.0600")
    with time_machine.travel(at(8, 40), tick=False):
        perform(late, "depart", actor=world.technician_user)  # he sets off for the later one
        plan = plan_day(world.grid, DAY, reason="after departure")
    route = list(plan.stops.filter(technician=world.technician).order_by("sequence"))
    assert route[0].order_id == late.pk and route[0].is_started
    # He is expected back from it at 10:10 (90 minutes on site): the 09:00–11:00 job follows.
    assert [stop.order_id for stop in route] == [late.pk, early.pk]
    assert route[1].starts_at <= at(11)
    assert checked(plan) == []
    with time_machine.travel(at(8, 50), tick=False):
        again = plan_day(world.grid, DAY, reason="re-plan")
    assert again.stops.filter(technician=world.technician).order_by(
        "sequence"
    ).first().order_id == (late.pk)


def test_the_technicians_queue_follows_todays_plan(world):
    give_skills(world)
    early = booked(world, starts_at=at(9))
    late = booked(world, starts_at=at(13, 30), lat="30.6500", lng="104.0600")
    with time_machine.travel(at(8, 40), tick=False):
        assert [o.pk for o in technician_queue(world.technician_user, at(8, 40))] == [
            early.pk,
            late.pk,
        ]
        perform(late, "depart", actor=world.technician_user)
        plan_day(world.grid, DAY, reason="after departure")
        queue = [o.pk for o in technician_queue(world.technician_user, at(8, 40))]
    assert queue == [late.pk, early.pk]
    assert PlannedStop.objects.filter(order=late, is_started=True).exists()


def test_r_apt_7_a_second_appointment_is_urgent_in_the_plan(world):
    from fiberops.dispatch.tests.appointment_helpers import absent_then_rebooked

    give_skills(world)
    order = absent_then_rebooked(
        world, MORNING - dt.timedelta(days=2), at(9, day=DAY - dt.timedelta(days=1)), at(14)
    )
    customer = order.customer
    customer.lat, customer.lng = 30.6271, 104.0362
    customer.save(update_fields=["lat", "lng"])
    built = build_problem(world.grid, DAY, now=MORNING)
    (job,) = built.problem["jobs"]
    assert job["id"] == job_key(order.pk)
    assert job["priority"] == 2
    assert job["window"] == {"start": "14:00", "end": "16:00"}


def test_r_ord_5_a_handover_re_plans_the_order_onto_its_new_owner(world):
    from fiberops.workorders.actions import handover_order

    give_skills(world)
    order = booked(world, starts_at=at(9))
    with time_machine.travel(MORNING, tick=False):
        plan_day(world.grid, DAY, reason="morning")
        handover_order(order, to=world.teammate, reason="病假", actor=world.dispatcher)
        assert PlanRequest.objects.filter(grid=world.grid, work_on=DAY).exists()
        TICK_HOOKS["day plans re-planned"](MORNING)
    current = DayPlan.objects.current().get(grid=world.grid, work_on=DAY)
    # The owner answers for the customer's problem (首问负责制): the plan follows the handover
    # and never proposes anyone else for an assigned order.
    assert current.stops.get(order=order).technician == world.teammate
    job = next(j for j in current.problem["jobs"] if j["id"] == job_key(order.pk))
    assert job["pinned_to"] == technician_key(world.teammate.pk)
