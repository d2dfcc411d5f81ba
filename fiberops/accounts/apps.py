from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fiberops.accounts"
    label = "accounts"
