"""/api/v1/switches/ (R-INS-3, R-KPI-2): switches in the caller's scope with their latest
reading, and readings pushed by a network-management system — thin callers of
`inspections.switch_actions` and `inspections.switch_queries`."""

from decimal import Decimal
from typing import cast

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fiberops.accounts.models import User
from fiberops.accounts.permissions import REFUSALS, may
from fiberops.core.api import (
    IDEMPOTENCY_KEY_HEADER,
    READ_ERRORS,
    WRITE_ERRORS,
    ShanghaiDateTimeField,
    error_responses,
)
from fiberops.core.errors import NotPermitted, RuleViolation
from fiberops.core.idempotency import IdempotentWritesMixin
from fiberops.inspections.switch_actions import record_reading
from fiberops.inspections.switch_models import ReadingSource
from fiberops.inspections.switch_queries import current_order, recent_readings, switches_for
from fiberops.network.models import Switch


def percent_field() -> serializers.DecimalField:
    """A percentage 0–100 with any number of decimals (a network-management system may send
    33.333): stored and checked rounded DOWN to two (`switch_actions.stored_percent`)."""
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        min_value=Decimal(0),
        max_value=Decimal(100),
        allow_null=True,
        required=False,
    )


class ReadingInSerializer(serializers.Serializer):
    measured_at = ShanghaiDateTimeField()
    bandwidth_pct = percent_field()
    cpu_pct = percent_field()
    mem_pct = percent_field()


class BreachSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=["bandwidth_pct", "cpu_pct", "mem_pct"])
    value = serializers.FloatField()
    threshold = serializers.FloatField()


class ReadingAnswerSerializer(serializers.Serializer):
    breaches = BreachSerializer(many=True)
    order = serializers.IntegerField(
        allow_null=True, help_text="The rectification order's id, or null."
    )


class ReadingSerializer(serializers.Serializer):
    measured_at = ShanghaiDateTimeField()
    bandwidth_pct = serializers.FloatField(allow_null=True)
    cpu_pct = serializers.FloatField(allow_null=True)
    mem_pct = serializers.FloatField(allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment] # the reading's, not DRF's
    is_breach = serializers.BooleanField()


class SwitchSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    latest_reading = serializers.SerializerMethodField()
    is_breached = serializers.SerializerMethodField()
    is_unreachable = serializers.SerializerMethodField()
    open_order = serializers.SerializerMethodField()
    uplink_to = serializers.SerializerMethodField()
    uplink_kind = serializers.SerializerMethodField()

    class Meta:
        model = Switch
        fields = [
            "code",
            "name",
            "kind",
            "grid",
            "state",
            "device_model",
            "uplink_interface",
            "uplink_to",
            "uplink_kind",
            "latest_reading",
            "is_breached",
            "is_unreachable",
            "open_order",
        ]

    def get_uplink_to(self, switch) -> str:
        """The code of the element the uplink connects to ("" for none), as before the uplink
        was a reference."""
        above = switch.uplink
        return above.code if above is not None else ""

    @extend_schema_field(serializers.ChoiceField(choices=["olt", "switch"], allow_null=True))
    def get_uplink_kind(self, switch) -> str | None:
        """What `uplink_to` names: `olt`, `switch`, or null for no uplink."""
        if switch.uplink_olt_id is not None:
            return "olt"
        if switch.uplink_switch_id is not None:
            return "switch"
        return None

    @extend_schema_field(ReadingSerializer(allow_null=True))
    def get_latest_reading(self, switch) -> dict | None:
        health = _health_of(switch)
        if health is None or health.latest_reading is None:
            return None
        return ReadingSerializer(health.latest_reading).data

    def get_is_breached(self, switch) -> bool:
        health = _health_of(switch)
        return bool(health and health.is_breached)

    def get_is_unreachable(self, switch) -> bool:
        health = _health_of(switch)
        return bool(health and health.is_unreachable)

    def get_open_order(self, switch) -> int | None:
        order = current_order(_health_of(switch))
        return order.pk if order else None


class SwitchDetailSerializer(SwitchSerializer):
    readings = serializers.SerializerMethodField()

    class Meta(SwitchSerializer.Meta):
        fields = [*SwitchSerializer.Meta.fields, "readings"]

    @extend_schema_field(ReadingSerializer(many=True))
    def get_readings(self, switch) -> list:
        return list(ReadingSerializer(recent_readings(switch, limit=48), many=True).data)


def _health_of(switch):
    try:
        return switch.health
    except Switch.health.RelatedObjectDoesNotExist:
        return None


class InvalidFilter(RuleViolation):
    http_status = 400


BREACHED_WORDS = {"true": True, "1": True, "false": False, "0": False}


def breached_filter(value: str | None) -> bool | None:
    """`?breached=`: true/1 or false/0 (any case); absent or empty: no filter. Anything else is
    refused (400 `invalid_filter`) rather than read as false, which hid the breached switches."""
    if value is None or not value.strip():
        return None
    try:
        return BREACHED_WORDS[value.strip().lower()]
    except KeyError:
        raise InvalidFilter(
            _("breached must be true, false, 1 or 0."), code="invalid_filter"
        ) from None


CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="The switch's code.")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "breached",
                OpenApiTypes.BOOL,
                description="true (or 1): only switches whose latest reading is over a "
                "threshold; false (or 0): only the others; empty: no filter; anything else: "
                "400 `invalid_filter`.",
            ),
            OpenApiParameter("grid", str, description="Only the switches of this grid (code)."),
        ],
        responses={200: SwitchSerializer(many=True), **error_responses(*READ_ERRORS)},
        description="Community and village switches in the caller's scope with their latest "
        "reading (R-INS-3), by code, paginated.",
    ),
    retrieve=extend_schema(
        parameters=[CODE],
        responses={200: SwitchDetailSerializer, **error_responses(*READ_ERRORS)},
        description="One switch by code with its latest readings, newest first (outside the "
        "caller's scope: 404).",
    ),
)
class SwitchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_serializer_class(self):
        return SwitchDetailSerializer if self.action == "retrieve" else SwitchSerializer

    def get_queryset(self):
        return switches_for(
            self.request.user,
            grid=self.request.query_params.get("grid") or None,
            breached=breached_filter(self.request.query_params.get("breached")),
        )


class SwitchReadingsView(IdempotentWritesMixin, APIView):
    """POST /switches/{code}/readings/."""

    @extend_schema(
        parameters=[CODE, IDEMPOTENCY_KEY_HEADER],
        request={"application/json": ReadingInSerializer},
        responses={201: ReadingAnswerSerializer, **error_responses(*WRITE_ERRORS)},
        description="A reading pushed by a network-management system (R-INS-3): percentages "
        "0–100, `measured_at` with its offset and not in the future (5 minutes' skew). Checked "
        "against the thresholds (70 / 50 / 60 %: at or over is a breach); a breach opens the "
        "switch's network-rectification order or joins the open one. Answers the breaches and "
        "the order's id (null without a breach). Integration and administrator accounts only. "
        "Percentages may carry any number of decimals; they are stored and checked rounded down "
        "to two (69.995 → 69.99, no breach). A reading older than SWITCH_BREACH_MAX_AGE_HOURS "
        "(24 h) is stored and its breaches answered, but opens or joins no order (`order` null). "
        "Errors: `invalid` (fields), `no_offset`, `measured_at_in_future`, `reading_empty`, "
        "`permission_denied`, `not_found`.",
    )
    def post(self, request: Request, code: str) -> Response:
        if not may(request.user, "switch.reading.post"):
            raise NotPermitted(REFUSALS["switch.reading.post"])
        switch = get_object_or_404(Switch.objects.all(), code=code)
        payload = ReadingInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        recorded = record_reading(
            switch,
            actor=cast(User, request.user),  # signed in: `may` refused anonymous users
            measured_at=data["measured_at"],
            bandwidth_pct=data.get("bandwidth_pct"),
            cpu_pct=data.get("cpu_pct"),
            mem_pct=data.get("mem_pct"),
            source=ReadingSource.API,
        )
        answer = {
            "breaches": [
                {"metric": b.metric, "value": float(b.value), "threshold": float(b.threshold)}
                for b in recorded.breaches
            ],
            "order": recorded.order_id,
        }
        return Response(ReadingAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)
