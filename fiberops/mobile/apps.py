from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobileConfig(AppConfig):
    """The technician's phone app (掌上装维): serves its shell, manifest and service worker; the
    browser does everything else through the JSON API."""

    name = "fiberops.mobile"
    label = "mobile"
    verbose_name = _("Technician app")
