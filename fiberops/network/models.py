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
