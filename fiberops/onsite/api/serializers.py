"""API shapes of on-site work: evidence photos (R-PHO-1..5), acceptance readings (R-ACC-1..5)
and the visit checklist (R-SITE-1..5)."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from fiberops.core.api import ShanghaiDateTimeField
from fiberops.onsite.models import (
    AcceptanceElement,
    ChecklistAnswer,
    ChecklistPhase,
    Photo,
    PhotoFlag,
    PhotoKind,
    ReadingSource,
)
from fiberops.onsite.signoff import mask_name
from fiberops.workorders.api.serializers import ActionSerializer, AppointSerializer


class PhotoUploadSerializer(ActionSerializer):
    """POST body (multipart/form-data): the slot and the image file; `occurred_at` is the
    device's time (offline replay)."""

    kind = serializers.ChoiceField(choices=PhotoKind.choices)
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="JPEG, PNG or HEIC, at most PHOTO_MAX_BYTES (15 MB) and PHOTO_MAX_PIXELS "
        "(40 MP).",
    )


def _approximate(value: Decimal | None) -> Decimal | None:
    """Coordinates are shown rounded to 0.01° (R-CUS-5): a photo's GPS is the customer's home."""
    return round(value, 2) if value is not None else None


class PhotoSerializer(serializers.Serializer):
    """A photo with the audit's flags and evidence (R-PHO-4). `url` and `thumbnail_url` are
    the scope-checked file views of the API, never public media."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PhotoKind.choices)
    sha256 = serializers.CharField()
    content_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    bytes = serializers.IntegerField()
    taken_at = ShanghaiDateTimeField(
        allow_null=True, help_text="The EXIF DateTimeOriginal; null when the photo has none."
    )
    taken_offset = serializers.CharField(
        help_text="The EXIF OffsetTimeOriginal as written; empty when none (then +08:00 was "
        "assumed, and the time check's evidence says so)."
    )
    lat = serializers.SerializerMethodField(help_text="EXIF latitude, rounded to 0.01°.")
    lng = serializers.SerializerMethodField(help_text="EXIF longitude, rounded to 0.01°.")
    flags = serializers.ListField(child=serializers.ChoiceField(choices=PhotoFlag.choices))
    audit = serializers.DictField(
        help_text="Evidence per check (`time`, `location`, `reuse`, `label`), each with its "
        "`result`: ok, flagged, no_data or not_applicable (docs/api.md)."
    )
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    uploaded_at = ShanghaiDateTimeField()
    occurred_at = ShanghaiDateTimeField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True))
    def get_lat(self, photo: Photo):
        value = _approximate(photo.lat)
        return None if value is None else str(value)

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True))
    def get_lng(self, photo: Photo):
        value = _approximate(photo.lng)
        return None if value is None else str(value)

    @extend_schema_field(serializers.CharField())
    def get_url(self, photo: Photo) -> str:
        return reverse("photo-file", args=[photo.order_id, photo.pk])

    @extend_schema_field(serializers.CharField())
    def get_thumbnail_url(self, photo: Photo) -> str:
        return reverse("photo-thumbnail", args=[photo.order_id, photo.pk])


class AcceptanceReadingInSerializer(ActionSerializer):
    """One element's reading. `values` by element — resource: {box, port}; optical_power:
    {rx_power_dbm}; speed: {measured_mbps}; ont: {loid, pppoe_dial_ok}; aaa: {} (the AAA
    system is asked)."""

    element = serializers.ChoiceField(choices=AcceptanceElement.choices)
    values = serializers.DictField(required=False, default=dict)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[ReadingSource.TYPED, ReadingSource.SCANNED],
        required=False,
        default=ReadingSource.TYPED,
        help_text="typed, or scanned from the label's QR code (resource).",
    )


class LabelScanSerializer(ActionSerializer):
    """POST body of a label scan (multipart/form-data): a picture of the machine label, or the
    text of its QR code when the phone decoded it itself; exactly one of the two."""

    file = serializers.FileField(
        required=False,
        allow_empty_file=True,
        help_text="A picture of the label (JPEG, PNG or HEIC, the photo limits apply).",
    )
    qr_text = serializers.CharField(
        required=False, max_length=500, trim_whitespace=False, help_text="The QR code's text."
    )

    def validate(self, attrs):
        if ("file" in attrs) == ("qr_text" in attrs):
            raise serializers.ValidationError(
                {"file": [_("Send either a picture of the label or the QR code's text.")]}
            )
        return attrs


class AcceptanceReadingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    element = serializers.ChoiceField(choices=AcceptanceElement.choices)
    ok = serializers.BooleanField()
    code = serializers.CharField()
    message = serializers.CharField()
    values = serializers.DictField()
    source = serializers.ChoiceField(choices=ReadingSource.choices)  # type: ignore[assignment]
    occurred_at = ShanghaiDateTimeField()


class BlockerSerializer(serializers.Serializer):
    item = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    reading = serializers.DictField()


@extend_schema_serializer(many=False)  # the `list` action answers one object, not a list
class AcceptanceStateSerializer(serializers.Serializer):
    """The latest reading of each element and what still blocks completion."""

    readings = AcceptanceReadingSerializer(many=True)
    blocking = BlockerSerializer(many=True)


# --- the visit checklist (上门实施标准十步法, R-SITE-1..5) ----------------------------------


class ChecklistAnswerInSerializer(ActionSerializer):
    """One answer: the item's `code`, `done` or `not_applicable` (where the item allows it); a
    two-person item answered done names the second technician by id (`partner`)."""

    item = serializers.SlugField(max_length=40, help_text="The item's code.")
    answer = serializers.ChoiceField(choices=ChecklistAnswer.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    partner = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="The second technician's id (another active technician of the same branch).",
    )
    partner_staff_no = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        default="",
        help_text="Or the second technician's staff number (工号), as the phone asks for it.",
    )


class PartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    staff_no = serializers.CharField()
    name = serializers.CharField()


class ChecklistTickSerializer(serializers.Serializer):
    """One recorded answer: who and when (R-SITE-1..5)."""

    id = serializers.IntegerField()
    item = serializers.CharField(source="item_code")
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The item's label when it was answered."
    )
    answer = serializers.ChoiceField(choices=ChecklistAnswer.choices)
    note = serializers.CharField()
    partner = PartnerSerializer(allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.username")
    occurred_at = ShanghaiDateTimeField()
    recorded_at = ShanghaiDateTimeField()


class ChecklistLineSerializer(serializers.Serializer):
    """An item of the order's checklist with its latest answer on the current visit (null
    fields when not answered yet)."""

    code = serializers.CharField()
    step = serializers.IntegerField(min_value=1, max_value=10)
    step_name = serializers.CharField(help_text="The step of the ten (十步法).")
    phase = serializers.ChoiceField(choices=ChecklistPhase.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    required = serializers.BooleanField()  # type: ignore[assignment]
    allows_not_applicable = serializers.BooleanField()
    needs_partner = serializers.BooleanField()
    answer = serializers.ChoiceField(choices=ChecklistAnswer.choices, allow_null=True)
    note = serializers.CharField(allow_null=True)
    partner = PartnerSerializer(allow_null=True)
    recorded_by = serializers.CharField(allow_null=True)
    recorded_at = ShanghaiDateTimeField(allow_null=True)


class ChecklistBlockerSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="checklist:<code>")
    code = serializers.CharField()
    message = serializers.CharField()


@extend_schema_serializer(many=False)  # the `list` action answers one object, not a list
class ChecklistStateSerializer(serializers.Serializer):
    """The order's checklist in its template's order and what of it still blocks completion."""

    items = ChecklistLineSerializer(many=True)
    blocking = ChecklistBlockerSerializer(many=True)


class SafetyDeferralInSerializer(AppointSerializer):
    """Defer the work to a later day because safety cannot be ensured (R-SITE-4): the reason,
    the customer's agreement (must be true) and the follow-up window."""

    reason = serializers.CharField(max_length=500)
    customer_agreed = serializers.BooleanField(help_text="Must be true: the customer agreed.")
    item = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="The safety item that could not be ensured (e.g. night_work_safe), optional.",
    )


class SatisfactionInSerializer(ActionSerializer):
    """The customer's answer at the door (R-SITE-6)."""

    satisfied = serializers.BooleanField()
    comment = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=500,
        help_text="What the customer said; with `satisfied: false` after completion it is the "
        "rework's reason.",
    )


class SatisfactionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    satisfied = serializers.BooleanField()
    comment = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    occurred_at = ShanghaiDateTimeField()
    order_status = serializers.CharField(
        source="order.status", help_text="`on_site` again after a rework."
    )


class SignatureInSerializer(ActionSerializer):
    """The customer's signature (R-SITE-3)."""

    signature_png = serializers.CharField(
        help_text="`data:image/png;base64,…`: a PNG of at most 512 KB and 2000 × 1200 px, "
        "with ink on it."
    )
    signer_name = serializers.CharField(required=False, default="", allow_blank=True, max_length=40)


class ConfirmationSerializer(serializers.Serializer):
    """A signed confirmation form; `pdf_url` serves its stored bytes."""

    id = serializers.IntegerField()
    version = serializers.IntegerField()
    sha256 = serializers.CharField(help_text="SHA-256 of the stored PDF (its ETag).")
    signer_name = serializers.SerializerMethodField(help_text="Masked, like the customer.")
    signed_at = ShanghaiDateTimeField()
    satisfied = serializers.BooleanField(source="satisfaction.satisfied")
    pdf_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_signer_name(self, form) -> str:
        return mask_name(form.signer_name)

    @extend_schema_field(serializers.CharField())
    def get_pdf_url(self, form) -> str:
        return f"{reverse('confirmation-pdf', args=[form.order_id])}?version={form.version}"


class SatisfactionStateSerializer(serializers.Serializer):
    satisfied = serializers.BooleanField()
    comment = serializers.CharField()
    occurred_at = ShanghaiDateTimeField()


@extend_schema_serializer(many=False)  # the `list` action answers one object, not a list
class SignOffStateSerializer(serializers.Serializer):
    """The customer's sign-off as it stands (R-SITE-3, R-SITE-6): the latest satisfaction
    answer, the latest signed form, and what of the sign-off still blocks completion."""

    satisfaction = SatisfactionStateSerializer(allow_null=True)
    confirmation = ConfirmationSerializer(allow_null=True)
    blocking = BlockerSerializer(many=True)
