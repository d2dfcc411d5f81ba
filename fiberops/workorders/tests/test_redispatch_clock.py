"""Re-dispatching a returned order opens a new response clock (R-SLA-1); the first technician's
record stays as it ended."""

import datetime as dt

import time_machine

from fiberops.sla.models import Deadline
from fiberops.testing import make_order
from fiberops.workorders.actions import accept_order, dispatch_order, return_order

T0 = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def responses(order):
    return list(Deadline.objects.filter(order=order, kind="response").order_by("starts_at"))


def test_r_sla_1_redispatch_opens_a_new_response_clock_and_keeps_the_first(world):
    order = make_order(world, order_type="fault", accepted_at=T0)
    with time_machine.travel(T0, tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        accept_order(order, actor=world.technician_user)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        return_order(order, actor=world.technician_user, reason="不是我的片区")
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        dispatch_order(order, technician=world.teammate, actor=world.dispatcher)
    first, second = responses(order)
    assert first.met_at == T0 + dt.timedelta(minutes=5)  # the first technician's, as it ended
    assert second.starts_at == T0 + dt.timedelta(hours=2)
    assert second.due_at == T0 + dt.timedelta(hours=2, minutes=15)
    assert second.met_at is None and second.voided_at is None


def test_r_sla_1_a_return_before_accepting_voids_the_running_response_clock(world):
    order = make_order(world, order_type="fault", accepted_at=T0)
    with time_machine.travel(T0, tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        return_order(order, actor=world.technician_user, reason="不在我的片区")
        dispatch_order(order, technician=world.teammate, actor=world.dispatcher)
    first, second = responses(order)
    assert first.voided_at == T0 + dt.timedelta(minutes=10) and first.met_at is None
    assert second.due_at == T0 + dt.timedelta(minutes=25)
    with time_machine.travel(T0 + dt.timedelta(minutes=12), tick=False):
        accept_order(order, actor=world.teammate.user)
    first, second = responses(order)
    assert second.met_at == T0 + dt.timedelta(minutes=12) and first.met_at is None
