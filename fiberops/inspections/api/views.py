"""REST endpoints of inspections: under /work-orders/{id}/inspection/ (the technician's app and
the office) and /discrepancies/ (R-INS-1/2, R-RES-3, R-ORD-5). Thin callers of
`inspections.actions`; orders are fetched in the caller's scope (out of scope: 404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fiberops.core.api import IDEMPOTENCY_KEY_HEADER, READ_ERRORS, WRITE_ERRORS, error_responses
from fiberops.core.errors import Missing
from fiberops.core.idempotency import IdempotentWritesMixin
from fiberops.inspections import actions
from fiberops.inspections.api import serializers as s
from fiberops.inspections.models import Discrepancy, DiscrepancyStatus
from fiberops.inspections.queries import inspection_state
from fiberops.workorders.api.views import OrderActionMixin, json_body

ORDER_PK = OpenApiParameter("order_pk", int, OpenApiParameter.PATH, description="The order's id.")


class _InspectionMixin(OrderActionMixin):
    def _state(self, order_pk):
        state = inspection_state(self._order(order_pk))
        if state is None:
            raise Missing(
                _("This order is not a planned inspection."), code="not_an_inspection_order"
            )
        return state


class InspectionView(_InspectionMixin, APIView):
    """GET /work-orders/{id}/inspection/."""

    @extend_schema(
        parameters=[ORDER_PK],
        responses={200: s.InspectionSerializer, **error_responses(*READ_ERRORS)},
        description="The inspection of a planned inspection order: its plan and period, the "
        "checklist with each item's latest result, the log (elements inspected, equipment "
        "replaced, faults repaired), transfers to other departments and, for a resource check "
        "or asset inventory, the area's elements with their latest check and the "
        "discrepancies. 404 `not_an_inspection_order` for other orders.",
    )
    def get(self, request: Request, order_pk=None) -> Response:
        return Response(s.InspectionSerializer(self._state(order_pk)).data)


class InspectionLogView(IdempotentWritesMixin, _InspectionMixin, APIView):
    """POST /work-orders/{id}/inspection/log/."""

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request=json_body(s.LogEntryInSerializer),
        responses={201: s.LogEntrySerializer, **error_responses(*WRITE_ERRORS)},
        description="Append a line to the inspection log (the order's technician, while the "
        "order is theirs). Refusals: 422 `unknown_checklist_item`, `checklist_result_required`, "
        "`note_required` (an item not in order needs a note), `element_required`, "
        "`fault_kind_required`, `not_an_inspection_order`; 409 `illegal_transition`.",
    )
    def post(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.LogEntryInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        occurred_at = data.pop("occurred_at", None)
        entry = actions.record_log_entry(
            order, actor=self.actor, entry=actions.LogInput(**data), occurred_at=occurred_at
        )
        return Response(s.LogEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class TransferView(IdempotentWritesMixin, _InspectionMixin, APIView):
    """POST /work-orders/{id}/inspection/transfers/."""

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request=json_body(s.TransferInSerializer),
        responses={201: s.TransferSerializer, **error_responses(*WRITE_ERRORS)},
        description="Transfer a finding outside the maintenance scope to the responsible "
        "department (R-ORD-5): recorded with who, when and why, and on the order's timeline. "
        "The technician or the office. Refusals: 422 `reason_required`, "
        "`not_an_inspection_order`; 409 `illegal_transition`.",
    )
    def post(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.TransferInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        transfer = actions.transfer_finding(order, actor=self.actor, **payload.validated_data)
        return Response(s.TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class ElementCheckView(IdempotentWritesMixin, _InspectionMixin, APIView):
    """POST /work-orders/{id}/inspection/checks/."""

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request=json_body(s.ElementCheckInSerializer),
        responses={201: s.ElementCheckOutSerializer, **error_responses(*WRITE_ERRORS)},
        description="A resource check or asset inventory (R-RES-3): confirm an element of the "
        "area as recorded (no `corrections`) or correct it; each corrected field that differs "
        "from the record is a discrepancy. Refusals: 422 `unknown_element`, "
        "`unknown_element_field`, `not_a_resource_check`; 409 `illegal_transition`.",
    )
    def post(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.ElementCheckInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        check, found = actions.record_element_check(
            order,
            actor=self.actor,
            element_kind=data["element_kind"],
            element_code=data["element_code"],
            corrections=[actions.Correction(**c) for c in data["corrections"]],
            occurred_at=data.get("occurred_at"),
        )
        body = s.ElementCheckOutSerializer(
            {
                "id": check.pk,
                "element_kind": check.element_kind,
                "element_code": check.element_code,
                "is_confirmed": check.is_confirmed,
                "checked_at": check.checked_at,
                "discrepancies": found,
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


def _discrepancies(user):
    return Discrepancy.objects.visible_to(user).select_related("grid", "round", "recorded_by")


class DiscrepancyListView(APIView):
    """GET /discrepancies/."""

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, required=False, description="`open` or `fixed`."),
            OpenApiParameter("grid", str, description="A grid's code.", required=False),
        ],
        responses={200: s.DiscrepancySerializer(many=True), **error_responses(*READ_ERRORS)},
        description="Discrepancies in the caller's scope, newest first, at most 500.",
    )
    def get(self, request: Request) -> Response:
        rows = _discrepancies(request.user)
        if request.query_params.get("status") in DiscrepancyStatus.values:
            rows = rows.filter(status=request.query_params["status"])
        if request.query_params.get("grid"):
            rows = rows.filter(grid__code=request.query_params["grid"])
        return Response(s.DiscrepancySerializer(rows[:500], many=True).data)


class DiscrepancyFixView(IdempotentWritesMixin, OrderActionMixin, APIView):
    """POST /discrepancies/{id}/fix/."""

    @extend_schema(
        parameters=[OpenApiParameter("pk", int, OpenApiParameter.PATH), IDEMPOTENCY_KEY_HEADER],
        request=json_body(s.FixInSerializer),
        responses={200: s.DiscrepancySerializer, **error_responses(*WRITE_ERRORS)},
        description="The records were corrected: the discrepancy is fixed (an append-only "
        "event keeps who, when and how). Supervisors and team leaders. 409 "
        "`illegal_transition` when already fixed; 422 `note_required`.",
    )
    def post(self, request: Request, pk=None) -> Response:
        if not str(pk).isdigit():
            raise Http404
        discrepancy = get_object_or_404(_discrepancies(request.user), pk=pk)
        payload = s.FixInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fixed = actions.fix_discrepancy(
            discrepancy, actor=self.actor, note=payload.validated_data["note"]
        )
        return Response(s.DiscrepancySerializer(fixed).data)
