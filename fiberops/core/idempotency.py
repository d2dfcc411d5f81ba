"""`Idempotency-Key` support for API writes: the first answer is stored and replayed.

A key is scoped to the user. The same key with the same method, path and body replays the stored
response (header `Idempotent-Replayed: true`); the same key with a different request is refused
with 422 `idempotency_key_reused`. Only successful (2xx) answers are stored, so a refused request
can be corrected and retried with the same key.
"""

import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from fiberops.core.errors import RuleViolation
from fiberops.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


def _digest(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


class IdempotentWritesMixin:
    """For DRF views: put it before the view base class."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._idempotency_key = None
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITE_METHODS:
            return
        if not KEY_PATTERN.match(key):
            raise RuleViolation(
                _("The Idempotency-Key must be 1–64 letters, digits or _.:-"),
                code="idempotency_key_invalid",
            )
        self._idempotency_key = key
        record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if record is None:
            return
        if (record.method, record.path, record.request_digest) != (
            request.method,
            request.path,
            _digest(request),
        ):
            raise RuleViolation(
                _("This Idempotency-Key was already used for a different request."),
                code="idempotency_key_reused",
            )
        response = Response(record.response_body, status=record.response_status)
        response["Idempotent-Replayed"] = "true"
        raise Replay(response)

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request, response, *args, **kwargs):
        key = getattr(self, "_idempotency_key", None)
        if key and 200 <= response.status_code < 300 and "Idempotent-Replayed" not in response:
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        user=request.user,
                        key=key,
                        method=request.method,
                        path=request.path[:255],
                        request_digest=_digest(request),
                        response_status=response.status_code,
                        response_body=json.loads(json.dumps(response.data, default=str)),
                    )
            except IntegrityError:
                pass  # a concurrent request with the same key stored its answer first
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
