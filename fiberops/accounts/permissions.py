"""Who may do what (R-SEC-1, R-SEC-2): one registry, asked through `may(user, action)`.

Every role check in the code base is a lookup here; no module compares `user.role` with a list of
its own. A superuser counts as an administrator: `createsuperuser` makes one, and they get the
administrator's rights, no more. Scope (which orders a user sees) is a separate question, answered
by `visible_to(user)` on each scoped queryset.
"""

from django.utils.translation import gettext_lazy as _

from fiberops.accounts.choices import Role

SUPERVISORS = frozenset({Role.ADMIN, Role.BRANCH_MANAGER, Role.DISPATCHER})
FIELD = frozenset({Role.TECHNICIAN})

#: action name → the roles that may perform it. Lifecycle actions are `order.<action>` with the
#: action names of `workorders/states.py` (docs/workorder-lifecycle.md lists them).
PERMISSIONS: dict[str, frozenset[str]] = {
    # creating orders (R-ORD-2): the BSS over the API, the desk and dispatchers by hand
    "order.intake": frozenset({Role.INTEGRATION, Role.ADMIN}),
    "order.create_manual": frozenset(
        {Role.ADMIN, Role.BRANCH_MANAGER, Role.DISPATCHER, Role.CS_AGENT}
    ),
    # the lifecycle (R-ORD-3)
    "order.dispatch": SUPERVISORS | {Role.TEAM_LEADER},
    "plan.replan": SUPERVISORS,  # issue 9: the board's "re-plan the day now"
    "order.accept": FIELD,
    "order.return": FIELD,
    "order.appoint": FIELD,
    "order.depart": FIELD,
    "order.arrive": FIELD,
    "order.leave_site": FIELD,  # R-APT-8
    "order.complete": FIELD,
    "order.rework": FIELD,
    "order.confirm": FIELD,
    "order.close": SUPERVISORS | {Role.QUALITY_AUDITOR},
    "order.suspend": SUPERVISORS | {Role.TEAM_LEADER},
    "order.resume": SUPERVISORS | {Role.TEAM_LEADER},
    "order.cancel": SUPERVISORS | {Role.INTEGRATION},
    # work that keeps the status
    "order.handover": SUPERVISORS | {Role.TEAM_LEADER, Role.TECHNICIAN},  # R-ORD-5
    "order.complete_survey": FIELD,  # R-SLA-3
    "order.record_contact": FIELD,  # R-APT-2, R-SLA-4
    "order.record_acceptance": FIELD,  # R-ACC-1..5
    "order.change_resource": FIELD | SUPERVISORS,  # R-ACC-1
    "order.reschedule": FIELD,  # R-APT-6 (a customer's change is logged by the technician too)
    "order.reconfirm": FIELD,  # R-APT-3
    "order.running_late": FIELD,  # R-APT-5
    "order.customer_absent": FIELD,  # R-APT-7
    "order.add_photo": FIELD,  # R-PHO-1..5: evidence photos of the own order's work
    "order.record_checklist": FIELD,  # R-SITE-1..5: the ten-step checklist of the own order
    # personal data (R-CUS-5): each reveal is logged; auditors and the BSS never unmask
    "customer.reveal": frozenset(
        {
            Role.ADMIN,
            Role.BRANCH_MANAGER,
            Role.DISPATCHER,
            Role.TEAM_LEADER,
            Role.TECHNICIAN,
            Role.CS_AGENT,
        }
    ),
    # the alert desk (R-SLA-6)
    "alert.acknowledge": frozenset(
        {Role.ADMIN, Role.BRANCH_MANAGER, Role.DISPATCHER, Role.TEAM_LEADER}
    ),
    # KPIs (R-KPI-1): the office reads them within its scope; technicians and the BSS do not
    "kpi.read": frozenset(
        {
            Role.ADMIN,
            Role.BRANCH_MANAGER,
            Role.DISPATCHER,
            Role.TEAM_LEADER,
            Role.CS_AGENT,
            Role.QUALITY_AUDITOR,
        }
    ),
    # the office's appointment desk (R-APT-7, R-APT-9)
    "appointment.monitor": frozenset(
        {Role.ADMIN, Role.BRANCH_MANAGER, Role.DISPATCHER, Role.TEAM_LEADER}
    ),
    # the auditor's page of flagged photos (R-PHO-4), within the user's scope
    "photo.audit": frozenset({Role.ADMIN, Role.BRANCH_MANAGER, Role.QUALITY_AUDITOR}),
    # what the SMS gateway sent to customers (R-APT-3..6), masked, within the order scope
    "message.read_outbox": frozenset(
        {
            Role.ADMIN,
            Role.BRANCH_MANAGER,
            Role.DISPATCHER,
            Role.TEAM_LEADER,
            Role.CS_AGENT,
            Role.QUALITY_AUDITOR,
        }
    ),
    # the network inventory (R-RES-1): imports by administrators and integrations; exports by
    # the office, within its scope (`visible_to`)
    "inventory.import": frozenset({Role.ADMIN, Role.INTEGRATION}),
    "inventory.export": frozenset(
        {Role.ADMIN, Role.INTEGRATION, Role.BRANCH_MANAGER, Role.DISPATCHER}
    ),
    # inspections (R-INS-1/2, R-RES-3, R-ORD-5): the technician logs the own inspection order;
    # findings outside maintenance are transferred by the technician or the office; the
    # resource office (supervisors, team leaders) fixes discrepancies; the office reads reports
    "inspection.record": FIELD,
    "inspection.transfer": SUPERVISORS | {Role.TEAM_LEADER, Role.TECHNICIAN},
    "discrepancy.fix": SUPERVISORS | {Role.TEAM_LEADER},
    # correcting an element's record (R-RES-3): who fixes discrepancies
    "inventory.correct": SUPERVISORS | {Role.TEAM_LEADER},
    "inspection.report": frozenset(
        {
            Role.ADMIN,
            Role.BRANCH_MANAGER,
            Role.DISPATCHER,
            Role.TEAM_LEADER,
            Role.CS_AGENT,
            Role.QUALITY_AUDITOR,
        }
    ),
    # switch readings (R-INS-3): a network-management system pushes them, or an administrator
    "switch.reading.post": frozenset({Role.INTEGRATION, Role.ADMIN}),
    # a switch's SNMP community is a secret (R-RES-1): inventory exports carry it for
    # administrators only, other roles get the column empty
    "switch.read_secret": frozenset({Role.ADMIN}),
    # the switch breaches report (R-KPI-2), within the user's scope
    "switch.report": frozenset(
        {
            Role.ADMIN,
            Role.BRANCH_MANAGER,
            Role.DISPATCHER,
            Role.TEAM_LEADER,
            Role.CS_AGENT,
            Role.QUALITY_AUDITOR,
        }
    ),
}

#: Messages for refusals, so every caller says the same thing.
REFUSALS = {
    "order.intake": _("Only the BSS integration and administrators create orders."),
    "order.create_manual": _("Your role may not create orders."),
    "order.handover": _("Your role may not hand orders over."),
    "customer.reveal": _("Your role may not see customers' full contact details."),
    "alert.acknowledge": _("Your role may not acknowledge alerts."),
    "kpi.read": _("Your role may not read KPIs."),
    "order.add_photo": _("Only the order's technician adds photos."),
    "order.record_checklist": _("Only the order's technician answers the checklist."),
    "appointment.monitor": _("Your role may not use the appointment desk."),
    "photo.audit": _("Your role may not audit photos."),
    "inventory.import": _("Your role may not import the network inventory."),
    "inventory.export": _("Your role may not export the network inventory."),
    "inspection.record": _("Only the order's technician records the inspection."),
    "inspection.transfer": _("Your role may not transfer findings to another department."),
    "discrepancy.fix": _("Your role may not fix resource discrepancies."),
    "inventory.correct": _("Your role may not correct the network inventory."),
    "inspection.report": _("Your role may not read inspection reports."),
    "switch.reading.post": _("Only integrations and administrators send switch readings."),
    "switch.report": _("Your role may not read the switch breaches report."),
    "switch.read_secret": _("Your role may not read switches' SNMP communities."),
}


def effective_role(user) -> str:
    """The role rights are looked up by: a superuser is an administrator."""
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    return getattr(user, "role", "")


def may(user, action: str) -> bool:
    """True when `user`'s role may perform `action` (a key of PERMISSIONS). Unknown actions are
    a programming error, not a refusal."""
    if not user.is_authenticated or not user.is_active:
        return False
    return effective_role(user) in PERMISSIONS[action]


def roles_for(action: str) -> frozenset[str]:
    return PERMISSIONS[action]


def is_role(user, role: str) -> bool:
    """Whether the user acts in `role` (for rules that depend on the role itself, e.g. a
    technician only on the own orders, a team leader only within the team)."""
    return effective_role(user) == role
