"""R-INS-4 on PostgreSQL: four workers generating the same period at the same moment, each on
its own connection, released together. The unique round (and the round's order number) let one
win; the others write nothing and report no error."""

import pytest

from fiberops.inspections.actions import generate_inspection_orders
from fiberops.inspections.models import InspectionRound
from fiberops.inspections.tests.helpers import T0, make_plan
from fiberops.sla.models import Deadline
from fiberops.testing import make_world, require_postgresql, run_concurrently
from fiberops.workorders.models import OrderEvent, WorkOrder
from fiberops.workorders.states import OrderType

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_R_INS_4_four_workers_at_once_create_exactly_one_order_per_period():
    require_postgresql()
    world = make_world()
    make_plan(world, grids=[world.grid, world.other_grid, world.rural_grid])

    results = run_concurrently(lambda: generate_inspection_orders(T0), workers=4)

    assert sum(results) == 3
    assert InspectionRound.objects.count() == 3
    orders = WorkOrder.objects.filter(order_type=OrderType.INSPECTION)
    assert orders.count() == 3
    assert OrderEvent.objects.filter(order__in=orders).count() == 3
    assert Deadline.objects.filter(order__in=orders).count() == 3
