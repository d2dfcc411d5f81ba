"""Revealing personal information is an action, and each one is logged (R-CUS-5)."""

from django.utils.translation import gettext as _

from fiberops.accounts.choices import UNMASK_ROLES
from fiberops.accounts.models import User
from fiberops.core.errors import NotPermitted, RuleViolation
from fiberops.customers.models import Customer, UnmaskEvent
from fiberops.workorders.models import WorkOrder


def reveal_customer_contact(
    order: WorkOrder, *, actor: User, reason: str = "", channel: str = "web"
) -> Customer:
    """Return the order's customer with full phone and address, logging who saw it and why.
    The caller has fetched `order` through `visible_to(actor)`."""
    if actor.role not in UNMASK_ROLES and not actor.is_superuser:
        raise NotPermitted(_("Your role may not see customers' full contact details."))
    if not WorkOrder.objects.visible_to(actor).filter(pk=order.pk).exists():
        raise NotPermitted(_("This order is outside your scope."))
    if order.customer is None:
        raise RuleViolation(_("This order has no customer."), code="no_customer")
    UnmaskEvent.objects.create(
        customer=order.customer,
        user=actor,
        work_order=order,
        fields="name,phone,address,location",
        reason=reason[:200],
        channel=channel,
    )
    return order.customer
