"""API shapes of inspections: an order's inspection (checklist, log, transfers, elements and
discrepancies), the writes on it, and discrepancies (R-INS-1/2, R-RES-3, R-ORD-5)."""

from rest_framework import serializers

from fiberops.core.api import ShanghaiDateTimeField
from fiberops.inspections.models import Department, DiscrepancyStatus, LogKind, PlanKind
from fiberops.workorders.api.serializers import ActionSerializer


class ChecklistRowSerializer(serializers.Serializer):
    code = serializers.CharField(source="item.code")
    label = serializers.CharField(source="item.label")  # type: ignore[assignment]
    is_ok = serializers.BooleanField(source="latest.is_ok", allow_null=True, default=None)
    note = serializers.CharField(source="latest.note", default="")
    checked_at = ShanghaiDateTimeField(source="latest.recorded_at", allow_null=True, default=None)


class LogEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=LogKind.choices)
    item_code = serializers.CharField()
    is_ok = serializers.BooleanField(allow_null=True)
    element_kind = serializers.CharField()
    element_code = serializers.CharField()
    fault_kind = serializers.CharField()
    note = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = ShanghaiDateTimeField()


class TransferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.ChoiceField(choices=Department.choices)
    department_label = serializers.CharField(source="get_department_display")
    element_kind = serializers.CharField()
    element_code = serializers.CharField()
    reason = serializers.CharField()
    transferred_by = serializers.CharField(source="transferred_by.username")
    transferred_at = ShanghaiDateTimeField()


class DiscrepancySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField(source="round.order_id")
    grid = serializers.CharField(source="grid.code")
    element_kind = serializers.CharField()
    element_code = serializers.CharField()
    field = serializers.CharField()
    expected = serializers.CharField()
    found = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = ShanghaiDateTimeField()
    status = serializers.ChoiceField(choices=DiscrepancyStatus.choices)
    fixed_at = ShanghaiDateTimeField(allow_null=True)


class ElementRowSerializer(serializers.Serializer):
    kind = serializers.CharField(source="element.kind")
    code = serializers.CharField(source="element.code")
    recorded = serializers.DictField(source="element.recorded", child=serializers.CharField())
    is_confirmed = serializers.BooleanField(
        source="latest.is_confirmed", allow_null=True, default=None
    )
    checked_at = ShanghaiDateTimeField(source="latest.checked_at", allow_null=True, default=None)


class SwitchReadingBriefSerializer(serializers.Serializer):
    measured_at = ShanghaiDateTimeField()
    bandwidth_pct = serializers.FloatField(allow_null=True)
    cpu_pct = serializers.FloatField(allow_null=True)
    mem_pct = serializers.FloatField(allow_null=True)


class SwitchRowSerializer(serializers.Serializer):
    """A switch of the grid on its monthly check (R-INS-3)."""

    code = serializers.CharField(source="switch.code")
    name = serializers.CharField(source="switch.name")
    kind = serializers.CharField(source="switch.kind")
    latest_reading = SwitchReadingBriefSerializer(allow_null=True)
    is_breached = serializers.BooleanField()
    is_unreachable = serializers.BooleanField()
    open_order = serializers.IntegerField(source="open_order_id", allow_null=True)
    inspected = serializers.BooleanField()


class InspectionSerializer(serializers.Serializer):
    """An inspection order's inspection as it stands."""

    plan = serializers.CharField(source="round.plan.name")
    kind = serializers.ChoiceField(source="round.plan.kind", choices=PlanKind.choices)
    grid = serializers.CharField(source="round.grid.code")
    period_start = serializers.DateField(source="round.period_start")
    period_end = serializers.DateField(source="round.period_end")
    due_at = ShanghaiDateTimeField(source="round.due_at")
    checklist = ChecklistRowSerializer(many=True)
    log = LogEntrySerializer(many=True)
    transfers = TransferSerializer(many=True)
    elements = ElementRowSerializer(many=True)
    discrepancies = DiscrepancySerializer(many=True)
    switches = SwitchRowSerializer(
        many=True,
        help_text="A monthly switch check: the grid's switches with their latest reading and "
        "breached flag (empty for other kinds).",
    )


class LogEntryInSerializer(ActionSerializer):
    """One log line: `checklist` (item_code, is_ok, a note when not ok), `inspected`,
    `replaced` (element_code) or `repaired` (element_code, fault_kind)."""

    kind = serializers.ChoiceField(choices=LogKind.choices)
    item_code = serializers.CharField(required=False, default="", allow_blank=True)
    is_ok = serializers.BooleanField(required=False, allow_null=True, default=None)
    element_kind = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=32
    )
    element_code = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=64
    )
    fault_kind = serializers.CharField(required=False, default="", allow_blank=True, max_length=64)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=500)


class TransferInSerializer(ActionSerializer):
    department = serializers.ChoiceField(choices=Department.choices)
    reason = serializers.CharField(max_length=500)
    element_kind = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=32
    )
    element_code = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=64
    )


class CorrectionSerializer(serializers.Serializer):
    field = serializers.CharField(max_length=32)
    found = serializers.CharField(max_length=200)


class ElementCheckInSerializer(ActionSerializer):
    """An element confirmed (`corrections` empty) or corrected, field by field."""

    element_kind = serializers.CharField(max_length=32)
    element_code = serializers.CharField(max_length=64)
    corrections = CorrectionSerializer(many=True, required=False, default=list)


class ElementCheckOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    element_kind = serializers.CharField()
    element_code = serializers.CharField()
    is_confirmed = serializers.BooleanField()
    checked_at = ShanghaiDateTimeField()
    discrepancies = DiscrepancySerializer(many=True)


class FixInSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500)
