"""The server side of the technician app (issue 7): the shell needs a signed-in user and sets the
CSRF cookie the API's session authentication checks; the manifest makes it installable; the
service worker is served under /m/ (its scope), never cached by the browser, and precaches the
shell with a version that follows the files."""

import json

import pytest
from django.test import Client

from fiberops.mobile import views

pytestmark = pytest.mark.django_db


def signed_in(world) -> Client:
    client = Client()
    client.force_login(world.technician_user)
    return client


def test_r_sec_1_shell_redirects_a_visitor_to_sign_in_and_back(client):
    response = client.get("/m/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/m/"


def test_r_sec_2_shell_is_chinese_sets_the_csrf_cookie_and_loads_the_scripts(world):
    response = signed_in(world).get("/m/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "<title>掌上装维</title>" in html
    for name in ("mobile/app.css", "mobile/strings.js", "mobile/outbox.js", "mobile/app.js"):
        assert f"/static/{name}" in html
    assert 'rel="manifest" href="/m/manifest.webmanifest"' in html
    # The shell is the same for everyone (the service worker keeps it): no name, no order.
    assert world.technician_user.username not in html


def test_r_apt_2_manifest_makes_the_app_installable_with_its_name_and_icons(client):
    response = client.get("/m/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "掌上装维"
    assert manifest["start_url"] == manifest["scope"] == "/m/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_r_cus_5_service_worker_is_served_in_scope_uncached_with_a_versioned_precache(client):
    response = client.get("/m/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/m/"
    source = response.content.decode()
    assert f'const VERSION = "{views.cache_version()}";' in source
    precache = json.loads(source.split("const PRECACHE = ", 1)[1].split(";\n", 1)[0])
    assert precache[:2] == ["/m/", "/m/manifest.webmanifest"]
    assert "/static/mobile/app.js" in precache
    # Writes and the logged reveal of a phone are never cached: only reads without a phone are
    # (the queue and an order, masked; an inspection; a switch). The timeline is not kept.
    assert 'method !== "GET") return' in source
    cached = source.split("const CACHED_READS", 1)[1].split(";", 1)[0]
    assert "reveal" not in cached and "events" not in cached
    assert "inspection" in cached and "switches" in cached


def test_r_apt_2_cache_version_changes_when_a_precached_file_changes(tmp_path, monkeypatch):
    before = views.cache_version()
    changed = tmp_path / "app.js"
    changed.write_text("// another version")
    real_find = views.finders.find
    monkeypatch.setattr(
        views.finders,
        "find",
        lambda name, *args, **kwargs: (
            str(changed) if name == "mobile/app.js" else real_find(name, *args, **kwargs)
        ),
    )
    views.cache_version.cache_clear()
    try:
        assert views.cache_version() != before
    finally:
        views.cache_version.cache_clear()
