"""Test images, drawn by the tests themselves (no binary fixtures), and an order on site."""

import datetime as dt
import io
import random
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pillow_heif
import time_machine
from PIL import ExifTags, Image, ImageDraw

from fiberops.network.labels import render_labels, splitter_end_label
from fiberops.network.models import SplitterPort
from fiberops.testing import World
from fiberops.workorders.actions import (
    CustomerData,
    IntakeData,
    accept_order,
    arrive_on_site,
    depart_order,
    dispatch_order,
    intake_order,
)
from fiberops.workorders.models import WorkOrder

#: The customer of `order_on_site`, and a point about 50 m north of it.
SITE = (Decimal("30.627100"), Decimal("104.036200"))
NEAR_SITE = (30.627550, 104.036200)
#: The check-in of `order_on_site`: 10:00 in Shanghai; the tests upload half an hour later.
CHECK_IN = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
UPLOAD_AT = CHECK_IN + dt.timedelta(minutes=30)

_numbers = iter(range(1, 10_000))


def order_on_site(world: World, *, port_number: int | None = None) -> WorkOrder:
    """An install at a customer with a location and a splitter port, checked in at CHECK_IN by
    the world's technician."""
    number = next(_numbers)
    port = SplitterPort.objects.get_or_create(box=world.box, number=port_number or number)[0]
    tech = world.technician_user
    with time_machine.travel(CHECK_IN - dt.timedelta(hours=1), tick=False):
        order, _created = intake_order(
            actor=world.bss,
            data=IntakeData(
                bss_order_no=f"PHO{number:08d}",
                order_type="install",
                accepted_at=CHECK_IN - dt.timedelta(days=1),
                grid=world.grid,
                customer=CustomerData(
                    name="王五",
                    phone=f"137{number:08d}",
                    address="成都市武侯区佳灵路3号",
                    lat=SITE[0],
                    lng=SITE[1],
                ),
                splitter_port=port,
            ),
        )
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        accept_order(order, actor=tech)
        depart_order(order, actor=tech)
    with time_machine.travel(CHECK_IN, tick=False):
        arrive_on_site(order, actor=tech)
    order.refresh_from_db()
    return order


def picture(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A synthetic scene, different for each seed: coloured blocks, circles and lines."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(25):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(40, 300), y0 + rng.randrange(40, 300)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.choice(["rectangle", "ellipse", "line"])
        if shape == "line":
            draw.line([x0, y0, x1, y1], fill=colour, width=rng.randrange(3, 20))
        else:
            getattr(draw, shape)([x0, y0, x1, y1], fill=colour)
    return image


def noise(seed: int, size: tuple[int, int] = (200, 200)) -> Image.Image:
    """Random pixels: a picture that does not compress (for the size limits)."""
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3))


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    return float(degrees), float(minutes), round((minutes_float - minutes) * 60, 4)


def exif(
    *, taken: str | None = None, offset: str | None = None, gps: tuple[float, float] | None = None
) -> Image.Exif:
    """EXIF written with Pillow: DateTimeOriginal ("2026:11:03 10:20:00", local time),
    OffsetTimeOriginal, GPS in degrees/minutes/seconds with N/E references."""
    data = Image.Exif()
    data[ExifTags.Base.Make] = "FiberOps test"
    ifd: dict = {}
    if taken is not None:
        ifd[ExifTags.Base.DateTimeOriginal] = taken
    if offset is not None:
        ifd[ExifTags.Base.OffsetTimeOriginal] = offset
    if ifd:
        data[ExifTags.IFD.Exif] = ifd
    if gps is not None:
        data[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: _dms(gps[0]),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: _dms(gps[1]),
        }
    return data


def encode(
    image: Image.Image, fmt: str = "JPEG", *, exif_data: Image.Exif | None = None, **options
):
    buffer = io.BytesIO()
    if exif_data is not None:
        options["exif"] = exif_data
    if fmt == "HEIF":
        pillow_heif.register_heif_opener()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def label_image(order_no: str, box: str, port: int) -> Image.Image:
    """The project's own splitter-end label (network.labels.render_labels, roll layout) drawn by
    pdftoppm at 200 dpi."""
    label = splitter_end_label(
        order_no=order_no, box=box, port=port, grid_name="红牌楼网格", masked_address="佳灵路3号"
    )
    with tempfile.TemporaryDirectory() as directory:
        pdf = Path(directory) / "label.pdf"
        pdf.write_bytes(render_labels([label], layout="roll"))
        command = ["pdftoppm", "-png", "-r", "200", "-singlefile", str(pdf), str(pdf)[:-4]]
        # poppler's pdftoppm, as the labels' own tests use it, on our own file
        subprocess.run(command, check=True)  # noqa: S603, S607
        with Image.open(pdf.with_suffix(".png")) as image:
            return image.convert("RGB")


def splitter_photo(label: Image.Image | None, seed: int = 7) -> Image.Image:
    """A synthetic photo inside a box with the label pasted in, slightly turned."""
    scene = picture(seed, (1200, 900))
    if label is not None:
        scene.paste(label.rotate(3, expand=True, fillcolor="white"), (300, 250))
    return scene
