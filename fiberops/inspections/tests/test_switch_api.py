"""The switches API (R-INS-3): readings pushed over POST, switches and their latest readings."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiberops.inspections.switch_models import SwitchBreach, SwitchReading
from fiberops.inspections.tests.switch_helpers import AT, make_switch, read
from fiberops.testing import make_world
from fiberops.workorders.actions import cancel_order
from fiberops.workorders.models import WorkOrder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("switch_clock")]

URL = "/api/v1/switches/{code}/readings/"
BODY = {"measured_at": "2026-11-20T10:00:00+08:00", "bandwidth_pct": 20, "cpu_pct": 50.0}


@pytest.fixture
def world():
    return make_world()


def test_R_INS_3_posting_a_reading_at_the_cpu_threshold_answers_the_breach_and_the_order(world):
    make_switch(world.grid)
    response = world.client(world.bss).post(URL.format(code="WH01-SW-001"), BODY, format="json")
    assert response.status_code == 201, response.json()
    order = WorkOrder.objects.get()
    assert response.json() == {
        "breaches": [{"metric": "cpu_pct", "value": 50.0, "threshold": 50.0}],
        "order": order.pk,
    }


def test_R_INS_3_a_reading_below_every_threshold_answers_no_order(world):
    make_switch(world.grid)
    body = {**BODY, "cpu_pct": 49.9, "mem_pct": 59.9, "bandwidth_pct": 69.9}
    response = world.client(world.admin).post(URL.format(code="WH01-SW-001"), body, format="json")
    assert response.status_code == 201
    assert response.json() == {"breaches": [], "order": None}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "cpu_pct": 100.01}, "cpu_pct"),
        ({**BODY, "mem_pct": -1}, "mem_pct"),
        ({k: v for k, v in BODY.items() if k != "measured_at"}, "measured_at"),
        ({**BODY, "measured_at": "2026-11-20T10:00:00"}, "measured_at"),
    ],
)
def test_R_INS_3_invalid_readings_are_refused_with_400(world, body, field):
    make_switch(world.grid)
    response = world.client(world.bss).post(URL.format(code="WH01-SW-001"), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]


def test_R_INS_3_a_reading_from_the_future_is_refused(world):
    make_switch(world.grid)
    body = {**BODY, "measured_at": "2099-01-01T00:00:00+08:00"}
    response = world.client(world.bss).post(URL.format(code="WH01-SW-001"), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "measured_at_in_future"


def test_R_INS_3_unknown_switch_is_404(world):
    response = world.client(world.bss).post(URL.format(code="NOPE"), BODY, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["dispatcher", "manager", "technician_user", "cs_agent"])
def test_R_INS_3_only_integration_and_admin_may_post(world, persona):
    make_switch(world.grid)
    response = world.client(getattr(world, persona)).post(
        URL.format(code="WH01-SW-001"), BODY, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_R_INS_3_switch_list_filters_by_breached_and_grid_within_scope(world):
    hot = make_switch(world.grid, "SW-HOT")
    cool = make_switch(world.grid, "SW-COOL")
    make_switch(world.rural_grid, "SW-RURAL")
    read(hot, bw="85")
    read(cool)
    client = world.client(world.dispatcher)
    codes = [s["code"] for s in client.get("/api/v1/switches/").json()["results"]]
    assert codes == ["SW-COOL", "SW-HOT"]  # the rural one is another branch's
    breached = client.get("/api/v1/switches/?breached=true").json()["results"]
    assert [s["code"] for s in breached] == ["SW-HOT"]
    assert breached[0]["latest_reading"]["bandwidth_pct"] == 85.0
    assert breached[0]["open_order"] == WorkOrder.objects.get().pk
    assert client.get("/api/v1/switches/?grid=WH-02").json()["results"] == []
    assert client.get("/api/v1/switches/SW-RURAL/").status_code == 404


def test_R_INS_3_switch_detail_has_the_latest_readings(world):
    switch = make_switch(world.grid)
    for minutes in range(3):
        read(switch, cpu=str(10 + minutes), at=AT + dt.timedelta(minutes=minutes))
    body = world.client(world.admin).get("/api/v1/switches/WH01-SW-001/").json()
    assert [r["cpu_pct"] for r in body["readings"]] == [12.0, 11.0, 10.0]
    assert body["latest_reading"]["cpu_pct"] == 12.0


def test_R_INS_3_switch_list_query_count_is_flat(world):
    client = world.client(world.admin)
    for n in range(3):
        read(make_switch(world.grid, f"SW-{n}"), bw="80")
    client.get("/api/v1/switches/")  # warm the token and session caches
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/switches/")
    for n in range(3, 12):
        read(make_switch(world.grid, f"SW-{n}"), bw="80")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/switches/")
    assert response.json()["count"] == 12
    assert len(many) == len(few)


def test_R_INS_3_posting_69_995_is_accepted_and_no_breach_but_70_is(world):
    make_switch(world.grid)
    client = world.client(world.bss)
    body = {**BODY, "bandwidth_pct": 69.995, "cpu_pct": "33.333", "mem_pct": "59.99999"}
    response = client.post(URL.format(code="WH01-SW-001"), body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"breaches": [], "order": None}
    reading = SwitchReading.objects.get()
    assert (str(reading.bandwidth_pct), str(reading.cpu_pct)) == ("69.99", "33.33")
    body = {**BODY, "bandwidth_pct": 70.0, "cpu_pct": 1, "measured_at": "2026-11-20T10:01+08:00"}
    answer = client.post(URL.format(code="WH01-SW-001"), body, format="json").json()
    assert answer["breaches"] == [{"metric": "bandwidth_pct", "value": 70.0, "threshold": 70.0}]
    assert answer["order"] == WorkOrder.objects.get().pk


def test_R_INS_3_a_reading_older_than_the_cutoff_is_stored_but_opens_no_order(world, settings):
    settings.SWITCH_BREACH_MAX_AGE_HOURS = 1  # the clock stands two hours after BODY's time
    make_switch(world.grid)
    response = world.client(world.bss).post(URL.format(code="WH01-SW-001"), BODY, format="json")
    assert response.status_code == 201
    assert response.json() == {
        "breaches": [{"metric": "cpu_pct", "value": 50.0, "threshold": 50.0}],
        "order": None,
    }
    assert not WorkOrder.objects.exists()
    assert SwitchReading.objects.get().is_breach
    breach = SwitchBreach.objects.get()
    assert (breach.metric, breach.order) == ("cpu_pct", None)


def test_R_INS_3_a_cancelled_order_is_not_reported_as_the_switch_open_order(world):
    switch = make_switch(world.grid)
    recorded = read(switch, bw="85")
    client = world.client(world.dispatcher)
    assert client.get("/api/v1/switches/WH01-SW-001/").json()["open_order"] == recorded.order_id
    cancel_order(
        WorkOrder.objects.get(pk=recorded.order_id), actor=world.dispatcher, reason="已处理"
    )
    assert client.get("/api/v1/switches/WH01-SW-001/").json()["open_order"] is None
    listed = client.get("/api/v1/switches/").json()["results"]
    assert listed[0]["open_order"] is None


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("true", ["SW-HOT"]),
        ("1", ["SW-HOT"]),
        ("TRUE", ["SW-HOT"]),
        ("false", ["SW-COOL"]),
        ("0", ["SW-COOL"]),
        ("", ["SW-COOL", "SW-HOT"]),
    ],
)
def test_R_INS_3_the_breached_filter_takes_true_false_1_0_and_ignores_empty(world, value, codes):
    read(make_switch(world.grid, "SW-HOT"), bw="85")
    read(make_switch(world.grid, "SW-COOL"))
    response = world.client(world.admin).get(f"/api/v1/switches/?breached={value}")
    assert [s["code"] for s in response.json()["results"]] == codes


@pytest.mark.parametrize("value", ["yes-please", "maybe", "2"])
def test_R_INS_3_an_unknown_breached_filter_is_refused_not_read_as_false(world, value):
    read(make_switch(world.grid, "SW-HOT"), bw="85")
    response = world.client(world.admin).get(f"/api/v1/switches/?breached={value}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_filter"
