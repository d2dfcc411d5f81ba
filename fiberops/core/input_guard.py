"""The API's edge: input that would crash the database or the parser is refused with the JSON
error envelope (4xx), before any view runs.

- NUL bytes and lone surrogates in the path or the query string (PostgreSQL refuses NUL in text,
  and a lone surrogate cannot be encoded): 400 `invalid`.
- A body larger than `API_MAX_BODY_BYTES` (multipart uploads, which carry photos:
  `API_MAX_UPLOAD_BYTES`): 413 `request_too_large` (Django's own check answers an HTML page).
- JSON nested deeper than Python's parser can follow, or strings with NUL bytes or lone
  surrogates: 400 `parse_error` from `core.parsers.SafeJSONParser`.
"""

from urllib.parse import unquote

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from fiberops.core.api import error_body
from fiberops.core.parsers import unsafe

API_PREFIX = "/api/"


class ApiInputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            refused = self._refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def _refusal(request):
        raw_query = request.META.get("QUERY_STRING", "")
        if unsafe(request.path) or unsafe(unquote(raw_query, errors="surrogateescape")):
            return JsonResponse(
                error_body("invalid", _("The address contains characters that are not allowed.")),
                status=400,
            )
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = (
            settings.API_MAX_UPLOAD_BYTES
            if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
            else settings.API_MAX_BODY_BYTES
        )
        if length.isdigit() and int(length) > limit:
            return JsonResponse(
                error_body(
                    "request_too_large",
                    _("The request body is larger than %(n)d bytes.") % {"n": limit},
                ),
                status=413,
            )
        return None
