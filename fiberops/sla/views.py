"""The alert desk: warnings and breaches in scope, to acknowledge (R-SLA-1, R-SLA-6)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fiberops.accounts.permissions import may
from fiberops.core.clock import now
from fiberops.core.errors import DomainError, NotPermitted
from fiberops.sla.actions import acknowledge_alert
from fiberops.sla.choices import AlertKind
from fiberops.sla.models import SlaAlert


@login_required
def alert_list(request):
    alerts = SlaAlert.objects.visible_to(request.user).select_related(
        "deadline__order__grid",
        "deadline__order__technician",
        "escalated_to_team",
        "acknowledged_by",
    )
    show_all = request.GET.get("show") == "all"
    if not show_all:
        alerts = alerts.filter(acknowledged_at__isnull=True)
    kind = request.GET.get("kind")
    if kind in {"warning", "breach"}:
        alerts = alerts.filter(kind=kind)
    page = Paginator(alerts.order_by("-raised_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "sla/alert_list.html",
        {
            "page": page,
            "show_all": show_all,
            "kind": kind or "",
            "kinds": AlertKind.choices,
            "may_acknowledge": may(request.user, "alert.acknowledge"),
        },
    )


@login_required
@require_POST
def acknowledge(request, pk):
    alert = get_object_or_404(SlaAlert.objects.visible_to(request.user), pk=pk)
    try:
        acknowledge_alert(alert, actor=request.user, at=now())
    except NotPermitted as refused:
        raise PermissionDenied from refused
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Alert acknowledged."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("sla:alerts")
    return redirect(target)
