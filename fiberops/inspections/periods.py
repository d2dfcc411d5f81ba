"""Inspection periods (R-INS-4), pure: which period of a plan contains a day."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # the last day, inclusive


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_containing(starts_on: dt.date, interval_months: int, day: dt.date) -> Period | None:
    """The period of a plan (first period from `starts_on`, a first of a month, each
    `interval_months` long) that contains `day`; None before the first period."""
    if interval_months < 1:
        raise ValueError("interval_months must be at least 1")
    if day < starts_on:
        return None
    months = (day.year - starts_on.year) * 12 + day.month - starts_on.month
    start = _add_months(starts_on, months - months % interval_months)
    return Period(start, _add_months(start, interval_months) - dt.timedelta(days=1))
