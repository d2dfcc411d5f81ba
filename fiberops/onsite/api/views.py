"""REST endpoints of evidence photos under /work-orders/{id}/photos/ (R-PHO-1..5): thin callers
of `onsite.actions`. The files are served only here, after the order's scope check."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from fiberops.core.api import IDEMPOTENCY_KEY_HEADER, READ_ERRORS, WRITE_ERRORS, error_responses
from fiberops.core.idempotency import IdempotentWritesMixin
from fiberops.onsite.acceptance import (
    acceptance_blockers,
    latest_readings,
    record_acceptance,
    record_scanned_resource,
)
from fiberops.onsite.actions import add_photo
from fiberops.onsite.api import serializers as s
from fiberops.onsite.images import FORMATS
from fiberops.onsite.models import AcceptanceElement, Photo
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
