"""Organisation: branch (区县) → grid (网格) → team (班组) → technician (装维人员) — R-WF-1."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fiberops.accounts.choices import Role
from fiberops.workforce.choices import AreaType


class ScopedQuerySet(models.QuerySet):
    """Base for `visible_to(user)`: the one place a model decides who may read which rows."""

    #: Lookups from this model to its branch and team, and to the technician's user.
    branch_path = ""
    team_path = ""
    technician_user_path = ""

    def branch_scope(self, user) -> Q:
        return Q(**{self.branch_path: user.branch_id})

    def team_scope(self, user) -> Q:
        return Q(**{self.team_path: user.team_id})

    def technician_scope(self, user) -> Q:
        return Q(**{self.technician_user_path: user.pk})

    def visible_to(self, user):
        """Rows `user` may read (R-SEC-1). Out of scope reads as "not found" (docs/architecture)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_operator_wide:
            return self.all()
        if user.role in (Role.BRANCH_MANAGER, Role.DISPATCHER) and user.branch_id:
            return self.filter(self.branch_scope(user))
        if user.role == Role.TEAM_LEADER and user.team_id:
            return self.filter(self.team_scope(user))
        if user.role == Role.TECHNICIAN:
            return self.filter(self.technician_scope(user))
        return self.none()


class Branch(models.Model):
    """County-level branch (区县分公司), urban or rural."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    area_type = models.CharField(_("area type"), max_length=8, choices=AreaType.choices)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class GridQuerySet(ScopedQuerySet):
    branch_path = "branch_id"

    # Subqueries, not joins: a grid has several teams, and a join would repeat the grid.
    def team_scope(self, user) -> Q:
        return Q(pk__in=Team.objects.filter(pk=user.team_id).values("grid_id"))

    def technician_scope(self, user) -> Q:
        return Q(pk__in=Team.objects.filter(technicians__user=user.pk).values("grid_id"))


class Grid(models.Model):
    """Maintenance grid (网格): the unit orders and teams are assigned to."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="grids"
    )

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def area_type(self) -> str:
        return self.branch.area_type


class Team(models.Model):
    """Installation and maintenance team (装维班组) working one grid."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="teams"
    )
    # Where the team's routes start and end (驻点, issue 9's day plans); empty: the centre of
    # the grid's customers (docs/dispatch.md, "Stored plans and re-planning").
    base_lat = models.DecimalField(
        _("base latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    base_lng = models.DecimalField(
        _("base longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """A skill a technician holds (e.g. FTTH install, fault repair, fusion splicing)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TechnicianQuerySet(ScopedQuerySet):
    branch_path = "team__grid__branch_id"
    team_path = "team_id"
    technician_user_path = "user_id"

    def in_grid(self, grid_code: str):
        return self.filter(team__grid__code=grid_code)


class Technician(models.Model):
    """Installation and maintenance technician (装维人员): skills and certification (上岗认证)."""

    staff_no = models.CharField(_("staff number"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=32)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="technician",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="technicians"
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    certified_until = models.DateField(_("certified until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = TechnicianQuerySet.as_manager()

    class Meta:
        verbose_name = _("technician")
        verbose_name_plural = _("technicians")
        ordering = ["staff_no"]

    def __str__(self) -> str:
        return f"{self.name} ({self.staff_no})"

    def is_certified_on(self, day: dt.date) -> bool:
        """R-WF-1: only a technician with valid certification may be dispatched."""
        return self.certified_until is not None and self.certified_until >= day
