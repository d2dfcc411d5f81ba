"""The 履约率 page (R-APT-9, R-KPI-1) and its CSV export: the same rows as the API."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fiberops.accounts.permissions import may
from fiberops.core.clock import now
from fiberops.core.exports import spreadsheet_safe
from fiberops.reporting.forms import FulfilmentForm
from fiberops.reporting.queries import Row, fulfilment, month_so_far


@login_required
def fulfilment_page(request):
    """A period (default: this month so far, Shanghai), a grouping, the rows worst first;
    `?format=csv` answers the same rows as a CSV file (UTF-8 with BOM, for Excel)."""
    if not may(request.user, "kpi.read"):
        raise PermissionDenied
    at = now()
    form = FulfilmentForm(request.GET, default_period=month_so_far(at))
    rows: list[Row] = []
    if form.is_valid():
        rows = fulfilment(
            request.user,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            by=form.cleaned_data["by"],
            now=at,
        )
        if request.GET.get("format") == "csv":
            return _csv(rows, form)
    query = request.GET.copy()
    query["format"] = "csv"
    total_due = sum(row.due for row in rows)
    total_kept = sum(row.kept for row in rows)
    return render(
        request,
        "reporting/fulfilment.html",
        {
            "form": form,
            "rows": [(row, percent(row.rate)) for row in rows],
            "csv_query": query.urlencode(),
            "total_due": total_due,
            "total_kept": total_kept,
            "total_rate": percent(total_kept / total_due if total_due else None),
        },
    )


def percent(rate: float | None) -> str:
    """87.5% with one decimal; "—" when nothing was due."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _csv(rows: list[Row], form: FulfilmentForm) -> HttpResponse:
    data = form.cleaned_data
    filename = f"fulfilment-{data['by']}-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # the BOM: Excel opens UTF-8 Chinese text correctly with it
    writer = csv.writer(response)
    writer.writerow(
        [
            pgettext("kpi", "Code"),
            pgettext("kpi", "Name"),
            _("Appointments due"),
            _("Appointments kept"),
            _("Fulfilment rate"),
        ]
    )
    for row in rows:
        rate = "" if row.rate is None else f"{row.rate:.4f}"
        writer.writerow(
            [spreadsheet_safe(row.key), spreadsheet_safe(row.name), row.due, row.kept, rate]
        )
    return response
