from rest_framework import serializers

from fiberops.reporting.queries import BY_CHOICES, period_errors


class FulfilmentQuerySerializer(serializers.Serializer):
    """The query string of GET /api/v1/kpis/fulfilment/: `from`, `to` (Shanghai dates, both
    included) and `by`. `from` is a Python keyword, hence `get_fields`."""

    def get_fields(self):
        return {
            "from": serializers.DateField(input_formats=["%Y-%m-%d"]),
            "to": serializers.DateField(input_formats=["%Y-%m-%d"]),
            "by": serializers.ChoiceField(choices=BY_CHOICES, required=False),
        }

    def validate(self, attrs):
        errors = period_errors(attrs["from"], attrs["to"])
        if errors:
            raise serializers.ValidationError({name: [text] for name, text in errors.items()})
        attrs.setdefault("by", "technician")
        return attrs


class FulfilmentRowSerializer(serializers.Serializer):
    """One row of 装维履约率 (R-KPI-1). docs/kpi.md defines each number."""

    key = serializers.CharField(
        help_text="The code: staff number, team, grid or branch code, after `by`."
    )
    name = serializers.CharField()
    due = serializers.IntegerField(
        min_value=0, help_text="Appointments due in the period (customer changes left out)."
    )
    kept = serializers.IntegerField(
        min_value=0,
        help_text="Of those, kept on time or rescheduled by the technician with ≥ 2 h notice.",
    )
    rate = serializers.FloatField(
        min_value=0,
        max_value=1,
        allow_null=True,
        help_text="kept ÷ due, 0..1; null when nothing was due.",
    )
