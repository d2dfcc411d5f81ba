from django.contrib import admin

from fiberops.core.admin_lookups import PersonalFieldsAdminMixin
from fiberops.customers.actions import record_unmasking
from fiberops.customers.models import Customer, UnmaskEvent


@admin.register(Customer)
class CustomerAdmin(PersonalFieldsAdminMixin, admin.ModelAdmin):
    """Lists are masked and cannot be filtered by personal fields; opening a customer's form shows
    the full record and is logged as an unmasking (R-CUS-5)."""

    personal_fields = ("name", "phone", "address", "lat", "lng")
    list_display = ("id", "masked_name", "masked_phone", "masked_address", "grid", "is_key")
    list_filter = ("grid__branch", "is_key")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            customer = self.get_object(request, object_id)
            if customer is not None:
                record_unmasking(customer, actor=request.user, channel="admin", reason="admin form")
        return super().change_view(request, object_id, form_url, extra_context)


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
