"""Breaches of one switch arriving at once open one rectification order (R-INS-3): the switch's
row lock serialises them. PostgreSQL only (SQLite serialises every write anyway)."""

import datetime as dt
from itertools import count

import pytest

from fiberops.inspections.switch_models import SwitchBreach
from fiberops.inspections.tests.switch_helpers import AT, make_switch, read
from fiberops.testing import make_world, require_postgresql, run_concurrently
from fiberops.workorders.models import WorkOrder

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("switch_clock"),
]


def test_R_INS_3_concurrent_breaches_of_one_switch_open_one_order():
    require_postgresql()
    world = make_world()
    switch = make_switch(world.grid)
    read(switch, at=AT - dt.timedelta(hours=1))  # the health row exists: its insert can't serialise
    minutes = count()

    def breach():
        return read(switch, cpu="75", at=AT + dt.timedelta(minutes=next(minutes))).order_id

    order_ids = run_concurrently(breach, workers=6)
    assert len(set(order_ids)) == 1
    assert WorkOrder.objects.filter(order_type="rectification").count() == 1
    assert SwitchBreach.objects.filter(opened_order=True).count() == 1
    assert SwitchBreach.objects.count() == 6
