"""Suspension and the SLA clocks (docs/sla.md, "Suspension"): a customer's request pauses the
running clocks and resume extends them; the operator's own suspension does not pause."""

import datetime as dt

import time_machine

from fiberops.sla.actions import sweep
from fiberops.sla.models import Deadline
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order, resume_order, suspend_order

SH = dt.timezone(dt.timedelta(hours=8))


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def survey_clock(order) -> Deadline:
    return Deadline.objects.get(order=order, kind="survey")


def test_r_sla_2_customer_suspension_across_national_day_extends_the_working_day_clock(world):
    """Accepted Tue 2026-09-29 10:00: the survey is due at the end of the 2nd working day, Thu
    10-08 (09-30 is day 1; 10-01..10-07 are the National Day holiday). Suspended at the
    customer's request on Wed 09-30 10:00, it had 1 working day left (10-08). Resumed on Fri
    10-09 09:00 (day 0), the 1st working day after is Sat 10-10 — a make-up working day (调休):
    due 10-10 23:59:59. A plain 9-day shift would have said 10-17."""
    order = make_order(world, order_type="survey", accepted_at=sh(2026, 9, 29, 10, 0))
    with time_machine.travel(sh(2026, 9, 29, 10, 5), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    assert survey_clock(order).due_at == sh(2026, 10, 8, 23, 59, 59)
    with time_machine.travel(sh(2026, 9, 30, 10, 0), tick=False):
        suspend_order(
            order, actor=world.dispatcher, reason="客户出差，国庆后再约", initiated_by="customer"
        )
    assert survey_clock(order).paused_at == sh(2026, 9, 30, 10, 0)
    assert survey_clock(order).state_at(sh(2026, 10, 9, 8, 0)) == "paused"
    # the sweeper does not breach a paused clock, even past its old due time
    assert sweep(now=sh(2026, 10, 9, 8, 0)).breached == 0
    with time_machine.travel(sh(2026, 10, 9, 9, 0), tick=False):
        resume_order(order, actor=world.dispatcher)
    clock = survey_clock(order)
    assert clock.paused_at is None and clock.breached_at is None
    assert clock.due_at == sh(2026, 10, 10, 23, 59, 59)
    event = order.events.filter(action="resume").get()
    assert "survey" in {moved["kind"] for moved in event.data["extended"]}


def test_r_sla_1_customer_suspension_extends_a_duration_clock_by_the_paused_time(world):
    accepted = sh(2026, 11, 2, 10, 0)
    order = make_order(world, order_type="fault", accepted_at=accepted)
    repair_due = Deadline.objects.get(order=order, kind="repair").due_at
    with time_machine.travel(accepted + dt.timedelta(minutes=5), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    with time_machine.travel(accepted + dt.timedelta(hours=1), tick=False):
        suspend_order(order, actor=world.dispatcher, reason="客户不在家", initiated_by="customer")
    with time_machine.travel(accepted + dt.timedelta(hours=4), tick=False):
        resume_order(order, actor=world.dispatcher)
    repair = Deadline.objects.get(order=order, kind="repair")
    assert repair.due_at == repair_due + dt.timedelta(hours=3)


def test_r_sla_6_operator_suspension_keeps_the_clocks_running(world):
    order = make_order(world, order_type="survey", accepted_at=sh(2026, 9, 29, 10, 0))
    with time_machine.travel(sh(2026, 9, 29, 10, 5), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    with time_machine.travel(sh(2026, 9, 30, 10, 0), tick=False):
        suspend_order(order, actor=world.dispatcher, reason="等待光缆整治")
    assert survey_clock(order).paused_at is None
    assert sweep(now=sh(2026, 10, 9, 8, 0)).breached >= 1
    with time_machine.travel(sh(2026, 10, 9, 9, 0), tick=False):
        resume_order(order, actor=world.dispatcher)
    assert survey_clock(order).due_at == sh(2026, 10, 8, 23, 59, 59)
    assert survey_clock(order).breached_at is not None


def test_r_sla_6_suspend_over_the_api_takes_who_asked(world):
    order = make_order(world, order_type="fault", accepted_at=sh(2026, 11, 2, 10, 0))
    with time_machine.travel(sh(2026, 11, 2, 10, 5), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        response = world.client(world.dispatcher).post(
            f"/api/v1/work-orders/{order.pk}/suspend/",
            {"reason": "客户要求改天", "initiated_by": "customer"},
        )
    assert response.status_code == 200, response.content
    states = {d["kind"]: d["state"] for d in response.json()["deadlines"]}
    assert states["repair"] == "paused"


def test_r_sla_6_the_order_page_suspends_at_the_customers_request(world):
    from django.test import Client

    order = make_order(world, order_type="fault", accepted_at=sh(2026, 11, 2, 10, 0))
    client = Client()
    client.force_login(world.dispatcher)
    with time_machine.travel(sh(2026, 11, 2, 10, 5), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        client.post(
            f"/orders/{order.pk}/suspend/",
            {"reason": "客户要求下周再来", "customer_request": "1"},
        )
    assert order.events.get(action="suspend").data == {
        "initiated_by": "customer",
        "pauses_clocks": True,
    }
    assert Deadline.objects.get(order=order, kind="repair").paused_at is not None
