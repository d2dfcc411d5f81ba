"""Working-day arithmetic (R-SLA-2, R-SLA-3, R-SLA-7), including property-based checks against a
brute-force reference."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from fiberops.sla.workdays import WorkCalendar, add_working_days, working_days_between


def brute_force_nth_workday(calendar: WorkCalendar, start: dt.date, n: int) -> dt.date:
    """Reference, built without `is_workday`: the set of working days of the next 400 days,
    from Mon–Fri, then the published calendar of covered years, then the overrides."""
    days = [start + dt.timedelta(days=i) for i in range(1, 400)]
    working = {d for d in days if d.weekday() < 5}
    for day, is_workday in calendar.known.items():
        if day.year in calendar.covered_years:
            (working.add if is_workday else working.discard)(day)
    for day, is_workday in calendar.overrides.items():
        (working.add if is_workday else working.discard)(day)
    return sorted(d for d in working if d in set(days))[n - 1] if n else start


dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 12, 31))
calendars = st.builds(
    WorkCalendar,
    known=st.dictionaries(dates, st.booleans(), max_size=60),
    overrides=st.dictionaries(dates, st.booleans(), max_size=10),
    covered_years=st.frozensets(st.integers(2024, 2028)),
)


@settings(max_examples=300, deadline=None)
@given(calendar=calendars, start=dates, n=st.integers(0, 10))
def test_r_sla_2_add_working_days_matches_brute_force(calendar, start, n):
    result = add_working_days(calendar, start, n)
    assert result.day == brute_force_nth_workday(calendar, start, n)
    assert working_days_between(calendar, start, result.day) == n


@settings(max_examples=200, deadline=None)
@given(calendar=calendars, start=dates, n=st.integers(1, 10))
def test_r_sla_7_fallback_flag_is_set_exactly_when_an_uncovered_year_is_crossed(calendar, start, n):
    result = add_working_days(calendar, start, n)
    crossed = {(start + dt.timedelta(days=i)).year for i in range(1, (result.day - start).days + 1)}
    assert result.used_fallback == bool(crossed - calendar.covered_years)


def test_r_sla_7_override_wins_over_package_data():
    day = dt.date(2026, 10, 1)
    calendar = WorkCalendar(
        known={day: False}, overrides={day: True}, covered_years=frozenset({2026})
    )
    assert calendar.is_workday(day)


def test_r_sla_7_uncovered_year_is_monday_to_friday():
    calendar = WorkCalendar(covered_years=frozenset({2026}))
    assert calendar.is_workday(dt.date(2027, 1, 1))  # a Friday, no data: counted as working
    assert not calendar.is_workday(dt.date(2027, 1, 2))
    assert calendar.is_fallback(dt.date(2027, 1, 1))
