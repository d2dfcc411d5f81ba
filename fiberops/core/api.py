"""API plumbing shared by every app: the error envelope with stable codes, ISO +08:00 times."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from fiberops.core.clock import isoformat_shanghai
from fiberops.core.errors import DomainError
from fiberops.core.idempotency import HEADER, KEY_PATTERN


class ShanghaiDateTimeField(serializers.DateTimeField):
    """Outputs ISO 8601 with the +08:00 offset; input must carry an offset."""

    def to_representation(self, value):
        return isoformat_shanghai(value)

    #: Business times outside these years are typing errors (year 1, 1900, 9999), not work.
    YEARS = (2000, 2099)

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if isinstance(value, str) and not _has_offset(value):
            raise serializers.ValidationError(
                _("Give the time zone offset, e.g. 2026-09-30T10:00:00+08:00."), code="no_offset"
            )
        if not self.YEARS[0] <= parsed.year <= self.YEARS[1]:
            raise serializers.ValidationError(
                _("The time must lie between the years %(first)d and %(last)d.")
                % {"first": self.YEARS[0], "last": self.YEARS[1]},
                code="out_of_range",
            )
        return parsed


def _has_offset(text: str) -> bool:
    tail = text[10:]
    return tail.endswith("Z") or "+" in tail or "-" in tail


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into {"customer.phone": ["..."]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(_flatten(item, f"{prefix}[{index}]"))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return {"error": body}


def exception_handler(exc, context):
    """Every API error is {"error": {"code", "message", "fields"?}} with a stable code."""
    if isinstance(exc, DomainError):
        return Response(
            error_body(exc.code, str(exc.message), **exc.details), status=exc.http_status
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "invalid", _("The request has invalid fields."), fields=_flatten(exc.detail)
        )
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = detail.code if hasattr(detail, "code") else exc.default_code
        response.data = error_body(str(code), str(detail))
    return response


# --- the error envelope in the OpenAPI schema ------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """What went wrong: a stable `code` and a message in the request's language. Refusals of a
    business rule may add details of their own (e.g. `action` and `status` of an illegal
    transition)."""

    code = serializers.CharField(
        help_text="Stable, part of the contract: invalid, parse_error, not_authenticated, "
        "authentication_failed, permission_denied, not_found, illegal_transition, "
        "bss_order_conflict, idempotency_in_progress, idempotency_key_reused, "
        "request_too_large, unsupported_media_type, too_many_failed_tokens, a rule's own code …"
    )
    message = serializers.CharField()
    # The metaclass moves declared fields off the class, so `Serializer.fields` stays intact.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Field path (customer.phone) → messages; with `invalid` and "
        "`bss_order_conflict`.",
    )
    current = serializers.DictField(
        required=False,
        help_text="With `order_changed` and a refused dispatch: the order's `status`, "
        "`technician` (staff number or null) and `updated_at` now.",
    )
    conflicting_fields = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="With `bss_order_conflict`: the intake fields where the replay differs from "
        "the stored order, by name only.",
    )


class ErrorEnvelopeSerializer(serializers.Serializer):
    """Every API error: {"error": {"code", "message", "fields"?}} (docs/architecture.md)."""

    error = ErrorSerializer()


#: Why each status is answered, for the schema; every one carries the error envelope.
ERROR_MEANINGS = {
    400: "Invalid input (`invalid`, with `fields`), an unparsable body (`parse_error`) or "
    "characters not allowed in the address.",
    401: "No or an unknown token (`not_authenticated`, `authentication_failed`).",
    403: "Your role may not do this (`permission_denied`).",
    404: "Unknown, or outside your scope (`not_found`): out of scope reads as missing.",
    409: "Conflicts with the current state: `illegal_transition`, `bss_order_conflict`, "
    "`idempotency_in_progress`, `order_changed` (another dispatcher was faster; `current` has "
    "the order's status, technician and updated_at).",
    413: "The body is larger than the server accepts (`request_too_large`).",
    415: "The body is in a media type the API does not parse (`unsupported_media_type`).",
    422: "A business rule refused the request (its own code, e.g. `reason_required`, "
    "`technician_not_certified`, `idempotency_key_reused`).",
    429: "Too many failed token checks from this address (`too_many_failed_tokens`).",
}
#: Answered by every endpoint: the address check, authentication and its throttle.
ALWAYS = (400, 401, 429)
#: Reads of one object or of a page of a list (an unknown page is 404).
READ_ERRORS = (*ALWAYS, 404)
#: Writes add the role check, the body and the business rules.
WRITE_ERRORS = (*ALWAYS, 403, 404, 409, 413, 415, 422)


def error_responses(*statuses: int) -> dict:
    """`responses` entries for `extend_schema`: the error envelope under each status."""
    return {
        code: OpenApiResponse(ErrorEnvelopeSerializer, description=ERROR_MEANINGS[code])
        for code in sorted(set(statuses))
    }


IDEMPOTENCY_KEY_HEADER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    pattern=KEY_PATTERN.pattern,
    description="Optional. The first 2xx answer to a key is stored for "
    "IDEMPOTENCY_TTL_HOURS and replayed (header `Idempotent-Replayed: true`) for the same "
    "request; another request with the key is 422 `idempotency_key_reused`, one while the "
    "first runs 409 `idempotency_in_progress`.",
)
