"""The KPI page's period and grouping (R-KPI-1)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from fiberops.reporting.queries import BY_CHOICES, period_errors


class FulfilmentForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    by = forms.ChoiceField(label=_("Group by"), choices=BY_CHOICES)

    def __init__(self, data, *, default_period: tuple[dt.date, dt.date]):
        # The period defaults field by field, so "?by=team" alone keeps this month so far.
        merged = {"date_from": default_period[0], "date_to": default_period[1], "by": "technician"}
        merged.update({key: value for key, value in data.items() if value})
        super().__init__(merged)

    def clean(self):
        cleaned = super().clean() or {}
        if "date_from" in cleaned and "date_to" in cleaned:
            fields = {"from": "date_from", "to": "date_to"}
            for name, message in period_errors(cleaned["date_from"], cleaned["date_to"]).items():
                self.add_error(fields[name], message)
        return cleaned
