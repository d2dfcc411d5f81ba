"""Users, their role and the scope that role applies to (R-SEC-1)."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fiberops.accounts.choices import OPERATOR_WIDE_ROLES, Role


class UserManager(DjangoUserManager):
    """Django's user manager, except that a superuser is an administrator by default."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # The field default (technician) would leave `createsuperuser`'s user refused at every
        # desk that checks the role; a superuser is an admin unless a role is given.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person or system that signs in (用户). Scope: branch for branch roles, team for teams."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.TECHNICIAN)
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    branch = models.ForeignKey(
        "workforce.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Scope of branch managers and dispatchers."),
    )
    team = models.ForeignKey(
        "workforce.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Scope of team leaders."),
    )

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_branch_roles_have_branch",
                condition=~Q(role__in=["branch_manager", "dispatcher"]) | Q(branch__isnull=False),
            ),
            models.CheckConstraint(
                name="user_team_leader_has_team",
                condition=~Q(role="team_leader") | Q(team__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_operator_wide(self) -> bool:
        return self.role in OPERATOR_WIDE_ROLES or self.is_superuser

    def has_role(self, *roles: str) -> bool:
        return self.role in roles or (self.is_superuser and Role.ADMIN in roles)
