"""The one write path of inspections (R-INS-1/2/4, R-RES-3, R-ORD-5).

- `generate_inspection_orders(now)`: the worker's tick (`sla.hooks.TICK_HOOKS`) and
  `manage.py generate_inspections` create one order per active plan, grid and current period
  through `workorders.actions.create_inspection_order`; the round's unique (plan, grid,
  period_start) and the order's unique number make a repeat or a concurrent worker a no-op.
- On the order: `record_log_entry` (checklist items, elements inspected, equipment replaced,
  faults repaired), `transfer_finding` (to another department), `record_element_check` (a resource
  check or inventory: confirmed, or corrected with one `Discrepancy` per field).
- `fix_discrepancy`: the resource office fixes it: the found value becomes the element's record
  (`network.actions.correct_element`) and the fix an event, in one transaction.

Actions on an order run `workorders.guards.guard_order` (which locks it) and write their
`OrderEvent` through `workorders.events`, in one durable transaction with their own rows.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fiberops.accounts.models import User
from fiberops.core.clock import end_of_day, local_date
from fiberops.core.clock import now as clock_now
from fiberops.core.errors import IllegalTransition, NotPermitted, RuleViolation
from fiberops.inspections.elements import ELEMENT_SOURCES
from fiberops.inspections.models import (
    Department,
    Discrepancy,
    DiscrepancyEvent,
    DiscrepancyEventKind,
    DiscrepancyStatus,
    ElementCheck,
    InspectionLogEntry,
    InspectionPlan,
    InspectionRound,
    LogKind,
    Transfer,
)
from fiberops.inspections.periods import Period, period_containing
from fiberops.network.actions import correct_element
from fiberops.workforce.models import Grid
from fiberops.workorders import events
from fiberops.workorders.actions import create_inspection_order
from fiberops.workorders.guards import guard_order, require
from fiberops.workorders.models import WorkOrder
from fiberops.workorders.states import OWNED, Status

logger = logging.getLogger(__name__)

#: Where the inspection can be written: while the technician owns the order, and after the work
#: (a transfer decided in the office once the log is read).
LOG_STATUSES = OWNED
TRANSFER_STATUSES = OWNED | {Status.COMPLETED, Status.CONFIRMED}


# --- generation (R-INS-4) --------------------------------------------------------------------


def round_number(plan: InspectionPlan, grid: Grid, period: Period) -> str:
    """The order number of a round: XJ + plan + grid + period (never the BSS's or the desk's
    shape), so the order itself is unique per round too."""
    return f"XJ{plan.pk}-{grid.code}-{period.start:%Y%m%d}"


def generate_inspection_orders(now: dt.datetime) -> int:
    """Create the current period's round and order for every active plan and grid that has none
    (R-INS-4). Idempotent: a re-run finds the rounds; two workers at once collide on the unique
    constraints and the loser's transaction writes nothing. Returns how many it created."""
    today = local_date(now)
    created = 0
    plans = InspectionPlan.objects.filter(is_active=True, starts_on__lte=today).prefetch_related(
        "grids"
    )
    for plan in plans:
        period = period_containing(plan.starts_on, plan.interval_months, today)
        if period is None:
            continue
        existing = set(
            InspectionRound.objects.filter(plan=plan, period_start=period.start).values_list(
                "grid_id", flat=True
            )
        )
        for grid in plan.grids.all():
            if grid.pk not in existing and create_round(plan, grid, period, now):
                created += 1
    return created


def create_round(plan: InspectionPlan, grid: Grid, period: Period, now: dt.datetime) -> bool:
    """Create the round of (plan, grid, period) with its order, accepted at `now`; False when
    another worker created it first. The worker's generation calls it for the current period; the
    demo for past ones."""

    def record_round(order: WorkOrder) -> None:
        InspectionRound.objects.create(
            plan=plan,
            grid=grid,
            period_start=period.start,
            period_end=period.end,
            due_at=end_of_day(period.end),
            order=order,
        )

    try:
        create_inspection_order(
            number=round_number(plan, grid, period),
            grid=grid,
            accepted_at=now,
            due_at=end_of_day(period.end),
            description=f"{plan.name} {period.start:%Y-%m-%d}～{period.end:%Y-%m-%d}",
            on_created=record_round,
        )
    except IntegrityError:
        # Another worker created this round meanwhile: its transaction won, ours wrote nothing.
        if InspectionRound.objects.filter(plan=plan, grid=grid, period_start=period.start).exists():
            return False
        raise
    return True


# --- the order's log and transfers (R-INS-1/2, R-ORD-5) ---------------------------------------


def _round_of(order: WorkOrder) -> InspectionRound:
    found = InspectionRound.objects.select_related("plan").filter(order=order).first()
    if found is None:
        raise RuleViolation(
            _("This order is not a planned inspection."), code="not_an_inspection_order"
        )
    return found


@dataclass(frozen=True)
class LogInput:
    kind: str
    item_code: str = ""
    is_ok: bool | None = None
    element_kind: str = ""
    element_code: str = ""
    fault_kind: str = ""
    note: str = ""


def _check_log_input(entry: LogInput, inspection: InspectionRound) -> str:
    """Refuse an incomplete line; returns what the timeline names (the item's label, or the
    element's code)."""
    if entry.kind == LogKind.CHECKLIST:
        labels = dict(
            inspection.plan.checklist_items.filter(is_active=True).values_list("code", "label")
        )
        if entry.item_code not in labels:
            raise RuleViolation(
                _("“%(item)s” is not an item of this inspection's checklist.")
                % {"item": entry.item_code},
                code="unknown_checklist_item",
            )
        if entry.is_ok is None:
            raise RuleViolation(
                _("Say whether the item is in order."), code="checklist_result_required"
            )
        if entry.is_ok is False and not entry.note.strip():
            raise RuleViolation(_("Describe what is not in order."), code="note_required")
        return labels[entry.item_code]
    if not entry.element_code.strip():
        raise RuleViolation(_("Name the element (its code)."), code="element_required")
    if entry.kind == LogKind.REPAIRED and not entry.fault_kind.strip():
        raise RuleViolation(_("Name the kind of fault repaired."), code="fault_kind_required")
    return entry.element_code.strip()


@transaction.atomic(durable=True)
def record_log_entry(
    order: WorkOrder, *, actor: User, entry: LogInput, occurred_at: dt.datetime | None = None
) -> InspectionLogEntry:
    """Append one line to the inspection order's log (the order's technician, while it is
    theirs): a checklist item checked (in order or not, with a note), an element inspected,
    equipment replaced, a fault repaired (its kind)."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="inspection.record",
        action="log_inspection",
        statuses=LOG_STATUSES,
        status_message=_("The inspection is logged while the order is being worked."),
        occurred_at=occurred_at,
        owner_only=True,
    )
    inspection = _round_of(guarded.order)
    named = _check_log_input(entry, inspection)
    row = InspectionLogEntry.objects.create(
        round=inspection,
        kind=entry.kind,
        item_code=entry.item_code if entry.kind == LogKind.CHECKLIST else "",
        is_ok=entry.is_ok if entry.kind == LogKind.CHECKLIST else None,
        element_kind=entry.element_kind,
        element_code=entry.element_code.strip(),
        fault_kind=entry.fault_kind.strip(),
        note=entry.note.strip(),
        recorded_by=actor,
        recorded_at=guarded.at,
    )
    events.inspection_logged(
        guarded.order,
        actor=actor,
        at=guarded.at,
        entry=entry.kind,
        element=named,
        note=row.note,
    )
    return row


@transaction.atomic(durable=True)
def transfer_finding(
    order: WorkOrder,
    *,
    actor: User,
    department: str,
    reason: str,
    element_kind: str = "",
    element_code: str = "",
    occurred_at: dt.datetime | None = None,
) -> Transfer:
    """A finding outside the maintenance scope goes to the responsible department (R-ORD-5),
    recorded with who, when, the department and the reason, and shown on the timeline."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="inspection.transfer",
        action="transfer_finding",
        statuses=TRANSFER_STATUSES,
        status_message=_("Findings are transferred while the inspection is open or done."),
        occurred_at=occurred_at,
    )
    if department not in Department.values:
        raise RuleViolation(_("Unknown department."), code="unknown_department")
    if not reason.strip():
        raise RuleViolation(_("Give the reason for the transfer."), code="reason_required")
    inspection = _round_of(guarded.order)
    transfer = Transfer.objects.create(
        round=inspection,
        department=department,
        element_kind=element_kind,
        element_code=element_code.strip(),
        reason=reason.strip(),
        transferred_by=actor,
        transferred_at=guarded.at,
    )
    events.inspection_transferred(
        guarded.order,
        actor=actor,
        at=guarded.at,
        department=department,
        reason=transfer.reason,
        element=transfer.element_code,
    )
    return transfer


# --- resource checks and asset inventory (R-RES-3) -------------------------------------------


@dataclass(frozen=True)
class Correction:
    field: str
    found: str


@transaction.atomic(durable=True)
def record_element_check(
    order: WorkOrder,
    *,
    actor: User,
    element_kind: str,
    element_code: str,
    corrections: list[Correction],
    occurred_at: dt.datetime | None = None,
) -> tuple[ElementCheck, list[Discrepancy]]:
    """The technician confirms an element of the area as recorded (no corrections) or corrects
    it: each corrected field whose value differs from the record is a `Discrepancy` (expected:
    the record, found: on site), with its `recorded` event."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="inspection.record",
        action="check_element",
        statuses=LOG_STATUSES,
        status_message=_("The inspection is logged while the order is being worked."),
        occurred_at=occurred_at,
        owner_only=True,
    )
    inspection = _round_of(guarded.order)
    if not inspection.plan.checks_elements:
        raise RuleViolation(
            _("This inspection does not check network elements."), code="not_a_resource_check"
        )
    source = ELEMENT_SOURCES.get(element_kind)
    element = next(
        (e for e in source(inspection.grid) if e.code == element_code) if source else iter(()),
        None,
    )
    if element is None:
        raise RuleViolation(
            _("%(kind)s %(code)s is not an element of this area.")
            % {"kind": element_kind, "code": element_code},
            code="unknown_element",
        )
    unknown = [c.field for c in corrections if c.field not in element.recorded]
    if unknown:
        raise RuleViolation(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="unknown_element_field",
        )
    differing = [c for c in corrections if c.found.strip() != element.recorded[c.field]]
    check = ElementCheck.objects.create(
        round=inspection,
        element_kind=element_kind,
        element_code=element_code,
        is_confirmed=not differing,
        checked_by=actor,
        checked_at=guarded.at,
    )
    found = []
    for correction in differing:
        discrepancy = Discrepancy.objects.create(
            round=inspection,
            grid=inspection.grid,
            check_row=check,
            element_kind=element_kind,
            element_code=element_code,
            field=correction.field,
            expected=element.recorded[correction.field],
            found=correction.found.strip(),
            recorded_by=actor,
            recorded_at=guarded.at,
        )
        DiscrepancyEvent.objects.create(
            discrepancy=discrepancy,
            kind=DiscrepancyEventKind.RECORDED,
            actor=actor,
            occurred_at=guarded.at,
        )
        found.append(discrepancy)
    events.inspection_logged(
        guarded.order,
        actor=actor,
        at=guarded.at,
        entry="element_check",
        element=element_code,
        note="; ".join(f"{d.field}: {d.expected} → {d.found}" for d in found),
    )
    return check, found


@transaction.atomic(durable=True)
def fix_discrepancy(discrepancy: Discrepancy, *, actor: User, note: str) -> Discrepancy:
    """The found value is written to the element (`network.actions.correct_element`, with its
    `ElementEvent` or `PortEvent`) and the discrepancy is fixed, once, in one transaction. A
    value the element refuses fixes nothing. The caller fetched it through `visible_to(actor)`;
    a second fix is 409."""
    require(actor, "discrepancy.fix")
    locked = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if not Discrepancy.objects.visible_to(actor).filter(pk=locked.pk).exists():
        raise NotPermitted(_("This discrepancy is outside your scope."))
    if locked.status != DiscrepancyStatus.OPEN:
        raise IllegalTransition(
            _("The discrepancy is already fixed."), action="fix", status=locked.status
        )
    if not note.strip():
        raise RuleViolation(_("Say how it was fixed."), code="note_required")
    at = clock_now()
    # The found value becomes the record (R-RES-3), through the network's one write path; a
    # refused value raises and rolls the whole fix back.
    correct_element(
        locked.element_kind,
        locked.element_code,
        locked.field,
        locked.found,
        actor=actor,
        reason=note.strip(),
        at=at,
    )
    locked.status = DiscrepancyStatus.FIXED
    locked.fixed_at = at
    locked.save(update_fields=["status", "fixed_at"])
    DiscrepancyEvent.objects.create(
        discrepancy=locked,
        kind=DiscrepancyEventKind.FIXED,
        actor=actor,
        occurred_at=at,
        note=note.strip(),
    )
    return locked
