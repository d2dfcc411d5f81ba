"""The day plans' settings are refused loudly when wrong (core/config.py), and `plan_day` plans a
grid's day from the command line (issue 9)."""

from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from fiberops.core.config import env_break, env_service_minutes, env_shift, env_windows
from fiberops.dispatch.plan_models import DayPlan
from fiberops.dispatch.tests.stored_plan_helpers import DAY, MORNING, at, booked, give_skills


@pytest.mark.parametrize("value", ["08:30", "8:30-18:00", "18:00-08:30", "08:30-25:00"])
def test_a_bad_shift_is_refused_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="DISPATCH_SHIFT"):
        env_shift("DISPATCH_SHIFT", "08:30-18:00", environ={"DISPATCH_SHIFT": value})


@pytest.mark.parametrize(
    "value", ["11:30-13:30", "11:30-12:00/45", "07:00-09:00/30", "11:30-13:30/0", "x"]
)
def test_a_break_that_does_not_fit_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="DISPATCH_BREAK"):
        env_break("DISPATCH_BREAK", "", shift="08:30-18:00", environ={"DISPATCH_BREAK": value})


def test_an_empty_break_means_none():
    assert env_break("B", "11:30-13:30/30", shift="08:30-18:00", environ={"B": ""}) == ""


@pytest.mark.parametrize(
    "value", ["{", "[]", '{"cable": 30}', '{"install": 0}', '{"install": "1"}']
)
def test_service_minutes_refuse_unknown_types_and_bad_minutes(value):
    with pytest.raises(ImproperlyConfigured, match="DISPATCH_SERVICE_MINUTES"):
        env_service_minutes(
            "DISPATCH_SERVICE_MINUTES", {"install": 90}, environ={"DISPATCH_SERVICE_MINUTES": value}
        )


def test_service_minutes_merge_over_the_defaults():
    merged = env_service_minutes(
        "M", {"install": 90, "fault": 60}, environ={"M": '{"install": 120}'}
    )
    assert merged == {"install": 120, "fault": 60}


def test_booking_windows_are_checked_one_by_one():
    with pytest.raises(ImproperlyConfigured):
        env_windows("W", "", environ={"W": "08:30-10:30,12:00-11:00"})


@pytest.mark.django_db
def test_the_plan_day_command_stores_and_prints_the_plan(world):
    give_skills(world)
    order = booked(world, starts_at=at(9))
    out = StringIO()
    with time_machine.travel(MORNING, tick=False):
        call_command("plan_day", "--grid", "WH-01", "--date", DAY.isoformat(), stdout=out)
    assert DayPlan.objects.current().filter(grid=world.grid, work_on=DAY).exists()
    assert "every order planned" in out.getvalue()
    assert order.bss_order_no in out.getvalue()
    with pytest.raises(CommandError, match="no such grid"):
        call_command("plan_day", "--grid", "XX", "--date", DAY.isoformat())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("plan_day", "--grid", "WH-01", "--date", "13/10/2026")
