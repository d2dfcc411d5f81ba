"""A real browser (Debian's Chromium driven by Playwright) on the alert desk: a dispatcher ticks
"全选" and acknowledges the selected alerts. Screenshots land in var/screenshots/."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connections
from django.utils import timezone

from fiberops.sla.actions import acknowledge_alert, sweep
from fiberops.sla.models import SlaAlert
from fiberops.testing import make_order
from fiberops.workorders.actions import accept_order, dispatch_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def raise_desk_alerts(world) -> None:
    """Within the last hours: warnings and breaches over two grids and three technicians, one
    alert acknowledged, one resolved by the technician accepting late."""
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    technicians = [world.technician, world.teammate, world.other_team_technician]
    orders = []
    for n, technician in enumerate(technicians * 2):
        dispatched_at = start + dt.timedelta(minutes=7 * n)
        with time_machine.travel(dispatched_at, tick=False):
            order = make_order(
                world, order_type="fault", accepted_at=dispatched_at, grid=technician.team.grid
            )
            dispatch_order(order, technician=technician, actor=world.dispatcher)
        orders.append(order)
        sweep(dispatched_at + dt.timedelta(minutes=13))  # its response warning
    sweep(start + dt.timedelta(minutes=90))  # every response and contact clock is late
    with time_machine.travel(start + dt.timedelta(minutes=100), tick=False):
        accept_order(orders[0], actor=world.technician_user)  # resolves its response alerts
    acknowledge_alert(
        SlaAlert.objects.filter(deadline__order=orders[1], kind="breach").first(),
        actor=world.leader,
        at=start + dt.timedelta(minutes=110),
    )


def test_r_sla_6_dispatcher_selects_all_and_acknowledges_in_chromium(world, page, live_server):
    world.dispatcher.set_password("pw-dispatcher")
    world.dispatcher.save()
    raise_desk_alerts(world)
    open_count = SlaAlert.objects.open().count()
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/alerts/?handled=1")
    page.fill("input[name=username]", "dispatcher")
    page.fill("input[name=password]", "pw-dispatcher")
    page.click("button.primary")
    page.wait_for_selector("table.alerts")
    assert page.locator("text=已解除（时限已达成/作废）").count() >= 1
    page.screenshot(path=str(SHOTS / "alert-desk-handled.png"), full_page=True)

    page.goto(f"{live_server.url}/alerts/")
    assert page.locator("table.alerts tbody tr.alert").count() == open_count
    page.screenshot(path=str(SHOTS / "alert-desk.png"), full_page=True)
    page.check("#select-all")
    assert page.locator('input[name="alert"]:checked').count() == open_count
    page.click("form#bulk button[name=selected]")
    page.wait_for_selector(".flash.success")
    assert f"已确认 {open_count} 条告警" in page.inner_text(".flash.success")
    assert page.locator("table.alerts tbody tr.alert").count() == 0
    assert not SlaAlert.objects.open().exists()
    # Playwright's greenlet gives this code its own context, hence its own database connection,
    # which nothing else would close before the PostgreSQL test database is dropped.
    connections.close_all()
