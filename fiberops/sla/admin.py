from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from fiberops.core.clock import now
from fiberops.sla.actions import recalculate_working_day_deadlines
from fiberops.sla.models import CalendarDay, CalendarOverride, CalendarYear, Deadline, SlaAlert


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Add a year by hand (source: manual) once its overrides are entered; running survey and
    install deadlines are then recalculated."""

    list_display = ("year", "source", "loaded_at")
    actions = ["recalculate"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = recalculate_working_day_deadlines(now())
        messages.info(request, _("%(n)d running deadlines recalculated.") % {"n": changed})

    @admin.action(description=_("Recalculate running working-day deadlines"))
    def recalculate(self, request, queryset):
        changed = recalculate_working_day_deadlines(now())
        messages.info(request, _("%(n)d running deadlines recalculated.") % {"n": changed})


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False  # written by the system, never by hand

    def has_change_permission(self, request, obj=None):
        return False  # package data: correct it with an override instead


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "reason", "created_by", "created_at")
    exclude = ("created_by",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        self._recalculate(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recalculate(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._recalculate(request)

    def _recalculate(self, request):
        changed = recalculate_working_day_deadlines(now())
        messages.info(request, _("%(n)d running deadlines recalculated.") % {"n": changed})


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ("order", "kind", "due_at", "met_at", "warned_at", "breached_at")
    list_filter = ("kind",)
    raw_id_fields = ("order",)

    def has_add_permission(self, request):
        return False  # written by the system, never by hand

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SlaAlert)
class SlaAlertAdmin(admin.ModelAdmin):
    list_display = ("raised_at", "kind", "deadline", "escalated_to_team", "acknowledged_at")
    list_filter = ("kind",)
    raw_id_fields = ("deadline",)

    def has_add_permission(self, request):
        return False  # written by the system, never by hand
