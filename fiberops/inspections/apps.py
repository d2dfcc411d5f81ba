from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "fiberops.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        # The worker generates each period's inspection orders in its tick (R-INS-4); the order
        # page shows the inspection's checklist, log and transfers; the timeline labels this
        # app's events. Registries, so that `sla` and `workorders` import none of this app.
        from fiberops.inspections.actions import generate_inspection_orders
        from fiberops.inspections.queries import describe_inspection_event
        from fiberops.inspections.views import inspection_section
        from fiberops.sla.hooks import TICK_HOOKS
        from fiberops.workorders.models import EventKind
        from fiberops.workorders.sections import ORDER_PAGE_SECTIONS, OrderPageSection
        from fiberops.workorders.timeline import DESCRIBERS

        TICK_HOOKS["inspection orders generated"] = generate_inspection_orders
        # An inspection completes only with its checklist (and elements) recorded.
        from fiberops.inspections.gates import inspection_blockers
        from fiberops.workorders.gates import TYPE_GATES
        from fiberops.workorders.states import OrderType

        TYPE_GATES.setdefault(OrderType.INSPECTION, {})["inspection"] = inspection_blockers
        ORDER_PAGE_SECTIONS["inspection"] = OrderPageSection(
            "inspections/_order_section.html", inspection_section
        )
        DESCRIBERS[EventKind.INSPECTION_LOGGED] = describe_inspection_event
        DESCRIBERS[EventKind.INSPECTION_TRANSFERRED] = describe_inspection_event
        # --- switch readings (R-INS-3) ---
        # The rectification order's page shows the readings that opened or joined it.
        from fiberops.inspections.switch_views import breach_section
        from fiberops.workorders.sections import ORDER_PAGE_SECTIONS, OrderPageSection

        ORDER_PAGE_SECTIONS["switch_breaches"] = OrderPageSection(
            "inspections/switches/_breach_section.html", breach_section
        )
