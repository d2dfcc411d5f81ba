"""The sweeper survives bad rows (R-SLA-6, issue 6): a deadline it cannot read or record is
skipped and reported (logged, counted, listed in the admin as a `SweepProblem`); the rest of the
batch is swept; once the row is fixed the next tick records it and resolves the problem."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from fiberops.sla import actions
from fiberops.sla.actions import sweep
from fiberops.sla.models import Deadline, SlaAlert, SweepProblem
from fiberops.testing import make_order, make_world, require_postgresql, run_concurrently

T0 = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai
#: Every fault's repair clock (48 h, urban) is past due; nothing else runs (no dispatch).
LATER = T0 + dt.timedelta(days=4)


def make_due_repair_clocks(world, count: int) -> list[Deadline]:
    with time_machine.travel(T0, tick=False):
        orders = [make_order(world, order_type="fault", accepted_at=T0) for _ in range(count)]
    return [order.deadlines.get(kind="repair") for order in orders]


def give_breach_alert_without_stamp(deadline: Deadline) -> None:
    """The breach alert exists but `breached_at` is NULL (a stamp cleared by hand, a partial
    restore): recording the breach again hits the unique (deadline, kind) constraint."""
    SlaAlert.objects.create(deadline=deadline, kind="breach", raised_at=T0 + dt.timedelta(days=2))


#: Stored due times that match "due" but cannot be read back. SQLite keeps any text in a
#: datetime column: an impossible hour or UTC offset raises ValueError (text that looks like no
#: time at all reads as None, and such a row is swept like any other).
#: PostgreSQL's timestamptz refuses text that is no time, but takes '-infinity' and dates
#: before year 1, which Python's datetime cannot hold: reading them raises DataError.
MALFORMED_DUE_AT = {
    "sqlite": ["2026-11-04 25:00:00", "2026-11-04 02:00:00+24:00"],
    "postgresql": ["-infinity", "4713-01-01 00:00:00+00 BC"],
}


def corrupt_due_at(deadline: Deadline, variant: int) -> str:
    value = MALFORMED_DUE_AT[connection.vendor][variant]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # warn_at must stay <= due_at (check constraint): both get the value.
            cursor.execute(
                "UPDATE sla_deadline SET due_at = %s, warn_at = %s WHERE id = %s",
                [value, value, deadline.pk],
            )
        else:
            cursor.execute(
                "UPDATE sla_deadline SET due_at = %s WHERE id = %s", [value, deadline.pk]
            )
    return value


def test_r_sla_6_bad_row_is_skipped_and_rest_swept(world, caplog):
    clocks = make_due_repair_clocks(world, 5)
    bad = clocks[1]
    give_breach_alert_without_stamp(bad)

    with caplog.at_level(logging.WARNING, logger="fiberops.sla.actions"):
        result = sweep(LATER, batch_size=2)

    # The bad row gets no 80 % warning instead: it is left out until it is handled.
    assert result == actions.TickResult(breached=4, warned=0, skipped=1)
    assert set(Deadline.objects.filter(breached_at=LATER).values_list("pk", flat=True)) == {
        clock.pk for clock in clocks if clock != bad
    }
    assert SlaAlert.objects.filter(kind="breach").count() == 5  # four new, the stray one kept
    bad.refresh_from_db()
    assert bad.breached_at is None
    problem = SweepProblem.objects.get()
    assert (problem.deadline_id, problem.stage, problem.kind) == (bad.pk, "breach", "conflict")
    assert (problem.first_seen_at, problem.last_seen_at, problem.times_seen) == (LATER, LATER, 1)
    assert problem.resolved_at is None
    assert problem.error.startswith("IntegrityError: ")
    assert f"deadline {bad.pk}" in caplog.text


@pytest.mark.parametrize("variant", [0, 1])
def test_r_sla_6_a_malformed_stored_due_time_is_skipped_and_the_rest_swept(world, variant):
    clocks = make_due_repair_clocks(world, 3)
    bad = clocks[0]
    corrupt_due_at(bad, variant)

    result = sweep(LATER)

    assert (result.breached, result.skipped) == (2, 1)
    assert Deadline.objects.filter(breached_at=LATER).count() == 2
    assert not SlaAlert.objects.filter(deadline_id=bad.pk).exists()
    problem = SweepProblem.objects.get()
    assert (problem.deadline_id, problem.stage, problem.kind) == (bad.pk, "breach", "unreadable")


def test_r_sla_6_a_skipped_row_is_reported_each_tick_without_holding_up_the_batch(
    world, monkeypatch
):
    clocks = make_due_repair_clocks(world, 3)
    give_breach_alert_without_stamp(clocks[0])
    sweep(LATER)
    with time_machine.travel(T0, tick=False):  # a new clock falls due beside the known bad one
        fresh = make_order(world, order_type="fault", accepted_at=T0).deadlines.get(kind="repair")

    batches_failed = []
    row_by_row = actions._sweep_rows_one_by_one
    monkeypatch.setattr(
        actions,
        "_sweep_rows_one_by_one",
        lambda *args, **kwargs: batches_failed.append(args) or row_by_row(*args, **kwargs),
    )
    second = sweep(LATER + dt.timedelta(minutes=1))

    # The known bad row is tried once on its own and kept out of the batch, which stays whole.
    assert (second.breached, second.skipped) == (1, 1)
    assert not batches_failed
    assert Deadline.objects.get(pk=fresh.pk).breached_at is not None
    problem = SweepProblem.objects.get()
    assert (problem.first_seen_at, problem.last_seen_at, problem.times_seen) == (
        LATER,
        LATER + dt.timedelta(minutes=1),
        2,
    )


def test_r_sla_6_a_fixed_row_is_swept_by_the_next_tick_and_its_problem_resolved(world):
    bad, good = make_due_repair_clocks(world, 2)
    give_breach_alert_without_stamp(bad)
    assert sweep(LATER).skipped == 1

    SlaAlert.objects.filter(deadline=bad).delete()  # the administrator's fix
    fixed_at = LATER + dt.timedelta(minutes=1)
    result = sweep(fixed_at)

    assert (result.breached, result.skipped) == (1, 0)
    bad.refresh_from_db()
    assert bad.breached_at == fixed_at
    assert SlaAlert.objects.filter(deadline=bad, kind="breach").count() == 1
    problem = SweepProblem.objects.get()
    assert problem.resolved_at == fixed_at
    assert sweep(fixed_at + dt.timedelta(minutes=1)) == actions.TickResult()


def test_r_sla_6_a_repaired_due_time_is_swept_and_a_closed_clock_resolves_its_problem(world):
    repaired, closed = make_due_repair_clocks(world, 2)
    corrupt_due_at(repaired, 0)
    give_breach_alert_without_stamp(closed)
    assert sweep(LATER).skipped == 2

    Deadline.objects.filter(pk=repaired.pk).update(due_at=repaired.due_at, warn_at=repaired.warn_at)
    Deadline.objects.filter(pk=closed.pk).update(voided_at=LATER)  # the order was cancelled
    result = sweep(LATER + dt.timedelta(minutes=1))

    assert (result.breached, result.skipped) == (1, 0)
    assert Deadline.objects.get(pk=repaired.pk).breached_at == LATER + dt.timedelta(minutes=1)
    assert not SweepProblem.objects.filter(resolved_at__isnull=True).exists()


def test_r_sla_6_run_sla_clock_reports_the_skipped_rows(world, capsys):
    clocks = make_due_repair_clocks(world, 2)
    give_breach_alert_without_stamp(clocks[0])
    with time_machine.travel(LATER, tick=False):
        call_command("run_sla_clock")
    assert "1 breaches, 0 warnings recorded, 1 skipped" in capsys.readouterr().out


def test_r_sla_6_an_admin_sees_the_skipped_rows(world, client):
    clocks = make_due_repair_clocks(world, 2)
    give_breach_alert_without_stamp(clocks[0])
    corrupt_due_at(clocks[1], 0)
    sweep(LATER)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)

    listing = client.get("/admin/sla/sweepproblem/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert str(clocks[0].pk) in text and str(clocks[1].pk) in text
    for problem in SweepProblem.objects.all():  # the unreadable deadline is shown by id
        assert client.get(f"/admin/sla/sweepproblem/{problem.pk}/change/").status_code == 200


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_r_sla_6_concurrent_sweepers_on_postgresql_skip_a_bad_row_and_record_the_rest_once():
    require_postgresql()
    world = make_world()
    clocks = make_due_repair_clocks(world, 120)
    give_breach_alert_without_stamp(clocks[3])
    corrupt_due_at(clocks[50], 0)

    results = run_concurrently(lambda: sweep(LATER, batch_size=7))

    assert sum(r.breached for r in results) == 118
    assert SlaAlert.objects.filter(kind="breach").count() == 119  # 118 new + the stray one
    assert set(SweepProblem.objects.values_list("deadline_id", flat=True)) == {
        clocks[3].pk,
        clocks[50].pk,
    }
    assert SweepProblem.objects.filter(resolved_at__isnull=True).count() == 2
