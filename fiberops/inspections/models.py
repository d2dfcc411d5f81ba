"""Inspections and network health (巡检, R-INS-1..4): inspection plans and their orders, switch
readings and the breaches that open rectification orders. The switch readings' models live in
`switch_models.py` and are imported at the end of this module so Django finds them.

Plans are data (R-INS-4): the kind, the interval in months, the grids (maintenance areas) a plan
covers and its checklist are edited in the admin. The worker turns each active plan, grid and
period into one `InspectionRound` with its work order (`actions.generate_inspection_orders`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fiberops.core.models import AppendOnlyModel
from fiberops.workforce.models import ScopedQuerySet, Team


class PlanKind(models.TextChoices):
    """What a plan inspects (网络维护: 巡检, 交换机检查, 资源核查, 资产盘点). How often is the
    plan's `interval_months` (the standard: lines and equipment every 2 months, the
    equipment/lines/machine-room check every 3, switches every month)."""

    LINES_EQUIPMENT = "lines_equipment", _("Lines and equipment inspection")
    QUARTERLY = "quarterly", _("Equipment, lines and machine-room check")
    SWITCH_MONTHLY = "switch_monthly", _("Switch check")
    RESOURCE_CHECK = "resource_check", _("Resource check")
    ASSET_INVENTORY = "asset_inventory", _("Asset inventory")


#: Kinds whose checklist is the list of network elements of the area (R-RES-3).
ELEMENT_KINDS = frozenset({PlanKind.RESOURCE_CHECK, PlanKind.ASSET_INVENTORY})


class InspectionPlan(models.Model):
    """An inspection plan (巡检计划): what is inspected, how often, in which grids (R-INS-1/2/4).

    Periods run `interval_months` calendar months from `starts_on` (a first day of a month): with
    2 months from 2026-01-01 the periods are Jan–Feb, Mar–Apr, … Each period's round is due at the
    end of its last day (Shanghai)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=PlanKind.choices)
    interval_months = models.PositiveSmallIntegerField(
        _("interval (months)"), help_text=_("One round per grid every this many months.")
    )
    grids = models.ManyToManyField(
        "workforce.Grid",
        verbose_name=_("grids"),
        related_name="inspection_plans",
        blank=True,
        help_text=_("The maintenance areas the plan covers."),
    )
    starts_on = models.DateField(
        _("first period starts on"), help_text=_("The first day of a month.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                name="inspection_plan_interval_1_to_12",
                condition=Q(interval_months__gte=1, interval_months__lte=12),
            ),
            models.CheckConstraint(
                name="inspection_plan_starts_on_first_day", condition=Q(starts_on__day=1)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def checks_elements(self) -> bool:
        """A resource check or asset inventory: its checklist is the area's network elements."""
        return self.kind in ELEMENT_KINDS


class PlanChecklistItem(models.Model):
    """One item of a plan's checklist (e.g. 设备清洁, 散热良好, 无飞线/光纤无下垂, 标签齐全正确)."""

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="checklist_items",
    )
    code = models.SlugField(_("code"), max_length=32)
    label = models.CharField(_("label"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_checklist_item_code")
        ]

    def __str__(self) -> str:
        return self.label


class RoundQuerySet(ScopedQuerySet):
    branch_path = "grid__branch_id"
    technician_user_path = "order__technician__user_id"

    def team_scope(self, user) -> Q:
        return Q(grid_id__in=Team.objects.filter(pk=user.team_id).values("grid_id"))


class InspectionRound(models.Model):
    """One plan's inspection of one grid in one period, and the work order that carries it. The
    unique (plan, grid, period_start) makes generation idempotent even for two workers at once
    (R-INS-4)."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="rounds"
    )
    grid = models.ForeignKey(
        "workforce.Grid",
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="inspection_rounds",
    )
    period_start = models.DateField(_("period starts on"))
    period_end = models.DateField(_("period ends on"), help_text=_("The period's last day."))
    due_at = models.DateTimeField(_("due at"))
    order = models.OneToOneField(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="inspection_round",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-period_start", "plan", "grid"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "grid", "period_start"], name="inspection_round_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.grid.code} {self.period_start:%Y-%m}"


class LogKind(models.TextChoices):
    CHECKLIST = "checklist", _("Checklist item checked")
    INSPECTED = "inspected", _("Element inspected")
    REPLACED = "replaced", _("Equipment replaced")
    REPAIRED = "repaired", _("Fault repaired")


class InspectionLogEntry(AppendOnlyModel):
    """One line of an inspection order's log (巡检记录, R-INS-1/2): a checklist item checked, an
    element inspected, equipment replaced or a fault repaired. Append-only."""

    round = models.ForeignKey(
        InspectionRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="log"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LogKind.choices)
    item_code = models.CharField(_("checklist item"), max_length=32, blank=True)
    is_ok = models.BooleanField(_("in order"), null=True, blank=True)
    element_kind = models.CharField(_("element kind"), max_length=32, blank=True)
    element_code = models.CharField(_("element code"), max_length=64, blank=True)
    fault_kind = models.CharField(_("fault kind"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("inspection log entry")
        verbose_name_plural = _("inspection log entries")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.element_code or self.item_code}"


class Department(models.TextChoices):
    """Departments responsible outside the maintenance scope (R-ORD-5)."""

    LINE_CENTRE = "line_centre", _("Line centre")
    TRANSMISSION = "transmission", _("Transmission")
    POWER_ENVIRONMENT = "power_environment", _("Power and environment")
    CORE_NETWORK = "core_network", _("Core network")


class Transfer(AppendOnlyModel):
    """A finding outside the maintenance scope handed to the responsible department (转专业处理,
    R-ORD-5): who, when, to whom and why. Append-only; the order's timeline shows it."""

    round = models.ForeignKey(
        InspectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="transfers",
    )
    department = models.CharField(_("department"), max_length=24, choices=Department.choices)
    element_kind = models.CharField(_("element kind"), max_length=32, blank=True)
    element_code = models.CharField(_("element code"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("transferred by"), on_delete=models.PROTECT
    )
    transferred_at = models.DateTimeField(_("transferred at"))

    class Meta:
        verbose_name = _("transfer to another department")
        verbose_name_plural = _("transfers to other departments")
        ordering = ["transferred_at", "id"]

    def __str__(self) -> str:
        return f"{self.department}: {self.reason[:40]}"


class ElementCheck(AppendOnlyModel):
    """A network element confirmed or corrected on site during a resource check or an asset
    inventory (核查/盘点, R-RES-3). Elements are named by kind and code, so kinds added later
    (OLT, PON port, splitter) fit without a schema change."""

    round = models.ForeignKey(
        InspectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="element_checks",
    )
    element_kind = models.CharField(_("element kind"), max_length=32)
    element_code = models.CharField(_("element code"), max_length=64)
    is_confirmed = models.BooleanField(
        _("confirmed as recorded"), help_text=_("False: a discrepancy was found.")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT
    )
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("element check")
        verbose_name_plural = _("element checks")
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"{self.element_kind} {self.element_code}"


class DiscrepancyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FIXED = "fixed", _("Fixed")


class DiscrepancyQuerySet(ScopedQuerySet):
    branch_path = "grid__branch_id"
    technician_user_path = "round__order__technician__user_id"

    def team_scope(self, user) -> Q:
        return Q(grid_id__in=Team.objects.filter(pk=user.team_id).values("grid_id"))


class Discrepancy(models.Model):
    """A difference between the resource records and what the technician found (资源差异,
    R-RES-3). `status` changes only through `actions.fix_discrepancy`; every change is a
    `DiscrepancyEvent`."""

    round = models.ForeignKey(
        InspectionRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="discrepancies",
    )
    grid = models.ForeignKey(
        "workforce.Grid",
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="discrepancies",
    )
    check_row = models.ForeignKey(
        ElementCheck,
        verbose_name=_("element check"),
        on_delete=models.PROTECT,
        related_name="discrepancies",
    )
    element_kind = models.CharField(_("element kind"), max_length=32)
    element_code = models.CharField(_("element code"), max_length=64)
    field = models.CharField(_("field"), max_length=32)
    expected = models.CharField(_("expected (recorded)"), max_length=200, blank=True)
    found = models.CharField(_("found on site"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=DiscrepancyStatus.choices,
        default=DiscrepancyStatus.OPEN,
        db_index=True,
    )
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)

    objects = DiscrepancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.element_code} {self.field}: {self.expected} → {self.found}"


class DiscrepancyEventKind(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    FIXED = "fixed", _("Fixed")


class DiscrepancyEvent(AppendOnlyModel):
    """The history of a discrepancy: recorded, fixed (append-only)."""

    discrepancy = models.ForeignKey(
        Discrepancy, verbose_name=_("discrepancy"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DiscrepancyEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("discrepancy event")
        verbose_name_plural = _("discrepancy events")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.discrepancy_id} {self.kind}"


from fiberops.inspections.switch_models import *  # noqa: E402, F403 — the switch readings' models
