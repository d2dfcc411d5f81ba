from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "fiberops.dispatch"
    label = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        # The order timeline labels contact attempts with this app's choices; registering here
        # keeps `workorders` from importing `dispatch`.
        from fiberops.dispatch.models import describe_contact
        from fiberops.workorders.timeline import DESCRIBERS

        DESCRIBERS["contact_attempt"] = describe_contact
