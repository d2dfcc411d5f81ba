"""The stored calendar: load a `WorkCalendar` window from the database; sync from the package."""

import datetime as dt

import chinese_calendar
from django.db import transaction

from fiberops.sla.choices import CalendarSource
from fiberops.sla.models import CalendarDay, CalendarOverride, CalendarYear
from fiberops.sla.workdays import WorkCalendar


def load_calendar(start: dt.date, end: dt.date) -> WorkCalendar:
    """The calendar for [start, end] in three small indexed queries."""
    known = dict(
        CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
    )
    overrides = dict(
        CalendarOverride.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
    )
    years = frozenset(
        CalendarYear.objects.filter(year__range=(start.year, end.year)).values_list(
            "year", flat=True
        )
    )
    return WorkCalendar(known=known, overrides=overrides, covered_years=years)


def package_years() -> range:
    """The years the installed chinesecalendar package has data for."""
    years = {day.year for day in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


@transaction.atomic
def sync_from_package() -> list[int]:
    """Load every year the chinesecalendar package knows; idempotent. Returns the years added.
    Years an administrator entered by hand (source=manual) are left alone."""
    manual = set(
        CalendarYear.objects.filter(source=CalendarSource.MANUAL).values_list("year", flat=True)
    )
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    added = []
    for year in package_years():
        if year in manual:
            continue
        rows = []
        for day, name in chinese_calendar.holidays.items():
            if day.year == year and day.weekday() < 5:
                rows.append(CalendarDay(date=day, is_workday=False, name=str(name or "")))
        for day, name in chinese_calendar.workdays.items():
            if day.year == year and day.weekday() >= 5:
                rows.append(CalendarDay(date=day, is_workday=True, name=str(name or "")))
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(rows)
        CalendarYear.objects.update_or_create(
            year=year, defaults={"source": CalendarSource.PACKAGE}
        )
        if year not in existing:
            added.append(year)
    return added
