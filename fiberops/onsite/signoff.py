"""The customer's sign-off (开通确认, R-SITE-3, R-SITE-6): the satisfaction answer at the door,
the signature, the signed work confirmation form (业务施工确认单) and the gates built on them.

- `record_satisfaction`: on site or after completion; "not satisfied" after completion sends
  the order back to rework (`workorders.actions.apply_rework`) in the same transaction.
- `sign_confirmation`: on site, only after a "satisfied" answer and with every other completion
  gate clear (photos aside: the photo of the signed form comes after the signature); stores the
  signature and the three-copy PDF (`confirmation_pdf`) through the storage API, with the PDF's
  SHA-256 on the row and in the event.
- `sign_off_blockers` (completion gate "sign_off") and `confirmation_gate` (`confirm_order`).

Other apps extend the form and the gate without this module knowing them:
`CONFIRMATION_SECTIONS` (functions of the order giving a `Section` for the PDF, or None) and
`EVIDENCE_EVENT_KINDS` (timeline kinds recorded after the signature that make it outdated).
"""

import base64
import binascii
import datetime as dt
import hashlib
from collections.abc import Callable
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from fiberops.accounts.models import User
from fiberops.core.errors import Conflict, RuleViolation
from fiberops.core.masking import mask_address, mask_phone
from fiberops.onsite.acceptance import latest_readings
from fiberops.onsite.confirmation_pdf import ConfirmationDocument, Section, render_confirmation
from fiberops.onsite.models import AcceptanceElement, ConfirmationForm, SatisfactionAnswer
from fiberops.workorders import events, gates
from fiberops.workorders.actions import apply_rework
from fiberops.workorders.gates import Blocker
from fiberops.workorders.guards import guard_order
from fiberops.workorders.models import EventKind, WorkOrder
from fiberops.workorders.states import OrderType, Status

SIGNATURE_MAX_BYTES = 512 * 1024
SIGNATURE_MAX_WIDTH, SIGNATURE_MAX_HEIGHT = 2000, 1200
#: A pixel darker than this (0–255, on white) is ink.
INK_LEVEL = 160
#: Fewer ink pixels than this is a blank pad (a stray tap leaves a handful).
MIN_INK_PIXELS = 50
DATA_URL_PREFIX = "data:image/png;base64,"

#: Functions of the order adding a block to the confirmation form (e.g. the checklist); None
#: leaves it out. Called in the signing transaction, under the order's lock.
CONFIRMATION_SECTIONS: list[Callable[[WorkOrder], Section | None]] = []
#: Timeline kinds that are evidence shown on the form: one recorded after the latest signature
#: makes that signature outdated (`signature_outdated`). Other apps add theirs (the checklist).
EVIDENCE_EVENT_KINDS: set[str] = {EventKind.ACCEPTANCE_RECORDED, EventKind.RESOURCE_CHANGED}
#: Completion gates that need not be clear before signing (checked at completion only).
GATES_AFTER_SIGNING = frozenset({"photos", "sign_off"})


# --- the signature ---------------------------------------------------------------------------


def _invalid(message: str) -> RuleViolation:
    return RuleViolation(message, code="signature_invalid", fields={"signature_png": [message]})


def decode_signature(data_url: str) -> bytes:
    """The PNG bytes of a `data:image/png;base64,…` signature, or 422: `signature_invalid` (not
    such a data URL, not a PNG, over 512 KB or 2000 × 1200 px) or `signature_blank` (no ink)."""
    if not isinstance(data_url, str) or not data_url.startswith(DATA_URL_PREFIX):
        raise _invalid(_("The signature must be a PNG image as a data URL."))
    encoded = data_url[len(DATA_URL_PREFIX) :]
    if len(encoded) > (SIGNATURE_MAX_BYTES * 4) // 3 + 4:
        raise _invalid(_("The signature image is larger than 512 KB."))
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid(_("The signature is not valid base64.")) from None
    if len(data) > SIGNATURE_MAX_BYTES:
        raise _invalid(_("The signature image is larger than 512 KB."))
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format != "PNG":
                raise _invalid(_("The signature must be a PNG image as a data URL."))
            width, height = image.size
            if width > SIGNATURE_MAX_WIDTH or height > SIGNATURE_MAX_HEIGHT:
                raise _invalid(_("The signature image is larger than 2000 × 1200 pixels."))
            image.load()
            ink = _ink_pixels(image)
    except RuleViolation:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _invalid(_("The signature is not a readable PNG image.")) from None
    if ink < MIN_INK_PIXELS:
        message = _("The signature is blank: ask the customer to sign.")
        raise RuleViolation(message, code="signature_blank", fields={"signature_png": [message]})
    return data


def _ink_pixels(image: Image.Image) -> int:
    """Dark pixels once the image is laid on white (transparent pixels count as paper)."""
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    histogram = flat.convert("L").histogram()
    return sum(histogram[:INK_LEVEL])


# --- the satisfaction answer -----------------------------------------------------------------


def latest_satisfaction(order: WorkOrder) -> SatisfactionAnswer | None:
    return order.satisfaction_answers.order_by("-recorded_at", "-id").first()


def latest_confirmation(order: WorkOrder) -> ConfirmationForm | None:
    return order.confirmation_forms.order_by("-version").first()


@transaction.atomic(durable=True)
def record_satisfaction(
    order: WorkOrder,
    *,
    satisfied: bool,
    comment: str = "",
    actor: User,
    occurred_at: dt.datetime | None = None,
) -> SatisfactionAnswer:
    """Record the customer's answer at the door (R-SITE-6), on site or after completion. "Not
    satisfied" blocks signing, completing and confirming; given after completion it sends the
    order back to rework (reason: the comment, or a default) in this transaction."""
    guarded = guard_order(
        order,
        actor=actor,
        permission="order.record_acceptance",
        action="record_satisfaction",
        statuses={Status.ON_SITE, Status.COMPLETED},
        status_message=_("The customer's satisfaction is asked on site or after completion."),
        occurred_at=occurred_at,
        owner_only=True,
    )
    locked, at = guarded.order, guarded.at
    comment = comment.strip()[:500]
    answer = SatisfactionAnswer.objects.create(
        order=locked, satisfied=satisfied, comment=comment, recorded_by=actor, occurred_at=at
    )
    events.satisfaction_recorded(locked, actor=actor, at=at, satisfied=satisfied, comment=comment)
    if not satisfied and locked.status == Status.COMPLETED:
        apply_rework(
            locked,
            actor=actor,
            reason=comment or _("The customer is not satisfied."),
            occurred_at=at,
        )
        order.refresh_from_db()
    return answer


# --- the signed confirmation form ------------------------------------------------------------


def sign_confirmation(
    order: WorkOrder,
    *,
    signature_png: str,
    signer_name: str = "",
    actor: User,
    occurred_at: dt.datetime | None = None,
) -> ConfirmationForm:
    """The customer signs the work confirmation form (R-SITE-3). The signature is decoded and
    checked before the transaction; a refusal stores nothing. The files written inside the
    transaction are deleted again if it fails."""
    data = decode_signature(signature_png)
    written: list[str] = []
    try:
        return _record_confirmation(
            order,
            signature=data,
            signer_name=signer_name.strip()[:40],
            actor=actor,
            occurred_at=occurred_at,
            written=written.append,
        )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


@transaction.atomic(durable=True)
def _record_confirmation(
    order: WorkOrder,
    *,
    signature: bytes,
    signer_name: str,
    actor: User,
    occurred_at: dt.datetime | None,
    written: Callable[[str], None],
) -> ConfirmationForm:
    guarded = guard_order(
        order,
        actor=actor,
        permission="order.record_acceptance",
        action="sign_confirmation",
        statuses={Status.ON_SITE},
        status_message=_("The customer signs on site."),
        occurred_at=occurred_at,
        owner_only=True,
    )
    locked, at = guarded.order, guarded.at
    satisfaction = latest_satisfaction(locked)
    if satisfaction is None or not satisfaction.satisfied:
        raise Conflict(
            _("Ask the customer first: the form is signed only when they are satisfied."),
            code="customer_not_satisfied",
        )
    blockers = [
        blocker
        for name, gate in gates.COMPLETION_GATES.items()
        if name not in GATES_AFTER_SIGNING
        for blocker in gate(locked)
    ]
    if blockers:
        raise Conflict(
            _("The form cannot be signed yet: %(items)s")
            % {"items": "；".join(blocker.message for blocker in blockers)},
            code="sign_off_blocked",
            blocking=[blocker.as_dict() for blocker in blockers],
        )
    previous = latest_confirmation(locked)
    version = previous.version + 1 if previous else 1
    pdf = render_confirmation(
        confirmation_document(
            locked,
            satisfaction=satisfaction,
            signature=signature,
            signer_name=signer_name,
            signed_at=at,
            version=version,
        )
    )
    sha256 = hashlib.sha256(pdf).hexdigest()
    form = ConfirmationForm(
        order=locked,
        version=version,
        satisfaction=satisfaction,
        sha256=sha256,
        signer_name=signer_name,
        created_by=actor,
        signed_at=at,
    )
    form.signature.save(f"v{version}-signature.png", ContentFile(signature), save=False)
    written(str(form.signature.name))
    form.pdf.save(f"v{version}-{sha256[:16]}.pdf", ContentFile(pdf), save=False)
    written(str(form.pdf.name))
    form.save()
    events.confirmation_signed(locked, actor=actor, at=at, version=version, sha256=sha256)
    return form


def mask_name(name: str) -> str:
    """`张**`: the signer is the customer (or a relative), masked like the customer (R-CUS-5)."""
    return (name[:1] + "*" * (len(name) - 1)) if name else ""


def _reading_text(element: str, values: dict) -> str:
    if element == AcceptanceElement.RESOURCE:
        return f"使用 {values.get('used', '')}，记录 {values.get('record', '')}"
    if element == AcceptanceElement.AAA:
        state = "已同步" if values.get("synchronised") else "未同步"
        return f"账号 {values.get('account', '')}，{state}"
    if element == AcceptanceElement.OPTICAL_POWER:
        return f"{values.get('rx_power_dbm', '')} dBm"
    if element == AcceptanceElement.SPEED:
        measured = values.get("measured_mbps", "")
        plan = values.get("plan_mbps")
        return f"{measured} Mbit/s" + (f"（套餐 {plan} Mbit/s）" if plan else "")
    if element == AcceptanceElement.ONT:
        dial = "成功" if values.get("pppoe_dial_ok") else "失败"
        return f"LOID {values.get('loid', '')}，PPPoE 拨号{dial}"
    return "，".join(f"{key} {value}" for key, value in values.items())


def confirmation_document(
    order: WorkOrder,
    *,
    satisfaction: SatisfactionAnswer,
    signature: bytes,
    signer_name: str,
    signed_at: dt.datetime,
    version: int,
) -> ConfirmationDocument:
    """The form's content for `order`, in Chinese whatever the request's language (the paper
    form is Chinese), the customer masked (R-CUS-5)."""
    with translation.override("zh-hans"):
        latest = latest_readings(order)
        rows = []
        for element in AcceptanceElement:
            reading = latest.get(element.value)
            if reading is None:
                rows.append((str(element.label), "—", "未测"))
            else:
                verdict = "合格" if reading.ok else f"不合格：{reading.message}"
                rows.append((str(element.label), _reading_text(element, reading.values), verdict))
        customer = order.customer
        port = order.splitter_port
        technician = order.technician
        visit = order.visits.order_by("checked_in_at").first()
        sections = [section for hook in CONFIRMATION_SECTIONS if (section := hook(order))]
        return ConfirmationDocument(
            operator_name=settings.OPERATOR_NAME,
            order_no=order.bss_order_no,
            order_type=str(OrderType(order.order_type).label),
            plan=f"{order.plan_mbps} Mbit/s" if order.plan_mbps else "—",
            customer_name=customer.masked_name if customer else "—",
            customer_phone=mask_phone(customer.phone) if customer else "—",
            customer_address=mask_address(customer.address) if customer else "—",
            splitter=f"{port.box.code} / {port.number}" if port else "—",
            technician=f"{technician.name}（工号 {technician.staff_no}）" if technician else "—",
            checked_in_at=visit.checked_in_at if visit else None,
            readings=Section("装机挂测四要素", rows),
            sections=sections,
            satisfied=satisfaction.satisfied,
            satisfaction_comment=satisfaction.comment,
            signature_png=signature,
            signer_name=mask_name(signer_name),
            signed_at=signed_at,
            version=version,
        )


# --- the gates -------------------------------------------------------------------------------


def signature_outdated(order: WorkOrder, form: ConfirmationForm) -> bool:
    """Evidence shown on the form (`EVIDENCE_EVENT_KINDS`) was recorded after the signature:
    the signed form no longer says what was measured. Compared by the timeline's order, so two
    records in the same second still come in sequence."""
    signed = (
        order.events.filter(kind=EventKind.CONFIRMATION_SIGNED, data__version=form.version)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if signed is None:
        return False
    return order.events.filter(kind__in=EVIDENCE_EVENT_KINDS, id__gt=signed).exists()


def _satisfaction_blockers(order: WorkOrder) -> list[Blocker]:
    answer = latest_satisfaction(order)
    if answer is None:
        return [
            Blocker("satisfaction", "satisfaction_missing", _("The customer was not asked yet."))
        ]
    if not answer.satisfied:
        return [
            Blocker(
                "satisfaction",
                "customer_not_satisfied",
                _("The customer is not satisfied: rework until they are."),
                {"comment": answer.comment},
            )
        ]
    return []


def _signature_blockers(order: WorkOrder) -> list[Blocker]:
    form = latest_confirmation(order)
    if form is None:
        return [
            Blocker("signature", "signature_missing", _("The confirmation form is not signed."))
        ]
    if signature_outdated(order, form):
        return [
            Blocker(
                "signature",
                "signature_outdated",
                _("Readings were taken after the signature: the customer signs again."),
                {"version": form.version},
            )
        ]
    return []


def sign_off_blockers(order: WorkOrder) -> list[Blocker]:
    """The completion gate "sign_off" (R-SITE-3, R-SITE-6): a "satisfied" answer and a signed
    form no reading has overtaken."""
    return _satisfaction_blockers(order) + _signature_blockers(order)


def confirmation_gate(order: WorkOrder) -> list[Blocker]:
    """What `confirm_order` needs (R-SITE-6): the latest answer "satisfied" and a signed form."""
    blockers = _satisfaction_blockers(order)
    if latest_confirmation(order) is None:
        blockers.append(
            Blocker("signature", "signature_missing", _("The confirmation form is not signed."))
        )
    return blockers


def describe_signoff(data: dict) -> str:
    """The timeline's label of the sign-off events: "满意" / "不满意", or "第 2 版 · 3f5a…"."""
    if "satisfied" in data:
        return _("Satisfied") if data["satisfied"] else _("Not satisfied")
    if "version" in data:
        return _("Version %(version)s · SHA-256 %(sha)s…") % {
            "version": data["version"],
            "sha": str(data.get("sha256", ""))[:12],
        }
    return ""
