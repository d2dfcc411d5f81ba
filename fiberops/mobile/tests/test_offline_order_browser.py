"""Actions taken without signal are sent in the order they were taken (issue 7, offline): accept
then book, both tapped offline — booked first, the server would refuse it (an order is booked
only once accepted). Each carries its own Idempotency-Key and the device time of its tap."""

import pytest
from django.db import connections

from fiberops.mobile.tests.test_technician_app_browser import (
    confirm,
    dispatched_install,
    sign_in,
    status_of,
    tap,
)
from fiberops.workorders.models import OrderEvent, WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_apt_1_two_offline_actions_are_replayed_in_the_order_they_were_taken(
    world, phone, live_server
):
    world.technician_user.set_password("pw-tech")
    world.technician_user.save()
    order = dispatched_install(world)
    page = phone.new_page()
    sign_in(page, live_server)
    page.locator("article.card a.tap").first.click()
    status_of(page, "已派单")

    phone.set_offline(True)
    tap(page, "接单")
    page.wait_for_selector("#sync:text-is('1 条待同步')")
    tap(page, "预约上门")  # offered at once: the app expects the accept to go through
    confirm(page)
    page.wait_for_selector("#sync:text-is('2 条待同步')")
    assert page.locator("section.waiting li").all_inner_texts()[0].startswith("接单")

    keys: list[str] = []
    phone.on(
        "request",
        lambda request: (
            keys.append(request.headers["idempotency-key"]) if request.method == "POST" else None
        ),
    )
    phone.set_offline(False)
    status_of(page, "已预约")
    page.wait_for_selector("#sync", state="hidden")
    assert page.locator("#refused").is_hidden()

    assert WorkOrder.objects.get(pk=order.pk).status == "appointed"
    accepted, appointed = (
        OrderEvent.objects.get(order=order, action=action) for action in ("accept", "appoint")
    )
    assert accepted.occurred_at <= appointed.occurred_at  # the taps' own times, in order
    assert len(keys) == len(set(keys)) == 2
    connections.close_all()
