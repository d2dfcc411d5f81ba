"""A breach opens one network-rectification order per switch; later breaches join it while it is
open; after it is completed or closed a new breach opens a new one (R-INS-3)."""

import datetime as dt

import pytest

from fiberops.inspections.switch_models import SwitchBreach, SwitchHealth
from fiberops.inspections.tests.switch_helpers import AT, make_switch, read
from fiberops.testing import make_world
from fiberops.workorders.actions import cancel_order
from fiberops.workorders.models import EventKind, WorkOrder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("switch_clock")]


def test_R_INS_3_a_breach_opens_one_rectification_order_and_a_second_breach_joins_it():
    world = make_world()
    switch = make_switch(world.grid)
    first = read(switch, cpu="55")
    second = read(switch, cpu="65", mem="61", at=AT + dt.timedelta(minutes=5))
    assert first.order_id == second.order_id
    order = WorkOrder.objects.get()
    assert order.order_type == "rectification"
    assert order.grid == world.grid
    assert order.bss_order_no == "R202611200001"
    kinds = list(order.events.values_list("kind", "data__opened"))
    assert kinds == [
        (EventKind.CREATED, None),
        (EventKind.SWITCH_BREACH, True),
        (EventKind.SWITCH_BREACH, False),
    ]
    assert SwitchBreach.objects.filter(order=order).count() == 3
    assert SwitchHealth.objects.get(switch=switch).open_order == order


def test_R_INS_3_no_order_for_a_reading_below_every_threshold():
    world = make_world()
    assert read(make_switch(world.grid)).order_id is None
    assert not WorkOrder.objects.exists()


def test_R_INS_3_after_the_order_is_done_a_new_breach_opens_a_new_order():
    world = make_world()
    switch = make_switch(world.grid)
    first = read(switch, bw="90")
    cancel_order(WorkOrder.objects.get(pk=first.order_id), actor=world.dispatcher, reason="已处理")
    again = read(switch, bw="91", at=AT + dt.timedelta(hours=1))
    assert again.order_id != first.order_id
    assert WorkOrder.objects.count() == 2


def test_R_INS_3_two_switches_get_two_orders():
    world = make_world()
    one = read(make_switch(world.grid, "SW-1"), cpu="60")
    two = read(make_switch(world.grid, "SW-2"), cpu="60")
    assert one.order_id != two.order_id
