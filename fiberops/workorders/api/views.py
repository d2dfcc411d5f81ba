"""REST endpoints for work orders: thin callers of `workorders.actions` (STYLE habit 6)."""

from typing import cast

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fiberops.accounts.models import User
from fiberops.accounts.permissions import may
from fiberops.core.api import (
    IDEMPOTENCY_KEY_HEADER,
    READ_ERRORS,
    WRITE_ERRORS,
    error_responses,
)
from fiberops.core.clock import isoformat_shanghai, now
from fiberops.core.errors import Missing
from fiberops.core.idempotency import IdempotentWritesMixin
from fiberops.network.labels import LAYOUTS, labels_for_port, render_labels
from fiberops.sla import queries as sla_queries
from fiberops.workforce.models import Technician
from fiberops.workforce.queries import dispatch_candidates
from fiberops.workorders import actions
from fiberops.workorders.api import serializers as s
from fiberops.workorders.models import Appointment, SiteVisit, WorkOrder
from fiberops.workorders.queries import technician_queue
from fiberops.workorders.service_note import render_service_note
from fiberops.workorders.states import TRANSITIONS, OrderType, Status
from fiberops.workorders.timeline import order_timeline


def _technician(staff_no: str, actor: User, order: WorkOrder, field: str = "technician"):
    """Look a staff number up among the technicians the caller may give this order to
    (`dispatch_candidates`, shared with the pages): out of scope reads as unknown."""
    tech: Technician | None = (
        dispatch_candidates(actor, branch_id=order.grid.branch_id, grid_id=order.grid_id)
        .filter(staff_no=staff_no)
        .first()
    )
    if tech is None:
        raise ValidationError({field: [_("No technician with this staff number.")]})
    return tech


#: The path parameter of an order, as the schema declares it.
ORDER_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The order's id.")


def json_body(serializer) -> dict:
    """A request body as the schema shows it: JSON. The API also parses forms (DRF's default
    parsers), but a form cannot carry the nested intake body; clients are promised JSON."""
    return {"application/json": serializer}


def action_schema(request, *, description: str = ""):
    """The schema of a write on an order: its body, its answer (the order, 200), its refusals
    in the error envelope and the `Idempotency-Key` header."""
    return extend_schema(
        request=json_body(request),
        responses={200: s.WorkOrderSerializer, **error_responses(*WRITE_ERRORS)},
        parameters=[ORDER_ID, IDEMPOTENCY_KEY_HEADER],
        description=description or None,
    )


class OrderActionMixin(APIView):
    """Fetching an order in the caller's scope and answering with it: shared by every app's
    endpoints under /work-orders/{id}/."""

    @property
    def actor(self) -> User:
        """IsAuthenticated has run: the user is a real account."""
        return cast(User, self.request.user)

    def _order(self, pk) -> WorkOrder:
        if not str(pk).isdigit():
            raise Http404  # /work-orders/abc/… is a missing order, not a server error
        return get_object_or_404(
            WorkOrder.objects.visible_to(self.request.user).select_related("grid__branch"), pk=pk
        )

    def _respond(self, order: WorkOrder, code=status.HTTP_200_OK) -> Response:
        fresh = WorkOrder.objects.with_api_relations().get(pk=order.pk)
        return Response(s.WorkOrderSerializer(fresh, context={"now": now()}).data, status=code)


class WorkOrderViewSet(
    IdempotentWritesMixin,
    OrderActionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Work orders in the caller's scope. Out of scope reads are 404 (docs/architecture.md).
    Every write accepts an `Idempotency-Key` header and a device `occurred_at`."""

    serializer_class = s.WorkOrderSerializer
    #: A reveal runs, is scope-checked and logged every time; its answer is never stored.
    idempotency_exempt = frozenset({"reveal_contact"})

    def get_queryset(self):
        queryset = WorkOrder.objects.visible_to(self.request.user).with_api_relations()
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
            if params["sla"] not in sla_queries.SLA_FILTERS:
                raise ValidationError(
                    {
                        "sla": [
                            _("One of %(values)s.") % {"values": ", ".join(sla_queries.SLA_FILTERS)}
                        ]
                    }
                )
            queryset = sla_queries.filter_sla_state(queryset, params["sla"], now())
        if params.get("ordering") == "urgency":
            queryset = sla_queries.order_by_urgency(queryset, now())
        return queryset

    def get_object(self):
        if not str(self.kwargs.get("pk", "")).isdigit():
            raise Http404  # /work-orders/abc/ is a missing order, not a server error
        return super().get_object()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": now()}

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Status.values, description="Status"),
            OpenApiParameter("order_type", str, enum=OrderType.values, description="Order type"),
            OpenApiParameter("grid", str, description="Grid code"),
            OpenApiParameter("technician", str, description="Staff number of the technician"),
            OpenApiParameter("bss_order_no", str, description="BSS order number (exact)"),
            OpenApiParameter(
                "sla",
                str,
                enum=list(sla_queries.SLA_FILTERS),
                description="Orders whose worst clock is in this state (400 for another value)",
            ),
            OpenApiParameter(
                "ordering",
                str,
                enum=["urgency"],
                description="urgency: late clocks first, then due soon, then by next due time; "
                "without it the newest first",
            ),
        ],
        responses={200: s.WorkOrderSerializer(many=True), **error_responses(*READ_ERRORS)},
        description="Work orders in the caller's scope, 50 a page. Filters combine; an unknown "
        "value of a filter without a fixed list (grid, technician, bss_order_no) matches nothing.",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[ORDER_ID],
        responses={200: s.WorkOrderSerializer, **error_responses(*READ_ERRORS)},
        description="One order in the caller's scope (out of scope: 404).",
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=json_body(s.IntakeSerializer),
        responses={
            201: OpenApiResponse(s.WorkOrderSerializer, description="The new order."),
            200: OpenApiResponse(
                s.WorkOrderSerializer,
                description="A replay: the order with this bss_order_no exists with the same "
                "values; nothing is written.",
            ),
            **error_responses(*WRITE_ERRORS),
        },
        parameters=[IDEMPOTENCY_KEY_HEADER],
        examples=[
            OpenApiExample(
                "An install with its pre-assigned port",
                request_only=True,
                value={
                    "bss_order_no": "BSS2026110300017",
                    "order_type": "install",
                    "accepted_at": "2026-11-03T09:30:00+08:00",
                    "grid": "WH-01",
                    "customer": {
                        "name": "张三",
                        "phone": "13812345678",
                        "address": "成都市武侯区红牌楼街道佳灵路3号2栋1单元502",
                        "lat": "30.627100",
                        "lng": "104.036200",
                    },
                    "plan_mbps": 1000,
                    "broadband_account": "02812345678@cdbb",
                    "resource": {"splitter_box": "WH01-FX-001", "port": 7},
                    "description": "新装1000M宽带",
                },
            )
        ],
        description="Intake from the BSS (R-ORD-2). A repeated bss_order_no with the same values "
        "(compared normalised) answers the stored order with 200 and writes nothing; with other "
        "values it is 409 `bss_order_conflict`, naming the differing fields in "
        "`conflicting_fields` (names only, no personal values). Only the integration account "
        "and administrators may call it (403).",
    )
    def create(self, request: Request) -> Response:
        if not may(self.actor, "order.intake"):
            raise PermissionDenied(_("Only the BSS integration and administrators create orders."))
        serializer = s.IntakeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A known number is a BSS retry (R-ORD-2): the same values answer the stored order with
        # 200 and write nothing, other values are 409 `bss_order_conflict`.
        order, created = actions.intake_order(actor=self.actor, data=serializer.to_intake())
        # The order and its relations are in memory already; only its clocks are read back. A new
        # order has no appointment nor visit yet: nothing to ask (the intake path is measured,
        # docs/benchmarks.md); a replay reads them.
        if created:
            order._prefetched_objects_cache = {  # type: ignore[attr-defined]
                "appointments": Appointment.objects.none(),
                "visits": SiteVisit.objects.none(),
            }
            prefetch_related_objects([order], "deadlines")
        else:
            prefetch_related_objects([order], "deadlines", "appointments", "visits")
        return Response(
            self.get_serializer(order).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        parameters=[ORDER_ID],
        responses={200: s.OrderEventSerializer(many=True), **error_responses(*READ_ERRORS)},
        description="The order's timeline, oldest first, in one list (not paginated): its "
        "events and the SLA clock's lines (R-ORD-4).",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request: Request, pk=None) -> Response:
        order = self._order(pk)
        return Response(s.OrderEventSerializer(order_timeline(order), many=True).data)

    def _transition(self, request: Request, pk, name: str, payload_class, **extra) -> Response:
        order = self._order(pk)
        payload = payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        occurred_at = data.pop("occurred_at", None)
        reason = data.pop("reason", "")
        if "technician" in data:
            data["technician"] = _technician(data["technician"], self.actor, order)
        actions.perform(
            order, name, actor=self.actor, occurred_at=occurred_at, reason=reason, **data
        )
        return self._respond(order)

    @action_schema(s.DispatchSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_order(self, request, pk=None):
        """Dispatch to a technician by staff number; starts the response/contact clocks."""
        return self._transition(request, pk, "dispatch", s.DispatchSerializer)

    @action_schema(s.AppointSerializer)
    @action(detail=True, methods=["post"])
    def appoint(self, request, pk=None):
        """Book the visit's window agreed with the customer (R-APT-1)."""
        return self._transition(request, pk, "appoint", s.AppointSerializer)

    def _verb(self, request: Request, pk, payload_class, verb) -> Response:
        """Validate the body, run `verb` on the order in scope, answer the order."""
        order = self._order(pk)
        payload = payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        verb(order, actor=self.actor, **payload.validated_data)
        return self._respond(order)

    @action_schema(
        s.RescheduleSerializer,
        description="Move the pending appointment (R-APT-6). A technician's move needs a reason "
        "and sends the customer an apology; with less than 2 hours' notice before the old "
        "window's start the old appointment counts as `broken`, otherwise `rescheduled`. A "
        "customer's change is `customer_changed` and never counts against the technician. The "
        "answer's `appointments` shows the previous appointment's outcome. 409 "
        "`no_pending_appointment` when there is none to move.",
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        return self._verb(request, pk, s.RescheduleSerializer, actions.reschedule_appointment)

    @action_schema(
        s.ReconfirmSerializer,
        description="Reconfirm time and work with the customer before setting off (R-APT-3); "
        "the customer gets a message with the expected arrival.",
    )
    @action(detail=True, methods=["post"])
    def reconfirm(self, request, pk=None):
        return self._verb(request, pk, s.ReconfirmSerializer, actions.reconfirm_appointment)

    @action_schema(
        s.RunningLateSerializer,
        description="Tell the customer, before the window starts, the new expected arrival "
        "(R-APT-5). After the start: 409 `appointment_started`.",
    )
    @action(detail=True, methods=["post"], url_path="running-late")
    def running_late(self, request, pk=None):
        return self._verb(request, pk, s.RunningLateSerializer, actions.report_running_late)

    @action_schema(s.DepartSerializer, description="Set off to the customer, with an ETA.")
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        return self._verb(request, pk, s.DepartSerializer, actions.depart_order)

    @action_schema(
        s.ArriveSerializer,
        description="Check in on site (R-APT-4) with the phone's position; the answer's `visit` "
        "has the distance to the customer's location, and the pending appointment becomes `kept` "
        "(check-in no later than the window's start) or `kept_late`.",
    )
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        return self._verb(request, pk, s.ArriveSerializer, actions.arrive_on_site)

    @extend_schema(
        request=json_body(s.ActionSerializer),
        responses={200: s.CustomerAbsentAnswerSerializer, **error_responses(*WRITE_ERRORS)},
        parameters=[ORDER_ID, IDEMPOTENCY_KEY_HEADER],
        description="Nobody at home (R-APT-7): the wait starts. `wait_until` is 15 minutes after "
        "the server received the check-in, whatever time the device reports.",
    )
    @action(detail=True, methods=["post"], url_path="customer-absent")
    def customer_absent(self, request, pk=None):
        order = self._order(pk)
        payload = s.ActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        visit = actions.report_customer_absent(order, actor=self.actor, **payload.validated_data)
        answer = self._respond(order)
        answer.data["wait_until"] = isoformat_shanghai(visit.wait_until)
        return answer

    @action_schema(
        s.ReasonSerializer,
        description="Customer unreachable after the wait (R-APT-8): the service note "
        "(服务便利贴) is made and the order leaves the site, back to `accepted` for a second "
        "appointment. Before `wait_until`: 409 `absence_wait_not_elapsed`. The note: "
        "`GET …/service-note.pdf`.",
    )
    @action(detail=True, methods=["post"], url_path="leave-note")
    def leave_note(self, request, pk=None):
        return self._verb(request, pk, s.ReasonSerializer, actions.leave_service_note)

    @action_schema(
        s.SuspendSerializer,
        description="Put the order on hold with a reason (R-ORD-3). `initiated_by` customer: "
        "the running clocks pause and resume extends them (docs/sla.md, Suspension); operator "
        "(the default): they keep running.",
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._verb(request, pk, s.SuspendSerializer, actions.suspend_order)

    @action_schema(
        s.ResourceChangeSerializer,
        description="资源变更 (R-ACC-1): correct the order's resource record to the splitter box "
        "and port actually used — a port of the order's grid (422 `unknown_port`), free of "
        "another live service (422 `port_taken`). The timeline keeps before and after.",
    )
    @action(detail=True, methods=["post"], url_path="resource-change")
    def resource_change(self, request, pk=None):
        return self._verb(request, pk, s.ResourceChangeSerializer, actions.change_resource)

    @action_schema(s.HandoverSerializer)
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        """首问负责制: hand the order to another technician with a reason (R-ORD-5)."""
        order = self._order(pk)
        payload = s.HandoverSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        actions.handover_order(
            order,
            to=_technician(data["technician"], self.actor, order),
            reason=data["reason"],
            actor=self.actor,
            occurred_at=data.get("occurred_at"),
            borrow_reason=data["borrow_reason"],
            expected_technician=data.get("expected_technician"),
            if_unmodified_since=data.get("if_unmodified_since"),
        )
        return self._respond(order)

    @action_schema(s.SurveyResultSerializer)
    @action(detail=True, methods=["post"], url_path="complete-survey")
    def complete_survey(self, request, pk=None):
        """Record the survey of an install that needed one; starts the install clock (R-SLA-3)."""
        order = self._order(pk)
        payload = s.SurveyResultSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actions.record_survey_completed(order, actor=self.actor, **payload.validated_data)
        return self._respond(order)

    @extend_schema(
        request=json_body(s.RevealSerializer),
        responses={
            200: s.RevealedContactSerializer,
            # No replay and no 409: a reveal ignores the Idempotency-Key (it runs every time).
            **error_responses(*(code for code in WRITE_ERRORS if code != 409)),
        },
    )
    @action(detail=True, methods=["post"], url_path="reveal-contact")
    def reveal_contact(self, request, pk=None):
        """Full phone and address of the customer; every call is logged (R-CUS-5)."""
        order = self._order(pk)
        payload = s.RevealSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = actions.reveal_order_contact(
            order, actor=self.actor, reason=payload.validated_data["reason"], channel="api"
        )
        return Response(s.RevealedContactSerializer(customer).data)


def _simple_transition(name: str):
    spec = TRANSITIONS[name]
    payload = s.RequiredReasonSerializer if spec.needs_reason else s.ReasonSerializer
    verb_doc = " ".join((actions.VERBS[name].__doc__ or "").split())

    def view(self, request, pk=None):
        return self._transition(request, pk, name, payload)

    view.__name__ = f"{name}_action"
    view.__doc__ = verb_doc
    # `extend_schema` outside `action`: `action` replaces the function's `kwargs`, where the
    # schema of an action is kept.
    return action_schema(
        payload,
        description=f"{verb_doc} Lifecycle action “{name}” (docs/workorder-lifecycle.md): 409 "
        "`illegal_transition` when the order's status does not allow it.",
    )(action(detail=True, methods=["post"], url_path=name, url_name=name)(view))


for _name in TRANSITIONS:
    if _name not in {"dispatch", "appoint", "depart", "arrive", "leave_site", "suspend"}:
        setattr(WorkOrderViewSet, f"{_name}_action", _simple_transition(_name))


class MyQueueView(APIView):
    """The signed-in technician's queue (掌上装维)."""

    @extend_schema(
        responses={200: s.WorkOrderSerializer(many=True), **error_responses(*READ_ERRORS)},
        description="The caller's own open orders (assigned to them as technician: dispatched "
        "to on site, and completed ones awaiting confirmation), most urgent first: late clocks, "
        "clocks in warning, then second appointments (R-APT-7), then by appointment start, then "
        "the nearest due time. One list, not paginated; empty for users who are no technician.",
    )
    def get(self, request: Request) -> Response:
        current = now()
        orders = technician_queue(request.user, current)
        return Response(s.WorkOrderSerializer(orders, many=True, context={"now": current}).data)


class ServiceNoteView(OrderActionMixin, APIView):
    """GET /work-orders/{id}/service-note.pdf (no trailing slash: a file's name)."""

    @extend_schema(
        parameters=[ORDER_ID],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The service note, A6, to print."
            ),
            **error_responses(*READ_ERRORS, 403),
        },
        description="The printable service note (服务便利贴, R-APT-8) of the last visit where "
        "nobody was home. It carries the full address: every download is logged as an "
        "unmasking (R-CUS-5). 404 `no_service_note` when none was left.",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        note = actions.print_service_note(self._order(pk), actor=self.actor)
        response = HttpResponse(render_service_note(note), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="service-note-{note.order_no}.pdf"'
        response["Cache-Control"] = "no-store"  # the full address: never kept by a cache
        return response


class LabelsView(OrderActionMixin, APIView):
    """GET /work-orders/{id}/labels.pdf?layout=a4|roll (no trailing slash: a file's name)."""

    @extend_schema(
        parameters=[
            ORDER_ID,
            OpenApiParameter(
                "layout",
                str,
                OpenApiParameter.QUERY,
                required=False,
                enum=list(LAYOUTS),
                default="a4",
                description="`a4`: 14 labels (99.1 × 38.1 mm) per A4 sheet; `roll`: one label "
                "per 60 × 40 mm page, for a label printer.",
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The two labels, to print."
            ),
            **error_responses(*READ_ERRORS),
        },
        description="The machine labels (机打标签, R-RES-2) of the order's drop cable: one for "
        "the user end (用户端) and one for the splitter end (分光器端), each with the order "
        "number, the splitter box and port, the uplink (上联) and downlink (下联), and a QR "
        'code holding `{"order":"<bss_order_no>","box":"<box code>","port":<port>}`. The '
        "address is masked. Anyone who sees the order may print them. 404 `no_resource` when "
        "the order has no splitter port; 400 `invalid` for an unknown layout.",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        layout = request.query_params.get("layout", "a4")
        if layout not in LAYOUTS:
            raise ValidationError({"layout": [_("Choose a4 or roll.")]})
        order = self._order(pk)
        port = order.splitter_port
        if port is None:
            raise Missing(_("This order has no splitter port to label."), code="no_resource")
        labels = labels_for_port(
            order_no=order.bss_order_no,
            box=port.box.code,
            port=port.number,
            grid_name=order.grid.name,
            masked_address=order.customer.masked_address if order.customer else "",
        )
        response = HttpResponse(
            render_labels(labels, layout=layout), content_type="application/pdf"
        )
        name = "".join(c for c in order.bss_order_no if c.isascii() and (c.isalnum() or c in "-_"))
        response["Content-Disposition"] = f'inline; filename="labels-{name}-{layout}.pdf"'
        return response
