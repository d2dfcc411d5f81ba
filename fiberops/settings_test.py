"""Settings for the test suite: production settings, with a throw-away signing key.

DEBUG is off by default everywhere (docs/deploy.md), so the settings refuse to start without a
SECRET_KEY; tests sign only test sessions. pytest-django forces DEBUG off during tests anyway."""

import os
from decimal import Decimal

os.environ.setdefault("SECRET_KEY", "fiberops-tests-only-not-a-secret-0123456789abcdefghijklmnop")

from fiberops.settings import *  # noqa: E402, F403

# The hashed-name manifest exists only after `collectstatic`; tests render from the sources.
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise serves the sources through the finders; it wants STATIC_ROOT to exist.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Day plans in tests: a short solver run (the plans are small; issue 9 asks ≤ 1 s).
DISPATCH_PLAN_SECONDS = Decimal("0.5")
