"""Rules that keep SLA figures honest: no backdating, late work is a breach, rework reopens the
clock, a failed survey blocks completion (R-SLA-6, R-SLA-3, R-SITE-6, R-ORD-3)."""

import datetime as dt

import pytest
import time_machine

from fiberops.core.clock import SHANGHAI
from fiberops.core.errors import RuleViolation
from fiberops.sla.models import SlaAlert
from fiberops.testing import dispatch_and_complete, make_order, record_acceptance_evidence
from fiberops.workorders.actions import dispatch_order, perform, record_survey_completed
from fiberops.workorders.timeline import order_timeline


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_r_sla_1_a_device_time_before_the_dispatch_is_refused_and_changes_nothing(world):
    order = make_order(world, order_type="fault", accepted_at=sh(2026, 11, 2, 9, 0))
    with time_machine.travel(sh(2026, 11, 2, 10, 0), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        with pytest.raises(RuleViolation) as refused:
            perform(
                order, "accept", actor=world.technician_user, occurred_at=sh(2026, 11, 2, 9, 55)
            )
    assert refused.value.code == "occurred_at_before_last_change"
    order.refresh_from_db()
    assert order.status == "dispatched" and order.responded_at is None


def test_r_sla_1_an_offline_accept_replayed_after_a_breach_keeps_its_device_time(world):
    order = make_order(world, order_type="fault", accepted_at=sh(2026, 11, 2, 9, 0))
    with time_machine.travel(sh(2026, 11, 2, 10, 0), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    from fiberops.sla.actions import sweep

    sweep(sh(2026, 11, 2, 10, 16))  # the sweeper records the response breach meanwhile
    with time_machine.travel(sh(2026, 11, 2, 10, 20), tick=False):
        perform(order, "accept", actor=world.technician_user, occurred_at=sh(2026, 11, 2, 10, 10))
    response = order.deadlines.get(kind="response")
    assert response.met_at == sh(2026, 11, 2, 10, 10)
    assert response.breached_at is not None  # recorded; the state shows it was met after all


def test_offline_replays_older_than_the_limit_are_refused_at_the_api(world, settings):
    settings.OFFLINE_REPLAY_MAX_HOURS = 24
    order = make_order(world, accepted_at=sh(2026, 11, 2, 9, 0))
    with time_machine.travel(sh(2026, 11, 5, 10, 0), tick=False):
        response = world.client(world.dispatcher).post(
            f"/api/v1/work-orders/{order.pk}/dispatch/",
            {"technician": "Z001", "occurred_at": "2026-11-03T10:00:00+08:00"},
            format="json",
        )
    assert response.status_code == 400
    assert "occurred_at" in response.json()["error"]["fields"]


def test_r_sla_6_completion_after_due_is_recorded_as_a_breach_even_before_the_sweeper(world):
    order = make_order(world, order_type="fault", accepted_at=sh(2026, 11, 2, 9, 0))
    with time_machine.travel(sh(2026, 11, 5, 9, 0), tick=False):  # 72 h later; due after 48 h
        dispatch_and_complete(world, order)
    repair = order.deadlines.get(kind="repair")
    assert repair.breached_at == sh(2026, 11, 5, 9, 0)
    assert repair.state_at(sh(2026, 11, 6, 0, 0)) == "met_late"
    assert SlaAlert.objects.filter(deadline=repair, kind="breach").count() == 1
    (breach,) = [e for e in order_timeline(order) if e.kind == "sla_breach"]
    # The timeline shows the breach when it happened (the due time), and when it was noticed.
    assert breach.occurred_at == repair.due_at == sh(2026, 11, 4, 9, 0)
    assert dt.datetime.fromisoformat(breach.data["noticed_at"]) == sh(2026, 11, 5, 9, 0)


def test_r_site_6_rework_reopens_the_completion_clock(world):
    order = make_order(world, order_type="install", accepted_at=sh(2026, 11, 2, 9, 0))
    tech = world.technician_user
    with time_machine.travel(sh(2026, 11, 3, 10, 0), tick=False):
        dispatch_and_complete(world, order)
    assert order.deadlines.get(kind="install").met_at is not None
    with time_machine.travel(sh(2026, 11, 3, 11, 0), tick=False):
        perform(order, "rework", actor=tech, reason="客户反映WiFi覆盖不到卧室")
    assert order.deadlines.get(kind="install").met_at is None
    with time_machine.travel(sh(2026, 11, 3, 12, 0), tick=False):
        perform(order, "complete", actor=tech)
    assert order.deadlines.get(kind="install").met_at == sh(2026, 11, 3, 12, 0)


def test_r_sla_3_a_survey_finding_conditions_not_met_blocks_completion(world):
    order = make_order(
        world, order_type="install", accepted_at=sh(2026, 11, 2, 9, 0), requires_survey=True
    )
    tech = world.technician_user
    with time_machine.travel(sh(2026, 11, 3, 10, 0), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        perform(order, "accept", actor=tech)
        record_survey_completed(order, conditions_met=False, note="楼道无管道", actor=tech)
        for action in ["depart", "arrive"]:
            perform(order, action, actor=tech)
        with pytest.raises(RuleViolation) as refused:
            perform(order, "complete", actor=tech)
    assert refused.value.code == "survey_conditions_not_met"
    assert not order.deadlines.filter(kind="install").exists()


def test_r_sla_3_a_returned_order_is_surveyed_again_and_can_then_be_completed(world):
    order = make_order(
        world, order_type="install", accepted_at=sh(2026, 11, 2, 9, 0), requires_survey=True
    )
    tech, mate = world.technician_user, world.teammate.user
    with time_machine.travel(sh(2026, 11, 3, 10, 0), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        perform(order, "accept", actor=tech)
        perform(order, "depart", actor=tech)
        perform(order, "arrive", actor=tech)
        record_survey_completed(order, conditions_met=False, note="楼道无管道", actor=tech)
        perform(order, "return", actor=tech, reason="需先整治管道")
    returned = order.events.get(action="return")
    assert returned.data["cleared_survey"]["conditions_met"] is False
    with time_machine.travel(sh(2026, 11, 6, 10, 0), tick=False):
        dispatch_order(order, technician=world.teammate, actor=world.dispatcher)
        perform(order, "accept", actor=mate)
        record_survey_completed(order, conditions_met=True, note="管道已疏通", actor=mate)
        for action in ["depart", "arrive"]:
            perform(order, action, actor=mate)
        record_acceptance_evidence(order, mate)  # the acceptance gate (issue 8)
        perform(order, "complete", actor=mate)
    assert order.status == "completed"
    assert order.deadlines.get(kind="install").due_at == sh(2026, 11, 11, 23, 59, 59)


def test_r_site_6_the_rework_event_keeps_the_rejected_completion_time(world):
    order = make_order(world, order_type="install", accepted_at=sh(2026, 11, 2, 9, 0))
    tech = world.technician_user
    with time_machine.travel(sh(2026, 11, 3, 10, 0), tick=False):
        dispatch_and_complete(world, order)
        perform(order, "rework", actor=tech, reason="客户不满意")
    reopened = order.events.get(action="rework").data["reopened_clock"]
    assert reopened["deadline"] == "install"
    assert dt.datetime.fromisoformat(reopened["previous_met_at"]) == sh(2026, 11, 3, 10, 0)
