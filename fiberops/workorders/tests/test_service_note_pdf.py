"""The printable service note (服务便利贴, R-APT-8): its text layer, its wrapping, its pixels.

The renderer is pure, so no database. The pixel and position checks go through poppler
(`pdftoppm`, `pdftotext` from Debian's poppler-utils, the CID font's CMap from poppler-data):
a machine without them fails with a message saying what to install.
"""

import datetime as dt
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from fiberops.workorders.service_note import ServiceNote, render_service_note

ADDRESS = "成都市武侯区天府大道北段1700号环球中心E1区2栋3单元1502室"
#: 14:05 and 14:35 in Shanghai.
ARRIVED_AT = dt.datetime(2026, 11, 28, 6, 5, tzinfo=dt.UTC)
LEFT_AT = dt.datetime(2026, 11, 28, 6, 35, tzinfo=dt.UTC)
POPPLER_MISSING = (
    "{tool} is missing: install Debian's poppler-utils and poppler-data "
    "(apt-get install poppler-utils poppler-data) to check the service note's rendering"
)


def make_note(**changes: object) -> ServiceNote:
    fields: dict[str, object] = {
        "address": ADDRESS,
        "technician_name": "张建国",
        "technician_phone": "13880012345",
        "arrived_at": ARRIVED_AT,
        "left_at": LEFT_AT,
        "order_no": "WO-20261128-00042",
    }
    fields.update(changes)
    return ServiceNote(**fields)  # type: ignore[arg-type]


def text_of(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def squeezed(text: str) -> str:
    """`text` without any whitespace: wrapped lines join up again."""
    return re.sub(r"\s+", "", text)


def poppler(
    tool: str, *arguments: str, input_pdf: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run a poppler tool; fail (never skip) when it or the CJK CMap is missing."""
    path = shutil.which(tool)
    if path is None:
        pytest.fail(POPPLER_MISSING.format(tool=tool))
    result = subprocess.run(  # noqa: S603
        [path, *arguments], input=input_pdf, capture_output=True, check=False
    )
    stderr = result.stderr.decode(errors="replace")
    if "CMap" in stderr:
        pytest.fail(f"poppler cannot read the CJK font (install poppler-data): {stderr}")
    assert result.returncode == 0, stderr
    return result


def test_r_apt_8_text_layer_has_heading_address_technician_times_phone_and_date() -> None:
    text = text_of(render_service_note(make_note()))

    # The CID font's text layer is real Unicode, not glyph ids.
    assert "服务便利贴" in text
    assert "温馨提醒" in text
    flat = squeezed(text)
    assert f"尊敬的{ADDRESS}用户" in flat
    assert "我是四川移动家庭有线宽带维护人员张建国" in flat
    assert "11月28日14:05到达后" in flat
    assert "11月28日14:35离开" in flat
    assert "06:05" not in flat and "06:35" not in flat  # Shanghai time, never UTC
    assert "联系电话13880012345" in flat
    assert "138 8001 2345" in text  # the large line, grouped for reading from the door
    assert "2026年11月28日" in flat
    assert "WO-20261128-00042" in flat


def test_r_apt_8_times_and_date_line_follow_the_shanghai_calendar_day() -> None:
    # 23:50 on the 28th and 01:30 on the 29th in Shanghai; both still the 28th in UTC.
    note = make_note(
        arrived_at=dt.datetime(2026, 11, 28, 15, 50, tzinfo=dt.UTC),
        left_at=dt.datetime(2026, 11, 28, 17, 30, tzinfo=dt.UTC),
    )

    flat = squeezed(text_of(render_service_note(note)))

    assert "11月28日23:50到达后" in flat
    assert "11月29日01:30离开" in flat
    assert "2026年11月29日" in flat


def test_r_apt_8_operator_name_comes_from_the_note() -> None:
    flat = squeezed(text_of(render_service_note(make_note(operator_name="中国移动"))))

    assert "我是中国移动家庭有线宽带维护人员" in flat
    assert "四川移动" not in flat


def test_r_apt_8_hostile_address_prints_literally() -> None:
    hostile = "幸福小区<b>&amp;</script>3栋"

    pdf = render_service_note(make_note(address=hostile, technician_name="李<i>四&"))
    flat = squeezed(text_of(pdf))

    assert f"尊敬的{hostile}用户" in flat
    assert "维护人员李<i>四&，" in flat


def test_r_apt_8_long_address_wraps_within_one_page() -> None:
    address = ("四川省成都市高新区天府软件园C区12栋" * 20)[:200]
    assert len(address) == 200

    pdf = render_service_note(make_note(address=address))

    # One page, and every character of the address on it.
    assert f"尊敬的{address}用户" in squeezed(text_of(pdf))
    # Every word poppler finds lies inside the page: the address wrapped instead of running off.
    page_width = float(PdfReader(BytesIO(pdf)).pages[0].mediabox.width)
    bbox = poppler("pdftotext", "-bbox", "-", "-", input_pdf=pdf)
    right_edges = [float(x) for x in re.findall(rb'xMax="([\d.]+)"', bbox.stdout)]
    assert len(right_edges) > 10
    assert max(right_edges) <= page_width - 5 * 72 / 25.4  # inside the printed border


def test_r_apt_8_note_renders_to_a_non_blank_image(tmp_path: Path) -> None:
    pdf_path = tmp_path / "note.pdf"
    pdf_path.write_bytes(render_service_note(make_note()))

    # 72 dpi: one pixel per point. Crop inside the printed border: only text can be dark there.
    page = poppler(
        "pdftoppm", "-gray", "-r", "72", "-x", "20", "-y", "20", "-W", "258", "-H", "380",
        "-singlefile", str(pdf_path),
    )  # fmt: skip
    width, height, pixels = read_pgm(page.stdout)

    assert (width, height) == (258, 380)
    dark = sum(1 for value in pixels if value < 100)
    # Measured about 5,600; without the CJK font's CMap only the underlines show (about 600).
    assert dark > 1500, f"only {dark} dark pixels: the Chinese text did not render"


def test_r_apt_8_same_note_gives_the_same_bytes() -> None:
    assert render_service_note(make_note()) == render_service_note(make_note())


def test_r_apt_8_note_refuses_naive_times_and_leaving_before_arriving() -> None:
    with pytest.raises(ValueError, match="aware"):
        make_note(arrived_at=dt.datetime(2026, 11, 28, 14, 5))
    with pytest.raises(ValueError, match="before"):
        make_note(left_at=ARRIVED_AT - dt.timedelta(minutes=1))


def read_pgm(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the 8-bit gray pixels of a binary PGM (P5), as pdftoppm -gray writes."""
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert match is not None, data[:20]
    width, height, maximum = (int(group) for group in match.groups())
    assert maximum == 255
    pixels = data[match.end() :]
    assert len(pixels) == width * height
    return width, height, pixels
