"""The technician app's three server-side pieces (issue 7): the shell page, the web app manifest
and the service worker. Everything the technician sees or does after that goes through the JSON
API from the browser (`static/mobile/*.js`)."""

import hashlib
import json
from functools import cache

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

#: The static files of the shell, precached by the service worker (order does not matter).
SHELL_FILES = (
    "mobile/app.css",
    "mobile/strings.js",
    "mobile/outbox.js",
    "mobile/app.js",
    "mobile/icon.svg",
    "mobile/icon-192.png",
)
SERVICE_WORKER_TEMPLATE = "mobile/sw.js"
SHELL_TEMPLATE = "mobile/shell.html"


@cache
def cache_version() -> str:
    """A digest of everything the service worker precaches: any change to the shell, a script,
    the styles or the worker itself gives a new cache name, so phones fetch the new files once
    and drop the old cache."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        path = finders.find(name)
        assert isinstance(path, str), name  # noqa: S101 - the files ship with this app
        with open(path, "rb") as file:
            digest.update(file.read())
    for template in (SHELL_TEMPLATE, SERVICE_WORKER_TEMPLATE):
        origin = get_template(template).origin.name  # type: ignore[attr-defined]
        with open(origin, "rb") as file:
            digest.update(file.read())
    return digest.hexdigest()[:12]


@require_GET
@login_required
@ensure_csrf_cookie
def shell(request: HttpRequest) -> HttpResponse:
    """The app shell: no order data in it (the scripts fetch it), so the service worker can keep
    it for offline starts. The CSRF cookie is set here for the API's session authentication."""
    return render(request, SHELL_TEMPLATE)


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installable, Chinese name, standalone, opens on the queue."""
    start = reverse("mobile:shell")
    body = {
        "name": "掌上装维",
        "short_name": "掌上装维",
        "description": "家客装维技术员工作台",
        "lang": "zh-CN",
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f4f6f8",
        "theme_color": "#0b5cad",
        "icons": [
            {"src": static("mobile/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("mobile/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("mobile/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /m/ so that its scope is the app. `no-cache`: the browser
    asks every time whether it changed (its cache version is in it)."""
    precache = [
        reverse("mobile:shell"),
        reverse("mobile:manifest"),
        *(static(name) for name in SHELL_FILES),
    ]
    response = render(
        request,
        SERVICE_WORKER_TEMPLATE,
        {
            "version": cache_version(),
            "precache_json": json.dumps(precache),
            "shell_url": precache[0],
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("mobile:shell")
    return response
