from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "fiberops.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        # --- switch readings (R-INS-3) ---
        # The rectification order's page shows the readings that opened or joined it.
        from fiberops.inspections.switch_views import breach_section
        from fiberops.workorders.sections import ORDER_PAGE_SECTIONS, OrderPageSection

        ORDER_PAGE_SECTIONS["switch_breaches"] = OrderPageSection(
            "inspections/switches/_breach_section.html", breach_section
        )
