"""The order timeline's writers (R-ORD-4): one constructor per kind of `OrderEvent`, the only code
that creates one. Each is called by an action inside its transaction, after the change it records.

Times inside `data` are ISO 8601 in UTC. SLA warnings, breaches and recalculations are not written
here: they are read from the clock's own rows when the timeline is shown (`workorders/timeline.py`),
so the sweeper never writes the orders' tables.
"""

import datetime as dt

from fiberops.workorders.models import EventKind, OrderEvent, WorkOrder

NOTE_LENGTH = 500


def _create(order: WorkOrder, kind: str, *, actor, at: dt.datetime, **fields) -> OrderEvent:
    fields["note"] = fields.get("note", "")[:NOTE_LENGTH]
    return OrderEvent.objects.create(order=order, kind=kind, actor=actor, occurred_at=at, **fields)


def order_created(order: WorkOrder, *, actor, at: dt.datetime, source: str) -> OrderEvent:
    """The order was accepted from the BSS (`source="bss"`) or created by hand (`"manual"`)."""
    return _create(
        order,
        EventKind.CREATED,
        actor=actor,
        at=at,
        to_status=order.status,
        data={"source": source},
    )


def status_changed(
    order: WorkOrder,
    *,
    actor,
    at: dt.datetime,
    action: str,
    before: str,
    reason: str = "",
    data: dict | None = None,
) -> OrderEvent:
    """A lifecycle action moved the order from `before` to its current status (R-ORD-3)."""
    return _create(
        order,
        EventKind.TRANSITION,
        actor=actor,
        at=at,
        action=action,
        from_status=before,
        to_status=order.status,
        note=reason,
        data=data or {},
    )


def order_handed_over(
    order: WorkOrder,
    *,
    actor,
    at: dt.datetime,
    reason: str,
    from_staff_no: str | None,
    to_staff_no: str,
    data: dict | None = None,
) -> OrderEvent:
    """首问负责制 (R-ORD-5): ownership passed to another technician (`data`: a borrowing from
    another grid's team, R-WF-1)."""
    return _create(
        order,
        EventKind.HANDOVER,
        actor=actor,
        at=at,
        action="handover",
        from_status=order.status,
        to_status=order.status,
        note=reason,
        data={"from_technician": from_staff_no, "to_technician": to_staff_no, **(data or {})},
    )


def contact_attempted(
    order: WorkOrder,
    *,
    actor,
    at: dt.datetime,
    channel: str,
    outcome: str,
    note: str = "",
    recording_ref: str = "",
) -> OrderEvent:
    """The technician tried to reach the customer (R-APT-2)."""
    return _create(
        order,
        EventKind.CONTACT_ATTEMPT,
        actor=actor,
        at=at,
        action="contact_attempt",
        note=note,
        data={"channel": channel, "outcome": outcome, "recording_ref": recording_ref},
    )


def survey_recorded(
    order: WorkOrder, *, actor, at: dt.datetime, conditions_met: bool, note: str = ""
) -> OrderEvent:
    """The survey of an install that needed one is done (R-SLA-3)."""
    return _create(
        order,
        EventKind.SURVEY_COMPLETED,
        actor=actor,
        at=at,
        action="complete_survey",
        note=note,
        data={"conditions_met": conditions_met},
    )


def appointment_changed(
    order: WorkOrder,
    *,
    actor,
    at: dt.datetime,
    initiated_by: str,
    previous_outcome: str,
    reason: str = "",
    apology: str = "",
) -> OrderEvent:
    """A pending appointment was moved (R-APT-6); `previous_outcome` is what the move made of
    it (rescheduled, broken, customer_changed)."""
    return _create(
        order,
        EventKind.RESCHEDULED,
        actor=actor,
        at=at,
        action="reschedule",
        note=reason,
        data={
            "initiated_by": initiated_by,
            "previous_outcome": previous_outcome,
            "apology": apology,
        },
    )


def appointment_reconfirmed(
    order: WorkOrder, *, actor, at: dt.datetime, eta: dt.datetime | None, note: str = ""
) -> OrderEvent:
    """The technician reconfirmed the visit with the customer before setting off (R-APT-3)."""
    return _create(
        order,
        EventKind.RECONFIRMED,
        actor=actor,
        at=at,
        action="reconfirm",
        note=note,
        data={"eta": eta.astimezone(dt.UTC).isoformat() if eta else None},
    )


def running_late_reported(
    order: WorkOrder, *, actor, at: dt.datetime, eta: dt.datetime, message: str
) -> OrderEvent:
    """The customer was told before the start that the technician will be late (R-APT-5)."""
    return _create(
        order,
        EventKind.RUNNING_LATE,
        actor=actor,
        at=at,
        action="running_late",
        note=message,
        data={"eta": eta.astimezone(dt.UTC).isoformat()},
    )


def customer_absent_reported(
    order: WorkOrder, *, actor, at: dt.datetime, wait_until: dt.datetime
) -> OrderEvent:
    """Nobody at home: the server-timed wait starts (R-APT-7)."""
    return _create(
        order,
        EventKind.CUSTOMER_ABSENT,
        actor=actor,
        at=at,
        action="customer_absent",
        data={"wait_until": wait_until.astimezone(dt.UTC).isoformat()},
    )


def reminder_fired(order: WorkOrder, *, at: dt.datetime, reminder_kind: str, appointment_id: int):
    """The worker reminded the technician (R-APT-3: reconfirm; R-APT-4: about to miss the
    appointment). No actor: the system."""
    return _create(
        order,
        EventKind.REMINDER,
        actor=None,
        at=at,
        action="reminder",
        data={"reminder": reminder_kind, "appointment": appointment_id},
    )


def photo_added(
    order: WorkOrder, *, actor, at: dt.datetime, kind: str, sha256: str, flags: list[str]
) -> OrderEvent:
    """The technician added an evidence photo (R-PHO-1); `flags` are the audit's (R-PHO-4)."""
    return _create(
        order,
        EventKind.PHOTO_ADDED,
        actor=actor,
        at=at,
        action="add_photo",
        data={"kind": kind, "sha256": sha256, "flags": list(flags)},
    )


def checklist_recorded(
    order: WorkOrder,
    *,
    actor,
    at: dt.datetime,
    item: str,
    label: str,
    answer: str,
    note: str = "",
    partner: str | None = None,
) -> OrderEvent:
    """A checklist item of the ten steps was answered on site (R-SITE-1..5): done or not
    applicable; `partner` is the second technician's staff number for a two-person item."""
    return _create(
        order,
        EventKind.CHECKLIST_RECORDED,
        actor=actor,
        at=at,
        action="record_checklist_item",
        note=note,
        data={"item": item, "label": label, "answer": answer, "partner": partner},
    )


def acceptance_recorded(
    order: WorkOrder, *, actor, at: dt.datetime, element: str, ok: bool, code: str, message: str
) -> OrderEvent:
    """An acceptance element was measured (R-ACC-1..5), with its verdict."""
    return _create(
        order,
        EventKind.ACCEPTANCE_RECORDED,
        actor=actor,
        at=at,
        action="record_acceptance",
        note=message,
        data={"element": element, "ok": ok, "code": code},
    )


def resource_changed(
    order: WorkOrder, *, actor, at: dt.datetime, before: str, after: str, reason: str
) -> OrderEvent:
    """The order's resource record was corrected to the port actually used (R-ACC-1)."""
    return _create(
        order,
        EventKind.RESOURCE_CHANGED,
        actor=actor,
        at=at,
        action="change_resource",
        note=reason,
        data={"before": before, "after": after},
    )


def satisfaction_recorded(
    order: WorkOrder, *, actor, at: dt.datetime, satisfied: bool, comment: str
) -> OrderEvent:
    """The customer said at the door whether the work satisfies them (R-SITE-6)."""
    return _create(
        order,
        EventKind.SATISFACTION_RECORDED,
        actor=actor,
        at=at,
        action="record_satisfaction",
        note=comment,
        data={"satisfied": satisfied},
    )


def confirmation_signed(
    order: WorkOrder, *, actor, at: dt.datetime, version: int, sha256: str
) -> OrderEvent:
    """The customer signed the work confirmation form (业务施工确认单, R-SITE-3); `sha256` is
    the stored PDF's."""
    return _create(
        order,
        EventKind.CONFIRMATION_SIGNED,
        actor=actor,
        at=at,
        action="sign_confirmation",
        data={"version": version, "sha256": sha256},
    )


def inspection_logged(
    order: WorkOrder, *, actor, at: dt.datetime, entry: str, element: str = "", note: str = ""
) -> OrderEvent:
    """A line of the inspection log (R-INS-1/2) or an element checked on site (R-RES-3):
    `entry` is its kind (checklist, inspected, replaced, repaired, element_check)."""
    return _create(
        order,
        EventKind.INSPECTION_LOGGED,
        actor=actor,
        at=at,
        action="log_inspection",
        note=note,
        data={"entry": entry, "element": element},
    )


def inspection_transferred(
    order: WorkOrder, *, actor, at: dt.datetime, department: str, reason: str, element: str = ""
) -> OrderEvent:
    """A finding outside the maintenance scope went to the responsible department (R-ORD-5)."""
    return _create(
        order,
        EventKind.INSPECTION_TRANSFERRED,
        actor=actor,
        at=at,
        action="transfer_finding",
        note=reason,
        data={"department": department, "element": element},
    )


def switch_breach_recorded(
    order: WorkOrder,
    *,
    actor,
    at: dt.datetime,
    switch_code: str,
    reading_id: int,
    breaches: list[dict],
    opened: bool,
    measured_at: dt.datetime | None = None,
) -> OrderEvent:
    """A switch reading at or over a threshold (R-INS-3) opened this rectification order
    (`opened`) or joined it while it was open. `breaches`: [{"metric", "value", "threshold"}]
    with the figures as strings; `measured_at`, the reading's own time (ISO 8601), which may lie
    before `at`, when the breach was acted on."""
    data: dict = {
        "switch": switch_code,
        "reading": reading_id,
        "breaches": breaches,
        "opened": opened,
    }
    if measured_at is not None:
        data["measured_at"] = measured_at.isoformat()
    return _create(order, EventKind.SWITCH_BREACH, actor=actor, at=at, data=data)
