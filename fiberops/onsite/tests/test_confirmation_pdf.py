"""The work confirmation form's PDF (业务施工确认单, R-SITE-3) read back: the text layer through
pypdf, the pixels through poppler's `pdftoppm` (fails, never skips, without poppler-utils and
poppler-data, like the labels' tests)."""

import base64
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw
from pypdf import PdfReader

from fiberops.onsite.confirmation_pdf import COPIES, Section
from fiberops.onsite.signoff import CONFIRMATION_SECTIONS, record_satisfaction, sign_confirmation
from fiberops.onsite.tests.helpers import order_on_site
from fiberops.testing import record_acceptance_evidence

DPI = 100
#: The test signature's ink: pure red, which nothing else on the form is.
RED = (220, 0, 0, 255)


def red_signature() -> str:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(40, 150), (150, 40), (260, 160), (380, 50), (560, 140)], fill=RED, width=10)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def render_pages(pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    path = shutil.which("pdftoppm")
    if path is None:
        pytest.fail("pdftoppm is missing: install Debian's poppler-utils and poppler-data")
    source = tmp_path / "form.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        [path, "-r", str(DPI), "-png", str(source), str(tmp_path / "page")], check=True
    )
    return [Image.open(page).convert("RGB") for page in sorted(tmp_path.glob("page-*.png"))]


def red_box(page: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of the red (signature) pixels, or None."""
    red = Image.eval(page.getchannel("R"), lambda v: 255 if v > 150 else 0)
    not_green = Image.eval(page.getchannel("G"), lambda v: 255 if v < 90 else 0)
    mask = Image.composite(red, Image.new("L", page.size, 0), not_green)
    return mask.getbbox()


@pytest.fixture
def signed_form(world):
    order = order_on_site(world)
    record_acceptance_evidence(order, world.technician_user, signed=False)
    record_satisfaction(order, satisfied=True, actor=world.technician_user)
    form = sign_confirmation(
        order, signature_png=red_signature(), signer_name="王五", actor=world.technician_user
    )
    with default_storage.open(form.pdf.name, "rb") as file:
        return order, form, file.read()


def test_r_site_3_three_copies_one_page_each_with_the_order_and_the_readings(signed_form):
    order, form, pdf = signed_form
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]

    assert len(pages) == 3
    for marker, text in zip(COPIES, pages, strict=True):
        flat = text.replace(" ", "").replace("\n", "")
        assert marker.replace(" ", "") in flat
        assert "一式叁份" in flat
        assert order.bss_order_no in flat
        assert "业务施工确认单" in flat
        assert "-19.5dBm" in flat  # the optical reading of the helper
        assert "合格" in flat and "满意" in flat
        assert "此表作为宽带业务开通依据" in flat
        assert "王*" in flat  # the signer, masked
        # R-CUS-5: the customer masked; the form is no unmasking
        assert order.customer.phone not in flat
        assert order.customer.phone[:3] + "****" + order.customer.phone[-4:] in flat
        assert order.customer.address not in flat
        assert "Z001" in flat  # the technician's number
        # R-SITE-1: the ten-step checklist as answered on this visit
        assert "上门实施十步法检查" in flat and "穿好鞋套" in flat and "不适用" in flat


def test_r_site_3_the_signature_is_drawn_in_its_box_on_every_copy(signed_form, tmp_path):
    _order, _form, pdf = signed_form
    Path("var/screenshots").mkdir(parents=True, exist_ok=True)
    Path("var/screenshots/confirmation.pdf").write_bytes(pdf)  # to look at
    pages = render_pages(pdf, tmp_path)

    assert len(pages) == 3
    for page in pages:
        box = red_box(page)
        assert box is not None, "no signature on the page"
        left, top, right, bottom = box
        width, height = page.size
        # inside the signature's box: right of the label column, in the page's middle band
        assert left > width * 0.2 and right < width * 0.8
        assert height * 0.3 < top < bottom < height * 0.85
        assert (right - left) > 100 and (bottom - top) > 30


def test_r_site_3_other_apps_add_sections_to_the_form(world, monkeypatch):
    monkeypatch.setattr(
        "fiberops.onsite.signoff.CONFIRMATION_SECTIONS",
        [
            *CONFIRMATION_SECTIONS,
            lambda order: Section("上门十步法", [("现场清理", "已清理", "是")]),
        ],
    )
    order = order_on_site(world)
    record_acceptance_evidence(order, world.technician_user, signed=False)
    record_satisfaction(order, satisfied=True, actor=world.technician_user)
    form = sign_confirmation(order, signature_png=red_signature(), actor=world.technician_user)

    with default_storage.open(form.pdf.name, "rb") as file:
        text = PdfReader(file).pages[0].extract_text().replace(" ", "")

    assert "上门十步法" in text and "现场清理" in text
