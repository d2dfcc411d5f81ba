"""KPI queries (read-only). 装维履约率 (R-APT-9, R-KPI-1) is computed in SQL with aggregates: one
query whatever the number of appointments or rows. The definition, its edge cases and the
attribution rule are written down in docs/kpi.md; this module is their code."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fiberops.core.clock import SHANGHAI, start_of_day
from fiberops.workorders.appointments import EXCLUDED_OUTCOMES, KEPT_OUTCOMES
from fiberops.workorders.models import Appointment, WorkOrder

#: The longest period a KPI is asked for, in days (both ends included): a year, leap or not.
MAX_PERIOD_DAYS = 366
#: Business dates outside these years are typing errors (year 1, 9999), not work.
YEARS = (2000, 2099)

#: How rows are grouped: the responsible technician, or the team, grid or branch of that
#: technician. Value → (code lookup, name lookup) from a `Technician`.
LEVELS = {
    "technician": ("staff_no", "name"),
    "team": ("team__code", "team__name"),
    "grid": ("team__grid__code", "team__grid__name"),
    "branch": ("team__grid__branch__code", "team__grid__branch__name"),
}
BY_CHOICES = [
    ("technician", gettext_lazy("Technician")),
    ("team", gettext_lazy("Team")),
    ("grid", gettext_lazy("Grid")),
    ("branch", gettext_lazy("Branch")),
]

#: The technician an appointment is counted for (docs/kpi.md, "Attribution"): the booker's own
#: technician record when a technician booked it, else the order's current technician.
BOOKER = "booked_by__technician"
OWNER = "order__technician"


@dataclass(frozen=True)
class Row:
    """One line of the KPI: a technician, team, grid or branch (`key` is its code)."""

    key: str
    name: str
    due: int
    kept: int

    @property
    def rate(self) -> float | None:
        """kept ÷ due, 0..1; None when nothing was due."""
        return self.kept / self.due if self.due else None


def period_errors(date_from: dt.date, date_to: dt.date) -> dict[str, str]:
    """Why a period is refused, by field name ("from", "to"); empty when it is fine."""
    errors: dict[str, str] = {}
    for name, day in (("from", date_from), ("to", date_to)):
        if not YEARS[0] <= day.year <= YEARS[1]:
            errors[name] = _("The date must lie between the years %(first)d and %(last)d.") % {
                "first": YEARS[0],
                "last": YEARS[1],
            }
    if errors:
        return errors
    if date_from > date_to:
        errors["to"] = _("The end of the period must not be before its start.")
    elif (date_to - date_from).days + 1 > MAX_PERIOD_DAYS:
        errors["to"] = _("A period may span at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}
    return errors


def month_so_far(now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The default period: the first of this month to today, in Shanghai."""
    today = now.astimezone(SHANGHAI).date()
    return today.replace(day=1), today


def _responsible(lookup: str) -> Coalesce:
    return Coalesce(F(f"{BOOKER}__{lookup}"), F(f"{OWNER}__{lookup}"))


def fulfilment(
    user, *, date_from: dt.date, date_to: dt.date, by: str, now: dt.datetime
) -> list[Row]:
    """装维履约率 per technician, team, grid or branch (R-APT-9, R-KPI-1), over the
    appointments of the orders `user` can see whose window starts in [date_from, date_to]
    (Shanghai dates, both included). Due: started by `now` and not changed by the customer;
    kept: kept on time or rescheduled with notice. Rows with nothing due yet (only future or
    customer-changed appointments) are listed with rate None. Worst rate first, then the most
    due, then the name. One query."""
    code, name = LEVELS[by]
    started = Q(starts_at__lte=now)
    counted = started & ~Q(outcome__in=list(EXCLUDED_OUTCOMES))
    kept = started & Q(outcome__in=list(KEPT_OUTCOMES))
    grouped = (
        Appointment.objects.filter(
            order__in=WorkOrder.objects.visible_to(user).values("pk"),
            starts_at__gte=start_of_day(date_from),
            starts_at__lt=start_of_day(date_to + dt.timedelta(days=1)),
        )
        .annotate(group_key=_responsible(code), group_name=_responsible(name))
        # No responsible technician (the booker was none and the order has none): left out.
        .filter(group_key__isnull=False)
        .values("group_key", "group_name")
        .annotate(due=Count("pk", filter=counted), kept=Count("pk", filter=kept))
        .order_by()
    )
    rows = [
        Row(key=g["group_key"], name=g["group_name"], due=g["due"], kept=g["kept"]) for g in grouped
    ]
    return sorted(rows, key=_worst_first)


def _worst_first(row: Row) -> tuple:
    return (row.rate is None, row.rate or 0.0, -row.due, row.name, row.key)
