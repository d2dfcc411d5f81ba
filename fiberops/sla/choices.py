from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    """The SLA clocks an order can carry (R-SLA-1..5); rules in docs/sla.md."""

    RESPONSE = "response", _("Response (15 min)")
    CONTACT = "contact", _("Customer contact")
    SURVEY = "survey", _("Survey")
    INSTALL = "install", _("Installation")
    REPAIR = "repair", _("Repair")


class DeadlineState(models.TextChoices):
    PENDING = "pending", _("On track")
    WARNING = "warning", _("Due soon")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")
    MET_LATE = "met_late", _("Met late")
    VOID = "void", _("Void")


class AlertKind(models.TextChoices):
    WARNING = "warning", _("Warning (80 %)")
    BREACH = "breach", _("Breach")


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar package")
    MANUAL = "manual", _("Entered by an administrator")
