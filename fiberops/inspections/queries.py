"""Reads of inspections: an order's inspection as it stands (checklist, log, transfers, element
checks), the coverage report per branch/grid/plan/period and open discrepancies by grid (R-KPI-2).
Each costs a fixed number of queries; the reports are one aggregate query each, scoped by
`visible_to(user)`."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from fiberops.inspections.elements import Element, area_elements
from fiberops.inspections.models import (
    Department,
    Discrepancy,
    DiscrepancyStatus,
    ElementCheck,
    InspectionLogEntry,
    InspectionRound,
    LogKind,
    PlanChecklistItem,
    PlanKind,
    Transfer,
)
from fiberops.inspections.switch_models import SwitchHealth, SwitchReading
from fiberops.network.models import Switch
from fiberops.workorders.models import WorkOrder


@dataclass
class ChecklistRow:
    item: PlanChecklistItem
    latest: InspectionLogEntry | None


@dataclass
class ElementRow:
    element: Element
    latest: ElementCheck | None
    open_discrepancies: list[Discrepancy] = field(default_factory=list)


@dataclass
class SwitchRow:
    """A switch of the grid on its monthly check (R-INS-3): its latest reading and whether that
    breached (`SwitchHealth`), and whether the technician logged it on this round."""

    switch: Switch
    health: SwitchHealth | None
    inspected: bool

    @property
    def latest_reading(self) -> SwitchReading | None:
        return self.health.latest_reading if self.health else None

    @property
    def is_breached(self) -> bool:
        return bool(self.health and self.health.is_breached)

    @property
    def is_unreachable(self) -> bool:
        return bool(self.health and self.health.is_unreachable)

    @property
    def open_order_id(self) -> int | None:
        return self.health.open_order_id if self.health else None


@dataclass
class InspectionState:
    round: InspectionRound
    checklist: list[ChecklistRow]
    log: list[InspectionLogEntry]
    transfers: list[Transfer]
    elements: list[ElementRow]
    discrepancies: list[Discrepancy]
    switches: list[SwitchRow] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return sum(1 for row in self.checklist if row.latest is not None)

    @property
    def elements_checked(self) -> int:
        return sum(1 for row in self.elements if row.latest is not None)

    @property
    def switches_inspected(self) -> int:
        return sum(1 for row in self.switches if row.inspected)


def _health(switch: Switch) -> SwitchHealth | None:
    try:
        return switch.health
    except Switch.health.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


def grid_switches(inspection: InspectionRound, log: list[InspectionLogEntry]) -> list[SwitchRow]:
    """The grid's switches with their health and latest reading, in one query."""
    logged = {entry.element_code for entry in log if entry.element_code}
    switches = (
        Switch.objects.filter(grid_id=inspection.grid_id)
        .select_related("health", "health__latest_reading")
        .order_by("code")
    )
    return [SwitchRow(switch, _health(switch), switch.code in logged) for switch in switches]


def inspection_round(order: WorkOrder) -> InspectionRound | None:
    return (
        InspectionRound.objects.select_related("plan", "grid__branch")
        .filter(order_id=order.pk)
        .first()
    )


def inspection_state(order: WorkOrder) -> InspectionState | None:
    """The order's inspection (None: not a planned inspection), in seven queries; a resource
    check adds the area's elements (a query per element kind and one of checks), a monthly
    switch check the grid's switches with their latest readings (one)."""
    found = inspection_round(order)
    if found is None:
        return None
    items = list(found.plan.checklist_items.filter(is_active=True).order_by("position", "id"))
    log = list(found.log.select_related("recorded_by").order_by("recorded_at", "id"))
    latest: dict[str, InspectionLogEntry] = {}
    for entry in log:
        if entry.kind == LogKind.CHECKLIST:
            latest[entry.item_code] = entry
    transfers = list(found.transfers.select_related("transferred_by"))
    discrepancies = list(found.discrepancies.select_related("recorded_by").order_by("id"))
    elements: list[ElementRow] = []
    if found.plan.checks_elements:
        checks: dict[tuple[str, str], ElementCheck] = {}
        for check in found.element_checks.select_related("checked_by").order_by("checked_at", "id"):
            checks[(check.element_kind, check.element_code)] = check
        for element in area_elements(found.grid):
            key = (element.kind, element.code)
            elements.append(
                ElementRow(
                    element,
                    checks.get(key),
                    [
                        d
                        for d in discrepancies
                        if (d.element_kind, d.element_code) == key
                        and d.status == DiscrepancyStatus.OPEN
                    ],
                )
            )
    switches = grid_switches(found, log) if found.plan.kind == PlanKind.SWITCH_MONTHLY else []
    return InspectionState(
        round=found,
        checklist=[ChecklistRow(item, latest.get(item.code)) for item in items],
        log=[entry for entry in log if entry.kind != LogKind.CHECKLIST],
        transfers=transfers,
        elements=elements,
        discrepancies=discrepancies,
        switches=switches,
    )


def describe_inspection_event(data: dict) -> str:
    """The timeline's label of an inspection event ("巡检记录 · 更换设备 · WH01-FX-001")."""
    parts = []
    entry = data.get("entry")
    if entry in LogKind.values:
        parts.append(str(LogKind(entry).label))
    department = data.get("department")
    if department in Department.values:
        parts.append(str(Department(department).label))
    if data.get("element"):
        parts.append(str(data["element"]))
    return " · ".join(parts)


# --- reports (R-KPI-2) -----------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    branch: str
    grid_code: str
    grid_name: str
    plan: str
    period_start: dt.date
    period_end: dt.date
    planned: int
    completed: int
    on_time: int
    overdue: int

    @property
    def coverage_pct(self) -> float:
        """Share of the planned rounds done (the areas covered), in per cent."""
        return round(100 * self.completed / self.planned, 1) if self.planned else 0.0


def coverage(
    user, *, now: dt.datetime, since: dt.date | None = None, until: dt.date | None = None
) -> list[CoverageRow]:
    """Inspection completion and coverage per branch, grid, plan and period (one query):
    planned rounds, completed (the order's work is done), on time (done by the due time),
    overdue (not done and past due, or done late)."""
    rounds = InspectionRound.objects.visible_to(user)
    if since is not None:
        rounds = rounds.filter(period_end__gte=since)
    if until is not None:
        rounds = rounds.filter(period_start__lte=until)
    done = Q(order__completed_at__isnull=False)
    rows = (
        rounds.values(
            "grid__branch__name",
            "grid__code",
            "grid__name",
            "plan__name",
            "period_start",
            "period_end",
        )
        .annotate(
            planned=Count("id"),
            completed=Count("id", filter=done),
            on_time=Count("id", filter=done & Q(order__completed_at__lte=F("due_at"))),
            overdue=Count(
                "id",
                filter=Q(order__completed_at__isnull=True, due_at__lt=now)
                | Q(order__completed_at__gt=F("due_at")),
            ),
        )
        .order_by("-period_start", "grid__branch__name", "grid__code", "plan__name")
    )
    return [
        CoverageRow(
            branch=row["grid__branch__name"],
            grid_code=row["grid__code"],
            grid_name=row["grid__name"],
            plan=row["plan__name"],
            period_start=row["period_start"],
            period_end=row["period_end"],
            planned=row["planned"],
            completed=row["completed"],
            on_time=row["on_time"],
            overdue=row["overdue"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class DiscrepancyRow:
    branch: str
    grid_code: str
    grid_name: str
    open: int


def open_discrepancies_by_grid(user) -> list[DiscrepancyRow]:
    """Open discrepancies per grid in the user's scope (one query)."""
    rows = (
        Discrepancy.objects.visible_to(user)
        .filter(status=DiscrepancyStatus.OPEN)
        .values("grid__branch__name", "grid__code", "grid__name")
        .annotate(open=Count("id"))
        .order_by("grid__branch__name", "grid__code")
    )
    return [
        DiscrepancyRow(
            branch=row["grid__branch__name"],
            grid_code=row["grid__code"],
            grid_name=row["grid__name"],
            open=row["open"],
        )
        for row in rows
    ]


def open_discrepancy_list(user, *, limit: int = 500) -> list[Discrepancy]:
    """The open discrepancies themselves in the user's scope, by grid then oldest first (one
    query): what the resource office has to fix (R-RES-3)."""
    return list(
        Discrepancy.objects.visible_to(user)
        .filter(status=DiscrepancyStatus.OPEN)
        .select_related("grid__branch", "recorded_by", "round__order")
        .order_by("grid__branch__name", "grid__code", "recorded_at", "id")[:limit]
    )


def rounds_for(user, *, limit: int = 200):
    """The latest rounds in the user's scope with their order and plan (one query)."""
    return (
        InspectionRound.objects.visible_to(user)
        .select_related("plan", "grid__branch", "order__technician")
        .order_by("-period_start", "grid__code", "plan__name")[:limit]
    )
