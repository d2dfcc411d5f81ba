from django.contrib import admin, messages
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from fiberops.core.clock import now
from fiberops.sla import actions
from fiberops.sla.models import (
    CalendarDay,
    CalendarOverride,
    CalendarYear,
    Deadline,
    SlaAlert,
    SweepProblem,
)


def _report(request, changed: int) -> None:
    messages.info(request, _("%(n)d running deadlines recalculated.") % {"n": changed})


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Add a year by hand (source: manual) once its overrides are entered; running survey and
    install deadlines are then recalculated (through `sla.actions`)."""

    list_display = ("year", "source", "loaded_at")
    actions = ["recalculate"]

    def save_model(self, request, obj, form, change):
        _report(request, actions.save_calendar_year(obj, now=now()))

    def delete_model(self, request, obj):
        _report(request, actions.delete_calendar_years([obj], now=now()))

    def delete_queryset(self, request, queryset):
        _report(request, actions.delete_calendar_years(list(queryset), now=now()))

    @admin.action(description=_("Recalculate running working-day deadlines"))
    def recalculate(self, request, queryset):
        _report(request, actions.recalculate_working_day_deadlines(now()))


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
        _report(request, actions.save_calendar_override(obj, actor=request.user, now=now()))

    def delete_model(self, request, obj):
        _report(request, actions.delete_calendar_overrides([obj], now=now()))

    def delete_queryset(self, request, queryset):
        _report(request, actions.delete_calendar_overrides(list(queryset), now=now()))


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


class OpenProblemFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("resolved", _("Resolved"))]

    def queryset(self, request, queryset):
        if self.value() in ("open", "resolved"):
            return queryset.filter(resolved_at__isnull=self.value() == "open")
        return queryset


@admin.register(SweepProblem)
class SweepProblemAdmin(admin.ModelAdmin):
    """Deadlines the sweeper skipped (R-SLA-6, docs/sla.md "Bad rows"): written by the sweeper,
    resolved by it once a tick handles the deadline again. The deadline is shown by id and its
    order by number, read as plain columns: loading the deadline may be what fails."""

    list_display = (
        "deadline_number",
        "order_number",
        "stage",
        "kind",
        "error",
        "first_seen_at",
        "last_seen_at",
        "times_seen",
        "resolved_at",
    )
    list_filter = (OpenProblemFilter, "stage", "kind")
    search_fields = ("=deadline__id", "deadline__order__bss_order_no")
    fields = list_display
    readonly_fields = list_display

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(order_number=F("deadline__order__bss_order_no"))
        )

    @admin.display(description=_("deadline"), ordering="deadline_id")
    def deadline_number(self, obj: SweepProblem) -> int:
        return obj.deadline_id

    @admin.display(description=_("work order"), ordering="order_number")
    def order_number(self, obj: SweepProblem) -> str:
        return getattr(obj, "order_number", "")

    def has_add_permission(self, request):
        return False  # written by the sweeper, never by hand

    def has_change_permission(self, request, obj=None):
        return False  # fix the deadline instead: the next tick resolves the problem
