"""Decoding and checking an uploaded photo (R-PHO-2, R-PHO-3): pure, no database.

`decode_photo(data)` accepts JPEG, PNG and HEIC/HEIF (what phones write) and refuses, before
anything is stored: files over `PHOTO_MAX_BYTES` (413 `image_too_large`), bytes that are no image
or a truncated one (422 `not_an_image`), other formats (415 `unsupported_image_format`), images
over `PHOTO_MAX_PIXELS` — read from the header before any pixel is decoded — and Pillow's
decompression bombs (422 `image_too_many_pixels`). It returns what the audit and the storage need:
the EXIF time and position, the perceptual hash and its bands, a JPEG thumbnail.
"""

import datetime as dt
import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from decimal import Decimal

import imagehash
import pillow_heif
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from fiberops.core.errors import DomainError
from fiberops.onsite.models import BAND_BITS

pillow_heif.register_heif_opener()

#: Pillow's format name → the content type stored and served.
#: MPO is a JPEG with extra pictures (depth maps, previews) as some phone cameras write it.
FORMATS = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "HEIF": "image/heic"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/heic": "heic"}
THUMBNAIL_SIDE = 320
THUMBNAIL_QUALITY = 80
#: Shanghai time, assumed when the camera wrote no OffsetTimeOriginal (the evidence says so).
ASSUMED_OFFSET = "+08:00"
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")
BAND_MASK = (1 << BAND_BITS) - 1


class ImageRefused(DomainError):
    """The upload is not a photo the system keeps; nothing was stored."""

    code = "not_an_image"
    http_status = 422
    default_message = _("The file is not a photo in a supported format.")

    def __init__(self, message, *, code: str, http_status: int, **details):
        self.code = code
        self.http_status = http_status
        super().__init__(message, **details)


def _not_an_image() -> ImageRefused:
    return ImageRefused(
        _("The file is not a readable image (or it is truncated)."),
        code="not_an_image",
        http_status=422,
    )


def _too_many_pixels(limit: int) -> ImageRefused:
    return ImageRefused(
        _("The image has more than %(n)d pixels.") % {"n": limit},
        code="image_too_many_pixels",
        http_status=422,
    )


@dataclass(frozen=True)
class DecodedPhoto:
    """What a valid upload holds. `image` is the upright RGB picture (EXIF orientation applied),
    for the label's QR reader."""

    sha256: str
    content_type: str
    width: int
    height: int
    byte_count: int
    taken_at: dt.datetime | None
    taken_offset: str
    offset_assumed: bool
    lat: Decimal | None
    lng: Decimal | None
    phash: int
    bands: tuple[int, int, int, int]
    thumbnail: bytes
    image: Image.Image

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def decode_photo(data: bytes) -> DecodedPhoto:
    """Check and decode an upload; raises `ImageRefused` (nothing is stored by then)."""
    max_bytes, max_pixels = settings.PHOTO_MAX_BYTES, settings.PHOTO_MAX_PIXELS
    if len(data) > max_bytes:
        raise ImageRefused(
            _("The file is larger than %(n)d bytes.") % {"n": max_bytes},
            code="image_too_large",
            http_status=413,
        )
    with warnings.catch_warnings():
        # Pillow warns about a decompression bomb, and refuses one twice as large: both refuse.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise _too_many_pixels(max_pixels) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise _not_an_image() from error
        content_type = FORMATS.get(image.format or "")
        if content_type is None:
            raise ImageRefused(
                _("Only JPEG, PNG and HEIC photos are accepted."),
                code="unsupported_image_format",
                http_status=415,
            )
        width, height = image.size  # from the header: no pixel decoded yet
        if width * height > max_pixels:
            raise _too_many_pixels(max_pixels)
        try:
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise _too_many_pixels(max_pixels) from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise _not_an_image() from error
    exif = image.getexif()
    taken_at, taken_offset, offset_assumed = exif_time(exif)
    lat, lng = exif_position(exif)
    phash = perceptual_hash(upright)
    return DecodedPhoto(
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type,
        width=upright.width,
        height=upright.height,
        byte_count=len(data),
        taken_at=taken_at,
        taken_offset=taken_offset,
        offset_assumed=offset_assumed,
        lat=lat,
        lng=lng,
        phash=phash,
        bands=bands(phash),
        thumbnail=thumbnail(upright),
        image=upright,
    )


# --- EXIF -------------------------------------------------------------------------------------

DATETIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011


def exif_time(exif: Image.Exif) -> tuple[dt.datetime | None, str, bool]:
    """(taken_at in UTC, the offset text as written, whether the offset was assumed).
    DateTimeOriginal is local time; OffsetTimeOriginal says which zone. No time: (None, "", False).
    """
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    raw = ifd.get(DATETIME_ORIGINAL)
    if not isinstance(raw, str):
        return None, "", False
    try:
        local = dt.datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None, "", False
    offset_text = str(ifd.get(OFFSET_TIME_ORIGINAL) or "").strip("\x00 ")
    assumed = _OFFSET.match(offset_text) is None
    match = _OFFSET.match(ASSUMED_OFFSET if assumed else offset_text)
    if match is None:  # unreachable: both texts match
        return None, "", False
    sign = 1 if match.group(1) == "+" else -1
    offset = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3))) * sign
    if abs(offset) > dt.timedelta(hours=14):
        return None, "", False
    taken = local.replace(tzinfo=dt.timezone(offset)).astimezone(dt.UTC)
    return taken, ("" if assumed else offset_text), assumed


def _degrees(value) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return d + m / 60 + s / 3600


def exif_position(exif: Image.Exif) -> tuple[Decimal | None, Decimal | None]:
    """GPS degrees/minutes/seconds and their N/S, E/W references → signed decimal degrees."""
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat, lng = _degrees(gps.get(2)), _degrees(gps.get(4))
    if lat is None or lng is None:
        return None, None
    if str(gps.get(1, "N")).upper().startswith("S"):
        lat = -lat
    if str(gps.get(3, "E")).upper().startswith("W"):
        lng = -lng
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None, None
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


# --- perceptual hash and thumbnail ------------------------------------------------------------


def perceptual_hash(image: Image.Image) -> int:
    """ImageHash's pHash of the upright picture as a signed 64-bit integer (a BigIntegerField)."""
    unsigned = int(str(imagehash.phash(image)), 16)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def bands(phash: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands of a 64-bit hash, lowest first."""
    unsigned = phash & ((1 << 64) - 1)
    return (
        unsigned & BAND_MASK,
        (unsigned >> BAND_BITS) & BAND_MASK,
        (unsigned >> 2 * BAND_BITS) & BAND_MASK,
        (unsigned >> 3 * BAND_BITS) & BAND_MASK,
    )


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def thumbnail(image: Image.Image) -> bytes:
    """A JPEG whose longest side is 320 px."""
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY)
    return buffer.getvalue()
