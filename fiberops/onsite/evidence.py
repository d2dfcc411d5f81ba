"""The audit's evidence in words, for people (R-PHO-4): the order page's evidence section and the
auditor's page show each flag with what it was raised on ("与工单 X 的照片相似 (距离 4)"). Pure:
reads `Photo.audit` (onsite/audit.py writes it), no database."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from fiberops.onsite.models import PhotoFlag


def _local(value: str | None) -> str:
    """An ISO 8601 time of the evidence (UTC) as Shanghai time, "2026-11-03 10:20"."""
    if not value:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _label(reading: dict | None) -> str:
    if not reading:
        return "—"
    parts = [reading.get("order"), reading.get("box"), reading.get("port")]
    return " / ".join(str(part) for part in parts if part not in (None, ""))


def _time(evidence: dict) -> list[str]:
    offset = evidence.get("taken_offset") or ""
    if evidence.get("offset_assumed") or not offset:
        offset_text = _("no EXIF time zone offset, +08:00 assumed")
    else:
        offset_text = _("EXIF offset %(offset)s") % {"offset": offset}
    taken = _("Taken %(at)s (%(offset)s)") % {
        "at": _local(evidence.get("taken_at")),
        "offset": offset_text,
    }
    if "minutes_before_check_in" in evidence:
        when = _("%(minutes)s min before the check-in at %(at)s") % {
            "minutes": evidence["minutes_before_check_in"],
            "at": _local(evidence.get("checked_in_at")),
        }
    elif "minutes_after_window_end" in evidence:
        end = (
            _("the completion at %(at)s")
            if evidence.get("window_end_is") == "completed_at"
            else _("the upload at %(at)s")
        ) % {"at": _local(evidence.get("window_end"))}
        when = _("%(minutes)s min after %(end)s") % {
            "minutes": evidence["minutes_after_window_end"],
            "end": end,
        }
    else:
        return [taken]
    return [f"{taken}, {when}"]


def _location(evidence: dict) -> list[str]:
    return [
        _("%(distance)s m from the customer (allowed %(limit)s m)")
        % {"distance": evidence.get("distance_m", "?"), "limit": evidence.get("max_distance_m")}
    ]


def _reuse(evidence: dict) -> list[str]:
    return [
        _("Similar to a photo of order %(order)s (distance %(distance)s)")
        % {"order": match.get("order") or "?", "distance": match.get("distance")}
        for match in evidence.get("matches", [])
    ]


def _label_mismatch(evidence: dict) -> list[str]:
    return [
        _("Label reads %(read)s, expected %(expected)s")
        % {"read": _label(evidence.get("read")), "expected": _label(evidence.get("expected"))}
    ]


def _label_unreadable(evidence: dict) -> list[str]:
    return [
        _("No label QR code could be read (%(count)s QR codes found); expected %(expected)s")
        % {"count": evidence.get("qr_codes_found", 0), "expected": _label(evidence.get("expected"))}
    ]


#: flag → (the audit's check that raised it, the words of its evidence).
DESCRIBE = {
    PhotoFlag.TAKEN_OUTSIDE_VISIT: ("time", _time),
    PhotoFlag.FAR_FROM_SITE: ("location", _location),
    PhotoFlag.REUSED: ("reuse", _reuse),
    PhotoFlag.LABEL_MISMATCH: ("label", _label_mismatch),
    PhotoFlag.LABEL_UNREADABLE: ("label", _label_unreadable),
}


def flag_evidence(flags: list[str], audit: dict) -> list[tuple[str, str, list[str]]]:
    """(flag, its label, its evidence in words) for each of the photo's flags."""
    described: list[tuple[str, str, list[str]]] = []
    for flag in flags:
        if flag not in PhotoFlag.values:
            described.append((flag, flag, []))
            continue
        check, describe = DESCRIBE[PhotoFlag(flag)]
        described.append((flag, str(PhotoFlag(flag).label), describe(audit.get(check) or {})))
    return described
