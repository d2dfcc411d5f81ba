from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "fiberops.workorders"
    label = "workorders"
