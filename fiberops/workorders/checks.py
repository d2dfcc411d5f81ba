"""Start-up check: the SLA durations in settings cover every clock the order-type table starts
(healthchecks' habit: refuse a bad setting loudly rather than fail on the first order)."""

from django.conf import settings
from django.core.checks import Error

from fiberops.sla.choices import DeadlineKind
from fiberops.sla.rules import GIVEN_DUE_KINDS
from fiberops.workorders.policy import ORDER_TYPES


def check_sla_policy_covers_order_types(app_configs=None, **kwargs) -> list[Error]:
    policy = settings.SLA_POLICY
    errors = []
    for order_type, rules in ORDER_TYPES.items():
        clocks = set(rules.clocks_at_intake) | set(rules.clocks_at_dispatch)
        # A clock due when its creator says (an inspection round's period end) has no duration
        # in the settings: intake or dispatch could not start it.
        for kind in sorted(clocks & GIVEN_DUE_KINDS):
            errors.append(
                Error(
                    f"Order type {order_type!r} starts the {kind!r} clock at intake or dispatch, "
                    "but its due time is given by the verb that creates the order.",
                    hint="Remove it from workorders/policy.py: the creating verb opens it.",
                    id="fiberops.E003",
                )
            )
        if DeadlineKind.CONTACT in clocks and order_type not in policy.get("contact_minutes", {}):
            errors.append(
                Error(
                    f"SLA_POLICY['contact_minutes'] has no entry for order type {order_type!r}.",
                    hint="Add it to FIBEROPS_SLA_POLICY or the defaults in settings.py.",
                    id="fiberops.E001",
                )
            )
        if DeadlineKind.REPAIR in clocks:
            hours = policy.get("repair_hours", {}).get(order_type, {})
            for area in ("urban", "rural"):
                if area not in hours:
                    errors.append(
                        Error(
                            f"SLA_POLICY['repair_hours'][{order_type!r}] has no {area!r} entry.",
                            hint="Add it to FIBEROPS_SLA_POLICY or the defaults in settings.py.",
                            id="fiberops.E002",
                        )
                    )
    return errors
