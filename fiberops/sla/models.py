"""The SLA clock's tables: the working-day calendar, deadlines and alerts (R-SLA-1..7)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fiberops.accounts.choices import Role
from fiberops.accounts.permissions import is_role
from fiberops.core.models import AppendOnlyModel
from fiberops.sla.choices import (
    AlertKind,
    CalendarSource,
    DeadlineKind,
    DeadlineState,
    SweepProblemKind,
)


class CalendarYear(models.Model):
    """A year whose statutory calendar is known (法定节假日已发布). Years without a row fall back
    to Mon–Fri and every deadline in them carries a visible warning (R-SLA-7)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=16, choices=CalendarSource.choices)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day of a covered year that is not an ordinary Mon–Fri day: a holiday on a weekday or a
    make-up working day (调休) at the weekend. Loaded from the chinesecalendar package."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("statutory calendar day")
        verbose_name_plural = _("statutory calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'holiday'}"


class CalendarOverride(models.Model):
    """An administrator's correction of one day (e.g. next year's holidays announced in November);
    overrides win over the package data."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'holiday'}"


#: Clocks the sweeper watches: running, not yet breached, not paused by a customer's suspension.
OPEN = Q(
    met_at__isnull=True, breached_at__isnull=True, voided_at__isnull=True, paused_at__isnull=True
)


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(OPEN)

    def due_for_breach(self, now):
        """Uses the partial index `deadline_open_due`: closed deadlines are never scanned."""
        return self.filter(OPEN, due_at__lte=now)

    def due_for_warning(self, now):
        return self.filter(OPEN, warned_at__isnull=True, warn_at__lte=now)


class Deadline(models.Model):
    """One SLA clock of one order, stored so the sweeper can find what falls due by index."""

    order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DeadlineKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    #: Set while the order is suspended at the customer's request; resuming extends the clock.
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    used_calendar_fallback = models.BooleanField(_("used Mon–Fri fallback"), default=False)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at"]
        constraints = [
            # One running clock per kind. A finished one (met or voided) stays beside a new one:
            # a re-dispatched order's first response clock is the first technician's record.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(met_at__isnull=True, voided_at__isnull=True),
                name="deadline_one_running_per_kind",
            ),
            models.CheckConstraint(
                name="deadline_warn_not_after_due", condition=Q(warn_at__lte=models.F("due_at"))
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=OPEN, name="deadline_open_due"),
            models.Index(
                fields=["warn_at"],
                condition=OPEN & Q(warned_at__isnull=True),
                name="deadline_open_unwarned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.kind}"

    def state_at(self, now) -> str:
        """The state shown to users; `state_q` is its SQL twin. A breach stays visible after the
        work is done, as "met late" (R-SLA-6); a cancelled order's clock is void (its
        `breached_at` stays for the statistics)."""
        if self.met_at:
            late = self.breached_at is not None or self.met_at > self.due_at
            return DeadlineState.MET_LATE if late else DeadlineState.MET
        if self.voided_at:
            return DeadlineState.VOID
        if self.breached_at:
            return DeadlineState.BREACHED
        if self.paused_at:
            return DeadlineState.PAUSED
        if now >= self.due_at:
            return DeadlineState.BREACHED
        if now >= self.warn_at:
            return DeadlineState.WARNING
        return DeadlineState.PENDING


def state_q(state: str, now) -> Q:
    """Deadlines in `state` at `now`, as a filter: the SQL twin of `Deadline.state_at`
    (a test checks the two agree on every combination)."""
    met = Q(met_at__isnull=False)
    late_met = met & (Q(breached_at__isnull=False) | Q(met_at__gt=F("due_at")))
    running = Q(met_at__isnull=True, voided_at__isnull=True)
    late = running & (Q(breached_at__isnull=False) | Q(paused_at__isnull=True, due_at__lte=now))
    ticking = running & Q(breached_at__isnull=True, paused_at__isnull=True)
    conditions = {
        DeadlineState.MET: met & ~late_met,
        DeadlineState.MET_LATE: late_met,
        DeadlineState.VOID: Q(met_at__isnull=True, voided_at__isnull=False),
        DeadlineState.BREACHED: late,
        DeadlineState.PAUSED: running & Q(breached_at__isnull=True, paused_at__isnull=False),
        DeadlineState.WARNING: ticking & Q(due_at__gt=now, warn_at__lte=now),
        DeadlineState.PENDING: ticking & Q(warn_at__gt=now, due_at__gt=now),
    }
    return conditions[DeadlineState(state)]


class SlaAlertQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Alerts of the orders `user` may read, plus the escalations to the leader's team. The
        order model is reached through the deadline's foreign key: `sla` imports no order app."""
        order_model = Deadline._meta.get_field("order").related_model
        orders = order_model._default_manager.visible_to(user).values("pk")  # type: ignore[union-attr,attr-defined]
        scope = models.Q(deadline__order__in=orders)
        if is_role(user, Role.TEAM_LEADER) and user.team_id:
            scope |= models.Q(escalated_to_team_id=user.team_id)
        return self.filter(scope)

    def open(self):
        """On the desk: neither acknowledged nor resolved by the clock being met or voided."""
        return self.filter(acknowledged_at__isnull=True, resolved_at__isnull=True)


class SlaAlert(models.Model):
    """A warning or breach raised by the sweeper, once per deadline and kind (R-SLA-6).
    Response breaches escalate to the team leader of the assigned technician (R-SLA-1)."""

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    raised_at = models.DateTimeField(_("raised at"))
    escalated_to_team = models.ForeignKey(
        "workforce.Team",
        verbose_name=_("escalated to team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    resolved_at = models.DateTimeField(
        _("resolved at"),
        null=True,
        blank=True,
        help_text=_("When the clock was met or voided: the alert leaves the desk by itself."),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    objects = SlaAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("SLA alert")
        verbose_name_plural = _("SLA alerts")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "kind"], name="sla_alert_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.deadline}"


class DeadlineRevision(AppendOnlyModel):
    """Append-only record of a running clock's due time moved by a calendar change (R-SLA-7);
    the order's timeline shows it."""

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="revisions"
    )
    revised_at = models.DateTimeField(_("revised at"))
    due_before = models.DateTimeField(_("due before"))
    due_after = models.DateTimeField(_("due after"))
    reason = models.CharField(_("reason"), max_length=64, default="calendar")

    class Meta:
        verbose_name = _("deadline revision")
        verbose_name_plural = _("deadline revisions")
        ordering = ["revised_at", "id"]

    def __str__(self) -> str:
        return f"{self.deadline} {self.due_before} → {self.due_after}"


class SweepProblem(models.Model):
    """A deadline the sweeper could not record (时限扫描异常), R-SLA-6: a stored value it cannot
    read, or a write the database refuses. The row is skipped and the rest of its batch swept;
    each tick tries it again on its own (`last_seen_at`, `times_seen`) and the first tick that
    handles it (fixed, met or voided) sets `resolved_at`. At most one open problem per
    deadline; `stage` is what the last failed attempt was recording."""

    deadline = models.ForeignKey(
        Deadline,
        verbose_name=_("deadline"),
        on_delete=models.CASCADE,
        related_name="sweep_problems",
    )
    stage = models.CharField(
        _("stage"),
        max_length=16,
        choices=AlertKind.choices,
        help_text=_(
            "What the sweeper was recording when it failed: the breach or the 80 % warning."
        ),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SweepProblemKind.choices)
    error = models.TextField(_("error"))
    first_seen_at = models.DateTimeField(_("first seen at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    times_seen = models.PositiveIntegerField(_("times seen"), default=1)
    resolved_at = models.DateTimeField(
        _("resolved at"),
        null=True,
        blank=True,
        help_text=_("When a tick handled the deadline again (fixed, met or voided)."),
    )

    class Meta:
        verbose_name = _("sweep problem")
        verbose_name_plural = _("sweep problems")
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"],
                condition=Q(resolved_at__isnull=True),
                name="sweep_problem_one_open_per_deadline",
            )
        ]

    def __str__(self) -> str:
        # The deadline by id only: loading it may be what fails.
        return f"{self.stage} {self.deadline_id}: {self.kind}"
