"""Read-side helpers for work orders: SLA state filters and the calendar warning (R-SLA-6/7)."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from fiberops.sla.models import OPEN, Deadline
from fiberops.workorders.models import WorkOrder

SLA_FILTERS = ("breached", "warning", "on_track", "met")


def filter_sla_state(queryset, state: str, now: dt.datetime):
    """Orders by their worst deadline: breached > warning > on_track; `met`: every clock met."""
    of_order = Deadline.objects.filter(order=OuterRef("pk"))
    breached = of_order.filter(Q(breached_at__isnull=False) | (OPEN & Q(due_at__lte=now)))
    warning = of_order.filter(OPEN, warn_at__lte=now, due_at__gt=now)
    running = of_order.filter(OPEN)
    if state == "breached":
        return queryset.filter(Exists(breached))
    if state == "warning":
        return queryset.filter(Exists(warning)).exclude(Exists(breached))
    if state == "on_track":
        return queryset.filter(Exists(running)).exclude(Exists(breached)).exclude(Exists(warning))
    if state == "met":
        return queryset.filter(Exists(of_order)).exclude(Exists(running)).exclude(Exists(breached))
    return queryset


def calendar_warning(order: WorkOrder) -> str | None:
    """A sentence when a deadline was computed on the Mon–Fri fallback (R-SLA-7), else None."""
    years = sorted(
        {d.due_at.year for d in order.deadlines.all() if d.used_calendar_fallback and not d.met_at}
    )
    if not years:
        return None
    return _(
        "The statutory holidays of %(years)s are not loaded yet: deadlines are estimated on "
        "Monday–Friday. An administrator should update the working-day calendar."
    ) % {"years": "、".join(str(y) for y in years)}


WORST_ORDER = ["breached", "warning", "pending", "met_late", "met", "void"]


def worst_state(order: WorkOrder, now: dt.datetime) -> str | None:
    states = [d.state_at(now) for d in order.deadlines.all()]
    if not states:
        return None
    return min(states, key=WORST_ORDER.index)
