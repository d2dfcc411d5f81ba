"""`manage.py create_api_token` prints a token that authenticates (R-SEC-2)."""

import io

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> str:
    out = io.StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_r_sec_2_create_api_token_prints_a_working_token_and_is_stable(world):
    token = run("bss")
    assert len(token) == 40
    assert run("bss") == token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/work-orders/").status_code == 200
    assert run("bss", "--rotate") != token


def test_r_sec_2_unknown_user_is_an_error(world):
    with pytest.raises(CommandError):
        run("nobody")


def test_r_sec_1_create_integration_makes_an_api_only_account_without_password(db):
    from fiberops.accounts.models import User

    token = run("bss_prod", "--create-integration")
    user = User.objects.get(username="bss_prod")
    assert user.role == "integration" and not user.has_usable_password()
    assert run("bss_prod", "--create-integration") == token  # idempotent
