"""Customer files (客户档案) with protected personal information (R-CUS-1, R-CUS-5)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fiberops.core.masking import mask_address, mask_phone
from fiberops.core.models import AppendOnlyModel


class Customer(models.Model):
    """A home-broadband customer (家客用户): contact, address and its location."""

    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    address = models.CharField(_("address"), max_length=255)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    grid = models.ForeignKey(
        "workforce.Grid",
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    #: 重点客户 (R-CUS-2): the dispatcher board serves their unassigned orders before the
    #: ordinary ones of the same urgency (issue 9). Set in the admin.
    is_key = models.BooleanField(
        _("key customer"),
        default=False,
        help_text=_(
            "Key customers' orders come first in the dispatcher's queue after faults "
            "and second appointments."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["phone", "address"], name="customer_phone_address")
        ]

    def __str__(self) -> str:
        return f"{self.masked_name} {self.masked_phone}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)

    @property
    def approximate_lat(self) -> Decimal | None:
        return round(self.lat, 2) if self.lat is not None else None

    @property
    def approximate_lng(self) -> Decimal | None:
        return round(self.lng, 2) if self.lng is not None else None

    @property
    def masked_name(self) -> str:
        return (self.name[:1] + "*" * (len(self.name) - 1)) if self.name else ""


class UnmaskEvent(AppendOnlyModel):
    """Append-only log of every time someone saw a customer's full phone or address (R-CUS-5)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="unmaskings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    fields = models.CharField(_("fields revealed"), max_length=64)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=8, default="web")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unmasking log entry")
        verbose_name_plural = _("unmasking log")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.fields} of customer {self.customer_id}"
