"""BSS intake over the API (R-ORD-2)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiberops.customers.models import Customer
from fiberops.testing import intake_payload, make_world, require_postgresql, run_concurrently
from fiberops.workorders.models import OrderEvent, WorkOrder

URL = "/api/v1/work-orders/"


def test_r_ord_2_first_intake_creates_the_order_with_its_deadlines(world):
    response = world.client(world.bss).post(
        URL,
        intake_payload(bss_order_no="BSS-1", resource={"splitter_box": "WH01-FX-001", "port": 3}),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["bss_order_no"] == "BSS-1"
    assert body["status"] == "new"
    assert body["accepted_at"] == "2026-09-30T10:00:00+08:00"
    assert body["resource"] == {"splitter_box": "WH01-FX-001", "port": 3}
    assert body["deadlines"] == [
        {
            "kind": "install",
            "due_at": "2026-10-10T23:59:59+08:00",
            "warn_at": body["deadlines"][0]["warn_at"],
            "met_at": None,
            "breached_at": None,
            "state": body["deadlines"][0]["state"],
        }
    ]
    assert body["calendar_warning"] is None
    assert body["customer"]["phone"] == "138****5678"


def test_r_ord_2_the_same_bss_number_twice_returns_the_same_order_and_creates_nothing(world):
    client = world.client(world.bss)
    payload = intake_payload(bss_order_no="BSS-2")
    first = client.post(URL, payload, format="json")
    counts = (WorkOrder.objects.count(), OrderEvent.objects.count(), Customer.objects.count())
    second = client.post(URL, payload, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert (
        WorkOrder.objects.count(),
        OrderEvent.objects.count(),
        Customer.objects.count(),
    ) == counts


def test_r_ord_2_invalid_input_is_400_naming_every_bad_field_and_writes_nothing(world):
    payload = intake_payload(order_type="teleport", accepted_at="2026-09-30 10:00", grid="NOPE")
    payload["customer"]["phone"] = "12345"
    response = world.client(world.bss).post(URL, payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"order_type", "accepted_at", "grid", "customer.phone"}
    assert WorkOrder.objects.count() == 0


def test_r_ord_2_a_time_without_offset_is_refused(world):
    response = world.client(world.bss).post(
        URL, intake_payload(accepted_at="2026-09-30T10:00:00"), format="json"
    )
    assert response.status_code == 400
    assert "accepted_at" in response.json()["error"]["fields"]


def test_r_ord_2_unknown_splitter_port_is_refused(world):
    payload = intake_payload(resource={"splitter_box": "WH01-FX-001", "port": 99})
    response = world.client(world.bss).post(URL, payload, format="json")
    assert response.status_code == 400
    assert "resource" in response.json()["error"]["fields"]


def test_r_ord_2_home_orders_need_a_customer_inspections_do_not(world):
    client = world.client(world.bss)
    no_customer = intake_payload(order_type="fault")
    del no_customer["customer"]
    assert client.post(URL, no_customer, format="json").status_code == 400
    inspection = intake_payload(order_type="inspection")
    del inspection["customer"], inspection["resource"]
    assert client.post(URL, inspection, format="json").status_code == 201


def test_r_sec_2_only_the_integration_and_admins_create_orders(world):
    response = world.client(world.technician_user).post(URL, intake_payload(), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert world.client(world.admin).post(URL, intake_payload(), format="json").status_code == 201


def test_r_sec_2_no_token_is_401(world):
    from rest_framework.test import APIClient

    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_r_ord_2_list_query_count_does_not_grow_with_orders(world):
    client = world.client(world.bss)
    for _ in range(3):
        client.post(URL, intake_payload(), format="json")
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for _ in range(10):
        client.post(URL, intake_payload(), format="json")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(URL).json()["results"]) == 13
    assert len(many) == len(few)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_r_ord_2_concurrent_intakes_of_one_bss_number_create_one_order():
    require_postgresql()
    world = make_world()
    payload = intake_payload(bss_order_no="BSS-RACE")
    world.client(world.bss)  # creates the token before the race
    codes = run_concurrently(
        lambda: world.client(world.bss).post(URL, payload, format="json").status_code
    )
    assert sorted(codes) == [200, 200, 200, 201]
    assert WorkOrder.objects.filter(bss_order_no="BSS-RACE").count() == 1
