from django.contrib import admin

from fiberops.workorders.models import OrderEvent, WorkOrder


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("occurred_at", "kind", "action", "actor", "from_status", "to_status", "note")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    """Read-only: orders change only through their actions (the UI and the API)."""

    list_display = ("bss_order_no", "order_type", "status", "grid", "technician", "accepted_at")
    list_filter = ("order_type", "status", "grid__branch")
    search_fields = ("bss_order_no",)
    inlines = [OrderEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
