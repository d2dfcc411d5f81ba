"""Write path for customer contact (R-APT-2, R-SLA-4)."""

from django.db import transaction
from django.utils.translation import gettext as _

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.core.errors import IllegalTransition, NotPermitted
from fiberops.dispatch.models import ContactAttempt
from fiberops.sla import actions as sla
from fiberops.sla.choices import DeadlineKind
from fiberops.workorders.actions import action_time, check_scope, is_owner, lock_order, record_event
from fiberops.workorders.models import EventKind, WorkOrder
from fiberops.workorders.states import OWNED, Status

CONTACT_STATUSES = OWNED | {Status.COMPLETED}


@transaction.atomic
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
    locked = lock_order(order)
    check_scope(locked, actor)
    if actor.role != Role.TECHNICIAN or not is_owner(locked, actor):
        raise NotPermitted(_("Only the technician the order is assigned to may do this."))
    if locked.status not in CONTACT_STATUSES:
        raise IllegalTransition(
            _("Contact attempts are logged only while the order is being worked."),
            action="contact_attempt",
            status=locked.status,
        )
    at = action_time(occurred_at, locked)
    attempt = ContactAttempt.objects.create(
        order=locked,
        by=actor,
        channel=channel,
        outcome=outcome,
        note=note,
        recording_ref=recording_ref,
        occurred_at=at,
    )
    if locked.first_contact_at is None:
        locked.first_contact_at = at
        locked.save(update_fields=["first_contact_at", "updated_at"])
        sla.meet_deadline(locked, DeadlineKind.CONTACT, at)
    record_event(
        locked,
        EventKind.CONTACT_ATTEMPT,
        actor=actor,
        occurred_at=at,
        action="contact_attempt",
        note=note,
        channel=channel,
        outcome=outcome,
        recording_ref=recording_ref,
    )
    return attempt
