"""REST endpoints of evidence photos under /work-orders/{id}/photos/ (R-PHO-1..5): thin callers
of `onsite.actions`. The files are served only here, after the order's scope check."""

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from fiberops.core.api import IDEMPOTENCY_KEY_HEADER, READ_ERRORS, WRITE_ERRORS, error_responses
from fiberops.core.errors import Missing
from fiberops.core.idempotency import IdempotentWritesMixin
from fiberops.onsite.acceptance import (
    acceptance_blockers,
    latest_readings,
    record_acceptance,
    record_scanned_resource,
)
from fiberops.onsite.actions import add_photo
from fiberops.onsite.api import serializers as s
from fiberops.onsite.checklist import checklist_state, defer_for_safety, record_checklist_item
from fiberops.onsite.images import FORMATS
from fiberops.onsite.models import AcceptanceElement, ChecklistStep, Photo
from fiberops.onsite.signoff import (
    latest_confirmation,
    latest_satisfaction,
    record_satisfaction,
    sign_confirmation,
    sign_off_blockers,
)
from fiberops.workorders.api.serializers import AppointmentOutSerializer
from fiberops.workorders.api.views import OrderActionMixin, json_body

ORDER_PK = OpenApiParameter("order_pk", int, OpenApiParameter.PATH, description="The order's id.")
PHOTO_PK = OpenApiParameter("photo_pk", int, OpenApiParameter.PATH, description="The photo's id.")


class PhotoViewSet(IdempotentWritesMixin, OrderActionMixin, viewsets.ViewSet):
    """Photos of one order in the caller's scope (out of scope: 404)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        parameters=[ORDER_PK],
        responses={200: s.PhotoSerializer(many=True), **error_responses(*READ_ERRORS)},
        description="The order's photos, oldest first, in one list (not paginated), with the "
        "audit's flags and evidence (R-PHO-4). Whoever sees the order sees its photos: the "
        "quality auditor every order's.",
    )
    def list(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        photos = order.photos.select_related("uploaded_by").order_by("uploaded_at", "id")
        return Response(s.PhotoSerializer(photos, many=True).data)

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request={"multipart/form-data": s.PhotoUploadSerializer},
        responses={
            201: OpenApiResponse(s.PhotoSerializer, description="Stored and audited."),
            200: OpenApiResponse(
                s.PhotoSerializer,
                description="The same content was already stored on this order: the first "
                "photo (R-PHO-5).",
            ),
            **error_responses(*WRITE_ERRORS),
        },
        description="Add a photo (JPEG, PNG or HEIC) in a slot: `route`, `splitter_label`, "
        "`ont_stb`, `acceptance_form`. Only the order's technician, on site or after "
        "completion. Refusals store nothing: 413 `image_too_large`, 415 "
        "`unsupported_image_format`, 422 `not_an_image`, `image_too_many_pixels`.",
    )
    def create(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.PhotoUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        photo, created = add_photo(
            order,
            kind=payload.validated_data["kind"],
            data=upload.read(),
            filename=upload.name or "",
            actor=self.actor,
            occurred_at=payload.validated_data.get("occurred_at"),
        )
        return Response(
            s.PhotoSerializer(photo).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _file_schema(what: str):
    return extend_schema(
        parameters=[ORDER_PK, PHOTO_PK],
        responses={
            **{
                (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description=what)
                for content_type in (*FORMATS.values(),)
            },
            **error_responses(*READ_ERRORS),
        },
        description=f"{what} Served only to whoever sees the order (out of scope: 404); never "
        "cached by shared caches.",
    )


class _PhotoFileView(OrderActionMixin):
    def _photo(self, order_pk, photo_pk) -> Photo:
        order = self._order(order_pk)
        photo = order.photos.filter(pk=photo_pk).first() if str(photo_pk).isdigit() else None
        if photo is None:
            raise Http404
        return photo

    @staticmethod
    def _serve(field, content_type: str) -> FileResponse:
        response = FileResponse(field.open("rb"), content_type=content_type)
        response["Cache-Control"] = "private, no-store"
        return response


class PhotoFileView(_PhotoFileView):
    """GET /work-orders/{id}/photos/{photo_id}/file: the photo as uploaded (EXIF kept: evidence)."""

    @_file_schema("The photo as uploaded, EXIF included.")
    def get(self, request: Request, order_pk: int, photo_pk: int) -> FileResponse:
        photo = self._photo(order_pk, photo_pk)
        return self._serve(photo.file, photo.content_type)


class PhotoThumbnailView(_PhotoFileView):
    """GET /work-orders/{id}/photos/{photo_id}/thumbnail: a JPEG, longest side 320 px."""

    @extend_schema(
        parameters=[ORDER_PK, PHOTO_PK],
        responses={
            (200, "image/jpeg"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The thumbnail (JPEG, longest side 320 px)."
            ),
            **error_responses(*READ_ERRORS),
        },
        description="The photo's thumbnail. Served only to whoever sees the order (out of "
        "scope: 404).",
    )
    def get(self, request: Request, order_pk: int, photo_pk: int) -> FileResponse:
        photo = self._photo(order_pk, photo_pk)
        return self._serve(photo.thumbnail, "image/jpeg")


def _acceptance_state(order) -> dict:
    latest = latest_readings(order)
    return {
        "readings": [latest[element] for element in AcceptanceElement.values if element in latest],
        "blocking": [blocker.as_dict() for blocker in acceptance_blockers(order)],
    }


class AcceptanceViewSet(IdempotentWritesMixin, OrderActionMixin, viewsets.ViewSet):
    """The acceptance readings of one order (装机挂测四要素, R-ACC-1..5)."""

    @extend_schema(
        parameters=[ORDER_PK],
        responses={200: s.AcceptanceStateSerializer, **error_responses(*READ_ERRORS)},
        description="The latest reading of each element and every item that still blocks "
        "completing the order (`complete` answers 409 `completion_blocked` with the same list).",
    )
    def list(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        return Response(s.AcceptanceStateSerializer(_acceptance_state(order)).data)

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request=json_body(s.AcceptanceReadingInSerializer),
        responses={201: s.AcceptanceStateSerializer, **error_responses(*WRITE_ERRORS)},
        description="Record one element's reading on site (the order's technician). A failing "
        "reading is kept as evidence and listed among the blockers with its Chinese reason; "
        "`aaa` asks the AAA system (simulated unless AAA_BACKEND names an adapter).",
    )
    def create(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.AcceptanceReadingInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record_acceptance(order, actor=self.actor, **payload.validated_data)
        return Response(
            s.AcceptanceStateSerializer(_acceptance_state(order)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request={"multipart/form-data": s.LabelScanSerializer},
        responses={201: s.AcceptanceStateSerializer, **error_responses(*WRITE_ERRORS)},
        description="资源准确 from the machine label's QR code (R-RES-2, R-ACC-1): send a "
        "picture of the label (`file`, decoded on the server) or the code's text (`qr_text`, "
        "decoded by the phone). Records a `scanned` resource reading with the label it came "
        "from. 422 `label_unreadable`: no label code found; 422 `label_other_order`: the label "
        "was printed for another order. Nothing is recorded on a refusal.",
    )
    @action(detail=False, methods=["post"], url_path="scan", parser_classes=[MultiPartParser])
    def scan(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.LabelScanSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data.get("file")
        record_scanned_resource(
            order,
            actor=self.actor,
            image=upload.read() if upload is not None else None,
            qr_text=payload.validated_data.get("qr_text"),
            occurred_at=payload.validated_data.get("occurred_at"),
        )
        return Response(
            s.AcceptanceStateSerializer(_acceptance_state(order)).data,
            status=status.HTTP_201_CREATED,
        )


def _checklist_state(order) -> dict:
    state = checklist_state(order)
    lines = []
    for item in state.items:
        tick = state.latest.get(item.code)
        lines.append(
            {
                "code": item.code,
                "step": item.step,
                "step_name": str(ChecklistStep(item.step).label),
                "phase": item.phase,
                "label": item.label,
                "required": item.required,
                "allows_not_applicable": item.allows_not_applicable,
                "needs_partner": item.needs_partner,
                "answer": tick.answer if tick else None,
                "note": tick.note if tick else None,
                "partner": tick.partner if tick else None,
                "recorded_by": tick.recorded_by.username if tick else None,
                "recorded_at": tick.recorded_at if tick else None,
            }
        )
    return {"items": lines, "blocking": [blocker.as_dict() for blocker in state.blockers()]}


class ChecklistViewSet(IdempotentWritesMixin, OrderActionMixin, viewsets.ViewSet):
    """The ten-step visit checklist of one order (上门实施标准十步法, R-SITE-1..5)."""

    @extend_schema(
        parameters=[ORDER_PK],
        responses={200: s.ChecklistStateSerializer, **error_responses(*READ_ERRORS)},
        description="The items of the checklist of the order's type, in order, each with its "
        "latest answer on the current visit, and every required item that still blocks "
        "completing the order (`complete` answers 409 `completion_blocked` with them first). "
        "An order type without an active checklist template: both lists empty.",
    )
    def list(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        return Response(s.ChecklistStateSerializer(_checklist_state(order)).data)

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request=json_body(s.ChecklistAnswerInSerializer),
        responses={201: s.ChecklistTickSerializer, **error_responses(*WRITE_ERRORS)},
        description="Answer one item on site (the order's technician): `done`, or "
        "`not_applicable` where the item allows it. Each answer is kept with who and when; the "
        "latest counts. Refusals: 422 `unknown_checklist_item`, `not_applicable_refused`, "
        "`partner_required` (a two-person item answered done without `partner`), "
        "`partner_invalid` (not another active technician of the order's branch); 409 "
        "`illegal_transition` when the order is not on site.",
    )
    def create(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.ChecklistAnswerInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        tick = record_checklist_item(order, actor=self.actor, **payload.validated_data)
        return Response(s.ChecklistTickSerializer(tick).data, status=status.HTTP_201_CREATED)


class SafetyDeferralViewSet(IdempotentWritesMixin, OrderActionMixin, viewsets.ViewSet):
    """Deferring the work for safety with the customer's agreement (R-SITE-4)."""

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request=json_body(s.SafetyDeferralInSerializer),
        responses={
            201: OpenApiResponse(
                AppointmentOutSerializer, description="The follow-up appointment it booked."
            ),
            **error_responses(*WRITE_ERRORS),
        },
        description="Safety cannot be ensured on site (night work, height, weather): the work is "
        "deferred to a later day with the customer's agreement and the follow-up visit is "
        "booked (the order goes from on site to appointed; the customer gets the booking "
        "message). Refusals: 422 `customer_agreement_required` (`customer_agreed` not true), "
        "`reason_required`, `deferral_same_day` (the window must start on a later day, "
        "Shanghai time), `unknown_checklist_item` (`item` is not a safety item of the "
        "order's checklist); 409 `illegal_transition` when not on site.",
    )
    def create(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.SafetyDeferralInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        deferral = defer_for_safety(order, actor=self.actor, **payload.validated_data)
        return Response(
            AppointmentOutSerializer(deferral.appointment).data, status=status.HTTP_201_CREATED
        )


class SatisfactionView(IdempotentWritesMixin, OrderActionMixin, viewsets.ViewSet):
    """POST /work-orders/{id}/satisfaction/: the customer's answer at the door (R-SITE-6)."""

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request=json_body(s.SatisfactionInSerializer),
        responses={201: s.SatisfactionSerializer, **error_responses(*WRITE_ERRORS)},
        description="Record whether the customer is satisfied (the order's technician, on site "
        "or after completion). Answers are kept, the latest counts. `satisfied: false` blocks "
        "signing, completing and confirming; after completion it sends the order back to "
        "rework (`on_site`) with the comment as the reason.",
    )
    def create(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.SatisfactionInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        answer = record_satisfaction(order, actor=self.actor, **payload.validated_data)
        return Response(s.SatisfactionSerializer(answer).data, status=status.HTTP_201_CREATED)


class SignatureView(IdempotentWritesMixin, OrderActionMixin, viewsets.ViewSet):
    """POST /work-orders/{id}/signature/: the customer signs the confirmation form (R-SITE-3)."""

    @extend_schema(
        parameters=[ORDER_PK, IDEMPOTENCY_KEY_HEADER],
        request=json_body(s.SignatureInSerializer),
        responses={201: s.ConfirmationSerializer, **error_responses(*WRITE_ERRORS)},
        description="The customer's signature, on site, by the order's technician: makes the "
        "next version of the work confirmation form (业务施工确认单, three copies in one PDF) and "
        "records its SHA-256. Refusals store nothing: 422 `signature_invalid`, "
        "`signature_blank`; 409 `customer_not_satisfied` (the latest answer is not "
        '"satisfied"), `sign_off_blocked` (with `blocking`: the acceptance and other gates '
        "must be clear first; photos may follow).",
    )
    def create(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        payload = s.SignatureInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        form = sign_confirmation(order, actor=self.actor, **payload.validated_data)
        return Response(s.ConfirmationSerializer(form).data, status=status.HTTP_201_CREATED)


class SignOffViewSet(OrderActionMixin, viewsets.ViewSet):
    """GET /work-orders/{id}/sign-off/: the customer's sign-off as it stands (the phone's view)."""

    @extend_schema(
        parameters=[ORDER_PK],
        responses={200: s.SignOffStateSerializer, **error_responses(*READ_ERRORS)},
        description="The latest satisfaction answer (null if not asked yet), the latest signed "
        "confirmation form (null if none; `pdf_url` serves its stored bytes) and the sign-off "
        "gate's blockers (`satisfaction_missing`, `customer_not_satisfied`, "
        "`signature_missing`, `signature_outdated`).",
    )
    def list(self, request: Request, order_pk=None) -> Response:
        order = self._order(order_pk)
        state = {
            "satisfaction": latest_satisfaction(order),
            "confirmation": latest_confirmation(order),
            "blocking": [blocker.as_dict() for blocker in sign_off_blockers(order)],
        }
        return Response(s.SignOffStateSerializer(state).data)


class ConfirmationPdfView(OrderActionMixin):
    """GET /work-orders/{id}/confirmation.pdf[?version=n]: the stored PDF, never regenerated."""

    @extend_schema(
        parameters=[
            ORDER_PK,
            OpenApiParameter(
                "version",
                int,
                OpenApiParameter.QUERY,
                required=False,
                description="A version of the form (1..n); the latest by default.",
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The signed form as stored; ETag: its SHA-256.",
            ),
            **error_responses(*READ_ERRORS),
        },
        description="The signed work confirmation form (业务施工确认单, R-SITE-3): the bytes "
        "stored when the customer signed, whose SHA-256 the timeline records. Customers are masked "
        "on it. 404 `no_confirmation` when the order has none (or not that version); out of "
        "scope: 404.",
    )
    def get(self, request: Request, order_pk: int) -> HttpResponse:
        order = self._order(order_pk)
        forms = order.confirmation_forms.order_by("-version")
        version = request.query_params.get("version")
        if version is not None:
            valid = version.isdigit() and len(version) <= 9  # no integer overflow in SQL
            forms = forms.filter(version=int(version)) if valid else forms.none()
        form = forms.first()
        if form is None:
            raise Missing(_("No signed confirmation form."), code="no_confirmation")
        etag = f'"{form.sha256}"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponse(status=status.HTTP_304_NOT_MODIFIED)
        else:
            with form.pdf.open("rb") as file:
                response = HttpResponse(file.read(), content_type="application/pdf")
            response["Content-Disposition"] = (
                f'inline; filename="confirmation-{order.bss_order_no}-v{form.version}.pdf"'
            )
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        return response
