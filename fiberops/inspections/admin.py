"""Plans are data (R-INS-4): their kind, interval, grids and checklist are edited here. Rounds,
logs, transfers, checks and discrepancies are read-only: they are written by the worker and the
actions."""

from django.contrib import admin

from fiberops.inspections.models import (
    Discrepancy,
    InspectionLogEntry,
    InspectionPlan,
    InspectionRound,
    PlanChecklistItem,
    Transfer,
)


class ChecklistItemInline(admin.TabularInline):
    model = PlanChecklistItem
    extra = 1


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "interval_months", "starts_on", "is_active")
    list_filter = ("kind", "is_active")
    filter_horizontal = ("grids",)
    inlines = [ChecklistItemInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InspectionRound)
class InspectionRoundAdmin(ReadOnlyAdmin):
    list_display = ("plan", "grid", "period_start", "period_end", "due_at", "order")
    list_filter = ("plan",)
    list_select_related = ("plan", "grid", "order")


@admin.register(InspectionLogEntry)
class InspectionLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("round", "kind", "element_code", "item_code", "recorded_by", "recorded_at")
    list_select_related = ("round__plan", "round__grid", "recorded_by")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("round", "department", "reason", "transferred_by", "transferred_at")
    list_filter = ("department",)
    list_select_related = ("round__plan", "round__grid", "transferred_by")


@admin.register(Discrepancy)
class DiscrepancyAdmin(ReadOnlyAdmin):
    list_display = ("element_code", "field", "expected", "found", "grid", "status", "recorded_at")
    list_filter = ("status",)
    list_select_related = ("grid",)


# --- switch readings (R-INS-3): a separate module, kept apart from the inspection plans' admin ---
from fiberops.inspections import switch_admin  # noqa: E402, F401
