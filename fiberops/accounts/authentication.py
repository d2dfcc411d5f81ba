"""API token authentication that slows guessing down (R-SEC-1).

Every failed token check counts against the client's address; past TOKEN_FAILURE_LIMIT failures
that address gets 429 for every token, right or wrong, until TOKEN_FAILURE_WINDOW_MINUTES have
passed since its last failure — otherwise a guesser could still tell a hit (200) from a miss
(429). The counts live in the shared cache (a database table), so every server process sees them."""

import datetime as dt
import logging

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

logger = logging.getLogger(__name__)


class TooManyFailedTokens(exceptions.Throttled):
    default_detail = _("Too many failed API token checks from this address; try again later.")
    default_code = "too_many_failed_tokens"


def _key(address: str) -> str:
    return f"token-failures:{address}"


def failure_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.TOKEN_FAILURE_WINDOW_MINUTES)


class ThrottledTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None  # no token offered: another authentication class may apply
        address = get_client_ip_address(request) or "unknown"
        failures = cache.get(_key(address), 0)
        if failures >= settings.TOKEN_FAILURE_LIMIT:
            raise TooManyFailedTokens(wait=failure_window().total_seconds())
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            # Read-then-write: two failures at the same instant may count once; a throttle
            # needs the order of magnitude, not the exact count. The window restarts with each
            # failure, so a steady guesser stays locked.
            cache.set(_key(address), failures + 1, timeout=failure_window().total_seconds())
            if failures + 1 == settings.TOKEN_FAILURE_LIMIT:
                logger.warning(
                    "API token checks from %s refused for %s after %d failures",
                    address,
                    failure_window(),
                    failures + 1,
                )
            raise
