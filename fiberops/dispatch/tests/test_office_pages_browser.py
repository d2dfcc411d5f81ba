"""A real browser (Debian's Chromium driven by Playwright) on the office's appointment pages: the
appointment desk, the 履约率 page and the SMS outbox, at phone (390×844) and desktop (1366×900)
sizes. The page itself never scrolls sideways on a phone; the timeline scrolls inside its frame.
Screenshots land in var/screenshots/.

Today's bookings are made through the verbs; the month's KPI history is hand-made with
`Appointment.objects.create` (past outcomes cannot be made through the verbs without travelling
through time for each row)."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connections
from django.utils import timezone

from fiberops.core.clock import SHANGHAI, local_date
from fiberops.dispatch.tests.appointment_helpers import accepted_order, booked_order, note_left
from fiberops.messaging.actions import send_to_customer
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order
from fiberops.workorders.models import Appointment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def office_day(world) -> None:
    today = local_date(timezone.now())
    yesterday = timezone.now() - dt.timedelta(days=1)

    def at(hour: int, minute: int = 0, days: int = 0) -> dt.datetime:
        return dt.datetime.combine(
            today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=SHANGHAI
        )

    for hour in (9, 11, 15):
        booked_order(world, yesterday, at(hour))
    booked_order(world, yesterday, at(10))  # overlaps 09:00–11:00: a second sub-row
    note_left(world, yesterday - dt.timedelta(days=1), at(9, days=-1))
    accepted_order(world, yesterday)
    waiting = make_order(world, accepted_at=yesterday)
    dispatch_order(waiting, technician=world.teammate, actor=world.dispatcher)
    # the teammate's and the other team's day, and the month's history (hand-made)
    for technician, grid, booker in (
        (world.teammate, world.grid, world.dispatcher),
        (world.other_team_technician, world.other_grid, world.dispatcher),
    ):
        with time_machine.travel(yesterday, tick=False):
            order = make_order(world, accepted_at=yesterday, grid=grid)
            dispatch_order(order, technician=technician, actor=world.dispatcher)
        outcomes = ["kept", "kept", "broken", "kept_late", "rescheduled", "customer_changed"]
        for n, outcome in enumerate(outcomes):
            starts_at = at(9 + n * 2, days=-(n + 1) * 2 if technician == world.teammate else -n)
            Appointment.objects.create(
                order=order,
                sequence=n + 1,
                starts_at=starts_at if n else at(13, 30),
                ends_at=(starts_at if n else at(13, 30)) + dt.timedelta(hours=2),
                initiated_by="technician",
                booked_by=booker,
                booked_at=starts_at - dt.timedelta(days=1),
                outcome=outcome if n else "kept",
                change_reason="车辆故障" if outcome == "broken" else "",
                is_second=outcome == "broken",
            )
        send_to_customer(order, kind="reconfirmed", text="提醒：装维师傅将于今天13:30左右上门。")


@pytest.mark.parametrize("size", list(SIZES))
def test_r_apt_9_office_pages_at_phone_and_desktop_sizes(world, page, live_server, size):
    world.dispatcher.set_password("pw-dispatcher")
    world.dispatcher.save()
    office_day(world)
    SHOTS.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/appointments/")
    page.fill("input[name=username]", "dispatcher")
    page.fill("input[name=password]", "pw-dispatcher")
    page.click("button.primary")
    page.wait_for_selector(".lanes")
    assert page.locator(".block").count() >= 6
    assert page.locator("#second tbody tr.second").count() == 0  # the rebooked one is not yet
    assert page.locator("#booking tbody tr.second").count() == 1
    for name, url in (
        ("appointments", "/appointments/"),
        ("fulfilment", "/kpis/fulfilment/"),
        ("outbox", "/messages/outbox/"),
    ):
        page.goto(f"{live_server.url}{url}")
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{url} scrolls sideways at {width}px: {overflow}px"
    connections.close_all()
