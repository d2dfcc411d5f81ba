"""Contact with the customer before the visit (R-APT-2, R-SLA-4). Appointments, call recordings
and route plans join this app later (ROADMAP 1 and 3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactChannel(models.TextChoices):
    APP_CALL = "app_call", _("Call from the app (recorded)")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    VISIT = "visit", _("In person")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    DECLINED = "declined", _("Declined")


class ContactAttempt(models.Model):
    """One attempt to reach the customer (联系记录). The first one meets the contact clock,
    whatever the outcome: trying is what the standard asks within the time."""

    order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="contact_attempts",
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT)
    channel = models.CharField(_("channel"), max_length=16, choices=ContactChannel.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ContactOutcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recording_ref = models.CharField(_("call recording reference"), max_length=128, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["occurred_at"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.channel} {self.outcome}"


def describe_contact(data: dict) -> str:
    """The timeline's label of a contact attempt: "电话 · 未接通"."""
    channel, outcome = data.get("channel"), data.get("outcome")
    if channel not in ContactChannel.values:
        return ""
    outcome_label = ContactOutcome(outcome).label if outcome in ContactOutcome.values else ""
    return f"{ContactChannel(channel).label} · {outcome_label}"


class DayPin(models.Model):
    """A dispatcher's pin (锁定) of an order to its technician for one day (issue 9): the day
    planner (`dispatch/planning`, docs/dispatch.md) keeps a pinned order on that technician's
    route and never moves it to another. One pin per order; unpinning deletes the row. Written
    only by `dispatch.actions.pin_order`/`unpin_order`."""

    order = models.OneToOneField(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="day_pin",
    )
    technician = models.ForeignKey(
        "workforce.Technician",
        verbose_name=_("technician"),
        on_delete=models.CASCADE,
        related_name="day_pins",
    )
    day = models.DateField(_("day"))
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pinned by"), on_delete=models.PROTECT
    )
    pinned_at = models.DateTimeField(_("pinned at"))

    class Meta:
        verbose_name = _("pinned assignment")
        verbose_name_plural = _("pinned assignments")
        indexes = [models.Index(fields=["day", "technician"], name="daypin_day_technician")]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.technician_id} {self.day}"


# Stored day plans (issue 9) live in their own module; imported here so Django finds them.
from fiberops.dispatch.plan_models import DayPlan, PlannedStop, PlanRequest, PlanStatus  # noqa: E402, F401
