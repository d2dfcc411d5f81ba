"""Admin of switch readings (R-INS-3): readings, breaches and health are read-only records of
what was measured; they are written by `switch_actions` only."""

from django.contrib import admin

from fiberops.inspections.switch_models import SwitchBreach, SwitchHealth, SwitchReading
from fiberops.network.admin import InventoryAdmin
from fiberops.network.inventory import SwitchResource
from fiberops.network.models import DeviceProfile, Switch


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SwitchReading)
class SwitchReadingAdmin(ReadOnlyAdmin):
    list_display = ["switch", "measured_at", "bandwidth_pct", "cpu_pct", "mem_pct", "source"]
    list_filter = ["source", "is_breach"]
    list_select_related = ["switch"]
    search_fields = ["switch__code"]
    date_hierarchy = "measured_at"


@admin.register(SwitchBreach)
class SwitchBreachAdmin(ReadOnlyAdmin):
    list_display = ["switch", "metric", "value", "threshold", "order", "opened_order"]
    list_filter = ["metric"]
    list_select_related = ["switch", "order"]
    search_fields = ["switch__code", "order__bss_order_no"]


@admin.register(SwitchHealth)
class SwitchHealthAdmin(ReadOnlyAdmin):
    list_display = ["switch", "is_breached", "is_unreachable", "last_polled_at", "open_order"]
    list_filter = ["is_breached", "is_unreachable"]
    list_select_related = ["switch"]


# The switches themselves live in `network` (R-RES-1); their admin sits here with the readings so
# the network app's admin stays with the splitter hierarchy.
@admin.register(Switch)
class SwitchAdmin(InventoryAdmin):
    """With the inventory's import and export buttons (kind `switch`, docs/network.md)."""

    resource_class = SwitchResource
    list_display = [
        "code",
        "name",
        "kind",
        "grid",
        "state",
        "management_address",
        "profile",
        "uplink_olt",
        "uplink_switch",
    ]
    list_filter = ["kind", "state", "grid"]
    list_select_related = ["grid", "profile", "uplink_olt", "uplink_switch"]
    search_fields = ["code", "name", "management_address"]
    autocomplete_fields = ["uplink_olt", "uplink_switch"]


@admin.register(DeviceProfile)
class DeviceProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "speed_oid", "counter_bits", "mem_percent_oid"]
    search_fields = ["name"]
