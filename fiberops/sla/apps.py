from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "fiberops.sla"
    label = "sla"
