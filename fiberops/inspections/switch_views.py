"""The switch pages (R-INS-3, R-KPI-2): switches in the user's scope with their latest reading
and 30-day charts (`/switches/`), one switch (`/switches/<code>/`), and the breaches report
with its Excel and CSV downloads (`/switches/report/`). Reads through `switch_queries`."""

import csv
import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fiberops.accounts.permissions import may
from fiberops.core.clock import local_date, now, start_of_day
from fiberops.core.exports import spreadsheet_safe
from fiberops.inspections import switch_queries as queries
from fiberops.inspections.switch_actions import thresholds
from fiberops.inspections.switch_charts import sparkline
from fiberops.inspections.switch_models import Metric
from fiberops.network.models import Switch
from fiberops.workforce.models import Grid

DAYS = 30
PAGE_SIZE = 50


def _days(at: dt.datetime) -> list[dt.date]:
    today = local_date(at)
    return [today - dt.timedelta(days=n) for n in range(DAYS - 1, -1, -1)]


def _charts(switches: list[Switch], at: dt.datetime) -> dict[int, list[str]]:
    """switch id → three sparklines (bandwidth, CPU, memory): the daily maxima of 30 days."""
    days = _days(at)
    daily = queries.daily_maxima(switches, since=start_of_day(days[0]))
    limits = thresholds()
    labels = dict(Metric.choices)
    return {
        switch.pk: [
            sparkline(
                [(day, figures[metric]) for day, figures in daily.get(switch.pk, [])],
                days=days,
                threshold=limits[metric],
                label=str(labels[metric]),
            )
            for metric in Metric.values
        ]
        for switch in switches
    }


@login_required
def switch_list(request):
    """Switches with their latest reading, over-threshold figures in red, 30-day charts; filter
    by grid and by breached."""
    grid = request.GET.get("grid") or None
    breached = request.GET.get("breached") == "1"
    switches = queries.switches_for(request.user, grid=grid, breached=True if breached else None)
    page = Paginator(switches, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    at = now()
    charts = _charts(rows, at)
    limits = thresholds()
    return render(
        request,
        "inspections/switches/list.html",
        {
            "page": page,
            "rows": [(switch, _latest(switch, limits), charts[switch.pk]) for switch in rows],
            "grids": Grid.objects.visible_to(request.user).order_by("code"),
            "grid": grid,
            "breached": breached,
            "limits": limits,
            "limit_text": {str(metric): f"{value:g}%" for metric, value in limits.items()},
            "can_report": may(request.user, "switch.report"),
        },
    )


def _latest(switch: Switch, limits) -> dict:
    """The latest figures with whether each is over its threshold."""
    health = getattr(switch, "health", None) if _has_health(switch) else None
    reading = health.latest_reading if health else None
    figures = []
    for metric in Metric.values:
        value = getattr(reading, metric) if reading else None
        figures.append((value, value is not None and value >= limits[metric]))
    return {
        "health": health,
        "reading": reading,
        "figures": figures,
        "order": queries.current_order(health),
    }


def _has_health(switch: Switch) -> bool:
    try:
        switch.health  # noqa: B018 - the reverse one-to-one raises when absent
    except Switch.health.RelatedObjectDoesNotExist:
        return False
    return True


@login_required
def switch_detail(request, code: str):
    switch = queries.switches_for(request.user).filter(code=code).first()
    if switch is None:
        raise Http404
    at = now()
    limits = thresholds()
    return render(
        request,
        "inspections/switches/detail.html",
        {
            "switch": switch,
            "latest": _latest(switch, limits),
            "charts": [
                (label, chart)
                for (_value, label), chart in zip(
                    Metric.choices, _big_charts(switch, at), strict=True
                )
            ],
            "breaches": queries.breaches_of_switch(switch),
            "readings": queries.recent_readings(switch, limit=20),
            "limits": limits,
        },
    )


def _big_charts(switch: Switch, at: dt.datetime) -> list[str]:
    days = _days(at)
    daily = queries.daily_maxima([switch], since=start_of_day(days[0])).get(switch.pk, [])
    limits = thresholds()
    return [
        sparkline(
            [(day, figures[metric]) for day, figures in daily],
            days=days,
            threshold=limits[metric],
            width=360,
            height=80,
        )
        for metric in Metric.values
    ]


# --- the breaches report (R-KPI-2) -------------------------------------------------------------


def _months(request) -> tuple[dt.date, dt.date]:
    """The first and last month of the report (`from`/`to` as YYYY-MM; default: the last six)."""
    today = local_date(now())
    default_from = (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1)

    def month(name: str, default: dt.date) -> dt.date:
        text = request.GET.get(name, "")
        try:
            return dt.datetime.strptime(text, "%Y-%m").date() if text else default  # noqa: DTZ007
        except ValueError:
            return default

    first, last = month("from", default_from), month("to", today.replace(day=1))
    return (first, last) if first <= last else (last, first)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@login_required
def switch_report(request):
    """Switch breaches per month and grid; `?format=csv` or `?format=xlsx` downloads them."""
    if not may(request.user, "switch.report"):
        raise PermissionDenied
    first, last = _months(request)
    rows = queries.breaches_by_month(
        request.user, since=start_of_day(first), until=start_of_day(_next_month(last))
    )
    wanted = request.GET.get("format")
    if wanted == "csv":
        return _csv(rows, first, last)
    if wanted == "xlsx":
        return _xlsx(rows, first, last)
    query = request.GET.copy()
    return render(
        request,
        "inspections/switches/report.html",
        {
            "rows": rows,
            "first": first,
            "last": last,
            "csv_query": _with(query, "csv"),
            "xlsx_query": _with(query, "xlsx"),
        },
    )


def _with(query, fmt: str) -> str:
    query = query.copy()
    query["format"] = fmt
    return query.urlencode()


def _header() -> list[str]:
    return [
        _("Month"),
        _("Grid"),
        _("Grid name"),
        _("Switches over threshold"),
        _("Bandwidth breaches"),
        _("CPU breaches"),
        _("Memory breaches"),
    ]


def _cells(row: dict) -> list:
    return [
        row["month"].strftime("%Y-%m"),
        row["grid"],
        spreadsheet_safe(row["grid_name"]),
        row["switches"],
        row["bandwidth_pct"],
        row["cpu_pct"],
        row["mem_pct"],
    ]


def _filename(first: dt.date, last: dt.date, ext: str) -> str:
    return f"switch-breaches-{first:%Y%m}-{last:%Y%m}.{ext}"


def _csv(rows, first, last) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(first, last, "csv")}"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese text correctly with the BOM
    writer = csv.writer(response)
    writer.writerow(_header())
    for row in rows:
        writer.writerow(_cells(row))
    return response


def _xlsx(rows, first, last) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Switch breaches")[:31]
    sheet.append(_header())
    for row in rows:
        sheet.append(_cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(first, last, "xlsx")}"'
    return response


# --- the order page's section (R-INS-3: the order shows the readings that caused it) ------------


def breach_section(request, order) -> dict | None:
    """The readings that opened or joined this rectification order; None for other orders."""
    if order.order_type != "rectification":
        return None
    breaches = queries.breaches_of_order(order)
    if not breaches:
        return None
    return {"switch_breaches": breaches}
