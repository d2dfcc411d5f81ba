"""A real browser (Debian's Chromium driven by Playwright) on the evidence pages (issue 8): the
auditor filters /photos/audit/ by `reused` and finds the row; the order page's evidence section
at desktop (1360×900) and phone (390×844) sizes shows the thumbnails and never makes the page
scroll sideways. Screenshots land in var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from fiberops.onsite.tests.evidence_helpers import install_with_some_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
SIZES = {"phone": (390, 844), "desktop": (1360, 900)}


@pytest.fixture(autouse=True)
def _at_upload_time():
    """Overrides the package's frozen clock: the browser's session cookie must not have expired
    by the real clock. The evidence helpers freeze time themselves while they write."""
    yield


def sign_in(page, live_server, user, url: str) -> None:
    user.set_password("pw-browser")
    user.save()
    page.goto(f"{live_server.url}{url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-browser")
    page.click("button.primary")


@pytest.mark.parametrize("size", list(SIZES))
def test_r_pho_4_the_auditor_filters_by_reused_and_sees_the_row(world, page, live_server, size):
    order, earlier = install_with_some_evidence(world)
    reused = order.photos.get(kind="route")
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    SHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, live_server, world.auditor, "/photos/audit/")
    page.wait_for_selector("table.photo-audit")
    page.select_option("select[name=flag]", "reused")
    page.click("form.filters button.primary")
    page.wait_for_url("**flag=reused**")

    rows = page.locator("tr.audit-row")
    assert rows.count() == 1
    row = rows.first
    assert row.get_attribute("data-photo") == str(reused.pk)
    assert order.bss_order_no in row.inner_text()
    assert earlier.bss_order_no in row.locator("td.flags").inner_text()
    thumbnail = row.locator("td.thumb img")
    thumbnail.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth", thumbnail.element_handle())
    page.screenshot(path=str(SHOTS / f"photo-audit-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    row.locator("td.order a").click()
    page.wait_for_selector("#evidence")
    assert page.locator("#evidence .slot.missing").count() == 2
    images = page.locator("#evidence figure.photo img")
    assert images.count() == 2
    for n in range(images.count()):
        images.nth(n).scroll_into_view_if_needed()  # lazy images load when seen
        handle = images.nth(n).element_handle()
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=handle)
    page.screenshot(path=str(SHOTS / f"order-evidence-{size}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"the order page scrolls sideways at {width}px: {overflow}px"
    connections.close_all()
