from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnsiteConfig(AppConfig):
    name = "fiberops.onsite"
    label = "onsite"
    verbose_name = _("On-site work")

    def ready(self) -> None:
        # The order timeline labels photo events with this app's slots and flags; registering
        # here keeps `workorders` from importing `onsite`.
        from fiberops.onsite.models import describe_photo
        from fiberops.workorders.timeline import DESCRIBERS

        DESCRIBERS["photo_added"] = describe_photo

        # The acceptance elements gate completing installs and relocations (issue 8).
        from fiberops.onsite.acceptance import acceptance_blockers
        from fiberops.workorders.gates import COMPLETION_GATES

        COMPLETION_GATES["acceptance"] = acceptance_blockers
