"""A superuser is an administrator (R-SEC-1): `createsuperuser` gives the role admin, not the
field default (technician), so the operator-wide desks and dispatching are open to them."""

from django.core.management import call_command

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User


def test_createsuperuser_makes_an_admin(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password")
    call_command(
        "createsuperuser", interactive=False, username="root", email="root@example.com", verbosity=0
    )
    root = User.objects.get(username="root")
    assert root.is_superuser
    assert root.role == Role.ADMIN
    assert root.check_password("a-long-enough-password")


def test_create_superuser_keeps_an_explicit_role(db):
    user = User.objects.create_superuser("ops", password="pw", role=Role.CS_AGENT)
    assert user.role == Role.CS_AGENT


def test_create_user_keeps_the_technician_default(db):
    assert User.objects.create_user("field", password="pw").role == Role.TECHNICIAN
