"""Write path for customer contact (R-APT-2, R-SLA-4) and the board's pins (issue 9)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from fiberops.accounts.models import User
from fiberops.core.errors import RuleViolation
from fiberops.dispatch.models import ContactAttempt, DayPin
from fiberops.dispatch.plans import note_order_change
from fiberops.messaging.actions import place_call
from fiberops.messaging.backends import Call
from fiberops.workorders import events
from fiberops.workorders.actions import note_first_contact
from fiberops.workorders.guards import guard_order
from fiberops.workorders.models import WorkOrder
from fiberops.workorders.states import OWNED, Status

#: An order can be pinned while it has a technician and its visit is still to come.
PINNABLE = frozenset({Status.DISPATCHED, Status.ACCEPTED, Status.APPOINTED})

CONTACT_STATUSES = OWNED | {Status.COMPLETED}


@transaction.atomic(durable=True)
def record_contact_attempt(
    order: WorkOrder,
    *,
    channel: str,
    outcome: str,
    note: str = "",
    recording_ref: str = "",
    actor: User,
    occurred_at=None,
) -> ContactAttempt:
    """Log a contact attempt by the order's technician; the first meets the contact clock."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="order.record_contact",
        action="contact_attempt",
        statuses=CONTACT_STATUSES,
        status_message=_("Contact attempts are logged only while the order is being worked."),
        occurred_at=occurred_at,
        owner_only=True,
    )
    locked, at = guarded.order, guarded.at
    attempt = ContactAttempt.objects.create(
        order=locked,
        by=actor,
        channel=channel,
        outcome=outcome,
        note=note,
        recording_ref=recording_ref,
        occurred_at=at,
    )
    note_first_contact(locked, at)
    events.contact_attempted(
        locked,
        actor=actor,
        at=at,
        channel=channel,
        outcome=outcome,
        note=note,
        recording_ref=recording_ref,
    )
    return attempt


@transaction.atomic(durable=True)
def call_customer(order: WorkOrder, *, actor: User) -> Call:
    """Place the order's technician's call to the customer through the call service (R-APT-2:
    booking and rebooking calls go through the app so that they are recorded). Nothing is logged
    yet: the technician logs the outcome with the recording reference as a contact attempt."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="order.record_contact",
        action="call",
        statuses=CONTACT_STATUSES,
        status_message=_("Calls are placed only while the order is being worked."),
        occurred_at=None,
        owner_only=True,
    )
    locked = guarded.order
    if locked.customer is None:
        raise RuleViolation(_("This order has no customer to call."), code="no_customer")
    technician = locked.technician
    return place_call(locked, technician_phone=technician.phone if technician else "")


@transaction.atomic(durable=True)
def pin_order(order: WorkOrder, *, day: dt.date, actor: User) -> DayPin:
    """Pin the order to its current technician for `day` (issue 9): the day planner keeps it
    there. Pinning again moves the pin to the new day or technician. Dispatchers, team leaders,
    branch managers and administrators, within scope."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="order.dispatch",
        action="pin",
        statuses=PINNABLE,
        status_message=_("Only an assigned order whose visit is still to come can be pinned."),
        occurred_at=None,
    )
    locked, at = guarded.order, guarded.at
    if locked.technician is None:
        raise RuleViolation(_("Only an assigned order can be pinned."), code="not_assigned")
    before = DayPin.objects.filter(order=locked).values_list("day", flat=True).first()
    pin, _created = DayPin.objects.update_or_create(
        order=locked,
        defaults={
            "technician": locked.technician,
            "day": day,
            "pinned_by": actor,
            "pinned_at": at,
        },
    )
    # The planner reads pins: the day pinned (and a day the pin left) is planned again.
    note_order_change(locked, "pin", at, frozenset({day} | ({before} if before else set())))
    return pin


@transaction.atomic(durable=True)
def unpin_order(order: WorkOrder, *, actor: User) -> None:
    """Remove the order's pin, if any: the planner may move it again."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="order.dispatch",
        action="unpin",
        statuses=None,
        status_message="",
        occurred_at=None,
    )
    pinned = list(DayPin.objects.filter(order=guarded.order).values_list("day", flat=True))
    DayPin.objects.filter(order=guarded.order).delete()
    if pinned:
        note_order_change(guarded.order, "unpin", guarded.at, frozenset(pinned))
