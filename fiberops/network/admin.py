"""The network inventory in the admin (R-RES-1), with django-import-export's import and export
buttons: the same resources as the command and the API, a dry run shown before the import is
confirmed, imports by administrators only, exports within the user's scope. A port's occupancy
is read-only here: it changes only through `network/actions.py`."""

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from fiberops.accounts.permissions import may
from fiberops.network.inventory import (
    InventoryResource,
    OltResource,
    PonPortResource,
    SplitterBoxResource,
    SplitterPortResource,
    SplitterResource,
)
from fiberops.network.models import (
    ElementEvent,
    Olt,
    Ont,
    PonPort,
    PortEvent,
    Splitter,
    SplitterBox,
    SplitterPort,
)

PORT_HOLDER_FIELDS = ("state", "customer", "work_order_id", "state_changed_at")


class InventoryAdmin(ImportExportModelAdmin):
    """Import needs `inventory.import`, export `inventory.export`; exports are scoped."""

    resource_class: type[InventoryResource]

    def get_resource_classes(self, request):
        return [self.resource_class]

    def has_import_permission(self, request):
        return may(request.user, "inventory.import")

    def has_export_permission(self, request):
        return may(request.user, "inventory.export")

    def get_export_queryset(self, request):
        return self.resource_class.scoped(request.user)

    def get_export_resource_kwargs(self, request, **kwargs):
        # The resource knows who the file is for (a switch's community: administrators only).
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}


@admin.register(ElementEvent)
class ElementEventAdmin(admin.ModelAdmin):
    """Corrections of the records (R-RES-3): read-only (append-only rows)."""

    list_display = (
        "at",
        "element_kind",
        "element_code",
        "field",
        "from_value",
        "to_value",
        "actor",
    )
    list_filter = ("element_kind", "field")
    list_select_related = ("actor",)
    search_fields = ("element_code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SplitterPortInline(admin.TabularInline):
    model = SplitterPort
    extra = 0
    fields = ("number", *PORT_HOLDER_FIELDS)
    readonly_fields = PORT_HOLDER_FIELDS
    raw_id_fields = ("customer",)


@admin.register(Olt)
class OltAdmin(InventoryAdmin):
    resource_class = OltResource
    list_display = ("code", "name", "grid", "model_name", "state")
    list_filter = ("state", "grid")
    search_fields = ("code", "name")


@admin.register(PonPort)
class PonPortAdmin(InventoryAdmin):
    resource_class = PonPortResource
    list_display = ("code", "olt", "slot", "number", "state")
    list_filter = ("state",)
    search_fields = ("code", "olt__code")
    list_select_related = ("olt",)


@admin.register(Splitter)
class SplitterAdmin(InventoryAdmin):
    resource_class = SplitterResource
    list_display = ("code", "name", "pon_port", "grid", "ratio", "state")
    list_filter = ("state", "grid")
    search_fields = ("code", "name")
    list_select_related = ("pon_port", "grid")


@admin.register(SplitterBox)
class SplitterBoxAdmin(InventoryAdmin):
    resource_class = SplitterBoxResource
    list_display = ("code", "name", "grid", "splitter", "port_count", "state")
    list_filter = ("state", "grid")
    search_fields = ("code", "name")
    list_select_related = ("grid", "splitter")
    inlines = [SplitterPortInline]


@admin.register(SplitterPort)
class SplitterPortAdmin(InventoryAdmin):
    resource_class = SplitterPortResource
    list_display = ("__str__", "state", "work_order_id", "state_changed_at")
    list_filter = ("state",)
    search_fields = ("box__code",)
    list_select_related = ("box",)
    readonly_fields = PORT_HOLDER_FIELDS
    raw_id_fields = ("customer",)


@admin.register(Ont)
class OntAdmin(admin.ModelAdmin):
    list_display = ("serial", "model_name", "port", "state")
    list_filter = ("state",)
    search_fields = ("serial",)
    raw_id_fields = ("customer", "port")


@admin.register(PortEvent)
class PortEventAdmin(admin.ModelAdmin):
    """The ports' history: read-only (append-only rows)."""

    list_display = ("at", "port", "kind", "from_state", "to_state", "work_order_id", "actor")
    list_filter = ("kind",)
    list_select_related = ("port__box", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
