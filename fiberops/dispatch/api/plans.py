"""REST endpoints of the stored day plans (issue 9): the current plan of a grid's day, an urgent
fault inserted into today's plan, and the booking windows a plan can still take. Thin callers of
`dispatch.plans`; docs/api.md lists them."""

import datetime as dt
from typing import Any, cast

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.core.api import (
    IDEMPOTENCY_KEY_HEADER,
    READ_ERRORS,
    WRITE_ERRORS,
    ShanghaiDateTimeField,
    error_responses,
)
from fiberops.core.clock import local_date, now
from fiberops.core.idempotency import IdempotentWritesMixin
from fiberops.dispatch.plan_models import DayPlan, PlannedStop
from fiberops.dispatch.plans import booking_windows_for, insert_urgent_order, pk_of, reason_text
from fiberops.workforce.models import Technician
from fiberops.workorders.api.views import OrderActionMixin, json_body
from fiberops.workorders.guards import require
from fiberops.workorders.models import WorkOrder

# --- shapes ----------------------------------------------------------------------------------


class PlanQuerySerializer(serializers.Serializer):
    grid = serializers.CharField(max_length=16, help_text="The grid's code, e.g. WH-01.")
    date = serializers.DateField(help_text="The day, YYYY-MM-DD (Asia/Shanghai).")


class PlanTechnicianSerializer(serializers.Serializer):
    staff_no = serializers.CharField()
    name = serializers.CharField()


class PlannedStopSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(help_text="Place in the route, from 0.")
    order = serializers.IntegerField(source="order_id")
    bss_order_no = serializers.CharField(source="order.bss_order_no")
    order_type = serializers.CharField(source="order.order_type")
    status = serializers.CharField(source="order.status", help_text="The order's status now.")
    arrival_at = ShanghaiDateTimeField()
    starts_at = ShanghaiDateTimeField()
    ends_at = ShanghaiDateTimeField()
    is_started = serializers.BooleanField(
        help_text="Begun (en route or on site) when planned: kept first, never moved."
    )
    is_urgent = serializers.BooleanField(help_text="Inserted as an urgent order.")


class PlannedBreakSerializer(serializers.Serializer):
    after = serializers.IntegerField(
        allow_null=True, help_text="The order it follows; null: before the first stop."
    )
    start = serializers.CharField(help_text="HH:MM")
    end = serializers.CharField(help_text="HH:MM")


class RouteSerializer(serializers.Serializer):
    technician = PlanTechnicianSerializer()
    stops = PlannedStopSerializer(many=True)
    lunch_break = PlannedBreakSerializer(allow_null=True)


class UnplannedSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    bss_order_no = serializers.CharField()
    reason = serializers.CharField()


class DayPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    grid = serializers.CharField()
    date = serializers.DateField()
    created_at = ShanghaiDateTimeField()
    reason = serializers.CharField()
    feasible = serializers.BooleanField(help_text="Every order of the day is planned.")
    solve_seconds = serializers.FloatField()
    routes = RouteSerializer(many=True)
    unassigned = UnplannedSerializer(many=True)


class UrgentRequestSerializer(serializers.Serializer):
    order = serializers.IntegerField(help_text="The urgent order's id (a fault or complaint).")


class UrgentAnswerSerializer(serializers.Serializer):
    technician = PlanTechnicianSerializer(
        allow_null=True, help_text="Who the plan gives it to; null: nobody can take it."
    )
    seconds = serializers.FloatField(help_text="Time taken by the insertion.")
    plan = DayPlanSerializer()


class WindowQuerySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day, YYYY-MM-DD (Asia/Shanghai).")


class WindowFitSerializer(serializers.Serializer):
    starts_at = ShanghaiDateTimeField()
    ends_at = ShanghaiDateTimeField()
    fits = serializers.BooleanField(help_text="The plan can still take the order then.")


class BookingWindowsSerializer(serializers.Serializer):
    date = serializers.DateField()
    plan = serializers.IntegerField(
        allow_null=True, help_text="The plan judged against; null: no plan yet, an empty day."
    )
    windows = WindowFitSerializer(many=True)


# --- reading a plan ----------------------------------------------------------------------------


def plan_body(plan: DayPlan, user) -> dict[str, Any]:
    """The plan as the API shows it; a technician sees only their own route. Three queries: the
    stops with their orders, the technicians, the unassigned orders."""
    own_only = getattr(user, "role", None) == Role.TECHNICIAN
    stops = plan.stops.select_related("order").order_by("technician_id", "sequence")
    if own_only:
        stops = stops.filter(technician__user=user)
    keys = [route["technician"] for route in plan.plan.get("routes", [])]
    keys += [stop["technician"] for stop in plan.plan.get("started", [])]
    people = Technician.objects.filter(pk__in={pk_of(k) for k in keys}).order_by("staff_no")
    if own_only:
        people = people.filter(user=user)
    by_technician: dict[int, list[PlannedStop]] = {}
    for stop in stops:
        by_technician.setdefault(stop.technician_id, []).append(stop)
    breaks = {pk_of(r["technician"]): r.get("break") for r in plan.plan.get("routes", [])}
    routes = []
    for person in people:
        lunch = breaks.get(person.pk)
        routes.append(
            {
                "technician": person,
                "stops": by_technician.get(person.pk, []),
                "lunch_break": None
                if not lunch
                else {
                    "after": pk_of(lunch["after"]) if lunch["after"] else None,
                    "start": lunch["start"],
                    "end": lunch["end"],
                },
            }
        )
    unassigned: list[dict[str, Any]] = []
    if not own_only:
        reasons = [*plan.plan.get("unassigned", []), *plan.plan.get("set_aside", [])]
        numbers = dict(
            WorkOrder.objects.filter(pk__in=[pk_of(r["job"]) for r in reasons]).values_list(
                "pk", "bss_order_no"
            )
        )
        unassigned = [
            {
                "order": pk_of(r["job"]),
                "bss_order_no": numbers.get(pk_of(r["job"]), ""),
                "reason": reason_text(r["reason"]),  # in the reader's language
            }
            for r in reasons
        ]
    return {
        "id": plan.pk,
        "grid": plan.grid.code,
        "date": plan.work_on,
        "created_at": plan.created_at,
        "reason": plan.reason,
        "feasible": plan.feasible,
        "solve_seconds": plan.solve_seconds,
        "routes": routes,
        "unassigned": unassigned,
    }


class DayPlanView(APIView):
    """GET /plans/?grid=CODE&date=YYYY-MM-DD: the current plan of a grid's day."""

    @extend_schema(
        parameters=[PlanQuerySerializer],
        responses={200: DayPlanSerializer, **error_responses(*READ_ERRORS)},
        description="The current day plan of a grid (issue 9): each technician's route with "
        "planned arrival, start and end per order, the lunch break, and the orders left "
        "unassigned with the reason. Dispatchers, managers and leaders of the grid's branch "
        "(team) and operator-wide roles see it whole; a technician sees only their own route, "
        "and only plans they have stops in. No plan, or out of scope: 404.",
    )
    def get(self, request: Request) -> Response:
        query = PlanQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        plan = get_object_or_404(
            DayPlan.objects.visible_to(request.user).current().select_related("grid"),
            grid__code=query.validated_data["grid"],
            work_on=query.validated_data["date"],
        )
        return Response(DayPlanSerializer(plan_body(plan, request.user)).data)


class UrgentInsertView(IdempotentWritesMixin, APIView):
    """POST /plans/urgent/: an urgent fault into today's plan of its grid."""

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY_HEADER],
        request=json_body(UrgentRequestSerializer),
        responses={200: UrgentAnswerSerializer, **error_responses(*WRITE_ERRORS)},
        description="Insert an urgent fault or complaint into today's current plan of its grid "
        "(planned first when there is none), from where each technician's begun work leaves "
        "them; started work is never moved. Answers the new current plan and the technician "
        "it proposes (null: nobody can reach it today). It does not dispatch: the dispatcher "
        "confirms with `dispatch`, which checks the assignment rules.",
    )
    def post(self, request: Request) -> Response:
        payload = UrgentRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = cast(User, request.user)
        order = get_object_or_404(
            WorkOrder.objects.visible_to(actor).select_related("grid", "customer"),
            pk=payload.validated_data["order"],
        )
        require(actor, "order.dispatch", _("Only a dispatcher may plan an urgent order."))
        result = insert_urgent_order(order, actor=actor, now=now())
        plan = DayPlan.objects.select_related("grid").get(pk=result.plan.pk)
        return Response(
            UrgentAnswerSerializer(
                {
                    "technician": result.technician,
                    "seconds": round(result.seconds, 4),
                    "plan": plan_body(plan, actor),
                }
            ).data
        )


ORDER_PK = OpenApiParameter("order_pk", int, OpenApiParameter.PATH, description="The order's id.")


class BookingWindowsView(OrderActionMixin, APIView):
    """GET /work-orders/{id}/booking-windows/?date=YYYY-MM-DD."""

    @extend_schema(
        parameters=[ORDER_PK, WindowQuerySerializer],
        responses={200: BookingWindowsSerializer, **error_responses(*READ_ERRORS)},
        description="Booking help (issue 9, R-APT-1): the candidate windows of the day "
        "(setting DISPATCH_BOOKING_WINDOWS) and whether the grid's current plan can still take "
        "this order in each, so the customer is offered times that will be kept. Today's "
        "windows already over do not fit; a day without a plan is judged empty.",
    )
    def get(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        query = WindowQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day: dt.date = query.validated_data["date"]
        current = now()
        today = local_date(current)
        if not today <= day <= today + dt.timedelta(days=60):
            raise serializers.ValidationError(
                {"date": [_("Choose a day from today to 60 days ahead.")]}
            )
        fresh = WorkOrder.objects.select_related("grid", "customer", "technician").get(pk=order.pk)
        plan, windows = booking_windows_for(fresh, day, now=current)
        return Response(
            BookingWindowsSerializer(
                {"date": day, "plan": plan.pk if plan else None, "windows": windows}
            ).data
        )
