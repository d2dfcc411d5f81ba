"""The office's appointment desk (R-APT-1..9) and the SMS outbox (R-APT-3..6): read-only pages
for dispatchers, team leaders, branch managers and administrators, scoped through
`WorkOrder.objects.visible_to`. Technicians are refused (403): their own appointments belong to
the technician app."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fiberops.accounts.permissions import may
from fiberops.core.clock import local_date, now, start_of_day
from fiberops.core.errors import DomainError
from fiberops.dispatch import board as board_queries
from fiberops.dispatch import queries
from fiberops.dispatch.actions import pin_order, unpin_order
from fiberops.dispatch.board_plans import grid_plans
from fiberops.dispatch.forms import AppointmentDeskForm, BoardForm, PinForm, ReplanForm
from fiberops.dispatch.plans import plan_day
from fiberops.messaging.models import OutboundMessage
from fiberops.workorders.models import AppointmentOutcome, WorkOrder

OUTBOX_PAGE_SIZE = 50
#: The timeline's hour marks, 08:00 to 20:00.
HOURS = [(hour, (hour - 8) / queries.DAY_HOURS * 100) for hour in range(8, 21, 2)]


def _limited(queryset, limit: int = queries.QUEUE_LIMIT) -> tuple[list, bool]:
    """The first `limit` rows and whether there are more, in one query."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


@login_required
def appointment_desk(request):
    """Sections: the day's timeline, waiting for contact, waiting for a booking, broken
    appointments in a period, pending second appointments."""
    if not may(request.user, "appointment.monitor"):
        raise PermissionDenied
    today = local_date(now())
    form = AppointmentDeskForm(request.GET, today=today)
    form.is_valid()
    day = form.value("day")
    broken_from, broken_to = form.value("broken_from"), form.value("broken_to")
    user = request.user
    waiting_contact, more_contact = _limited(queries.waiting_for_contact(user))
    waiting_booking, more_booking = _limited(queries.waiting_for_booking(user))
    broken, more_broken = _limited(
        queries.broken_appointments(user, date_from=broken_from, date_to=broken_to)
    )
    seconds, more_seconds = _limited(queries.pending_second_appointments(user))
    return render(
        request,
        "dispatch/appointment_desk.html",
        {
            "form": form,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "is_today": day == today,
            "lanes": queries.day_timeline(user, day),
            "hours": HOURS,
            "waiting_contact": waiting_contact,
            "more_contact": more_contact,
            "waiting_booking": waiting_booking,
            "more_booking": more_booking,
            "broken": broken,
            "more_broken": more_broken,
            "broken_from": broken_from,
            "broken_to": broken_to,
            "seconds": seconds,
            "more_seconds": more_seconds,
            "limit": queries.QUEUE_LIMIT,
            "outcomes": AppointmentOutcome.choices,
        },
    )


@login_required
def outbox(request):
    """What the SMS adapter sent (or, simulated, would have sent) to customers of the orders in
    scope, newest first, paged; numbers masked."""
    if not may(request.user, "message.read_outbox"):
        raise PermissionDenied
    messages = (
        OutboundMessage.objects.filter(order__in=queries.visible_orders(request.user).values("pk"))
        .select_related("order__customer")
        .order_by("-created_at", "-id")
    )
    page = Paginator(messages, OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dispatch/outbox.html", {"page": page})


def now_on_axis(current: dt.datetime, day: dt.date) -> float | None:
    """Where "now" falls on the board's 08:00–20:00 axis, in percent; None on another day or
    outside the span."""
    if local_date(current) != day:
        return None
    hours = (current - start_of_day(day)).total_seconds() / 3600 - queries.DAY_STARTS.hour
    return hours / queries.DAY_HOURS * 100 if 0 <= hours <= queries.DAY_HOURS else None


def waited_text(minutes: int) -> str:
    """How long an order has waited, in the unit a dispatcher reads at a glance."""
    if minutes < 120:
        return _("waiting %(minutes)d min") % {"minutes": minutes}
    if minutes < 48 * 60:
        return _("waiting %(hours)d h") % {"hours": minutes // 60}
    return _("waiting %(days)d days") % {"days": minutes // (24 * 60)}


def board_strings() -> dict[str, str]:
    """The texts the board's script shows, in the reader's language."""
    return {
        "suggestions": _("Suggestions"),
        "loading": _("Loading suggestions…"),
        "none": _("No technician the rules allow."),
        "assign": _("Assign"),
        "current": _("Now: %(technician)s, status %(status)s."),
        "unassigned": _("unassigned"),
        "assigned_to": _("assigned to %(technician)s"),
        "score": _("score"),
        "failed": _("The request failed; try again."),
        "assigned": _("Assigned."),
    }


@login_required
def board(request):
    """The dispatcher board (issue 9): the unassigned queue by urgency, the technicians' day
    rows on 08:00–20:00, the map; assigning goes through the API's dispatch/handover (the
    page's script), pinning through `pin`. Roles that may dispatch, within their scope."""
    if not may(request.user, "order.dispatch"):
        raise PermissionDenied
    current = now()
    form = BoardForm(request.GET, user=request.user, today=local_date(current))
    form.is_valid()
    day, grid = form.value("day"), form.value("grid")
    queue_rows = list(
        board_queries.unassigned_queue(request.user, current)[: board_queries.QUEUE_LIMIT + 1]
    )
    queue, more = (
        queue_rows[: board_queries.QUEUE_LIMIT],
        len(queue_rows) > board_queries.QUEUE_LIMIT,
    )
    rows = board_queries.day_rows(request.user, day, grid_id=grid.pk if grid else None)
    grids = [grid] if grid else list({row.technician.team.grid: None for row in rows})
    plans = grid_plans(grids, day)
    board_queries.attach_plans(rows, plans)
    for order in queue:
        order.waited_minutes = board_queries.waiting_minutes(order, current)  # type: ignore[attr-defined]
        order.response_overdue = (  # type: ignore[attr-defined]
            order.waited_minutes > board_queries.RESPONSE_MINUTES  # type: ignore[attr-defined]
        )
        order.waited_text = waited_text(order.waited_minutes)  # type: ignore[attr-defined]
    return render(
        request,
        "dispatch/board.html",
        {
            "form": form,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "grid": grid,
            "queue": queue,
            "more_queue": more,
            "rows": rows,
            "hours": HOURS,
            "now_pct": now_on_axis(current, day),
            "response_minutes": board_queries.RESPONSE_MINUTES,
            "map_data": board_queries.map_data(rows, queue, current),
            "plans": [plans[g.pk] for g in grids],
            "may_replan": may(request.user, "plan.replan"),
            "is_past": day < local_date(current),
            "strings": board_strings(),
            "map_tiles": {
                "url": settings.MAP_TILE_URL,
                "attribution": settings.MAP_TILE_ATTRIBUTION,
            },
        },
    )


@login_required
@require_POST
def pin(request):
    """Pin an assigned order to its technician for the day, or unpin it (issue 9)."""
    form = PinForm(request.POST)
    if not form.is_valid():
        raise Http404
    order = get_object_or_404(
        WorkOrder.objects.visible_to(request.user), pk=form.cleaned_data["order"]
    )
    day = form.cleaned_data["day"]
    try:
        if form.cleaned_data["unpin"]:
            unpin_order(order, actor=request.user)
            messages.success(request, _("Unpinned."))
        else:
            pin_order(order, day=day, actor=request.user)
            messages.success(request, _("Pinned to the technician for the day."))
    except DomainError as error:
        messages.error(request, str(error.message))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = f"{reverse('dispatch:board')}?day={day:%Y-%m-%d}"
    return redirect(back)


@login_required
@require_POST
def replan(request):
    """Plan a grid's day afresh from the board (`plans.plan_day`) and say what came of it."""
    if not may(request.user, "plan.replan"):
        raise PermissionDenied
    form = ReplanForm(request.POST, user=request.user)
    if not form.is_valid():
        raise Http404
    grid, day = form.cleaned_data["grid"], form.cleaned_data["day"]
    try:
        plan = plan_day(grid, day, reason="re-planned from the board", actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        planned = plan.stops.count()
        unplanned = len(plan.plan.get("unassigned", [])) + len(plan.plan.get("set_aside", []))
        values = {
            "grid": grid.name,
            "day": f"{day:%m-%d}",
            "planned": planned,
            "unplanned": unplanned,
            "seconds": plan.solve_seconds,
        }
        if unplanned:
            messages.warning(
                request,
                _(
                    "Re-planned %(grid)s %(day)s: %(planned)d stops planned, %(unplanned)d "
                    "orders could not be planned (see the list). %(seconds).1f s."
                )
                % values,
            )
        else:
            messages.success(
                request,
                _("Re-planned %(grid)s %(day)s: all %(planned)d stops planned. %(seconds).1f s.")
                % values,
            )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = f"{reverse('dispatch:board')}?day={day:%Y-%m-%d}&grid={grid.code}"
    return redirect(back)
