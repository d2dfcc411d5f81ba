from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from fiberops.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "branch", "team", "is_active")
    list_filter = ("role", "branch", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("FiberOps", {"fields": ("role", "display_name", "branch", "team")}),
    )
