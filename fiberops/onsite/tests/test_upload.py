"""Uploading evidence photos through the API (R-PHO-1, R-PHO-3, R-PHO-5)."""

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from fiberops.onsite.models import Photo
from fiberops.onsite.tests.helpers import NEAR_SITE, encode, exif, order_on_site, picture
from fiberops.workorders.models import EventKind


def photos_url(order) -> str:
    return reverse("photo-list", kwargs={"order_pk": order.pk})


def upload(client, order, data: bytes, *, kind: str = "route", name: str = "IMG_0001.jpg", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        photos_url(order),
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
        format="multipart",
        **extra,
    )


def test_r_pho_5_a_jpeg_taken_on_site_is_stored_with_a_thumbnail_and_a_retry_returns_it(world):
    order = order_on_site(world)
    data = encode(
        picture(1),
        exif_data=exif(taken="2026:11:03 10:20:00", offset="+08:00", gps=NEAR_SITE),
        quality=90,
    )
    client = world.client(world.technician_user)

    first = upload(client, order, data)

    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["flags"] == []
    assert body["kind"] == "route"
    assert (body["width"], body["height"]) == (800, 600)
    assert body["taken_at"] == "2026-11-03T10:20:00+08:00"
    assert (body["lat"], body["lng"]) == ("30.63", "104.04")  # rounded: a home's position
    assert body["audit"]["time"]["result"] == "ok"
    assert body["audit"]["location"]["result"] == "ok"
    assert 40 <= body["audit"]["location"]["distance_m"] <= 60
    assert body["audit"]["reuse"]["result"] == "ok"
    photo = Photo.objects.get()
    assert default_storage.exists(photo.file.name)
    assert default_storage.exists(photo.thumbnail.name)
    assert str(order.pk) in photo.file.name and "王" not in photo.file.name
    assert order.events.filter(kind=EventKind.PHOTO_ADDED).count() == 1

    again = upload(client, order, data, kind="ont_stb")

    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Photo.objects.count() == 1
    assert order.events.filter(kind=EventKind.PHOTO_ADDED).count() == 1


def test_r_pho_3_the_files_are_served_only_through_the_scope_checked_views(world):
    order = order_on_site(world)
    data = encode(picture(2), quality=90)
    body = upload(world.client(world.technician_user), order, data).json()

    mine = world.client(world.technician_user).get(body["url"])
    thumbnail = world.client(world.auditor).get(body["thumbnail_url"])
    foreign = world.client(world.foreign_dispatcher).get(body["url"])

    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/jpeg"
    assert b"".join(mine.streaming_content) == data
    assert thumbnail.status_code == 200
    assert foreign.status_code == 404


def test_r_pho_2_a_heic_photo_from_a_phone_is_accepted(world):
    order = order_on_site(world)
    taken = exif(taken="2026:11:03 10:12:00", offset="+08:00", gps=NEAR_SITE)
    data = encode(picture(3), "HEIF", exif_data=taken, quality=80)

    response = upload(world.client(world.technician_user), order, data, name="IMG_0002.HEIC")

    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == "image/heic"
    assert (response.json()["width"], response.json()["height"]) == (800, 600)
    assert Photo.objects.get().file.name.endswith(".heic")
    assert response.json()["taken_at"] == "2026-11-03T10:12:00+08:00"
    assert response.json()["flags"] == []
    assert response.json()["audit"]["location"]["result"] == "ok"


def test_r_pho_1_the_timeline_shows_the_slot_and_the_flags(world):
    from fiberops.workorders.timeline import order_timeline

    order = order_on_site(world)
    data = encode(picture(4), exif_data=exif(taken="2026:11:03 08:00:00", offset="+08:00"))
    upload(world.client(world.technician_user), order, data, kind="ont_stb")

    [entry] = [e for e in order_timeline(order) if e.kind == EventKind.PHOTO_ADDED]
    assert entry.data["flags"] == ["taken_outside_visit"]
    with translation.override("zh-hans"):
        assert entry.detail_label == "光猫及机顶盒 · 拍摄时间不在上门期间"


def test_r_pho_2_a_png_is_accepted(world):
    order = order_on_site(world)

    response = upload(world.client(world.technician_user), order, encode(picture(4), "PNG"))

    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"


def test_r_pho_2_a_jpeg_with_extra_pictures_as_phones_write_it_is_a_jpeg(world):
    order = order_on_site(world)
    data = encode(picture(5), "MPO", save_all=True, append_images=[picture(6, (160, 120))])

    response = upload(world.client(world.technician_user), order, data)

    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == "image/jpeg"
    assert (response.json()["width"], response.json()["height"]) == (800, 600)
