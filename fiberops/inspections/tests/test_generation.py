"""The worker generates each period's inspection orders (R-INS-4): one per active plan, grid and
period, through the order verbs, with a due date at the period's end; a re-run creates nothing."""

import datetime as dt

import time_machine
from django.core.management import call_command

from fiberops.core.clock import end_of_day
from fiberops.inspections.actions import generate_inspection_orders
from fiberops.inspections.models import InspectionRound, PlanKind
from fiberops.inspections.tests.helpers import T0, make_plan
from fiberops.sla.choices import DeadlineKind
from fiberops.sla.hooks import TICK_HOOKS
from fiberops.sla.models import Deadline
from fiberops.workorders.models import EventKind, OrderEvent, WorkOrder
from fiberops.workorders.states import OrderType, Status


def test_R_INS_4_one_order_per_plan_grid_and_period_and_a_rerun_creates_none(world):
    plan = make_plan(world, grids=[world.grid, world.other_grid])
    make_plan(
        world, kind=PlanKind.QUARTERLY, interval_months=3, grids=[world.grid], name="季度检查"
    )
    with time_machine.travel(T0, tick=False):
        assert generate_inspection_orders(T0) == 3
        assert generate_inspection_orders(T0) == 0
        assert generate_inspection_orders(T0 + dt.timedelta(days=20)) == 0
    assert WorkOrder.objects.filter(order_type=OrderType.INSPECTION).count() == 3
    inspection = InspectionRound.objects.get(plan=plan, grid=world.grid)
    assert (inspection.period_start, inspection.period_end) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 30),
    )
    assert inspection.due_at == end_of_day(dt.date(2026, 4, 30))
    order = inspection.order
    assert (order.order_type, order.status, order.grid) == (
        OrderType.INSPECTION,
        Status.NEW,
        world.grid,
    )
    assert order.customer is None
    created = OrderEvent.objects.get(order=order, kind=EventKind.CREATED)
    assert created.data == {"source": "inspection_plan"}
    clock = Deadline.objects.get(order=order)
    assert (clock.kind, clock.due_at) == (DeadlineKind.INSPECTION, inspection.due_at)


def test_R_INS_4_the_next_period_gets_its_own_order(world):
    plan = make_plan(world)
    with time_machine.travel(T0, tick=False):
        generate_inspection_orders(T0)
    may_1 = dt.datetime(2026, 4, 30, 16, 0, 1, tzinfo=dt.UTC)  # 00:00:01 on 1 May, Shanghai
    with time_machine.travel(may_1, tick=False):
        assert generate_inspection_orders(may_1) == 1
    assert list(
        InspectionRound.objects.filter(plan=plan)
        .order_by("period_start")
        .values_list("period_start", flat=True)
    ) == [dt.date(2026, 3, 1), dt.date(2026, 5, 1)]


def test_R_INS_4_inactive_plans_and_plans_not_started_generate_nothing(world):
    inactive = make_plan(world)
    inactive.is_active = False
    inactive.save()
    make_plan(world, starts_on=dt.date(2026, 6, 1), name="未开始")
    with time_machine.travel(T0, tick=False):
        assert generate_inspection_orders(T0) == 0


def test_R_INS_4_the_worker_tick_runs_the_generation_and_so_does_the_command(world):
    assert TICK_HOOKS["inspection orders generated"] is generate_inspection_orders
    make_plan(world)
    with time_machine.travel(T0, tick=False):
        call_command("generate_inspections")
        call_command("generate_inspections")
    assert InspectionRound.objects.count() == 1
