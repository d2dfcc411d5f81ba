"""The work-order lifecycle as a table (R-ORD-3). docs/workorder-lifecycle.md is kept in step by
a test; nothing but `actions._apply_transition` changes `WorkOrder.status`. Who may perform each
action is `order.<action>` in `accounts/permissions.py`."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderType(models.TextChoices):
    """R-ORD-1."""

    SURVEY = "survey", _("Survey")
    INSTALL = "install", _("Installation")
    RELOCATION = "relocation", _("Relocation")
    REMOVAL = "removal", _("Removal")
    FAULT = "fault", _("Fault repair")
    COMPLAINT = "complaint", _("Complaint")
    INSPECTION = "inspection", _("Inspection")
    RECTIFICATION = "rectification", _("Network rectification")


class Status(models.TextChoices):
    NEW = "new", _("New")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    APPOINTED = "appointed", _("Appointment booked")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    COMPLETED = "completed", _("Completed")
    CONFIRMED = "confirmed", _("Confirmed by customer")
    CLOSED = "closed", _("Closed")
    SUSPENDED = "suspended", _("Suspended")
    RETURNED = "returned", _("Returned to dispatch")
    CANCELLED = "cancelled", _("Cancelled")


TERMINAL = frozenset({Status.CLOSED, Status.CANCELLED})
#: Statuses in which a technician owns the order (首问负责制, R-ORD-5).
OWNED = frozenset(
    {Status.DISPATCHED, Status.ACCEPTED, Status.APPOINTED, Status.EN_ROUTE, Status.ON_SITE}
)


@dataclass(frozen=True)
class Transition:
    """An action that moves an order from one of `sources` to `target` (None: back to where it was
    suspended from). The roles that may perform it: `roles_for(f"order.{action}")`."""

    action: str
    sources: frozenset[str]
    target: str | None
    label: str
    needs_reason: bool = False


def _t(action, sources, target, label, needs_reason=False) -> Transition:
    return Transition(action, frozenset(sources), target, label, needs_reason)


S = Status
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t(
            "dispatch",
            {S.NEW, S.RETURNED},
            S.DISPATCHED,
            _("Dispatch"),
        ),
        _t("accept", {S.DISPATCHED}, S.ACCEPTED, _("Accept")),
        _t(
            "return",
            {S.DISPATCHED, S.ACCEPTED, S.APPOINTED, S.EN_ROUTE, S.ON_SITE},
            S.RETURNED,
            _("Return to dispatch"),
            True,
        ),
        _t(
            "appoint",
            {S.ACCEPTED, S.APPOINTED, S.EN_ROUTE, S.ON_SITE},
            S.APPOINTED,
            _("Book appointment"),
        ),
        _t("depart", {S.ACCEPTED, S.APPOINTED}, S.EN_ROUTE, _("Set off")),
        _t("arrive", {S.EN_ROUTE}, S.ON_SITE, _("Check in on site")),
        # R-APT-8: nobody home after the wait; the service note is left, a new booking follows.
        _t("leave_site", {S.ON_SITE}, S.ACCEPTED, _("Leave (customer not at home)")),
        _t("complete", {S.ON_SITE}, S.COMPLETED, _("Complete")),
        _t("rework", {S.COMPLETED}, S.ON_SITE, _("Rework (customer not satisfied)"), True),
        _t("confirm", {S.COMPLETED}, S.CONFIRMED, _("Customer confirmed")),
        _t("close", {S.CONFIRMED}, S.CLOSED, _("Close")),
        _t("suspend", OWNED, S.SUSPENDED, _("Suspend"), True),
        _t("resume", {S.SUSPENDED}, None, _("Resume")),
        _t(
            "cancel",
            {S.NEW, S.DISPATCHED, S.ACCEPTED, S.APPOINTED, S.SUSPENDED, S.RETURNED},
            S.CANCELLED,
            _("Cancel"),
            True,
        ),
    ]
}


def allowed_actions(status: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if status in t.sources]
