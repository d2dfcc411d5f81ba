from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "fiberops.dispatch"
    label = "dispatch"
