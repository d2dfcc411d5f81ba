"""Reads of switches and their readings (R-INS-3, R-KPI-2), scoped by `visible_to`; shared by
the API, the pages and the report."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from fiberops.core.clock import SHANGHAI
from fiberops.inspections.switch_models import SwitchBreach, SwitchReading
from fiberops.network.models import Switch
from fiberops.workorders.actions import RECTIFICATION_DONE


def current_order(health):
    """The switch's rectification order while it is still open, else None. `open_order` keeps
    the last order until the next breach replaces it, by which time it may be completed, closed
    or cancelled: that one is not shown as open (API `open_order`, the pages)."""
    order = health.open_order if health is not None else None
    if order is None or order.status in RECTIFICATION_DONE:
        return None
    return order


def switches_for(user, *, grid: str | None = None, breached: bool | None = None) -> QuerySet:
    """Switches `user` may see, with their health, latest reading and grid in the same query."""
    queryset = Switch.objects.visible_to(user).select_related(
        "grid",
        "health",
        "health__latest_reading",
        "health__open_order",
        "uplink_olt",
        "uplink_switch",
    )
    if grid:
        queryset = queryset.filter(grid__code=grid)
    if breached is not None:
        queryset = (
            queryset.filter(health__is_breached=True)
            if breached
            else queryset.exclude(health__is_breached=True)
        )
    return queryset.order_by("code")


def recent_readings(switch: Switch, *, limit: int) -> list[SwitchReading]:
    return list(switch.readings.order_by("-measured_at", "-id")[:limit])


def readings_since(switches: list[Switch], since: dt.datetime) -> dict[int, list[SwitchReading]]:
    """switch id → its readings since `since`, oldest first, in one query."""
    by_switch: dict[int, list[SwitchReading]] = defaultdict(list)
    for reading in SwitchReading.objects.filter(
        switch__in=[s.pk for s in switches], measured_at__gte=since
    ).order_by("measured_at", "id"):
        by_switch[reading.switch_id].append(reading)
    return by_switch


def breaches_of_switch(switch: Switch, *, limit: int = 50) -> list[SwitchBreach]:
    return list(
        SwitchBreach.objects.filter(switch=switch)
        .select_related("reading", "order")
        .order_by("-reading__measured_at", "-id")[:limit]
    )


def breaches_by_month(user, *, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Switch breaches per month (Shanghai) and grid (R-KPI-2): readings over a threshold, the
    switches concerned, and the breached figures by metric, in the user's scope."""
    switches = Switch.objects.visible_to(user)
    breaches = SwitchBreach.objects.filter(
        switch__in=switches.values("pk"),
        reading__measured_at__gte=since,
        reading__measured_at__lt=until,
    )
    rows = (
        breaches.annotate(month=TruncMonth("reading__measured_at", tzinfo=SHANGHAI))
        .values("month", "switch__grid__code", "switch__grid__name", "metric")
        .annotate(breaches=Count("id"))
        .order_by("month", "switch__grid__code", "metric")
    )
    table: dict[tuple, dict] = {}
    for row in rows:
        key = (row["month"].date(), row["switch__grid__code"])
        entry = table.setdefault(
            key,
            {
                "month": key[0],
                "grid": key[1],
                "grid_name": row["switch__grid__name"],
                "bandwidth_pct": 0,
                "cpu_pct": 0,
                "mem_pct": 0,
                "switches": 0,
            },
        )
        entry[row["metric"]] += row["breaches"]
    # switches over threshold per month and grid, whatever the figure: a second aggregate
    for counted in (
        breaches.annotate(month=TruncMonth("reading__measured_at", tzinfo=SHANGHAI))
        .values("month", "switch__grid__code")
        .annotate(switches=Count("switch", distinct=True))
        .order_by()
    ):
        key = (counted["month"].date(), counted["switch__grid__code"])
        table[key]["switches"] = counted["switches"]
    return list(table.values())


def daily_maxima(switches: list[Switch], *, since: dt.datetime) -> dict[int, list]:
    """switch id → [(Shanghai day, {metric: the day's highest value})], oldest first, in one
    query: the charts show 30 points per figure however often the switch is polled."""
    from django.db.models import Max
    from django.db.models.functions import TruncDate

    rows = (
        SwitchReading.objects.filter(switch__in=[s.pk for s in switches], measured_at__gte=since)
        .annotate(day=TruncDate("measured_at", tzinfo=SHANGHAI))
        .values("switch_id", "day")
        .annotate(
            bandwidth_pct=Max("bandwidth_pct"), cpu_pct=Max("cpu_pct"), mem_pct=Max("mem_pct")
        )
        .order_by("switch_id", "day")
    )
    out: dict[int, list] = defaultdict(list)
    for row in rows:
        out[row["switch_id"]].append(
            (
                row["day"],
                {
                    "bandwidth_pct": row["bandwidth_pct"],
                    "cpu_pct": row["cpu_pct"],
                    "mem_pct": row["mem_pct"],
                },
            )
        )
    return out


def breaches_of_order(order) -> list[SwitchBreach]:
    return list(
        SwitchBreach.objects.filter(order=order)
        .select_related("reading", "switch")
        .order_by("reading__measured_at", "id")
    )
