"""Query counts of the appointment desk and the outbox (STYLE habit 13): the same for a few
appointments and for many, and a ceiling (today's count) so that a new constant query shows."""

import datetime as dt

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fiberops.core.clock import SHANGHAI
from fiberops.dispatch.tests.appointment_helpers import accepted_order, booked_order, note_left
from fiberops.messaging.actions import send_to_customer
from fiberops.testing import World

NOW = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Shanghai

#: session; user; technicians in scope; the day's appointments with order, customer and
#: technician; waiting for contact; waiting for a booking; broken; second appointments
DESK_PAGE = 8
#: session; user; count; the page of messages with order and customer
OUTBOX_PAGE = 4


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_work(world: World, number: int) -> None:
    """`number` orders booked for today, as many accepted and waiting, and one second-visit
    order every third."""
    for n in range(number):
        booked_order(world, NOW, datetime_today(10 + n % 8))
        accepted_order(world, NOW)
        if n % 3 == 0:
            note_left(world, NOW, datetime_today(9))


def datetime_today(hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, 2, hour, tzinfo=SHANGHAI)


def test_r_apt_9_the_appointment_desk_keeps_its_query_count(world):
    client = Client()
    client.force_login(world.dispatcher)
    add_work(world, 2)
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        few = count(client, "/appointments/")
    add_work(world, 9)
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        many = count(client, "/appointments/")
        html = client.get("/appointments/").content.decode()
    # 11 booked for later today, 4 visits that found nobody home at 09:00: all on the timeline
    assert html.count('class="block ap-') == 11 + 4
    assert many == few
    assert few <= DESK_PAGE


def test_r_apt_3_the_outbox_keeps_its_query_count(world):
    client = Client()
    client.force_login(world.leader)
    order = booked_order(world, NOW, datetime_today(15))
    few = count(client, "/messages/outbox/")
    for n in range(30):
        send_to_customer(order, kind="reconfirmed", text=f"消息{n}")
    many = count(client, "/messages/outbox/")
    assert many == few
    assert few <= OUTBOX_PAGE
