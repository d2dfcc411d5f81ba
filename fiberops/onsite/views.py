"""Pages of the on-site evidence (issue 8, R-ACC-1..5, R-PHO-1..5): the order page's evidence
section (registered in `workorders.sections.ORDER_PAGE_SECTIONS` by `OnsiteConfig.ready`) and the
auditor's page of flagged photos, `/photos/audit/`. Thin: reads through `visible_to`, the gates of
`workorders.gates` and `evidence.flag_evidence`; photos are shown only through the API's
scope-checked thumbnail view."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse

from fiberops.accounts.permissions import may
from fiberops.onsite.acceptance import latest_readings
from fiberops.onsite.checklist import checklist_state
from fiberops.onsite.evidence import flag_evidence
from fiberops.onsite.forms import PhotoAuditFilterForm
from fiberops.onsite.models import AcceptanceElement, AcceptanceReading, Photo, PhotoKind
from fiberops.onsite.signoff import latest_satisfaction
from fiberops.workorders.gates import completion_blockers
from fiberops.workorders.models import WorkOrder
from fiberops.workorders.policy import policy_for

AUDIT_PAGE_SIZE = 25


@dataclass
class ShownPhoto:
    """A photo as the pages show it: the scope-checked URLs and the flags in words."""

    photo: Photo
    thumbnail_url: str
    file_url: str
    flags: list[tuple[str, str, list[str]]]


def shown(photo: Photo) -> ShownPhoto:
    ids = {"order_pk": photo.order_id, "photo_pk": photo.pk}
    return ShownPhoto(
        photo=photo,
        thumbnail_url=reverse("photo-thumbnail", kwargs=ids),
        file_url=reverse("photo-file", kwargs=ids),
        flags=flag_evidence(photo.flags, photo.audit),
    )


@dataclass
class Slot:
    kind: str
    label: str
    required: bool
    photos: list[ShownPhoto] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return self.required and not self.photos


@dataclass
class ElementRow:
    element: str
    label: str
    reading: AcceptanceReading | None
    #: A failed reading that no longer blocks: the resource record was corrected since (the
    #: gate judges the resource reading again against the record as it is now).
    settled: bool = False

    @property
    def values(self) -> list[str]:
        """The raw reading, one "rx_power_dbm: -19.5" per value."""
        if self.reading is None:
            return []
        return [f"{key}: {value}" for key, value in self.reading.values.items()]


def evidence_section(request: HttpRequest, order: WorkOrder) -> dict | None:
    """The order page's 现场证据 for installs and relocations (the types whose completion needs
    the evidence): each acceptance element's latest reading with its verdict and source; the
    photo slots with thumbnails and flags in words, a missing required photo said as missing;
    and what still blocks completion, from every registered gate. Two queries (the readings and
    the photos with their uploaders, prefetched onto the order so that the gates read them too)
    plus the other gates' own, whatever the number of photos."""
    if not policy_for(order.order_type).needs_acceptance:
        return None
    prefetch_related_objects(
        [order],
        "acceptance_readings",
        Prefetch("photos", queryset=Photo.objects.select_related("uploaded_by")),
    )
    latest = latest_readings(order)
    blockers = completion_blockers(order)
    blocking = {blocker.item for blocker in blockers}
    elements = []
    for element in AcceptanceElement:
        reading = latest.get(element.value)
        settled = reading is not None and not reading.ok and element.value not in blocking
        elements.append(ElementRow(element.value, str(element.label), reading, settled))
    required = settings.COMPLETION_REQUIRED_PHOTOS
    photos = sorted(order.photos.all(), key=lambda photo: (photo.uploaded_at, photo.pk))
    slots = {
        kind.value: Slot(kind.value, str(kind.label), kind.value in required) for kind in PhotoKind
    }
    for photo in photos:
        slot = slots.get(photo.kind) or slots.setdefault(
            photo.kind, Slot(photo.kind, photo.kind, False)
        )
        slot.photos.append(shown(photo))
    # The required slots first (in the settings' order), then the others that hold photos.
    ordered = [slots[kind] for kind in required if kind in slots]
    ordered += [slot for kind, slot in slots.items() if kind not in required and slot.photos]
    checklist = checklist_state(order)
    return {
        "order": order,
        "elements": elements,
        "slots": ordered,
        "blockers": blockers,
        "completed": order.completed_at is not None,
        "checklist": [(item, checklist.latest.get(item.code)) for item in checklist.items],
        "checklist_done": sum(1 for item in checklist.items if item.code in checklist.latest),
        "satisfaction": latest_satisfaction(order),
        "confirmations": list(order.confirmation_forms.order_by("-version")),
    }


@login_required
def photo_audit(request: HttpRequest):
    """Flagged photos of the orders in the user's scope, newest first, paged; filtered by flag,
    branch and grid (R-PHO-4). Quality auditors, administrators and branch managers (their
    branch); other roles 403."""
    if not may(request.user, "photo.audit"):
        raise PermissionDenied
    form = PhotoAuditFilterForm(request.GET or None, user=request.user)
    photos = form.filter(
        Photo.objects.visible_to(request.user)
        .exclude(flags=[])
        .select_related("order__grid__branch", "uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
    page = Paginator(photos, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "onsite/photo_audit.html",
        {
            "form": form,
            "page": page,
            "rows": [shown(photo) for photo in page],
            "query": query.urlencode(),
        },
    )
