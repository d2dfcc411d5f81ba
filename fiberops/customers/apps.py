from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "fiberops.customers"
    label = "customers"
