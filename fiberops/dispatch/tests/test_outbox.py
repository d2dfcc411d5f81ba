"""The SMS outbox at /messages/outbox/ (R-APT-3..6): what the simulated gateway "sent", newest
first, the customer's number masked, scoped by the orders the user can see, paged."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from fiberops.core.clock import SHANGHAI
from fiberops.dispatch.tests.appointment_helpers import booked_order
from fiberops.dispatch.views import OUTBOX_PAGE_SIZE
from fiberops.messaging.actions import send_to_customer

NOW = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
URL = "/messages/outbox/"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "persona", ["admin", "manager", "dispatcher", "leader", "cs_agent", "auditor"]
)
def test_r_apt_3_the_office_reads_the_outbox(world, persona):
    assert login(getattr(world, persona)).get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["technician_user", "bss"])
def test_r_apt_3_technicians_and_the_bss_are_refused(world, persona):
    assert login(getattr(world, persona)).get(URL).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_r_apt_3_messages_newest_first_number_masked(world):
    order = booked_order(world, NOW, dt.datetime(2026, 11, 3, 10, tzinfo=SHANGHAI))
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        send_to_customer(order, kind="reconfirmed", text="提醒：师傅约10:00上门。")
    html = login(world.dispatcher).get(URL).content.decode()
    assert html.index("提醒：师傅约10:00上门。") < html.index("10:00–12:00")  # the booking SMS
    assert order.customer.masked_phone in html
    assert order.customer.phone not in html
    assert order.bss_order_no in html
    assert "已预约" in html  # the kind, in Chinese


@time_machine.travel(NOW, tick=False)
def test_r_sec_1_the_outbox_of_another_branch_is_empty(world):
    order = booked_order(world, NOW, dt.datetime(2026, 11, 3, 10, tzinfo=SHANGHAI))
    html = login(world.foreign_dispatcher).get(URL).content.decode()
    assert order.bss_order_no not in html


@time_machine.travel(NOW, tick=False)
def test_r_apt_3_the_outbox_is_paged(world):
    order = booked_order(world, NOW, dt.datetime(2026, 11, 3, 10, tzinfo=SHANGHAI))
    for n in range(OUTBOX_PAGE_SIZE):
        send_to_customer(order, kind="reconfirmed", text=f"消息{n:03d}")
    client = login(world.dispatcher)
    first = client.get(URL).content.decode()
    second = client.get(URL + "?page=2").content.decode()
    assert "消息049" in first and "消息000" in first
    assert "10:00–12:00" not in first and "10:00–12:00" in second
