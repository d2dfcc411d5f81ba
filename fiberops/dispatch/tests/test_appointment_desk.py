"""The office's appointment desk at /appointments/ (R-APT-1, R-APT-2, R-APT-6, R-APT-7): who may
open it, what each section lists, masking and the order of the queues. Appointments are made
through the verbs (`appointment_helpers.py`)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from fiberops.core.clock import SHANGHAI
from fiberops.dispatch.tests.appointment_helpers import (
    absent_then_rebooked,
    accepted_order,
    booked_order,
    note_left,
)
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order, reschedule_appointment
from fiberops.workorders.models import Appointment

#: Monday 2026-11-02, 09:00 in Shanghai.
NOW = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
URL = "/appointments/"


def sh(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section(html: str, anchor: str) -> str:
    """The HTML of one section of the desk, by its id."""
    start = html.index(f'<section class="desk" id="{anchor}">')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("persona", ["admin", "manager", "dispatcher", "leader"])
def test_r_apt_9_the_office_opens_the_desk(world, persona):
    assert login(getattr(world, persona)).get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["technician_user", "cs_agent", "auditor"])
def test_r_apt_9_technicians_and_other_desks_are_refused(world, persona):
    assert login(getattr(world, persona)).get(URL).status_code == 403


def test_r_apt_9_signed_out_goes_to_the_login(db):
    response = Client().get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


@time_machine.travel(NOW, tick=False)
def test_r_apt_1_the_days_timeline_shows_each_booking_masked_in_its_technicians_lane(world):
    order = booked_order(world, NOW - dt.timedelta(days=1), sh(2, 14))
    html = login(world.dispatcher).get(URL).content.decode()
    day = section(html, "day")
    assert order.bss_order_no in day
    assert "14:00–16:00" in day
    assert "ap-pending" in day
    # 14:00 is 6 h into the 08:00–20:00 span: 50 %; two hours wide: 16.667 %
    assert "left:50.000%; width:16.667%" in day
    assert world.technician.name in day
    customer = order.customer
    assert customer.masked_address in day
    assert customer.address not in html and customer.phone not in html
    # another day: not on the timeline
    other_day = login(world.dispatcher).get(URL + "?day=2026-11-03").content.decode()
    assert order.bss_order_no not in section(other_day, "day")


@time_machine.travel(NOW, tick=False)
def test_r_apt_2_orders_waiting_for_contact_and_for_a_booking(world):
    dispatched = make_order(world, accepted_at=NOW)
    dispatch_order(dispatched, technician=world.technician, actor=world.dispatcher)
    accepted = accepted_order(world, NOW)
    booked = booked_order(world, NOW, sh(3, 10))
    undispatched = make_order(world, accepted_at=NOW)
    html = login(world.dispatcher).get(URL).content.decode()
    contact, booking = section(html, "contact"), section(html, "booking")
    assert dispatched.bss_order_no in contact and accepted.bss_order_no in contact
    assert booked.bss_order_no not in contact  # booked: appointed, no longer waiting
    assert undispatched.bss_order_no not in contact
    assert accepted.bss_order_no in booking
    assert dispatched.bss_order_no not in booking and booked.bss_order_no not in booking


@time_machine.travel(NOW, tick=False)
def test_r_apt_6_broken_appointments_of_the_period(world):
    order = booked_order(world, NOW - dt.timedelta(days=1), sh(2, 10))
    # moved by the technician 1 h before the start: broken
    reschedule_appointment(
        order,
        starts_at=sh(3, 10),
        ends_at=sh(3, 12),
        initiated_by="technician",
        reason="车辆故障",
        actor=world.technician_user,
    )
    html = login(world.dispatcher).get(URL).content.decode()
    broken = section(html, "broken")
    assert order.bss_order_no in broken and "车辆故障" in broken
    earlier = login(world.dispatcher).get(URL + "?broken_from=2026-10-01&broken_to=2026-10-31")
    assert order.bss_order_no not in section(earlier.content.decode(), "broken")


def test_r_apt_7_second_appointments_come_first_in_every_queue(world):
    with time_machine.travel(NOW, tick=False):
        ordinary = booked_order(world, NOW, sh(4, 9))
    second = absent_then_rebooked(world, NOW, sh(2, 10), sh(4, 15))
    assert Appointment.objects.get(order=second, outcome="pending").is_second
    with time_machine.travel(sh(4, 8), tick=False):
        html = login(world.dispatcher).get(URL + "?day=2026-11-04").content.decode()
    seconds = section(html, "second")
    assert second.bss_order_no in seconds and ordinary.bss_order_no not in seconds
    assert "second-mark" in section(html, "day")


def test_r_apt_7_an_absent_customers_order_leads_the_booking_queue(world):
    later = accepted_order(world, NOW - dt.timedelta(days=2))  # dispatched earlier
    second = note_left(world, NOW, sh(2, 10))
    with time_machine.travel(sh(2, 11), tick=False):
        html = login(world.dispatcher).get(URL).content.decode()
    booking = section(html, "booking")
    assert booking.index(second.bss_order_no) < booking.index(later.bss_order_no)
    assert 'class="second"' in booking


@time_machine.travel(NOW, tick=False)
def test_r_sec_1_another_branch_sees_none_of_it(world):
    order = booked_order(world, NOW - dt.timedelta(days=1), sh(2, 14))
    accepted = accepted_order(world, NOW)
    html = login(world.foreign_dispatcher).get(URL).content.decode()
    assert order.bss_order_no not in html and accepted.bss_order_no not in html
    assert world.technician.name not in html


@time_machine.travel(NOW, tick=False)
def test_r_apt_9_a_bad_date_is_shown_and_today_is_used(world):
    order = booked_order(world, NOW - dt.timedelta(days=1), sh(2, 14))
    response = login(world.dispatcher).get(URL + "?day=2026-13-01&broken_from=1900-01-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="error-text"') == 2
    assert order.bss_order_no in section(html, "day")
