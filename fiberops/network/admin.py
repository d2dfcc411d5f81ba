from django.contrib import admin

from fiberops.network.models import SplitterBox, SplitterPort


class SplitterPortInline(admin.TabularInline):
    model = SplitterPort
    extra = 0


@admin.register(SplitterBox)
class SplitterBoxAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "grid", "port_count")
    list_filter = ("grid",)
    search_fields = ("code", "name")
    inlines = [SplitterPortInline]
