"""Idempotency-Key on API writes (ROADMAP 1 offline replay; R-ORD-2 retries)."""

from fiberops.core.models import IdempotencyRecord
from fiberops.testing import intake_payload, make_order


def test_r_ord_2_a_replayed_dispatch_returns_the_first_answer_and_does_nothing_twice(world):
    order = make_order(world)
    client = world.client(world.dispatcher)
    url = f"/api/v1/work-orders/{order.pk}/dispatch/"
    first = client.post(url, {"technician": "Z001"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(url, {"technician": "Z001"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert order.events.filter(action="dispatch").count() == 1
    # without the key the second dispatch is a real, refused transition
    assert client.post(url, {"technician": "Z001"}, format="json").status_code == 409


def test_a_key_reused_for_another_request_is_refused(world):
    order = make_order(world)
    client = world.client(world.dispatcher)
    url = f"/api/v1/work-orders/{order.pk}/dispatch/"
    client.post(url, {"technician": "Z001"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    reused = client.post(
        f"/api/v1/work-orders/{order.pk}/suspend/",
        {"reason": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_refusals_are_not_stored_so_a_corrected_retry_works(world):
    client = world.client(world.bss)
    bad = intake_payload(grid="NOPE")
    assert (
        client.post(
            "/api/v1/work-orders/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
        ).status_code
        == 400
    )
    assert not IdempotencyRecord.objects.exists()
    good = intake_payload()
    assert (
        client.post(
            "/api/v1/work-orders/", good, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
        ).status_code
        == 201
    )


def test_keys_are_per_user_and_validated(world):
    order = make_order(world)
    url = f"/api/v1/work-orders/{order.pk}/dispatch/"
    bad = world.client(world.dispatcher).post(
        url, {"technician": "Z001"}, HTTP_IDEMPOTENCY_KEY="空格 key"
    )
    assert bad.json()["error"]["code"] == "idempotency_key_invalid"
    world.client(world.dispatcher).post(
        url, {"technician": "Z001"}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    other = world.client(world.manager).post(
        f"/api/v1/work-orders/{order.pk}/suspend/",
        {"reason": "客户出差"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="same",
    )
    assert other.status_code == 200
