"""Seed the statutory calendar from the chinesecalendar package (R-SLA-7). Later package
releases are loaded with `manage.py sync_calendar`."""

import chinese_calendar
from django.db import migrations


def seed(apps, schema_editor):
    CalendarYear = apps.get_model("sla", "CalendarYear")
    CalendarDay = apps.get_model("sla", "CalendarDay")
    years = sorted({day.year for day in chinese_calendar.holidays})
    rows = [
        CalendarDay(date=day, is_workday=False, name=str(name or ""))
        for day, name in chinese_calendar.holidays.items()
        if day.weekday() < 5
    ] + [
        CalendarDay(date=day, is_workday=True, name=str(name or ""))
        for day, name in chinese_calendar.workdays.items()
        if day.weekday() >= 5
    ]
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=year, source="package") for year in range(years[0], years[-1] + 1)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
