from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaType(models.TextChoices):
    """Urban or rural branch: repair deadlines differ (R-SLA-5)."""

    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
