"""The photo audit's flags and their evidence (R-PHO-4)."""

import datetime as dt

from PIL import Image

from fiberops.onsite.actions import add_photo
from fiberops.onsite.tests.helpers import (
    CHECK_IN,
    NEAR_SITE,
    encode,
    exif,
    label_image,
    order_on_site,
    picture,
    splitter_photo,
)


def add(world, order, data: bytes, kind: str = "route"):
    photo, _created = add_photo(order, kind=kind, data=data, actor=world.technician_user)
    return photo


def reworked(image: Image.Image) -> Image.Image:
    """What a cheat does to a photo: resized to 80 %, cropped 2 % on each side."""
    width, height = image.size
    smaller = image.resize((int(width * 0.8), int(height * 0.8)), Image.Resampling.LANCZOS)
    w, h = smaller.size
    dx, dy = int(w * 0.02), int(h * 0.02)
    return smaller.crop((dx, dy, w - dx, h - dy))


def test_r_pho_4_a_photo_reencoded_resized_and_cropped_from_another_order_is_reused(world):
    order_a, order_b = order_on_site(world), order_on_site(world)
    original = picture(21)
    first = add(world, order_a, encode(original, "PNG"))

    copy = add(world, order_b, encode(reworked(original), quality=70))

    assert copy.flags == ["reused"]
    evidence = copy.audit["reuse"]
    assert evidence["result"] == "flagged"
    assert evidence["matches"][0]["order"] == order_a.bss_order_no
    assert evidence["matches"][0]["photo_id"] == first.pk
    assert evidence["matches"][0]["distance"] <= 6


def test_r_pho_4_an_unrelated_photo_is_not_reused(world):
    order_a, order_b = order_on_site(world), order_on_site(world)
    add(world, order_a, encode(picture(22), quality=90))

    other = add(world, order_b, encode(picture(23), quality=90))

    assert "reused" not in other.flags
    assert other.audit["reuse"] == {"max_distance": 6, "result": "ok"}


def test_r_pho_4_two_photos_of_the_same_order_are_not_reused(world):
    order = order_on_site(world)
    original = picture(24)
    add(world, order, encode(original, "PNG"))

    again = add(world, order, encode(reworked(original), quality=70))

    assert again.flags == []


def test_r_pho_4_a_photo_taken_an_hour_before_check_in_is_outside_the_visit(world):
    order = order_on_site(world)  # checked in at 10:00 Shanghai
    data = encode(picture(25), exif_data=exif(taken="2026:11:03 09:00:00", offset="+08:00"))

    photo = add(world, order, data)

    assert photo.flags == ["taken_outside_visit"]
    evidence = photo.audit["time"]
    assert evidence["result"] == "flagged"
    assert evidence["taken_offset"] == "+08:00"
    assert evidence["offset_assumed"] is False
    assert evidence["taken_at"] == "2026-11-03T01:00:00+00:00"
    assert evidence["checked_in_at"] == CHECK_IN.isoformat()
    assert evidence["minutes_before_check_in"] == 60
    assert photo.taken_offset == "+08:00"


def test_r_pho_4_the_offset_decides_the_time_a_photo_was_taken(world):
    order = order_on_site(world)
    # 02:20 in UTC is 10:20 in Shanghai: inside the visit, whatever the local clock said.
    data = encode(picture(26), exif_data=exif(taken="2026:11:03 02:20:00", offset="+00:00"))

    photo = add(world, order, data)

    assert photo.flags == []
    assert photo.taken_at == CHECK_IN + dt.timedelta(minutes=20)


def test_r_pho_4_without_an_offset_shanghai_time_is_assumed_and_said(world):
    order = order_on_site(world)
    data = encode(picture(27), exif_data=exif(taken="2026:11:03 10:05:00"))

    photo = add(world, order, data)

    assert photo.flags == []
    assert photo.audit["time"]["offset_assumed"] is True
    assert "+08:00 assumed" in photo.audit["time"]["note"]


def test_r_pho_4_a_photo_within_the_tolerance_before_check_in_is_not_flagged(world):
    order = order_on_site(world)
    data = encode(picture(28), exif_data=exif(taken="2026:11:03 09:55:00", offset="+08:00"))

    assert add(world, order, data).flags == []


def test_r_pho_4_a_photo_from_after_the_upload_is_outside_the_visit(world):
    order = order_on_site(world)  # upload at 10:30 Shanghai, not completed
    data = encode(picture(29), exif_data=exif(taken="2026:11:03 11:00:00", offset="+08:00"))

    photo = add(world, order, data)

    assert photo.flags == ["taken_outside_visit"]
    assert photo.audit["time"]["window_end_is"] == "uploaded_at"
    assert photo.audit["time"]["minutes_after_window_end"] == 30


def test_r_pho_4_no_exif_is_no_data_not_fraud(world):
    order = order_on_site(world)

    photo = add(world, order, encode(picture(30)))

    assert photo.flags == []
    assert photo.taken_at is None and photo.lat is None
    assert photo.audit["time"]["result"] == "no_data"
    assert photo.audit["location"]["result"] == "no_data"
    assert photo.audit["location"]["note"] == "no EXIF GPS"


def test_r_pho_4_a_photo_taken_two_kilometres_away_is_far_from_site(world):
    order = order_on_site(world)
    far = (NEAR_SITE[0] + 0.018, NEAR_SITE[1])
    data = encode(picture(31), exif_data=exif(taken="2026:11:03 10:10:00", gps=far))

    photo = add(world, order, data)

    assert photo.flags == ["far_from_site"]
    assert photo.audit["location"]["result"] == "flagged"
    assert 1900 <= photo.audit["location"]["distance_m"] <= 2100
    assert photo.audit["location"]["max_distance_m"] == 300
    assert "lat" not in photo.audit["location"]  # no customer's coordinates in the evidence


def test_r_pho_4_the_order_own_label_in_the_splitter_photo_is_no_flag(world):
    order = order_on_site(world, port_number=11)
    label = label_image(order.bss_order_no, world.box.code, 11)

    photo = add(world, order, encode(splitter_photo(label), quality=90), kind="splitter_label")

    assert photo.flags == []
    assert photo.audit["label"]["result"] == "ok"
    assert photo.audit["label"]["read"] == {
        "order": order.bss_order_no,
        "box": world.box.code,
        "port": 11,
    }


def test_r_pho_4_another_port_label_in_the_splitter_photo_is_label_mismatch(world):
    order = order_on_site(world, port_number=12)
    label = label_image(order.bss_order_no, world.box.code, 13)

    photo = add(world, order, encode(splitter_photo(label), quality=90), kind="splitter_label")

    assert photo.flags == ["label_mismatch"]
    evidence = photo.audit["label"]
    assert evidence["read"]["port"] == 13
    assert evidence["expected"]["port"] == 12
    assert evidence["differs"] == ["port"]


def test_r_pho_4_a_splitter_photo_without_a_qr_code_is_label_unreadable(world):
    order = order_on_site(world)

    photo = add(world, order, encode(splitter_photo(None), quality=90), kind="splitter_label")

    assert photo.flags == ["label_unreadable"]
    assert photo.audit["label"]["read"] is None


def test_r_pho_4_the_label_is_checked_only_on_splitter_photos(world):
    order = order_on_site(world)

    photo = add(world, order, encode(splitter_photo(None), quality=90), kind="ont_stb")

    assert photo.flags == []
    assert photo.audit["label"] == {"result": "not_applicable"}
