from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "fiberops.network"
    label = "network"
