"""The one write path of work orders (STYLE habit 1). Each action locks the order, checks the
rule, writes the change and its timeline event in one transaction (R-ORD-3, R-ORD-4)."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.core.clock import local_date
from fiberops.core.clock import now as clock_now
from fiberops.core.errors import IllegalTransition, NotPermitted, RuleViolation
from fiberops.customers.models import Customer
from fiberops.network.models import SplitterPort
from fiberops.sla import actions as sla
from fiberops.sla.choices import DeadlineKind
from fiberops.sla.rules import CLOCKS_AT_DISPATCH, CLOCKS_AT_INTAKE
from fiberops.workforce.models import Grid, Technician
from fiberops.workorders.models import EventKind, OrderEvent, WorkOrder
from fiberops.workorders.states import (
    CUSTOMER_TYPES,
    OWNED,
    SURVEYABLE_TYPES,
    TRANSITIONS,
    Status,
    Transition,
)

#: The clock that completing an order of each type meets.
COMPLETION_CLOCK = {
    "survey": DeadlineKind.SURVEY,
    "install": DeadlineKind.INSTALL,
    "relocation": DeadlineKind.INSTALL,
    "fault": DeadlineKind.REPAIR,
    "complaint": DeadlineKind.REPAIR,
}
#: Events that change an order; a device-reported action may not predate the latest of them.
CHANGE_EVENTS = (
    EventKind.CREATED,
    EventKind.TRANSITION,
    EventKind.HANDOVER,
    EventKind.SURVEY_COMPLETED,
)
#: Device clocks drift; an `occurred_at` further ahead of the server than this is refused.
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass
class CustomerData:
    name: str
    phone: str
    address: str
    lat: Decimal | None = None
    lng: Decimal | None = None


@dataclass
class IntakeData:
    """A validated order from the BSS (R-ORD-2); the API serializer builds it."""

    bss_order_no: str
    order_type: str
    accepted_at: dt.datetime
    grid: Grid
    customer: CustomerData | None = None
    plan_mbps: int | None = None
    splitter_port: SplitterPort | None = None
    description: str = ""
    requires_survey: bool = False
    extra: dict = field(default_factory=dict)


def record_event(
    order, kind, *, actor, occurred_at, action="", before="", after="", note="", **data
):
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        action=action,
        actor=actor,
        occurred_at=occurred_at,
        from_status=before,
        to_status=after,
        note=note[:500],
        data=data,
    )


def action_time(occurred_at: dt.datetime | None, order: WorkOrder | None = None) -> dt.datetime:
    """The business time of an action: the device's `occurred_at` (offline replay) or now.

    A device time may not lie in the future, nor before the order's last change (its creation,
    last transition or handover): SLA clocks must not be met, or started, by backdating.
    """
    current = clock_now()
    if occurred_at is None:
        return current
    if occurred_at > current + MAX_CLOCK_SKEW:
        raise RuleViolation(
            _("The time of the action lies in the future."), code="occurred_at_in_future"
        )
    if order is not None:
        last_change = order.events.filter(kind__in=CHANGE_EVENTS).aggregate(at=Max("occurred_at"))[
            "at"
        ]
        if last_change is not None and occurred_at < last_change:
            raise RuleViolation(
                _("The time of the action lies before the order's last change."),
                code="occurred_at_before_last_change",
            )
    return occurred_at


def lock_order(order: WorkOrder) -> WorkOrder:
    """Lock the order row. NO KEY UPDATE: the sweeper inserting an event for this order (which
    takes KEY SHARE on it) is not blocked, so the two cannot deadlock on PostgreSQL."""
    return (
        WorkOrder.objects.select_for_update(no_key=True)
        .select_related("grid__branch")
        .get(pk=order.pk)
    )


def check_scope(order: WorkOrder, actor: User) -> None:
    if not WorkOrder.objects.visible_to(actor).filter(pk=order.pk).exists():
        raise NotPermitted(_("This order is outside your scope."))


def _check_may(order: WorkOrder, actor: User, transition: Transition) -> None:
    if not (actor.role in transition.roles or actor.is_superuser):
        raise NotPermitted(
            _("Your role may not perform “%(action)s”.") % {"action": transition.label}
        )
    check_scope(order, actor)
    if actor.role == Role.TECHNICIAN and not is_owner(order, actor):
        raise NotPermitted(_("Only the technician the order is assigned to may do this."))


def is_owner(order: WorkOrder, actor: User) -> bool:
    technician = getattr(actor, "technician", None)
    return technician is not None and order.technician_id == technician.pk


# --- intake ----------------------------------------------------------------------------------


#: Who may create orders over the API: the BSS integration and administrators (the UI's manual
#: creation is `create_manual_order`, R-ORD-2).
INTAKE_ROLES = frozenset({Role.INTEGRATION, Role.ADMIN})


def intake_order(
    *, actor: User, data: IntakeData, known_absent: bool = False
) -> tuple[WorkOrder, bool]:
    """Create the order from the BSS, or return the existing one for a repeated `bss_order_no`
    (R-ORD-2). Returns (order, created). `known_absent`: the caller has just looked the number
    up; a concurrent duplicate is still caught by the unique constraint."""
    if actor.role not in INTAKE_ROLES and not actor.is_superuser:
        raise NotPermitted(_("Only the BSS integration and administrators create orders."))
    if not known_absent:
        existing = WorkOrder.objects.filter(bss_order_no=data.bss_order_no).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return _create_order(actor, data), True
    except IntegrityError:
        # A concurrent request with the same BSS number won the race: answer with its order.
        existing = WorkOrder.objects.filter(bss_order_no=data.bss_order_no).first()
        if existing is None:
            raise
        return existing, False


#: Who may create an order by hand in the UI (R-ORD-2): a customer's call to the service desk,
#: a dispatcher's rectification or inspection job.
MANUAL_ROLES = frozenset({Role.ADMIN, Role.BRANCH_MANAGER, Role.DISPATCHER, Role.CS_AGENT})
MANUAL_PREFIX = "M"
#: Manual numbers look like M202611240001; the BSS may not use that shape (R-ORD-2).
MANUAL_NUMBER = re.compile(r"^M\d{12}$")


def create_manual_order(*, actor: User, data: IntakeData) -> WorkOrder:
    """Create an order by hand; it gets a number of its own, `M` + date + serial
    (M202611240001), and its clocks start now. Branch roles create only in their branch."""
    if actor.role not in MANUAL_ROLES and not actor.is_superuser:
        raise NotPermitted(_("Your role may not create orders."))
    if actor.role in (Role.BRANCH_MANAGER, Role.DISPATCHER) and (
        data.grid.branch_id != actor.branch_id
    ):
        raise NotPermitted(_("The grid is outside your branch."))
    day = local_date(data.accepted_at).strftime("%Y%m%d")
    prefix = f"{MANUAL_PREFIX}{day}"
    for _attempt in range(5):
        last = (
            WorkOrder.objects.filter(bss_order_no__regex=rf"^{prefix}\d{{4}}$")
            .order_by("-bss_order_no")
            .values_list("bss_order_no", flat=True)
            .first()
        )
        data.bss_order_no = f"{prefix}{int(last[-4:]) + 1 if last else 1:04d}"
        try:
            with transaction.atomic():
                return _create_order(actor, data)
        except IntegrityError:
            if not WorkOrder.objects.filter(bss_order_no=data.bss_order_no).exists():
                raise  # not the number: a real integrity problem
            # another desk took the number at the same moment: take the next one
    raise RuleViolation(_("No free order number; try again."), code="order_number_busy")


def _create_order(actor: User, data: IntakeData) -> WorkOrder:
    if data.customer is None and data.order_type in CUSTOMER_TYPES:
        raise RuleViolation(_("This order type needs a customer."), code="customer_required")
    customer = None
    if data.customer is not None:
        customer, _created = Customer.objects.get_or_create(
            phone=data.customer.phone,
            address=data.customer.address,
            defaults={
                "name": data.customer.name,
                "lat": data.customer.lat,
                "lng": data.customer.lng,
                "grid": data.grid,
            },
        )
    order = WorkOrder.objects.create(
        bss_order_no=data.bss_order_no,
        order_type=data.order_type,
        accepted_at=data.accepted_at,
        grid=data.grid,
        customer=customer,
        plan_mbps=data.plan_mbps,
        splitter_port=data.splitter_port,
        description=data.description,
        requires_survey=data.requires_survey and data.order_type in SURVEYABLE_TYPES,
        created_by=actor,
    )
    record_event(
        order,
        EventKind.CREATED,
        actor=actor,
        occurred_at=data.accepted_at,
        after=Status.NEW,
        source="bss" if actor.role == Role.INTEGRATION else "manual",
    )
    for kind in CLOCKS_AT_INTAKE[order.order_type]:
        if kind == DeadlineKind.INSTALL and order.requires_survey:
            kind = DeadlineKind.SURVEY
        sla.open_deadline(order, kind, order.accepted_at, is_new_order=True)
    return order


# --- status transitions ----------------------------------------------------------------------


@transaction.atomic
def transition(
    order: WorkOrder,
    action: str,
    *,
    actor: User,
    occurred_at: dt.datetime | None = None,
    reason: str = "",
    **details,
) -> WorkOrder:
    """Apply one lifecycle action. Refuses with IllegalTransition (HTTP 409) and writes nothing
    when the current status does not allow it (R-ORD-3)."""
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise IllegalTransition(_("Unknown action."), action=action)
    locked = lock_order(order)
    _check_may(locked, actor, spec)
    if locked.status not in spec.sources:
        raise IllegalTransition(
            _("“%(action)s” is not allowed while the order is “%(status)s”.")
            % {"action": spec.label, "status": locked.get_status_display()},
            action=action,
            status=locked.status,
        )
    if spec.needs_reason and not reason.strip():
        raise RuleViolation(_("Give a reason."), code="reason_required")
    at = action_time(occurred_at, locked)
    before = locked.status
    after = spec.target or locked.suspended_from or Status.ACCEPTED
    handler = _BEFORE.get(action)
    if handler:
        handler(locked, at=at, actor=actor, details=details)
    locked.status = after
    locked.suspended_from = before if action == "suspend" else ""
    locked.save()
    record_event(
        locked,
        EventKind.TRANSITION,
        actor=actor,
        occurred_at=at,
        action=action,
        before=before,
        after=after,
        note=reason,
        **{k: _jsonable(v) for k, v in details.items()},
    )
    after_handler = _AFTER.get(action)
    if after_handler:
        after_handler(locked, at=at, actor=actor, details=details)
    _copy_fields(locked, order)
    return locked


def _copy_fields(source: WorkOrder, target: WorkOrder) -> None:
    """Let the caller's instance see the new state without another query."""
    if source is not target:
        for field in WorkOrder._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))


def _jsonable(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Technician):
        return value.staff_no
    return value


def _before_dispatch(order: WorkOrder, *, at, actor, details):
    technician: Technician = details["technician"]
    check_dispatchable(order, technician, actor=actor, on=local_date(at))
    order.technician = technician
    order.dispatched_at = at


def check_dispatchable(order: WorkOrder, technician: Technician, *, actor: User, on: dt.date):
    """R-WF-1: active, certified, in the order's branch (and the leader's own team)."""
    if not technician.is_active:
        raise RuleViolation(_("The technician is not active."), code="technician_inactive")
    if not technician.is_certified_on(on):
        raise RuleViolation(
            _("The technician's certification (上岗认证) has expired or is missing."),
            code="technician_not_certified",
        )
    if technician.team.grid.branch_id != order.grid.branch_id:
        raise RuleViolation(
            _("The technician works in another branch."), code="technician_out_of_branch"
        )
    if actor.role == Role.TEAM_LEADER and technician.team_id != actor.team_id:
        raise NotPermitted(_("A team leader dispatches only to the own team."))


def _after_dispatch(order: WorkOrder, *, at, actor, details):
    for kind in CLOCKS_AT_DISPATCH.get(order.order_type, []):
        sla.open_deadline(order, kind, at)


def _before_accept(order: WorkOrder, *, at, actor, details):
    order.responded_at = at
    sla.meet_deadline(order, DeadlineKind.RESPONSE, at)


def _before_appoint(order: WorkOrder, *, at, actor, details):
    starts, ends = details.get("starts_at"), details.get("ends_at")
    if not starts or not ends or ends <= starts:
        raise RuleViolation(
            _("An appointment needs a start and a later end."), code="appointment_window_invalid"
        )
    order.appointment_starts_at = starts
    order.appointment_ends_at = ends


def _before_complete(order: WorkOrder, *, at, actor, details):
    if order.requires_survey and order.survey_completed_at is None:
        raise RuleViolation(
            _("Record the survey before completing the installation."),
            code="survey_not_completed",
        )
    if order.requires_survey and order.survey_conditions_met is False:
        raise RuleViolation(
            _("The survey found the installation conditions not met: return or cancel it."),
            code="survey_conditions_not_met",
        )
    order.completed_at = at
    clock = COMPLETION_CLOCK.get(order.order_type)
    if clock:
        sla.meet_deadline(order, clock, at)


def _before_rework(order: WorkOrder, *, at, actor, details):
    """R-SITE-6: the rejected completion does not count; the clock runs on until the rework."""
    order.completed_at = None
    clock = COMPLETION_CLOCK.get(order.order_type)
    if clock:
        previous = sla.reopen_deadline(order, clock)
        if previous is not None:  # the timeline keeps what the rejected completion had met
            details["reopened_clock"] = {"deadline": clock, "previous_met_at": previous.isoformat()}


def _before_close(order: WorkOrder, *, at, actor, details):
    order.closed_at = at


def _before_return(order: WorkOrder, *, at, actor, details):
    order.technician = None
    if order.requires_survey and order.survey_completed_at is not None:
        # The next technician surveys again (e.g. after the network was rectified).
        details["cleared_survey"] = {
            "completed_at": order.survey_completed_at.isoformat(),
            "conditions_met": order.survey_conditions_met,
        }
        order.survey_completed_at = None
        order.survey_conditions_met = None


def _before_cancel(order: WorkOrder, *, at, actor, details):
    sla.void_open_deadlines(order, at)


_BEFORE = {
    "dispatch": _before_dispatch,
    "accept": _before_accept,
    "appoint": _before_appoint,
    "complete": _before_complete,
    "rework": _before_rework,
    "close": _before_close,
    "return": _before_return,
    "cancel": _before_cancel,
}
_AFTER = {"dispatch": _after_dispatch}


def dispatch_order(
    order: WorkOrder, *, technician: Technician, actor: User, occurred_at=None
) -> WorkOrder:
    """Send the order to a technician: starts the response and contact clocks (R-SLA-1, R-SLA-4)."""
    return transition(
        order, "dispatch", actor=actor, occurred_at=occurred_at, technician=technician
    )


# --- actions that keep the status ------------------------------------------------------------

HANDOVER_ROLES = {
    Role.ADMIN,
    Role.BRANCH_MANAGER,
    Role.DISPATCHER,
    Role.TEAM_LEADER,
    Role.TECHNICIAN,
}


@transaction.atomic
def handover_order(
    order: WorkOrder, *, to: Technician, reason: str, actor: User, occurred_at=None
) -> WorkOrder:
    """首问负责制 (R-ORD-5): ownership passes only by a handover with a reason, on the timeline."""
    locked = lock_order(order)
    if actor.role not in HANDOVER_ROLES and not actor.is_superuser:
        raise NotPermitted(_("Your role may not hand orders over."))
    check_scope(locked, actor)
    if actor.role == Role.TECHNICIAN and not is_owner(locked, actor):
        raise NotPermitted(_("Only the owner of the order may hand it over."))
    if locked.status not in OWNED:
        raise IllegalTransition(
            _("Only an order a technician owns can be handed over."),
            action="handover",
            status=locked.status,
        )
    if not reason.strip():
        raise RuleViolation(_("Give a reason."), code="reason_required")
    if to.pk == locked.technician_id:
        raise RuleViolation(_("The order already belongs to this technician."), code="same_owner")
    at = action_time(occurred_at, locked)
    check_dispatchable(locked, to, actor=actor, on=local_date(at))
    previous = locked.technician
    locked.technician = to
    locked.save()
    record_event(
        locked,
        EventKind.HANDOVER,
        actor=actor,
        occurred_at=at,
        action="handover",
        before=locked.status,
        after=locked.status,
        note=reason,
        from_technician=previous.staff_no if previous else None,
        to_technician=to.staff_no,
    )
    return locked


@transaction.atomic
def record_survey_completed(
    order: WorkOrder, *, conditions_met: bool, note: str, actor: User, occurred_at=None
) -> WorkOrder:
    """The survey of an install that needed one is done: meets the survey clock and, when the
    conditions are met, starts the 3-working-day install clock from that day (R-SLA-3)."""
    locked = lock_order(order)
    check_scope(locked, actor)
    if actor.role != Role.TECHNICIAN or not is_owner(locked, actor):
        raise NotPermitted(_("Only the technician the order is assigned to may do this."))
    if not locked.requires_survey or locked.survey_completed_at is not None:
        raise IllegalTransition(
            _("This order has no survey waiting."), action="complete_survey", status=locked.status
        )
    if locked.status not in OWNED:
        raise IllegalTransition(
            _("The survey can be recorded only while the order is being worked."),
            action="complete_survey",
            status=locked.status,
        )
    at = action_time(occurred_at, locked)
    locked.survey_completed_at = at
    locked.survey_conditions_met = conditions_met
    locked.save()
    sla.meet_deadline(locked, DeadlineKind.SURVEY, at)
    if conditions_met:
        sla.open_deadline(locked, DeadlineKind.INSTALL, at)
    record_event(
        locked,
        EventKind.SURVEY_COMPLETED,
        actor=actor,
        occurred_at=at,
        action="complete_survey",
        note=note,
        conditions_met=conditions_met,
    )
    return locked
