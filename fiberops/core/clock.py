"""Time helpers: UTC is stored, Asia/Shanghai is the business time zone (STYLE habit 4)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return timezone.now()


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day in Shanghai on which `moment` falls."""
    return moment.astimezone(SHANGHAI).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59 Shanghai time of `day`, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def start_of_day(day: dt.date) -> dt.datetime:
    """00:00:00 Shanghai time of `day`."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI)


#: China has kept +08:00 all year since 1991; the zone database's older offsets (local mean time
#: +08:05:43 before 1901, summer time 1986–1991) must not leak into the API.
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))


def isoformat_shanghai(moment: dt.datetime | None) -> str | None:
    """ISO 8601, always with +08:00."""
    return moment.astimezone(CHINA_STANDARD_TIME).isoformat() if moment else None
