"""Roles (R-SEC-1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    BRANCH_MANAGER = "branch_manager", _("Branch manager")
    DISPATCHER = "dispatcher", _("Dispatcher")
    TEAM_LEADER = "team_leader", _("Team leader")
    TECHNICIAN = "technician", _("Technician")
    CS_AGENT = "cs_agent", _("Customer-service agent")
    QUALITY_AUDITOR = "quality_auditor", _("Quality auditor")
    INTEGRATION = "integration", _("Integration (BSS)")


#: Roles that read every branch (an operator-wide desk); the rest are scoped.
OPERATOR_WIDE_ROLES = {Role.ADMIN, Role.CS_AGENT, Role.QUALITY_AUDITOR, Role.INTEGRATION}
#: Roles that may reveal a customer's full phone number and address (R-CUS-5), each time logged.
UNMASK_ROLES = {
    Role.ADMIN,
    Role.BRANCH_MANAGER,
    Role.DISPATCHER,
    Role.TEAM_LEADER,
    Role.TECHNICIAN,
    Role.CS_AGENT,
}
