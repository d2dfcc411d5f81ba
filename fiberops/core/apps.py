from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fiberops.core"
    label = "core"
