from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    """The SLA clocks an order can carry (R-SLA-1..5); rules in docs/sla.md."""

    RESPONSE = "response", _("Response (15 min)")
    CONTACT = "contact", _("Customer contact")
    SURVEY = "survey", _("Survey")
    INSTALL = "install", _("Installation")
    REPAIR = "repair", _("Repair")
    #: A planned inspection round's period end (R-INS-4): the due time is the round's, not a rule.
    INSPECTION = "inspection", _("Inspection")


class DeadlineState(models.TextChoices):
    PENDING = "pending", _("On track")
    WARNING = "warning", _("Due soon")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")
    MET_LATE = "met_late", _("Met late")
    VOID = "void", _("Void")
    PAUSED = "paused", _("Paused (customer's request)")


class AlertKind(models.TextChoices):
    WARNING = "warning", _("Warning (80 %)")
    BREACH = "breach", _("Breach")


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar package")
    MANUAL = "manual", _("Entered by an administrator")


class SweepProblemKind(models.TextChoices):
    """Why the sweeper skipped a deadline (R-SLA-6)."""

    UNREADABLE = "unreadable", _("Unreadable: a stored value is malformed")
    CONFLICT = "conflict", _("Conflict: the database refused the write (e.g. the alert exists)")
    ERROR = "error", _("Other error")
