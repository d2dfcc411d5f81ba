"""The one write path of work orders (STYLE habit 1; R-ORD-2..5).

One verb per function. Every verb that changes an order runs the guard sequence of
`workorders/guards.py` (role → lock → scope → owner → status → business time), writes only the
columns it changes (`save(update_fields=…)`) and its timeline event (`workorders/events.py`) in
one durable transaction, and calls the SLA clock explicitly. Lifecycle verbs share
`_apply_transition`; `VERBS` maps the action names of `states.py` to them for the callers that
receive a name (the API's and the pages' buttons).
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.accounts.permissions import is_role
from fiberops.core import clock
from fiberops.core.clock import SHANGHAI, isoformat_shanghai, local_date
from fiberops.core.errors import Conflict, IllegalTransition, Missing, NotPermitted, RuleViolation
from fiberops.customers.actions import find_or_create_customer, record_unmasking
from fiberops.customers.models import Customer
from fiberops.messaging import actions as messaging
from fiberops.messaging.models import MessageKind
from fiberops.network import actions as network
from fiberops.network.models import SplitterPort
from fiberops.network.queries import find_port
from fiberops.sla import actions as sla
from fiberops.sla.choices import DeadlineKind
from fiberops.workforce.models import Grid, Technician
from fiberops.workorders import appointments as rules
from fiberops.workorders import changes, events, gates
from fiberops.workorders.guards import check_scope, guard_order, lock_order, require
from fiberops.workorders.models import (
    Appointment,
    AppointmentOutcome,
    AppointmentReminder,
    EventKind,
    Initiator,
    ReminderKind,
    SiteVisit,
    SuspensionInitiator,
    WorkOrder,
)
from fiberops.workorders.policy import clocks_at_intake, policy_for
from fiberops.workorders.service_note import ServiceNote
from fiberops.workorders.states import OWNED, TERMINAL, TRANSITIONS, OrderType, Status


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
    broadband_account: str = ""
    requires_survey: bool = False
    extra: dict = field(default_factory=dict)


# --- creating orders -------------------------------------------------------------------------


def intake_order(
    *, actor: User, data: IntakeData, known_absent: bool = False
) -> tuple[WorkOrder, bool]:
    """Create the order from the BSS, or return the existing one for a repeated `bss_order_no`
    (R-ORD-2). Returns (order, created). A repeat must carry the stored order's intake values
    (compared normalised); one that differs is refused with `Conflict` `bss_order_conflict`
    naming the fields (`intake_differences`) and writes nothing. `known_absent`: the caller has
    just looked the number up; a concurrent duplicate is still caught by the unique constraint
    and answered the same way."""
    require(actor, "order.intake")
    if not known_absent:
        existing = _stored_intake(data.bss_order_no)
        if existing is not None:
            return _replayed(existing, data), False
    try:
        with transaction.atomic(durable=True):
            return _create_order(actor, data), True
    except (IntegrityError, RuleViolation) as error:
        # A concurrent request with the same BSS number won the race (the unique constraint,
        # or its order already holds the port this one names): answer as a replay.
        existing = _stored_intake(data.bss_order_no)
        if existing is None:
            if isinstance(error, IntegrityError):
                _refuse_if_port_taken(data)
            raise
        return _replayed(existing, data), False


def _stored_intake(bss_order_no: str) -> WorkOrder | None:
    """The order with this number, with what a replay is compared with and answered from.

    Most numbers are new: a one-table look-up answers those; only a known number pays for the
    join (planning it took ~1 ms a request on PostgreSQL, docs/benchmarks.md)."""
    if not WorkOrder.objects.filter(bss_order_no=bss_order_no).exists():
        return None
    return (
        WorkOrder.objects.select_related(
            "grid__branch", "customer", "technician", "splitter_port__box"
        )
        .filter(bss_order_no=bss_order_no)
        .first()
    )


def _replayed(existing: WorkOrder, data: IntakeData) -> WorkOrder:
    differences = intake_differences(existing, data)
    if differences:
        names = list(differences)
        raise Conflict(
            _("An order with this BSS number exists with other values: %(fields)s.")
            % {"fields": ", ".join(names)},
            code="bss_order_conflict",
            conflicting_fields=names,
            fields={
                name: [
                    _("Differs from the stored order.")
                    if shown is None
                    else _("Differs from the stored order, which has “%(value)s”.")
                    % {"value": shown}
                ]
                for name, shown in differences.items()
            },
        )
    return existing


def intake_differences(order: WorkOrder, data: IntakeData) -> dict[str, str | None]:
    """The intake fields where `data` differs from the stored `order`, by their names in the
    API body, in body order; each with the stored value where it is not personal data, None
    where it is (name, phone, address, location, free text: R-CUS-5). Values are compared as
    stored: instants not offsets, decimals not their digits, the survey flag as the type's
    policy keeps it. The customer is the file the order was given (found by phone and address
    at intake), so its name is that file's."""
    found: dict[str, str | None] = {}
    if order.order_type != data.order_type:
        found["order_type"] = order.order_type
    if order.accepted_at != data.accepted_at:
        found["accepted_at"] = isoformat_shanghai(order.accepted_at)
    if order.grid_id != data.grid.pk:
        found["grid"] = order.grid.code
    stored, sent = order.customer, data.customer
    if (stored is None) != (sent is None):
        found["customer"] = None
    elif stored is not None and sent is not None:
        for name in ("name", "phone", "address", "lat", "lng"):
            if getattr(stored, name) != getattr(sent, name):
                found[f"customer.{name}"] = None
    if order.plan_mbps != data.plan_mbps:
        found["plan_mbps"] = None if order.plan_mbps is None else str(order.plan_mbps)
    if order.broadband_account != data.broadband_account:
        found["broadband_account"] = order.broadband_account
    port, sent_port = order.splitter_port, data.splitter_port
    if (port is None) != (sent_port is None):
        found["resource"] = None if port is None else f"{port.box.code}/{port.number}"
    elif port is not None and sent_port is not None:
        if port.box_id != sent_port.box_id:
            found["resource.splitter_box"] = port.box.code
        if port.number != sent_port.number:
            found["resource.port"] = str(port.number)
    if order.description != data.description:
        found["description"] = None
    survey = data.requires_survey and policy_for(data.order_type).surveyable
    if order.requires_survey != survey:
        found["requires_survey"] = "true" if order.requires_survey else "false"
    return found


MANUAL_PREFIX = "M"
#: Manual numbers look like M202611240001; the BSS may not use that shape (R-ORD-2).
MANUAL_NUMBER = re.compile(r"^M\d{12}$")


def create_manual_order(*, actor: User, data: IntakeData) -> WorkOrder:
    """Create an order by hand (R-ORD-2): a customer's call to the desk, a dispatcher's own job.
    It gets a number of its own, `M` + date + serial (M202611240001), and its clocks start now.
    Branch roles create only in their branch."""
    require(actor, "order.create_manual")
    if (is_role(actor, Role.BRANCH_MANAGER) or is_role(actor, Role.DISPATCHER)) and (
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
            with transaction.atomic(durable=True):
                return _create_order(actor, data)
        except IntegrityError:
            if not WorkOrder.objects.filter(bss_order_no=data.bss_order_no).exists():
                _refuse_if_port_taken(data)
                raise  # not the number: a real integrity problem
            # another desk took the number at the same moment: take the next one
    raise RuleViolation(_("No free order number; try again."), code="order_number_busy")


@transaction.atomic(durable=True)
def create_inspection_order(
    *,
    number: str,
    grid: Grid,
    accepted_at: dt.datetime,
    due_at: dt.datetime,
    description: str,
    on_created: Callable[[WorkOrder], object],
) -> WorkOrder:
    """An inspection order generated by the worker for a plan's round (R-INS-4): no user acts
    (the worker is the system), the number is the round's own (so a repeat collides on the
    unique number), the inspection clock is due at the period's end, and `on_created` records the
    round in the same transaction — the order and its round commit together or not at all. A
    concurrent worker's duplicate raises `IntegrityError` and writes nothing."""
    order = WorkOrder.objects.create(
        bss_order_no=number,
        order_type=OrderType.INSPECTION,
        accepted_at=accepted_at,
        grid=grid,
        description=description,
    )
    events.order_created(order, actor=None, at=accepted_at, source="inspection_plan")
    sla.open_deadline_until(order, DeadlineKind.INSPECTION, accepted_at, due_at)
    on_created(order)
    return order


def _port_taken(port: SplitterPort) -> bool:
    return WorkOrder.objects.filter(splitter_port=port, holds_port=True).exists()


def _refuse_if_port_taken(data: IntakeData) -> None:
    port = data.splitter_port
    if port is not None and policy_for(data.order_type).holds_port and _port_taken(port):
        raise RuleViolation(
            _("The splitter port %(port)s already serves another order.") % {"port": port},
            code="port_taken",
        )


def _create_order(actor: User, data: IntakeData) -> WorkOrder:
    policy = policy_for(data.order_type)
    if data.customer is None and policy.needs_customer:
        raise RuleViolation(_("This order type needs a customer."), code="customer_required")
    # A port holds one live service; the partial unique index settles a race between two.
    _refuse_if_port_taken(data)
    customer = None
    if data.customer is not None:
        customer = find_or_create_customer(
            name=data.customer.name,
            phone=data.customer.phone,
            address=data.customer.address,
            lat=data.customer.lat,
            lng=data.customer.lng,
            grid=data.grid,
        )
    order = WorkOrder.objects.create(
        bss_order_no=data.bss_order_no,
        order_type=data.order_type,
        accepted_at=data.accepted_at,
        grid=data.grid,
        customer=customer,
        plan_mbps=data.plan_mbps,
        broadband_account=data.broadband_account,
        splitter_port=data.splitter_port,
        holds_port=data.splitter_port is not None and policy.holds_port,
        description=data.description,
        requires_survey=data.requires_survey and policy.surveyable,
        created_by=actor,
    )
    if order.holds_port and data.splitter_port is not None:
        # The port's own state follows the order's hold, in the same transaction (R-RES-1).
        network.occupy_port(
            data.splitter_port,
            actor=actor,
            customer_id=order.customer_id,
            work_order_id=order.pk,
            at=order.accepted_at,
        )
    events.order_created(
        order,
        actor=actor,
        at=data.accepted_at,
        source="bss" if is_role(actor, Role.INTEGRATION) else "manual",
    )
    for kind in clocks_at_intake(order.order_type, requires_survey=order.requires_survey):
        sla.open_deadline(order, kind, order.accepted_at, is_new_order=True)
    return order


# --- the lifecycle (R-ORD-3) -----------------------------------------------------------------

#: What a verb adds to a transition: the columns it set on the locked order and the details the
#: timeline event keeps.
Change = tuple[list[str], dict]
Prepare = Callable[[WorkOrder, dt.datetime], Change]


def _apply_transition(
    order: WorkOrder,
    action: str,
    *,
    actor: User,
    occurred_at: dt.datetime | None,
    reason: str = "",
    prepare: Prepare | None = None,
) -> tuple[WorkOrder, dt.datetime]:
    """Guard, move the status along `TRANSITIONS[action]`, write the changed columns and the
    event. Refuses with IllegalTransition (HTTP 409) and writes nothing when the current status
    does not allow it. Runs inside the verb's transaction; returns the locked order and the
    action's business time."""
    spec = TRANSITIONS[action]
    guarded = guard_order(
        order,
        actor=actor,
        permission=f"order.{action}",
        message=_("Your role may not perform “%(action)s”.") % {"action": spec.label},
        action=action,
        statuses=spec.sources,
        status_message=lambda locked: (
            _("“%(action)s” is not allowed while the order is “%(status)s”.")
            % {"action": spec.label, "status": Status(locked.status).label}
        ),
        occurred_at=occurred_at,
    )
    locked, at = guarded.order, guarded.at
    if spec.needs_reason and not reason.strip():
        raise RuleViolation(_("Give a reason."), code="reason_required")
    before = locked.status
    booked_before = locked.appointment_starts_at
    changed, data = prepare(locked, at) if prepare else ([], {})
    locked.status = spec.target or locked.suspended_from or Status.ACCEPTED
    locked.suspended_from = before if action == "suspend" else ""
    locked.save(update_fields=["status", "suspended_from", "updated_at", *changed])
    events.status_changed(
        locked, actor=actor, at=at, action=action, before=before, reason=reason, data=data
    )
    changes.order_changed(locked, action, at, booked_before, locked.appointment_starts_at)
    _copy_fields(locked, order)
    return locked, at


def _copy_fields(source: WorkOrder, target: WorkOrder) -> None:
    """Let the caller's instance see the new state without another query."""
    if source is not target:
        for model_field in WorkOrder._meta.concrete_fields:
            setattr(target, model_field.attname, getattr(source, model_field.attname))


def check_dispatchable(
    order: WorkOrder,
    technician: Technician,
    *,
    actor: User,
    on: dt.date,
    borrow_reason: str = "",
) -> dict:
    """R-WF-1: active, certified, in the order's branch (and the leader's own team), of a team
    of the order's grid — or of another grid's team the dispatcher borrows from, with a reason —
    and holding every skill the order type needs (`policy.skills`).

    Returns what the event keeps of a borrowing (`{"borrowed": {...}}`), or `{}`."""
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
    if is_role(actor, Role.TEAM_LEADER) and technician.team_id != actor.team_id:
        raise NotPermitted(_("A team leader dispatches only to the own team."))
    missing = missing_skills(order, technician)
    if missing:
        raise RuleViolation(
            _("The technician lacks the skill this order needs: %(skills)s.")
            % {"skills": ", ".join(missing)},
            code="technician_lacks_skill",
            missing_skills=missing,
        )
    if technician.team.grid_id == order.grid_id:
        return {}
    if not borrow_reason.strip():
        raise RuleViolation(
            _(
                "The technician belongs to another grid's team: borrowing them needs a reason "
                "(borrow_reason)."
            ),
            code="technician_out_of_grid",
        )
    return {
        "borrowed": {
            "team": technician.team.code,
            "grid": technician.team.grid.code,
            "reason": borrow_reason.strip(),
        }
    }


def missing_skills(order: WorkOrder, technician: Technician) -> list[str]:
    """The skill codes the order's type needs (`policy.skills`) that the technician lacks. Uses
    the prefetched `skills` when the caller has them, one query otherwise."""
    held = {skill.code for skill in technician.skills.all()}
    return [code for code in policy_for(order.order_type).skills if code not in held]


def order_state(order_pk: int) -> dict:
    """The order's current status, technician and last change: what a 409 tells the loser of a
    race, so the client can redraw without another request."""
    current = WorkOrder.objects.select_related("technician").get(pk=order_pk)
    return {
        "status": current.status,
        "technician": current.technician.staff_no if current.technician else None,
        "updated_at": isoformat_shanghai(current.updated_at),
    }


def check_expected(
    locked: WorkOrder,
    *,
    expected_technician: str | None,
    if_unmodified_since: dt.datetime | None,
) -> None:
    """Optimistic check of a (re)assignment, on the locked row: the client says which technician
    it saw on the order (`""`: none) and/or when the order last changed. When another dispatcher
    was faster, 409 `order_changed` with the current state; both checks are optional."""
    if expected_technician is not None:
        seen = locked.technician.staff_no if locked.technician_id else ""  # type: ignore[union-attr]
        if seen != expected_technician:
            raise Conflict(
                _("Someone else changed this order's assignment meanwhile."),
                code="order_changed",
                current=order_state(locked.pk),
            )
    if if_unmodified_since is not None and locked.updated_at > if_unmodified_since:
        raise Conflict(
            _("Someone else changed this order meanwhile."),
            code="order_changed",
            current=order_state(locked.pk),
        )


@transaction.atomic(durable=True)
def dispatch_order(
    order: WorkOrder,
    *,
    technician: Technician,
    actor: User,
    occurred_at=None,
    reason: str = "",
    borrow_reason: str = "",
    expected_technician: str | None = None,
    if_unmodified_since: dt.datetime | None = None,
) -> WorkOrder:
    """Send the order to a technician: starts the response and contact clocks (R-SLA-1, R-SLA-4).
    A technician of another grid's team needs a `borrow_reason`, kept on the event (R-WF-1)."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        check_expected(
            locked, expected_technician=expected_technician, if_unmodified_since=if_unmodified_since
        )
        borrowed = check_dispatchable(
            locked, technician, actor=actor, on=local_date(at), borrow_reason=borrow_reason
        )
        locked.technician = technician
        locked.dispatched_at = at
        return ["technician", "dispatched_at"], {"technician": technician.staff_no, **borrowed}

    try:
        locked, at = _apply_transition(
            order, "dispatch", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
        )
    except IllegalTransition as refusal:
        # Usually another dispatcher was faster: say who has the order now.
        refusal.details["current"] = order_state(order.pk)
        raise
    # A re-dispatched order (after a return) gives the new technician a new response clock; the
    # first technician's stays as it ended (met, or voided by the return with any breach kept).
    for kind in policy_for(locked.order_type).clocks_at_dispatch:
        sla.open_deadline(locked, kind, at, after_finished=kind == DeadlineKind.RESPONSE)
    return locked


@transaction.atomic(durable=True)
def accept_order(order: WorkOrder, *, actor: User, occurred_at=None, reason: str = "") -> WorkOrder:
    """The technician takes the order: meets the 15-minute response clock (R-SLA-1)."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        locked.responded_at = at
        sla.meet_deadline(locked, DeadlineKind.RESPONSE, at)
        return ["responded_at"], {}

    return _apply_transition(
        order, "accept", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


@transaction.atomic(durable=True)
def return_order(order: WorkOrder, *, actor: User, reason: str, occurred_at=None) -> WorkOrder:
    """The technician gives the order back to dispatch, with a reason. A survey already recorded
    is cleared: the next technician surveys again (e.g. after the network was rectified)."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        locked.technician = None
        # The returning technician's unanswered response clock ends here (a breach stays); the
        # next dispatch starts a new one for the next technician (R-SLA-1).
        sla.void_open_deadlines(locked, at, kinds=[DeadlineKind.RESPONSE])
        if not (locked.requires_survey and locked.survey_completed_at is not None):
            return ["technician"], {}
        cleared = {
            "completed_at": locked.survey_completed_at.isoformat(),
            "conditions_met": locked.survey_conditions_met,
        }
        locked.survey_completed_at = None
        locked.survey_conditions_met = None
        fields = ["technician", "survey_completed_at", "survey_conditions_met"]
        return fields, {"cleared_survey": cleared}

    return _apply_transition(
        order, "return", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


@transaction.atomic(durable=True)
def book_appointment(
    order: WorkOrder,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor: User,
    occurred_at=None,
    reason: str = "",
    initiated_by: str = Initiator.CUSTOMER,
    on_booked: Callable[[WorkOrder, dt.datetime, Appointment], dict] | None = None,
) -> WorkOrder:
    """Book the visit's window agreed with the customer (R-APT-1): a new `Appointment` row. A
    pending one it replaces was changed at the customer's request unless `initiated_by` says
    the technician (then R-APT-6's notice rule decides, as in `reschedule_appointment`).

    `on_booked(locked, at, appointment)`: for a verb of another app that books as part of its
    own work (onsite's safety deferral, R-SITE-4): it runs under the same lock and transaction
    after the booking, may refuse (everything is rolled back), and the details it returns join
    the event's."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        # Moving a pending appointment is `reschedule`, which says who asked: booking over it
        # would let a late change by the technician pass as the customer's (R-APT-6).
        if current_appointment(locked) is not None:
            raise Conflict(
                _("The visit is booked already: reschedule it, saying who asked for the change."),
                code="appointment_pending",
            )
        appointment, previous = _book(
            locked,
            at,
            actor=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            initiated_by=initiated_by,
            reason=reason,
        )
        window = {
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "sequence": appointment.sequence,
            "is_second": appointment.is_second,
        }
        if previous is not None:
            window["previous_outcome"] = previous.outcome
        if on_booked is not None:
            window.update(on_booked(locked, at, appointment))
        return ["appointment_starts_at", "appointment_ends_at"], window

    return _apply_transition(
        order, "appoint", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


def _book(
    locked: WorkOrder,
    at: dt.datetime,
    *,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    initiated_by: str,
    reason: str,
) -> tuple[Appointment, Appointment | None]:
    """The new appointment row; the pending one it replaces gets its outcome (R-APT-6)."""
    if not starts_at or not ends_at or ends_at <= starts_at:
        raise RuleViolation(
            _("An appointment needs a start and a later end."),
            code="appointment_window_invalid",
        )
    if initiated_by not in Initiator.values:
        raise RuleViolation(_("Say who asked for the change."), code="initiator_invalid")
    history = list(locked.appointments.order_by("sequence"))
    previous = history[-1] if history else None
    pending = previous if previous and previous.outcome == AppointmentOutcome.PENDING else None
    if pending is not None:
        if initiated_by == Initiator.TECHNICIAN and not reason.strip():
            raise RuleViolation(_("A technician's change needs a reason."), code="reason_required")
        # The notice is what the customer got: the message goes out when the server has the
        # change, so a change replayed from a phone with an earlier device time (or a forged
        # one) counts from its arrival (R-APT-6).
        notice_at = max(at, clock.now())
        pending.outcome = rules.change_outcome(initiated_by, pending.starts_at, notice_at)
        pending.outcome_at = at
        pending.change_reason = reason
        pending.save(update_fields=["outcome", "outcome_at", "change_reason"])
    # A booking after a visit that found nobody home is a second appointment (R-APT-7); moving
    # a second appointment keeps it second.
    is_second = previous is not None and (
        previous.is_second
        and pending is not None
        or previous.visits.filter(absent_at__isnull=False).exists()
    )
    appointment = Appointment.objects.create(
        order=locked,
        sequence=len(history) + 1,
        starts_at=starts_at,
        ends_at=ends_at,
        initiated_by=initiated_by,
        booked_by=actor,
        booked_at=at,
        is_second=is_second,
    )
    AppointmentReminder.objects.bulk_create(
        AppointmentReminder(appointment=appointment, kind=kind, due_at=due_at)
        for kind, due_at in rules.reminder_times(starts_at, at).items()
    )
    locked.appointment_starts_at = starts_at
    locked.appointment_ends_at = ends_at
    messaging.send_to_customer(
        locked,
        kind=MessageKind.BOOKED if pending is None else MessageKind.RESCHEDULED,
        text=_booking_message(locked, appointment, pending, reason),
        sent_by=actor,
    )
    return appointment, pending


def _booking_message(
    order: WorkOrder, appointment: Appointment, replaced: Appointment | None, reason: str
) -> str:
    window = _window_text(appointment.starts_at, appointment.ends_at)
    if replaced is not None and appointment.initiated_by == Initiator.TECHNICIAN:
        return _(
            "We are sorry: your visit (order %(number)s) has to move to %(window)s. Reason: "
            "%(reason)s. Reply or call us if that time does not suit you."
        ) % {"number": order.bss_order_no, "window": window, "reason": reason}
    return _("Your visit (order %(number)s) is booked for %(window)s.") % {
        "number": order.bss_order_no,
        "window": window,
    }


def _window_text(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    start, end = starts_at.astimezone(SHANGHAI), ends_at.astimezone(SHANGHAI)
    return f"{start:%m-%d %H:%M}–{end:%H:%M}"


def current_appointment(order: WorkOrder) -> Appointment | None:
    """The pending appointment, if any."""
    return order.appointments.filter(outcome=AppointmentOutcome.PENDING).first()


@transaction.atomic(durable=True)
def reschedule_appointment(
    order: WorkOrder,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    initiated_by: str,
    reason: str = "",
    actor: User,
    occurred_at=None,
) -> Appointment:
    """Move the pending appointment (R-APT-6). A technician's move needs a reason and sends the
    customer an apology; with less than two hours' notice the old appointment is broken. A
    customer's change never counts against the technician. Returns the replaced appointment,
    with its outcome."""
    replaced: list[Appointment] = []

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        if current_appointment(locked) is None:
            raise Conflict(
                _("There is no pending appointment to move; book one."),
                code="no_pending_appointment",
            )
        appointment, previous = _book(
            locked,
            at,
            actor=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            initiated_by=initiated_by,
            reason=reason,
        )
        assert previous is not None  # noqa: S101 - checked above, under the order's lock
        replaced.append(previous)
        events.appointment_changed(
            locked,
            actor=actor,
            at=at,
            initiated_by=initiated_by,
            previous_outcome=previous.outcome,
            reason=reason,
        )
        return ["appointment_starts_at", "appointment_ends_at"], {
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "sequence": appointment.sequence,
            "previous_outcome": previous.outcome,
        }

    _apply_transition(
        order, "appoint", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )
    return replaced[0]


def _guard_appointment_work(order, *, actor, permission, action, statuses, occurred_at):
    return guard_order(
        order,
        actor=actor,
        permission=permission,
        action=action,
        statuses=statuses,
        status_message=_("Not possible in the order's current status."),
        occurred_at=occurred_at,
        owner_only=True,
    )


@transaction.atomic(durable=True)
def reconfirm_appointment(
    order: WorkOrder, *, actor: User, eta: dt.datetime | None = None, occurred_at=None
) -> Appointment:
    """Before setting off, the technician reconfirms time and work with the customer (R-APT-3);
    the customer gets the ETA and what will be done."""
    guarded = _guard_appointment_work(
        order,
        actor=actor,
        permission="order.reconfirm",
        action="reconfirm",
        statuses={Status.APPOINTED},
        occurred_at=occurred_at,
    )
    locked, at = guarded.order, guarded.at
    appointment = current_appointment(locked)
    if appointment is None:
        raise Conflict(_("There is no pending appointment."), code="no_pending_appointment")
    appointment.reconfirmed_at = at
    appointment.eta = eta or appointment.starts_at
    appointment.save(update_fields=["reconfirmed_at", "eta"])
    text = _(
        "Reminder: your technician will come for order %(number)s (%(work)s) around %(eta)s."
    ) % {
        "number": locked.bss_order_no,
        "work": locked.get_order_type_display(),
        "eta": f"{appointment.eta.astimezone(SHANGHAI):%m-%d %H:%M}",
    }
    messaging.send_to_customer(locked, kind=MessageKind.RECONFIRMED, text=text, sent_by=actor)
    events.appointment_reconfirmed(locked, actor=actor, at=at, eta=appointment.eta)
    return appointment


@transaction.atomic(durable=True)
def report_running_late(
    order: WorkOrder, *, eta: dt.datetime, actor: User, occurred_at=None
) -> Appointment:
    """Tell the customer before the start that the technician will be late (R-APT-5). After the
    start it is too late to warn: refused, so the record cannot claim a warning that was not
    given in time."""
    guarded = _guard_appointment_work(
        order,
        actor=actor,
        permission="order.running_late",
        action="running_late",
        statuses={Status.APPOINTED, Status.EN_ROUTE},
        occurred_at=occurred_at,
    )
    locked, at = guarded.order, guarded.at
    appointment = current_appointment(locked)
    if appointment is None:
        raise Conflict(_("There is no pending appointment."), code="no_pending_appointment")
    if at >= appointment.starts_at:
        raise Conflict(
            _("The appointment has started: a late notice must come before the start."),
            code="appointment_started",
        )
    if eta <= appointment.starts_at:
        raise RuleViolation(
            _("The new arrival time must be after the appointment's start."), code="eta_invalid"
        )
    appointment.late_notice_at = at
    appointment.eta = eta
    appointment.save(update_fields=["late_notice_at", "eta"])
    text = _(
        "We are sorry: your technician for order %(number)s is delayed and will arrive around "
        "%(eta)s."
    ) % {"number": locked.bss_order_no, "eta": f"{eta.astimezone(SHANGHAI):%H:%M}"}
    messaging.send_to_customer(locked, kind=MessageKind.RUNNING_LATE, text=text, sent_by=actor)
    events.running_late_reported(locked, actor=actor, at=at, eta=eta, message=text)
    return appointment


@transaction.atomic(durable=True)
def depart_order(
    order: WorkOrder,
    *,
    actor: User,
    occurred_at=None,
    reason: str = "",
    eta: dt.datetime | None = None,
) -> WorkOrder:
    """The technician sets off to the customer; `eta`, the expected arrival, is kept on the
    pending appointment (the office sees it; a late arrival is announced with `running_late`)."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        if eta is None:
            return [], {}
        appointment = current_appointment(locked)
        if appointment is not None:
            appointment.eta = eta
            appointment.save(update_fields=["eta"])
        return [], {"eta": eta.astimezone(dt.UTC).isoformat()}

    return _apply_transition(
        order, "depart", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


@transaction.atomic(durable=True)
def arrive_on_site(
    order: WorkOrder,
    *,
    actor: User,
    occurred_at=None,
    reason: str = "",
    lat: Decimal | None = None,
    lng: Decimal | None = None,
    accuracy_m: int | None = None,
) -> WorkOrder:
    """The technician checks in at the customer's (R-APT-4): a `SiteVisit` with the position and
    its distance to the customer's location; the pending appointment is kept when the check-in
    is no later than its start, kept late otherwise."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        appointment = current_appointment(locked)
        distance = None
        customer = locked.customer
        if None not in (lat, lng) and customer and None not in (customer.lat, customer.lng):
            distance = rules.distance_m(lat, lng, customer.lat, customer.lng)  # type: ignore[arg-type]
        SiteVisit.objects.create(
            order=locked,
            appointment=appointment,
            technician_id=locked.technician_id,  # type: ignore[misc] # owned: never NULL
            checked_in_at=at,
            checked_in_recorded_at=clock.now(),
            lat=lat,
            lng=lng,
            accuracy_m=accuracy_m,
            distance_m=distance,
        )
        details: dict = {"distance_m": distance}
        if appointment is not None:
            appointment.outcome = rules.check_in_outcome(appointment.starts_at, at)
            appointment.outcome_at = at
            appointment.save(update_fields=["outcome", "outcome_at"])
            details["appointment_outcome"] = appointment.outcome
        return [], details

    return _apply_transition(
        order, "arrive", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


def current_visit(order: WorkOrder) -> SiteVisit | None:
    return order.visits.order_by("-checked_in_recorded_at", "-id").first()


@transaction.atomic(durable=True)
def report_customer_absent(order: WorkOrder, *, actor: User, occurred_at=None) -> SiteVisit:
    """Nobody at home (R-APT-7): the 15-minute wait starts, timed by the server from when it
    received the check-in — no device time can shorten it."""
    guarded = _guard_appointment_work(
        order,
        actor=actor,
        permission="order.customer_absent",
        action="customer_absent",
        statuses={Status.ON_SITE},
        occurred_at=occurred_at,
    )
    locked, at = guarded.order, guarded.at
    visit = current_visit(locked)
    if visit is None:
        raise Conflict(_("Check in on site first."), code="not_checked_in")
    if visit.absent_at is None:
        visit.absent_at = at
        visit.wait_until = rules.wait_until(visit.checked_in_recorded_at)
        visit.save(update_fields=["absent_at", "wait_until"])
        assert visit.wait_until is not None  # noqa: S101 - set just above
        events.customer_absent_reported(locked, actor=actor, at=at, wait_until=visit.wait_until)
    return visit


@transaction.atomic(durable=True)
def leave_service_note(
    order: WorkOrder, *, actor: User, occurred_at=None, reason: str = ""
) -> SiteVisit:
    """After the wait, the technician leaves the printed service note (服务便利贴, R-APT-8) and
    the order leaves the site: back to accepted, for a second appointment. Before the wait is
    over: 409 `absence_wait_not_elapsed`, whatever time the device reports."""
    visits: list[SiteVisit] = []

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        visit = current_visit(locked)
        if visit is None or visit.absent_at is None or visit.wait_until is None:
            raise Conflict(
                _("Report the customer absent and wait first."), code="customer_not_reported_absent"
            )
        received = clock.now()
        if received < visit.wait_until:
            raise Conflict(
                _("Wait for the customer until %(time)s before leaving the note.")
                % {"time": f"{visit.wait_until.astimezone(SHANGHAI):%H:%M:%S}"},
                code="absence_wait_not_elapsed",
                wait_until=isoformat_shanghai(visit.wait_until),
            )
        visit.note_left_at = at
        visit.save(update_fields=["note_left_at"])
        visits.append(visit)
        locked.appointment_starts_at = locked.appointment_ends_at = None
        return ["appointment_starts_at", "appointment_ends_at"], {
            "service_note": True,
            "wait_until": visit.wait_until.isoformat(),
        }

    locked, at = _apply_transition(
        order, "leave_site", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )
    text = _(
        "We came for order %(number)s at %(arrived)s and waited until %(left)s but found nobody "
        "at home. We left a note; please call us to book a new time."
    ) % {
        "number": locked.bss_order_no,
        "arrived": f"{visits[0].checked_in_at.astimezone(SHANGHAI):%H:%M}",
        "left": f"{at.astimezone(SHANGHAI):%H:%M}",
    }
    messaging.send_to_customer(locked, kind=MessageKind.SERVICE_NOTE, text=text, sent_by=actor)
    return visits[0]


@transaction.atomic(durable=True)
def complete_order(
    order: WorkOrder, *, actor: User, occurred_at=None, reason: str = ""
) -> WorkOrder:
    """The work is done: meets the type's completion clock. An install that needed a survey
    completes only after a survey that found the conditions met (R-SLA-3). An install or a
    relocation completes only when every completion gate passes (`workorders.gates`: the
    acceptance elements, issue 8); otherwise 409 `completion_blocked` lists every blocker."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        if locked.requires_survey and locked.survey_completed_at is None:
            raise RuleViolation(
                _("Record the survey before completing the installation."),
                code="survey_not_completed",
            )
        if locked.requires_survey and locked.survey_conditions_met is False:
            raise RuleViolation(
                _("The survey found the installation conditions not met: return or cancel it."),
                code="survey_conditions_not_met",
            )
        if policy_for(locked.order_type).needs_acceptance:
            blockers = gates.completion_blockers(locked)
            if blockers:
                raise Conflict(
                    _("The installation cannot be completed yet: %(items)s")
                    % {"items": "；".join(blocker.message for blocker in blockers)},
                    code="completion_blocked",
                    blocking=[blocker.as_dict() for blocker in blockers],
                )
        blockers = gates.type_blockers(locked)
        if blockers:
            raise Conflict(
                _("The order cannot be completed yet: %(items)s")
                % {"items": "；".join(blocker.message for blocker in blockers)},
                code="completion_blocked",
                blocking=[blocker.as_dict() for blocker in blockers],
            )
        locked.completed_at = at
        clock = policy_for(locked.order_type).completion_clock
        if clock:
            sla.meet_deadline(locked, clock, at)
        if policy_for(locked.order_type).releases_port:
            return ["completed_at"], _release_removed_service(locked, actor=actor, at=at)
        if policy_for(locked.order_type).moves_service:
            return ["completed_at"], _release_previous_port(locked, actor=actor, at=at)
        return ["completed_at"], {}

    return _apply_transition(
        order, "complete", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


@transaction.atomic(durable=True)
def rework_order(order: WorkOrder, *, actor: User, reason: str, occurred_at=None) -> WorkOrder:
    """R-SITE-6: the customer is not satisfied; the rejected completion does not count and the
    clock runs on until the rework is done. The timeline keeps what the completion had met."""
    return apply_rework(order, actor=actor, reason=reason, occurred_at=occurred_at)


def apply_rework(order: WorkOrder, *, actor: User, reason: str, occurred_at=None) -> WorkOrder:
    """The body of `rework_order`, not durable: for another app's action that sends the order
    back inside its own durable transaction (onsite's `record_satisfaction`, when the customer
    is not satisfied after completion). Runs the full guard sequence of the verb itself."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        locked.completed_at = None
        clock = policy_for(locked.order_type).completion_clock
        previous = sla.reopen_deadline(locked, clock) if clock else None
        data = {}
        if previous is not None:
            data["reopened_clock"] = {"deadline": clock, "previous_met_at": previous.isoformat()}
        return ["completed_at"], data

    return _apply_transition(
        order, "rework", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


@transaction.atomic(durable=True)
def confirm_order(
    order: WorkOrder, *, actor: User, occurred_at=None, reason: str = ""
) -> WorkOrder:
    """The customer confirmed the work (签字确认). For the types whose policy
    `needs_acceptance`, only when every confirmation gate passes (`workorders.gates`: onsite's
    satisfaction answer and signed confirmation form, R-SITE-6); otherwise 409
    `customer_not_satisfied` lists the blockers."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        if policy_for(locked.order_type).needs_acceptance:
            blockers = gates.confirmation_blockers(locked)
            if blockers:
                raise Conflict(
                    _("The customer has not confirmed satisfied: %(items)s")
                    % {"items": "；".join(blocker.message for blocker in blockers)},
                    code="customer_not_satisfied",
                    blocking=[blocker.as_dict() for blocker in blockers],
                )
        return [], {}

    return _apply_transition(
        order, "confirm", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


@transaction.atomic(durable=True)
def close_order(order: WorkOrder, *, actor: User, occurred_at=None, reason: str = "") -> WorkOrder:
    """The office closes a confirmed order."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        locked.closed_at = at
        return ["closed_at"], {}

    return _apply_transition(
        order, "close", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


@transaction.atomic(durable=True)
def suspend_order(
    order: WorkOrder,
    *,
    actor: User,
    reason: str,
    occurred_at=None,
    initiated_by: str = SuspensionInitiator.OPERATOR,
) -> WorkOrder:
    """Put an order being worked on hold, with a reason; `resume_order` returns it. Suspended at
    the customer's request (moved in, away, building not ready), its running clocks pause and
    resume extends them; suspended by the operator for its own reasons (materials, network
    work) they keep running: the customer is not made to wait longer (docs/sla.md)."""
    if initiated_by not in SuspensionInitiator.values:
        raise RuleViolation(_("Say who asked for the suspension."), code="initiator_invalid")

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        pauses = initiated_by == SuspensionInitiator.CUSTOMER
        if pauses:
            sla.pause_deadlines(locked, at)
        return [], {"initiated_by": initiated_by, "pauses_clocks": pauses}

    return _apply_transition(
        order, "suspend", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


@transaction.atomic(durable=True)
def resume_order(order: WorkOrder, *, actor: User, occurred_at=None, reason: str = "") -> WorkOrder:
    """A suspended order goes back to the status it was suspended from; clocks paused by a
    customer's suspension run again, extended (`sla.rules.extend_after_pause`)."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        moved = sla.resume_deadlines(locked, at)
        return [], ({"extended": moved} if moved else {})

    return _apply_transition(
        order, "resume", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


@transaction.atomic(durable=True)
def cancel_order(order: WorkOrder, *, actor: User, reason: str, occurred_at=None) -> WorkOrder:
    """Cancel with a reason: running clocks stop (recorded breaches stay) and the splitter port
    is free for another service."""

    def prepare(locked: WorkOrder, at: dt.datetime) -> Change:
        sla.void_open_deadlines(locked, at)
        # A cancelled order's pending visit will not happen: out of 履约率, like a customer's
        # change (R-APT-9, docs/kpi.md), never held against the technician.
        locked.appointments.filter(outcome=AppointmentOutcome.PENDING).update(
            outcome=AppointmentOutcome.CUSTOMER_CHANGED, outcome_at=at, change_reason=reason[:500]
        )
        if not locked.holds_port:
            return [], {}
        locked.holds_port = False
        if locked.splitter_port is not None:
            network.release_port(
                locked.splitter_port, actor=actor, work_order_id=locked.pk, at=at, note=reason
            )
        return ["holds_port"], {"released_port": str(locked.splitter_port)}

    return _apply_transition(
        order, "cancel", actor=actor, occurred_at=occurred_at, reason=reason, prepare=prepare
    )[0]


def _release_removed_service(removal: WorkOrder, *, actor: User, at: dt.datetime) -> dict:
    """A completed removal (拆机) ends the customer's service: the port this customer's order
    holds is free again (R-RES-1). The holding order is usually closed long ago, so no verb of
    its own runs: its `holds_port` is cleared here with the port's release, under the port's
    row lock, and the removal's completion event names both. A port held for another customer
    is left alone and the event says so: the removal does not end someone else's service."""
    port = removal.splitter_port
    if port is None:
        return {}
    holders = WorkOrder.objects.filter(splitter_port=port, holds_port=True).exclude(pk=removal.pk)
    holder = holders.filter(customer=removal.customer).values_list("pk", flat=True).first()
    if holder is None:
        if holders.exists():
            return {"port_not_released": str(port), "reason": "held_by_another_customer"}
        return {}
    return _release_held_port(port, holder, actor=actor, at=at, note=removal.bss_order_no)


def _release_previous_port(relocation: WorkOrder, *, actor: User, at: dt.datetime) -> dict:
    """A completed relocation (移机) moves the customer's service to the relocation's port: the
    port the customer's earlier order held is free again (R-RES-1), like a removal's."""
    if relocation.customer_id is None or relocation.splitter_port_id is None:
        return {}
    previous = (
        WorkOrder.objects.filter(customer_id=relocation.customer_id, holds_port=True)
        .exclude(pk=relocation.pk)
        .exclude(splitter_port_id=relocation.splitter_port_id)
        .exclude(splitter_port=None)
        .select_related("splitter_port")
        .first()
    )
    if previous is None or previous.splitter_port is None:
        return {}
    return _release_held_port(
        previous.splitter_port, previous.pk, actor=actor, at=at, note=relocation.bss_order_no
    )


def _release_held_port(port, holder: int, *, actor: User, at: dt.datetime, note: str) -> dict:
    network.release_port(port, actor=actor, work_order_id=holder, at=at, note=note)
    WorkOrder.objects.filter(pk=holder).update(holds_port=False)
    return {"released_port": str(port), "released_from_order": holder}


#: The lifecycle verbs by action name (states.TRANSITIONS), for callers that receive a name.
VERBS: dict[str, Callable[..., WorkOrder]] = {
    "dispatch": dispatch_order,
    "accept": accept_order,
    "return": return_order,
    "appoint": book_appointment,
    "depart": depart_order,
    "arrive": arrive_on_site,
    "leave_site": lambda order, **details: leave_service_note(order, **details).order,
    "complete": complete_order,
    "rework": rework_order,
    "confirm": confirm_order,
    "close": close_order,
    "suspend": suspend_order,
    "resume": resume_order,
    "cancel": cancel_order,
}


def perform(
    order: WorkOrder, action: str, *, actor: User, occurred_at=None, reason: str = "", **details
) -> WorkOrder:
    """Run the lifecycle verb named `action` (the API's and the pages' buttons)."""
    verb = VERBS.get(action)
    if verb is None:
        raise IllegalTransition(_("Unknown action."), action=action)
    return verb(order, actor=actor, occurred_at=occurred_at, reason=reason, **details)


# --- work that keeps the status --------------------------------------------------------------


@transaction.atomic(durable=True)
def handover_order(
    order: WorkOrder,
    *,
    to: Technician,
    reason: str,
    actor: User,
    occurred_at=None,
    borrow_reason: str = "",
    expected_technician: str | None = None,
    if_unmodified_since: dt.datetime | None = None,
) -> WorkOrder:
    """首问负责制 (R-ORD-5): ownership passes only by a handover with a reason, on the timeline.
    The same rules as a dispatch (R-WF-1, `check_dispatchable`) and the same optimistic check
    (`check_expected`: 409 `order_changed` when another dispatcher reassigned it first)."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="order.handover",
        action="handover",
        statuses=OWNED,
        status_message=_("Only an order a technician owns can be handed over."),
        occurred_at=occurred_at,
    )
    locked, at = guarded.order, guarded.at
    if not reason.strip():
        raise RuleViolation(_("Give a reason."), code="reason_required")
    check_expected(
        locked, expected_technician=expected_technician, if_unmodified_since=if_unmodified_since
    )
    if to.pk == locked.technician_id:
        raise RuleViolation(_("The order already belongs to this technician."), code="same_owner")
    borrowed = check_dispatchable(
        locked, to, actor=actor, on=local_date(at), borrow_reason=borrow_reason
    )
    previous = locked.technician
    locked.technician = to
    locked.save(update_fields=["technician", "updated_at"])
    events.order_handed_over(
        locked,
        actor=actor,
        at=at,
        reason=reason,
        from_staff_no=previous.staff_no if previous else None,
        to_staff_no=to.staff_no,
        data=borrowed,
    )
    changes.order_changed(locked, "handover", at, locked.appointment_starts_at)
    _copy_fields(locked, order)
    return locked


@transaction.atomic(durable=True)
def record_survey_completed(
    order: WorkOrder, *, conditions_met: bool, note: str, actor: User, occurred_at=None
) -> WorkOrder:
    """The survey of an install that needed one is done: meets the survey clock and, when the
    conditions are met, starts the 3-working-day install clock from that day (R-SLA-3)."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="order.complete_survey",
        action="complete_survey",
        statuses=OWNED,
        status_message=_("The survey can be recorded only while the order is being worked."),
        occurred_at=occurred_at,
        owner_only=True,
    )
    locked, at = guarded.order, guarded.at
    if not locked.requires_survey or locked.survey_completed_at is not None:
        raise IllegalTransition(
            _("This order has no survey waiting."), action="complete_survey", status=locked.status
        )
    locked.survey_completed_at = at
    locked.survey_conditions_met = conditions_met
    locked.save(update_fields=["survey_completed_at", "survey_conditions_met", "updated_at"])
    sla.meet_deadline(locked, DeadlineKind.SURVEY, at)
    if conditions_met:
        sla.open_deadline(locked, DeadlineKind.INSTALL, at)
    events.survey_recorded(locked, actor=actor, at=at, conditions_met=conditions_met, note=note)
    _copy_fields(locked, order)
    return locked


def note_first_contact(locked: WorkOrder, at: dt.datetime) -> None:
    """The first contact attempt on a locked order (R-SLA-4): stamps it and meets the contact
    clock. Called by `dispatch.actions.record_contact_attempt` inside its transaction."""
    if locked.first_contact_at is not None:
        return
    locked.first_contact_at = at
    locked.save(update_fields=["first_contact_at", "updated_at"])
    sla.meet_deadline(locked, DeadlineKind.CONTACT, at)


@transaction.atomic(durable=True)
def reveal_order_contact(
    order: WorkOrder, *, actor: User, reason: str = "", channel: str = "web"
) -> Customer:
    """The order's customer with full name, phone, address and location; each reveal is logged
    (R-CUS-5). The caller has fetched `order` through `visible_to(actor)`. A technician sees
    the contact only while the order is open."""
    return _reveal(order, actor=actor, reason=reason, channel=channel)


def _reveal(order: WorkOrder, *, actor: User, reason: str, channel: str) -> Customer:
    require(actor, "customer.reveal")
    check_scope(order, actor)
    if is_role(actor, Role.TECHNICIAN) and order.status in TERMINAL:
        raise NotPermitted(_("The order is no longer open: its contact stays masked."))
    if order.customer is None:
        raise RuleViolation(_("This order has no customer."), code="no_customer")
    record_unmasking(
        order.customer, actor=actor, channel=channel, reason=reason, work_order_id=order.pk
    )
    return order.customer


@transaction.atomic(durable=True)
def print_service_note(order: WorkOrder, *, actor: User) -> ServiceNote:
    """The service note (服务便利贴, R-APT-8) of the order's last visit where nobody was home,
    ready to print. It carries the full address (it is posted on the customer's door), so each
    print is logged as an unmasking (R-CUS-5), with the same rules as a reveal."""
    visit = (
        order.visits.filter(note_left_at__isnull=False)
        .select_related("technician")
        .order_by("-note_left_at", "-id")
        .first()
    )
    if visit is None or visit.note_left_at is None:
        raise Missing(_("No service note was left for this order."), code="no_service_note")
    customer = _reveal(order, actor=actor, reason=_("service note"), channel="note")
    return ServiceNote(
        address=customer.address,
        technician_name=visit.technician.name,
        technician_phone=visit.technician.phone,
        arrived_at=visit.checked_in_at,
        left_at=visit.note_left_at,
        order_no=order.bss_order_no,
        operator_name=settings.OPERATOR_NAME,
    )


# --- the worker's part: reminders before appointments ------------------------------------------

#: Reminders handled per transaction: short transactions, like the deadline sweeper's batches.
REMINDER_BATCH = 200


def sweep_reminders(now: dt.datetime, *, batch_size: int = REMINDER_BATCH) -> int:
    """Fire the reminders due by `now` (called by the SLA worker each tick, `run_sla_clock`).
    Claims batches with `SKIP LOCKED`, so several workers never fire one twice. A reminder
    fires only if still needed: reconfirm while the appointment is pending and not reconfirmed;
    about-to-miss while it is pending (nobody checked in). Returns how many were sent."""
    sent = 0
    while True:
        with transaction.atomic(durable=True):
            claimed = list(
                AppointmentReminder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("appointment__order")
                .filter(fired_at__isnull=True, due_at__lte=now)
                .order_by("due_at")[:batch_size]
            )
            for reminder in claimed:
                sent += _fire_reminder(reminder, now)
        if len(claimed) < batch_size:
            return sent


def _fire_reminder(reminder: AppointmentReminder, now: dt.datetime) -> int:
    appointment = reminder.appointment
    order = appointment.order
    # Once the window has started a reminder is stale (the worker was stopped, say): too late
    # to reconfirm or to hurry; the appointment's outcome tells the rest.
    pending = appointment.outcome == AppointmentOutcome.PENDING and now < appointment.starts_at
    if reminder.kind == ReminderKind.RECONFIRM:
        needed = pending and appointment.reconfirmed_at is None
        stamp = "reconfirm_reminded_at"
    else:
        needed = pending and order.status in {Status.APPOINTED, Status.EN_ROUTE}
        stamp = "miss_warned_at"
    reminder.fired_at = now
    reminder.outcome = "sent" if needed else "not_needed"
    reminder.save(update_fields=["fired_at", "outcome"])
    if not needed:
        return 0
    setattr(appointment, stamp, now)
    appointment.save(update_fields=[stamp])
    events.reminder_fired(order, at=now, reminder_kind=reminder.kind, appointment_id=appointment.pk)
    return 1


@transaction.atomic(durable=True)
def change_resource(
    order: WorkOrder,
    *,
    box: str,
    port: int,
    reason: str,
    actor: User,
    occurred_at=None,
) -> WorkOrder:
    """Correct the order's resource record to the splitter box and port actually used
    (资源变更, R-ACC-1): a port of the order's own grid, free of another live service; the old
    port is freed, the new one held. An event keeps before and after."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="order.change_resource",
        action="change_resource",
        statuses=OWNED,
        status_message=_("The resource is changed only while the order is being worked."),
        occurred_at=occurred_at,
    )
    locked, at = guarded.order, guarded.at
    if not reason.strip():
        raise RuleViolation(_("Give a reason."), code="reason_required")
    new_port = find_port(box.strip(), port, locked.grid)
    if new_port is None:
        raise RuleViolation(
            _("No port %(port)s in a splitter box %(box)s of the order's grid.")
            % {"port": port, "box": box},
            code="unknown_port",
        )
    if new_port.pk == locked.splitter_port_id:
        return locked
    if policy_for(locked.order_type).holds_port and _port_taken(new_port):
        raise RuleViolation(
            _("The splitter port %(port)s already serves another order.") % {"port": new_port},
            code="port_taken",
        )
    before = str(locked.splitter_port) if locked.splitter_port_id else ""
    changed = ["splitter_port", "updated_at"]
    # The port's state moves with the order's hold (R-RES-1): the old port is freed, the new
    # one taken; an order of a holding type that had no port yet takes its first one here.
    if locked.holds_port and locked.splitter_port is not None:
        network.release_port(
            locked.splitter_port, actor=actor, work_order_id=locked.pk, at=at, note=reason
        )
    if policy_for(locked.order_type).holds_port:
        network.occupy_port(
            new_port, actor=actor, customer_id=locked.customer_id, work_order_id=locked.pk, at=at
        )
        if not locked.holds_port:
            locked.holds_port = True
            changed.append("holds_port")
    locked.splitter_port = new_port
    locked.save(update_fields=changed)
    events.resource_changed(
        locked, actor=actor, at=at, before=before, after=str(new_port), reason=reason
    )
    _copy_fields(locked, order)
    return locked


# --- network rectification from switch breaches (R-INS-3) ---------------------------------------

#: A rectification order takes further breaches until it is completed (or later, or cancelled):
#: the next breach after that opens a new order.
RECTIFICATION_DONE = frozenset({Status.COMPLETED, Status.CONFIRMED, *TERMINAL})
RECTIFICATION_PREFIX = "R"


def open_rectification_order(
    *,
    actor: User | None,
    grid: Grid,
    at: dt.datetime,
    description: str,
    switch_code: str,
    reading_id: int,
    breaches: list[dict],
    measured_at: dt.datetime | None = None,
) -> WorkOrder:
    """Open a network-rectification order (网络整治工单) for a switch whose reading breached a
    threshold (R-INS-3). Number `R` + Shanghai date + serial (R202611290001). `actor`: who sent the
    reading (None for the poller). The caller (`inspections.switch_actions`) has checked the
    role and holds the switch's row lock, which makes "one open order per switch" hold; this runs
    inside that transaction, so it is not durable (the one exception to the write kernel's rule,
    docs/switches.md). `at` is when the order is opened (the caller passes the clock's now, never
    the reading's time: a late reading must not open a back-dated order); `measured_at`, the
    reading's time, goes into the `switch_breach` event's data."""
    day = local_date(at).strftime("%Y%m%d")
    prefix = f"{RECTIFICATION_PREFIX}{day}"
    for _attempt in range(5):
        last = (
            WorkOrder.objects.filter(bss_order_no__regex=rf"^{prefix}\d{{4}}$")
            .order_by("-bss_order_no")
            .values_list("bss_order_no", flat=True)
            .first()
        )
        number = f"{prefix}{int(last[-4:]) + 1 if last else 1:04d}"
        try:
            with transaction.atomic():  # a savepoint: a clash on the number retries
                order = WorkOrder.objects.create(
                    bss_order_no=number,
                    order_type="rectification",
                    accepted_at=at,
                    grid=grid,
                    description=description,
                    created_by=actor,
                )
        except IntegrityError:
            continue  # another switch's order took the number at the same moment
        events.order_created(order, actor=actor, at=at, source="switch_breach")
        events.switch_breach_recorded(
            order,
            actor=actor,
            at=at,
            switch_code=switch_code,
            reading_id=reading_id,
            breaches=breaches,
            opened=True,
            measured_at=measured_at,
        )
        for kind in clocks_at_intake(order.order_type, requires_survey=False):
            sla.open_deadline(order, kind, order.accepted_at, is_new_order=True)
        return order
    raise RuleViolation(_("No free order number; try again."), code="order_number_busy")


def join_rectification_order(
    order: WorkOrder,
    *,
    actor: User | None,
    at: dt.datetime,
    switch_code: str,
    reading_id: int,
    breaches: list[dict],
    measured_at: dt.datetime | None = None,
) -> WorkOrder | None:
    """Add a further breach of the switch to its open rectification order (R-INS-3): an event on
    the order's timeline. Answers None, writing nothing, when the order is no longer open
    (completed, confirmed, closed or cancelled): the caller opens a new one. Runs inside the
    caller's transaction, like `open_rectification_order`.

    The timeline gets one line per figure per (Shanghai) day: a breach of only figures already
    on the order's timeline that day writes no event — a hot switch polled every five minutes
    would otherwise add 288 lines a day. Every reading still joins the order through the
    caller's breach records (the order page lists them all)."""
    locked = lock_order(order)
    if locked.status in RECTIFICATION_DONE:
        return None
    today = clock.start_of_day(local_date(at))
    logged = {
        breach.get("metric")
        for data in locked.events.filter(
            kind=EventKind.SWITCH_BREACH, occurred_at__gte=today
        ).values_list("data", flat=True)
        for breach in data.get("breaches", [])
    }
    if {breach.get("metric") for breach in breaches} <= logged:
        return locked
    events.switch_breach_recorded(
        locked,
        actor=actor,
        at=at,
        switch_code=switch_code,
        reading_id=reading_id,
        breaches=breaches,
        opened=False,
        measured_at=measured_at,
    )
    return locked
