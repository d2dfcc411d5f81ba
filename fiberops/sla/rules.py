"""How each SLA deadline is computed (R-SLA-1..5). Pure: inputs in, times out; docs/sla.md."""

import datetime as dt
from dataclasses import dataclass

from fiberops.core.clock import end_of_day, local_date
from fiberops.sla.choices import DeadlineKind
from fiberops.sla.workdays import WorkCalendar, add_working_days, working_days_between

WORKING_DAY_KINDS = frozenset({DeadlineKind.SURVEY, DeadlineKind.INSTALL})


@dataclass(frozen=True)
class DeadlineSpec:
    kind: str
    starts_at: dt.datetime
    due_at: dt.datetime
    warn_at: dt.datetime
    used_calendar_fallback: bool = False


def _warn_at(start: dt.datetime, due: dt.datetime, fraction: float) -> dt.datetime:
    return start + (due - start) * fraction


def fixed_duration(kind: str, start: dt.datetime, minutes: float, fraction: float) -> DeadlineSpec:
    due = start + dt.timedelta(minutes=minutes)
    return DeadlineSpec(kind, start, due, _warn_at(start, due, fraction))


def working_days_after(
    kind: str,
    start: dt.datetime,
    count: int,
    calendar: WorkCalendar,
    fraction: float,
    counted_from: dt.date | None = None,
) -> DeadlineSpec:
    """End (23:59:59 Shanghai) of the `count`-th working day after the day of `start` (day 0)."""
    result = add_working_days(calendar, counted_from or local_date(start), count)
    due = end_of_day(result.day)
    return DeadlineSpec(kind, start, due, _warn_at(start, due, fraction), result.used_fallback)


def compute(
    kind: str,
    *,
    start: dt.datetime,
    order_type: str,
    area_type: str,
    calendar: WorkCalendar,
    policy: dict,
) -> DeadlineSpec:
    fraction = policy["warn_fraction"]
    if kind == DeadlineKind.RESPONSE:
        return fixed_duration(kind, start, policy["response_minutes"], fraction)
    if kind == DeadlineKind.CONTACT:
        return fixed_duration(kind, start, policy["contact_minutes"][order_type], fraction)
    if kind == DeadlineKind.REPAIR:
        hours = policy["repair_hours"][order_type][area_type]
        return fixed_duration(kind, start, hours * 60, fraction)
    if kind == DeadlineKind.SURVEY:
        return working_days_after(kind, start, policy["survey_working_days"], calendar, fraction)
    if kind == DeadlineKind.INSTALL:
        return working_days_after(kind, start, policy["install_working_days"], calendar, fraction)
    if kind in GIVEN_DUE_KINDS:
        raise ValueError(f"a {kind!r} clock is due when its creator says: use given_due")
    raise ValueError(f"unknown deadline kind {kind!r}")


#: Clocks whose due time is not computed from the policy but given by who opens them: an
#: inspection round is due at its period's end (R-INS-4).
GIVEN_DUE_KINDS = frozenset({DeadlineKind.INSPECTION})


def given_due(kind: str, *, start: dt.datetime, due_at: dt.datetime, policy: dict) -> DeadlineSpec:
    """A clock due at `due_at`, warned at the policy's fraction of its span."""
    if due_at < start:
        raise ValueError("a clock cannot be due before it starts")
    return DeadlineSpec(kind, start, due_at, _warn_at(start, due_at, policy["warn_fraction"]))


def calendar_window(start: dt.datetime) -> tuple[dt.date, dt.date]:
    """Days a deadline starting at `start` can depend on (generous: Spring Festival + weekends)."""
    day = local_date(start)
    return day, day + dt.timedelta(days=60)


def extend_after_pause(
    kind: str,
    *,
    due_at: dt.datetime,
    warn_at: dt.datetime,
    paused_at: dt.datetime,
    resumed_at: dt.datetime,
    calendar: WorkCalendar,
) -> tuple[dt.datetime, dt.datetime]:
    """The due and warning times of a clock paused at `paused_at` (the customer asked to
    suspend the order) and running again at `resumed_at` (docs/sla.md, "Suspension").

    A duration clock (response, contact, repair) moves by the paused time. A working-day clock
    (survey, install) keeps the whole working days it had left: paused on day P and due at the
    end of working day D, it had R = working days in (P, D]; resumed on day S it is due at the
    end of the R-th working day after S (S is day 0, as for the acceptance day). Holidays and
    make-up working days (调休) during and after the pause count as the calendar says; a clock is
    never due earlier than before. The warning keeps its distance to the due time."""
    if kind not in WORKING_DAY_KINDS:
        shift = max(resumed_at - paused_at, dt.timedelta(0))
        return due_at + shift, warn_at + shift
    remaining = working_days_between(calendar, local_date(paused_at), local_date(due_at))
    new_due = max(
        end_of_day(add_working_days(calendar, local_date(resumed_at), remaining).day), due_at
    )
    return new_due, warn_at + (new_due - due_at)
