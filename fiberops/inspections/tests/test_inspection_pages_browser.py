"""A real browser (Debian's Chromium driven by Playwright) on a generated inspection order's page
(R-INS-1/2, R-ORD-5): the 巡检 section shows the plan's checklist with its results, the log and
the transfer; the inspection pages render. Screenshots land in /tmp/insp-*.png."""

import datetime as dt
import tempfile
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from fiberops.inspections.actions import (
    LogInput,
    generate_inspection_orders,
    record_log_entry,
    transfer_finding,
)
from fiberops.inspections.models import InspectionRound
from fiberops.inspections.tests.helpers import make_plan, walk_to_site

#: Where the screenshots go (/tmp on this machine): looked at by hand, not compared.
SHOTS = Path(tempfile.gettempdir())

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_R_INS_1_an_inspection_orders_page_shows_its_checklist_and_log_in_chromium(
    world, page, live_server
):
    world.dispatcher.set_password("pw-dispatcher")
    world.dispatcher.save()
    plan = make_plan(world, starts_on=timezone.now().date().replace(day=1), interval_months=1)
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
    with time_machine.travel(start, tick=False):
        generate_inspection_orders(start)
    inspection = InspectionRound.objects.get(plan=plan)
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        walk_to_site(world, inspection)
        order = inspection.order
        record_log_entry(
            order,
            actor=world.technician_user,
            entry=LogInput(kind="checklist", item_code="clean", is_ok=True),
        )
        record_log_entry(
            order,
            actor=world.technician_user,
            entry=LogInput(
                kind="checklist", item_code="labels", is_ok=False, note="标签脱落，已补贴"
            ),
        )
        record_log_entry(
            order,
            actor=world.technician_user,
            entry=LogInput(
                kind="repaired", element_code="WH01-FX-001", fault_kind="尾纤弯曲", note="重新盘纤"
            ),
        )
        transfer_finding(
            order, actor=world.technician_user, department="line_centre", reason="主干光缆破损"
        )

    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.fill("input[name=username]", "dispatcher")
    page.fill("input[name=password]", "pw-dispatcher")
    page.click("button.primary")
    section = page.locator("section#inspection")
    section.wait_for()
    assert section.locator("tr[data-item=clean]").inner_text().startswith("设备清洁")
    assert "标签脱落，已补贴" in section.locator("tr[data-item=labels]").inner_text()
    assert section.locator("tr[data-item=cooling]").count() == 1
    assert "尾纤弯曲" in section.locator("table.inspection-log").inner_text()
    assert "主干光缆破损" in section.locator("ul.inspection-transfers").inner_text()
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "insp-order.png"), full_page=True)

    page.goto(f"{live_server.url}/inspections/")
    page.wait_for_selector("table.rounds")
    assert order.bss_order_no in page.locator("table.rounds").inner_text()
    page.screenshot(path=str(SHOTS / "insp-index.png"), full_page=True)

    page.goto(f"{live_server.url}/inspections/reports/")
    page.wait_for_selector("table.coverage")
    assert "WH-01" in page.locator("table.coverage").inner_text()
    page.screenshot(path=str(SHOTS / "insp-reports.png"), full_page=True)


def test_R_INS_3_a_monthly_switch_round_lists_the_switches_in_chromium(world, page, live_server):
    from fiberops.inspections.models import PlanKind
    from fiberops.inspections.tests.switch_helpers import make_switch, read

    world.dispatcher.set_password("pw-dispatcher")
    world.dispatcher.save()
    plan = make_plan(
        world,
        kind=PlanKind.SWITCH_MONTHLY,
        starts_on=timezone.now().date().replace(day=1),
        interval_months=1,
    )
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
    with time_machine.travel(start, tick=False):
        generate_inspection_orders(start)
    order = InspectionRound.objects.get(plan=plan).order
    read(make_switch(world.grid, "WH01-SW-001"), bw="30", at=start)
    read(make_switch(world.grid, "WH01-SW-002"), bw="85", at=start)

    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.fill("input[name=username]", "dispatcher")
    page.fill("input[name=password]", "pw-dispatcher")
    page.click("button.primary")
    table = page.locator("section#inspection table.inspection-switches")
    table.wait_for()
    assert table.locator("tr[data-switch]").count() == 2
    hot = table.locator("tr[data-switch=WH01-SW-002]")
    assert "85.0%" in hot.inner_text()
    assert hot.locator(".badge.sla-breached").count() == 1  # over the threshold
    calm = table.locator("tr[data-switch=WH01-SW-001]")
    assert calm.locator(".badge.sla-breached").count() == 0
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "insp-switch-round.png"), full_page=True)
