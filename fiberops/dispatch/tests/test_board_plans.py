"""The stored day plan on the dispatcher board (issue 9): each technician's row shows the planned
stops in route order with arrival and work times, the legs between them, the lunch break and the
free time; the unplanned orders with their reason in Chinese; the map's route per technician; the
board says when a grid's day has no plan; the dispatcher re-plans from the board; the page's
query count stays flat with plans present."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.test import Client

from fiberops.dispatch.plan_models import DayPlan, PlanStatus
from fiberops.dispatch.plans import plan_day
from fiberops.dispatch.tests.board_helpers import (
    BOARD_DAY,
    MORNING,
    board_technicians,
    booked_jobs,
    unassigned_orders,
)
from fiberops.dispatch.tests.test_board import count_board
from fiberops.testing import make_order

pytestmark = pytest.mark.django_db
URL = "/dispatch/board/"
DAY = f"{BOARD_DAY:%Y-%m-%d}"
#: The board's eleven queries, and with a current plan: the plans, their orders' numbers.
BOARD_PAGE_WITH_PLANS = 13


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def board_data(html: str) -> dict:
    return json.loads(
        html.split('id="board-data" type="application/json">')[1].split("</script>")[0]
    )


def plan_grids(world) -> list[DayPlan]:
    with time_machine.travel(MORNING, tick=False):
        return [
            plan_day(grid, BOARD_DAY, reason="test", now=MORNING, time_limit_s=0.3)
            for grid in (world.grid, world.other_grid)
        ]


def row_html(html: str, staff_no: str) -> str:
    start = html.index(f'class="lane tech-row" data-staff="{staff_no}"')
    end = html.find('class="lane tech-row"', start + 10)
    return html[start : end if end > 0 else len(html)]


@time_machine.travel(MORNING, tick=False)
def test_the_rows_show_the_planned_stops_in_route_order_with_legs_break_and_free_time(world):
    technicians = board_technicians(world, 3)
    booked_jobs(world, technicians, 9)
    plan, _other = plan_grids(world)
    html = login(world.dispatcher).get(URL, {"day": DAY}).content.decode()
    for technician in technicians:
        stops = list(
            plan.stops.filter(technician=technician).order_by("sequence")
            if technician.team.grid_id == world.grid.pk
            else _other.stops.filter(technician=technician).order_by("sequence")
        )
        assert stops, "every technician of the test has planned work"
        row = row_html(html, technician.staff_no)
        shown = [
            int(n) for n in re.findall(r'class="seg seg-stop[^"]*"[^>]*data-order="(\d+)"', row)
        ]
        assert shown == [stop.order_id for stop in stops]  # route order
        first = stops[0]
        local = first.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
        arrival = first.arrival_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
        assert f"{local:%H:%M}–" in row
        assert f"到达 {arrival:%H:%M}" in row
        # A leg before each stop and the way home, labelled with minutes; the lunch break.
        assert len(re.findall(r'class="seg seg-travel"', row)) == len(stops)
        assert row.count('class="seg seg-home"') == 1
        assert "午休" in row
        assert "路程" in row and "空闲" in row
    assert "尚无当日计划" not in html


@time_machine.travel(MORNING, tick=False)
def test_without_a_plan_the_board_says_so_and_keeps_the_appointments(world):
    technicians = board_technicians(world, 2)
    booked = booked_jobs(world, technicians, 4)
    html = login(world.dispatcher).get(URL, {"day": DAY}).content.decode()
    assert "尚无当日计划" in html
    assert "seg-stop" not in html
    for order in booked:
        assert f'data-order="{order.pk}" data-no="{order.bss_order_no}"' in html
    assert all("plan" not in tech for tech in board_data(html)["technicians"])


@time_machine.travel(MORNING, tick=False)
def test_unplanned_orders_are_listed_with_their_reason_in_chinese(world):
    technicians = board_technicians(world, 1, start=101)  # Z101 in WH-01
    booked_jobs(world, technicians, 1)
    nowhere = make_order(world)  # a customer without a map position, booked on the day
    from fiberops.dispatch.tests.board_helpers import MORNING as M
    from fiberops.workorders.actions import accept_order, book_appointment, dispatch_order

    with time_machine.travel(M - dt.timedelta(hours=12), tick=False):
        dispatch_order(nowhere, technician=technicians[0], actor=world.dispatcher)
        accept_order(nowhere, actor=technicians[0].user)
        starts = dt.datetime.combine(BOARD_DAY, dt.time(15), tzinfo=MORNING.tzinfo)
        book_appointment(
            nowhere,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            actor=technicians[0].user,
        )
    customer = nowhere.customer
    customer.lat = customer.lng = None
    customer.save(update_fields=["lat", "lng"])
    plan_grids(world)
    html = login(world.dispatcher).get(URL, {"day": DAY}).content.decode()
    listed = html[html.index('class="unplanned small"') :]
    assert (
        f'data-order="{nowhere.pk}"><strong>{nowhere.bss_order_no}</strong> 客户地址没有地图位置'
        in listed
    )


@time_machine.travel(MORNING, tick=False)
def test_the_map_gets_each_technicians_planned_route_from_the_start_point(world):
    technicians = board_technicians(world, 2)
    booked_jobs(world, technicians, 6)
    plans = plan_grids(world)
    html = login(world.dispatcher).get(URL, {"day": DAY}).content.decode()
    data = {tech["staff_no"]: tech for tech in board_data(html)["technicians"]}
    for technician in technicians:
        plan = next(p for p in plans if p.grid_id == technician.team.grid_id)
        route = data[technician.staff_no]["plan"]
        stops = plan.stops.filter(technician=technician).order_by("sequence")
        assert [s["order"] for s in route["stops"]] == [s.order_id for s in stops]
        assert [s["n"] for s in route["stops"]] == list(range(1, stops.count() + 1))
        assert len(route["start"]) == 2
        # positions rounded to about 1 km (R-CUS-5)
        assert all(round(v, 2) == v for s in route["stops"] for v in s["at"])


def test_the_dispatcher_re_plans_the_grids_day_from_the_board(world):
    technicians = board_technicians(world, 2)
    booked_jobs(world, technicians, 4)
    with time_machine.travel(MORNING, tick=False):
        response = login(world.dispatcher).post(
            "/dispatch/board/replan/", {"grid": world.grid.code, "day": DAY}, follow=True
        )
    plan = DayPlan.objects.get(grid=world.grid, work_on=BOARD_DAY, status=PlanStatus.CURRENT)
    assert plan.created_by == world.dispatcher
    html = response.content.decode()
    assert "已重新排程" in html and "seg-stop" in html
    assert 'class="replan"' in html


@pytest.mark.parametrize("persona", ["leader", "technician_user", "cs_agent"])
def test_only_dispatching_offices_re_plan(world, persona):
    with time_machine.travel(MORNING, tick=False):
        response = login(getattr(world, persona)).post(
            "/dispatch/board/replan/", {"grid": world.grid.code, "day": DAY}
        )
    assert response.status_code == 403
    assert not DayPlan.objects.exists()


def test_a_foreign_grid_or_a_past_day_is_not_re_planned(world):
    with time_machine.travel(MORNING, tick=False):
        foreign = login(world.foreign_dispatcher).post(
            "/dispatch/board/replan/", {"grid": world.grid.code, "day": DAY}
        )
        past = login(world.dispatcher).post(
            "/dispatch/board/replan/", {"grid": world.grid.code, "day": "2026-11-20"}, follow=True
        )
    assert foreign.status_code == 404
    assert "已过去的日期不能再排计划" in past.content.decode()
    assert not DayPlan.objects.exists()


@time_machine.travel(MORNING, tick=False)
def test_the_board_with_plans_costs_the_same_queries_for_a_small_and_a_busy_day(world):
    client = login(world.dispatcher)
    technicians = board_technicians(world, 2)
    booked_jobs(world, technicians, 2)
    unassigned_orders(world, 2)
    plan_grids(world)
    small = count_board(client)
    more = board_technicians(world, 10, start=200)
    booked_jobs(world, more, 30, first=100)
    unassigned_orders(world, 20, first=9100)
    plan_grids(world)
    large = count_board(client)
    assert small == large == BOARD_PAGE_WITH_PLANS


def test_the_solvers_reasons_are_read_in_chinese_with_their_values():
    from django.utils import translation

    from fiberops.dispatch.planning.solver import REASON_TIME
    from fiberops.dispatch.plans import reason_text

    with translation.override("zh-hans"):
        assert reason_text("no technician has the skills repair, splice") == (
            "没有装维人员具备技能 repair, splice"
        )
        assert "10:00–12:00" in reason_text(
            "its window 10:00–12:00 cannot be reached from any qualified technician's start "
            "within the shift"
        )
        assert reason_text(REASON_TIME) == "当天装维人员的剩余时间不足以安排"
        assert reason_text("its technician's shift is over") == "其装维人员的班次已结束"
