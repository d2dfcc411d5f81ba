"""REST endpoints for work orders: thin callers of `workorders.actions` (STYLE habit 6)."""

from typing import cast

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.core.clock import now
from fiberops.core.idempotency import IdempotentWritesMixin
from fiberops.customers.actions import reveal_customer_contact
from fiberops.dispatch.actions import record_contact_attempt
from fiberops.workforce.models import Technician
from fiberops.workorders import actions, queries
from fiberops.workorders.api import serializers as s
from fiberops.workorders.models import WorkOrder
from fiberops.workorders.states import TRANSITIONS


def _technician(staff_no: str, actor: User, field: str = "technician") -> Technician:
    """Look a staff number up within the caller's scope: out of scope reads as unknown. A
    technician handing an order over may name any colleague of the own branch (R-ORD-5)."""
    own = getattr(actor, "technician", None) if actor.role == Role.TECHNICIAN else None
    candidates = (
        Technician.objects.filter(team__grid__branch=own.team.grid.branch_id)
        if own is not None
        else Technician.objects.visible_to(actor)
    )
    tech = candidates.select_related("team__grid").filter(staff_no=staff_no).first()
    if tech is None:
        raise ValidationError({field: ["No technician with this staff number."]})
    return tech


class WorkOrderViewSet(
    IdempotentWritesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Work orders in the caller's scope. Out of scope reads are 404 (docs/architecture.md).
    Every write accepts an `Idempotency-Key` header and a device `occurred_at`."""

    serializer_class = s.WorkOrderSerializer

    @property
    def actor(self) -> User:
        """IsAuthenticated has run: the user is a real account."""
        return cast(User, self.request.user)

    def get_queryset(self):
        queryset = WorkOrder.objects.visible_to(self.request.user).with_list_relations()
        queryset = queryset.select_related("splitter_port__box")
        params = self.request.query_params
        for param, lookup in [
            ("status", "status"),
            ("order_type", "order_type"),
            ("grid", "grid__code"),
            ("technician", "technician__staff_no"),
            ("bss_order_no", "bss_order_no"),
        ]:
            if params.get(param):
                queryset = queryset.filter(**{lookup: params[param]})
        if params.get("sla"):
            if params["sla"] not in queries.SLA_FILTERS:
                raise ValidationError({"sla": [f"One of {', '.join(queries.SLA_FILTERS)}."]})
            queryset = queries.filter_sla_state(queryset, params["sla"], now())
        return queryset

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": now()}

    def _order(self, pk) -> WorkOrder:
        return get_object_or_404(WorkOrder.objects.visible_to(self.request.user), pk=pk)

    def _respond(self, order: WorkOrder, code=status.HTTP_200_OK) -> Response:
        fresh = (
            WorkOrder.objects.with_list_relations()
            .select_related("splitter_port__box")
            .get(pk=order.pk)
        )
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("order_type", str),
            OpenApiParameter("grid", str, description="Grid code"),
            OpenApiParameter("technician", str, description="Staff number"),
            OpenApiParameter("sla", str, enum=list(queries.SLA_FILTERS)),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.IntakeSerializer,
        responses={201: s.WorkOrderSerializer, 200: s.WorkOrderSerializer},
        description="Intake from the BSS (R-ORD-2). A repeated bss_order_no returns the "
        "existing order with 200 and creates nothing.",
    )
    def create(self, request: Request) -> Response:
        if self.actor.role not in actions.INTAKE_ROLES and not self.actor.is_superuser:
            raise PermissionDenied("Only the BSS integration and administrators create orders.")
        number = request.data.get("bss_order_no") if hasattr(request.data, "get") else None
        if isinstance(number, str):
            existing = WorkOrder.objects.filter(bss_order_no=number).first()
            if existing is not None:  # a BSS retry: answer at once, validate nothing (R-ORD-2)
                return self._respond(existing)
        serializer = s.IntakeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order, created = actions.intake_order(
            actor=self.actor, data=serializer.to_intake(), known_absent=isinstance(number, str)
        )
        if not created:
            return self._respond(order)
        # The new order and its relations are in memory already; only its clocks are read back.
        prefetch_related_objects([order], "deadlines")
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.OrderEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk=None) -> Response:
        order = self._order(pk)
        events = order.events.select_related("actor")
        return Response(s.OrderEventSerializer(events, many=True).data)

    def _transition(self, request: Request, pk, name: str, payload_class, **extra) -> Response:
        order = self._order(pk)
        payload = payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        occurred_at = data.pop("occurred_at", None)
        reason = data.pop("reason", "")
        if "technician" in data:
            data["technician"] = _technician(data["technician"], self.actor)
        actions.transition(
            order, name, actor=self.actor, occurred_at=occurred_at, reason=reason, **data
        )
        return self._respond(order)

    @extend_schema(request=s.DispatchSerializer, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_order(self, request, pk=None):
        """Dispatch to a technician by staff number; starts the response/contact clocks."""
        return self._transition(request, pk, "dispatch", s.DispatchSerializer)

    @extend_schema(request=s.AppointSerializer, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def appoint(self, request, pk=None):
        return self._transition(request, pk, "appoint", s.AppointSerializer)

    @extend_schema(request=s.HandoverSerializer, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        """首问负责制: hand the order to another technician with a reason (R-ORD-5)."""
        order = self._order(pk)
        payload = s.HandoverSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        actions.handover_order(
            order,
            to=_technician(data["technician"], self.actor),
            reason=data["reason"],
            actor=self.actor,
            occurred_at=data.get("occurred_at"),
        )
        return self._respond(order)

    @extend_schema(request=s.ContactAttemptSerializer, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"], url_path="contact-attempts")
    def contact_attempts(self, request, pk=None):
        """Log a contact attempt; the first meets the contact clock (R-SLA-4)."""
        order = self._order(pk)
        payload = s.ContactAttemptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record_contact_attempt(order, actor=self.actor, **payload.validated_data)
        return self._respond(order, status.HTTP_201_CREATED)

    @extend_schema(request=s.SurveyResultSerializer, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"], url_path="complete-survey")
    def complete_survey(self, request, pk=None):
        """Record the survey of an install that needed one; starts the install clock (R-SLA-3)."""
        order = self._order(pk)
        payload = s.SurveyResultSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actions.record_survey_completed(order, actor=self.actor, **payload.validated_data)
        return self._respond(order)

    @extend_schema(request=s.RevealSerializer, responses=s.RevealedContactSerializer)
    @action(detail=True, methods=["post"], url_path="reveal-contact")
    def reveal_contact(self, request, pk=None):
        """Full phone and address of the customer; every call is logged (R-CUS-5)."""
        order = self._order(pk)
        payload = s.RevealSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = reveal_customer_contact(
            order, actor=self.actor, reason=payload.validated_data["reason"], channel="api"
        )
        return Response(s.RevealedContactSerializer(customer).data)


def _simple_transition(name: str):
    payload = s.ReasonSerializer

    @extend_schema(
        request=payload,
        responses=s.WorkOrderSerializer,
        description=f"Lifecycle action “{name}” (docs/workorder-lifecycle.md); 409 "
        "`illegal_transition` when the status does not allow it.",
    )
    def view(self, request, pk=None):
        return self._transition(request, pk, name, payload)

    view.__name__ = f"{name}_action"
    return action(detail=True, methods=["post"], url_path=name, url_name=name)(view)


for _name in TRANSITIONS:
    if _name not in {"dispatch", "appoint"}:
        setattr(WorkOrderViewSet, f"{_name}_action", _simple_transition(_name))
