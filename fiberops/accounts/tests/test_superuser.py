"""A superuser is an administrator (R-SEC-1): `createsuperuser` gives the role admin, not the
field default (technician), so the operator-wide desks and dispatching are open to them."""

import datetime as dt

import time_machine
from django.core.management import call_command

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.testing import make_order

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def createsuperuser(monkeypatch, username: str) -> User:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password")
    call_command(
        "createsuperuser",
        interactive=False,
        username=username,
        email=f"{username}@example.com",
        verbosity=0,
    )
    return User.objects.get(username=username)


def test_createsuperuser_makes_an_admin(db, monkeypatch):
    root = createsuperuser(monkeypatch, "root")
    assert root.is_superuser
    assert root.role == Role.ADMIN
    assert root.check_password("a-long-enough-password")


@time_machine.travel(NOW, tick=False)
def test_a_superuser_from_createsuperuser_may_dispatch(world, monkeypatch):
    root = createsuperuser(monkeypatch, "root")
    order = make_order(world, order_type="fault", accepted_at=NOW)
    response = world.client(root).post(
        f"/api/v1/work-orders/{order.pk}/dispatch/", {"technician": "Z001"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "dispatched"


def test_create_superuser_keeps_an_explicit_role(db):
    user = User.objects.create_superuser("ops", password="pw", role=Role.CS_AGENT)
    assert user.role == Role.CS_AGENT


def test_create_user_keeps_the_technician_default(db):
    assert User.objects.create_user("field", password="pw").role == Role.TECHNICIAN
