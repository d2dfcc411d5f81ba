from django.apps import AppConfig
from django.conf import settings
from django.core import checks
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

        # The ten-step checklist (R-SITE-1..5) gates completing installs and relocations
        # first (its blockers are listed before the acceptance elements' and the photos').
        from fiberops.onsite.checklist import checklist_blockers
        from fiberops.onsite.models import describe_checklist_tick
        from fiberops.workorders.gates import COMPLETION_GATES

        COMPLETION_GATES["checklist"] = checklist_blockers
        from fiberops.onsite.checklist import confirmation_section
        from fiberops.onsite.signoff import CONFIRMATION_SECTIONS

        if confirmation_section not in CONFIRMATION_SECTIONS:
            CONFIRMATION_SECTIONS.append(confirmation_section)
        DESCRIBERS["checklist_recorded"] = describe_checklist_tick

        # The acceptance elements gate completing installs and relocations (issue 8).
        from fiberops.onsite.acceptance import acceptance_blockers

        COMPLETION_GATES["acceptance"] = acceptance_blockers
        from fiberops.onsite.acceptance import photo_blockers

        COMPLETION_GATES["photos"] = photo_blockers

        # The customer's sign-off (R-SITE-3, R-SITE-6): a gate of completion, after the photos,
        # and of confirmation; its timeline lines.
        from fiberops.onsite.signoff import confirmation_gate, describe_signoff, sign_off_blockers
        from fiberops.workorders.gates import CONFIRMATION_GATES
        from fiberops.workorders.models import EventKind

        COMPLETION_GATES["sign_off"] = sign_off_blockers
        CONFIRMATION_GATES["sign_off"] = confirmation_gate
        DESCRIBERS[EventKind.SATISFACTION_RECORDED] = describe_signoff
        DESCRIBERS[EventKind.CONFIRMATION_SIGNED] = describe_signoff
        checks.register(check_photo_settings)

        # The order page's 现场证据 section (this app's template and context, issue 8).
        from fiberops.onsite.views import evidence_section
        from fiberops.workorders.sections import ORDER_PAGE_SECTIONS, OrderPageSection

        ORDER_PAGE_SECTIONS["evidence"] = OrderPageSection(
            "onsite/_evidence_section.html", evidence_section
        )


def check_photo_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse a slot or flag in the completion gate's settings that does not exist: a typo
    would silently let installs complete without that photo."""
    from fiberops.onsite.models import PhotoFlag, PhotoKind

    errors: list[checks.CheckMessage] = []
    for name, allowed in [
        ("COMPLETION_REQUIRED_PHOTOS", PhotoKind.values),
        ("PHOTO_BLOCKING_FLAGS", PhotoFlag.values),
    ]:
        unknown = [value for value in getattr(settings, name) if value not in allowed]
        if unknown:
            errors.append(
                checks.Error(
                    f"{name} names {', '.join(unknown)}: use {', '.join(allowed)}.",
                    id="fiberops.E010",
                )
            )
    return errors
