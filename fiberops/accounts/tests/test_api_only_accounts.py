"""Integration accounts are API-only (R-SEC-1): the BSS account signed in to the web UI with its
password and cancelled orders there."""

from django.test import Client

from fiberops.testing import make_order
from fiberops.workorders.states import Status


def test_r_sec_1_the_integration_account_cannot_sign_in_to_the_web_ui(world):
    client = Client()
    response = client.post("/login/", {"username": "bss", "password": "pw-bss"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "集成账号只能通过 API" in response.content.decode()
    order = make_order(world)
    cancel = client.post(f"/orders/{order.pk}/cancel/", {"reason": "测试"})
    assert cancel.status_code == 302 and "/login/" in cancel["Location"]
    order.refresh_from_db()
    assert order.status != Status.CANCELLED


def test_r_sec_1_the_integration_account_cannot_sign_in_to_the_admin(world):
    world.bss.is_staff = True  # even if someone ticks "staff" by mistake
    world.bss.save()
    client = Client()
    response = client.post(
        "/admin/login/", {"username": "bss", "password": "pw-bss", "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_r_sec_1_the_integration_account_still_uses_the_api(world):
    assert world.client(world.bss).get("/api/v1/work-orders/").status_code == 200


def test_people_still_sign_in(world):
    client = Client()
    assert (
        client.post("/login/", {"username": "dispatcher", "password": "pw-dispatcher"}).status_code
        == 302
    )
    assert "_auth_user_id" in client.session
