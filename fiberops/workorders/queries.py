"""Read-side questions about orders that more than one caller asks (the API and the pages)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet

from fiberops.sla import queries as sla_queries
from fiberops.workorders.models import Appointment, AppointmentOutcome, WorkOrder
from fiberops.workorders.states import Status

#: What a technician still has to do something about: owned work, and completed work waiting
#: for the customer's confirmation. Suspended orders stay out of the queue until resumed.
QUEUE_STATUSES = (
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.APPOINTED,
    Status.EN_ROUTE,
    Status.ON_SITE,
    Status.COMPLETED,
)


#: Orderings that apps above `workorders` put before the queue's own (dispatch: the stop order of
#: today's plan, issue 9), registered in their `AppConfig.ready` so this app imports none of them.
#: A hook takes the queryset, the user and the time and returns it (annotated as it needs) with
#: the expressions to order by first. It must add no query of its own (a subquery is fine).
QUEUE_ORDERING_HOOKS: dict[str, Callable[[QuerySet, Any, dt.datetime], tuple[QuerySet, list]]] = {}


def technician_queue(user, now: dt.datetime):
    """The signed-in technician's open orders, most urgent first: late clocks, then clocks in
    warning; within that, second appointments (R-APT-7: they go first in every queue); then by
    appointment start (orders without one after), then the nearest running due time. Before all
    that come the orderings of `QUEUE_ORDERING_HOOKS` (today's planned route, when there is one)."""
    orders = (
        WorkOrder.objects.visible_to(user)
        .filter(technician__user=user, status__in=QUEUE_STATUSES)
        .with_api_relations()
    )
    orders = sla_queries.order_by_urgency(orders, now).annotate(
        has_second_appointment=Exists(
            Appointment.objects.filter(
                order=OuterRef("pk"), is_second=True, outcome=AppointmentOutcome.PENDING
            )
        )
    )
    first: list = []
    for hook in QUEUE_ORDERING_HOOKS.values():
        orders, keys = hook(orders, user, now)
        first.extend(keys)
    return orders.order_by(
        *first,
        F("sla_rank").asc(),
        F("has_second_appointment").desc(),
        F("appointment_starts_at").asc(nulls_last=True),
        F("next_due_at").asc(nulls_last=True),
        "id",
    )
