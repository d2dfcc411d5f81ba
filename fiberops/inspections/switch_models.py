"""Switch readings as a time series, the breaches they caused and each switch's poll health
(交换机检查, R-INS-3, R-KPI-2). Imported at the end of `inspections/models.py`.

Written only by `inspections/switch_actions.py`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReadingSource(models.TextChoices):
    SNMP = "snmp", _("SNMP poll")
    API = "api", _("API")
    CSV = "csv", _("CSV import")


class Metric(models.TextChoices):
    """The figures of a reading that have a threshold (R-INS-3: each must stay *below* it)."""

    BANDWIDTH = "bandwidth_pct", _("Uplink bandwidth utilisation")
    CPU = "cpu_pct", _("CPU load")
    MEMORY = "mem_pct", _("Memory use")


def _percent(verbose_name):
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, null=True, blank=True)


class SwitchReading(models.Model):
    """One reading of a switch (交换机检查): uplink utilisation, CPU and memory in percent at
    `measured_at`. Append-only; a figure the source did not give is empty."""

    switch = models.ForeignKey(
        "network.Switch",
        verbose_name=_("switch"),
        on_delete=models.CASCADE,
        related_name="readings",
    )
    measured_at = models.DateTimeField(_("measured at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    bandwidth_pct = _percent(_("uplink bandwidth (%)"))
    cpu_pct = _percent(_("CPU (%)"))
    mem_pct = _percent(_("memory (%)"))
    source = models.CharField(_("source"), max_length=8, choices=ReadingSource.choices)
    is_breach = models.BooleanField(_("over a threshold"), default=False)

    class Meta:
        verbose_name = _("switch reading")
        verbose_name_plural = _("switch readings")
        ordering = ["switch", "measured_at", "id"]
        indexes = [models.Index(fields=["switch", "measured_at"], name="switchreading_switch_time")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(bandwidth_pct__isnull=True) | models.Q(bandwidth_pct__range=(0, 100)))
                    & (models.Q(cpu_pct__isnull=True) | models.Q(cpu_pct__range=(0, 100)))
                    & (models.Q(mem_pct__isnull=True) | models.Q(mem_pct__range=(0, 100)))
                ),
                name="switchreading_percent_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.switch_id} {self.measured_at:%Y-%m-%d %H:%M}"


class SwitchBreach(models.Model):
    """A figure of a reading at or over its threshold (R-INS-3), and the network-rectification
    order (网络整治工单) it opened or joined — none for a reading that arrived too late to act on
    (`SWITCH_BREACH_MAX_AGE_HOURS`)."""

    switch = models.ForeignKey(
        "network.Switch", verbose_name=_("switch"), on_delete=models.CASCADE, related_name="+"
    )
    reading = models.ForeignKey(
        SwitchReading, verbose_name=_("reading"), on_delete=models.CASCADE, related_name="breaches"
    )
    metric = models.CharField(_("metric"), max_length=16, choices=Metric.choices)
    value = models.DecimalField(_("value (%)"), max_digits=5, decimal_places=2)
    threshold = models.DecimalField(_("threshold (%)"), max_digits=5, decimal_places=2)
    order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("rectification order"),
        on_delete=models.PROTECT,
        related_name="switch_breaches",
        null=True,
        blank=True,
        help_text=_(
            "Empty for a reading older than SWITCH_BREACH_MAX_AGE_HOURS: recorded, no order."
        ),
    )
    opened_order = models.BooleanField(_("opened the order"), default=False)

    class Meta:
        verbose_name = _("switch breach")
        verbose_name_plural = _("switch breaches")
        ordering = ["reading__measured_at", "id"]
        indexes = [models.Index(fields=["switch", "order"], name="switchbreach_switch_order")]

    def __str__(self) -> str:
        return f"{self.switch_id} {self.metric} {self.value}"


class SwitchHealth(models.Model):
    """Where a switch stands (one row per switch): its latest reading, whether that breached,
    the rectification order its breaches go to while open, and how its last poll went —
    `is_unreachable` when the agent did not answer (timeout after the retries), with the reason;
    `poll_note` when it answered but its counters gave no believable bandwidth figure.

    `open_order` is where the next breach goes; it may be completed, confirmed, closed or
    cancelled by now (it is replaced at the next breach) — read it through
    `switch_queries.current_order`, which answers it only while it is still open."""

    switch = models.OneToOneField(
        "network.Switch",
        verbose_name=_("switch"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="health",
    )
    latest_reading = models.ForeignKey(
        SwitchReading,
        verbose_name=_("latest reading"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_breached = models.BooleanField(_("latest reading over a threshold"), default=False)
    open_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("rectification order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_answered_at = models.DateTimeField(_("last answered at"), null=True, blank=True)
    is_unreachable = models.BooleanField(_("unreachable"), default=False)
    unreachable_reason = models.CharField(_("reason"), max_length=200, blank=True)
    poll_note = models.CharField(
        _("poll note"),
        max_length=200,
        blank=True,
        help_text=_("Why the last answered poll stored no bandwidth figure (a counter reset …)."),
    )

    class Meta:
        verbose_name = _("switch health")
        verbose_name_plural = _("switch health")
        indexes = [models.Index(fields=["is_breached"], name="switchhealth_breached")]

    def __str__(self) -> str:
        return str(self.switch_id)
