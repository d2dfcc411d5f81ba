import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from fiberops.testing import PHONE_POSITION, World, make_world

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's cost is for production; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path):
    # Uploaded files (photos) land in the test's own directory, never in var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time():
    """The live server of the browser tests answers one request at a time. With the in-memory
    SQLite test database every server thread shares one connection, so a page's parallel
    requests (the phone app reads an order's evidence in parallel while the outbox posts)
    interleave their transactions: a session read inside another request's transaction came
    back empty, and the browser lost its session cookie. On PostgreSQL each thread has its own
    connection; serial answers keep both runs alike."""
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            # LiveServerThread.run installs the shared connections in its own thread, which is
            # where a serial server handles every request.
            super().__init__(*args, **kwargs)

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = SerialWSGIServer
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture
def world(db) -> World:
    return make_world()


@contextmanager
def chromium_context(**options) -> Iterator["BrowserContext"]:
    """The one place that launches Chromium for the browser tests (Debian's chromium driven by
    Playwright): a fresh browser and one context made with Playwright's `options`. A missing
    Chromium fails the test, never skips it."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("Chromium is missing: apt-get install chromium (the CI script installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow ORM calls beside it — for this
    # test only (left set, it would switch off Django's async check for every later test).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            try:
                yield browser.new_context(locale="zh-CN", **options)
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page() -> Iterator["Page"]:
    """A Chromium page, Chinese locale, desktop size."""
    with chromium_context(viewport={"width": 1360, "height": 900}) as context:
        yield context.new_page()


@pytest.fixture
def phone() -> Iterator["BrowserContext"]:
    """A Chromium context the size of a phone (390×844, touch, Asia/Shanghai), Chinese, with
    geolocation allowed and fixed at `PHONE_POSITION`; service workers on (the default)."""
    with chromium_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        timezone_id="Asia/Shanghai",
        geolocation=PHONE_POSITION,
        permissions=["geolocation"],
    ) as context:
        yield context
