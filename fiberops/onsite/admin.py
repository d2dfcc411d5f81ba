from django.contrib import admin

from fiberops.onsite.models import Photo


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
