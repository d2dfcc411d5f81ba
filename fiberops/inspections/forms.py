"""The inspection report's filter: the periods shown (R-KPI-2)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _


class ReportFilterForm(forms.Form):
    """Rounds whose period overlaps [since, until]; default: the last twelve months."""

    since = forms.DateField(
        label=_("Periods from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Periods until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, today: dt.date):
        defaults = {
            "since": (today - dt.timedelta(days=365)).isoformat(),
            "until": today.isoformat(),
        }
        merged = {**defaults, **{k: v for k, v in data.items() if v}}
        super().__init__(merged)

    def clean(self):
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The start lies after the end."))
        return data
