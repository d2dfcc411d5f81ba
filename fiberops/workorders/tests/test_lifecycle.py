"""The order lifecycle (R-ORD-3), the timeline (R-ORD-4) and handover (R-ORD-5)."""

import datetime as dt

import pytest
import time_machine

from fiberops.core.errors import IllegalTransition, NotPermitted, RuleViolation
from fiberops.testing import make_order, record_acceptance_evidence
from fiberops.workorders.actions import dispatch_order, handover_order, perform
from fiberops.workorders.models import OrderEvent

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def snapshot(order):
    order.refresh_from_db()
    return (
        order.status,
        order.technician_id,
        order.dispatched_at,
        order.events.count(),
        list(order.deadlines.values_list("kind", "met_at")),
    )


def test_r_ord_3_the_happy_path_walks_every_status(world):
    order = make_order(world, order_type="install", accepted_at=NOW - dt.timedelta(hours=1))
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    tech = world.technician_user
    perform(order, "accept", actor=tech)
    perform(
        order,
        "appoint",
        actor=tech,
        starts_at=NOW + dt.timedelta(hours=2),
        ends_at=NOW + dt.timedelta(hours=4),
    )
    for action in ["depart", "arrive"]:
        perform(order, action, actor=tech)
    record_acceptance_evidence(order, tech)  # the acceptance gate (issue 8)
    for action in ["complete", "confirm"]:
        perform(order, action, actor=tech)
    perform(order, "close", actor=world.dispatcher)
    assert order.status == "closed"
    assert list(order.events.exclude(to_status="").values_list("to_status", flat=True)) == [
        "new",
        "dispatched",
        "accepted",
        "appointed",
        "en_route",
        "on_site",
        "completed",
        "confirmed",
        "closed",
    ]
    assert order.deadlines.get(kind="install").met_at == NOW


def test_r_ord_3_an_illegal_transition_is_refused_and_changes_nothing(world):
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    before = snapshot(order)
    with pytest.raises(IllegalTransition) as refused:
        perform(order, "complete", actor=world.technician_user)
    assert refused.value.code == "illegal_transition"
    assert snapshot(order) == before


def test_r_ord_3_illegal_transition_over_the_api_is_409_with_a_stable_code(world):
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    before = snapshot(order)
    response = world.client(world.technician_user).post(f"/api/v1/work-orders/{order.pk}/arrive/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"
    assert response.json()["error"]["status"] == "dispatched"
    assert snapshot(order) == before


def test_r_ord_3_a_refused_dispatch_rolls_back_everything(world):
    order = make_order(world, order_type="fault")
    world.technician.certified_until = dt.date(2026, 1, 1)
    world.technician.save()
    before = snapshot(order)
    with pytest.raises(RuleViolation) as refused:
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    assert refused.value.code == "technician_not_certified"
    assert snapshot(order) == before


def test_r_ord_3_a_failure_after_the_clocks_opened_rolls_back_the_whole_dispatch(
    world, monkeypatch
):
    from fiberops.sla import actions as sla

    order = make_order(world, order_type="fault")
    before = snapshot(order)
    real_open = sla.open_deadline

    def open_then_fail(order, kind, start, **kwargs):
        if kind == "contact":  # the response clock is already written by now
            raise RuntimeError("disk full")
        return real_open(order, kind, start, **kwargs)

    monkeypatch.setattr(sla, "open_deadline", open_then_fail)
    with pytest.raises(RuntimeError):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    assert snapshot(order) == before
    assert not order.deadlines.filter(kind="response").exists()


def test_r_wf_1_technician_of_another_branch_cannot_be_dispatched(world):
    order = make_order(world)
    with pytest.raises(RuleViolation) as refused:
        dispatch_order(order, technician=world.rural_technician, actor=world.dispatcher)
    assert refused.value.code == "technician_out_of_branch"


def test_r_sec_2_a_technician_may_not_act_on_someone_elses_order(world):
    order = make_order(world)
    dispatch_order(order, technician=world.teammate, actor=world.dispatcher)
    with pytest.raises(NotPermitted):
        perform(order, "accept", actor=world.technician_user)


def test_r_ord_3_suspend_and_resume_return_to_the_previous_status(world):
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    perform(order, "accept", actor=world.technician_user)
    with pytest.raises(RuleViolation):
        perform(order, "suspend", actor=world.dispatcher)
    perform(order, "suspend", actor=world.dispatcher, reason="客户出差，月底回来")
    assert order.status == "suspended"
    perform(order, "resume", actor=world.dispatcher)
    assert order.status == "accepted"


def test_r_ord_3_cancel_voids_running_clocks(world):
    order = make_order(world)
    perform(order, "cancel", actor=world.bss, reason="客户撤单")
    assert order.status == "cancelled"
    assert order.deadlines.get(kind="install").voided_at == NOW


def test_r_ord_4_every_change_is_an_event_with_actor_and_before_after(world):
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    event = order.events.get(action="dispatch")
    assert (event.actor, event.from_status, event.to_status) == (
        world.dispatcher,
        "new",
        "dispatched",
    )
    assert event.data == {"technician": "Z001"}


def test_r_ord_4_events_cannot_be_changed_or_deleted(world):
    order = make_order(world)
    event = order.events.get()
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        OrderEvent.objects.filter(order=order).update(note="x")
    with pytest.raises(TypeError):
        OrderEvent.objects.filter(order=order).delete()
    with pytest.raises(TypeError):
        event.delete()


def test_r_ord_5_handover_moves_ownership_with_a_reason_on_the_timeline(world):
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    with pytest.raises(RuleViolation):
        handover_order(order, to=world.teammate, reason=" ", actor=world.technician_user)
    handover_order(order, to=world.teammate, reason="需要熔接技能", actor=world.technician_user)
    order.refresh_from_db()
    assert order.technician == world.teammate
    event = order.events.get(kind="handover")
    assert event.data == {"from_technician": "Z001", "to_technician": "Z002"}
    assert event.note == "需要熔接技能"
    with pytest.raises(NotPermitted):  # the former owner no longer owns it
        handover_order(order, to=world.technician, reason="退回", actor=world.technician_user)


def test_r_ord_5_a_technician_returning_an_order_gives_it_back_to_dispatch(world):
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    perform(order, "return", actor=world.technician_user, reason="地址不在本网格")
    assert (order.status, order.technician) == ("returned", None)
    dispatch_order(order, technician=world.teammate, actor=world.leader)
    assert order.technician == world.teammate


def test_r_ord_3_a_device_time_in_the_future_is_refused(world):
    order = make_order(world)
    with pytest.raises(RuleViolation) as refused:
        dispatch_order(
            order,
            technician=world.technician,
            actor=world.dispatcher,
            occurred_at=NOW + dt.timedelta(hours=1),
        )
    assert refused.value.code == "occurred_at_in_future"
