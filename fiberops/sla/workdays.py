"""Working-day arithmetic on the Chinese statutory calendar (R-SLA-2, R-SLA-3, R-SLA-7).

Pure functions over a `WorkCalendar` value: no database, no clock. `calendar.py` builds the value
from the stored calendar; tests build it by hand and compare against a brute-force count.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)
#: No real calendar has a year without working days; a search longer than this is a data error.
MAX_SEARCH_DAYS = 400


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days.

    `known` holds the published calendar of the `covered_years` (every day whose status differs
    from Mon–Fri: holidays and make-up working days); `overrides` are an administrator's corrections
    and win over everything. A day in a year that is not covered falls back to Mon–Fri.
    """

    known: Mapping[dt.date, bool] = field(default_factory=dict)
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    covered_years: frozenset[int] = frozenset()

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.covered_years and day in self.known:
            return self.known[day]
        return day.weekday() < 5

    def is_fallback(self, day: dt.date) -> bool:
        """True when `day`'s year has no published calendar (so Mon–Fri is a guess)."""
        return day.year not in self.covered_years


@dataclass(frozen=True)
class WorkdayResult:
    day: dt.date
    used_fallback: bool
    fallback_years: tuple[int, ...] = ()


def add_working_days(calendar: WorkCalendar, start: dt.date, count: int) -> WorkdayResult:
    """The `count`-th working day after `start` (`start` itself is day 0 and never counts)."""
    if count < 0:
        raise ValueError("count must be >= 0")
    day = start
    found = 0
    fallback_years: set[int] = set()
    for _ in range(MAX_SEARCH_DAYS * max(count, 1)):
        if found == count:
            break
        day += ONE_DAY
        if calendar.is_fallback(day):
            fallback_years.add(day.year)
        if calendar.is_workday(day):
            found += 1
    else:
        raise ValueError(f"No {count} working days within reach after {start}")
    return WorkdayResult(day, bool(fallback_years), tuple(sorted(fallback_years)))


def working_days_between(calendar: WorkCalendar, start: dt.date, end: dt.date) -> int:
    """Working days in (start, end] — the inverse of `add_working_days`."""
    total = 0
    day = start
    while day < end:
        day += ONE_DAY
        total += calendar.is_workday(day)
    return total
