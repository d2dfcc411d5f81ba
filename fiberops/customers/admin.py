from django.contrib import admin

from fiberops.customers.models import Customer, UnmaskEvent


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Admins see masked values in lists; the change form is for administrators only."""

    list_display = ("id", "masked_name", "masked_phone", "masked_address", "grid")
    list_filter = ("grid__branch",)


@admin.register(UnmaskEvent)
class UnmaskEventAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "customer", "work_order", "fields", "channel")
    readonly_fields = [f.name for f in UnmaskEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
