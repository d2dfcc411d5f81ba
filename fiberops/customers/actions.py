"""The write path of customer files: creating them at intake and logging every unmasking
(R-CUS-1, R-CUS-5). Which order a reveal is for, and whether the actor may see it, is the order
app's business (`workorders.actions.reveal_order_contact`): this app imports no order model."""

from decimal import Decimal

from fiberops.customers.models import Customer, UnmaskEvent

ALL_FIELDS = "name,phone,address,location"


def find_or_create_customer(
    *,
    name: str,
    phone: str,
    address: str,
    lat: Decimal | None = None,
    lng: Decimal | None = None,
    grid=None,
) -> Customer:
    """The customer with this phone at this address, created on first sight."""
    customer, _created = Customer.objects.get_or_create(
        phone=phone,
        address=address,
        defaults={"name": name, "lat": lat, "lng": lng, "grid": grid},
    )
    return customer


def record_unmasking(
    customer: Customer,
    *,
    actor,
    channel: str,
    reason: str = "",
    work_order_id: int | None = None,
    fields: str = ALL_FIELDS,
) -> UnmaskEvent:
    """Log that `actor` saw the customer's full details (R-CUS-5); the caller has checked that
    the actor may."""
    return UnmaskEvent.objects.create(
        customer=customer,
        user=actor,
        work_order_id=work_order_id,
        fields=fields,
        reason=reason[:200],
        channel=channel,
    )
