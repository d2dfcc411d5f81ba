from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city (`load_demo`, `demo_logins`): no tables and no business rules of its own; it
    writes through the other apps' actions, and nothing imports it."""

    name = "fiberops.demo"
    label = "demo"
    verbose_name = "Demo data"  # no models, so never shown: not in the translation catalogue
