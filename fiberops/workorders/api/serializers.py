"""API shapes of work orders. Field names are a contract with the BSS (issue #2)."""

import datetime as dt
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fiberops.core.api import ShanghaiDateTimeField
from fiberops.core.clock import isoformat_shanghai, now
from fiberops.network.queries import find_port
from fiberops.sla import queries as sla_queries
from fiberops.sla.choices import DeadlineKind, DeadlineState
from fiberops.sla.models import Deadline
from fiberops.workforce.models import Grid
from fiberops.workorders.actions import MANUAL_NUMBER, CustomerData, IntakeData
from fiberops.workorders.appointments import arrival_target
from fiberops.workorders.models import (
    Appointment,
    AppointmentOutcome,
    EventKind,
    Initiator,
    SiteVisit,
    SuspensionInitiator,
    WorkOrder,
)
from fiberops.workorders.policy import policy_for
from fiberops.workorders.states import TRANSITIONS, OrderType, Status, allowed_actions

#: ASCII digits only: `\d` would accept Arabic-Indic and full-width digits too.
PHONE = re.compile(r"^(1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8})$")


class CustomerInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    phone = serializers.CharField(max_length=20)
    address = serializers.CharField(max_length=255)
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    lng = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )

    def validate_phone(self, value: str) -> str:
        value = value.replace(" ", "")
        if not PHONE.match(value):
            raise serializers.ValidationError(
                _("Not a Chinese mobile or landline number."), code="invalid_phone"
            )
        return value


class ResourceInSerializer(serializers.Serializer):
    splitter_box = serializers.CharField(max_length=32)
    port = serializers.IntegerField(min_value=1, max_value=256)


#: The BSS sends orders as it accepts them; one older than this is a wrong date.
MAX_ACCEPTED_AGE = dt.timedelta(days=366)
#: An appointment is booked for the coming months, in a window of at most a working day.
APPOINTMENT_HORIZON = dt.timedelta(days=180)
APPOINTMENT_LONGEST = dt.timedelta(hours=12)


class IntakeSerializer(serializers.Serializer):
    """POST /api/v1/work-orders/ — an order from the BSS (R-ORD-2)."""

    bss_order_no = serializers.RegexField(r"^[A-Za-z0-9_-]{4,40}$", max_length=40)
    order_type = serializers.ChoiceField(choices=OrderType.choices)
    accepted_at = ShanghaiDateTimeField()
    grid = serializers.SlugRelatedField(
        slug_field="code", queryset=Grid.objects.select_related("branch")
    )
    customer = CustomerInSerializer(required=False)
    plan_mbps = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    broadband_account = serializers.RegexField(
        r"^[A-Za-z0-9@._-]{1,64}$", max_length=64, required=False
    )
    resource = ResourceInSerializer(required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    requires_survey = serializers.BooleanField(required=False, default=False)

    def validate_bss_order_no(self, value: str) -> str:
        if MANUAL_NUMBER.match(value):
            raise serializers.ValidationError(
                _("Numbers of the form M + 12 digits belong to orders created by hand."),
                code="reserved_number",
            )
        return value

    def validate_accepted_at(self, value: dt.datetime) -> dt.datetime:
        if value > now() + dt.timedelta(minutes=5):
            raise serializers.ValidationError(
                _("The acceptance time lies in the future."), code="in_future"
            )
        if value < now() - MAX_ACCEPTED_AGE:
            raise serializers.ValidationError(
                _("The acceptance time lies more than a year back."), code="too_old"
            )
        return value

    def validate(self, attrs):
        errors = {}
        if policy_for(attrs["order_type"]).needs_customer and "customer" not in attrs:
            errors["customer"] = [_("This order type needs a customer.")]
        resource = attrs.get("resource")
        if resource:
            port = find_port(resource["splitter_box"], resource["port"], attrs["grid"])
            if port is None:
                errors["resource"] = [_("No such splitter box and port in this grid.")]
            else:
                attrs["splitter_port"] = port
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_intake(self) -> IntakeData:
        data = self.validated_data
        customer = data.get("customer")
        return IntakeData(
            bss_order_no=data["bss_order_no"],
            order_type=data["order_type"],
            accepted_at=data["accepted_at"],
            grid=data["grid"],
            customer=CustomerData(**customer) if customer else None,
            plan_mbps=data.get("plan_mbps"),
            broadband_account=data.get("broadband_account", ""),
            splitter_port=data.get("splitter_port"),
            description=data.get("description", ""),
            requires_survey=data.get("requires_survey", False),
        )


#: The worst state of an order's clocks: the values of a deadline's `state`. Bare values, not
#: the labelled choices: the same choice set under two field names would be one enum with two
#: names to drf-spectacular (a warning; the name override lives in settings).
SLA_STATE_FIELD = serializers.ChoiceField(
    choices=[(value, value) for value in DeadlineState.values], allow_null=True
)


class DeadlineSerializer(serializers.Serializer):
    """A plain Serializer (not ModelSerializer): it is built for every order in every list."""

    kind = serializers.ChoiceField(choices=DeadlineKind.choices)
    due_at = ShanghaiDateTimeField()
    warn_at = ShanghaiDateTimeField()
    met_at = ShanghaiDateTimeField(allow_null=True)
    breached_at = ShanghaiDateTimeField(allow_null=True)
    state = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=DeadlineState.choices))
    def get_state(self, obj: Deadline) -> str:
        return obj.state_at(self.context.get("now") or now())


class CustomerOutSerializer(serializers.Serializer):
    """Masked (R-CUS-5): full values only through the logged reveal-contact action. The location
    is rounded to 0.01° (about 1 km), enough to place the order on a map, not the home."""

    name = serializers.CharField(source="masked_name")
    phone = serializers.CharField(source="masked_phone")
    address = serializers.CharField(source="masked_address")
    lat = serializers.DecimalField(
        source="approximate_lat", max_digits=9, decimal_places=2, allow_null=True
    )
    lng = serializers.DecimalField(
        source="approximate_lng", max_digits=9, decimal_places=2, allow_null=True
    )


class ResourceOutSerializer(serializers.Serializer):
    """The splitter box and port the order is served from (R-RES-1)."""

    splitter_box = serializers.CharField()
    port = serializers.IntegerField()


class TechnicianRefSerializer(serializers.Serializer):
    """The technician who owns the order."""

    staff_no = serializers.CharField()
    name = serializers.CharField()


class AppointmentOutSerializer(serializers.Serializer):
    """One booking of the visit (R-APT-1); `arrive_from`/`arrive_by` is the target of arriving
    10 to 5 minutes before the start (R-APT-4)."""

    id = serializers.IntegerField()
    sequence = serializers.IntegerField()
    starts_at = ShanghaiDateTimeField()
    ends_at = ShanghaiDateTimeField()
    initiated_by = serializers.ChoiceField(choices=Initiator.choices)
    is_second = serializers.BooleanField()
    outcome = serializers.ChoiceField(choices=AppointmentOutcome.choices)
    booked_at = ShanghaiDateTimeField()
    outcome_at = ShanghaiDateTimeField(allow_null=True)
    change_reason = serializers.CharField()
    reconfirmed_at = ShanghaiDateTimeField(allow_null=True)
    eta = ShanghaiDateTimeField(allow_null=True)
    late_notice_at = ShanghaiDateTimeField(allow_null=True)
    reconfirm_reminded_at = ShanghaiDateTimeField(
        allow_null=True, help_text="When the worker reminded the technician to reconfirm."
    )
    miss_warned_at = ShanghaiDateTimeField(
        allow_null=True, help_text="When the worker warned that the visit is about to be missed."
    )
    arrive_from = serializers.SerializerMethodField()
    arrive_by = serializers.SerializerMethodField()

    @extend_schema_field(ShanghaiDateTimeField())
    def get_arrive_from(self, obj: Appointment) -> str | None:
        return isoformat_shanghai(arrival_target(obj.starts_at)[0])

    @extend_schema_field(ShanghaiDateTimeField())
    def get_arrive_by(self, obj: Appointment) -> str | None:
        return isoformat_shanghai(arrival_target(obj.starts_at)[1])


class SiteVisitOutSerializer(serializers.Serializer):
    """The latest check-in at the customer's (R-APT-4) and, when nobody was home, the wait the
    server times (R-APT-7) and the service note left (R-APT-8)."""

    checked_in_at = ShanghaiDateTimeField()
    distance_m = serializers.IntegerField(allow_null=True)
    absent_at = ShanghaiDateTimeField(allow_null=True)
    wait_until = ShanghaiDateTimeField(allow_null=True)
    note_left_at = ShanghaiDateTimeField(allow_null=True)


class WorkOrderSerializer(serializers.Serializer):
    """An order as the API shows it. Plain Serializer: model introspection per request costs
    more than the fields are worth on the intake path (docs/benchmarks.md)."""

    id = serializers.IntegerField()
    bss_order_no = serializers.CharField()
    order_type = serializers.ChoiceField(choices=OrderType.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    accepted_at = ShanghaiDateTimeField()
    grid = serializers.CharField(source="grid.code")
    branch = serializers.CharField(source="grid.branch.code")
    area_type = serializers.CharField(source="grid.branch.area_type")
    customer = CustomerOutSerializer(allow_null=True)
    plan_mbps = serializers.IntegerField(allow_null=True)
    broadband_account = serializers.CharField()
    resource = serializers.SerializerMethodField()
    description = serializers.CharField()
    requires_survey = serializers.BooleanField()
    technician = serializers.SerializerMethodField()
    dispatched_at = ShanghaiDateTimeField(allow_null=True)
    responded_at = ShanghaiDateTimeField(allow_null=True)
    first_contact_at = ShanghaiDateTimeField(allow_null=True)
    survey_completed_at = ShanghaiDateTimeField(allow_null=True)
    appointment_starts_at = ShanghaiDateTimeField(allow_null=True)
    appointment_ends_at = ShanghaiDateTimeField(allow_null=True)
    completed_at = ShanghaiDateTimeField(allow_null=True)
    closed_at = ShanghaiDateTimeField(allow_null=True)
    deadlines = serializers.SerializerMethodField()
    sla_state = serializers.SerializerMethodField()
    calendar_warning = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    appointment = serializers.SerializerMethodField()
    appointments = serializers.SerializerMethodField()
    is_second_appointment = serializers.SerializerMethodField()
    visit = serializers.SerializerMethodField()
    created_at = ShanghaiDateTimeField()
    updated_at = ShanghaiDateTimeField()

    @extend_schema_field(ResourceOutSerializer(allow_null=True))
    def get_resource(self, obj: WorkOrder) -> dict | None:
        port = obj.splitter_port
        return {"splitter_box": port.box.code, "port": port.number} if port else None

    @extend_schema_field(TechnicianRefSerializer(allow_null=True))
    def get_technician(self, obj: WorkOrder) -> dict | None:
        tech = obj.technician
        return {"staff_no": tech.staff_no, "name": tech.name} if tech else None

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, obj: WorkOrder):
        return DeadlineSerializer(obj.deadlines.all(), many=True, context=self.context).data

    @extend_schema_field(SLA_STATE_FIELD)
    def get_sla_state(self, obj: WorkOrder) -> str | None:
        return sla_queries.worst_state(obj.deadlines.all(), self.context.get("now") or now())

    def get_calendar_warning(self, obj: WorkOrder) -> str | None:
        return sla_queries.calendar_warning(obj.deadlines.all())

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(TRANSITIONS)))
    )
    def get_allowed_actions(self, obj: WorkOrder) -> list[str]:
        return allowed_actions(obj.status)

    # The order's appointments and visits are prefetched (`with_list_relations`): read in Python.

    @extend_schema_field(AppointmentOutSerializer(allow_null=True))
    def get_appointment(self, obj: WorkOrder) -> dict | None:
        """The latest booking: the pending one, or what became of the last."""
        history = list(obj.appointments.all())
        return AppointmentOutSerializer(history[-1]).data if history else None

    @extend_schema_field(AppointmentOutSerializer(many=True))
    def get_appointments(self, obj: WorkOrder):
        return AppointmentOutSerializer(list(obj.appointments.all()), many=True).data

    def get_is_second_appointment(self, obj: WorkOrder) -> bool:
        """A pending second appointment (R-APT-7): ranked first in every queue."""
        return any(a.is_second and a.outcome == "pending" for a in obj.appointments.all())

    @extend_schema_field(SiteVisitOutSerializer(allow_null=True))
    def get_visit(self, obj: WorkOrder) -> dict | None:
        visits: list[SiteVisit] = list(obj.visits.all())
        return SiteVisitOutSerializer(visits[-1]).data if visits else None


class OrderEventSerializer(serializers.Serializer):
    """A line of the order's timeline (`workorders/timeline.py`): an order event (`source`
    "order", with its `id`) or a line of the SLA clock (`source` "clock", `id` null: warnings and
    breaches — `occurred_at` is when the clock fell due, `data.noticed_at` when it was recorded —
    and recalculations)."""

    id = serializers.IntegerField(allow_null=True)
    kind = serializers.ChoiceField(choices=EventKind.choices)
    source = serializers.ChoiceField(choices=[("order", "order"), ("clock", "clock")])  # type: ignore[assignment]
    action = serializers.CharField()
    actor = serializers.CharField(source="actor_username", allow_null=True)
    occurred_at = ShanghaiDateTimeField()
    recorded_at = ShanghaiDateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    data = serializers.DictField()  # type: ignore[assignment]


# --- action payloads (every write takes an optional device `occurred_at`: offline replay) ----


class ActionSerializer(serializers.Serializer):
    occurred_at = ShanghaiDateTimeField(required=False)

    def validate_occurred_at(self, value: dt.datetime) -> dt.datetime:
        oldest = now() - dt.timedelta(hours=settings.OFFLINE_REPLAY_MAX_HOURS)
        if value < oldest:
            raise serializers.ValidationError(
                _("Actions older than %(hours)d hours cannot be replayed.")
                % {"hours": settings.OFFLINE_REPLAY_MAX_HOURS},
                code="too_old",
            )
        return value


class ReasonSerializer(ActionSerializer):
    """A lifecycle action: an optional reason (kept on the timeline) and the device time."""

    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RequiredReasonSerializer(ActionSerializer):
    """A lifecycle action that needs a reason (return, rework, suspend, cancel)."""

    reason = serializers.CharField(max_length=500)


class SuspendSerializer(RequiredReasonSerializer):
    """Suspend with a reason; `initiated_by` customer pauses the clocks (docs/sla.md)."""

    initiated_by = serializers.ChoiceField(
        choices=SuspensionInitiator.choices, default=SuspensionInitiator.OPERATOR, required=False
    )


class AssignmentChecksMixin(serializers.Serializer):
    """What a (re)assignment adds (R-WF-1 and the two-dispatcher race; docs/api.md)."""

    borrow_reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed when the technician belongs to a team of another grid of the branch "
        "(borrowing, kept on the event); otherwise 422 `technician_out_of_grid`.",
    )
    expected_technician = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text="Optional optimistic check: the staff number the client saw on the order "
        "(empty: none). Another one now: 409 `order_changed` with `current`.",
    )
    if_unmodified_since = ShanghaiDateTimeField(
        required=False,
        help_text="Optional optimistic check: the order's `updated_at` as the client saw it. "
        "Changed since: 409 `order_changed` with `current`.",
    )


class DispatchSerializer(AssignmentChecksMixin, ActionSerializer):
    technician = serializers.CharField(max_length=16, help_text="Staff number (工号).")


class AppointSerializer(ActionSerializer):
    starts_at = ShanghaiDateTimeField()
    ends_at = ShanghaiDateTimeField()

    def validate(self, attrs):
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": [_("The end must follow the start.")]})
        if attrs["ends_at"] - attrs["starts_at"] > APPOINTMENT_LONGEST:
            raise serializers.ValidationError(
                {"ends_at": [_("An appointment window lasts at most 12 hours.")]}
            )
        current = now()
        if (
            not current - dt.timedelta(days=1)
            <= attrs["starts_at"]
            <= current + APPOINTMENT_HORIZON
        ):
            raise serializers.ValidationError(
                {"starts_at": [_("An appointment starts between yesterday and 180 days ahead.")]}
            )
        return attrs


class RescheduleSerializer(AppointSerializer):
    """Move the pending appointment (R-APT-6): who asked, and why (required of a technician)."""

    initiated_by = serializers.ChoiceField(choices=Initiator.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["initiated_by"] == Initiator.TECHNICIAN and not attrs["reason"].strip():
            raise serializers.ValidationError(
                {
                    "reason": [
                        _("A technician's change needs a reason (it is sent with the apology).")
                    ]
                }
            )
        return attrs


def _eta_field(required: bool):
    return ShanghaiDateTimeField(
        required=required, help_text="Expected arrival at the customer's (device's estimate)."
    )


class ReconfirmSerializer(ActionSerializer):
    """Reconfirm time and work with the customer before setting off (R-APT-3)."""

    eta = _eta_field(required=False)


class DepartSerializer(ReasonSerializer):
    """Set off to the customer, with the expected arrival (told to the customer if late)."""

    eta = _eta_field(required=False)


class RunningLateSerializer(ActionSerializer):
    """Tell the customer before the start that the technician will be late (R-APT-5)."""

    eta = _eta_field(required=True)


class ArriveSerializer(ReasonSerializer):
    """Check in on site (R-APT-4): the phone's position, when it has one."""

    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    lng = serializers.DecimalField(
        max_digits=10, decimal_places=6, min_value=-180, max_value=180, required=False
    )
    accuracy_m = serializers.IntegerField(min_value=0, max_value=100_000, required=False)

    def validate(self, attrs):
        if ("lat" in attrs) != ("lng" in attrs):
            raise serializers.ValidationError({"lng": [_("Give both latitude and longitude.")]})
        return attrs


class CustomerAbsentAnswerSerializer(WorkOrderSerializer):
    """The order, and when the wait for the absent customer ends (R-APT-7)."""

    wait_until = ShanghaiDateTimeField()


class ResourceChangeSerializer(ActionSerializer):
    """Correct the resource record to the box and port actually used (R-ACC-1)."""

    box = serializers.CharField(max_length=32)
    port = serializers.IntegerField(min_value=1, max_value=1024)
    reason = serializers.CharField(max_length=500)


class HandoverSerializer(AssignmentChecksMixin, ActionSerializer):
    technician = serializers.CharField(max_length=16)
    reason = serializers.CharField(max_length=500)


class SurveyResultSerializer(ActionSerializer):
    conditions_met = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RevealedContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
