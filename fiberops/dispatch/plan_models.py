"""Stored day plans (日计划) and the days waiting to be re-planned (issue 9).

Kept out of `models.py` so the plans merge apart from the board's work; `models.py` imports them
so Django finds them. docs/dispatch.md, "Stored plans and re-planning", says how they are made.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fiberops.workforce.models import ScopedQuerySet


class PlanStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    SUPERSEDED = "superseded", _("Superseded")


class DayPlanQuerySet(ScopedQuerySet):
    branch_path = "grid__branch_id"
    team_path = "grid__teams"
    technician_user_path = "stops__technician__user"

    def team_scope(self, user) -> Q:
        return Q(grid__teams=user.team_id)

    def visible_to(self, user):
        # Through the grid's teams and a technician's stops a plan could repeat: one row each.
        return super().visible_to(user).distinct()

    def current(self):
        return self.filter(status=PlanStatus.CURRENT)


class DayPlan(models.Model):
    """One grid's plan for one day (网格日计划): the problem given to the solver and its answer,
    as JSON in the file format of docs/dispatch.md, plus the stops as rows. A new plan of the
    same grid and day supersedes the previous one, which is kept (never edited) for history."""

    grid = models.ForeignKey(
        "workforce.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="plans"
    )
    work_on = models.DateField(_("day planned"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.CURRENT
    )
    reason = models.CharField(_("reason for planning"), max_length=200)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    feasible = models.BooleanField(_("every job planned"))
    time_limit_s = models.DecimalField(_("solver time limit (s)"), max_digits=5, decimal_places=2)
    solve_seconds = models.FloatField(_("time taken (s)"))
    problem = models.JSONField(_("problem"))
    plan = models.JSONField(_("plan"))

    objects = DayPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("day plan")
        verbose_name_plural = _("day plans")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "work_on"],
                condition=Q(status="current"),
                name="dayplan_one_current_per_grid_day",
            )
        ]
        indexes = [models.Index(fields=["grid", "work_on"], name="dayplan_grid_day")]

    def __str__(self) -> str:
        return f"{self.grid.code} {self.work_on} ({self.status})"


class PlannedStop(models.Model):
    """One stop of a technician's planned route: which order, in which place of the route, and
    when (arrival at the customer, start and end of the work). `is_started`: the technician had
    set off for it or was on site when the plan was made — it stays first in their route."""

    plan = models.ForeignKey(
        DayPlan, verbose_name=_("day plan"), on_delete=models.CASCADE, related_name="stops"
    )
    technician = models.ForeignKey(
        "workforce.Technician",
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        related_name="planned_stops",
    )
    order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="planned_stops",
    )
    sequence = models.PositiveSmallIntegerField(_("place in the route"))
    arrival_at = models.DateTimeField(_("planned arrival"))
    starts_at = models.DateTimeField(_("planned start"))
    ends_at = models.DateTimeField(_("planned end"))
    is_started = models.BooleanField(_("started when planned"), default=False)
    is_urgent = models.BooleanField(_("inserted as urgent"), default=False)

    class Meta:
        verbose_name = _("planned stop")
        verbose_name_plural = _("planned stops")
        ordering = ["plan", "technician", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="plannedstop_order_once"),
            models.UniqueConstraint(
                fields=["plan", "technician", "sequence"], name="plannedstop_sequence"
            ),
        ]
        indexes = [models.Index(fields=["order", "plan"], name="plannedstop_order")]

    def __str__(self) -> str:
        return f"{self.technician_id} #{self.sequence}: {self.order_id}"


class PlanRequest(models.Model):
    """A grid's day waiting to be re-planned (待重排): written in the transaction of the change
    (a booking, a dispatch, a return, a handover) and claimed by the SLA worker's tick."""

    grid = models.ForeignKey(
        "workforce.Grid", verbose_name=_("grid"), on_delete=models.CASCADE, related_name="+"
    )
    work_on = models.DateField(_("day to re-plan"))
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("re-plan request")
        verbose_name_plural = _("re-plan requests")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "work_on"], name="planrequest_grid_day")
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.work_on}"
