"""The day plans' API (issue 9): the current plan scoped like the rest, an urgent fault landing in
today's plan, booking windows, and flat query counts."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from fiberops.dispatch.plan_models import DayPlan, PlannedStop
from fiberops.dispatch.planning.check import check_plan
from fiberops.dispatch.planning.problem import parse_problem, plan_from_dict
from fiberops.dispatch.planning.travel import travel_for
from fiberops.dispatch.plans import plan_day
from fiberops.dispatch.tests.stored_plan_helpers import (
    DAY,
    MORNING,
    at,
    booked,
    give_skills,
    placed_order,
)

pytestmark = pytest.mark.django_db
URL = f"/api/v1/plans/?grid=WH-01&date={DAY.isoformat()}"


def planned_world(world, extra: int = 0) -> DayPlan:
    give_skills(world)
    booked(world, starts_at=at(9))
    booked(world, starts_at=at(14), technician=world.teammate, lat="30.6400", lng="104.0500")
    # One order without a map position: set aside, so every plan has an unassigned row.
    lost = booked(world, starts_at=at(10)).customer
    lost.lat = lost.lng = None
    lost.save(update_fields=["lat", "lng"])
    for n in range(extra):
        booked(world, starts_at=at(9 + 2 * (n % 4)), lat=f"30.6{n % 10}00", lng="104.0400")
    with time_machine.travel(MORNING, tick=False):
        return plan_day(world.grid, DAY, reason="test")


def test_the_plan_reads_whole_for_the_office_of_its_branch(world):
    plan = planned_world(world)
    for user in (world.dispatcher, world.manager, world.leader, world.admin):
        response = world.client(user).get(URL)
        assert response.status_code == 200, (user, response.content)
        body = response.json()
        assert body["id"] == plan.pk and body["feasible"] is False
        # the reason in the request's language (Chinese by default)
        assert [u["reason"] for u in body["unassigned"]] == [
            gettext("the customer's address has no map position")
        ]
        assert {r["technician"]["staff_no"] for r in body["routes"]} == {"Z001", "Z002"}
        stops = [stop for route in body["routes"] for stop in route["stops"]]
        assert len(stops) == 2
        assert stops[0]["bss_order_no"].startswith("BSS")
        assert stops[0]["starts_at"].endswith("+08:00")


def test_out_of_scope_is_not_found_and_a_technician_sees_only_his_route(world):
    planned_world(world)
    assert world.client(world.foreign_dispatcher).get(URL).status_code == 404
    assert world.client(world.foreign_leader).get(URL).status_code == 404
    response = world.client(world.technician_user).get(URL)
    assert response.status_code == 200
    routes = response.json()["routes"]
    assert [route["technician"]["staff_no"] for route in routes] == ["Z001"]
    assert response.json()["unassigned"] == []
    other_day = f"/api/v1/plans/?grid=WH-01&date={(DAY + dt.timedelta(days=1)).isoformat()}"
    assert world.client(world.dispatcher).get(other_day).status_code == 404
    assert world.client(world.dispatcher).get("/api/v1/plans/?grid=WH-01").status_code == 400


def test_the_plan_keeps_its_query_count_as_the_day_grows(world):
    planned_world(world)
    client = world.client(world.dispatcher)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    DayPlan.objects.all().delete()
    planned_world(world, extra=8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert (
        sum(len(r["stops"]) for r in response.json()["routes"]) + len(response.json()["unassigned"])
        >= 10
    )
    # failed-token count; token; the plan; its stops with their orders; the technicians; the
    # unassigned orders' numbers
    assert len(many) == len(few) <= 6


def test_an_urgent_fault_lands_in_todays_plan_without_moving_started_work(world):
    give_skills(world)
    started = booked(world, starts_at=at(9))
    booked(world, starts_at=at(14), lat="30.6400", lng="104.0500")
    with time_machine.travel(at(9, 5), tick=False):
        from fiberops.workorders.actions import perform

        perform(started, "depart", actor=world.technician_user)
        fault = placed_order(world, order_type="fault", lat="30.6300", lng="104.0400")
        client = world.client(world.dispatcher)
        response = client.post("/api/v1/plans/urgent/", {"order": fault.pk}, format="json")
        assert response.status_code == 200, response.content
        refused = world.client(world.technician_user).post(
            "/api/v1/plans/urgent/", {"order": fault.pk}, format="json"
        )
    body = response.json()
    assert body["technician"]["staff_no"] == "Z001"  # the only one who repairs
    current = DayPlan.objects.current().get(grid=world.grid, work_on=DAY)
    stop = PlannedStop.objects.get(plan=current, order=fault)
    assert stop.is_urgent and stop.technician == world.technician
    first = current.stops.filter(technician=world.technician).order_by("sequence").first()
    assert first.order_id == started.pk and first.is_started
    problem = parse_problem(current.problem)
    assert check_plan(problem, plan_from_dict(current.plan), travel_for(problem)) == []
    assert body["seconds"] < 1.0
    assert refused.status_code in (403, 404)
    # A re-plan keeps the urgent order, now pinned to no one but planned
    with time_machine.travel(at(9, 10), tick=False):
        again = plan_day(world.grid, DAY, reason="re-plan")
    assert again.stops.filter(order=fault).exists()


def test_an_install_is_refused_as_urgent(world):
    give_skills(world)
    order = placed_order(world)
    with time_machine.travel(MORNING, tick=False):
        response = world.client(world.dispatcher).post(
            "/api/v1/plans/urgent/", {"order": order.pk}, format="json"
        )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_urgent"


def test_r_apt_1_booking_windows_say_which_windows_the_plan_can_still_keep(world):
    give_skills(world)
    # The only installer besides Z001 (teammate) is idle; Z001's day is full of long jobs.
    plan_world = planned_world(world)
    order = placed_order(world, order_type="fault", lat="30.6300", lng="104.0400")
    with time_machine.travel(at(11), tick=False):
        response = world.client(world.dispatcher).get(
            f"/api/v1/work-orders/{order.pk}/booking-windows/?date={DAY.isoformat()}"
        )
        future = world.client(world.dispatcher).get(
            f"/api/v1/work-orders/{order.pk}/booking-windows/"
            f"?date={(DAY + dt.timedelta(days=1)).isoformat()}"
        )
        bad = world.client(world.dispatcher).get(
            f"/api/v1/work-orders/{order.pk}/booking-windows/?date=2020-01-01"
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["plan"] == plan_world.pk
    fits = [w["fits"] for w in body["windows"]]
    assert fits[0] is False  # 08:30–10:30 is over at 11:00
    assert any(fits[1:])
    assert future.status_code == 200 and future.json()["plan"] is None
    assert all(w["fits"] for w in future.json()["windows"])
    assert bad.status_code == 400
    assert (
        world.client(world.foreign_dispatcher)
        .get(f"/api/v1/work-orders/{order.pk}/booking-windows/?date={DAY.isoformat()}")
        .status_code
        == 404
    )


def test_the_technicians_queue_in_plan_order_keeps_its_query_ceiling(world):
    from fiberops.workorders.tests.test_query_counts import MY_QUEUE

    plan = planned_world(world, extra=4)
    client = world.client(world.technician_user)
    with time_machine.travel(at(8, 10), tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me/queue/")
    assert response.status_code == 200
    ids = [order["id"] for order in response.json()]
    planned = list(
        plan.stops.filter(technician=world.technician)
        .order_by("sequence")
        .values_list("order_id", flat=True)
    )
    assert ids[: len(planned)] == planned  # today's route first, in its order
    assert len(queries) <= MY_QUEUE  # the plan's order is a subquery, not a query
