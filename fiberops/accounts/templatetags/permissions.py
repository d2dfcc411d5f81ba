"""`{% load permissions %}{% if user|may:"kpi.read" %}`: templates ask the one role registry,
like the code does (docs/architecture.md, "Roles are asked, never compared")."""

from django import template

from fiberops.accounts import permissions

register = template.Library()


@register.filter(name="may")
def may(user, action: str) -> bool:
    return permissions.may(user, action)
