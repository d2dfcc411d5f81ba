"""The alert desk: warnings and breaches in scope, to acknowledge (R-SLA-1, R-SLA-6)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, F, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fiberops.accounts.permissions import may
from fiberops.core.clock import now
from fiberops.core.errors import DomainError, NotPermitted
from fiberops.sla.actions import acknowledge_alert, acknowledge_alerts
from fiberops.sla.choices import AlertKind
from fiberops.sla.forms import AlertFilterForm
from fiberops.sla.models import SlaAlert

PAGE_SIZE = 30

#: When the alert's event happened: a breach at the deadline's due time, a warning at its warn
#: time. `raised_at` is when the sweeper noticed it, later when the sweeper was behind.
HAPPENED_AT = Case(
    When(kind=AlertKind.BREACH, then=F("deadline__due_at")), default=F("deadline__warn_at")
)


@login_required
def alert_list(request):
    """Open alerts in scope (neither acknowledged nor resolved by the clock being met or
    voided), newest first by when they happened; "include handled" shows all."""
    form = AlertFilterForm(request.GET or None, user=request.user)
    alerts = form.filter(SlaAlert.objects.visible_to(request.user))
    alerts = alerts.annotate(happened_at=HAPPENED_AT).select_related(
        "deadline__order__grid",
        "deadline__order__technician",
        "escalated_to_team",
        "acknowledged_by",
    )
    page = Paginator(alerts.order_by("-happened_at", "-raised_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sla/alert_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "seen_at": now().isoformat(),
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
    return _back(request)


@login_required
@require_POST
def acknowledge_selected(request):
    """Acknowledge the ticked alerts (`alert` ids), or with `matching` every alert matching the
    filter in the query string that was raised before the page was shown (`seen_at`). Only
    alerts in the user's scope are touched: other ids are ignored like unknown ones."""
    if not may(request.user, "alert.acknowledge"):
        raise PermissionDenied
    alerts = SlaAlert.objects.visible_to(request.user)
    if request.POST.get("matching"):
        alerts = AlertFilterForm(request.GET, user=request.user).filter(alerts)
        seen_at = parse_datetime(request.POST.get("seen_at", ""))
        if seen_at is not None and seen_at.tzinfo is not None:
            alerts = alerts.filter(raised_at__lte=seen_at)
    else:
        ids = [int(value) for value in request.POST.getlist("alert") if value.isdigit()]
        if not ids:
            messages.warning(request, _("Select the alerts to acknowledge."))
            return _back(request)
        alerts = alerts.filter(pk__in=ids)
    try:
        count = acknowledge_alerts(alerts, actor=request.user, at=now())
    except NotPermitted as refused:
        raise PermissionDenied from refused
    messages.success(
        request,
        ngettext("%(count)d alert acknowledged.", "%(count)d alerts acknowledged.", count)
        % {"count": count},
    )
    return _back(request)


def _back(request) -> HttpResponseRedirect:
    """To the page the form came from (`next`), never off the site."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("sla:alerts")
    return redirect(target)
