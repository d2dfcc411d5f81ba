"""The photo audit (R-PHO-4): pure checks, each returning a flag (or None) and its evidence.

The evidence is stored on the photo (`Photo.audit`, one entry per check) and shown to the quality
auditor. Each entry has a `result`: `ok`, `flagged`, `no_data` (the photo carries no EXIF time or
GPS, or the order lacks what to compare with — never counted as fraud) or `not_applicable`.
Times in the evidence are ISO 8601 in UTC, as everywhere in stored data.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import zxingcpp
from PIL import Image

from fiberops.network.labels import parse_label_payload
from fiberops.onsite.images import hamming
from fiberops.onsite.models import PhotoFlag
from fiberops.workorders.appointments import distance_m

Finding = tuple[str | None, dict]
#: How many of the closest `reused` matches the evidence names.
MATCHES_SHOWN = 5

QR_CODES = zxingcpp.barcode_formats_from_str("QRCode")

OK, FLAGGED, NO_DATA, NOT_APPLICABLE = "ok", "flagged", "no_data", "not_applicable"


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def check_time(
    taken_at: dt.datetime | None,
    *,
    taken_offset: str,
    offset_assumed: bool,
    checked_in_at: dt.datetime | None,
    completed_at: dt.datetime | None,
    uploaded_at: dt.datetime,
    tolerance: dt.timedelta,
) -> Finding:
    """`taken_outside_visit`: the EXIF time lies before the first check-in or after completion
    (the upload time while the order is not completed), beyond `tolerance`."""
    end = completed_at or uploaded_at
    evidence: dict = {
        "taken_at": _iso(taken_at),
        "taken_offset": taken_offset,
        "offset_assumed": offset_assumed,
        "checked_in_at": _iso(checked_in_at),
        "window_end": _iso(end),
        "window_end_is": "completed_at" if completed_at else "uploaded_at",
        "tolerance_minutes": int(tolerance.total_seconds() // 60),
    }
    if offset_assumed:
        evidence["note"] = "no OffsetTimeOriginal in EXIF: +08:00 assumed"
    if taken_at is None:
        return None, {**evidence, "result": NO_DATA, "note": "no EXIF time"}
    if checked_in_at is None:
        return None, {**evidence, "result": NO_DATA, "note": "no check-in on the order yet"}
    if taken_at < checked_in_at - tolerance:
        minutes = round((checked_in_at - taken_at).total_seconds() / 60)
        return PhotoFlag.TAKEN_OUTSIDE_VISIT, {
            **evidence,
            "result": FLAGGED,
            "minutes_before_check_in": minutes,
        }
    if taken_at > end + tolerance:
        minutes = round((taken_at - end).total_seconds() / 60)
        return PhotoFlag.TAKEN_OUTSIDE_VISIT, {
            **evidence,
            "result": FLAGGED,
            "minutes_after_window_end": minutes,
        }
    return None, {**evidence, "result": OK}


def check_distance(
    lat: Decimal | None,
    lng: Decimal | None,
    *,
    site_lat: Decimal | None,
    site_lng: Decimal | None,
    max_distance_m: int,
) -> Finding:
    """`far_from_site`: the EXIF position lies farther than `max_distance_m` from the customer.
    The evidence names the distance only, not the customer's coordinates (R-CUS-5)."""
    evidence: dict = {"max_distance_m": max_distance_m}
    if lat is None or lng is None:
        return None, {**evidence, "result": NO_DATA, "note": "no EXIF GPS"}
    if site_lat is None or site_lng is None:
        return None, {**evidence, "result": NO_DATA, "note": "no customer location"}
    distance = distance_m(lat, lng, site_lat, site_lng)
    evidence["distance_m"] = distance
    if distance > max_distance_m:
        return PhotoFlag.FAR_FROM_SITE, {**evidence, "result": FLAGGED}
    return None, {**evidence, "result": OK}


@dataclass(frozen=True)
class StoredHash:
    """A candidate from the band indexes: a stored photo, its order and its hash."""

    photo_id: int
    order_id: int
    phash: int


@dataclass(frozen=True)
class Match:
    """A stored photo within the threshold; `distance` in bits (Hamming)."""

    distance: int
    photo_id: int
    order_id: int


def near_matches(phash: int, candidates: Iterable[StoredHash], *, max_distance: int) -> list[Match]:
    """The candidates within `max_distance` bits of `phash`, closest first."""
    matches = (
        Match(hamming(phash, candidate.phash), candidate.photo_id, candidate.order_id)
        for candidate in candidates
    )
    return sorted(
        (match for match in matches if match.distance <= max_distance),
        key=lambda match: (match.distance, match.photo_id),
    )


def check_reuse(
    matches: Sequence[Match], *, order_numbers: Mapping[int, str], max_distance: int
) -> Finding:
    """`reused`: another order's photo within `max_distance` bits (Hamming) of this one
    (`matches`, from `near_matches`). The evidence names the closest matches' orders by their
    BSS number (`order_numbers`: order id → number) and the distances."""
    evidence: dict = {"max_distance": max_distance}
    if not matches:
        return None, {**evidence, "result": OK}
    return PhotoFlag.REUSED, {
        **evidence,
        "result": FLAGGED,
        "matches": [
            {
                "order": order_numbers.get(match.order_id, ""),
                "photo_id": match.photo_id,
                "distance": match.distance,
            }
            for match in matches[:MATCHES_SHOWN]
        ],
    }


def read_qr_texts(image: Image.Image) -> list[str]:
    """The texts of the QR codes zxing-cpp finds in the picture."""
    return [
        result.text
        for result in zxingcpp.read_barcodes(image, formats=QR_CODES)
        if result.valid and result.text
    ]


def check_label(
    texts: Sequence[str], *, order_no: str, box: str | None, port: int | None
) -> Finding:
    """`label_unreadable` when no QR code holds a label's payload; `label_mismatch` when one
    does but names another order, box or port than the order's resource."""
    expected = {"order": order_no, "box": box, "port": port}
    codes = [code for code in (parse_label_payload(text) for text in texts) if code is not None]
    evidence: dict = {"expected": expected, "qr_codes_found": len(texts)}
    if not codes:
        return PhotoFlag.LABEL_UNREADABLE, {**evidence, "result": FLAGGED, "read": None}
    # Several labels in one picture (neighbouring ports): the order's own label is enough.
    readings = [{"order": c.order, "box": c.box, "port": c.port} for c in codes]
    compared = {key: value for key, value in expected.items() if value is not None}
    for reading in readings:
        if all(reading[key] == value for key, value in compared.items()):
            return None, {**evidence, "result": OK, "read": reading}
    return PhotoFlag.LABEL_MISMATCH, {
        **evidence,
        "result": FLAGGED,
        "read": readings[0],
        "all_read": readings,
        "differs": [key for key, value in compared.items() if readings[0][key] != value],
    }
