"""A missed inspection is an SLA breach like any other deadline (R-INS-4): the inspection clock
is due at the period's end, swept by the same sweeper, breached once; completing in time meets
it."""

import datetime as dt

import time_machine

from fiberops.inspections.tests.helpers import (
    T0,
    answer_checklist,
    generated_round,
    make_plan,
    walk_to_site,
)
from fiberops.sla.actions import sweep
from fiberops.sla.choices import AlertKind, DeadlineKind, DeadlineState
from fiberops.sla.models import Deadline, SlaAlert
from fiberops.workorders.actions import perform


def test_R_INS_4_a_missed_inspection_is_breached_once(world):
    inspection = generated_round(world, make_plan(world))
    after_due = inspection.due_at + dt.timedelta(minutes=1)
    with time_machine.travel(after_due, tick=False):
        first = sweep(after_due)
        second = sweep(after_due + dt.timedelta(minutes=5))
    assert (first.breached, second.breached) == (1, 0)
    clock = Deadline.objects.get(order=inspection.order, kind=DeadlineKind.INSPECTION)
    assert clock.breached_at == after_due
    assert clock.state_at(after_due) == DeadlineState.BREACHED
    assert SlaAlert.objects.filter(deadline=clock, kind=AlertKind.BREACH).count() == 1


def test_R_INS_4_an_inspection_done_in_its_period_meets_its_clock(world):
    inspection = generated_round(world, make_plan(world))
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        walk_to_site(world, inspection)
        answer_checklist(world, inspection)
        perform(inspection.order, "complete", actor=world.technician_user)
    clock = Deadline.objects.get(order=inspection.order, kind=DeadlineKind.INSPECTION)
    assert clock.met_at is not None
    after_due = inspection.due_at + dt.timedelta(minutes=1)
    assert sweep(after_due).breached == 0
    assert clock.state_at(after_due) == DeadlineState.MET


def test_R_INS_4_the_inspection_clock_warns_at_the_policy_fraction(world, settings):
    inspection = generated_round(world, make_plan(world))
    clock = Deadline.objects.get(order=inspection.order)
    fraction = settings.SLA_POLICY["warn_fraction"]
    assert clock.warn_at == T0 + (clock.due_at - T0) * fraction
