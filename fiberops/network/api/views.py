"""The network inventory over the API (R-RES-1): import a CSV or Excel file of one element kind
(with a dry run) and export the elements in the caller's scope. Thin callers of
`network.actions.import_inventory` and `network.inventory.export_dataset`."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fiberops.accounts.permissions import REFUSALS, may
from fiberops.core.api import (
    IDEMPOTENCY_KEY_HEADER,
    READ_ERRORS,
    WRITE_ERRORS,
    error_body,
    error_responses,
)
from fiberops.core.errors import DomainError, NotPermitted
from fiberops.core.idempotency import IdempotentWritesMixin
from fiberops.network.actions import import_inventory
from fiberops.network.inventory import (
    FORMATS,
    RESOURCES,
    UnreadableFile,
    export_dataset,
    format_of,
    read_dataset,
)

#: A larger inventory is split by kind or by grid: 10 MB of CSV is about 100,000 rows.
MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

KIND = OpenApiParameter(
    "kind",
    str,
    OpenApiParameter.PATH,
    enum=list(RESOURCES),
    description="The element kind: `olt`, `pon_port`, `splitter`, `box` (二级分光箱), `port`.",
)


class FileRefused(DomainError):
    def __init__(self, message, *, code: str, http_status: int):
        self.code = code
        self.http_status = http_status
        super().__init__(message)


class IgnoreFormatNegotiation(DefaultContentNegotiation):
    """`?format=csv|xlsx` names the file's format here, not a DRF renderer: answer in JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The file's row: the header is row 1.")
    field = serializers.CharField(help_text="The column; empty for the whole row.")
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    valid = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField(help_text="Element rows in the file (the header not counted).")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]


class InventoryUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .csv (UTF-8) or .xlsx file with a header row.")


class InventoryImportView(IdempotentWritesMixin, APIView):
    """POST /inventory/{kind}/import/?dry_run=1"""

    parser_classes = [MultiPartParser]

    @extend_schema(
        parameters=[
            KIND,
            OpenApiParameter(
                "dry_run",
                bool,
                OpenApiParameter.QUERY,
                required=False,
                description="`1`/`true`: check every row and write nothing.",
            ),
            IDEMPOTENCY_KEY_HEADER,
        ],
        request={"multipart/form-data": InventoryUploadSerializer},
        responses={
            200: OpenApiResponse(
                ImportReportSerializer,
                description="Every row is valid; imported unless it was a dry run.",
            ),
            **error_responses(*WRITE_ERRORS),
        },
        description="Import a file of network elements of one kind (R-RES-1), CSV or xlsx, "
        "columns as in docs/network.md. A row whose code exists updates it, others are "
        "created. Any refused row: 400 `inventory_invalid` and nothing is imported; the body "
        "carries `valid`, `rows` and `errors` (`row`, `field`, `message`: every refused row, "
        "the header is row 1) at its top and in `error`. A dry run answers the same and never "
        "writes. 403 for roles other than administrators and integrations; 413 "
        "`file_too_large`; 415 `unsupported_file_format`.",
    )
    def post(self, request: Request, kind: str) -> Response:
        if not may(request.user, "inventory.import"):
            raise NotPermitted(REFUSALS["inventory.import"])
        payload = InventoryUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        if upload.size > MAX_BYTES:
            raise FileRefused(
                _("The file is larger than %(n)d bytes.") % {"n": MAX_BYTES},
                code="file_too_large",
                http_status=413,
            )
        file_format = format_of(upload.name or "")
        if not file_format:
            raise FileRefused(
                _("Send a CSV or an Excel (xlsx) file."),
                code="unsupported_file_format",
                http_status=415,
            )
        try:
            dataset = read_dataset(upload.read(), file_format)
        except UnreadableFile as error:
            raise FileRefused(str(error), code="unreadable_file", http_status=422) from None
        dry_run = request.query_params.get("dry_run", "").lower() in {"1", "true", "yes"}
        report = import_inventory(kind, dataset, actor=request.user, dry_run=dry_run)
        body = report.as_dict()
        if report.valid:
            return Response(body)
        message = _("%(count)d problems in the file; nothing was imported.") % {
            "count": len(report.errors)
        }
        envelope = error_body(
            "inventory_invalid",
            message,
            valid=False,
            rows=body["rows"],
            errors=body["errors"],
        )
        return Response({**body, **envelope}, status=status.HTTP_400_BAD_REQUEST)


class InventoryExportView(APIView):
    """GET /inventory/{kind}/export/?format=csv|xlsx"""

    content_negotiation_class = IgnoreFormatNegotiation

    @extend_schema(
        parameters=[
            KIND,
            OpenApiParameter(
                "format",
                str,
                OpenApiParameter.QUERY,
                required=False,
                enum=list(FORMATS),
                default="csv",
                description="`csv` (UTF-8 with a BOM, for Excel) or `xlsx`.",
            ),
        ],
        responses={
            **{
                (200, CONTENT_TYPES[name]): OpenApiResponse(
                    OpenApiTypes.BINARY, description="The elements, with the import's columns."
                )
                for name in FORMATS
            },
            **error_responses(*READ_ERRORS, 403),
        },
        description="The elements of one kind in the caller's scope (R-RES-1): a branch "
        "manager or dispatcher gets the own branch's, administrators and integrations all. "
        "The file imports back unchanged. 403 for other roles; 400 `invalid` for an unknown "
        "format.",
    )
    def get(self, request: Request, kind: str) -> HttpResponse:
        if not may(request.user, "inventory.export"):
            raise NotPermitted(REFUSALS["inventory.export"])
        file_format = request.query_params.get("format", "csv")
        if file_format not in FORMATS:
            raise serializers.ValidationError({"format": [_("Choose csv or xlsx.")]})
        dataset = export_dataset(kind, request.user)
        if file_format == "csv":
            content: bytes = ("\ufeff" + dataset.export("csv")).encode("utf-8")
        else:
            content = dataset.export("xlsx")
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="{kind}.{file_format}"'
        return response
