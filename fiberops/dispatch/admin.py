from django.contrib import admin

from fiberops.dispatch.models import ContactAttempt


@admin.register(ContactAttempt)
class ContactAttemptAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "order", "by", "channel", "outcome")
    list_filter = ("channel", "outcome")
    raw_id_fields = ("order",)

    def has_add_permission(self, request):
        return False  # written by the system, never by hand

    def has_change_permission(self, request, obj=None):
        return False
