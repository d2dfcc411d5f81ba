"""On-site work: the technician's photos of the work (照片, R-PHO-1..5), the acceptance readings
(R-ACC-1..5), the ten-step visit checklist (十步法, R-SITE-1..5) and the customer's sign-off
(R-SITE-3, R-SITE-6)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fiberops.core.models import AppendOnlyModel
from fiberops.workforce.models import ScopedQuerySet
from fiberops.workorders.models import WorkOrder
from fiberops.workorders.states import OrderType


class PhotoKind(models.TextChoices):
    """The typed slots of the evidence (R-PHO-1)."""

    ROUTE = "route", _("Drop cable route at the box exit")  # 室外皮线路由
    SPLITTER_LABEL = "splitter_label", _("Splitter box label close-up")  # 分光箱标签近景
    ONT_STB = "ont_stb", _("ONT and set-top box")  # 光猫及机顶盒
    ACCEPTANCE_FORM = "acceptance_form", _("Signed acceptance form")  # 验收评价表


class PhotoFlag(models.TextChoices):
    """What the audit found suspicious (R-PHO-4); each comes with its evidence in `audit`."""

    TAKEN_OUTSIDE_VISIT = "taken_outside_visit", _("Taken outside the visit")
    FAR_FROM_SITE = "far_from_site", _("Taken far from the site")
    REUSED = "reused", _("Reused from another order")
    LABEL_MISMATCH = "label_mismatch", _("Label does not match the order")
    LABEL_UNREADABLE = "label_unreadable", _("Label unreadable")


#: Bits per band of the perceptual hash: four bands of a 64-bit hash (multi-index hashing).
BAND_BITS = 16
BANDS = 4


class PhotoQuerySet(ScopedQuerySet):
    """Photos are seen by whoever sees their order (docs/architecture.md, "Scopes")."""

    branch_path = "order__grid__branch_id"
    technician_user_path = "order__technician__user_id"

    def team_scope(self, user) -> models.Q:
        return models.Q(order__in=WorkOrder.objects.visible_to(user))


def photo_path(photo: "Photo", filename: str) -> str:
    """`photos/<order id>/<sha256>.<ext>`: no customer's name, address or phone in a path."""
    return f"photos/{photo.order_id}/{filename}"


class Photo(models.Model):
    """A photo of the on-site work (施工照片) in one of the typed slots, stored with a thumbnail,
    its EXIF time and position, its perceptual hash and the audit's findings (R-PHO-1..5).
    Written only by `onsite.actions.add_photo`; one row per content (sha256) per order."""

    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="photos",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PhotoKind.choices)
    file = models.FileField(_("file"), upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_path, max_length=200)
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=32)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    bytes = models.PositiveIntegerField(_("size (bytes)"))
    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    taken_offset = models.CharField(
        _("EXIF time zone offset"),
        max_length=8,
        blank=True,
        help_text=_("OffsetTimeOriginal as written by the camera, e.g. +08:00; blank if none."),
    )
    lat = models.DecimalField(
        _("latitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    lng = models.DecimalField(
        _("longitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phash = models.BigIntegerField(
        _("perceptual hash"), help_text=_("64-bit pHash stored as a signed integer.")
    )
    # Multi-index hashing (R-PHO-4 `reused`): two hashes within Hamming distance 3 agree exactly
    # on at least one of four 16-bit bands, and two within 7 agree on one to within 1 bit, so the
    # candidates come from index look-ups of the bands (onsite/actions.py: reuse_candidates).
    band0 = models.PositiveIntegerField(_("hash band 1"), db_index=True)
    band1 = models.PositiveIntegerField(_("hash band 2"), db_index=True)
    band2 = models.PositiveIntegerField(_("hash band 3"), db_index=True)
    band3 = models.PositiveIntegerField(_("hash band 4"), db_index=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    audit = models.JSONField(_("audit evidence"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    occurred_at = models.DateTimeField(_("taken in the app at"))

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "sha256"], name="photo_unique_content_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.kind}/{self.sha256[:12]}"


def describe_photo(data: dict) -> str:
    """The timeline's label of a `photo_added` event: the slot and the audit's flags
    ("分光箱标签近景 · 标签与工单不符")."""
    kind = data.get("kind")
    parts = [str(PhotoKind(kind).label)] if kind in PhotoKind.values else []
    parts += [
        str(PhotoFlag(flag).label) for flag in data.get("flags", []) if flag in PhotoFlag.values
    ]
    return " · ".join(parts)


class AcceptanceElement(models.TextChoices):
    """装机挂测四要素 and the ONT's activation (R-ACC-1..5)."""

    RESOURCE = "resource", _("Resource accurate")  # 资源准确
    AAA = "aaa", _("AAA account synchronised")  # 3A信息同步
    OPTICAL_POWER = "optical_power", _("Optical power normal")  # 光衰正常
    SPEED = "speed", _("Speed meets the plan")  # 速率达标
    ONT = "ont", _("ONT activated (LOID, PPPoE)")  # 终端激活


class ReadingSource(models.TextChoices):
    TYPED = "typed", _("Typed")
    SCANNED = "scanned", _("Scanned (label QR)")
    ADAPTER = "adapter", _("Asked through an adapter")


class AcceptanceReading(AppendOnlyModel):
    """One reading of an acceptance element with its verdict (R-ACC-1..5). Append-only: a new
    reading replaces an old one for the gate, the old stays as history. `values` keeps the raw
    reading, `source` where it came from."""

    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="acceptance_readings",
    )
    element = models.CharField(_("element"), max_length=16, choices=AcceptanceElement.choices)
    values = models.JSONField(_("reading"), default=dict)
    source = models.CharField(_("source"), max_length=8, choices=ReadingSource.choices)
    ok = models.BooleanField(_("holds"))
    code = models.CharField(_("verdict code"), max_length=32)
    message = models.CharField(_("verdict"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("measured at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acceptance reading")
        verbose_name_plural = _("acceptance readings")
        ordering = ["order", "element", "recorded_at", "id"]
        indexes = [models.Index(fields=["order", "element"], name="reading_order_element")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.element} {self.code}"


# --- the visit checklist: 上门实施标准十步法 (R-SITE-1..5) -------------------------------------


class ChecklistStep(models.IntegerChoices):
    """The ten steps of the on-site standard (上门实施标准十步法, R-SITE-1)."""

    APPOINTMENT = 1, _("Make an appointment before the visit")  # 上门之前需预约
    COMMUNICATE = 2, _("Communicate after entering")  # 入室之后需沟通
    CAREFUL_WORK = 3, _("Work carefully on site")  # 现场实施需谨慎
    CABLING = 4, _("Cable to the standard")  # 综合布线需规范
    SAFETY = 5, _("Follow the safety rules")  # 安全规范需遵守
    CERTIFY = 6, _("Certify the work when done")  # 实施完毕需认证
    RECORDS = 7, _("Keep accurate records")  # 准确无误建档案
    GUIDE_USER = 8, _("Guide the user")  # 指导用户很关键
    REMIND = 9, _("Remind the user before leaving")  # 结束莫忘再提醒
    CLEAN_UP = 10, _("Clean up the site")  # 清理现场显素质


class ChecklistPhase(models.TextChoices):
    """When in the visit an item is checked (R-SITE-2, R-SITE-4, R-SITE-5)."""

    BEFORE_ENTRY = "before_entry", _("Before entering")
    SAFETY = "safety", _("Safety")
    WORK = "work", _("Work")
    BEFORE_LEAVING = "before_leaving", _("Before leaving")


class ChecklistAnswer(models.TextChoices):
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")  # 不适用


class ChecklistTemplate(models.Model):
    """The visit checklist of one order type (现场检查单, R-SITE-1): its items are the ten steps
    broken down into things a technician ticks on site. Edited in the Django admin; an order
    whose type has no active template has no checklist and nothing blocks its completion."""

    order_type = models.CharField(
        _("order type"), max_length=16, choices=OrderType.choices, unique=True
    )
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["order_type"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One thing to tick on site (e.g. 穿好鞋套). `code` is stable: answers name the item by it
    and keep a snapshot of the label, so editing a label does not rewrite history."""

    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_("Stable identifier used by the app and the answers; do not change it."),
    )
    step = models.PositiveSmallIntegerField(_("step of the ten"), choices=ChecklistStep.choices)
    phase = models.CharField(_("phase"), max_length=16, choices=ChecklistPhase.choices)
    label = models.CharField(_("label"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    allows_not_applicable = models.BooleanField(_("may be answered not applicable"), default=False)
    needs_partner = models.BooleanField(
        _("needs a second person"),
        default=False,
        help_text=_("Answered done only with a second technician of the same branch present."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="checklistitem_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class ChecklistTick(AppendOnlyModel):
    """One answer to a checklist item on one visit (R-SITE-1..5): who, when, done or not
    applicable, and for a two-person item the second technician. Append-only: a later answer
    to the same item replaces the earlier one for the gate, the earlier stays as history."""

    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="checklist_ticks",
    )
    visit = models.ForeignKey(
        "workorders.SiteVisit",
        verbose_name=_("site visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    item_code = models.SlugField(_("item code"), max_length=40)
    label = models.CharField(_("label (as answered)"), max_length=200)
    answer = models.CharField(_("answer"), max_length=16, choices=ChecklistAnswer.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    partner = models.ForeignKey(
        "workforce.Technician",
        verbose_name=_("second person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("ticked at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        ordering = ["order", "recorded_at", "id"]
        indexes = [models.Index(fields=["order", "item_code"], name="tick_order_item")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.item_code} {self.answer}"


class SafetyDeferral(AppendOnlyModel):
    """The work was deferred to a later day because safety could not be ensured on site, with
    the customer's agreement (R-SITE-4: 夜间作业…不能确保安全的情况下，和用户沟通协调第二天处理).
    `appointment` is the follow-up visit it booked. Append-only."""

    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="safety_deferrals",
    )
    visit = models.ForeignKey(
        "workorders.SiteVisit",
        verbose_name=_("site visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    item_code = models.SlugField(_("safety item"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    customer_agreed = models.BooleanField(_("customer agreed"))
    appointment = models.ForeignKey(
        "workorders.Appointment",
        verbose_name=_("follow-up appointment"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("deferred at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("safety deferral")
        verbose_name_plural = _("safety deferrals")
        ordering = ["order", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer_agreed=True), name="safetydeferral_customer_agreed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.occurred_at:%Y-%m-%d %H:%M}"


def describe_checklist_tick(data: dict) -> str:
    """The timeline's label of a `checklist_recorded` event ("穿好鞋套 · 完成")."""
    answer = data.get("answer")
    parts = [str(data.get("label", data.get("item", "")))]
    if answer in ChecklistAnswer.values:
        parts.append(str(ChecklistAnswer(answer).label))
    if data.get("partner"):
        parts.append(str(data["partner"]))
    return " · ".join(part for part in parts if part)


# --- the customer's sign-off: 满意度 and the signed 业务施工确认单 (R-SITE-3, R-SITE-6) ---


class SatisfactionAnswer(AppendOnlyModel):
    """The customer's answer at the door: satisfied with the work or not (满意度, R-SITE-6).
    Append-only: the latest answer counts; a "not satisfied" after completion sends the order
    back to rework. Written only by `onsite.signoff.record_satisfaction`."""

    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="satisfaction_answers",
    )
    satisfied = models.BooleanField(_("satisfied"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("answered at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        ordering = ["order", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {'satisfied' if self.satisfied else 'not satisfied'}"


def confirmation_path(form: "ConfirmationForm", filename: str) -> str:
    """`confirmations/<order id>/<name>`: no customer's name, address or phone in a path."""
    return f"confirmations/{form.order_id}/{filename}"


class ConfirmationQuerySet(ScopedQuerySet):
    """Confirmation forms are seen by whoever sees their order."""

    branch_path = "order__grid__branch_id"
    technician_user_path = "order__technician__user_id"

    def team_scope(self, user) -> models.Q:
        return models.Q(order__in=WorkOrder.objects.visible_to(user))


class ConfirmationForm(AppendOnlyModel):
    """A signed work confirmation form (业务施工确认单, R-SITE-3): the customer's signature, the
    three-copy PDF made from it and the PDF's SHA-256. Versions 1..n per order: a signature
    after a rework makes a new version and keeps the old. Append-only; the stored PDF is served
    as it was signed, never regenerated. Written only by `onsite.signoff.sign_confirmation`."""

    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="confirmation_forms",
    )
    version = models.PositiveIntegerField(_("version"))
    satisfaction = models.ForeignKey(
        SatisfactionAnswer,
        verbose_name=_("satisfaction answer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signature = models.FileField(_("signature (PNG)"), upload_to=confirmation_path, max_length=200)
    pdf = models.FileField(_("PDF"), upload_to=confirmation_path, max_length=200)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    signer_name = models.CharField(_("signed by (name)"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Scoped reads; the instance guards of `AppendOnlyModel` keep the rows as they were signed.
    objects = ConfirmationQuerySet.as_manager()  # type: ignore[misc,assignment]  # scoped manager

    class Meta:
        verbose_name = _("confirmation form")
        verbose_name_plural = _("confirmation forms")
        ordering = ["order", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "version"], name="confirmation_unique_version_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} v{self.version} {self.sha256[:12]}"
