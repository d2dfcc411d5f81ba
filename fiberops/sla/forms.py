"""The alert desk's filters (R-SLA-6): kind, grid and technician within the user's scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fiberops.sla.choices import AlertKind
from fiberops.workforce.models import Grid, Technician


class AlertFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=[("", _("All")), *AlertKind.choices]
    )
    grid = forms.ModelChoiceField(
        label=_("grid"),
        required=False,
        queryset=Grid.objects.none(),
        to_field_name="code",
        empty_label=_("All"),
    )
    technician = forms.ModelChoiceField(
        label=_("technician"),
        required=False,
        queryset=Technician.objects.none(),
        to_field_name="staff_no",
        empty_label=_("All"),
    )
    handled = forms.BooleanField(
        label=_("Include handled (acknowledged or resolved)"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come from the user's scope: a code or staff number outside it is invalid.
        self.fields["grid"].queryset = Grid.objects.visible_to(user).distinct()  # type: ignore[attr-defined]
        self.fields["technician"].queryset = Technician.objects.visible_to(user)  # type: ignore[attr-defined]

    def filter(self, alerts):
        """`alerts` narrowed by the valid filters (an invalid one is shown as an error and
        ignored); open alerts only unless handled ones are asked for."""
        self.is_valid()  # fills cleaned_data with the valid fields, errors for the others
        data = getattr(self, "cleaned_data", {})  # unbound: no filter
        if not data.get("handled"):
            alerts = alerts.open()
        if data.get("kind"):
            alerts = alerts.filter(kind=data["kind"])
        if data.get("grid"):
            alerts = alerts.filter(deadline__order__grid=data["grid"])
        if data.get("technician"):
            alerts = alerts.filter(deadline__order__technician=data["technician"])
        return alerts
