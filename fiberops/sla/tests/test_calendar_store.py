"""The stored calendar (R-SLA-7): seeded from chinesecalendar, overrides win, sync is idempotent."""

import datetime as dt

from django.core.management import call_command

from fiberops.sla.calendar import load_calendar
from fiberops.sla.models import CalendarDay, CalendarOverride, CalendarYear


def test_r_sla_7_migration_seeds_national_day_and_make_up_days(db):
    assert CalendarYear.objects.filter(year=2026, source="package").exists()
    assert not CalendarDay.objects.get(date=dt.date(2026, 10, 1)).is_workday
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).is_workday  # Saturday, 调休


def test_r_sla_7_sync_is_idempotent(db):
    before = CalendarDay.objects.count()
    call_command("sync_calendar")
    call_command("sync_calendar")
    assert CalendarDay.objects.count() == before


def test_r_sla_7_loaded_calendar_applies_overrides(db):
    CalendarOverride.objects.create(date=dt.date(2026, 12, 31), is_workday=False, reason="演练")
    calendar = load_calendar(dt.date(2026, 12, 1), dt.date(2027, 1, 31))
    assert not calendar.is_workday(dt.date(2026, 12, 31))
    assert calendar.is_fallback(dt.date(2027, 1, 4))
    assert not calendar.is_fallback(dt.date(2026, 12, 1))
