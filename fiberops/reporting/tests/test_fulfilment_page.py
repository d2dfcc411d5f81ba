"""The 履约率 page /kpis/fulfilment/ and its CSV export (R-APT-9, R-KPI-1): the same rows as the
API, worst first, percentages, "—" when nothing was due, a UTF-8 CSV with BOM for Excel. Uses the
hand-made data set of `test_fulfilment_api.py` (made with `Appointment.objects.create`)."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.test import Client

from fiberops.reporting.tests.test_fulfilment_api import NOW, hand_made_set

URL = "/kpis/fulfilment/"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def kpi_world(world):
    with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
        hand_made_set(world)
    return world


@time_machine.travel(NOW, tick=False)
def test_r_kpi_1_the_page_defaults_to_this_month_so_far_worst_first(kpi_world):
    response = login(kpi_world.dispatcher).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2026-11-01"' in html and 'value="2026-11-20"' in html
    # A: 2 of 6 = 33.3 %, B: 1 of 2 = 50.0 % (#11 on 11-21 is after today); A first
    assert html.index("33.3%") < html.index("50.0%")
    assert html.index("技术员Z001") < html.index("技术员Z003")
    assert "履约率" in html and "应约数" in html and "履约数" in html
    assert "37.5%" in html  # the total: 3 of 8


@time_machine.travel(NOW, tick=False)
def test_r_kpi_1_nothing_due_shows_a_dash(kpi_world):
    html = login(kpi_world.dispatcher).get(URL + "?date_from=2026-11-21&date_to=2026-11-21")
    assert '<td class="num rate"><span class="muted">—</span></td>' in html.content.decode()


@time_machine.travel(NOW, tick=False)
def test_r_kpi_1_the_csv_has_a_bom_and_the_same_rows(kpi_world):
    response = login(kpi_world.dispatcher).get(
        URL + "?date_from=2026-11-01&date_to=2026-11-30&by=team&format=csv"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="fulfilment-team-20261101-20261130.csv"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table == [
        ["编号", "名称", "应约数", "履约数", "履约率"],
        ["T-WH-01", "红牌楼一班", "6", "2", "0.3333"],
        ["T-WH-02", "簇桥一班", "2", "1", "0.5000"],
    ]


@time_machine.travel(NOW, tick=False)
def test_r_kpi_1_a_bad_period_is_shown_not_computed(kpi_world):
    html = (
        login(kpi_world.dispatcher)
        .get(URL + "?date_from=2026-11-30&date_to=2026-11-01&format=csv")
        .content.decode()
    )
    assert "error-text" in html and "技术员Z001" not in html


@pytest.mark.parametrize("persona", ["technician_user"])
def test_r_kpi_1_technicians_may_not_open_the_page(world, persona):
    assert login(getattr(world, persona)).get(URL).status_code == 403


def test_r_kpi_1_the_navigation_links_follow_the_role(world):
    office = login(world.dispatcher).get("/orders/").content.decode()
    assert 'href="/kpis/fulfilment/"' in office
    assert 'href="/appointments/"' in office and 'href="/messages/outbox/"' in office
    field = login(world.technician_user).get("/orders/").content.decode()
    assert 'href="/kpis/fulfilment/"' not in field and 'href="/appointments/"' not in field
    assert 'href="/messages/outbox/"' not in field
    auditor = login(world.auditor).get("/orders/").content.decode()
    assert 'href="/kpis/fulfilment/"' in auditor and 'href="/appointments/"' not in auditor
