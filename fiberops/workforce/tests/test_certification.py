"""Certification (上岗认证) has an expiry; the last certified day still counts (R-WF-1)."""

import datetime as dt

import pytest
import time_machine

from fiberops.core.errors import RuleViolation
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order

LAST_DAY = dt.date(2026, 11, 2)


@pytest.mark.parametrize(
    ("day", "certified"),
    [
        (LAST_DAY - dt.timedelta(days=1), True),
        (LAST_DAY, True),
        (LAST_DAY + dt.timedelta(days=1), False),
    ],
)
def test_r_wf_1_the_last_certified_day_still_counts(world, day, certified):
    world.technician.certified_until = LAST_DAY
    assert world.technician.is_certified_on(day) is certified


def test_r_wf_1_without_a_certification_date_a_technician_is_not_certified(world):
    world.technician.certified_until = None
    assert world.technician.is_certified_on(dt.date(2000, 1, 1)) is False


def test_r_wf_1_dispatch_on_the_last_evening_in_shanghai_is_allowed(world):
    world.technician.certified_until = LAST_DAY
    world.technician.save()
    order = make_order(world, accepted_at=dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC))
    # 23:30 in Shanghai on the last day is still 2 November there (15:30 UTC).
    with time_machine.travel(dt.datetime(2026, 11, 2, 15, 30, tzinfo=dt.UTC), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    assert order.status == "dispatched"


def test_r_wf_1_dispatch_after_midnight_in_shanghai_is_refused_though_utc_is_still_the_day(
    world,
):
    world.technician.certified_until = LAST_DAY
    world.technician.save()
    order = make_order(world, accepted_at=dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC))
    # 00:10 on 3 November in Shanghai is 16:10 UTC on 2 November.
    with (
        time_machine.travel(dt.datetime(2026, 11, 2, 16, 10, tzinfo=dt.UTC), tick=False),
        pytest.raises(RuleViolation) as refusal,
    ):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    assert refusal.value.code == "technician_not_certified"
    order.refresh_from_db()
    assert order.status == "new" and order.technician is None
