"""Query counts of the order lists, the timeline and the order pages (STYLE habit 13; NetBox's
`utilities/testing` query counts are the model). The count must not grow with the rows: each
test measures a small and a large data set and asserts the same count, and a ceiling (today's
count) so that a new constant query shows too. Raise a ceiling only with a reason.

`GET /api/v1/work-orders/` without parameters is counted in `test_intake_api.py`."""

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fiberops.dispatch.actions import record_contact_attempt
from fiberops.sla.actions import sweep
from fiberops.testing import World, make_order
from fiberops.workorders.actions import accept_order, dispatch_order

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai
LATER = NOW + dt.timedelta(days=3)  # every fault accepted at NOW is late by then

#: Today's counts, the ceilings (the same on SQLite and PostgreSQL).
#: the address's failed-token count; token; count; orders with grid, branch, customer,
#: technician and port; their deadlines; their appointments; their visits (issue 7)
API_LIST = 7
#: failed-token count; token; the order; its events with actors; the clock's alerts; its
#: recalculations
TIMELINE_API = 6
#: session; user; count; orders; their deadlines; the grids of the filter form
ORDER_LIST_PAGE = 6
#: session; user; the order; deadlines (twice: the clocks and the calendar warning read them
#: apart); appointments; the last visit (issue 7); events; alerts; recalculations
ORDER_DETAIL_PAGE = 10


def count(request: Callable) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200, response.content
    return len(queries), response


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the order list over the API: urgency order and the SLA filter --------------------------


def add_orders(world: World, number: int) -> None:
    """`number` faults late at NOW (repair clock due after 48 h), every other one dispatched so
    that rows carry a technician and more clocks."""
    for n in range(number):
        order = make_order(world, order_type="fault", accepted_at=NOW - dt.timedelta(days=3))
        if n % 2:
            dispatch_order(order, technician=world.technician, actor=world.dispatcher)


@pytest.mark.parametrize(
    "query", ["?ordering=urgency", "?sla=breached", "?sla=breached&ordering=urgency"]
)
def test_r_sla_6_the_order_list_with_urgency_and_sla_filter_keeps_its_query_count(world, query):
    client = world.client(world.dispatcher)
    url = f"/api/v1/work-orders/{query}"
    with time_machine.travel(NOW, tick=False):
        add_orders(world, 3)
        few, response = count(lambda: client.get(url))
        assert len(response.json()["results"]) == 3
        add_orders(world, 10)
        many, response = count(lambda: client.get(url))
        assert len(response.json()["results"]) == 13
    assert many == few
    assert few <= API_LIST


# --- the timeline: order events, contact attempts and the clock's alerts ----------------------


@pytest.fixture
def two_orders(world):
    """A fault with 3 events (created, dispatched, accepted) and one with 13 (the same and ten
    contact attempts). The sweeper then records warnings and breaches of both at LATER."""
    orders = []
    for attempts in (0, 10):
        with time_machine.travel(NOW, tick=False):
            order = make_order(world, order_type="fault", accepted_at=NOW)
            dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        sweep(NOW + dt.timedelta(minutes=20))  # the response clock: warned, then breached
        with time_machine.travel(NOW + dt.timedelta(minutes=40), tick=False):
            accept_order(order, actor=world.technician_user)
            for _ in range(attempts):
                record_contact_attempt(
                    order, channel="phone", outcome="no_answer", actor=world.technician_user
                )
        orders.append(order)
    sweep(LATER)  # the repair clock: warned and breached
    few, many = orders
    assert few.events.count() == 3 and many.events.count() == 13
    assert many.deadlines.filter(alerts__isnull=False).count() >= 3
    return few, many


@time_machine.travel(LATER, tick=False)
def test_r_ord_4_the_timeline_keeps_its_query_count_with_more_events_and_alerts(world, two_orders):
    client = world.client(world.dispatcher)
    counts, sizes = [], []
    for order in two_orders:
        queries, response = count(
            lambda order=order: client.get(f"/api/v1/work-orders/{order.pk}/events/")
        )
        counts.append(queries)
        sizes.append(len(response.json()))
    assert sizes[1] >= sizes[0] + 10  # ten more events, and the clock's lines
    assert counts[0] == counts[1]
    assert counts[0] <= TIMELINE_API


@time_machine.travel(LATER, tick=False)
def test_r_ord_4_the_order_page_keeps_its_query_count_with_a_long_timeline(world, two_orders):
    client = login(world.dispatcher)
    few, _ = count(lambda: client.get(f"/orders/{two_orders[0].pk}/"))
    many, response = count(lambda: client.get(f"/orders/{two_orders[1].pk}/"))
    assert response.content.decode().count('class="ev-contact_attempt"') == 10
    assert few == many
    assert few <= ORDER_DETAIL_PAGE


# --- the order list page with its SLA filter ---------------------------------------------------


def add_in_every_state(world: World, number: int) -> None:
    """`number` faults each late, due soon (past 80 % of 48 h) and on track at NOW."""
    for hours in (72, 40, 1):
        for _ in range(number):
            make_order(world, order_type="fault", accepted_at=NOW - dt.timedelta(hours=hours))


def rows(response) -> int:
    return (
        response.content.decode().split("<tbody>", 1)[1].count('<tr>\n      <td><a href="/orders/')
    )


@pytest.mark.parametrize("sla", ["", "breached", "warning", "on_track"])
def test_r_sla_6_the_order_list_page_with_an_sla_filter_keeps_its_query_count(world, sla):
    client = login(world.dispatcher)
    url = f"/orders/?sla={sla}"
    states = 1 if sla else 3
    with time_machine.travel(NOW, tick=False):
        add_in_every_state(world, 1)
        few, response = count(lambda: client.get(url))
        assert rows(response) == states
        add_in_every_state(world, 7)
        many, response = count(lambda: client.get(url))
        assert rows(response) == min(8 * states, 25)  # a page holds 25
    assert many == few
    assert few <= ORDER_LIST_PAGE


# --- the technician's queue (issue 7) --------------------------------------------------------

#: failed-token count; token; the orders with grid, branch, customer, technician and port;
#: their deadlines; their appointments; their visits
MY_QUEUE = 6


def add_booked_orders(world: World, number: int) -> None:
    """`number` orders of the technician, every other one booked (an appointment row)."""
    from fiberops.workorders.actions import book_appointment

    for n in range(number):
        order = make_order(world, order_type="install", accepted_at=NOW - dt.timedelta(hours=1))
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        accept_order(order, actor=world.technician_user)
        if n % 2:
            start = NOW + dt.timedelta(hours=2 + n)
            book_appointment(
                order,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                actor=world.technician_user,
            )


def test_r_apt_7_the_technicians_queue_keeps_its_query_count(world):
    client = world.client(world.technician_user)
    with time_machine.travel(NOW, tick=False):
        add_booked_orders(world, 2)
        few, response = count(lambda: client.get("/api/v1/me/queue/"))
        assert len(response.json()) == 2
        add_booked_orders(world, 12)
        many, response = count(lambda: client.get("/api/v1/me/queue/"))
        assert len(response.json()) == 14
    assert many == few
    assert few <= MY_QUEUE
