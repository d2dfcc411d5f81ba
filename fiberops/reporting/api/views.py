"""GET /api/v1/kpis/fulfilment/ — 装维履约率 (R-APT-9, R-KPI-1): a thin caller of
`reporting.queries.fulfilment`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from fiberops.accounts.permissions import REFUSALS, may
from fiberops.core.api import ALWAYS, error_responses
from fiberops.core.clock import now
from fiberops.reporting.api.serializers import FulfilmentQuerySerializer, FulfilmentRowSerializer
from fiberops.reporting.queries import LEVELS, fulfilment

PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        required=True,
        description="First day of the period (Shanghai date, included), e.g. 2026-11-01.",
    ),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        required=True,
        description="Last day of the period (included); at most 366 days after `from`.",
    ),
    OpenApiParameter(
        "by",
        str,
        enum=list(LEVELS),
        default="technician",
        description="Group by the responsible technician, or by that technician's team, grid or "
        "branch.",
    ),
]


class FulfilmentViewSet(viewsets.ViewSet):
    """装维履约率 over the orders in the caller's scope."""

    @extend_schema(
        operation_id="kpis_fulfilment",
        parameters=PARAMETERS,
        responses={
            200: FulfilmentRowSerializer(many=True),
            # No 404: the answer is a computed list, never a page or one object.
            **error_responses(*ALWAYS, 403),
        },
        description="装维履约率 (R-KPI-1): appointments kept ÷ appointments due whose window "
        "starts in the period, per row; worst rate first. One list, not paginated. "
        "Technicians and the integration account: 403. Definition: docs/kpi.md.",
    )
    def list(self, request: Request) -> Response:
        if not may(request.user, "kpi.read"):
            raise exceptions.PermissionDenied(REFUSALS["kpi.read"])
        query = FulfilmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = fulfilment(
            request.user,
            date_from=query.validated_data["from"],
            date_to=query.validated_data["to"],
            by=query.validated_data["by"],
            now=now(),
        )
        data = [
            {"key": r.key, "name": r.name, "due": r.due, "kept": r.kept, "rate": r.rate}
            for r in rows
        ]
        return Response(FulfilmentRowSerializer(data, many=True).data)
