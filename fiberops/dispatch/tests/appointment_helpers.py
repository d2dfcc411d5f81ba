"""Appointments walked through the verbs, for the office pages' tests (dispatch and book as the
office and the technician would)."""

import datetime as dt

import time_machine

from fiberops.testing import World, make_order
from fiberops.workorders.actions import (
    accept_order,
    book_appointment,
    dispatch_order,
    leave_service_note,
    perform,
    report_customer_absent,
)
from fiberops.workorders.models import WorkOrder


def accepted_order(world: World, at: dt.datetime) -> WorkOrder:
    """An install dispatched to the world's technician and accepted by him at `at`."""
    with time_machine.travel(at, tick=False):
        order = make_order(world, accepted_at=at)
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        accept_order(order, actor=world.technician_user)
    return order


def booked_order(world: World, at: dt.datetime, starts_at: dt.datetime) -> WorkOrder:
    """Accepted and booked at `at` for a two-hour window from `starts_at` (one SMS sent)."""
    order = accepted_order(world, at)
    with time_machine.travel(at, tick=False):
        book_appointment(
            order,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            actor=world.technician_user,
        )
    return order


def note_left(world: World, at: dt.datetime, starts_at: dt.datetime) -> WorkOrder:
    """Booked for `starts_at`, checked in, nobody at home, note left after the 15-minute wait:
    back to accepted, waiting for a second appointment (R-APT-7, R-APT-8)."""
    order = booked_order(world, at, starts_at)
    with time_machine.travel(starts_at - dt.timedelta(minutes=10), tick=False) as traveller:
        perform(order, "depart", actor=world.technician_user)
        perform(order, "arrive", actor=world.technician_user)
        report_customer_absent(order, actor=world.technician_user)
        traveller.shift(dt.timedelta(minutes=16))
        leave_service_note(order, actor=world.technician_user)
    return order


def absent_then_rebooked(
    world: World, at: dt.datetime, starts_at: dt.datetime, second_starts_at: dt.datetime
) -> WorkOrder:
    """`note_left`, then booked again: a second appointment (R-APT-7)."""
    order = note_left(world, at, starts_at)
    with time_machine.travel(starts_at + dt.timedelta(minutes=30), tick=False):
        book_appointment(
            order,
            starts_at=second_starts_at,
            ends_at=second_starts_at + dt.timedelta(hours=2),
            actor=world.technician_user,
        )
    return order
