"""What FiberOps told customers (SMS) and the calls it placed for technicians (R-APT-2..6).

The operator's SMS gateway and privacy-number (隐私号) call service plug in as backends
(`backends.py`, settings `SMS_BACKEND`, `TELEPHONY_BACKEND`); by default both are simulated and
the outbox page shows what would have been sent. Every message is kept here either way."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    BOOKED = "booked", _("Appointment booked")
    RESCHEDULED = "rescheduled", _("Appointment moved (apology)")
    RECONFIRMED = "reconfirmed", _("Visit reconfirmed")
    RUNNING_LATE = "running_late", _("Running late")
    SERVICE_NOTE = "service_note", _("Service note left")


class OutboundMessage(models.Model):
    """One SMS to a customer about an order. The number is the customer's on file, not copied
    here: the outbox shows it masked."""

    order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)
    text = models.CharField(_("text"), max_length=500)
    backend = models.CharField(_("sent through"), max_length=64)
    reference = models.CharField(_("gateway reference"), max_length=128, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to a customer")
        verbose_name_plural = _("messages to customers")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
