"""The guard sequence every write on an order passes (docs/architecture.md, "The write kernel"):
role → lock → scope → owner → status → business time. This module is the only code that locks a
work order; every app's actions that change an order start with `guard_order`.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext as _

from fiberops.accounts.choices import Role
from fiberops.accounts.permissions import REFUSALS, is_role, may
from fiberops.core.clock import now as clock_now
from fiberops.core.errors import IllegalTransition, NotPermitted, RuleViolation
from fiberops.workorders.models import CHANGE_EVENTS, WorkOrder

#: Device clocks drift; an `occurred_at` further ahead of the server than this is refused.
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)


def require(actor, permission: str, message: str | None = None) -> None:
    """Refuse (403) unless the actor's role may do `permission` (accounts/permissions.py)."""
    if not may(actor, permission):
        raise NotPermitted(
            message or REFUSALS.get(permission) or _("You are not allowed to do this.")
        )


def lock_order(order: WorkOrder) -> WorkOrder:
    """Lock the order row. NO KEY UPDATE: the sweeper inserting rows that reference this order
    (which takes KEY SHARE on it) is not blocked, so the two cannot deadlock on PostgreSQL."""
    return (
        WorkOrder.objects.select_for_update(no_key=True)
        .select_related("grid__branch")
        .get(pk=order.pk)
    )


def check_scope(order: WorkOrder, actor) -> None:
    """Second guard behind the views' `visible_to` fetch: out of scope is refused."""
    if not WorkOrder.objects.visible_to(actor).filter(pk=order.pk).exists():
        raise NotPermitted(_("This order is outside your scope."))


def is_owner(order: WorkOrder, actor) -> bool:
    technician = getattr(actor, "technician", None)
    return technician is not None and order.technician_id == technician.pk


def require_owner(order: WorkOrder, actor) -> None:
    if not is_owner(order, actor):
        raise NotPermitted(_("Only the technician the order is assigned to may do this."))


def require_status(order: WorkOrder, statuses: Collection[str], action: str, message) -> None:
    """`message`: a text, or a function of the locked order giving one."""
    if order.status not in statuses:
        text = message(order) if callable(message) else message
        raise IllegalTransition(text, action=action, status=order.status)


def action_time(occurred_at: dt.datetime | None, order: WorkOrder | None = None) -> dt.datetime:
    """The business time of an action: the device's `occurred_at` (offline replay) or now.

    A device time may not lie in the future, nor before the order's last change (its creation,
    last transition or handover): SLA clocks must not be met, or started, by backdating.
    """
    current = clock_now()
    if occurred_at is None:
        return current
    if occurred_at > current + MAX_CLOCK_SKEW:
        raise RuleViolation(
            _("The time of the action lies in the future."), code="occurred_at_in_future"
        )
    if order is not None:
        last_change = order.events.filter(kind__in=CHANGE_EVENTS).aggregate(at=Max("occurred_at"))[
            "at"
        ]
        if last_change is not None and occurred_at < last_change:
            raise RuleViolation(
                _("The time of the action lies before the order's last change."),
                code="occurred_at_before_last_change",
            )
    return occurred_at


@dataclass(frozen=True)
class Guarded:
    """A locked order and the business time of the action on it."""

    order: WorkOrder
    at: dt.datetime


def guard_order(
    order: WorkOrder,
    *,
    actor,
    permission: str,
    action: str,
    statuses: Collection[str] | None,
    status_message,
    occurred_at: dt.datetime | None,
    owner_only: bool = False,
    message: str | None = None,
) -> Guarded:
    """Run the guard sequence and return the locked order with the action's time.

    `owner_only`: only the assigned technician may act. Technicians are always held to their own
    orders, whatever `owner_only` says. Call inside the action's transaction.
    """
    require(actor, permission, message)
    locked = lock_order(order)
    check_scope(locked, actor)
    if owner_only or is_role(actor, Role.TECHNICIAN):
        require_owner(locked, actor)
    if statuses is not None:
        require_status(locked, statuses, action, status_message)
    return Guarded(locked, action_time(occurred_at, locked))
