import datetime as dt

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from fiberops.core.clock import now
from fiberops.sla.actions import recalculate_working_day_deadlines
from fiberops.sla.models import CalendarDay, CalendarOverride, CalendarYear, Deadline, SlaAlert


def _recalculate(request, first_day: dt.date | None, last_day: dt.date | None) -> None:
    changed = recalculate_working_day_deadlines(now(), first_day=first_day, last_day=last_day)
    messages.info(request, _("%(n)d running deadlines recalculated.") % {"n": changed})


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Add a year by hand (source: manual) once its overrides are entered; running survey and
    install deadlines are then recalculated."""

    list_display = ("year", "source", "loaded_at")
    actions = ["recalculate"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recalculate(request, dt.date(obj.year, 1, 1), dt.date(obj.year, 12, 31))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recalculate(request, dt.date(obj.year, 1, 1), dt.date(obj.year, 12, 31))

    def delete_queryset(self, request, queryset):
        years = sorted(queryset.values_list("year", flat=True))
        super().delete_queryset(request, queryset)
        if years:
            _recalculate(request, dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31))

    @admin.action(description=_("Recalculate running working-day deadlines"))
    def recalculate(self, request, queryset):
        _recalculate(request, None, None)


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
        previous = CalendarOverride.objects.filter(pk=obj.pk).values_list("date", flat=True)
        days = [obj.date, *previous] if change else [obj.date]
        super().save_model(request, obj, form, change)
        _recalculate(request, min(days), max(days))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recalculate(request, obj.date, obj.date)

    def delete_queryset(self, request, queryset):
        days = sorted(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        if days:
            _recalculate(request, days[0], days[-1])


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
