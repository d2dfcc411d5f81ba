"""Contact attempts over the API: /api/v1/work-orders/{id}/contact-attempts/ (R-APT-2, R-SLA-4)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from fiberops.core.errors import NotPermitted
from fiberops.dispatch.actions import record_contact_attempt
from fiberops.dispatch.models import ContactAttempt
from fiberops.testing import make_order
from fiberops.workorders.actions import cancel_order, dispatch_order, suspend_order
from fiberops.workorders.models import OrderEvent

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Shanghai
CALL = {"channel": "app_call", "outcome": "no_answer", "recording_ref": "REC-0001"}


def attempts_url(order) -> str:
    return f"/api/v1/work-orders/{order.pk}/contact-attempts/"


def contact_clock(body: dict) -> dict:
    return {deadline["kind"]: deadline for deadline in body["deadlines"]}["contact"]


@pytest.fixture
def dispatched(world):
    """An install dispatched to the world's technician at NOW: the contact clock runs 120 min."""
    with time_machine.travel(NOW, tick=False):
        order = make_order(world, accepted_at=NOW)
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    return order


@time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False)
def test_r_apt_2_an_attempt_answers_201_with_the_order(world, dispatched):
    response = world.client(world.technician_user).post(attempts_url(dispatched), CALL)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] == dispatched.pk
    assert body["status"] == "dispatched"  # contact keeps the status
    attempt = ContactAttempt.objects.get(order=dispatched)
    assert (attempt.channel, attempt.outcome, attempt.recording_ref) == (
        "app_call",
        "no_answer",
        "REC-0001",
    )
    assert attempt.by == world.technician_user


def test_r_sla_4_the_first_attempt_meets_the_contact_clock_and_a_second_moves_nothing(
    world, dispatched
):
    client = world.client(world.technician_user)
    with time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False):
        first = client.post(attempts_url(dispatched), CALL).json()
    assert first["first_contact_at"] == "2026-11-02T10:20:00+08:00"
    assert contact_clock(first)["met_at"] == "2026-11-02T10:20:00+08:00"
    assert contact_clock(first)["state"] == "met"
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        second = client.post(attempts_url(dispatched), {**CALL, "outcome": "reached"}).json()
    assert second["first_contact_at"] == "2026-11-02T10:20:00+08:00"
    assert contact_clock(second)["met_at"] == "2026-11-02T10:20:00+08:00"
    assert contact_clock(second)["state"] == "met"
    assert dispatched.contact_attempts.count() == 2


def test_r_sla_4_whatever_the_outcome_trying_counts_even_a_wrong_number(world, dispatched):
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        body = (
            world.client(world.technician_user)
            .post(attempts_url(dispatched), {"channel": "phone", "outcome": "wrong_number"})
            .json()
        )
    assert contact_clock(body)["state"] == "met"


@time_machine.travel(NOW + dt.timedelta(hours=3), tick=False)
def test_r_sla_6_a_first_attempt_after_the_due_time_meets_the_clock_late(world, dispatched):
    body = world.client(world.technician_user).post(attempts_url(dispatched), CALL).json()
    clock = contact_clock(body)
    assert clock["state"] == "met_late"
    assert clock["breached_at"] == clock["met_at"] == "2026-11-02T13:00:00+08:00"


@time_machine.travel(NOW + dt.timedelta(hours=1), tick=False)
def test_r_apt_2_a_replayed_offline_attempt_keeps_the_device_time(world, dispatched):
    payload = {**CALL, "occurred_at": "2026-11-02T10:30:00+08:00"}
    body = world.client(world.technician_user).post(attempts_url(dispatched), payload).json()
    assert body["first_contact_at"] == "2026-11-02T10:30:00+08:00"
    assert contact_clock(body)["met_at"] == "2026-11-02T10:30:00+08:00"


@time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False)
def test_r_sec_1_the_teammate_cannot_find_the_order_and_the_action_refuses_him(world, dispatched):
    teammate = world.teammate.user
    response = world.client(teammate).post(attempts_url(dispatched), CALL)
    assert response.status_code == 404  # not his order: out of his scope (docs/architecture.md)
    assert response.json()["error"]["code"] == "not_found"
    # The action's own guard refuses him too when called directly (403 over the API).
    with pytest.raises(NotPermitted):
        record_contact_attempt(dispatched, channel="phone", outcome="reached", actor=teammate)
    assert not dispatched.contact_attempts.exists()
    dispatched.refresh_from_db()
    assert dispatched.first_contact_at is None


@time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False)
def test_r_sec_2_office_roles_of_the_branch_may_see_the_order_but_not_log_contact(
    world, dispatched
):
    for user in [world.dispatcher, world.leader, world.admin]:
        response = world.client(user).post(attempts_url(dispatched), CALL)
        assert response.status_code == 403, user.username
        assert response.json()["error"]["code"] == "permission_denied"
    assert not dispatched.contact_attempts.exists()


@time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False)
def test_r_sec_1_a_dispatcher_of_another_branch_gets_404_for_both_reading_and_writing(
    world, dispatched
):
    client = world.client(world.foreign_dispatcher)
    assert client.get(attempts_url(dispatched)).status_code == 404
    response = client.post(attempts_url(dispatched), CALL)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not dispatched.contact_attempts.exists()


def test_r_apt_2_get_lists_the_attempts_oldest_first(world, dispatched):
    client = world.client(world.technician_user)
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        client.post(attempts_url(dispatched), CALL)
    with time_machine.travel(NOW + dt.timedelta(minutes=40), tick=False):
        client.post(
            attempts_url(dispatched), {"channel": "sms", "outcome": "reached", "note": "约"}
        )
        listed = world.client(world.dispatcher).get(attempts_url(dispatched))
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": listed.json()[0]["id"],
            "channel": "app_call",
            "outcome": "no_answer",
            "note": "",
            "recording_ref": "REC-0001",
            "by": "tech",
            "occurred_at": "2026-11-02T10:10:00+08:00",
        },
        {
            "id": listed.json()[1]["id"],
            "channel": "sms",
            "outcome": "reached",
            "note": "约",
            "recording_ref": "",
            "by": "tech",
            "occurred_at": "2026-11-02T10:40:00+08:00",
        },
    ]


@time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False)
def test_r_ord_4_the_timeline_shows_the_attempt_with_its_channel_and_outcome(world, dispatched):
    world.client(world.technician_user).post(attempts_url(dispatched), {**CALL, "note": "无人接听"})
    events = world.client(world.dispatcher).get(f"/api/v1/work-orders/{dispatched.pk}/events/")
    contact = [e for e in events.json() if e["kind"] == "contact_attempt"]
    assert len(contact) == 1
    assert contact[0]["source"] == "order"
    assert contact[0]["actor"] == "tech"
    assert contact[0]["occurred_at"] == "2026-11-02T10:20:00+08:00"
    assert contact[0]["note"] == "无人接听"
    assert contact[0]["data"] == {
        "channel": "app_call",
        "outcome": "no_answer",
        "recording_ref": "REC-0001",
    }


@time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False)
def test_r_ord_4_the_order_page_labels_the_attempt_in_chinese(world, dispatched):
    world.client(world.technician_user).post(
        attempts_url(dispatched), {"channel": "phone", "outcome": "no_answer"}
    )
    client = Client()
    client.force_login(world.dispatcher)
    html = client.get(f"/orders/{dispatched.pk}/").content.decode()
    assert "电话 · 无人接听" in html


def test_r_sec_1_in_status_new_the_order_is_not_the_technicians_so_it_reads_as_404(world):
    order = make_order(world)
    response = world.client(world.technician_user).post(attempts_url(order), CALL)
    assert response.status_code == 404
    assert not order.contact_attempts.exists()


@pytest.mark.parametrize("stop", ["suspend", "cancel"])
def test_r_ord_3_an_order_on_hold_or_cancelled_refuses_contact_with_409(world, dispatched, stop):
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        verb = suspend_order if stop == "suspend" else cancel_order
        verb(dispatched, actor=world.dispatcher, reason="客户要求暂缓")
    events_before = OrderEvent.objects.filter(order=dispatched).count()
    with time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False):
        response = world.client(world.technician_user).post(attempts_url(dispatched), CALL)
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "illegal_transition"
    assert not dispatched.contact_attempts.exists()
    assert OrderEvent.objects.filter(order=dispatched).count() == events_before
    dispatched.refresh_from_db()
    assert dispatched.first_contact_at is None


@time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False)
def test_r_apt_2_an_unknown_channel_is_400_naming_the_field(world, dispatched):
    response = world.client(world.technician_user).post(
        attempts_url(dispatched), {"channel": "pigeon", "outcome": "reached"}
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"channel"}
    assert not dispatched.contact_attempts.exists()


@time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False)
def test_r_apt_2_a_replay_with_the_same_idempotency_key_creates_one_attempt(world, dispatched):
    client = world.client(world.technician_user)
    first = client.post(
        attempts_url(dispatched), CALL, format="json", HTTP_IDEMPOTENCY_KEY="phone-7"
    )
    again = client.post(
        attempts_url(dispatched), CALL, format="json", HTTP_IDEMPOTENCY_KEY="phone-7"
    )
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert dispatched.contact_attempts.count() == 1
    assert dispatched.events.filter(kind="contact_attempt").count() == 1
