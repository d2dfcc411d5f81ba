"""API plumbing shared by every app: the error envelope with stable codes, ISO +08:00 times."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from fiberops.core.clock import isoformat_shanghai
from fiberops.core.errors import DomainError


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
