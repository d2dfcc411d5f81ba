"""REST endpoints of customer contact under /work-orders/{id}/contact-attempts/ (R-APT-2,
R-SLA-4): thin callers of `dispatch.actions`."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fiberops.accounts.permissions import may
from fiberops.core.api import IDEMPOTENCY_KEY_HEADER, READ_ERRORS, WRITE_ERRORS, error_responses
from fiberops.core.clock import now
from fiberops.core.errors import NotPermitted
from fiberops.core.idempotency import IdempotentWritesMixin
from fiberops.dispatch.actions import call_customer, record_contact_attempt
from fiberops.dispatch.api import serializers as s
from fiberops.dispatch.suggestions import suggest
from fiberops.workorders.api.serializers import WorkOrderSerializer
from fiberops.workorders.api.views import OrderActionMixin, json_body

ORDER_PK = OpenApiParameter("order_pk", int, OpenApiParameter.PATH, description="The order's id.")


class ContactAttemptViewSet(IdempotentWritesMixin, OrderActionMixin, viewsets.ViewSet):
    """Contact attempts of one order in the caller's scope (out of scope: 404)."""

    @extend_schema(
        parameters=[ORDER_PK],
        responses={200: s.ContactAttemptOutSerializer(many=True), **error_responses(*READ_ERRORS)},
        description="The order's contact attempts, oldest first, in one list (not paginated).",
    )
    def list(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        attempts = order.contact_attempts.select_related("by").order_by("occurred_at", "id")
        return Response(s.ContactAttemptOutSerializer(attempts, many=True).data)

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request=json_body(s.ContactAttemptSerializer),
        responses={201: WorkOrderSerializer, **error_responses(*WRITE_ERRORS)},
        description="Log a contact attempt by the order's technician; the first one meets the "
        "contact clock (R-SLA-4). Answers the order with 201.",
    )
    def create(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.ContactAttemptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record_contact_attempt(order, actor=self.actor, **payload.validated_data)
        return self._respond(order, status.HTTP_201_CREATED)


class CallCustomerView(IdempotentWritesMixin, OrderActionMixin, APIView):
    """POST /work-orders/{id}/call/. A retry with the same `Idempotency-Key` answers the call
    already placed instead of ringing the customer twice."""

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request=None,
        responses={200: s.CallAnswerSerializer, **error_responses(*WRITE_ERRORS)},
        description="Place the technician's call to the customer through the call service "
        "(R-APT-2; simulated unless a privacy-number service is configured). Answers the number "
        "to dial and the recording reference to log with the outcome "
        "(`contact-attempts`, channel `app_call`). Only the order's technician, while it is "
        "being worked.",
    )
    def post(self, request: Request, order_pk=None) -> Response:
        call = call_customer(self._order(order_pk), actor=self.actor)
        return Response(s.CallAnswerSerializer(call).data)


class SuggestionsView(OrderActionMixin, APIView):
    """GET /work-orders/{id}/suggestions/ (issue 9; R-WF-1, R-ORD-5)."""

    @extend_schema(
        parameters=[ORDER_PK],
        responses={
            200: s.SuggestionSerializer(many=True),
            **error_responses(*READ_ERRORS, 403),
        },
        description="The technicians the caller may give this order to and the dispatch rule "
        "allows (certified, with the order type's skills, of the branch; another grid's team "
        "as a borrowing), best fit first, at most 20, each with a score and a short why: same "
        "grid, distance from the last known position (today's latest check-in, else the next "
        "stop, else the grid centre), today's load, already owning this customer's problem "
        "(R-ORD-5). The order's current technician is left out. Out of scope: 404; roles "
        "that may not dispatch: 403. A fixed number of queries.",
    )
    def get(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        if not may(self.actor, "order.dispatch"):
            raise NotPermitted(_("Your role may not dispatch orders."))
        order = type(order).objects.select_related("grid__branch", "customer").get(pk=order.pk)
        suggestions = suggest(order, user=self.actor, now=now())
        return Response(s.SuggestionSerializer(suggestions, many=True).data)
