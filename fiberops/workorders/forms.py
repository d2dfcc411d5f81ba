from django import forms
from django.utils.translation import gettext_lazy as _

from fiberops.core.clock import local_date, now
from fiberops.sla.choices import DeadlineState
from fiberops.workforce.models import Grid, Technician
from fiberops.workorders.queries import SLA_FILTERS
from fiberops.workorders.states import OrderType, Status

SLA_LABELS = {
    "breached": DeadlineState.BREACHED.label,
    "warning": DeadlineState.WARNING.label,
    "on_track": DeadlineState.PENDING.label,
    "met": DeadlineState.MET.label,
}


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("BSS order number"), required=False)
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All"))] + Status.choices
    )
    order_type = forms.ChoiceField(
        label=_("order type"), required=False, choices=[("", _("All"))] + OrderType.choices
    )
    grid = forms.ModelChoiceField(
        label=_("grid"),
        required=False,
        queryset=Grid.objects.none(),
        to_field_name="code",
        empty_label=_("All"),
    )
    sla = forms.ChoiceField(
        label=_("SLA"),
        required=False,
        choices=[("", _("All"))] + [(key, SLA_LABELS[key]) for key in SLA_FILTERS],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Grid.objects.visible_to(user).distinct()  # type: ignore[attr-defined]


class DispatchForm(forms.Form):
    technician = forms.ModelChoiceField(
        label=_("technician"),
        queryset=Technician.objects.none(),
        to_field_name="staff_no",
        empty_label=_("Choose a technician"),
    )

    def __init__(self, *args, order, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = (  # type: ignore[attr-defined]
            Technician.objects.visible_to(user)
            .filter(team__grid__branch=order.grid.branch_id, is_active=True)
            .select_related("team__grid")
            .order_by("team__grid__code", "staff_no")
        )
        today = local_date(now())
        self.fields["technician"].label_from_instance = lambda t: (  # type: ignore[attr-defined]
            f"{t.name}（{t.staff_no}，{t.team.grid.name}）"
            + ("" if t.is_certified_on(today) else " ⚠")
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)
