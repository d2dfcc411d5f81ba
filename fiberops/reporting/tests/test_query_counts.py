"""Query count of GET /api/v1/kpis/fulfilment/ and of the KPI page (STYLE habit 13): the same
for a few appointments and for many, per every grouping, and a ceiling (today's count).

Appointments are made through the verbs: booked by the technician, then kept by checking in."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fiberops.core.clock import SHANGHAI
from fiberops.dispatch.tests.appointment_helpers import booked_order
from fiberops.testing import World
from fiberops.workorders.actions import perform

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
#: the address's failed-token count; token; the aggregate
KPI_API = 3
#: session; user; the aggregate
KPI_PAGE = 3


def add_kept(world: World, number: int) -> None:
    for n in range(number):
        starts_at = dt.datetime(2026, 11, 2 + n % 15, 10, tzinfo=SHANGHAI)
        order = booked_order(world, starts_at - dt.timedelta(days=1), starts_at)
        with time_machine.travel(starts_at - dt.timedelta(minutes=8), tick=False):
            perform(order, "depart", actor=world.technician_user)
            perform(order, "arrive", actor=world.technician_user)


def measure(request) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("by", ["technician", "team", "grid", "branch"])
def test_r_kpi_1_the_kpi_api_keeps_its_query_count(world, by):
    client = world.client(world.dispatcher)
    url = f"/api/v1/kpis/fulfilment/?from=2026-11-01&to=2026-11-30&by={by}"
    add_kept(world, 2)
    with time_machine.travel(NOW, tick=False):
        few = measure(lambda: client.get(url))
    add_kept(world, 12)
    with time_machine.travel(NOW, tick=False):
        many = measure(lambda: client.get(url))
        answer = client.get(url).json()
    assert [(row["due"], row["kept"]) for row in answer] == [(14, 14)]
    assert many == few
    assert few <= KPI_API


def test_r_kpi_1_the_kpi_page_and_its_csv_keep_their_query_count(world):
    client = Client()
    client.force_login(world.leader)
    url = "/kpis/fulfilment/?date_from=2026-11-01&date_to=2026-11-30"
    add_kept(world, 2)
    with time_machine.travel(NOW, tick=False):
        few = measure(lambda: client.get(url)), measure(lambda: client.get(url + "&format=csv"))
    add_kept(world, 12)
    with time_machine.travel(NOW, tick=False):
        many = measure(lambda: client.get(url)), measure(lambda: client.get(url + "&format=csv"))
    assert many == few
    assert max(few) <= KPI_PAGE
