"""The auditor page's filters (R-PHO-4): flag, branch and grid within the user's scope."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fiberops.onsite.models import PhotoFlag
from fiberops.workforce.models import Branch, Grid


class PhotoAuditFilterForm(forms.Form):
    flag = forms.ChoiceField(
        label=_("flag"), required=False, choices=[("", _("All")), *PhotoFlag.choices]
    )
    branch = forms.ModelChoiceField(
        label=_("branch"),
        required=False,
        queryset=Branch.objects.none(),
        to_field_name="code",
        empty_label=_("All"),
    )
    grid = forms.ModelChoiceField(
        label=_("grid"),
        required=False,
        queryset=Grid.objects.none(),
        to_field_name="code",
        empty_label=_("All"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come from the user's scope: a code outside it is invalid.
        grids = Grid.objects.visible_to(user).distinct()  # type: ignore[attr-defined]
        self.fields["grid"].queryset = grids.select_related("branch")  # type: ignore[attr-defined]
        self.fields["branch"].queryset = Branch.objects.filter(  # type: ignore[attr-defined]
            pk__in=grids.values("branch_id")
        )

    def filter(self, photos: QuerySet) -> QuerySet:
        """`photos` narrowed by the valid filters (an invalid one is shown as an error and
        ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("flag"):
            # `flags` is a JSON list of names; a containment look-up is not portable (SQLite
            # has none), the quoted name in its text is: no flag's name is inside another's.
            photos = photos.filter(flags__icontains=f'"{data["flag"]}"')
        if data.get("branch"):
            photos = photos.filter(order__grid__branch=data["branch"])
        if data.get("grid"):
            photos = photos.filter(order__grid=data["grid"])
        return photos
