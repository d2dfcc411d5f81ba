"""A real browser (Debian's Chromium driven by Playwright) walks the dispatcher's path:
sign in, filter the list, open an order, dispatch it. Screenshots land in var/screenshots/."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from fiberops.testing import make_order
from fiberops.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_r_ord_3_dispatcher_signs_in_filters_and_dispatches_in_chromium(world, page, live_server):
    world.dispatcher.set_password("pw-dispatcher")
    world.dispatcher.save()
    late = make_order(
        world, order_type="fault", accepted_at=dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)
    )
    make_order(world, order_type="install", accepted_at=timezone.now() - dt.timedelta(hours=1))
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/orders/")
    page.fill("input[name=username]", "dispatcher")
    page.fill("input[name=password]", "pw-dispatcher")
    page.click("button.primary")
    page.wait_for_selector("table.orders")
    assert page.locator("text=已超时").count() >= 1
    page.screenshot(path=str(SHOTS / "order-list.png"), full_page=True)

    page.select_option("select[name=sla]", "breached")
    page.click("form.filters button.primary")
    rows = page.locator("table.orders tbody tr")
    assert rows.count() == 1
    rows.first.locator("a").click()
    page.wait_for_selector("text=处理记录")
    page.select_option("select[name=technician]", "Z001")
    page.click("form.dispatch button.primary")
    page.wait_for_selector(".flash.success")
    assert "已派单" in page.inner_text("h1")
    page.screenshot(path=str(SHOTS / "order-detail.png"), full_page=True)
    late.refresh_from_db()
    assert late.status == "dispatched"
    assert WorkOrder.objects.get(pk=late.pk).technician == world.technician
    # Playwright's greenlet gives this code its own context, hence its own database connection,
    # which nothing else would close before the PostgreSQL test database is dropped.
    connections.close_all()
