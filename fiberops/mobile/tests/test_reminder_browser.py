"""The SLA worker's reminder to reconfirm (R-APT-3) shows on the technician's order screen while
it still applies, and goes once the visit is reconfirmed."""

import datetime as dt

import pytest
from django.db import connections
from django.utils import timezone

from fiberops.mobile.tests.test_technician_app_browser import (
    confirm,
    dispatched_install,
    sign_in,
    status_of,
    tap,
)
from fiberops.workorders.actions import accept_order, book_appointment, sweep_reminders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REMINDER = "提醒：出发前请与客户再次确认到达时间和工作内容"


def test_r_apt_3_the_reconfirm_reminder_shows_until_the_visit_is_reconfirmed(
    world, phone, live_server
):
    world.technician_user.set_password("pw-tech")
    world.technician_user.save()
    order = dispatched_install(world)
    accept_order(order, actor=world.technician_user)
    starts = timezone.now() + dt.timedelta(minutes=50)  # the reminder is due an hour before
    book_appointment(
        order, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), actor=world.technician_user
    )
    assert sweep_reminders(timezone.now()) == 1
    page = phone.new_page()
    sign_in(page, live_server)
    page.locator("article.card a.tap").first.click()
    status_of(page, "已预约")
    page.wait_for_selector(f"p.warn:text-is('{REMINDER}')")
    tap(page, "上门前确认")
    confirm(page)
    page.wait_for_function(f"!document.body.innerText.includes('{REMINDER}')", timeout=10_000)
    assert order.appointments.get().reconfirmed_at is not None
    connections.close_all()
