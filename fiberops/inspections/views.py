"""Pages of inspections (R-INS-1/2/4, R-RES-3, R-KPI-2): the order page's 巡检 section
(registered in `workorders.sections.ORDER_PAGE_SECTIONS`), `/inspections/` (plans and their
latest rounds) and `/inspections/reports/` (coverage and open discrepancies, with CSV and Excel
downloads). Thin: reads through `queries`, scoped by `visible_to`."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from fiberops.accounts.permissions import may
from fiberops.core.clock import local_date, now
from fiberops.core.exports import spreadsheet_safe
from fiberops.inspections.forms import ReportFilterForm
from fiberops.inspections.models import Discrepancy, InspectionPlan
from fiberops.inspections.queries import (
    CoverageRow,
    DiscrepancyRow,
    coverage,
    inspection_state,
    open_discrepancies_by_grid,
    open_discrepancy_list,
    rounds_for,
)
from fiberops.workorders.models import WorkOrder
from fiberops.workorders.states import OrderType


def inspection_section(request: HttpRequest, order: WorkOrder) -> dict | None:
    """The order page's inspection section: the checklist's state, the log, transfers and, for
    a resource check, the area's elements (None: not a planned inspection). Other order types
    cost no query."""
    if order.order_type != OrderType.INSPECTION:
        return None
    state = inspection_state(order)
    if state is None:
        return None
    return {"inspection": state, "now": now()}


def _require_report(request: HttpRequest) -> None:
    if not may(request.user, "inspection.report"):
        raise PermissionDenied


@login_required
def inspections_page(request: HttpRequest) -> HttpResponse:
    """Plans (they are operator-wide data) and the latest rounds in the user's scope."""
    _require_report(request)
    plans = InspectionPlan.objects.prefetch_related("grids").order_by("name", "id")
    return render(
        request,
        "inspections/index.html",
        {"plans": plans, "rounds": list(rounds_for(request.user)), "now": now()},
    )


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    """Coverage per branch/grid/plan/period and open discrepancies by grid; `?format=csv` or
    `?format=xlsx` downloads the same rows."""
    _require_report(request)
    at = now()
    form = ReportFilterForm(request.GET, today=local_date(at))
    rows: list[CoverageRow] = []
    discrepancies: list[DiscrepancyRow] = []
    open_list: list[Discrepancy] = []
    if form.is_valid():
        rows = coverage(
            request.user,
            now=at,
            since=form.cleaned_data["since"],
            until=form.cleaned_data["until"],
        )
        discrepancies = open_discrepancies_by_grid(request.user)
        open_list = open_discrepancy_list(request.user)
        export = request.GET.get("format")
        if export in ("csv", "xlsx"):
            tables = _tables(rows, discrepancies, open_list)
            return _csv(tables) if export == "csv" else _xlsx(tables)
    query = request.GET.copy()
    query.pop("format", None)
    planned = sum(row.planned for row in rows)
    completed = sum(row.completed for row in rows)
    return render(
        request,
        "inspections/reports.html",
        {
            "form": form,
            "rows": rows,
            "discrepancies": discrepancies,
            "open_list": open_list,
            "query": query.urlencode(),
            "planned": planned,
            "completed": completed,
            "on_time": sum(row.on_time for row in rows),
            "overdue": sum(row.overdue for row in rows),
            "coverage_pct": round(100 * completed / planned, 1) if planned else None,
        },
    )


Table = tuple[str, list[str], list[list[object]]]


def _tables(
    rows: list[CoverageRow], discrepancies: list[DiscrepancyRow], open_list: list[Discrepancy]
) -> list[Table]:
    return [
        (
            _("Inspection coverage"),
            [
                _("Branch"),
                _("Grid code"),
                _("Grid"),
                pgettext("inspection", "Plan"),
                _("Period start"),
                _("Period end"),
                _("Planned rounds"),
                _("Completed"),
                _("On time"),
                _("Overdue"),
                _("Coverage (%)"),
            ],
            [
                [
                    row.branch,
                    row.grid_code,
                    row.grid_name,
                    row.plan,
                    row.period_start.isoformat(),
                    row.period_end.isoformat(),
                    row.planned,
                    row.completed,
                    row.on_time,
                    row.overdue,
                    row.coverage_pct,
                ]
                for row in rows
            ],
        ),
        (
            _("Open discrepancies"),
            [_("Branch"), _("Grid code"), _("Grid"), _("Open discrepancies")],
            [[d.branch, d.grid_code, d.grid_name, d.open] for d in discrepancies],
        ),
        (
            _("Open discrepancies in detail"),
            [
                _("Grid code"),
                _("Element kind"),
                _("Element code"),
                _("Field"),
                _("Expected (recorded)"),
                _("Found on site"),
                _("Recorded at"),
                _("Recorded by"),
                _("Work order"),
            ],
            [
                [
                    d.grid.code,
                    d.element_kind,
                    d.element_code,
                    d.field,
                    d.expected,
                    d.found,
                    localtime(d.recorded_at).strftime("%Y-%m-%d %H:%M"),
                    d.recorded_by.get_full_name() or d.recorded_by.get_username(),
                    d.round.order.bss_order_no,
                ]
                for d in open_list
            ],
        ),
    ]


def _csv(tables: list[Table]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inspections.csv"'
    response.write("\ufeff")  # the BOM: Excel opens UTF-8 Chinese text correctly with it
    writer = csv.writer(response)
    for index, (title, header, body) in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([[spreadsheet_safe(value) for value in line] for line in body])
    return response


def _xlsx(tables: list[Table]) -> HttpResponse:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, header, body in tables:
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for line in body:
            sheet.append([spreadsheet_safe(value) for value in line])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="inspections.xlsx"'
    return response
