"""API shapes of customer contact (R-APT-2)."""

from rest_framework import serializers

from fiberops.core.api import ShanghaiDateTimeField
from fiberops.dispatch.models import ContactChannel, ContactOutcome
from fiberops.workorders.api.serializers import ActionSerializer


class ContactAttemptSerializer(ActionSerializer):
    """POST body: one attempt to reach the customer; `occurred_at` is the device's time."""

    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    recording_ref = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default=""
    )


class ContactAttemptOutSerializer(serializers.Serializer):
    """An attempt as listed under its order."""

    id = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
    note = serializers.CharField()
    recording_ref = serializers.CharField()
    by = serializers.CharField(source="by.username")
    occurred_at = ShanghaiDateTimeField()


class CallAnswerSerializer(serializers.Serializer):
    """A call placed through the call service: dial `dial`; log the outcome with
    `recording_ref` as a contact attempt (channel `app_call`)."""

    dial = serializers.CharField(help_text="The number to dial (a privacy number).")
    recording_ref = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    """One technician the dispatch rule allows for the order, with the score and why (issue 9)."""

    technician = serializers.CharField(source="technician.staff_no", help_text="Staff number.")
    name = serializers.CharField(source="technician.name")
    team = serializers.CharField(source="technician.team.code")
    grid = serializers.CharField(source="technician.team.grid.code")
    score = serializers.IntegerField(help_text="Higher is a better fit (docs/dispatch.md).")
    same_grid = serializers.BooleanField(
        help_text="False: a team of another grid; dispatching needs `borrow_reason`."
    )
    distance_km = serializers.FloatField(
        allow_null=True, help_text="Straight line from the last known position; null: unknown."
    )
    position_source = serializers.ChoiceField(
        choices=["check_in", "next_stop", "grid_centre"],
        help_text="Where the distance is measured from.",
    )
    jobs_today = serializers.IntegerField(
        help_text="Appointments today plus open orders not yet booked."
    )
    owns_customer_problem = serializers.BooleanField(
        help_text="Holds or recently closed another order of this customer (R-ORD-5)."
    )
    why = serializers.ListField(
        child=serializers.CharField(), help_text="Short reasons in the reader's language."
    )
