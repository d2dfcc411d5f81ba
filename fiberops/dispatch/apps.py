from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "fiberops.dispatch"
    label = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        # The order timeline labels contact attempts with this app's choices; registering here
        # keeps `workorders` from importing `dispatch`.
        from fiberops.dispatch.models import describe_contact
        from fiberops.workorders.timeline import DESCRIBERS

        DESCRIBERS["contact_attempt"] = describe_contact

        # Day plans (issue 9): a change to an order asks for a re-plan of its days, the SLA
        # worker's tick re-plans them, and the technician's queue follows today's plan.
        from fiberops.dispatch.plans import (
            note_order_change,
            queue_in_plan_order,
            replan_requested_days,
        )
        from fiberops.sla.hooks import TICK_HOOKS
        from fiberops.workorders.changes import ORDER_CHANGE_HOOKS
        from fiberops.workorders.queries import QUEUE_ORDERING_HOOKS

        ORDER_CHANGE_HOOKS["day plans"] = note_order_change
        QUEUE_ORDERING_HOOKS["day plans"] = queue_in_plan_order
        TICK_HOOKS["day plans re-planned"] = replan_requested_days
