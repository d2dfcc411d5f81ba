"""The appointment rules (R-APT-4, R-APT-6, R-APT-7, R-APT-9) as pure functions: no database, no
clock. The verbs in `actions.py` apply them; the tests check them at their edges."""

import datetime as dt
import math
from decimal import Decimal

from fiberops.workorders.models import AppointmentOutcome, Initiator

#: R-APT-6: a technician moves an appointment without it counting as broken only this long ahead.
RESCHEDULE_NOTICE = dt.timedelta(hours=2)
#: R-APT-7: how long the technician waits for an absent customer, timed by the server.
ABSENCE_WAIT = dt.timedelta(minutes=15)
#: R-APT-4: the target is to arrive this many minutes before the window starts.
EARLY_TARGET_MINUTES = (5, 10)

#: Outcomes that count as kept for 履约率 (R-APT-9), and those left out of it entirely.
KEPT_OUTCOMES = frozenset({AppointmentOutcome.KEPT, AppointmentOutcome.RESCHEDULED})
EXCLUDED_OUTCOMES = frozenset({AppointmentOutcome.CUSTOMER_CHANGED})


def change_outcome(initiated_by: str, starts_at: dt.datetime, at: dt.datetime) -> str:
    """What becomes of a pending appointment that is moved at `at` (R-APT-6): the customer's
    change never counts against the technician; the technician's counts as rescheduled with at
    least two hours' notice, as broken with less."""
    if initiated_by == Initiator.CUSTOMER:
        return AppointmentOutcome.CUSTOMER_CHANGED
    if starts_at - at >= RESCHEDULE_NOTICE:
        return AppointmentOutcome.RESCHEDULED
    return AppointmentOutcome.BROKEN


def check_in_outcome(starts_at: dt.datetime, at: dt.datetime) -> str:
    """R-APT-4: kept when the check-in is no later than the window's start, else kept late."""
    return AppointmentOutcome.KEPT if at <= starts_at else AppointmentOutcome.KEPT_LATE


def arrival_target(starts_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The window the app shows as "arrive by": 10 to 5 minutes before the start (R-APT-4)."""
    early, late = EARLY_TARGET_MINUTES
    return starts_at - dt.timedelta(minutes=late), starts_at - dt.timedelta(minutes=early)


def wait_until(check_in_received_at: dt.datetime) -> dt.datetime:
    """R-APT-7: the absent customer's wait ends 15 minutes after the server received the
    check-in — a device's own clock cannot shorten it."""
    return check_in_received_at + ABSENCE_WAIT


EARTH_RADIUS_M = 6_371_000


def distance_m(
    lat1: Decimal | float, lng1: Decimal | float, lat2: Decimal | float, lng2: Decimal | float
) -> int:
    """Great-circle distance in whole metres (haversine; metres matter, not millimetres)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(h)))


def fulfilment_rate(outcomes: list[str]) -> tuple[int, int, float | None]:
    """R-APT-9 over the outcomes of the appointments due in a period: (due, kept, rate). Customer
    changes are left out; kept = kept on time or rescheduled with notice; pending ones whose
    window has started count as due and not kept."""
    due = [o for o in outcomes if o not in EXCLUDED_OUTCOMES]
    kept = sum(1 for o in due if o in KEPT_OUTCOMES)
    return len(due), kept, (kept / len(due) if due else None)


#: R-APT-3: the technician is reminded to reconfirm this long before the window starts.
RECONFIRM_REMINDER_LEAD = dt.timedelta(hours=1)
#: R-APT-4: not on site this long before the start: warned that the appointment is about to be
#: missed (the arrival target is 5–10 minutes early).
MISS_WARNING_LEAD = dt.timedelta(minutes=10)


def reminder_times(starts_at: dt.datetime, booked_at: dt.datetime) -> dict[str, dt.datetime]:
    """When each reminder of an appointment booked at `booked_at` falls due (never before the
    booking itself)."""
    return {
        "reconfirm": max(starts_at - RECONFIRM_REMINDER_LEAD, booked_at),
        "about_to_miss": max(starts_at - MISS_WARNING_LEAD, booked_at),
    }
