"""GET /api/v1/work-orders/{id}/suggestions/ (issue 9; R-WF-1, R-ORD-5): the technicians the rule
allows, ranked by fit with a short Chinese why; scoped like every order read (out of scope 404,
roles that may not dispatch 403); a fixed number of queries whatever the candidates."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiberops.core.clock import SHANGHAI
from fiberops.customers.models import Customer
from fiberops.testing import give_all_skills, make_order, make_technician
from fiberops.workforce.models import Skill
from fiberops.workorders.actions import (
    accept_order,
    arrive_on_site,
    book_appointment,
    dispatch_order,
    perform,
)
from fiberops.workorders.models import WorkOrder

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)  # a Tuesday morning
#: failed-token count; token; the order (scope); the order with grid and customer; candidates;
#: their skills; grid centres; check-ins; next stops; appointments today; open orders; the
#: customer's other orders
SUGGESTIONS = 12


def url(order: WorkOrder) -> str:
    return f"/api/v1/work-orders/{order.pk}/suggestions/"


def at_customer(order: WorkOrder, lat: str, lng: str) -> None:
    Customer.objects.filter(pk=order.customer_id).update(lat=lat, lng=lng)


def fault_at(world, lat: str = "30.620000", lng: str = "104.040000") -> WorkOrder:
    order = make_order(world, order_type="fault", accepted_at=NOW - dt.timedelta(minutes=5))
    at_customer(order, lat, lng)
    return order


@time_machine.travel(NOW, tick=False)
def test_r_wf_1_only_technicians_the_rule_allows_are_suggested(world):
    expired = make_technician("Z060", world.team, certified_until=dt.date(2026, 1, 1))
    give_all_skills(expired)
    installer = make_technician("Z061", world.team)
    installer.skills.add(Skill.objects.get(code="ftth"))
    order = fault_at(world)
    response = world.client(world.dispatcher).get(url(order))
    assert response.status_code == 200, response.content
    staff = [row["technician"] for row in response.json()]
    assert set(staff) == {"Z001", "Z002", "Z003"}  # not the expired one, not the installer
    assert "P001" not in staff  # another branch


@time_machine.travel(NOW, tick=False)
def test_r_wf_1_the_own_grid_comes_before_a_borrowing_with_the_whys_in_chinese(world):
    order = fault_at(world)
    rows = world.client(world.dispatcher).get(url(order)).json()
    by_staff = {row["technician"]: row for row in rows}
    assert by_staff["Z001"]["same_grid"] and "同网格" in by_staff["Z001"]["why"]
    assert not by_staff["Z003"]["same_grid"]
    assert any("借调" in why for why in by_staff["Z003"]["why"])
    assert any(why.startswith("具备技能") for why in by_staff["Z001"]["why"])
    assert "今日 0 单" in by_staff["Z001"]["why"]
    assert [row["technician"] for row in rows][-1] == "Z003"
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)


@time_machine.travel(NOW, tick=False)
def test_the_nearer_and_less_loaded_technician_ranks_higher(world):
    # Z001 checked in 300 m from the new fault; Z002 has three jobs today.
    near = fault_at(world, "30.621000", "104.041000")
    dispatch_order(near, technician=world.technician, actor=world.dispatcher)
    for action in ("accept", "depart"):
        perform(near, action, actor=world.technician_user)
    arrive_on_site(
        near, actor=world.technician_user, lat=Decimal("30.621000"), lng=Decimal("104.041000")
    )
    for hour in (10, 13, 15):
        busy = fault_at(world, "30.660000", "104.070000")
        dispatch_order(busy, technician=world.teammate, actor=world.dispatcher)
        accept_order(busy, actor=world.teammate.user)  # type: ignore[arg-type]
        starts = NOW.replace(hour=hour)
        book_appointment(
            busy,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            actor=world.teammate.user,  # type: ignore[arg-type]
        )
    order = fault_at(world, "30.623000", "104.042000")
    rows = world.client(world.dispatcher).get(url(order)).json()
    first, second = rows[0], rows[1]
    assert first["technician"] == "Z001"
    assert first["position_source"] == "check_in"
    assert first["distance_km"] < 0.5
    assert any(why.startswith("距最近签到位置 0.") for why in first["why"])
    assert second["technician"] == "Z002"
    assert second["jobs_today"] == 3 and "今日 3 单" in second["why"]
    assert second["position_source"] == "next_stop"


@time_machine.travel(NOW, tick=False)
def test_r_ord_5_who_already_owns_the_customers_problem_ranks_first(world):
    earlier = fault_at(world)
    dispatch_order(earlier, technician=world.teammate, actor=world.dispatcher)
    again = make_order(world, order_type="complaint", accepted_at=NOW - dt.timedelta(minutes=1))
    WorkOrder.objects.filter(pk=again.pk).update(customer_id=earlier.customer_id)
    rows = world.client(world.dispatcher).get(url(again)).json()
    assert rows[0]["technician"] == "Z002"
    assert rows[0]["owns_customer_problem"]
    assert "正在处理该客户的工单（首问负责）" in rows[0]["why"]


@time_machine.travel(NOW, tick=False)
def test_the_current_technician_is_not_suggested_for_a_reassignment(world):
    order = fault_at(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    staff = [row["technician"] for row in world.client(world.dispatcher).get(url(order)).json()]
    assert "Z001" not in staff


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("dispatcher", 200),
        ("manager", 200),
        ("leader", 200),
        ("admin", 200),
        ("foreign_dispatcher", 404),
        ("foreign_leader", 404),
        ("cs_agent", 403),
        ("auditor", 403),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_suggestions_are_scoped_like_every_order_read(world, persona, status):
    order = fault_at(world)
    response = world.client(getattr(world, persona)).get(url(order))
    assert response.status_code == status, response.content
    if status >= 400:
        assert response.json()["error"]["code"] in {"not_found", "permission_denied"}


@time_machine.travel(NOW, tick=False)
def test_a_leader_is_offered_only_the_own_team(world):
    rows = world.client(world.leader).get(url(fault_at(world))).json()
    assert {row["technician"] for row in rows} == {"Z001", "Z002"}


@time_machine.travel(NOW, tick=False)
def test_a_technician_is_refused_even_on_the_own_order(world):
    order = fault_at(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    assert world.client(world.technician_user).get(url(order)).status_code == 403


def grow(world, technicians: int) -> None:
    """More technicians of the grid, each with an open order of today."""
    for n in range(technicians):
        technician = make_technician(f"Q{n:03d}", world.team)
        give_all_skills(technician)
        dispatch_order(fault_at(world), technician=technician, actor=world.dispatcher)


@time_machine.travel(NOW, tick=False)
def test_the_suggestions_cost_the_same_queries_for_three_or_thirty_technicians(world):
    order = fault_at(world)
    client = world.client(world.dispatcher)
    client.get(url(order))  # warm the token's look-ups

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(order))
        assert response.status_code == 200
        return len(queries)

    small = measure()
    grow(world, 27)
    large = measure()
    assert small == large == SUGGESTIONS
