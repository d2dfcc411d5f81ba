"""An action taken offline that the server refuses when it is replayed is shown to the
technician with the server's Chinese message until dismissed — never dropped (issue 7, offline).
Here the dispatcher hands the order to a colleague while the phone has no signal. Signing out
then drops the phone's copy of the orders."""

import pytest
from django.db import connections

from fiberops.mobile.tests.test_technician_app_browser import SHOTS, dispatched_install, sign_in
from fiberops.workorders.actions import handover_order
from fiberops.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_ord_5_replay_refused_after_a_handover_is_shown_until_dismissed(
    world, phone, live_server
):
    world.technician_user.set_password("pw-tech")
    world.technician_user.save()
    order = dispatched_install(world)
    page = phone.new_page()
    sign_in(page, live_server)
    page.locator("article.card a.tap").first.click()
    page.wait_for_selector("section.actions button:text-is('接单')")

    phone.set_offline(True)
    page.locator("section.actions button:text-is('接单')").click()
    page.wait_for_selector("#sync:text-is('1 条待同步')")
    handover_order(order, to=world.teammate, reason="客户要求换人", actor=world.dispatcher)
    phone.set_offline(False)

    refusal = page.locator("#refused .refusal")
    refusal.wait_for()
    assert "接单" in refusal.inner_text()
    assert order.bss_order_no in refusal.inner_text()
    assert "未找到" in refusal.locator(".message").inner_text()  # the server's own message
    page.wait_for_selector("text=此工单已不在您名下")  # the screen reads the order again
    page.screenshot(path=str(SHOTS / "mobile-refused.png"))
    page.wait_for_selector("#sync", state="hidden")  # nothing waits any more …
    page.reload()  # … and the refusal survives a restart of the app
    refusal.wait_for()
    refusal.locator("button:text-is('知道了')").click()
    page.wait_for_selector("#refused", state="hidden")
    current = WorkOrder.objects.get(pk=order.pk)
    assert (current.status, current.technician) == ("dispatched", world.teammate)

    # Signing out leaves none of the technician's orders on the phone.
    page.goto(f"{live_server.url}/m/")
    assert page.evaluate("caches.has('fiberops-api')")
    page.locator("button:text-is('退出登录')").click()
    page.wait_for_url("**/login/?next=/m/")
    assert not page.evaluate("caches.has('fiberops-api')")
    connections.close_all()


def test_r_apt_2_server_error_keeps_the_action_and_it_is_sent_again_on_the_next_start(
    world, phone, live_server
):
    world.technician_user.set_password("pw-tech")
    world.technician_user.save()
    order = dispatched_install(world)
    page = phone.new_page()
    sign_in(page, live_server)
    page.locator("article.card a.tap").first.click()
    page.wait_for_selector("section.actions button:text-is('接单')")

    failures: list[str] = []

    def unavailable(route):
        failures.append(route.request.headers["idempotency-key"])
        route.fulfill(status=503, json={"error": {"code": "unavailable", "message": "维护中"}})

    phone.route("**/accept/", unavailable)
    page.locator("section.actions button:text-is('接单')").click()
    page.wait_for_selector("#sync:text-is('1 条待同步')")
    assert len(failures) == 1
    assert page.locator("#refused").is_hidden()  # a 5xx is not a refusal: kept, not shown
    assert WorkOrder.objects.get(pk=order.pk).status == "dispatched"

    phone.unroute("**/accept/")
    resent: list[str] = []
    phone.on(
        "request",
        lambda request: (
            resent.append(request.headers["idempotency-key"])
            if request.url.endswith("/accept/")
            else None
        ),
    )
    page.reload()  # the next start sends it again, with the same key
    page.wait_for_selector("section.summary .status:text-is('已接单')")
    assert resent == failures
    assert page.locator("#sync").is_hidden()
    assert WorkOrder.objects.get(pk=order.pk).status == "accepted"
    connections.close_all()


def test_r_ord_5_handover_to_an_unknown_staff_number_is_refused_with_the_field_message(
    world, phone, live_server
):
    world.technician_user.set_password("pw-tech")
    world.technician_user.save()
    order = dispatched_install(world)
    page = phone.new_page()
    sign_in(page, live_server)
    page.locator("article.card a.tap").first.click()
    page.locator("section.actions button:text-is('转派')").click()
    page.fill("#f-technician", "Z999")
    page.fill("#f-reason", "临时请假")
    page.locator("#sheet button.primary").click()

    message = page.locator("#refused .refusal .message")
    message.wait_for()
    assert message.inner_text() == "请求中有无效的字段。（没有该工号的装维人员。）"
    assert WorkOrder.objects.get(pk=order.pk).technician == world.technician
    connections.close_all()
