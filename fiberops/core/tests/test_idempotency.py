"""Idempotency-Key on API writes (ROADMAP 1 offline replay; R-ORD-2 retries)."""

import datetime as dt

import pytest
import time_machine

from fiberops.core.idempotency import purge_expired
from fiberops.core.models import IdempotencyRecord
from fiberops.customers.models import UnmaskEvent
from fiberops.dispatch.models import ContactAttempt
from fiberops.testing import (
    intake_payload,
    make_order,
    make_world,
    require_postgresql,
    run_concurrently,
)
from fiberops.workorders.actions import dispatch_order


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


def test_r_cus_5_a_reveal_is_never_replayed_it_is_checked_and_logged_again(world):
    """A replayed reveal used to return the contact again after a handover, without a log."""
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    client = world.client(world.technician_user)
    url = f"/api/v1/work-orders/{order.pk}/reveal-contact/"
    first = client.post(url, {"reason": "上门"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 200 and first.json()["phone"].isdigit()
    assert not IdempotencyRecord.objects.filter(key="r-1").exists()  # no personal data stored
    again = client.post(url, {"reason": "上门"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert again.status_code == 200 and "Idempotent-Replayed" not in again
    assert UnmaskEvent.objects.filter(work_order=order).count() == 2
    world.client(world.dispatcher).post(
        f"/api/v1/work-orders/{order.pk}/handover/",
        {"technician": "Z002", "reason": "调班"},
        format="json",
    )
    after = client.post(url, {"reason": "上门"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert after.status_code == 404
    assert UnmaskEvent.objects.filter(work_order=order).count() == 2


def test_stored_answers_expire_and_are_purged(world):
    order = make_order(world)
    client = world.client(world.dispatcher)
    start = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.post(
            f"/api/v1/work-orders/{order.pk}/dispatch/",
            {"technician": "Z001"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="d-1",
        )
    assert IdempotencyRecord.objects.filter(key="d-1").exists()
    assert purge_expired(start + dt.timedelta(hours=23)) == 0
    assert purge_expired(start + dt.timedelta(hours=25)) == 1
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twelve_concurrent_requests_with_one_key_run_once_on_postgresql():
    """Exactly one runs; the others replay its answer or get 409 idempotency_in_progress."""
    require_postgresql()
    world = make_world()
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    url = f"/api/v1/work-orders/{order.pk}/contact-attempts/"
    body = {"channel": "phone", "outcome": "reached"}
    world.client(world.technician_user)  # creates the token before the race

    def post():
        return (
            world.client(world.technician_user)
            .post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="same-key")
            .status_code
        )

    statuses = run_concurrently(post, workers=12)
    assert ContactAttempt.objects.filter(order=order).count() == 1
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}, statuses
