"""Write path of on-site evidence (R-PHO-1..5): adding a photo to an order."""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Min, Q
from django.utils.translation import gettext as _

from fiberops.accounts.models import User
from fiberops.core.clock import now
from fiberops.core.errors import RuleViolation
from fiberops.onsite import audit
from fiberops.onsite.images import DecodedPhoto, bands, decode_photo
from fiberops.onsite.models import BAND_BITS, BANDS, Photo, PhotoKind
from fiberops.workorders import events
from fiberops.workorders.guards import guard_order, require
from fiberops.workorders.models import WorkOrder
from fiberops.workorders.states import Status

PERMISSION = "order.add_photo"
#: Photos are taken on site and may still be added after completion (a slow upload).
PHOTO_STATUSES = frozenset({Status.ON_SITE, Status.COMPLETED})


def add_photo(
    order: WorkOrder,
    *,
    kind: str,
    data: bytes,
    filename: str = "",
    actor: User,
    occurred_at: dt.datetime | None = None,
) -> tuple[Photo, bool]:
    """Add an evidence photo in the slot `kind` to the order of the technician `actor`.

    Returns (photo, created): the same content on the same order again returns the first photo
    (created False), whatever `kind` it is sent with (R-PHO-5). The bytes are decoded and checked
    before anything is written (`images.decode_photo`): a refusal stores no row and no file. The
    decoding, hashing and the label's QR reading run before the transaction, not under the order's
    lock; `_record_photo` is the durable transaction. The files are written inside it, after the
    guards and the duplicate check; if it fails afterwards, they are deleted again. `filename` is
    the client's name of the file: not stored (it may carry anything), the stored names are the
    content hash.
    """
    require(actor, PERMISSION)
    if kind not in PhotoKind.values:
        raise RuleViolation(_("Unknown photo kind."), code="invalid_photo_kind")
    decoded = decode_photo(data)
    qr_texts = audit.read_qr_texts(decoded.image) if kind == PhotoKind.SPLITTER_LABEL else []
    written: list[str] = []
    try:
        return _record_photo(
            order,
            kind=kind,
            decoded=decoded,
            qr_texts=qr_texts,
            data=data,
            actor=actor,
            occurred_at=occurred_at,
            written=written.append,
        )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


@transaction.atomic(durable=True)
def _record_photo(
    order: WorkOrder,
    *,
    kind: str,
    decoded: DecodedPhoto,
    qr_texts: list[str],
    data: bytes,
    actor: User,
    occurred_at: dt.datetime | None,
    written: Callable[[str], None],
) -> tuple[Photo, bool]:
    guarded = guard_order(
        order,
        actor=actor,
        permission=PERMISSION,
        action="add_photo",
        statuses=PHOTO_STATUSES,
        status_message=_("Photos are added on site or after completion."),
        occurred_at=occurred_at,
        owner_only=True,
    )
    locked, at = guarded.order, guarded.at
    existing = Photo.objects.filter(order=locked, sha256=decoded.sha256).first()
    if existing is not None:
        return existing, False  # a retried upload: the first one stands (R-PHO-5)
    uploaded_at = now()
    flags, evidence = _audit(locked, kind, decoded, qr_texts, uploaded_at=uploaded_at)
    photo = Photo(
        order=locked,
        kind=kind,
        sha256=decoded.sha256,
        content_type=decoded.content_type,
        width=decoded.width,
        height=decoded.height,
        bytes=decoded.byte_count,
        taken_at=decoded.taken_at,
        taken_offset=decoded.taken_offset,
        lat=decoded.lat,
        lng=decoded.lng,
        phash=decoded.phash,
        band0=decoded.bands[0],
        band1=decoded.bands[1],
        band2=decoded.bands[2],
        band3=decoded.bands[3],
        flags=flags,
        audit=evidence,
        uploaded_by=actor,
        uploaded_at=uploaded_at,
        occurred_at=at,
    )
    photo.file.save(f"{decoded.sha256}.{decoded.extension}", ContentFile(data), save=False)
    written(str(photo.file.name))
    photo.thumbnail.save(f"{decoded.sha256}-thumb.jpg", ContentFile(decoded.thumbnail), save=False)
    written(str(photo.thumbnail.name))
    photo.save()
    events.photo_added(locked, actor=actor, at=at, kind=kind, sha256=decoded.sha256, flags=flags)
    return photo, True


def band_probes(band: int, radius: int) -> list[int]:
    """The band's value and, for radius 1, its 16 one-bit neighbours."""
    if radius == 0:
        return [band]
    return [band, *(band ^ (1 << bit) for bit in range(BAND_BITS))]


def reuse_candidates(
    order: WorkOrder, bands: tuple[int, int, int, int], max_distance: int
) -> list[audit.StoredHash]:
    """Other orders' photos that may lie within `max_distance` bits of the hash, from the band
    indexes (multi-index hashing), never a scan of all photos. Pigeonhole: hashes within
    `4 * (r + 1) - 1` bits agree on at least one of the four bands to within `r` bits, so the
    look-up asks each band's index for its value (r = 0, distances up to 3) or also its 16
    one-bit neighbours (r = 1, up to 7). No match within the threshold is missed; the exact
    distance is checked by `audit.check_reuse` on these few candidates."""
    radius = max_distance // BANDS
    if radius > 1:
        raise ValueError("PHOTO_REUSE_MAX_DISTANCE above 7 needs more bands.")
    condition = Q()
    for index, band in enumerate(bands):
        condition |= Q(**{f"band{index}__in": band_probes(band, radius)})
    rows = (
        Photo.objects.filter(condition)
        .exclude(order=order)
        .order_by()  # no sort: the audit orders the few matches itself
        .values_list("pk", "order_id", "phash")
    )
    return [audit.StoredHash(pk, order_id, phash) for pk, order_id, phash in rows]


def find_reuse(order: WorkOrder, phash: int, max_distance: int) -> audit.Finding:
    """The `reused` check: candidates from the band indexes, the exact distance in Python, and
    the BSS numbers of the matches' orders only (no join over the candidates)."""
    candidates = reuse_candidates(order, bands(phash), max_distance)
    matches = audit.near_matches(phash, candidates, max_distance=max_distance)
    shown = {match.order_id for match in matches[: audit.MATCHES_SHOWN]}
    numbers = dict(WorkOrder.objects.filter(pk__in=shown).values_list("pk", "bss_order_no"))
    return audit.check_reuse(matches, order_numbers=numbers, max_distance=max_distance)


def _audit(
    order: WorkOrder, kind: str, decoded: DecodedPhoto, qr_texts: list[str], *, uploaded_at
) -> tuple[list[str], dict]:
    """Run the checks of R-PHO-4; returns the flags and the evidence per check."""
    first_check_in = order.visits.aggregate(at=Min("checked_in_at"))["at"]
    customer = order.customer
    findings = {
        "time": audit.check_time(
            decoded.taken_at,
            taken_offset=decoded.taken_offset,
            offset_assumed=decoded.offset_assumed,
            checked_in_at=first_check_in,
            completed_at=order.completed_at,
            uploaded_at=uploaded_at,
            tolerance=dt.timedelta(minutes=settings.PHOTO_TIME_TOLERANCE_MINUTES),
        ),
        "location": audit.check_distance(
            decoded.lat,
            decoded.lng,
            site_lat=customer.lat if customer else None,
            site_lng=customer.lng if customer else None,
            max_distance_m=settings.PHOTO_MAX_DISTANCE_M,
        ),
        "reuse": find_reuse(order, decoded.phash, settings.PHOTO_REUSE_MAX_DISTANCE),
    }
    if kind == PhotoKind.SPLITTER_LABEL:
        port = order.splitter_port
        findings["label"] = audit.check_label(
            qr_texts,
            order_no=order.bss_order_no,
            box=port.box.code if port else None,
            port=port.number if port else None,
        )
    else:
        findings["label"] = (None, {"result": audit.NOT_APPLICABLE})
    flags = [str(flag) for flag, _evidence in findings.values() if flag is not None]
    return flags, {name: evidence for name, (_flag, evidence) in findings.items()}


def sweep_orphan_files(*, now: dt.datetime, older_than: dt.timedelta, dry_run: bool = False):
    """Delete files under `photos/` that no photo row names and that are older than
    `older_than` (younger ones may belong to an upload still in its transaction). They are left
    when a process dies between writing a photo's files and its commit. Walks the storage one
    order directory at a time (the storage API: the file system or an S3-compatible store).
    Returns the names deleted (or, with `dry_run`, that would be)."""
    storage = default_storage
    if not storage.exists("photos"):
        return []
    swept: list[str] = []
    directories, _files = storage.listdir("photos")
    for directory in sorted(directories):
        _subdirectories, files = storage.listdir(f"photos/{directory}")
        known: set[str] = set()
        if directory.isdigit():
            for file_name, thumbnail_name in Photo.objects.filter(
                order_id=int(directory)
            ).values_list("file", "thumbnail"):
                known |= {file_name, thumbnail_name}
        for file in sorted(files):
            name = f"photos/{directory}/{file}"
            if name in known or storage.get_modified_time(name) > now - older_than:
                continue
            if not dry_run:
                storage.delete(name)
            swept.append(name)
    return swept
