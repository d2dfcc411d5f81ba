"""The technician app's weight (issue 7): the first load after signing in — the shell, its
scripts and styles, the manifest and icon, the service worker and its precache, the queue's API
read — transfers at most 300 KB; a later load takes the shell from the service worker's cache
and fetches only the API read. Sizes are Playwright's request sizes (headers + body as sent,
service-worker requests included); the test server sends no compression, so this is an upper
bound of what a phone on the production server (gzip/Brotli by WhiteNoise) receives. The figure
is in docs/benchmarks.md."""

import pytest
from django.db import connections

from fiberops.mobile.tests.test_technician_app_browser import dispatched_install

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BUDGET_BYTES = 300 * 1024


class Meter:
    """Bytes transferred by every finished request of a browser context."""

    def __init__(self, context) -> None:
        self.context = context
        self.requests: list[tuple[str, int, bool]] = []
        context.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        response = request.response()
        from_cache = bool(response and response.from_service_worker)
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        size += sizes["requestBodySize"] + sizes["requestHeadersSize"]
        if request.url.endswith("/m/sw.js") and response and not sizes["responseBodySize"]:
            # Chromium reports no body size for a service worker's script: count it by hand.
            size += len(self.context.request.get(request.url).body())
        self.requests.append((request.url, 0 if from_cache else size, from_cache))

    def reset(self) -> None:
        self.requests.clear()

    @property
    def total(self) -> int:
        return sum(size for _, size, _ in self.requests)


def test_r_apt_2_first_load_is_at_most_300_kb_and_later_loads_come_from_the_cache(
    world, phone, live_server
):
    world.technician_user.set_password("pw-tech")
    world.technician_user.save()
    dispatched_install(world)
    page = phone.new_page()
    meter = Meter(phone)
    page.goto(f"{live_server.url}/m/")
    page.fill("input[name=username]", "tech")
    page.fill("input[name=password]", "pw-tech")
    meter.reset()  # from the sign-in button on: the app's own first load
    page.click("button.primary")
    page.wait_for_selector("article.card")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    first = meter.total
    print(f"\nfirst load: {first / 1024:.1f} KB in {len(meter.requests)} requests")
    for url, size, _ in meter.requests:
        print(f"  {size:>7} {url.removeprefix(live_server.url)}")
    assert first <= BUDGET_BYTES
    assert any(url.endswith("/static/mobile/app.js") for url, _, _ in meter.requests)

    meter.reset()
    page.reload()
    page.wait_for_selector("article.card")
    page.wait_for_load_state("networkidle")
    from_network = {url.removeprefix(live_server.url) for url, size, _ in meter.requests if size}
    print(f"later load: {meter.total / 1024:.1f} KB from the network: {sorted(from_network)}")
    assert not any(path.startswith(("/m/", "/static/")) for path in from_network - {"/m/sw.js"})
    assert "/api/v1/me/queue/" in from_network  # reads stay fresh: network first
    connections.close_all()
