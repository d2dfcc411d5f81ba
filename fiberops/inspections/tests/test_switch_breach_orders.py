"""A breach opens one network-rectification order per switch; later breaches join it while it is
open; after it is completed or closed a new breach opens a new one (R-INS-3)."""

import datetime as dt

import pytest

from fiberops.inspections.switch_models import SwitchBreach, SwitchHealth
from fiberops.inspections.switch_queries import current_order
from fiberops.inspections.tests.switch_helpers import AT, NOW, make_switch, read
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


def test_R_INS_3_a_late_reading_opens_an_order_dated_now_not_at_the_reading(monkeypatch):
    """A reading of yesterday evening arriving this morning: the order is accepted now and
    numbered with today's date; the reading's own time is kept in the event's data."""
    world = make_world()
    switch = make_switch(world.grid)
    late = AT - dt.timedelta(hours=20)  # 2026-11-19 14:00 Shanghai; the clock: 11-20 12:00
    recorded = read(switch, cpu="70", at=late)
    order = WorkOrder.objects.get(pk=recorded.order_id)
    assert order.accepted_at == NOW
    assert order.bss_order_no == "R202611200001"
    event = order.events.get(kind=EventKind.SWITCH_BREACH)
    assert event.occurred_at == NOW
    assert event.data["measured_at"] == late.isoformat()
    joined = read(switch, cpu="71", mem="65", at=late + dt.timedelta(minutes=5))
    assert joined.order_id == order.pk
    second = order.events.filter(kind=EventKind.SWITCH_BREACH).order_by("id").last()
    assert second.data["measured_at"] == (late + dt.timedelta(minutes=5)).isoformat()


def test_R_INS_3_the_timeline_gets_one_line_per_figure_per_day(monkeypatch):
    """A hot switch polled every five minutes: every reading joins the order (its breach
    records), but the timeline says each breached figure once a day."""
    from fiberops.inspections.tests.switch_helpers import freeze_clock

    world = make_world()
    switch = make_switch(world.grid)
    for minutes in (0, 5, 10):  # bandwidth three times: one line
        freeze_clock(monkeypatch, AT + dt.timedelta(minutes=minutes + 1))
        read(switch, bw="85", at=AT + dt.timedelta(minutes=minutes))
    freeze_clock(monkeypatch, AT + dt.timedelta(minutes=16))
    read(switch, bw="86", cpu="55", at=AT + dt.timedelta(minutes=15))  # CPU is new: a line
    freeze_clock(monkeypatch, AT + dt.timedelta(days=1, minutes=1))
    read(switch, bw="84", at=AT + dt.timedelta(days=1))  # a new day: a line again
    order = WorkOrder.objects.get()
    lines = [
        sorted(b["metric"] for b in data["breaches"])
        for data in order.events.filter(kind=EventKind.SWITCH_BREACH)
        .order_by("id")
        .values_list("data", flat=True)
    ]
    assert lines == [
        ["bandwidth_pct"],
        ["bandwidth_pct", "cpu_pct"],
        ["bandwidth_pct"],
    ]
    assert SwitchBreach.objects.filter(order=order, metric="bandwidth_pct").count() == 5


def test_R_INS_3_a_reading_past_the_max_age_records_its_breach_but_opens_no_order(settings):
    world = make_world()
    switch = make_switch(world.grid)
    recorded = read(switch, bw="90", at=NOW - dt.timedelta(hours=24, minutes=1))
    assert [b.metric for b in recorded.breaches] == ["bandwidth_pct"]
    assert recorded.order_id is None
    assert not WorkOrder.objects.exists()
    assert SwitchBreach.objects.get().order is None
    settings.SWITCH_BREACH_MAX_AGE_HOURS = 48  # the setting moves the cutoff
    assert read(switch, bw="90", at=NOW - dt.timedelta(hours=25)).order_id is not None


def test_R_INS_3_a_cancelled_open_order_is_replaced_at_the_next_breach():
    world = make_world()
    switch = make_switch(world.grid)
    first = read(switch, bw="90")
    cancel_order(WorkOrder.objects.get(pk=first.order_id), actor=world.dispatcher, reason="误报")
    assert current_order(SwitchHealth.objects.get(switch=switch)) is None
    again = read(switch, bw="91", at=AT + dt.timedelta(minutes=30))
    health = SwitchHealth.objects.get(switch=switch)
    assert health.open_order_id == again.order_id != first.order_id
    assert current_order(health).pk == again.order_id
