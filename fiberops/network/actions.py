"""The one write path of a splitter port's occupancy (R-RES-1).

Each action locks the port row, checks the move against `choices.PORT_TRANSITIONS`, writes the
port and one append-only `PortEvent` in the same transaction. A refused move raises a
`DomainError` with a stable code and changes nothing:

- `port_taken` (422): occupying a port that serves another customer;
- `port_faulty` (422): occupying a faulty port;
- `port_occupied` (409): marking an occupied port faulty (move the customer first);
- `illegal_port_transition` (409): any other move the table does not allow (releasing a free
  port, repairing a working one);
- `port_held_by_another_order` (409): releasing a port another order holds.

`correct_element` corrects one field of an element's record (R-RES-3, a discrepancy found on site
and fixed): it locks the row, validates the value like a form, writes it and one append-only
`ElementEvent`. A port's state is corrected through the port actions above (`PortEvent`). Refusals:
`unknown_element` / `uncorrectable_field` (422), `invalid_element_value` (422), `ports_in_use`
(409, a box shrunk below a port in use), and the port actions' own codes.

The work-order verbs call these inside their own transaction (`workorders/actions.py`), so a
port's state and the order's `holds_port` change together. `network` does not import
`workorders`: an order is named by its id (`work_order_id`).
"""

import datetime as dt
from typing import cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from fiberops.accounts.permissions import may
from fiberops.core import clock
from fiberops.core.errors import Conflict, NotPermitted, RuleViolation
from fiberops.network.choices import PORT_TRANSITIONS, PortEventKind, PortState
from fiberops.network.inventory import RESOURCES, ImportReport, run_import
from fiberops.network.models import (
    ElementEvent,
    Olt,
    PonPort,
    PortEvent,
    Splitter,
    SplitterBox,
    SplitterPort,
)


def _locked(port: SplitterPort) -> SplitterPort:
    return SplitterPort.objects.select_for_update().select_related("box").get(pk=port.pk)


def _check(locked: SplitterPort, action: str) -> str:
    sources, target = PORT_TRANSITIONS[action]
    if locked.state in sources:
        return target
    if action == "occupy" and locked.state == PortState.OCCUPIED:
        raise RuleViolation(
            _("The splitter port %(port)s already serves another order.") % {"port": locked},
            code="port_taken",
        )
    if action == "occupy" and locked.state == PortState.FAULTY:
        raise RuleViolation(
            _("The splitter port %(port)s is faulty.") % {"port": locked}, code="port_faulty"
        )
    if action == "mark_faulty" and locked.state == PortState.OCCUPIED:
        raise Conflict(
            _("The splitter port %(port)s serves a customer: move the service first.")
            % {"port": locked},
            code="port_occupied",
        )
    raise Conflict(
        _("The splitter port %(port)s is %(state)s: this change is not allowed.")
        % {"port": locked, "state": PortState(locked.state).label},
        code="illegal_port_transition",
    )


def _record(
    locked: SplitterPort,
    *,
    kind: str,
    to_state: str,
    actor,
    at: dt.datetime,
    customer_id: int | None,
    work_order_id: int | None,
    note: str = "",
) -> PortEvent:
    from_state = locked.state
    locked.state = to_state
    occupied = to_state == PortState.OCCUPIED
    locked.customer_id = customer_id if occupied else None
    locked.work_order_id = work_order_id if occupied else None
    locked.state_changed_at = at
    locked.save(update_fields=["state", "customer", "work_order_id", "state_changed_at"])
    return PortEvent.objects.create(
        port=locked,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        customer_id=customer_id,
        work_order_id=work_order_id,
        actor=actor,
        at=at,
        note=note[:500],
    )


@transaction.atomic
def occupy_port(
    port: SplitterPort,
    *,
    actor,
    customer_id: int | None = None,
    work_order_id: int | None = None,
    at: dt.datetime | None = None,
) -> SplitterPort:
    """A customer's service takes the free port (an install, a relocation, a resource change)."""
    locked = _locked(port)
    target = _check(locked, "occupy")
    _record(
        locked,
        kind=PortEventKind.OCCUPIED,
        to_state=target,
        actor=actor,
        at=at or clock.now(),
        customer_id=customer_id,
        work_order_id=work_order_id,
    )
    return locked


@transaction.atomic
def release_port(
    port: SplitterPort,
    *,
    actor,
    work_order_id: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> SplitterPort:
    """The service on the port ends (cancellation, removal, a resource change away from it).
    With `work_order_id`, only that order's hold is released."""
    locked = _locked(port)
    target = _check(locked, "release")
    if work_order_id is not None and locked.work_order_id not in (None, work_order_id):
        raise Conflict(
            _("The splitter port %(port)s is held by another order.") % {"port": locked},
            code="port_held_by_another_order",
        )
    _record(
        locked,
        kind=PortEventKind.RELEASED,
        to_state=target,
        actor=actor,
        at=at or clock.now(),
        customer_id=locked.customer_id,
        work_order_id=work_order_id if work_order_id is not None else locked.work_order_id,
        note=note,
    )
    return locked


@transaction.atomic
def mark_port_faulty(
    port: SplitterPort, *, actor, reason: str, at: dt.datetime | None = None
) -> SplitterPort:
    """A free port found broken (dirty connector, broken pigtail): no service may take it."""
    if not reason.strip():
        raise RuleViolation(_("Give a reason."), code="reason_required")
    locked = _locked(port)
    target = _check(locked, "mark_faulty")
    _record(
        locked,
        kind=PortEventKind.MARKED_FAULTY,
        to_state=target,
        actor=actor,
        at=at or clock.now(),
        customer_id=None,
        work_order_id=None,
        note=reason,
    )
    return locked


@transaction.atomic
def mark_port_repaired(
    port: SplitterPort, *, actor, note: str = "", at: dt.datetime | None = None
) -> SplitterPort:
    """A faulty port works again and is free."""
    locked = _locked(port)
    target = _check(locked, "repair")
    _record(
        locked,
        kind=PortEventKind.REPAIRED,
        to_state=target,
        actor=actor,
        at=at or clock.now(),
        customer_id=None,
        work_order_id=None,
        note=note,
    )
    return locked


def import_inventory(kind: str, dataset, *, actor, dry_run: bool = False) -> ImportReport:
    """Import a file of inventory elements of `kind` (R-RES-1). A dry run writes nothing and
    lists every row it would refuse; a real import writes all rows or, when any row is refused,
    none (the transaction is rolled back) and names the rows. Returns an `ImportReport`.
    `actor=None` is the server's shell (`manage.py import_inventory`), trusted like a migration."""
    if actor is not None and not may(actor, "inventory.import"):
        raise NotPermitted(_("Your role may not import the network inventory."))
    if kind not in RESOURCES:
        raise RuleViolation(_("Unknown inventory kind."), code="unknown_inventory_kind")
    with transaction.atomic():
        report = run_import(kind, dataset, dry_run=dry_run)
        if report.errors and not dry_run:
            # Belt and braces: the library rolled its savepoint back; nothing commits.
            transaction.set_rollback(True)
    return report


# --- corrections of the records (R-RES-3) ----------------------------------------------------

#: element kind → (model, the fields a correction may write). Kinds are the inspections'
#: element kinds (`inspections.elements.ELEMENT_SOURCES`); a port's `state` is special-cased.
CORRECTABLE: dict[str, tuple[type[models.Model], frozenset[str]]] = {
    "olt": (Olt, frozenset({"name", "model_name", "state"})),
    "pon_port": (PonPort, frozenset({"name", "state"})),
    "splitter": (Splitter, frozenset({"name", "ratio", "state"})),
    "splitter_box": (SplitterBox, frozenset({"name", "port_count", "state"})),
}


def _unknown(kind: str, code: str) -> RuleViolation:
    return RuleViolation(
        _("%(kind)s %(code)s is not in the inventory.") % {"kind": kind, "code": code},
        code="unknown_element",
    )


def _port_by_code(code: str) -> SplitterPort:
    """A port named as the checklist names it: the box's code, a dash, the number (`…-05`)."""
    box_code, _dash, number = code.rpartition("-")
    if not box_code or not number.isdigit():
        raise _unknown("splitter_port", code)
    port = SplitterPort.objects.filter(box__code=box_code, number=int(number)).first()
    if port is None:
        raise _unknown("splitter_port", code)
    return port


def _correct_port_state(code: str, value: str, *, actor, reason: str, at: dt.datetime) -> None:
    """A port's state found on site, set through the port actions. A port an order holds is
    released through that order, not here (`network` does not change orders)."""
    port = _locked(_port_by_code(code))
    if value == port.state:
        return
    if value == PortState.FREE and port.state == PortState.FAULTY:
        mark_port_repaired(port, actor=actor, note=reason, at=at)
    elif value == PortState.FREE:
        if port.work_order_id is not None:
            raise Conflict(
                _("The splitter port %(port)s is held by work order %(order)s: release it there.")
                % {"port": port, "order": port.work_order_id},
                code="port_held_by_order",
            )
        release_port(port, actor=actor, note=reason, at=at)
    elif value == PortState.OCCUPIED:
        occupy_port(port, actor=actor, at=at)
    elif value == PortState.FAULTY:
        mark_port_faulty(port, actor=actor, reason=reason, at=at)
    else:
        raise RuleViolation(
            _("“%(value)s” is not a port state.") % {"value": value}, code="invalid_element_value"
        )


def _resize_box(box: SplitterBox, old_count: int) -> None:
    """A box's port count corrected: missing ports are added (free); ports above a smaller count
    go, when none of them is in use or has a history."""
    new_count = box.port_count
    if new_count > old_count:
        SplitterPort.objects.bulk_create(
            [SplitterPort(box=box, number=n) for n in range(1, new_count + 1)],
            ignore_conflicts=True,
        )
        return
    above = SplitterPort.objects.select_for_update().filter(box=box, number__gt=new_count)
    if (
        above.exclude(state=PortState.FREE).exists()
        or PortEvent.objects.filter(port__in=above).exists()
    ):
        raise Conflict(
            _("Ports above %(count)s of the box %(box)s are in use or have a history.")
            % {"count": new_count, "box": box.code},
            code="ports_in_use",
        )
    above.delete()


@transaction.atomic
def correct_element(
    kind: str,
    code: str,
    field: str,
    value: str,
    *,
    actor,
    reason: str,
    at: dt.datetime | None = None,
) -> None:
    """Write `value` (as text, as found on site) into `field` of the element `kind`/`code`,
    validated like a form, with an `ElementEvent` (a port's state: the port action's
    `PortEvent`). A refused value raises and writes nothing."""
    if actor is not None and not may(actor, "inventory.correct"):
        raise NotPermitted(_("Your role may not correct the network inventory."))
    if not reason.strip():
        raise RuleViolation(_("Give a reason."), code="reason_required")
    at = at or clock.now()
    value = value.strip()
    if kind == "splitter_port":
        if field != "state":
            raise RuleViolation(_("Unknown field."), code="uncorrectable_field")
        _correct_port_state(code, value, actor=actor, reason=reason, at=at)
        return
    if kind not in CORRECTABLE:
        raise _unknown(kind, code)
    model, writable = CORRECTABLE[kind]
    if field not in writable:
        raise RuleViolation(
            _("%(field)s cannot be corrected here.") % {"field": field}, code="uncorrectable_field"
        )
    element = model._default_manager.select_for_update().filter(code=code).first()
    if element is None:
        raise _unknown(kind, code)
    before = getattr(element, field)
    model_field = cast(models.Field, model._meta.get_field(field))  # CORRECTABLE: concrete
    try:
        setattr(element, field, model_field.clean(value, element))
        element.full_clean()
    except ValidationError as error:
        messages = error.message_dict.get(field) if hasattr(error, "error_dict") else None
        raise RuleViolation(
            _("“%(value)s” is not a valid %(field)s: %(reason)s")
            % {"value": value, "field": field, "reason": " ".join(messages or error.messages)},
            code="invalid_element_value",
        ) from None
    element.save(update_fields=[field])
    if isinstance(element, SplitterBox) and field == "port_count":
        _resize_box(element, before)
    ElementEvent.objects.create(
        element_kind=kind,
        element_code=code,
        field=field,
        from_value=str(before)[:200],
        to_value=str(getattr(element, field))[:200],
        actor=actor,
        at=at,
        reason=reason.strip()[:500],
    )
