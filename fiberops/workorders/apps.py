from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "fiberops.workorders"
    label = "workorders"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from fiberops.sla.hooks import TICK_HOOKS
        from fiberops.workorders.actions import sweep_reminders
        from fiberops.workorders.checks import check_sla_policy_covers_order_types

        checks.register(check_sla_policy_covers_order_types)
        TICK_HOOKS["appointment reminders sent"] = sweep_reminders
