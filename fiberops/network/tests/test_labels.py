"""Machine labels (机打标签, R-RES-2): the QR code's payload, the labels' texts, and the printed
PDF read back — text layer through pypdf, pixels through poppler's `pdftoppm` and the QR codes
decoded from the pixels with zxing-cpp, as a photo audit would. No database.

A machine without `pdftoppm` (Debian's poppler-utils) or the CID font's CMap (poppler-data) fails
with a message saying what to install; it never skips.
"""

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from fiberops.network.labels import (
    Label,
    LabelCode,
    label_payload,
    labels_for_port,
    parse_label_payload,
    render_labels,
)

ORDER_NO = "BSS20261128000042"
BOX = "WH01-FX-001"
PORT = 5
MASKED_ADDRESS = "成都市武侯区********"
GRID = "红牌楼网格"
DPI = 300
POPPLER_MISSING = (
    "pdftoppm is missing: install Debian's poppler-utils and poppler-data "
    "(apt-get install poppler-utils poppler-data) to check the labels' rendering"
)


def both_labels(**changes: object) -> list[Label]:
    fields: dict[str, object] = {
        "order_no": ORDER_NO,
        "box": BOX,
        "port": PORT,
        "grid_name": GRID,
        "masked_address": MASKED_ADDRESS,
    }
    fields.update(changes)
    return labels_for_port(**fields)  # type: ignore[arg-type]


def render_pages(pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    """Every page of `pdf` drawn by poppler at `DPI`, as Pillow images; fails without poppler."""
    path = shutil.which("pdftoppm")
    if path is None:
        pytest.fail(POPPLER_MISSING)
    source = tmp_path / "labels.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603
        [path, "-r", str(DPI), "-png", str(source), str(tmp_path / "page")],
        capture_output=True,
        check=False,
    )
    stderr = result.stderr.decode(errors="replace")
    if "CMap" in stderr:
        pytest.fail(f"poppler cannot read the CJK font (install poppler-data): {stderr}")
    assert result.returncode == 0, stderr
    return [Image.open(png) for png in sorted(tmp_path.glob("page-*.png"))]


def decoded(image: Image.Image) -> list[zxingcpp.Barcode]:
    return [
        code
        for code in zxingcpp.read_barcodes(image)
        if code.valid and code.format == zxingcpp.BarcodeFormat.QRCode
    ]


def symbol_width_mm(code: zxingcpp.Barcode) -> float:
    """The decoded symbol's width on paper (finder pattern edge to edge, no quiet zone)."""
    position = code.position
    width_px = max(
        abs(position.top_right.x - position.top_left.x),
        abs(position.bottom_right.x - position.bottom_left.x),
    )
    return width_px / DPI * 25.4


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- the payload -------------------------------------------------------------------------------


def test_r_res_2_payload_is_the_exact_compact_json_with_keys_in_order() -> None:
    assert label_payload("BSS001", "WH01-FX-001", 5) == (
        '{"order":"BSS001","box":"WH01-FX-001","port":5}'
    )


def test_r_res_2_payload_keeps_chinese_as_is() -> None:
    assert label_payload("装001", "武侯-箱", 12) == '{"order":"装001","box":"武侯-箱","port":12}'


def test_r_res_2_parse_round_trips_the_payload() -> None:
    text = label_payload(ORDER_NO, BOX, PORT)
    assert parse_label_payload(text) == LabelCode(order=ORDER_NO, box=BOX, port=PORT)
    assert parse_label_payload(label_payload("装001", "武侯-箱", 64)) == LabelCode(
        "装001", "武侯-箱", 64
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "{",
        "[]",
        '"BSS001"',
        "null",
        '{"order":"BSS001","box":"WH01-FX-001"}',  # a key missing
        '{"order":"BSS001","box":"WH01-FX-001","port":5,"x":1}',  # an extra key
        '{"order":"BSS001","box":"WH01-FX-001","port":"5"}',  # port as text
        '{"order":"BSS001","box":"WH01-FX-001","port":5.0}',  # port as a float
        '{"order":"BSS001","box":"WH01-FX-001","port":true}',  # port as a boolean
        '{"order":"BSS001","box":"WH01-FX-001","port":0}',  # no port 0
        '{"order":1,"box":"WH01-FX-001","port":5}',  # order as a number
        '{"order":"BSS001","box":null,"port":5}',
        '{"order":"","box":"WH01-FX-001","port":5}',
    ],
)
def test_r_res_2_parse_refuses_anything_but_the_exact_shape(text: str) -> None:
    assert parse_label_payload(text) is None


# --- the labels' texts -------------------------------------------------------------------------


def test_r_res_2_user_end_goes_up_to_the_port_and_down_to_the_ont() -> None:
    user, splitter = both_labels()

    assert (user.end, user.end_name) == ("user", "用户端")
    assert user.uplink == "WH01-FX-001 端口 5"
    assert user.downlink == "用户 ONT/光猫"
    assert user.place == MASKED_ADDRESS
    assert (splitter.end, splitter.end_name) == ("splitter", "分光器端")
    # No OLT/PON in FiberOps yet: the splitter end's uplink is the box and its grid.
    assert splitter.uplink == "分光箱 WH01-FX-001，红牌楼网格"
    assert splitter.downlink == "端口 5 → 成都市武侯区********"
    assert splitter.place == ""  # the address is in its 下联 line already
    assert user.payload == splitter.payload == label_payload(ORDER_NO, BOX, PORT)


def test_r_res_2_render_refuses_an_unknown_layout_and_no_labels() -> None:
    with pytest.raises(ValueError, match="layout"):
        render_labels(both_labels(), layout="a5")
    with pytest.raises(ValueError, match="no labels"):
        render_labels([], layout="a4")


# --- the printed labels ------------------------------------------------------------------------


@pytest.mark.parametrize(("layout", "pages"), [("a4", 1), ("roll", 2)])
def test_r_res_2_text_layer_names_both_ends_the_order_box_and_port(layout: str, pages: int) -> None:
    reader = PdfReader(BytesIO(render_labels(both_labels(), layout=layout)))

    assert len(reader.pages) == pages
    text = squeezed("".join(page.extract_text() for page in reader.pages))
    for word in ("用户端", "分光器端", ORDER_NO, BOX, "端口5", "上联", "下联", "ONT/光猫"):
        assert word in text, word
    assert MASKED_ADDRESS in text


@pytest.mark.parametrize(("layout", "smallest_mm"), [("a4", 18), ("roll", 15)])
def test_r_res_2_qr_codes_decode_to_the_payload_on_both_ends_and_are_large_enough(
    layout: str, smallest_mm: float, tmp_path
) -> None:
    labels = both_labels()
    images = render_pages(render_labels(labels, layout=layout), tmp_path)

    codes = [code for image in images for code in decoded(image)]
    assert [code.text for code in codes] == [label.payload for label in labels]
    for code in codes:
        assert code.ec_level == "M"
        assert symbol_width_mm(code) >= smallest_mm, symbol_width_mm(code)
    if layout == "roll":
        # One label per page, the page is the label: 60 × 40 mm.
        assert len(images) == 2
        for image in images:
            width_mm, height_mm = (side / DPI * 25.4 for side in image.size)
            assert (round(width_mm), round(height_mm)) == (60, 40)


def test_r_res_2_a4_sheet_takes_fourteen_labels_then_starts_another(tmp_path) -> None:
    labels = [
        label
        for port in range(1, 9)  # 8 ports, 16 labels: 14 on the first sheet, 2 on the second
        for label in both_labels(port=port, order_no=f"BSS{port:04d}")
    ]
    pdf = render_labels(labels, layout="a4")

    assert len(PdfReader(BytesIO(pdf)).pages) == 2
    images = render_pages(pdf, tmp_path)
    found = sorted(code.text for image in images for code in decoded(image))
    assert found == sorted(label.payload for label in labels)


def test_r_res_2_long_values_and_hostile_markup_stay_on_the_label(tmp_path) -> None:
    box = "SC-CD-WH-HONGPAILOU-FX-0001-B-12"  # the 32 characters a box code may have
    labels = both_labels(
        box=box,
        port=64,
        order_no="BSS-2026-11-28-0000000000000000000042",  # 40, the longest order number
        masked_address="四川省成都市<b>&********",
    )

    for layout in ("a4", "roll"):
        pdf = render_labels(labels, layout=layout)
        text = squeezed("".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))
        assert "四川省成都市<b>&********" in text
        (tmp_path / layout).mkdir()
        images = render_pages(pdf, tmp_path / layout)
        codes = [code for image in images for code in decoded(image)]
        assert [code.text for code in codes] == [label.payload for label in labels]
        assert min(symbol_width_mm(code) for code in codes) >= (18 if layout == "a4" else 15)
