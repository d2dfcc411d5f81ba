"""Write path and gate of the visit checklist (上门实施标准十步法, R-SITE-1..5).

The technician ticks each item of the order type's template on site (done, or not applicable
where the item allows it; a two-person item answered done names the second technician); the
completion gate (`workorders.gates`) asks for an answer to every required item on the current
visit. When safety cannot be ensured (夜间作业…第二天处理, R-SITE-4) the technician defers the work
to a later day with the customer's agreement: `defer_for_safety` books the follow-up visit
through `workorders.actions.book_appointment` in the same transaction.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fiberops.accounts.models import User
from fiberops.core.clock import local_date
from fiberops.core.errors import IllegalTransition, RuleViolation
from fiberops.onsite.confirmation_pdf import Section
from fiberops.onsite.models import (
    ChecklistAnswer,
    ChecklistItem,
    ChecklistPhase,
    ChecklistTick,
    SafetyDeferral,
)
from fiberops.workforce.models import Technician
from fiberops.workorders import events
from fiberops.workorders.actions import book_appointment, current_visit
from fiberops.workorders.gates import Blocker
from fiberops.workorders.guards import guard_order
from fiberops.workorders.models import Appointment, Initiator, WorkOrder
from fiberops.workorders.states import Status

PERMISSION = "order.record_checklist"
_DEFER_ON_SITE_ONLY = gettext_lazy("Work is deferred for safety from the site only.")


@dataclass(frozen=True)
class Answer:
    """One answer to record: the item's code, done or not applicable, a note, the second
    technician's id for a two-person item."""

    item: str
    answer: str
    note: str = ""
    partner: int | None = None
    #: The second technician by staff number (工号), as a technician on site knows them.
    partner_staff_no: str = ""


def template_items(order: WorkOrder) -> list[ChecklistItem]:
    """The active items of the active template of the order's type, in their order (one
    query); none when the type has no active template."""
    return list(
        ChecklistItem.objects.filter(
            template__order_type=order.order_type, template__active=True, active=True
        ).order_by("position", "id")
    )


def latest_ticks(order: WorkOrder, *, visit_id: int | None) -> dict[str, ChecklistTick]:
    """The latest answer to each item on the visit (`visit_id` None: on any visit), with who
    recorded it and the second person (one query)."""
    ticks = order.checklist_ticks.select_related("recorded_by", "partner")
    if visit_id is not None:
        ticks = ticks.filter(visit_id=visit_id)
    latest: dict[str, ChecklistTick] = {}
    for tick in ticks.order_by("recorded_at", "id"):
        latest[tick.item_code] = tick
    return latest


@dataclass(frozen=True)
class ChecklistState:
    """The order's checklist as it stands: its items and the latest answer of each."""

    items: list[ChecklistItem]
    latest: dict[str, ChecklistTick]

    def blockers(self) -> list[Blocker]:
        """Each required item without a latest answer of done, or of not applicable where the
        item allows it (R-SITE-1..5)."""
        blockers = []
        for item in self.items:
            tick = self.latest.get(item.code)
            settled = tick is not None and (
                tick.answer == ChecklistAnswer.DONE
                or (tick.answer == ChecklistAnswer.NOT_APPLICABLE and item.allows_not_applicable)
            )
            if item.required and not settled:
                blockers.append(
                    Blocker(
                        f"checklist:{item.code}",
                        "checklist_missing",
                        _("Checklist item not done: %(label)s") % {"label": item.label},
                    )
                )
        return blockers


def _visit_id(order: WorkOrder) -> int | None:
    visit = current_visit(order)
    return visit.pk if visit is not None else None


def checklist_state(order: WorkOrder) -> ChecklistState:
    """The items and the answers given on the current visit (three queries; one when the
    order's type has no checklist): a later visit (after a safety deferral) is checked anew."""
    items = template_items(order)
    if not items:
        return ChecklistState([], {})
    return ChecklistState(items, latest_ticks(order, visit_id=_visit_id(order)))


def confirmation_section(order: WorkOrder) -> Section | None:
    """The checklist's block on the 业务施工确认单 (R-SITE-3; registered in
    `signoff.CONFIRMATION_SECTIONS`): each item with its answer on this visit, in Chinese like
    the rest of the form."""
    state = checklist_state(order)
    if not state.items:
        return None
    rows = []
    for item in state.items:
        tick = state.latest.get(item.code)
        if tick is None:
            answer = "未答"
        elif tick.answer == ChecklistAnswer.DONE:
            answer = f"完成（同行：{tick.partner.name}）" if tick.partner else "完成"
        else:
            answer = "不适用"
        rows.append((f"第{item.step}步", item.label, answer))
    return Section("上门实施十步法检查", rows)


def checklist_blockers(order: WorkOrder) -> list[Blocker]:
    """The completion gate of the checklist (registered first in `OnsiteConfig.ready`)."""
    return checklist_state(order).blockers()


def _partner(locked: WorkOrder, item: ChecklistItem, answer: Answer) -> Technician | None:
    """The second person of a two-person item answered done: another active technician of the
    order's branch (R-SITE-4: 低压带电或雷雨天气作业须两人)."""
    if not item.needs_partner or answer.answer != ChecklistAnswer.DONE:
        return None
    if answer.partner is None and not answer.partner_staff_no:
        raise RuleViolation(
            _("“%(label)s” needs a second technician: give who worked with you.")
            % {"label": item.label},
            code="partner_required",
            fields={"partner": [_("Required for this item.")]},
        )
    who: dict[str, int | str] = {"pk": answer.partner} if answer.partner is not None else {}
    if answer.partner_staff_no:
        who["staff_no"] = answer.partner_staff_no
    partner = Technician.objects.filter(
        **who, is_active=True, team__grid__branch_id=locked.grid.branch_id
    ).first()
    if partner is None or partner.pk == locked.technician_id:
        raise RuleViolation(
            _("The second person must be another active technician of the same branch."),
            code="partner_invalid",
            fields={"partner": [_("No such technician in this branch.")]},
        )
    return partner


def _record(
    locked: WorkOrder,
    items: dict[str, ChecklistItem],
    answer: Answer,
    *,
    visit_id: int | None,
    actor: User,
    at: dt.datetime,
) -> ChecklistTick:
    item = items.get(answer.item)
    if item is None:
        raise RuleViolation(
            _("This order's checklist has no item “%(item)s”.") % {"item": answer.item},
            code="unknown_checklist_item",
            fields={"item": [_("Unknown item.")]},
        )
    if answer.answer not in ChecklistAnswer.values:
        raise RuleViolation(
            _("Answer done or not applicable."),
            code="invalid",
            fields={"answer": [_("Unknown answer.")]},
        )
    if answer.answer == ChecklistAnswer.NOT_APPLICABLE and not item.allows_not_applicable:
        raise RuleViolation(
            _("“%(label)s” cannot be answered not applicable.") % {"label": item.label},
            code="not_applicable_refused",
            fields={"answer": [_("This item must be done.")]},
        )
    partner = _partner(locked, item, answer)
    tick = ChecklistTick.objects.create(
        order=locked,
        visit_id=visit_id,
        item_code=item.code,
        label=item.label,
        answer=answer.answer,
        note=answer.note[:500],
        partner=partner,
        recorded_by=actor,
        occurred_at=at,
    )
    events.checklist_recorded(
        locked,
        actor=actor,
        at=at,
        item=item.code,
        label=item.label,
        answer=answer.answer,
        note=answer.note,
        partner=partner.staff_no if partner else None,
    )
    return tick


@transaction.atomic(durable=True)
def record_checklist_items(
    order: WorkOrder, answers: list[Answer], *, actor: User, occurred_at: dt.datetime | None = None
) -> list[ChecklistTick]:
    """Record answers to the order's checklist on site, each with who and when (R-SITE-1..5):
    the order's technician only, while on site. All or none: one refused answer refuses them
    all (422 `unknown_checklist_item`, `not_applicable_refused`, `partner_required`,
    `partner_invalid`). Each answer is a row and a `checklist_recorded` event."""
    guarded = guard_order(
        order,
        actor=actor,
        permission=PERMISSION,
        action="record_checklist_item",
        statuses={Status.ON_SITE},
        status_message=_("The checklist is answered on site."),
        occurred_at=occurred_at,
        owner_only=True,
    )
    locked, at = guarded.order, guarded.at
    items = {item.code: item for item in template_items(locked)}
    visit_id = _visit_id(locked)
    return [
        _record(locked, items, answer, visit_id=visit_id, actor=actor, at=at) for answer in answers
    ]


def record_checklist_item(
    order: WorkOrder,
    *,
    item: str,
    answer: str,
    actor: User,
    note: str = "",
    partner: int | None = None,
    partner_staff_no: str = "",
    occurred_at: dt.datetime | None = None,
) -> ChecklistTick:
    """Record one answer (the API's write): see `record_checklist_items`."""
    [tick] = record_checklist_items(
        order,
        [
            Answer(
                item=item,
                answer=answer,
                note=note,
                partner=partner,
                partner_staff_no=partner_staff_no,
            )
        ],
        actor=actor,
        occurred_at=occurred_at,
    )
    return tick


def defer_for_safety(
    order: WorkOrder,
    *,
    reason: str,
    customer_agreed: bool,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor: User,
    item: str = "",
    occurred_at: dt.datetime | None = None,
) -> SafetyDeferral:
    """Defer the work because safety cannot be ensured (R-SITE-4), with the customer's
    agreement, and book the follow-up visit on a later day (Shanghai calendar): the order goes
    from on site to appointed through `book_appointment` (its guards, booking, reminders, the
    customer's message and its `transition` event, whose details carry the deferral), and a
    `SafetyDeferral` row records reason, agreement and `item` (a safety item of the checklist,
    optional). Refused: 422 `customer_agreement_required`, `reason_required`,
    `deferral_same_day`, `unknown_checklist_item`; 409 `illegal_transition` when not on site.

    The visit's own appointment keeps the outcome its check-in gave it (kept or kept late) and
    the follow-up is a new window that counts when it comes (docs/kpi.md): deferring counts
    against nobody's 履约率."""
    deferrals: list[SafetyDeferral] = []
    if order.status != Status.ON_SITE:  # checked again under the lock, below
        raise IllegalTransition(_DEFER_ON_SITE_ONLY, action="defer_for_safety", status=order.status)

    def on_booked(locked: WorkOrder, at: dt.datetime, appointment: Appointment) -> dict:
        if locked.status != Status.ON_SITE:
            raise IllegalTransition(
                _DEFER_ON_SITE_ONLY, action="defer_for_safety", status=locked.status
            )
        if customer_agreed is not True:
            raise RuleViolation(
                _("A deferral needs the customer's agreement."),
                code="customer_agreement_required",
                fields={"customer_agreed": [_("The customer must agree.")]},
            )
        if not reason.strip():
            raise RuleViolation(
                _("Give a reason."), code="reason_required", fields={"reason": [_("Required.")]}
            )
        if local_date(starts_at) <= local_date(at):
            raise RuleViolation(
                _("The follow-up visit must be on a later day."),
                code="deferral_same_day",
                fields={"starts_at": [_("Choose a later day.")]},
            )
        if item:
            safety = {i.code for i in template_items(locked) if i.phase == ChecklistPhase.SAFETY}
            if item not in safety:
                raise RuleViolation(
                    _("This order's checklist has no safety item “%(item)s”.") % {"item": item},
                    code="unknown_checklist_item",
                    fields={"item": [_("Unknown item.")]},
                )
        visit = current_visit(locked)
        deferral = SafetyDeferral.objects.create(
            order=locked,
            visit=visit,
            item_code=item,
            reason=reason[:500],
            customer_agreed=True,
            appointment=appointment,
            recorded_by=actor,
            occurred_at=at,
        )
        deferrals.append(deferral)
        return {"safety_deferral": {"id": deferral.pk, "item": item, "customer_agreed": True}}

    book_appointment(
        order,
        starts_at=starts_at,
        ends_at=ends_at,
        actor=actor,
        occurred_at=occurred_at,
        reason=reason,
        initiated_by=Initiator.TECHNICIAN,
        on_booked=on_booked,
    )
    return deferrals[0]
