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
