"""The SLA sweeper (R-SLA-1, R-SLA-6): warnings and breaches recorded exactly once."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from fiberops.sla.actions import sweep
from fiberops.sla.models import Deadline, SlaAlert
from fiberops.testing import make_order, make_world, require_postgresql, run_concurrently
from fiberops.workorders.actions import dispatch_order, perform
from fiberops.workorders.timeline import order_timeline

T0 = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def test_r_sla_6_warning_at_80_percent_then_breach_each_recorded_once(world):
    with time_machine.travel(T0, tick=False):
        order = make_order(world, order_type="fault", accepted_at=T0)
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    assert sweep(T0 + dt.timedelta(minutes=11)).warned == 0
    warned = sweep(T0 + dt.timedelta(minutes=12))
    assert (warned.warned, warned.breached) == (1, 0)  # the response clock; contact warns at 24 min
    assert sweep(T0 + dt.timedelta(minutes=13)).warned == 0
    breached = sweep(T0 + dt.timedelta(minutes=15))
    assert breached.breached == 1
    assert sweep(T0 + dt.timedelta(minutes=16)).breached == 0
    response = order.deadlines.get(kind="response")
    assert response.breached_at == T0 + dt.timedelta(minutes=15)
    assert SlaAlert.objects.filter(deadline=response).count() == 2
    breaches = [e for e in order_timeline(order) if e.kind == "sla_breach"]
    assert len(breaches) == 1 and breaches[0].source == "clock"
    assert not order.events.filter(kind="sla_breach").exists()  # sla writes no order rows


def test_r_sla_1_an_unanswered_fault_escalates_to_the_team_leader(world):
    with time_machine.travel(T0, tick=False):
        order = make_order(world, order_type="fault", accepted_at=T0)
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    sweep(T0 + dt.timedelta(minutes=16))
    alert = SlaAlert.objects.get(deadline__order=order, deadline__kind="response", kind="breach")
    assert alert.escalated_to_team == world.team


def test_r_sla_6_a_breach_stays_recorded_after_completion(world):
    with time_machine.travel(T0, tick=False):
        order = make_order(world, order_type="fault", accepted_at=T0)
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    sweep(T0 + dt.timedelta(minutes=20))
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        tech = world.technician_user
        for action in ["accept", "depart", "arrive", "complete"]:
            perform(order, action, actor=tech)
    response = order.deadlines.get(kind="response")
    assert response.breached_at is not None
    assert response.met_at == T0 + dt.timedelta(minutes=30)
    assert response.state_at(T0 + dt.timedelta(days=1)) == "met_late"
    # Later ticks add only the contact clock (never logged); the response breach is not repeated.
    assert sweep(T0 + dt.timedelta(days=5)).breached == 1
    assert order.deadlines.get(kind="contact").breached_at is not None
    assert SlaAlert.objects.filter(deadline=response, kind="breach").count() == 1
    assert order.deadlines.get(kind="repair").breached_at is None


def test_r_sla_6_met_deadlines_are_not_breached(world):
    with time_machine.travel(T0, tick=False):
        order = make_order(world, order_type="fault", accepted_at=T0)
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        perform(order, "accept", actor=world.technician_user)
    result = sweep(T0 + dt.timedelta(minutes=20))
    assert not order.deadlines.get(kind="response").breached_at
    assert result.breached == 0  # contact is due at 30 minutes


def test_r_sla_6_run_sla_clock_command_ticks_once(world, capsys):
    with time_machine.travel(T0, tick=False):
        make_order(world, order_type="fault", accepted_at=T0)
    with time_machine.travel(T0 + dt.timedelta(days=4), tick=False):
        call_command("run_sla_clock")
    assert "1 breaches" in capsys.readouterr().out


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_r_sla_6_concurrent_sweepers_on_postgresql_record_each_breach_once():
    require_postgresql()
    world = make_world()
    with time_machine.travel(T0, tick=False):
        for _ in range(300):
            make_order(world, order_type="fault", accepted_at=T0)
    due = Deadline.objects.count()
    results = run_concurrently(lambda: sweep(T0 + dt.timedelta(days=5), batch_size=7))
    assert sum(r.breached for r in results) == due == 300
    assert SlaAlert.objects.filter(kind="breach").count() == 300


def test_r_sla_6_a_failed_tick_does_not_stop_the_looping_clock(world, monkeypatch, capsys):
    from django.db import OperationalError

    from fiberops.sla import actions
    from fiberops.sla.management.commands import run_sla_clock

    calls = []

    def flaky_sweep(now, **options):
        calls.append(now)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return actions.TickResult(warned=0, breached=2)

    sleeps = []

    def fake_sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:  # after the successful tick: stop as Ctrl-C would
            raise KeyboardInterrupt

    monkeypatch.setattr(run_sla_clock, "sweep", flaky_sweep)
    # The tick also purges expired idempotency answers and runs the tick hooks; after the failed
    # tick the test's connection is closed (inside the test transaction it cannot reopen), so
    # stub them here.
    monkeypatch.setattr(run_sla_clock, "purge_expired", lambda now: 0)
    monkeypatch.setattr(run_sla_clock, "TICK_HOOKS", {})  # the same for the reminders' sweep
    monkeypatch.setattr(run_sla_clock.time, "sleep", fake_sleep)
    call_command("run_sla_clock", "--loop", "--interval", "0")
    assert len(calls) == 2
    assert "2 breaches" in capsys.readouterr().out


def test_r_sla_6_an_unexpected_error_in_a_tick_is_logged_and_the_loop_goes_on(
    world, monkeypatch, capsys, caplog
):
    """Not only database errors: any exception in a tick (a bug, a value Python cannot hold) is
    logged with its traceback and the clock ticks again."""
    from fiberops.sla import actions
    from fiberops.sla.management.commands import run_sla_clock

    calls = []

    def broken_then_working_sweep(now, **options):
        calls.append(now)
        if len(calls) == 1:
            raise ValueError("hour must be in 0..23")
        return actions.TickResult(warned=1, breached=0)

    sleeps = []

    def fake_sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(run_sla_clock, "sweep", broken_then_working_sweep)
    monkeypatch.setattr(run_sla_clock, "purge_expired", lambda now: 0)
    monkeypatch.setattr(run_sla_clock, "TICK_HOOKS", {})  # the same for the reminders' sweep
    monkeypatch.setattr(run_sla_clock.time, "sleep", fake_sleep)
    call_command("run_sla_clock", "--loop", "--interval", "0")

    assert len(calls) == 2
    assert "1 warnings" in capsys.readouterr().out
    failure = next(r for r in caplog.records if "SLA clock tick failed" in r.getMessage())
    assert failure.exc_info and failure.exc_info[0] is ValueError
