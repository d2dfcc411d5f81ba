from django.contrib import admin

from fiberops.core.admin_lookups import PersonalFieldsAdminMixin
from fiberops.workforce.models import Branch, Grid, Skill, Team, Technician


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "area_type")


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "branch")
    list_filter = ("branch",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "grid")
    list_filter = ("grid__branch",)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Technician)
class TechnicianAdmin(PersonalFieldsAdminMixin, admin.ModelAdmin):
    personal_fields = ("phone",)
    list_display = ("staff_no", "name", "team", "certified_until", "is_active")
    list_filter = ("team__grid__branch", "is_active")
    search_fields = ("staff_no", "name")
    filter_horizontal = ("skills",)
    raw_id_fields = ("user",)
