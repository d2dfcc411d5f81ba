"""The monthly switch check lists the switches (R-INS-3): a `switch_monthly` round shows, on the
order page and in `GET /api/v1/work-orders/{id}/inspection/`, the grid's switches with their
latest reading and breached flag, so the technician checks each; the page's query count does
not grow with the switches."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fiberops.inspections.actions import LogInput, record_log_entry
from fiberops.inspections.models import LogKind, PlanKind
from fiberops.inspections.tests.helpers import T0, generated_round, make_plan, walk_to_site
from fiberops.inspections.tests.switch_helpers import freeze_clock, make_switch, read

READ_AT = T0 - dt.timedelta(hours=3)


@pytest.fixture(autouse=True)
def read_live(monkeypatch):
    """The readings arrive at T0, three hours after they were measured: live, so a breach opens
    its order (the age cut-off, SWITCH_BREACH_MAX_AGE_HOURS)."""
    freeze_clock(monkeypatch, T0)


@pytest.fixture
def monthly(world):
    plan = make_plan(world, kind=PlanKind.SWITCH_MONTHLY, interval_months=1, name="交换机月检")
    return generated_round(world, plan)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_R_INS_3_the_monthly_round_lists_the_grids_switches_with_readings_and_breaches(
    world, monthly
):
    calm = make_switch(world.grid, "WH01-SW-001")
    hot = make_switch(world.grid, "WH01-SW-002")
    make_switch(world.grid, "WH01-SW-003")  # never read
    make_switch(world.other_grid, "WH02-SW-001")  # another grid's
    read(calm, bw="35.5", cpu="20", mem="30", at=READ_AT)
    read(hot, bw="70", cpu="20", mem="30", at=READ_AT)
    body = login(world.dispatcher).get(f"/api/v1/work-orders/{monthly.order_id}/inspection/")
    rows = body.json()["switches"]
    assert [(r["code"], r["is_breached"]) for r in rows] == [
        ("WH01-SW-001", False),
        ("WH01-SW-002", True),
        ("WH01-SW-003", False),
    ]
    assert rows[0]["latest_reading"]["bandwidth_pct"] == 35.5
    assert rows[1]["open_order"] is not None
    assert rows[2]["latest_reading"] is None
    page = login(world.dispatcher).get(f"/orders/{monthly.order_id}/").content.decode()
    assert 'data-switch="WH01-SW-002" class="breached"' in page
    assert 'data-switch="WH01-SW-001"' in page and "WH02-SW-001" not in page
    assert "35.5%" in page


def test_R_INS_3_a_switch_logged_on_the_round_counts_as_inspected(world, monthly):
    make_switch(world.grid, "WH01-SW-001")
    make_switch(world.grid, "WH01-SW-002")
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        walk_to_site(world, monthly)
        record_log_entry(
            monthly.order,
            actor=world.technician_user,
            entry=LogInput(
                kind=LogKind.INSPECTED, element_kind="switch", element_code="WH01-SW-001"
            ),
        )
    body = login(world.technician_user).get(f"/api/v1/work-orders/{monthly.order_id}/inspection/")
    assert [r["inspected"] for r in body.json()["switches"]] == [True, False]


def test_R_INS_3_other_inspections_list_no_switches(world):
    make_switch(world.grid, "WH01-SW-001")
    inspection = generated_round(world, make_plan(world))
    body = login(world.dispatcher).get(f"/api/v1/work-orders/{inspection.order_id}/inspection/")
    assert body.json()["switches"] == []


def test_R_INS_3_the_order_page_reads_as_many_queries_for_1_and_10_switches(world, monthly):
    client = login(world.dispatcher)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/orders/{monthly.order_id}/").status_code == 200
        return len(context.captured_queries)

    read(make_switch(world.grid, "WH01-SW-001"), bw="80", at=READ_AT)
    page_queries()  # the session, once
    one = page_queries()
    for n in range(2, 11):
        read(make_switch(world.grid, f"WH01-SW-{n:03d}"), bw=str(10 + n), at=READ_AT)
    assert page_queries() == one
