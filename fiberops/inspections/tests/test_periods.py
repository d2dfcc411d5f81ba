"""Inspection periods (R-INS-4): calendar months from the plan's first period, pure."""

import datetime as dt

import pytest

from fiberops.inspections.periods import Period, period_containing

D = dt.date


@pytest.mark.parametrize(
    ("interval", "day", "expected"),
    [
        (2, D(2026, 1, 1), Period(D(2026, 1, 1), D(2026, 2, 28))),
        (2, D(2026, 2, 28), Period(D(2026, 1, 1), D(2026, 2, 28))),
        (2, D(2026, 3, 1), Period(D(2026, 3, 1), D(2026, 4, 30))),
        (3, D(2026, 12, 31), Period(D(2026, 10, 1), D(2026, 12, 31))),
        (3, D(2027, 1, 1), Period(D(2027, 1, 1), D(2027, 3, 31))),
        (1, D(2028, 2, 15), Period(D(2028, 2, 1), D(2028, 2, 29))),
    ],
)
def test_R_INS_4_the_period_of_a_day_runs_whole_months_from_the_first(interval, day, expected):
    assert period_containing(D(2026, 1, 1), interval, day) == expected


def test_R_INS_4_a_day_before_the_first_period_has_none():
    assert period_containing(D(2026, 1, 1), 2, D(2025, 12, 31)) is None


def test_R_INS_4_an_interval_of_zero_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        period_containing(D(2026, 1, 1), 0, D(2026, 1, 1))
