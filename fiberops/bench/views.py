"""The BSS intake written as a bare Django view, without DRF: the baseline that
`bench_intake_http` measures beside POST /api/v1/work-orders/ to show the framework's share
(docs/benchmarks.md, "Intake over HTTP").

Mounted at /bench/intake/ only by the benchmark's settings module (`fiberops.bench.settings`,
`fiberops/bench/urls.py`), which `bench_intake_http` gives its own throw-away server; production's
URLconf never names it. It accepts the API's body and token and makes the same write
(`intake_order`); it validates only what the write needs, answers a small JSON body, and knows no
Idempotency-Key, token-failure throttle or error envelope.
"""

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from fiberops.accounts.models import User
from fiberops.accounts.permissions import may
from fiberops.core.errors import DomainError
from fiberops.network.queries import find_port
from fiberops.workforce.models import Grid
from fiberops.workorders.actions import CustomerData, IntakeData, intake_order


class BadBody(Exception):
    """The body does not have the intake shape."""


def token_user(request: HttpRequest) -> User | None:
    """The active user of `Authorization: Token <key>` (the lookup DRF's TokenAuthentication
    makes; the model is only used for its table)."""
    words = request.headers.get("Authorization", "").split()
    if len(words) != 2 or words[0].lower() != "token":
        return None
    token = Token.objects.select_related("user").filter(key=words[1]).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise BadBody("lat/lng") from error


def intake_data(body: dict) -> IntakeData:
    """The `IntakeData` of an API intake body, built by hand (what `IntakeSerializer.to_intake`
    returns for a valid body)."""
    try:
        accepted_at = dt.datetime.fromisoformat(body["accepted_at"])
        if accepted_at.tzinfo is None:
            raise BadBody("accepted_at needs an offset")
        grid = Grid.objects.select_related("branch").filter(code=body["grid"]).first()
        if grid is None:
            raise BadBody("grid")
        customer = body.get("customer")
        resource = body.get("resource")
        port = None
        if resource:
            port = find_port(str(resource["splitter_box"]), int(resource["port"]), grid)
            if port is None:
                raise BadBody("resource")
        return IntakeData(
            bss_order_no=str(body["bss_order_no"]),
            order_type=str(body["order_type"]),
            accepted_at=accepted_at,
            grid=grid,
            customer=CustomerData(
                name=str(customer["name"]),
                phone=str(customer["phone"]).replace(" ", ""),
                address=str(customer["address"]),
                lat=_decimal(customer.get("lat")),
                lng=_decimal(customer.get("lng")),
            )
            if customer
            else None,
            plan_mbps=int(body["plan_mbps"]) if body.get("plan_mbps") is not None else None,
            splitter_port=port,
            description=str(body.get("description", "")),
            requires_survey=bool(body.get("requires_survey", False)),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BadBody(str(error)) from error


@csrf_exempt  # a token-authenticated API write, like the DRF one (no session, no cookie)
@require_POST
def bare_intake(request: HttpRequest) -> JsonResponse:
    """POST /bench/intake/: the intake body as JSON → 201 with the new order's id (200 for a
    replay of the same values), the same write as the API."""
    user = token_user(request)
    if user is None:
        return JsonResponse({"error": "not_authenticated"}, status=401)
    if not may(user, "order.intake"):
        return JsonResponse({"error": "permission_denied"}, status=403)
    try:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise BadBody("not an object")
        data = intake_data(body)
    except (ValueError, RecursionError, BadBody) as error:
        return JsonResponse({"error": "invalid", "detail": str(error)[:200]}, status=400)
    try:
        order, created = intake_order(actor=user, data=data)
    except DomainError as error:
        return JsonResponse({"error": error.code}, status=error.http_status)
    return JsonResponse(
        {"id": order.pk, "bss_order_no": order.bss_order_no, "status": order.status},
        status=201 if created else 200,
    )
