from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "fiberops.messaging"
    label = "messaging"
    verbose_name = _("Messages to customers")
