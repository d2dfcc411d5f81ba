from django import forms
from django.utils.translation import gettext_lazy as _

from fiberops.core.clock import local_date, now
from fiberops.network.queries import find_port
from fiberops.sla.choices import DeadlineState
from fiberops.sla.queries import SLA_FILTERS
from fiberops.workforce.models import Grid, Technician
from fiberops.workforce.queries import dispatch_candidates
from fiberops.workorders.actions import CustomerData, IntakeData
from fiberops.workorders.policy import policy_for
from fiberops.workorders.states import OrderType, Status

SLA_LABELS = {
    "breached": _("Late now"),
    "warning": DeadlineState.WARNING.label,
    "on_track": DeadlineState.PENDING.label,
    "met_late": DeadlineState.MET_LATE.label,
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


class TechnicianSelect(forms.Select):
    """Technicians whose certification (上岗认证) has expired are listed but cannot be chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values: set[str] = set()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class DispatchForm(forms.Form):
    """The technicians this user may give the order to (`dispatch_candidates`, shared with the
    API), the order's own grid first."""

    technician = forms.ModelChoiceField(
        label=_("technician"),
        queryset=Technician.objects.none(),
        to_field_name="staff_no",
        empty_label=_("Choose a technician"),
        widget=TechnicianSelect,
    )

    borrow_reason = forms.CharField(
        label=_("reason for borrowing"),
        max_length=200,
        required=False,
        help_text=_("Needed when the technician belongs to another grid's team (R-WF-1)."),
        widget=forms.TextInput(attrs={"placeholder": _("reason for borrowing (another grid)")}),
    )

    def __init__(self, *args, order, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = local_date(now())
        self.order = order
        field = self.fields["technician"]
        candidates = list(
            dispatch_candidates(user, branch_id=order.grid.branch_id, grid_id=order.grid_id)
        )
        field.queryset = Technician.objects.filter(pk__in=[t.pk for t in candidates])  # type: ignore[attr-defined]
        field.widget.disabled_values = {  # type: ignore[attr-defined]
            t.staff_no for t in candidates if self._unfit(t)
        }
        field.label_from_instance = self._label  # type: ignore[attr-defined]
        # The choices keep the candidates' order (own grid first) without a second query.
        label = field.label_from_instance  # type: ignore[attr-defined]
        field.choices = [("", field.empty_label)] + [  # type: ignore[attr-defined]
            (t.staff_no, label(t)) for t in candidates
        ]

    def _unfit(self, technician: Technician) -> str:
        """Why the dispatch rule would refuse this technician whatever the reason given."""
        if not technician.is_certified_on(self.today):
            return str(_("certification expired"))
        held = {skill.code for skill in technician.skills.all()}
        if any(code not in held for code in policy_for(self.order.order_type).skills):
            return str(_("lacks the skill"))
        return ""

    def _label(self, technician: Technician) -> str:
        label = f"{technician.name}（{technician.staff_no}，{technician.team.grid.name}）"
        unfit = self._unfit(technician)
        if unfit:
            return f"{label} · {unfit}"
        if technician.team.grid_id != self.order.grid_id:
            # Outside the f-string: xgettext does not look inside one (makemessages missed it).
            borrowed = _("borrowed: give a reason")
            return f"{label} · {borrowed}"
        return label

    def clean_technician(self):
        technician = self.cleaned_data["technician"]
        if not technician.is_certified_on(self.today):
            raise forms.ValidationError(
                _("This technician's certification has expired: choose another.")
            )
        return technician


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)


class ManualOrderForm(forms.Form):
    """An order typed in by the service desk or a dispatcher (R-ORD-2)."""

    order_type = forms.ChoiceField(label=_("order type"), choices=OrderType.choices)
    grid = forms.ModelChoiceField(
        label=_("grid"),
        queryset=Grid.objects.none(),
        to_field_name="code",
        empty_label=_("Choose a grid"),
    )
    customer_name = forms.CharField(label=_("customer name"), max_length=64, required=False)
    customer_phone = forms.RegexField(
        label=_("customer phone"),
        regex=r"^(1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8})$",
        required=False,
        error_messages={"invalid": _("Not a Chinese mobile or landline number.")},
    )
    customer_address = forms.CharField(label=_("customer address"), max_length=255, required=False)
    plan_mbps = forms.IntegerField(label=_("plan (Mbit/s)"), min_value=1, required=False)
    broadband_account = forms.RegexField(
        label=_("broadband account"),
        regex=r"^[A-Za-z0-9@._-]{1,64}$",
        required=False,
        error_messages={"invalid": _("Letters, digits and @ . _ - only.")},
    )
    splitter_box = forms.CharField(label=_("splitter box"), max_length=32, required=False)
    port = forms.IntegerField(label=_("port number"), min_value=1, max_value=256, required=False)
    requires_survey = forms.BooleanField(label=_("requires a survey first"), required=False)
    description = forms.CharField(
        label=_("description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = (  # type: ignore[attr-defined]
            Grid.objects.visible_to(user).select_related("branch").distinct()
        )

    def clean(self):
        data = super().clean() or {}
        if data.get("order_type") and policy_for(data["order_type"]).needs_customer:
            for name in ("customer_name", "customer_phone", "customer_address"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("This order type needs a customer."))
        box, port = data.get("splitter_box"), data.get("port")
        if box or port:
            found = find_port(box or "", port or 0, data.get("grid"))
            if found is None:
                self.add_error("splitter_box", _("No such splitter box and port in this grid."))
            data["splitter_port"] = found
        return data

    def to_intake(self, accepted_at) -> IntakeData:
        data = self.cleaned_data
        customer = None
        if data.get("customer_phone"):
            customer = CustomerData(
                name=data["customer_name"],
                phone=data["customer_phone"],
                address=data["customer_address"],
            )
        return IntakeData(
            bss_order_no="",
            order_type=data["order_type"],
            accepted_at=accepted_at,
            grid=data["grid"],
            customer=customer,
            plan_mbps=data.get("plan_mbps"),
            broadband_account=data.get("broadband_account", ""),
            splitter_port=data.get("splitter_port"),
            description=data.get("description", ""),
            requires_survey=data.get("requires_survey", False),
        )
