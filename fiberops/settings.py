"""FiberOps settings: one file, driven by environment variables (see README's settings table)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from fiberops.core.config import (
    env_bool,
    env_break,
    env_decimal,
    env_int,
    env_service_minutes,
    env_shift,
    env_windows,
    merge_sla_policy,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# Off unless asked for: `make demo` and the development targets set DEBUG=1 (docs/deploy.md).
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(os.environ, debug=DEBUG)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "import_export",
    "fiberops.core",
    "fiberops.accounts",
    "fiberops.workforce",
    "fiberops.customers",
    "fiberops.network",
    "fiberops.sla",
    "fiberops.workorders",
    "fiberops.dispatch",
    "fiberops.onsite",
    "fiberops.inspections",
    "fiberops.mobile",
    "fiberops.reporting",
    "fiberops.messaging",
    "fiberops.demo",
    "fiberops.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app process itself: compressed, cached for a year by file hash.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fiberops.core.input_guard.ApiInputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as its documentation asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fiberops.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fiberops" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]
WSGI_APPLICATION = "fiberops.wsgi.application"

# SQLite (embedded default) or PostgreSQL via DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'fiberops.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE takes the write lock when a transaction starts, so two SLA sweepers on one SQLite
    # file serialise instead of both reading the same due rows (see docs/sla.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workorders:list"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses a locked account or address before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# Chinese first: Simplified Chinese by default, English available; Asia/Shanghai for display.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "fiberops" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Brute force (R-SEC-1): sign-in locks by account and, separately, by address after
# AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_MINUTES (the page says so in Chinese). A success
# clears that account's and address's count. An administrator unlocks earlier with
# `manage.py axes_reset` or the admin's "Access attempts".
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fiberops.accounts.lockout.locked_out"
# Behind a reverse proxy set AXES_IPWARE_PROXY_COUNT so the client address is the real one.
if os.environ.get("AXES_IPWARE_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_IPWARE_PROXY_COUNT"])
# Failed API token checks per client address before 429 for TOKEN_FAILURE_WINDOW_MINUTES.
TOKEN_FAILURE_LIMIT = int(os.environ.get("TOKEN_FAILURE_LIMIT", "20"))
TOKEN_FAILURE_WINDOW_MINUTES = int(os.environ.get("TOKEN_FAILURE_WINDOW_MINUTES", "10"))

# One cache shared by every server process (the token-failure counts live here): a table in the
# database, created by the core app's migrations, so no extra service is needed.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fiberops_cache",
    }
}

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
# Uploaded files (the technicians' photos, R-PHO-3): the file system under MEDIA_ROOT by default;
# FILE_STORAGE names another storage backend class, e.g. django-storages' S3 backend for an
# S3-compatible store (not installed: add it and its AWS_* settings when used; docs/deploy.md).
# Photos are never served from MEDIA_URL: only through the API's scope-checked file views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")
    },
    # Production serves `collectstatic`'s hashed, compressed copies; DEBUG serves the sources.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

if DEBUG:
    # The development server and the tests serve the sources (WhiteNoise finds them through the
    # finders); an empty STATIC_ROOT keeps WhiteNoise from warning about a missing directory.
    WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# HTTPS (docs/deploy.md): behind a TLS-terminating proxy set HTTPS=true; it switches on the
# redirect, secure cookies and HSTS together, so `manage.py check --deploy` is clean. /healthz
# stays reachable over plain HTTP for the load balancer's probe.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
if env_bool("TRUST_X_FORWARDED_PROTO", HTTPS):
    # Only behind a proxy that sets the header itself (and strips it from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SESSION_COOKIE_HTTPONLY = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fiberops.accounts.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "fiberops.core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "fiberops.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FiberOps API",
    "DESCRIPTION": "Work orders, SLA deadlines and organisation for home broadband field service.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets sharing a field name (`outcome`, `initiated_by`): each enum named after its set.
    "ENUM_NAME_OVERRIDES": {
        "ContactOutcomeEnum": "fiberops.dispatch.models.ContactOutcome",
        "AppointmentOutcomeEnum": "fiberops.workorders.models.AppointmentOutcome",
        "AppointmentInitiatorEnum": "fiberops.workorders.models.Initiator",
        "SuspensionInitiatorEnum": "fiberops.workorders.models.SuspensionInitiator",
        "PhotoKindEnum": "fiberops.onsite.models.PhotoKind",
        "InspectionLogKindEnum": "fiberops.inspections.models.LogKind",
        "InspectionPlanKindEnum": "fiberops.inspections.models.PlanKind",
        "DiscrepancyStatusEnum": "fiberops.inspections.models.DiscrepancyStatus",
        # the work order's status keeps its name beside the discrepancy's
        "StatusEnum": "fiberops.workorders.states.Status",
        "SwitchKindEnum": "fiberops.network.models.SwitchKind",
        "SwitchStateEnum": "fiberops.network.models.SwitchState",
    },
}

# SLA policy (R-SLA-1, R-SLA-4, R-SLA-5); defaults documented in docs/sla.md.
# FIBEROPS_SLA_POLICY (JSON) overrides any key of these defaults, e.g.
# {"repair_hours": {"fault": {"urban": 24}}}; merge_sla_policy refuses what does not fit.
SLA_POLICY_DEFAULTS: dict = {
    "response_minutes": 15,
    "warn_fraction": 0.8,
    "contact_minutes": {
        "fault": 30,
        "complaint": 30,
        "survey": 120,
        "install": 120,
        "relocation": 120,
        "removal": 240,
    },
    "repair_hours": {
        "fault": {"urban": 48, "rural": 72},
        "complaint": {"urban": 48, "rural": 72},
    },
    "survey_working_days": 2,
    "install_working_days": 3,
}
SLA_POLICY: dict = merge_sla_policy(SLA_POLICY_DEFAULTS, os.environ.get("FIBEROPS_SLA_POLICY"))

# Installation acceptance, 装机挂测四要素 (R-ACC-3, R-ACC-4; fiberops/workorders/acceptance.py): the
# ONT's received optical power must be higher than the minimum and not above the receiver's
# overload level; the measured speed at least this share of the plan's rate.
ACCEPTANCE_MIN_RX_DBM = env_decimal("ACCEPTANCE_MIN_RX_DBM", "-25", low="-40", high="0")
ACCEPTANCE_OVERLOAD_RX_DBM = env_decimal("ACCEPTANCE_OVERLOAD_RX_DBM", "-8", low="-40", high="5")
ACCEPTANCE_SPEED_SHARE = env_decimal("ACCEPTANCE_SPEED_SHARE", "0.9", low="0.1", high="1")
if ACCEPTANCE_OVERLOAD_RX_DBM <= ACCEPTANCE_MIN_RX_DBM:
    raise ImproperlyConfigured(
        "ACCEPTANCE_OVERLOAD_RX_DBM must lie above ACCEPTANCE_MIN_RX_DBM: no reading could pass."
    )

# Day plans (issue 9, docs/dispatch.md "Stored plans and re-planning"): the technicians' shift and
# lunch break, minutes on site per order type, the solver's seconds per plan, how many dirty days
# one SLA tick re-plans, and the candidate windows offered by booking help.
DISPATCH_SHIFT = env_shift("DISPATCH_SHIFT", "08:30-18:00")
DISPATCH_BREAK = env_break("DISPATCH_BREAK", "11:30-13:30/30", shift=DISPATCH_SHIFT)
DISPATCH_SERVICE_MINUTES = env_service_minutes(
    "DISPATCH_SERVICE_MINUTES",
    {
        "survey": 45,
        "install": 90,
        "relocation": 90,
        "removal": 30,
        "fault": 60,
        "complaint": 60,
        "inspection": 60,
        "rectification": 120,
    },
)
DISPATCH_PLAN_SECONDS = env_decimal("DISPATCH_PLAN_SECONDS", "5", low="0.1", high="60")
DISPATCH_REPLAN_BATCH = env_int("DISPATCH_REPLAN_BATCH", 5, minimum=1, maximum=100)
DISPATCH_BOOKING_WINDOWS = env_windows(
    "DISPATCH_BOOKING_WINDOWS", "08:30-10:30,10:30-12:30,13:30-15:30,15:30-17:30"
)

# The AAA (RADIUS) system asked for 3A信息同步 (R-ACC-2): simulated unless an adapter is named.
AAA_BACKEND = os.environ.get("AAA_BACKEND", "fiberops.onsite.aaa.SimulatedAaa")

# The operator's name as customers know it: printed on the service note (服务便利贴, R-APT-8).
OPERATOR_NAME = os.environ.get("FIBEROPS_OPERATOR_NAME", "四川移动")

# Messages to customers and calls placed for technicians (fiberops/messaging): simulated unless
# the operator's SMS gateway / privacy-number service adapters are named here.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "fiberops.messaging.backends.SimulatedSms")
TELEPHONY_BACKEND = os.environ.get(
    "TELEPHONY_BACKEND", "fiberops.messaging.backends.SimulatedTelephony"
)

# How old a device-reported `occurred_at` may be when a phone replays its offline queue.
OFFLINE_REPLAY_MAX_HOURS = int(os.environ.get("OFFLINE_REPLAY_MAX_HOURS", "72"))
# How long an API write's answer is kept for `Idempotency-Key` replays; the SLA worker purges older.
IDEMPOTENCY_TTL_HOURS = int(os.environ.get("IDEMPOTENCY_TTL_HOURS", "24"))
# API bodies above this answer 413 in the JSON envelope (an order is a few kB).
API_MAX_BODY_BYTES = 1024 * 1024

# Photo evidence (R-PHO-1..5, fiberops/onsite). Larger photos are refused (413).
# --- switch readings (issue 10, R-INS-3; docs/switches.md) ----------------------------------
# The standard: utilisation must stay *below* these; a reading at or over one is a breach.
SWITCH_BANDWIDTH_THRESHOLD_PCT = env_decimal(
    "SWITCH_BANDWIDTH_THRESHOLD_PCT", "70", low="1", high="100"
)
SWITCH_CPU_THRESHOLD_PCT = env_decimal("SWITCH_CPU_THRESHOLD_PCT", "50", low="1", high="100")
SWITCH_MEM_THRESHOLD_PCT = env_decimal("SWITCH_MEM_THRESHOLD_PCT", "60", low="1", high="100")
# readings older than this (hours) are stored but open no rectification order (docs/switches.md)
SWITCH_BREACH_MAX_AGE_HOURS = env_int(
    "SWITCH_BREACH_MAX_AGE_HOURS", 24, minimum=1, maximum=24 * 366
)
# The poller: seconds between the two counter samples, per-request timeout, retries, requests in
# flight at once.
SWITCH_POLL_SAMPLE_SECONDS = env_decimal("SWITCH_POLL_SAMPLE_SECONDS", "10", low="0.1", high="300")
SWITCH_POLL_TIMEOUT_SECONDS = env_decimal("SWITCH_POLL_TIMEOUT_SECONDS", "2", low="0.1", high="60")
SWITCH_POLL_RETRIES = env_int("SWITCH_POLL_RETRIES", 1, minimum=0, maximum=5)
SWITCH_POLL_CONCURRENCY = env_int("SWITCH_POLL_CONCURRENCY", 200, minimum=1, maximum=5000)
# The demo's snmpsim agent (`make demo`) listens on 127.0.0.1 at this port.
DEMO_SNMP_PORT = env_int("DEMO_SNMP_PORT", 16161, minimum=1, maximum=65535)

PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 15 * 1024 * 1024, minimum=1024)
# Images with more pixels than this are refused from their header, before decoding (40 MP).
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 40_000_000, minimum=1)
# Multipart uploads may carry a photo: their body limit, instead of API_MAX_BODY_BYTES.
API_MAX_UPLOAD_BYTES = PHOTO_MAX_BYTES + 64 * 1024
# `far_from_site`: EXIF GPS farther than this from the customer's location (metres).
PHOTO_MAX_DISTANCE_M = env_int("PHOTO_MAX_DISTANCE_M", 300, minimum=1)
# `reused`: 64-bit perceptual hashes within this Hamming distance match (a 2 % crop moves a
# photo's hash by up to 8 bits; unrelated photos lie 16+ apart: docs/api.md). At most 7: the
# hash is indexed in four 16-bit bands, and two hashes within 7 bits agree on some band to
# within 1 bit, which the look-up probes (onsite/actions.py: reuse_candidates).
PHOTO_REUSE_MAX_DISTANCE = env_int("PHOTO_REUSE_MAX_DISTANCE", 6, minimum=0, maximum=7)
# `taken_outside_visit`: how far an EXIF time may lie outside check-in … completion (minutes).
PHOTO_TIME_TOLERANCE_MINUTES = env_int("PHOTO_TIME_TOLERANCE_MINUTES", 10, minimum=0)
# The completion gate's photo part (issue 8, R-PHO-1..5): the slots an install needs, and the
# audit flags that block completing it. The others (taken outside the visit, far from the site,
# label unreadable — often "no data" or a bad angle, not fraud) go to the quality auditor only.
# Comma-separated; the onsite app's system check refuses an unknown slot or flag.
COMPLETION_REQUIRED_PHOTOS = tuple(
    filter(
        None,
        os.environ.get(
            "COMPLETION_REQUIRED_PHOTOS", "route,splitter_label,ont_stb,acceptance_form"
        ).split(","),
    )
)
PHOTO_BLOCKING_FLAGS = tuple(
    filter(None, os.environ.get("PHOTO_BLOCKING_FLAGS", "reused,label_mismatch").split(","))
)

# Logs go to standard error, one JSON object per line in production (LOG_FORMAT=json, the default
# with DEBUG off) for the log collector; plain lines for a person at a terminal (DEBUG).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# The dispatcher board's map (issue 9): a tile server URL in Leaflet's form, e.g.
# https://tiles.example/{z}/{x}/{y}.png. Empty (the default): no tiles are fetched; the map still
# draws the jobs, the technicians and their lines on a plain background.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
