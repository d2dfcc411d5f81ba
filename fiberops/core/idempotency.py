"""`Idempotency-Key` support for API writes: exactly one request per key runs; its answer is
stored and replayed.

A key is scoped to the user. The first request **reserves** the key (a row with status 0, "in
progress") before it runs, so concurrent requests with the same key never run twice: they get
409 `idempotency_in_progress` while the first runs, and its stored answer once it has finished
(header `Idempotent-Replayed: true`). The same key with a different method, path or body is
refused with 422 `idempotency_key_reused`. Only successful (2xx) answers are kept; a refused
request releases its reservation, so it can be corrected and retried with the same key.

Stored answers expire after `IDEMPOTENCY_TTL_HOURS` (24 h) and are purged by the SLA worker
(`purge_expired`). Views list actions that must never be replayed in `idempotency_exempt`:
revealing a customer's contact runs — and is scope-checked and logged — every time, and its
answer, which holds personal data, is never stored (R-CUS-5).
"""

import datetime as dt
import hashlib
import json
import re

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from fiberops.core.clock import now
from fiberops.core.errors import Conflict, RuleViolation
from fiberops.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
IN_PROGRESS = 0
#: A reservation left by a request that died (a crashed worker) is taken over after this.
STALE_RESERVATION = dt.timedelta(minutes=2)


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)


class Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


def _file_digest(value) -> str:
    """An uploaded file (multipart) counts by its content, not its name: the same key with
    another photo is another request."""
    if isinstance(value, UploadedFile):
        content = hashlib.sha256()
        for chunk in value.chunks():
            content.update(chunk)
        value.seek(0)
        return f"file:{content.hexdigest()}"
    return str(value)


def _digest(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=_file_digest, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def purge_expired(at: dt.datetime) -> int:
    """Delete stored answers older than the time to live; returns how many."""
    deleted, _detail = IdempotencyRecord.objects.filter(created_at__lt=at - ttl()).delete()
    return deleted


class IdempotentWritesMixin:
    """For DRF views: put it before the view base class."""

    #: View actions (`self.action`) that ignore the header: they run every time.
    idempotency_exempt: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._idempotency_record_id = None
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITE_METHODS:
            return
        if not KEY_PATTERN.match(key):
            raise RuleViolation(
                _("The Idempotency-Key must be 1–64 letters, digits or _.:-"),
                code="idempotency_key_invalid",
            )
        if getattr(self, "action", None) in self.idempotency_exempt:
            return
        digest = _digest(request)
        for _attempt in range(2):
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=request.user,
                        key=key,
                        method=request.method,
                        path=request.path[:255],
                        request_digest=digest,
                        response_status=IN_PROGRESS,
                        response_body={},
                    )
            except IntegrityError:
                existing = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
                if existing is None:
                    continue  # released meanwhile: reserve again
                if self._expired(existing):
                    IdempotencyRecord.objects.filter(pk=existing.pk).delete()
                    continue  # the old one is gone: reserve again
                self._answer_from(existing, request, digest)
            else:
                self._idempotency_record_id = record.pk
                return
        raise Conflict(
            _("Another request with this Idempotency-Key is in progress; retry shortly."),
            code="idempotency_in_progress",
        )

    @staticmethod
    def _expired(record: IdempotencyRecord) -> bool:
        current = now()
        if record.response_status == IN_PROGRESS:
            return record.created_at < current - STALE_RESERVATION
        return record.created_at < current - ttl()

    @staticmethod
    def _answer_from(record: IdempotencyRecord, request, digest: str) -> None:
        if (record.method, record.path, record.request_digest) != (
            request.method,
            request.path[:255],
            digest,
        ):
            raise RuleViolation(
                _("This Idempotency-Key was already used for a different request."),
                code="idempotency_key_reused",
            )
        if record.response_status == IN_PROGRESS:
            raise Conflict(
                _("Another request with this Idempotency-Key is in progress; retry shortly."),
                code="idempotency_in_progress",
            )
        response = Response(record.response_body, status=record.response_status)
        response["Idempotent-Replayed"] = "true"
        raise Replay(response)

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request, response, *args, **kwargs):
        record_id = getattr(self, "_idempotency_record_id", None)
        if record_id is not None:
            self._idempotency_record_id = None
            if 200 <= response.status_code < 300:
                IdempotencyRecord.objects.filter(pk=record_id).update(
                    response_status=response.status_code,
                    response_body=json.loads(json.dumps(response.data, default=str)),
                )
            else:
                IdempotencyRecord.objects.filter(pk=record_id).delete()
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
