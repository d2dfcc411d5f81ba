"""Network resources (R-RES-1): the access network from the exchange to the customer.

OLT (光线路终端) → PON port (PON口) → first-level splitter (一级分光器) → second-level splitter box
(二级分光箱/分纤箱) → splitter port (分光器端口) → the customer's ONT (光猫). Each element has a
unique code, a grid and a state; a port's occupancy changes only through `network/actions.py`,
each change an append-only `PortEvent` (docs/network.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fiberops.core.models import AppendOnlyModel
from fiberops.network.choices import PortEventKind, PortState, ResourceState
from fiberops.workforce.models import ScopedQuerySet


class GridScopedQuerySet(ScopedQuerySet):
    """`visible_to` for resources placed in a grid (`grid`): the office of a branch reads its
    branch's network, a team leader and a technician their grid."""

    branch_path = "grid__branch_id"

    def team_scope(self, user) -> Q:
        return Q(grid__teams=user.team_id)

    def technician_scope(self, user) -> Q:
        return Q(grid__teams__technicians__user=user.pk)


class PortScopedQuerySet(GridScopedQuerySet):
    branch_path = "box__grid__branch_id"

    def team_scope(self, user) -> Q:
        return Q(box__grid__teams=user.team_id)

    def technician_scope(self, user) -> Q:
        return Q(box__grid__teams__technicians__user=user.pk)


class PonPortQuerySet(GridScopedQuerySet):
    branch_path = "olt__grid__branch_id"

    def team_scope(self, user) -> Q:
        return Q(olt__grid__teams=user.team_id)

    def technician_scope(self, user) -> Q:
        return Q(olt__grid__teams__technicians__user=user.pk)


def _state_field():
    return models.CharField(
        _("state"), max_length=16, choices=ResourceState.choices, default=ResourceState.IN_SERVICE
    )


def _lat_field():
    return models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)


def _lng_field():
    return models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )


class Olt(models.Model):
    """Optical line terminal (光线路终端, OLT) in an exchange: the head of the PON tree."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, blank=True)
    grid = models.ForeignKey(
        "workforce.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="olts"
    )
    model_name = models.CharField(_("equipment model"), max_length=64, blank=True)
    lat = _lat_field()
    lng = _lng_field()
    state = _state_field()

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("OLT")
        verbose_name_plural = _("OLTs")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ResourceState.values), name="olt_state_valid"
            )
        ]

    def __str__(self) -> str:
        return self.code


class PonPort(models.Model):
    """A PON port (PON口) of an OLT: one optical tree of up to 64 customers hangs from it. Its
    grid and location are its OLT's."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, blank=True)
    olt = models.ForeignKey(
        Olt, verbose_name=_("OLT"), on_delete=models.PROTECT, related_name="pon_ports"
    )
    slot = models.PositiveSmallIntegerField(_("slot"), default=1)
    number = models.PositiveSmallIntegerField(_("port number"))
    state = _state_field()

    objects = PonPortQuerySet.as_manager()

    class Meta:
        verbose_name = _("PON port")
        verbose_name_plural = _("PON ports")
        ordering = ["olt", "slot", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["olt", "slot", "number"], name="pon_port_unique_slot_number"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ResourceState.values), name="pon_port_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Splitter(models.Model):
    """First-level splitter (一级分光器), fed by a PON port; its outputs feed splitter boxes."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, blank=True)
    pon_port = models.ForeignKey(
        PonPort,
        verbose_name=_("PON port"),
        on_delete=models.PROTECT,
        related_name="splitters",
        null=True,
        blank=True,
    )
    grid = models.ForeignKey(
        "workforce.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="splitters"
    )
    ratio = models.PositiveSmallIntegerField(_("split ratio (1:N)"), default=8)
    lat = _lat_field()
    lng = _lng_field()
    state = _state_field()

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("first-level splitter")
        verbose_name_plural = _("first-level splitters")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ResourceState.values), name="splitter_state_valid"
            ),
            models.CheckConstraint(condition=Q(ratio__gte=2), name="splitter_ratio_at_least_2"),
        ]

    def __str__(self) -> str:
        return self.code


class Ont(models.Model):
    """The customer's ONT (光猫), by its serial number, on the port its drop cable ends at."""

    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    model_name = models.CharField(_("equipment model"), max_length=64, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="onts",
        null=True,
        blank=True,
    )
    port = models.ForeignKey(
        "network.SplitterPort",
        verbose_name=_("splitter port"),
        on_delete=models.SET_NULL,
        related_name="onts",
        null=True,
        blank=True,
    )
    state = _state_field()

    class Meta:
        verbose_name = _("ONT")
        verbose_name_plural = _("ONTs")
        ordering = ["serial"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ResourceState.values), name="ont_state_valid"
            )
        ]

    def __str__(self) -> str:
        return self.serial


class PortEvent(AppendOnlyModel):
    """One change of a splitter port's occupancy (端口占用记录), append-only (R-RES-1). The work
    order is kept by its id only: `network` sits below `workorders` and does not know it."""

    port = models.ForeignKey(
        "network.SplitterPort",
        verbose_name=_("splitter port"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PortEventKind.choices)
    from_state = models.CharField(_("from state"), max_length=16, choices=PortState.choices)
    to_state = models.CharField(_("to state"), max_length=16, choices=PortState.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    work_order_id = models.PositiveBigIntegerField(_("work order id"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("occurred at"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("port event")
        verbose_name_plural = _("port events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["port", "at"], name="portevent_port_time")]

    def __str__(self) -> str:
        return f"{self.port_id} {self.kind}"


class ElementEvent(AppendOnlyModel):
    """One correction of a network element's record (资源更正, R-RES-3), append-only: the element
    by kind and code, the field, the value before and after, who and why (a discrepancy found on
    site). Written only by `network.actions.correct_element`; a port's occupancy is not corrected
    here but through the port actions and their `PortEvent`."""

    element_kind = models.CharField(_("element kind"), max_length=32)
    element_code = models.CharField(_("element code"), max_length=64)
    field = models.CharField(_("field"), max_length=32)
    from_value = models.CharField(_("from value"), max_length=200, blank=True)
    to_value = models.CharField(_("to value"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("occurred at"))
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        verbose_name = _("element event")
        verbose_name_plural = _("element events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["element_kind", "element_code", "at"], name="elementevent_element")
        ]

    def __str__(self) -> str:
        return f"{self.element_kind} {self.element_code} {self.field}"


class SplitterBox(models.Model):
    """Second-level splitter box (二级分光箱/分纤箱) in a grid."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, blank=True)
    grid = models.ForeignKey(
        "workforce.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="boxes"
    )
    splitter = models.ForeignKey(
        Splitter,
        verbose_name=_("first-level splitter"),
        on_delete=models.PROTECT,
        related_name="boxes",
        null=True,
        blank=True,
    )
    port_count = models.PositiveSmallIntegerField(_("port count"), default=8)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    state = _state_field()

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("splitter box")
        verbose_name_plural = _("splitter boxes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ResourceState.values), name="splitter_box_state_valid"
            )
        ]

    def __str__(self) -> str:
        return self.code


class SplitterPort(models.Model):
    """A port on a splitter box (分光器端口), to which one customer's drop cable connects."""

    box = models.ForeignKey(
        SplitterBox, verbose_name=_("splitter box"), on_delete=models.CASCADE, related_name="ports"
    )
    number = models.PositiveSmallIntegerField(_("port number"))
    # Written only by network/actions.py (occupy, release, mark faulty, repair), with an event.
    state = models.CharField(
        _("state"), max_length=16, choices=PortState.choices, default=PortState.FREE
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="ports",
        null=True,
        blank=True,
    )
    work_order_id = models.PositiveBigIntegerField(_("work order id"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)

    objects = PortScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("splitter port")
        verbose_name_plural = _("splitter ports")
        ordering = ["box", "number"]
        constraints = [
            models.UniqueConstraint(fields=["box", "number"], name="splitter_port_unique_number"),
            models.CheckConstraint(
                condition=Q(state__in=PortState.values), name="splitter_port_state_valid"
            ),
            # Who holds the port is known only while it is occupied.
            models.CheckConstraint(
                condition=Q(state=PortState.OCCUPIED)
                | Q(customer__isnull=True, work_order_id__isnull=True),
                name="splitter_port_holder_only_when_occupied",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.box.code}-{self.number:02d}"


# --- community and village switches (R-INS-3, R-RES-1) ----------------------------------------


class SwitchKind(models.TextChoices):
    COMMUNITY = "community", _("Community switch")
    VILLAGE = "village", _("Village switch")


class SwitchState(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")
    FAULTY = "faulty", _("Faulty")


class DeviceProfile(models.Model):
    """Where a switch model keeps its figures over SNMP (设备型号): the uplink's counters and speed
    (IF-MIB column OIDs, the uplink's ifIndex appended), CPU and memory (HOST-RESOURCES-MIB or the
    vendor's MIB, whole instance OIDs). A switch without a profile is read with the standard
    MIBs (`inspections.snmp.STANDARD`)."""

    name = models.CharField(_("device model"), max_length=64, unique=True)
    in_octets_oid = models.CharField(
        _("inbound octets OID"), max_length=128, default="1.3.6.1.2.1.31.1.1.1.6"
    )
    out_octets_oid = models.CharField(
        _("outbound octets OID"), max_length=128, default="1.3.6.1.2.1.31.1.1.1.10"
    )
    speed_oid = models.CharField(_("speed OID"), max_length=128, default="1.3.6.1.2.1.31.1.1.1.15")
    speed_unit_bps = models.PositiveIntegerField(
        _("speed unit (bit/s)"),
        default=1_000_000,
        help_text=_("1000000 for ifHighSpeed (Mbit/s), 1 for ifSpeed (bit/s)."),
    )
    counter_bits = models.PositiveSmallIntegerField(
        _("counter width (bits)"), choices=[(32, "32"), (64, "64")], default=64
    )
    cpu_oids = models.CharField(
        _("CPU load OIDs"),
        max_length=512,
        default="1.3.6.1.2.1.25.3.3.1.2.196608",
        help_text=_("One or more OIDs separated by spaces; their average is the CPU load."),
    )
    mem_used_oid = models.CharField(
        _("memory used OID"), max_length=128, blank=True, default="1.3.6.1.2.1.25.2.3.1.6.1"
    )
    mem_size_oid = models.CharField(
        _("memory size OID"), max_length=128, blank=True, default="1.3.6.1.2.1.25.2.3.1.5.1"
    )
    mem_percent_oid = models.CharField(
        _("memory percentage OID"),
        max_length=128,
        blank=True,
        help_text=_("A vendor MIB's memory use in percent; when set, used and size are ignored."),
    )

    class Meta:
        verbose_name = _("device profile")
        verbose_name_plural = _("device profiles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SwitchQuerySet(models.QuerySet):
    """Scope as the grids (R-SEC-1): a switch is visible to who sees its grid."""

    def visible_to(self, user):
        from fiberops.workforce.models import Grid

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_operator_wide:
            return self.all()
        return self.filter(grid__in=Grid.objects.visible_to(user).values("pk"))


class Switch(models.Model):
    """A community or village switch (小区/农村交换机) in a grid, read over SNMP (R-INS-3): its
    management address, community and device profile, and its uplink — the interface (name and
    ifIndex) whose utilisation is measured, and what it connects up to: an OLT or, for a switch
    cascaded behind another (village switches), that switch."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=SwitchKind.choices, default=SwitchKind.COMMUNITY
    )
    grid = models.ForeignKey(
        "workforce.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="switches"
    )
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=SwitchState.choices, default=SwitchState.IN_SERVICE
    )
    management_address = models.GenericIPAddressField(_("management address"), protocol="IPv4")
    snmp_port = models.PositiveIntegerField(_("SNMP port"), default=161)
    snmp_community = models.CharField(_("SNMP community"), max_length=64, default="public")
    device_model = models.CharField(_("device model"), max_length=64, blank=True)
    profile = models.ForeignKey(
        DeviceProfile,
        verbose_name=_("device profile"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="switches",
        help_text=_("Empty: the standard IF-MIB and HOST-RESOURCES-MIB OIDs."),
    )
    uplink_interface = models.CharField(_("uplink interface"), max_length=64, blank=True)
    uplink_if_index = models.PositiveIntegerField(_("uplink ifIndex"), default=1)
    # What the uplink connects up to (R-RES-1): an OLT (community switches in the PON tree's
    # exchange) or another switch (a village switch cascaded behind another); at most one.
    uplink_olt = models.ForeignKey(
        Olt,
        verbose_name=_("uplink OLT"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="switches",
    )
    uplink_switch = models.ForeignKey(
        "self",
        verbose_name=_("uplink switch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="downlinks",
    )

    objects = SwitchQuerySet.as_manager()

    class Meta:
        verbose_name = _("switch")
        verbose_name_plural = _("switches")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(snmp_port__gte=1, snmp_port__lte=65535),
                name="switch_snmp_port_range",
            ),
            models.CheckConstraint(
                condition=models.Q(uplink_olt__isnull=True) | models.Q(uplink_switch__isnull=True),
                name="switch_one_uplink",
                violation_error_message=_(
                    "The uplink connects to one element: an OLT or a switch, not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def uplink(self) -> "Olt | Switch | None":
        """The element the uplink connects to: an OLT, another switch, or None."""
        return self.uplink_olt or self.uplink_switch

    def clean(self) -> None:
        super().clean()
        # Walk up the cascade: a switch may not (indirectly) be its own uplink.
        seen = {self.pk} if self.pk is not None else set()
        above = self.uplink_switch
        while above is not None:
            if above.pk in seen or above.code == self.code:
                raise ValidationError(
                    {"uplink_switch": _("A switch cannot be above itself in the uplinks.")}
                )
            seen.add(above.pk)
            above = above.uplink_switch
