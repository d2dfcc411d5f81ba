"""Reminders before an appointment are scheduled rows swept by the SLA worker (R-APT-3, R-APT-4):
reconfirm an hour before the start, "about to be missed" ten minutes before; each fires once and
only when still needed."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from fiberops.testing import make_order, make_world, require_postgresql, run_concurrently
from fiberops.workorders.actions import (
    accept_order,
    arrive_on_site,
    book_appointment,
    depart_order,
    dispatch_order,
    reconfirm_appointment,
    sweep_reminders,
)
from fiberops.workorders.models import Appointment, AppointmentReminder, OrderEvent

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai
START = NOW + dt.timedelta(hours=4)


def booked(world):
    order = make_order(world, order_type="install", accepted_at=NOW - dt.timedelta(hours=1))
    with time_machine.travel(NOW, tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        accept_order(order, actor=world.technician_user)
        book_appointment(
            order,
            starts_at=START,
            ends_at=START + dt.timedelta(hours=2),
            actor=world.technician_user,
        )
    return order


def test_r_apt_3_reminders_are_scheduled_at_booking(world):
    order = booked(world)
    due = dict(
        AppointmentReminder.objects.filter(appointment__order=order).values_list("kind", "due_at")
    )
    assert due == {
        "reconfirm": START - dt.timedelta(hours=1),
        "about_to_miss": START - dt.timedelta(minutes=10),
    }


def test_r_apt_3_reconfirm_reminder_fires_once_when_due_and_not_reconfirmed(world):
    order = booked(world)
    assert sweep_reminders(START - dt.timedelta(hours=1, seconds=1)) == 0  # not yet due
    assert sweep_reminders(START - dt.timedelta(hours=1)) == 1
    assert sweep_reminders(START - dt.timedelta(minutes=30)) == 0  # never twice
    appointment = Appointment.objects.get(order=order)
    assert appointment.reconfirm_reminded_at == START - dt.timedelta(hours=1)
    assert order.events.filter(kind="reminder").count() == 1


def test_r_apt_3_no_reconfirm_reminder_after_reconfirming(world):
    order = booked(world)
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        reconfirm_appointment(order, actor=world.technician_user)
    assert sweep_reminders(START - dt.timedelta(minutes=50)) == 0
    reminder = AppointmentReminder.objects.get(appointment__order=order, kind="reconfirm")
    assert reminder.outcome == "not_needed" and reminder.fired_at is not None
    assert Appointment.objects.get(order=order).reconfirm_reminded_at is None


def test_r_apt_4_about_to_miss_warns_a_technician_still_on_the_way(world):
    order = booked(world)
    with time_machine.travel(START - dt.timedelta(minutes=30), tick=False):
        reconfirm_appointment(order, actor=world.technician_user)
        depart_order(order, actor=world.technician_user)
    assert sweep_reminders(START - dt.timedelta(minutes=9)) == 1
    appointment = Appointment.objects.get(order=order)
    assert appointment.miss_warned_at == START - dt.timedelta(minutes=9)


def test_r_apt_4_no_warning_once_checked_in(world):
    order = booked(world)
    with time_machine.travel(START - dt.timedelta(minutes=20), tick=False):
        reconfirm_appointment(order, actor=world.technician_user)
        depart_order(order, actor=world.technician_user)
        arrive_on_site(order, actor=world.technician_user)
    assert sweep_reminders(START) == 0
    assert Appointment.objects.get(order=order).miss_warned_at is None


def test_r_apt_3_the_sla_worker_sweeps_the_reminders_in_its_tick(world):
    order = booked(world)
    out = io.StringIO()
    with time_machine.travel(START - dt.timedelta(minutes=5), tick=False):
        call_command("run_sla_clock", stdout=out)
    assert "2 appointment reminders sent" in out.getvalue()
    assert order.events.filter(kind="reminder").count() == 2


def test_r_apt_3_a_reminder_swept_after_the_start_is_stale_and_not_sent(world):
    """The worker was stopped over the window's start: nobody is reminded of the past."""
    order = booked(world)
    assert sweep_reminders(START + dt.timedelta(minutes=1)) == 0
    assert set(
        AppointmentReminder.objects.filter(appointment__order=order).values_list(
            "outcome", flat=True
        )
    ) == {"not_needed"}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_r_apt_3_concurrent_workers_on_postgresql_send_each_reminder_once():
    require_postgresql()
    world = make_world()
    orders = [booked(world) for _ in range(40)]
    due = AppointmentReminder.objects.count()
    results = run_concurrently(
        lambda: sweep_reminders(START - dt.timedelta(minutes=5), batch_size=3)
    )
    assert sum(results) == due == 2 * len(orders)
    assert OrderEvent.objects.filter(kind="reminder").count() == due
