"""The appointment desk's day and broken-appointment period (R-APT-9)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

#: The broken-appointment list's longest period, in days.
MAX_BROKEN_DAYS = 92


class AppointmentDeskForm(forms.Form):
    day = forms.DateField(
        label=_("Day"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    broken_from = forms.DateField(
        label=_("Broken from"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    broken_to = forms.DateField(
        label=_("Broken to"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data, *, today: dt.date):
        # Defaults field by field: today's timeline, the broken ones of the last 7 days.
        merged = {
            "day": today,
            "broken_from": today - dt.timedelta(days=6),
            "broken_to": today,
        }
        merged.update({key: value for key, value in data.items() if value})
        super().__init__(merged)
        self.today = today

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("broken_from"), cleaned.get("broken_to")
        for name in ("day", "broken_from", "broken_to"):
            value = cleaned.get(name)
            if value is not None and not 2000 <= value.year <= 2099:
                self.add_error(
                    name,
                    _("The date must lie between the years %(first)d and %(last)d.")
                    % {"first": 2000, "last": 2099},
                )
        if start and end and not self.errors:
            if start > end:
                self.add_error(
                    "broken_to", _("The end of the period must not be before its start.")
                )
            elif (end - start).days + 1 > MAX_BROKEN_DAYS:
                self.add_error(
                    "broken_to",
                    _("A period may span at most %(days)d days.") % {"days": MAX_BROKEN_DAYS},
                )
        return cleaned

    def value(self, name: str) -> dt.date:
        """The valid value of `name`, or its default when it was refused (shown as an error)."""
        defaults = {
            "day": self.today,
            "broken_from": self.today - dt.timedelta(days=6),
            "broken_to": self.today,
        }
        return self.cleaned_data.get(name) or defaults[name]


class BoardForm(forms.Form):
    """The board's day (default today, Asia/Shanghai) and an optional grid."""

    day = forms.DateField(
        label=_("Day"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    grid: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("grid"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        to_field_name="code",
        empty_label=_("All grids"),
    )

    def __init__(self, data, *, user, today: dt.date):
        from fiberops.workforce.models import Grid

        # The date field shows the day on the board: today unless another day was asked for.
        merged = {"day": today.isoformat(), **{key: value for key, value in data.items() if value}}
        super().__init__(merged)
        self.today = today
        self.fields["grid"].queryset = Grid.objects.visible_to(user)  # type: ignore[attr-defined]

    def value(self, name: str):
        cleaned = getattr(self, "cleaned_data", {})
        if name == "day":
            return cleaned.get("day") or self.today
        return cleaned.get(name)


class PinForm(forms.Form):
    order = forms.IntegerField()
    day = forms.DateField(input_formats=["%Y-%m-%d"])
    unpin = forms.BooleanField(required=False)


class ReplanForm(forms.Form):
    """Which grid's day to plan afresh from the board: a grid in the user's scope."""

    grid: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        to_field_name="code",
    )
    day = forms.DateField(input_formats=["%Y-%m-%d"])

    def __init__(self, data, *, user):
        from fiberops.workforce.models import Grid

        super().__init__(data)
        self.fields["grid"].queryset = Grid.objects.visible_to(user)  # type: ignore[attr-defined]
