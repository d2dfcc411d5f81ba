"""The switch pages (R-INS-3, R-KPI-2): the list with latest readings and 30-day charts, the
detail, the breaches report with Excel and CSV, the order page's section."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from fiberops.inspections.tests.switch_helpers import AT, make_switch, read
from fiberops.testing import make_world
from fiberops.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def recent(days_ago: int = 0) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago, minutes=5)


def test_R_INS_3_the_switch_page_marks_the_switch_over_threshold_in_red(world):
    read(make_switch(world.grid, "SW-HOT"), bw="85", at=recent())
    read(make_switch(world.grid, "SW-COOL"), at=recent())
    read(make_switch(world.rural_grid, "SW-RURAL"), at=recent())
    page = signed_in(world.dispatcher).get("/switches/").content.decode()
    assert 'class="breached" data-switch="SW-HOT"' in page
    assert 'class="" data-switch="SW-COOL"' in page
    assert 'class="num over">85.0%' in page
    assert "SW-RURAL" not in page  # another branch's grid
    assert page.count("<svg") == 6  # three 30-day charts per switch
    breached = signed_in(world.dispatcher).get("/switches/?breached=1").content.decode()
    assert "SW-HOT" in breached and "SW-COOL" not in breached


def test_R_INS_3_the_switch_page_query_count_is_flat(world):
    client = signed_in(world.admin)
    for n in range(2):
        switch = make_switch(world.grid, f"SW-{n}")
        for day in range(3):
            read(switch, bw="80", at=recent(day))
    with CaptureQueriesContext(connection) as few:
        client.get("/switches/")
    for n in range(2, 10):
        switch = make_switch(world.grid, f"SW-{n}")
        for day in range(3):
            read(switch, bw="80", at=recent(day))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/switches/")
    assert response.status_code == 200
    assert len(many) == len(few)


def test_R_INS_3_the_switch_detail_shows_charts_breaches_and_the_order(world):
    switch = make_switch(world.grid)
    recorded = read(switch, cpu="66", at=recent() - dt.timedelta(hours=3))
    order = WorkOrder.objects.get(pk=recorded.order_id)
    page = signed_in(world.dispatcher).get(f"/switches/{switch.code}/").content.decode()
    assert order.bss_order_no in page
    assert f"/orders/{order.pk}/" in page
    assert page.count("<svg") == 3
    assert signed_in(world.foreign_dispatcher).get(f"/switches/{switch.code}/").status_code == 404


def test_R_INS_3_the_order_page_shows_the_readings_that_caused_it(world):
    recorded = read(make_switch(world.grid), cpu="66", at=recent())
    page = signed_in(world.dispatcher).get(f"/orders/{recorded.order_id}/").content.decode()
    assert 'id="switch-breaches"' in page
    assert "66.0%" in page


def test_R_KPI_2_the_breaches_report_counts_per_month_and_grid_with_csv_and_xlsx(world):
    switch = make_switch(world.grid)
    read(switch, bw="80", cpu="55", at=AT)
    read(switch, bw="81", at=AT + dt.timedelta(minutes=1))
    read(make_switch(world.grid, "SW-MEM"), mem="65", at=AT)  # another switch, another figure
    read(make_switch(world.grid, "SW-OCT"), mem="65", at=AT - dt.timedelta(days=30))  # October
    client = signed_in(world.manager)
    page = client.get("/switches/report/?from=2026-11&to=2026-11")
    assert page.status_code == 200
    text = client.get("/switches/report/?from=2026-11&to=2026-11&format=csv").content
    text = text.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("2026-11,")
    assert lines[1].split(",")[1:] == ["WH-01", world.grid.name, "2", "2", "1", "1"]
    book = load_workbook(
        io.BytesIO(client.get("/switches/report/?from=2026-11&to=2026-11&format=xlsx").content)
    )
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][1:] == ("WH-01", world.grid.name, 2, 2, 1, 1)
    assert signed_in(world.technician_user).get("/switches/report/").status_code == 403
