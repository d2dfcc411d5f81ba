"""The alert desk (R-SLA-1, R-SLA-6): scoped, escalated to the team leader, acknowledged once."""

import datetime as dt

import time_machine
from django.test import Client

from fiberops.sla.actions import sweep
from fiberops.sla.models import SlaAlert
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order

T0 = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def breached_fault(world):
    with time_machine.travel(T0, tick=False):
        order = make_order(world, order_type="fault", accepted_at=T0)
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    sweep(T0 + dt.timedelta(minutes=20))
    return order


def test_r_sla_1_the_team_leader_sees_the_escalated_response_breach(world):
    order = breached_fault(world)
    html = login(world.leader).get("/alerts/").content.decode()
    body = html.split("<tbody>", 1)[1]
    assert order.bss_order_no in body
    assert "红牌楼一班" in body  # escalated to the technician's team
    assert "响应（15分钟）" in body


def test_r_sec_1_another_branch_sees_no_alert_of_this_one(world):
    order = breached_fault(world)
    body = login(world.foreign_dispatcher).get("/alerts/").content.decode().split("<tbody>", 1)[1]
    assert order.bss_order_no not in body
    alert = SlaAlert.objects.filter(deadline__order=order).first()
    response = login(world.foreign_dispatcher).post(f"/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 404


def test_r_sla_6_acknowledging_keeps_the_first_acknowledgement(world):
    order = breached_fault(world)
    alert = SlaAlert.objects.get(deadline__order=order, deadline__kind="response", kind="breach")
    login(world.leader).post(f"/alerts/{alert.pk}/acknowledge/")
    login(world.dispatcher).post(f"/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.leader
    open_list = login(world.leader).get("/alerts/?kind=breach").content.decode()
    assert f"/alerts/{alert.pk}/acknowledge/" not in open_list


def test_r_sec_2_a_technician_may_not_acknowledge(world):
    order = breached_fault(world)
    alert = SlaAlert.objects.filter(deadline__order=order).first()
    login(world.technician_user).post(f"/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_r_sla_1_the_escalation_stays_with_the_leader_after_a_handover_to_another_team(world):
    from fiberops.workorders.actions import handover_order

    order = breached_fault(world)
    handover_order(
        order,
        to=world.other_team_technician,
        reason="跨班组支援",
        borrow_reason="跨网格支援",  # another grid's team: a borrowing (R-WF-1)
        actor=world.dispatcher,
    )
    leader = login(world.leader)
    assert leader.get(f"/orders/{order.pk}/").status_code == 404  # no longer his team's order
    body = leader.get("/alerts/").content.decode().split("<tbody>", 1)[1]
    assert order.bss_order_no in body  # but the escalation addressed to his team stays


def test_r_sec_2_a_technician_acknowledging_gets_403_and_next_cannot_leave_the_site(world):
    order = breached_fault(world)
    alert = SlaAlert.objects.filter(deadline__order=order).first()
    assert login(world.technician_user).post(f"/alerts/{alert.pk}/acknowledge/").status_code == 403
    response = login(world.dispatcher).post(
        f"/alerts/{alert.pk}/acknowledge/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/alerts/"
