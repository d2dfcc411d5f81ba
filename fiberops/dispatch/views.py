"""The office's appointment desk (R-APT-1..9) and the SMS outbox (R-APT-3..6): read-only pages
for dispatchers, team leaders, branch managers and administrators, scoped through
`WorkOrder.objects.visible_to`. Technicians are refused (403): their own appointments belong to
the technician app."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from fiberops.accounts.permissions import may
from fiberops.core.clock import local_date, now
from fiberops.dispatch import queries
from fiberops.dispatch.forms import AppointmentDeskForm
from fiberops.messaging.models import OutboundMessage
from fiberops.workorders.models import AppointmentOutcome

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
