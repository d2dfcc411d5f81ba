"""The audit's pure rules and the EXIF readers, without the database (R-PHO-4)."""

import datetime as dt
import io
from decimal import Decimal

from PIL import ExifTags, Image

from fiberops.onsite import audit
from fiberops.onsite.images import bands, decode_photo, exif_position, perceptual_hash
from fiberops.onsite.tests.helpers import encode, exif, picture

AT = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
TEN = dt.timedelta(minutes=10)


def test_r_pho_4_no_check_in_yet_is_no_data_and_says_so():
    flag, evidence = audit.check_time(
        AT,
        taken_offset="+08:00",
        offset_assumed=False,
        checked_in_at=None,
        completed_at=None,
        uploaded_at=AT,
        tolerance=TEN,
    )
    assert flag is None
    assert evidence["result"] == "no_data"
    assert evidence["note"] == "no check-in on the order yet"


def test_r_pho_4_after_completion_beyond_the_tolerance_is_outside_the_visit():
    flag, evidence = audit.check_time(
        AT + dt.timedelta(hours=2),
        taken_offset="+08:00",
        offset_assumed=False,
        checked_in_at=AT - dt.timedelta(hours=1),
        completed_at=AT,
        uploaded_at=AT + dt.timedelta(hours=3),
        tolerance=TEN,
    )
    assert flag == "taken_outside_visit"
    assert evidence["window_end_is"] == "completed_at"
    assert evidence["minutes_after_window_end"] == 120


def test_r_pho_4_a_customer_without_a_location_is_no_data():
    flag, evidence = audit.check_distance(
        Decimal("30.6"), Decimal("104.0"), site_lat=None, site_lng=None, max_distance_m=300
    )
    assert flag is None
    assert evidence == {"max_distance_m": 300, "result": "no_data", "note": "no customer location"}


def test_r_pho_4_a_label_of_another_order_is_a_mismatch_naming_the_order():
    text = '{"order":"BSS2","box":"FX-1","port":3}'
    flag, evidence = audit.check_label([text], order_no="BSS1", box="FX-1", port=3)
    assert flag == "label_mismatch"
    assert evidence["differs"] == ["order"]


def test_r_pho_4_a_qr_code_that_is_no_label_is_unreadable():
    flag, evidence = audit.check_label(["https://example.com"], order_no="B", box="F", port=1)
    assert flag == "label_unreadable"
    assert evidence["qr_codes_found"] == 1


def test_r_pho_4_southern_and_western_gps_references_give_negative_degrees():
    data = Image.Exif()
    data[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (33.0, 52.0, 4.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (70.0, 30.0, 0.0),
    }
    reread = Image.open(io.BytesIO(encode(picture(1), exif_data=data))).getexif()
    assert exif_position(reread) == (Decimal("-33.867778"), Decimal("-70.500000"))


def test_r_pho_4_the_hash_follows_the_exif_orientation():
    upright = picture(50)
    turned = upright.rotate(90, expand=True)
    data = exif()
    data[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to view": undoes the turn
    decoded = decode_photo(encode(turned, exif_data=data, quality=95))
    assert (decoded.width, decoded.height) == upright.size
    distance = audit.near_matches(
        perceptual_hash(upright),
        [audit.StoredHash(1, 1, decoded.phash)],
        max_distance=6,
    )
    assert distance and distance[0].distance <= 2
    assert decoded.bands == bands(decoded.phash)
