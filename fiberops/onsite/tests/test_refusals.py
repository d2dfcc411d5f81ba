"""Refused uploads store nothing (R-PHO-2): no row, no file, no event."""

import io
import struct
import zlib

import pytest
from django.conf import settings

from fiberops.onsite.models import Photo
from fiberops.onsite.tests.helpers import encode, noise, order_on_site, picture
from fiberops.onsite.tests.test_upload import upload
from fiberops.workorders.models import EventKind


def stored_files() -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def assert_nothing_stored(order) -> None:
    assert Photo.objects.count() == 0
    assert stored_files() == []
    assert not order.events.filter(kind=EventKind.PHOTO_ADDED).exists()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width` × `height` (a decompression bomb's shape): the
    IHDR is written by hand, the data is one compressed empty row."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    data = zlib.compress(b"\x00" * (width // 8 + 2))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_r_pho_2_text_is_refused_as_not_an_image_and_nothing_is_stored(world):
    order = order_on_site(world)

    response = upload(world.client(world.technician_user), order, b"hello, not a photo\n" * 50)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_an_image"
    assert response.json()["error"]["message"] == "该文件不是可读取的图片（或文件不完整）。"
    assert_nothing_stored(order)


def test_r_pho_2_a_truncated_jpeg_is_refused(world):
    order = order_on_site(world)
    data = encode(picture(5), quality=90)

    response = upload(world.client(world.technician_user), order, data[: len(data) // 2])

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_an_image"
    assert_nothing_stored(order)


def test_r_pho_2_a_decompression_bomb_is_refused_from_its_header(world):
    order = order_on_site(world)
    bomb = png_claiming(30_000, 30_000)
    assert len(bomb) < 10_000

    response = upload(world.client(world.technician_user), order, bomb, name="bomb.png")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "image_too_many_pixels"
    assert_nothing_stored(order)


def test_r_pho_2_an_image_over_the_pixel_limit_is_refused(world, settings):
    settings.PHOTO_MAX_PIXELS = 100_000
    order = order_on_site(world)

    response = upload(world.client(world.technician_user), order, encode(picture(6), quality=80))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "image_too_many_pixels"
    assert_nothing_stored(order)


def test_r_pho_2_a_file_over_the_byte_limit_is_413(world, settings):
    settings.PHOTO_MAX_BYTES = 20_000
    order = order_on_site(world)
    data = encode(noise(7), "PNG")
    assert len(data) > 20_000

    response = upload(world.client(world.technician_user), order, data, name="big.png")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "image_too_large"
    assert_nothing_stored(order)


def test_r_pho_2_a_body_over_the_upload_limit_is_413_before_parsing(world, settings):
    settings.API_MAX_UPLOAD_BYTES = 10_000
    order = order_on_site(world)

    response = upload(world.client(world.technician_user), order, encode(noise(8), "PNG"))

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert_nothing_stored(order)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_r_pho_2_other_image_formats_are_415(world, fmt):
    order = order_on_site(world)
    buffer = io.BytesIO()
    picture(9).save(buffer, format=fmt)

    response = upload(world.client(world.technician_user), order, buffer.getvalue())

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_image_format"
    assert_nothing_stored(order)


def test_r_pho_3_files_written_are_deleted_when_the_transaction_fails(world, monkeypatch):
    from fiberops.onsite import actions
    from fiberops.workorders import events

    order = order_on_site(world)

    def failing_event(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(events, "photo_added", failing_event)
    with pytest.raises(RuntimeError):
        actions.add_photo(
            order, kind="route", data=encode(picture(10)), actor=world.technician_user
        )

    assert_nothing_stored(order)
