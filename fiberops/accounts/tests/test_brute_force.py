"""Brute force (R-SEC-1): sign-in locks by account and by address; failed API tokens are throttled.

Before django-axes and the throttled token class, 100 wrong passwords then the right one signed
in, and 200 random tokens got 200 × 401 with no slowing."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from fiberops.testing import intake_payload


@pytest.fixture(autouse=True)
def _fresh_counts(db, settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.TOKEN_FAILURE_LIMIT = 20
    cache.clear()
    yield
    cache.clear()


def sign_in(username: str, password: str, address: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def test_r_sec_1_wrong_passwords_lock_the_account_even_for_the_right_one(world):
    for _ in range(4):
        assert sign_in("dispatcher", "wrong").status_code == 200  # the form again
    assert sign_in("dispatcher", "wrong").status_code == 429  # the fifth failure locks
    locked = sign_in("dispatcher", "pw-dispatcher")
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.wsgi_request.session
    page = locked.content.decode()
    assert "登录已锁定" in page and "15 分钟" in page
    # From another address too: the account itself is locked.
    assert sign_in("dispatcher", "pw-dispatcher", address="10.9.9.9").status_code == 429
    # Other accounts from other addresses are unaffected.
    assert sign_in("manager", "pw-manager", address="10.9.9.9").status_code == 302


def test_r_sec_1_one_address_trying_many_accounts_is_locked(world):
    for n in range(5):
        sign_in(f"nobody{n}", "guess", address="10.0.0.66")
    assert sign_in("manager", "pw-manager", address="10.0.0.66").status_code == 429
    assert sign_in("manager", "pw-manager", address="10.0.0.67").status_code == 302


def test_r_sec_1_a_success_clears_the_count(world):
    for _ in range(4):
        sign_in("leader", "wrong")
    assert sign_in("leader", "pw-leader").status_code == 302
    for _ in range(4):
        sign_in("leader", "wrong")
    assert sign_in("leader", "pw-leader").status_code == 302


def test_r_sec_1_random_api_tokens_are_throttled_per_address(world):
    answers = []
    for n in range(25):
        client = APIClient(REMOTE_ADDR="10.0.0.5")
        client.credentials(HTTP_AUTHORIZATION=f"Token {n:040x}")
        answers.append(client.get("/api/v1/work-orders/").status_code)
    assert answers[:20] == [401] * 20
    assert answers[20:] == [429] * 5
    # Once throttled, even a valid token from that address waits: a hit must not stand out.
    good = world.client(world.bss)
    good.defaults["REMOTE_ADDR"] = "10.0.0.5"
    refused = good.get("/api/v1/work-orders/")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_failed_tokens"
    assert int(refused["Retry-After"]) > 0
    # Another address is not affected.
    elsewhere = world.client(world.bss)
    elsewhere.defaults["REMOTE_ADDR"] = "10.0.0.6"
    assert (
        elsewhere.post("/api/v1/work-orders/", intake_payload(), format="json").status_code == 201
    )
