"""A real browser (Debian's Chromium through Playwright) on the switch pages (R-INS-3): the list
marks the switch over threshold, its detail shows the 30-day charts and the order. Screenshots in
var/screenshots/switches-*.png."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from fiberops.inspections.tests.switch_helpers import make_switch, read

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def month_of_readings(switch, *, hot_from_day: int | None = None) -> None:
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    for day in range(29, -1, -1):
        hot = hot_from_day is not None and day <= hot_from_day
        read(
            switch,
            bw=str(78 + day % 5) if hot else str(20 + (day * 7) % 30),
            cpu=str(30 + (day * 3) % 15),
            mem=str(40 + day % 10),
            at=now - dt.timedelta(days=day),
        )


def test_R_INS_3_the_switch_page_marks_the_switch_over_threshold(world, page, live_server):
    world.dispatcher.set_password("pw-dispatcher")
    world.dispatcher.save()
    month_of_readings(make_switch(world.grid, "WH01-SW-001"))
    month_of_readings(make_switch(world.grid, "WH01-SW-002", kind="village"), hot_from_day=3)
    month_of_readings(make_switch(world.other_grid, "WH02-SW-001"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/switches/")
    page.fill("input[name=username]", "dispatcher")
    page.fill("input[name=password]", "pw-dispatcher")
    page.click("button.primary")
    page.wait_for_selector("table.switches")
    hot = page.locator('tr[data-switch="WH01-SW-002"]')
    assert "breached" in hot.get_attribute("class")
    assert hot.locator("td.over").count() == 1
    color = hot.locator("td.over").evaluate("cell => getComputedStyle(cell).color")
    assert color == "rgb(197, 48, 48)"  # --bad
    assert page.locator("tr.breached").count() == 1
    assert page.locator("svg.spark").count() == 9
    page.screenshot(path=str(SHOTS / "switches-list.png"), full_page=True)
    hot.locator("a").first.click()
    page.wait_for_selector(".charts")
    assert page.locator(".charts svg").count() == 3
    assert page.locator("td.over").count() >= 4
    page.screenshot(path=str(SHOTS / "switches-detail.png"), full_page=True)
    page.locator("td a[href^='/orders/']").first.click()
    page.wait_for_selector("#switch-breaches")
    page.screenshot(path=str(SHOTS / "switches-order.png"), full_page=True)
    connections.close_all()
