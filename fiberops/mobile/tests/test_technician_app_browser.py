"""Chromium at 390×844 walks a technician through the phone app (issue 7, "Done when"): accept →
call → book → reconfirm → set off (offline, replayed when the signal returns) → check in →
customer absent → the 15-minute wait (the server's clock moved with time_machine: the live
server runs in this process) → service note → the second appointment. Screenshots land in
var/screenshots/mobile-*.png."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connections
from django.utils import timezone

from fiberops.dispatch.models import ContactAttempt
from fiberops.testing import PHONE_CUSTOMER_LAT, PHONE_CUSTOMER_LNG, make_order
from fiberops.workorders.actions import CustomerData, IntakeData, dispatch_order, intake_order
from fiberops.workorders.models import OrderEvent, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def dispatched_install(
    world, *, bss_order_no: str = "BSS20261129001", requires_survey: bool = False
) -> WorkOrder:
    order, _ = intake_order(
        actor=world.bss,
        data=IntakeData(
            bss_order_no=bss_order_no,
            order_type="install",
            accepted_at=timezone.now() - dt.timedelta(hours=1),
            grid=world.grid,
            customer=CustomerData(
                name="张三",
                phone="13812345678",
                address="成都市武侯区红牌楼街道佳灵路3号2栋1单元502",
                lat=Decimal(PHONE_CUSTOMER_LAT),
                lng=Decimal(PHONE_CUSTOMER_LNG),
            ),
            plan_mbps=1000,
            description="新装1000M宽带",
            requires_survey=requires_survey,
        ),
    )
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    return order


def sign_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/m/")
    assert "/login/?next=/m/" in page.url
    page.fill("input[name=username]", "tech")
    page.fill("input[name=password]", "pw-tech")
    page.click("button.primary")
    page.wait_for_selector("article.card")
    # The service worker controls the page once it has precached the shell.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def status_of(page, text: str) -> None:
    try:
        page.wait_for_selector(f"section.summary .status:text-is('{text}')", timeout=10_000)
    except Exception:
        page.screenshot(path=str(SHOTS / "mobile-failed.png"), full_page=True)
        raise


def tap(page, label: str) -> None:
    page.locator(f"section.actions button:text-is('{label}')").click()


def confirm(page) -> None:
    page.locator("#sheet button.primary").click()


def test_r_apt_7_technician_walks_an_order_from_accept_to_service_note_on_a_phone(
    world, phone, live_server
):
    world.technician_user.set_password("pw-tech")
    world.technician_user.save()
    order = dispatched_install(world)
    late = make_order(world, order_type="fault", accepted_at=timezone.now() - dt.timedelta(days=2))
    dispatch_order(late, technician=world.technician, actor=world.dispatcher)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = phone.new_page()

    sign_in(page, live_server)
    cards = page.locator("article.card")
    assert cards.count() == 2
    assert "138****5678" in page.inner_text("main")  # masked on the phone
    page.screenshot(path=str(SHOTS / "mobile-queue.png"))

    page.locator("article.card", has_text="装机").locator("a.tap").click()
    status_of(page, "已派单")
    tap(page, "接单")
    status_of(page, "已接单")

    # The call goes through the telephony adapter; its outcome is logged with the recording.
    page.locator("button[data-do=call]").click()
    page.wait_for_selector("#dial")
    assert page.get_attribute("#dial", "href").startswith("tel:")
    page.screenshot(path=str(SHOTS / "mobile-call.png"))
    page.select_option("#f-outcome", "reached")
    confirm(page)
    page.wait_for_selector("ul.deadlines li:has-text('联系客户') .badge:text-is('已达成')")
    attempt = ContactAttempt.objects.get(order=order)
    assert (attempt.channel, attempt.outcome) == ("app_call", "reached")
    assert attempt.recording_ref

    tap(page, "预约上门")
    confirm(page)  # the proposed window: the next half hour after an hour from now, 2 hours
    status_of(page, "已预约")
    page.screenshot(path=str(SHOTS / "mobile-order-appointed.png"))
    tap(page, "上门前确认")
    confirm(page)
    page.wait_for_selector("text=已确认")

    # Setting off in a lift: no signal. The action waits on the phone, survives a reload, and
    # is replayed in order with its key and device time when the network returns.
    phone.set_offline(True)
    tap(page, "出发")
    confirm(page)
    page.wait_for_selector("#sync:text-is('1 条待同步')")
    page.reload()
    page.wait_for_selector("#sync:text-is('1 条待同步')")
    page.wait_for_selector("text=离线数据")
    page.screenshot(path=str(SHOTS / "mobile-offline.png"))
    tapped_at = timezone.now()
    assert WorkOrder.objects.get(pk=order.pk).status == "appointed"
    phone.set_offline(False)
    status_of(page, "在途")
    page.wait_for_selector("#sync", state="hidden")
    departed = OrderEvent.objects.get(order=order, kind="transition", action="depart")
    assert departed.occurred_at <= tapped_at  # the device time of the tap, not of the replay

    tap(page, "签到")
    status_of(page, "在现场")
    page.wait_for_selector("text=距客户")
    visit = order.visits.get()
    assert visit.distance_m is not None and visit.distance_m < 20  # the phone's own position
    tap(page, "客户不在")
    page.wait_for_selector(".countdown:has-text('还需等待 1')")
    assert page.locator("button[data-do=leave-note]").is_disabled()
    page.screenshot(path=str(SHOTS / "mobile-absent.png"))

    # The wait is the server's: its clock moves 16 minutes on; the phone learns it from the
    # server's Date header and the server accepts the note.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16), tick=True):
        page.reload()
        page.wait_for_selector(".countdown:text-is('等待已满，可留服务便利贴')")
        tap(page, "留服务便利贴")
        status_of(page, "已接单")
        link = page.locator("a:text-is('打开服务便利贴')")
        note = page.request.get(live_server.url + link.get_attribute("href"))
        assert note.ok
        assert note.headers["content-type"] == "application/pdf"
        page.screenshot(path=str(SHOTS / "mobile-note.png"))
        page.locator("section.note button:text-is('预约二次上门')").click()
        confirm(page)
        status_of(page, "已预约")
        page.wait_for_selector("section.summary .badge:text-is('二次预约')")
    assert WorkOrder.objects.get(pk=order.pk).appointments.count() == 2
    # Playwright's greenlet has its own database connection (see workorders' browser test).
    connections.close_all()
