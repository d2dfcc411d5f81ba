"""Telling the customer (R-APT-3, R-APT-5, R-APT-6): called by the order's verbs inside their
transaction, so a refused action sends nothing."""

from fiberops.messaging.backends import Call, sms_backend, telephony_backend
from fiberops.messaging.models import OutboundMessage


def send_to_customer(order, *, kind: str, text: str, sent_by=None) -> OutboundMessage:
    """Send `text` to the order's customer and keep it. `order` is a work order with its
    customer (duck-typed: this app does not import workorders)."""
    backend = sms_backend()
    sent = backend.send(order.customer.phone if order.customer_id else "", text)
    return OutboundMessage.objects.create(
        order=order,
        kind=kind,
        text=text[:500],
        backend=backend.name,
        reference=sent.reference,
        sent_by=sent_by,
    )


def place_call(order, *, technician_phone: str) -> Call:
    """Connect the technician to the customer through the call service: the number to dial and
    the recording's reference, for the contact attempt (R-APT-2)."""
    return telephony_backend().call(technician_phone, order.customer.phone)
