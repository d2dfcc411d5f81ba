"""Network resources referenced by orders (R-RES-1). The OLT → PON → splitter hierarchy comes later;
for now the second-level splitter box and its ports, which install orders name."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SplitterBox(models.Model):
    """Second-level splitter box (二级分光箱/分纤箱) in a grid."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, blank=True)
    grid = models.ForeignKey(
        "workforce.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="boxes"
    )
    port_count = models.PositiveSmallIntegerField(_("port count"), default=8)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("splitter box")
        verbose_name_plural = _("splitter boxes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class SplitterPort(models.Model):
    """A port on a splitter box (分光器端口), to which one customer's drop cable connects."""

    box = models.ForeignKey(
        SplitterBox, verbose_name=_("splitter box"), on_delete=models.CASCADE, related_name="ports"
    )
    number = models.PositiveSmallIntegerField(_("port number"))

    class Meta:
        verbose_name = _("splitter port")
        verbose_name_plural = _("splitter ports")
        ordering = ["box", "number"]
        constraints = [
            models.UniqueConstraint(fields=["box", "number"], name="splitter_port_unique_number")
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
    ifIndex) whose utilisation is measured, and the code of what it connects up to (an OLT or an
    aggregation switch; a code until the OLT hierarchy is in the database)."""

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
    uplink_to = models.CharField(
        _("uplink connects to"),
        max_length=64,
        blank=True,
        help_text=_("The code of the OLT or aggregation switch the uplink connects to."),
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
            )
        ]

    def __str__(self) -> str:
        return self.code
