"""Server-rendered pages for office staff: order list, order detail, dispatch (thin views)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fiberops.accounts.permissions import may
from fiberops.core.clock import now
from fiberops.core.errors import DomainError
from fiberops.sla import queries as sla_queries
from fiberops.workorders import actions
from fiberops.workorders.forms import DispatchForm, ManualOrderForm, OrderFilterForm, ReasonForm
from fiberops.workorders.models import SuspensionInitiator, WorkOrder
from fiberops.workorders.sections import page_sections
from fiberops.workorders.states import TRANSITIONS
from fiberops.workorders.timeline import order_timeline

#: Lifecycle buttons offered on the order page (the rest need forms that come with later work).
SIMPLE_ACTIONS = ["accept", "depart", "arrive", "complete", "confirm", "close", "resume"]
REASON_ACTIONS = ["suspend", "cancel", "return"]


@login_required
def order_create(request):
    """Manual creation (R-ORD-2): a customer's call to the desk, a dispatcher's own job."""
    if not may(request.user, "order.create_manual"):
        raise PermissionDenied
    form = ManualOrderForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            order = actions.create_manual_order(
                actor=request.user, data=form.to_intake(accepted_at=now())
            )
        except DomainError as error:
            _refusal(request, error)
        else:
            messages.success(
                request, _("Order %(number)s created.") % {"number": order.bss_order_no}
            )
            return redirect("workorders:detail", pk=order.pk)
    return render(request, "workorders/order_form.html", {"form": form})


@login_required
def order_list(request):
    """Orders in scope, most urgent first: late clocks, then clocks due soon, then by the next
    due time (a dispatcher's order of work)."""
    form = OrderFilterForm(request.GET or None, user=request.user)
    orders = WorkOrder.objects.visible_to(request.user).with_list_relations()
    current = now()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            orders = orders.filter(bss_order_no__icontains=data["q"].strip())
        if data["status"]:
            orders = orders.filter(status=data["status"])
        if data["order_type"]:
            orders = orders.filter(order_type=data["order_type"])
        if data["grid"]:
            orders = orders.filter(grid=data["grid"])
        if data["sla"]:
            orders = sla_queries.filter_sla_state(orders, data["sla"], current)
    orders = sla_queries.order_by_urgency(orders, current)
    page = Paginator(orders, 25).get_page(request.GET.get("page"))
    rows = [(order, sla_queries.worst_state(order.deadlines.all(), current)) for order in page]
    query = request.GET.copy()
    query.pop("page", None)
    may_create = may(request.user, "order.create_manual")
    return render(
        request,
        "workorders/order_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "may_create": may_create,
        },
    )


def _visible_order(request, pk) -> WorkOrder:
    return get_object_or_404(
        WorkOrder.objects.visible_to(request.user).select_related(
            "grid__branch", "customer", "technician__team", "splitter_port__box"
        ),
        pk=pk,
    )


def _may(user, action: str) -> bool:
    return may(user, f"order.{action}")


def _visits(order: WorkOrder) -> dict:
    """The last check-in, and whether a service note was left on any visit (R-APT-8)."""
    visits = list(order.visits.order_by("checked_in_recorded_at", "id"))
    return {
        "visit": visits[-1] if visits else None,
        "service_note_left": any(v.note_left_at for v in visits),
    }


@login_required
def order_detail(request, pk):
    order = _visible_order(request, pk)
    current = now()
    clocks = list(order.deadlines.all())
    deadlines = [(d, d.state_at(current)) for d in clocks]
    allowed = [a for a in TRANSITIONS if order.status in TRANSITIONS[a].sources]
    context = {
        "order": order,
        "deadlines": deadlines,
        "appointments": list(order.appointments.all()),
        **_visits(order),
        "events": order_timeline(order),
        "calendar_warning": sla_queries.calendar_warning(clocks),
        "dispatch_form": (
            DispatchForm(order=order, user=request.user)
            if "dispatch" in allowed and _may(request.user, "dispatch")
            else None
        ),
        "simple_actions": [
            (a, TRANSITIONS[a].label)
            for a in SIMPLE_ACTIONS
            if a in allowed and _may(request.user, a)
        ],
        "reason_actions": [
            (a, TRANSITIONS[a].label)
            for a in REASON_ACTIONS
            if a in allowed and _may(request.user, a)
        ],
        "revealed": request.session.pop(f"revealed-{order.pk}", None),
        "sections": page_sections(request, order),
    }
    return render(request, "workorders/order_detail.html", context)


def _refusal(request, error: DomainError) -> None:
    """The refusal in the reader's language; the stable code is for the API, not for people."""
    messages.error(request, str(error.message))


@login_required
@require_POST
def dispatch_order(request, pk):
    order = _visible_order(request, pk)
    form = DispatchForm(request.POST, order=order, user=request.user)
    if not form.is_valid():
        errors = form.errors.get("technician") or [_("Choose a technician from the list.")]
        messages.error(request, str(errors[0]))
        return redirect("workorders:detail", pk=pk)
    try:
        actions.dispatch_order(
            order,
            technician=form.cleaned_data["technician"],
            actor=request.user,
            borrow_reason=form.cleaned_data["borrow_reason"],
        )
    except DomainError as error:
        _refusal(request, error)
    else:
        messages.success(
            request, _("Dispatched to %(name)s.") % {"name": form.cleaned_data["technician"].name}
        )
    return redirect("workorders:detail", pk=pk)


@login_required
@require_POST
def order_action(request, pk, action):
    order = _visible_order(request, pk)
    if action not in SIMPLE_ACTIONS + REASON_ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("workorders:detail", pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    details = {}
    if action == "suspend":
        # A suspension at the customer's request pauses the clocks (docs/sla.md).
        details["initiated_by"] = (
            SuspensionInitiator.CUSTOMER
            if request.POST.get("customer_request")
            else SuspensionInitiator.OPERATOR
        )
    try:
        actions.perform(order, action, actor=request.user, reason=reason, **details)
    except DomainError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": TRANSITIONS[action].label})
    return redirect("workorders:detail", pk=pk)


@login_required
@require_POST
def reveal_contact(request, pk):
    order = _visible_order(request, pk)
    try:
        customer = actions.reveal_order_contact(
            order, actor=request.user, reason=request.POST.get("reason", ""), channel="web"
        )
    except DomainError as error:
        _refusal(request, error)
    else:
        # Shown once on the next page view, never stored beyond the session's single read.
        request.session[f"revealed-{order.pk}"] = {
            "phone": customer.phone,
            "address": customer.address,
            "name": customer.name,
        }
    return redirect("workorders:detail", pk=pk)
