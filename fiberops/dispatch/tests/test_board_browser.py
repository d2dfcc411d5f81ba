"""The dispatcher board in a real browser (Debian's Chromium driven by Playwright) at 1360×900 with
a realistic day: ten technicians, thirty booked jobs and a dozen unassigned orders (issue 9).
Assigning an order on the board puts it on the technician's row and as a marker on the map; a
refusal of the rules shows in Chinese. The screenshot lands in var/screenshots/board.png."""

import datetime as dt
import random
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connections

from fiberops.dispatch.tests.board_helpers import (
    MORNING,
    board_technicians,
    booked_jobs,
    new_order,
    unassigned_orders,
)
from fiberops.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_r_wf_1_an_order_assigned_on_the_board_shows_on_the_row_and_the_map(
    world, page, live_server
):
    technicians = board_technicians(world, 10)
    booked_jobs(world, technicians, 30)
    unassigned_orders(world, 12)
    fault = new_order(world, random.Random(1), 7001, "fault", grid=world.grid)
    across = new_order(world, random.Random(2), 7002, "install", grid=world.other_grid)
    world.dispatcher.set_password("pw-dispatcher")
    world.dispatcher.save()
    # The server (a thread of this process) lives on the board's day, 08:40 in Shanghai: the
    # board opens on that day by default and the queue's waiting times are realistic.
    with time_machine.travel(MORNING + dt.timedelta(minutes=70), tick=True):
        walk_the_board(page, live_server, fault, across)
    connections.close_all()


def walk_the_board(page, live_server, fault: WorkOrder, across: WorkOrder) -> None:
    page.goto(f"{live_server.url}/dispatch/board/")
    page.fill("input[name=username]", "dispatcher")
    page.fill("input[name=password]", "pw-dispatcher")
    page.click("button.primary")
    page.wait_for_selector("#board-map .leaflet-marker-icon")
    assert page.locator(".tech-row").count() == 13  # the ten and the world's three urban
    assert page.locator(".tech-row .block").count() == 30
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "board.png"))

    # Borrowing without a reason is refused, in Chinese (R-WF-1).
    page.click(f'.queue-item[data-order="{across.pk}"]')
    page.wait_for_selector("#suggestions .suggestion")
    page.click('.assign-to[data-staff="Z101"]')  # a team of WH-01, the order is in WH-02
    page.wait_for_function("document.getElementById('sel-message').textContent.length > 0")
    assert "借调" in page.inner_text("#sel-message")
    assert WorkOrder.objects.get(pk=across.pk).technician_id is None

    # The fault goes to Z101: on his row and on the map after the reload.
    page.click(f'.queue-item[data-order="{fault.pk}"]')
    page.wait_for_selector("#suggestions .suggestion")
    assert "同网格" in page.inner_text("#suggestions")
    with page.expect_navigation():
        page.click('.assign-to[data-staff="Z101"]')
    page.wait_for_selector("#board-map .leaflet-marker-icon")
    assert page.locator(f'.tech-row[data-staff="Z101"] .job[data-order="{fault.pk}"]').count() == 1
    assert page.locator(f'.queue-item[data-order="{fault.pk}"]').count() == 0
    marker = page.locator(f'#board-map .leaflet-marker-icon.job-marker [data-order="{fault.pk}"]')
    assert marker.count() == 1
    assert marker.get_attribute("data-staff") == "Z101"
    assert page.locator("#board-map path.leaflet-interactive").count() >= 10  # the day's lines
    page.screenshot(path=str(SHOTS / "board-assigned.png"))
    assert WorkOrder.objects.get(pk=fault.pk).technician.staff_no == "Z101"  # type: ignore[union-attr]

    # Reassigning a booked job from Z101's row to Z104 (a handover with its reason, R-ORD-5).
    job = page.locator('.tech-row[data-staff="Z101"] .block.job').first
    moved = int(job.get_attribute("data-order") or 0)
    job.click()
    page.wait_for_selector("#suggestions .suggestion")
    page.fill("#sel-reason", "就近改派")
    with page.expect_navigation():
        page.click('.assign-to[data-staff="Z104"]')
    page.wait_for_selector("#board-map .leaflet-marker-icon")
    assert page.locator(f'.tech-row[data-staff="Z104"] .job[data-order="{moved}"]').count() == 1
    assert page.locator(f'.tech-row[data-staff="Z101"] .job[data-order="{moved}"]').count() == 0


def test_the_stored_day_plan_shows_on_the_rows_and_as_routes_on_the_map(world, page, live_server):
    """Issue 9: with the grids' day planned, a technician's row shows the planned stops in route
    order and the map draws the route from the start point through them and back."""
    from fiberops.dispatch.plans import plan_day

    technicians = board_technicians(world, 10)
    booked_jobs(world, technicians, 30)
    unassigned_orders(world, 12)
    with time_machine.travel(MORNING, tick=False):
        plans = [
            plan_day(grid, MORNING.date(), reason="test", now=MORNING, time_limit_s=0.5)
            for grid in (world.grid, world.other_grid)
        ]
    world.dispatcher.set_password("pw-dispatcher")
    world.dispatcher.save()
    z101 = next(t for t in technicians if t.staff_no == "Z101")
    plan = next(p for p in plans if p.grid_id == z101.team.grid_id)
    planned = list(plan.stops.filter(technician=z101).order_by("sequence"))
    assert planned
    with time_machine.travel(MORNING + dt.timedelta(minutes=70), tick=True):
        page.goto(f"{live_server.url}/dispatch/board/")
        page.fill("input[name=username]", "dispatcher")
        page.fill("input[name=password]", "pw-dispatcher")
        page.click("button.primary")
        page.wait_for_selector("#board-map path.plan-route")
        row = page.locator('.tech-row[data-staff="Z101"] .seg-stop')
        assert [int(row.nth(i).get_attribute("data-order") or 0) for i in range(row.count())] == [
            stop.order_id for stop in planned
        ]
        assert page.locator('.tech-row[data-staff="Z101"] .seg-break').count() == 1
        assert page.locator('#board-map path.plan-route[data-staff="Z101"]').count() == 1
        assert page.locator("#board-map path.plan-route").count() >= 10
        marker = page.locator(f'#board-map .job-marker [data-order="{planned[0].order_id}"]')
        assert marker.inner_text() == "1"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "board-plan.png"))
        page.screenshot(path=str(SHOTS / "board-plan-full.png"), full_page=True)
    connections.close_all()
