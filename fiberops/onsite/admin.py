from django.contrib import admin

from fiberops.onsite.models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTick,
    Photo,
    SafetyDeferral,
)


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Read-only: photos are added by the technician's app through `onsite.actions`."""

    list_display = ("uploaded_at", "order", "kind", "width", "height", "flags")
    list_filter = ("kind",)
    raw_id_fields = ("order", "uploaded_by")
    exclude = ("lat", "lng")  # the customer's home, to the metre (R-CUS-5)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = (
        "position",
        "code",
        "step",
        "phase",
        "label",
        "required",
        "allows_not_applicable",
        "needs_partner",
        "active",
    )
    ordering = ("position", "id")


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    """The ten-step checklist per order type (R-SITE-1), edited here. Answers name items by
    `code`: deactivate an item rather than renaming its code."""

    list_display = ("name", "order_type", "active")
    list_filter = ("active",)
    inlines = [ChecklistItemInline]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records written on site through `onsite.checklist`: read here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChecklistTick)
class ChecklistTickAdmin(_ReadOnlyAdmin):
    list_display = ("recorded_at", "order", "item_code", "answer", "partner", "recorded_by")
    list_filter = ("answer",)
    raw_id_fields = ("order", "visit", "partner", "recorded_by")


@admin.register(SafetyDeferral)
class SafetyDeferralAdmin(_ReadOnlyAdmin):
    list_display = ("recorded_at", "order", "item_code", "reason", "recorded_by")
    raw_id_fields = ("order", "visit", "appointment", "recorded_by")
