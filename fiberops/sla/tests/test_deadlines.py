"""Deadline rules on the stored calendar (R-SLA-1..5, R-SLA-7)."""

import datetime as dt

import pytest
import time_machine

from fiberops.core.clock import SHANGHAI
from fiberops.sla.actions import recalculate_working_day_deadlines
from fiberops.sla.models import CalendarOverride, CalendarYear
from fiberops.sla.queries import calendar_warning
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order, perform, record_survey_completed
from fiberops.workorders.timeline import order_timeline


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def deadline(order, kind):
    return order.deadlines.get(kind=kind)


def test_r_sla_2_survey_accepted_before_national_day_is_due_after_the_holiday(world):
    order = make_order(world, order_type="survey", accepted_at=sh(2026, 9, 30, 10, 0))
    due = deadline(order, "survey").due_at
    assert due == sh(2026, 10, 9, 23, 59, 59)
    assert due.astimezone(SHANGHAI).isoformat() == "2026-10-09T23:59:59+08:00"


def test_r_sla_2_make_up_working_saturday_counts(world):
    # 2026-10-10 is a Saturday worked in lieu of the holiday (调休).
    order = make_order(world, order_type="survey", accepted_at=sh(2026, 10, 8, 9, 0))
    assert deadline(order, "survey").due_at == sh(2026, 10, 10, 23, 59, 59)


def test_r_sla_2_warning_is_at_80_percent_of_the_time(world):
    start = sh(2026, 11, 2, 8, 0)  # Monday
    order = make_order(world, order_type="survey", accepted_at=start)
    d = deadline(order, "survey")
    assert d.due_at == sh(2026, 11, 4, 23, 59, 59)
    assert d.warn_at == start + (d.due_at - start) * 0.8


def test_r_sla_3_install_without_survey_counts_three_working_days_from_acceptance(world):
    order = make_order(world, order_type="install", accepted_at=sh(2026, 11, 27, 15, 0))  # Friday
    assert deadline(order, "install").due_at == sh(2026, 12, 2, 23, 59, 59)


def test_r_sla_3_install_clock_starts_on_the_day_the_survey_is_completed(world):
    order = make_order(
        world, order_type="install", accepted_at=sh(2026, 11, 2, 9, 0), requires_survey=True
    )
    assert list(order.deadlines.values_list("kind", flat=True)) == ["survey"]
    with time_machine.travel(sh(2026, 11, 4, 14, 0), tick=False):
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        perform(order, "accept", actor=world.technician_user)
    with time_machine.travel(sh(2026, 11, 4, 17, 0), tick=False):  # synced an hour late
        record_survey_completed(
            order,
            conditions_met=True,
            note="",
            actor=world.technician_user,
            occurred_at=sh(2026, 11, 4, 16, 0),
        )
    assert deadline(order, "survey").met_at == sh(2026, 11, 4, 16, 0)
    assert deadline(order, "install").due_at == sh(2026, 11, 9, 23, 59, 59)


@pytest.mark.parametrize(("branch", "hours"), [("urban", 48), ("rural", 72)])
def test_r_sla_5_repair_deadline_depends_on_area(world, branch, hours):
    grid = world.grid if branch == "urban" else world.rural_grid
    start = sh(2026, 11, 2, 9, 0)
    order = make_order(world, order_type="fault", accepted_at=start, grid=grid)
    assert deadline(order, "repair").due_at == start + dt.timedelta(hours=hours)


def test_r_sla_5_repair_hours_are_configurable(world, settings):
    settings.SLA_POLICY = {
        **settings.SLA_POLICY,
        "repair_hours": {
            "fault": {"urban": 24, "rural": 36},
            "complaint": {"urban": 24, "rural": 36},
        },
    }
    start = sh(2026, 11, 2, 9, 0)
    order = make_order(world, order_type="fault", accepted_at=start)
    assert deadline(order, "repair").due_at == start + dt.timedelta(hours=24)


@time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC), tick=False)
def test_r_sla_1_response_is_due_15_minutes_after_dispatch_and_met_by_accepting(world):
    order = make_order(world, order_type="fault", accepted_at=sh(2026, 11, 2, 9, 50))
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    response = deadline(order, "response")
    assert response.due_at - response.starts_at == dt.timedelta(minutes=15)
    assert response.warn_at - response.starts_at == dt.timedelta(minutes=12)
    perform(order, "accept", actor=world.technician_user)
    response.refresh_from_db()
    assert response.met_at == sh(2026, 11, 2, 10, 0)


@time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC), tick=False)
def test_r_sla_4_contact_deadline_uses_the_order_type_default(world):
    order = make_order(world, order_type="install", accepted_at=sh(2026, 11, 2, 9, 0))
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    contact = deadline(order, "contact")
    assert contact.due_at - contact.starts_at == dt.timedelta(minutes=120)


def test_r_sla_7_a_2027_date_falls_back_with_a_warning_instead_of_failing(world):
    order = make_order(world, order_type="survey", accepted_at=sh(2026, 12, 30, 10, 0))
    survey = deadline(order, "survey")
    # 12-31 (Thu) is day 1; 2027-01-01 (Fri) has no data and counts as a working day on Mon–Fri.
    assert survey.due_at == sh(2027, 1, 1, 23, 59, 59)
    assert survey.used_calendar_fallback
    assert "2027" in calendar_warning(order.deadlines.all())


def test_r_sla_7_within_known_years_there_is_no_warning(world):
    order = make_order(world, order_type="survey", accepted_at=sh(2026, 11, 2, 10, 0))
    assert calendar_warning(order.deadlines.all()) is None


def test_r_sla_7_loading_the_year_recalculates_fallback_deadlines(world):
    order = make_order(world, order_type="survey", accepted_at=sh(2026, 12, 30, 10, 0))
    CalendarOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, reason="元旦")
    CalendarYear.objects.create(year=2027, source="manual")
    assert recalculate_working_day_deadlines(sh(2026, 12, 30, 11, 0)) == 1
    survey = deadline(order, "survey")
    assert survey.due_at == sh(2027, 1, 4, 23, 59, 59)
    assert not survey.used_calendar_fallback
    assert calendar_warning(order.deadlines.all()) is None
    moved = [e for e in order_timeline(order) if e.kind == "calendar_recalculated"]
    assert len(moved) == 1
    assert dt.datetime.fromisoformat(moved[0].data["after"]) == sh(2027, 1, 4, 23, 59, 59)


def test_r_sla_7_an_override_inside_a_known_year_moves_running_deadlines(world):
    order = make_order(world, order_type="survey", accepted_at=sh(2026, 11, 2, 10, 0))
    assert deadline(order, "survey").due_at == sh(2026, 11, 4, 23, 59, 59)
    CalendarOverride.objects.create(
        date=dt.date(2026, 11, 3), is_workday=False, reason="停电检修日"
    )
    assert recalculate_working_day_deadlines(sh(2026, 11, 2, 11, 0)) == 1
    assert deadline(order, "survey").due_at == sh(2026, 11, 5, 23, 59, 59)
    assert recalculate_working_day_deadlines(sh(2026, 11, 2, 12, 0)) == 0  # nothing moved again
