from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "fiberops.workforce"
    label = "workforce"
