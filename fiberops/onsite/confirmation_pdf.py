"""The work confirmation form (业务施工确认单, R-SITE-3) as a printable PDF.

Pure: `render_confirmation(document)` takes a `ConfirmationDocument` and returns PDF bytes; no
database, no request. `onsite.signoff` gathers the data (customers masked, R-CUS-5: printing the
form is no unmasking), renders it once when the customer signs and stores the bytes with their
SHA-256; the download serves the stored bytes.

The form follows the operator's standard (家客业务施工确认单, 表 1-2): one A4 page per copy,
three copies in one file (一式叁份) — 第一联 用户留存, 第二联 装维人员留存,
第三联 宽带维护管理部门存档 — each with the order, the customer, the resource, the technician,
the acceptance readings, any sections other apps add (`onsite.signoff.CONFIRMATION_SECTIONS`,
e.g. the checklist), the satisfaction answer, the signature and the standard's footnotes. The
same input gives the same bytes (`core.pdf.build_pdf` is invariant).
"""

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from fiberops.core.clock import SHANGHAI
from fiberops.core.pdf import build_pdf, cjk_style, markup, register_cjk_font

PAGE_SIZE = A4
MARGIN = 15 * mm
FOOTER_HEIGHT = 8 * mm
#: The three copies (一式叁份), one page each, in this order.
COPIES = ("第一联 用户留存", "第二联 装维人员留存", "第三联 宽带维护管理部门存档")
#: The standard's footnotes (表 1-2, 备注).
FOOTNOTES = (
    "1、此表作为宽带业务开通依据；",
    "2、此表一式叁份，用户一份、上门安装人员一份，宽带维护管理部门存档一份。",
)
#: The signature's box on the page.
SIGNATURE_WIDTH = 80 * mm
SIGNATURE_HEIGHT = 32 * mm


@dataclass(frozen=True)
class Section:
    """A block of the form: a title and rows of (item, value, verdict)."""

    title: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ConfirmationDocument:
    """What the form says; the customer's fields already masked; times aware."""

    operator_name: str
    order_no: str
    order_type: str
    plan: str
    customer_name: str
    customer_phone: str
    customer_address: str
    splitter: str
    technician: str
    checked_in_at: dt.datetime | None
    readings: Section
    satisfied: bool
    satisfaction_comment: str
    signature_png: bytes
    signer_name: str
    signed_at: dt.datetime
    version: int = 1
    sections: list[Section] = field(default_factory=list)


def shanghai_time(moment: dt.datetime | None) -> str:
    """`2026-11-28 14:05`, Shanghai time; `—` when there is none."""
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if moment else "—"


def render_confirmation(document: ConfirmationDocument) -> bytes:
    """The form as a three-page A4 PDF, one page per copy (R-SITE-3)."""
    register_cjk_font()
    width, height = PAGE_SIZE
    frame_width = width - 2 * MARGIN - 12  # SimpleDocTemplate's frame pads 6 pt each side
    frame_height = height - 2 * MARGIN - FOOTER_HEIGHT - 12
    signature = _signature_image(document.signature_png)
    story: list[Flowable] = []
    for index, copy in enumerate(COPIES):
        if index:
            story.append(PageBreak())
        story.append(
            KeepInFrame(
                frame_width,
                frame_height,
                _page(document, copy, signature, frame_width),
                mode="shrink",
            )
        )
    return build_pdf(
        story,
        page_size=PAGE_SIZE,
        margin=MARGIN,
        bottom_margin=MARGIN + FOOTER_HEIGHT,
        title=f"业务施工确认单 {document.order_no}",
        author=document.operator_name,
        subject="业务施工确认单",
        decorate=lambda canvas, doc: _decorate(canvas, doc, document),
    )


def _signature_image(png: bytes) -> ImageReader:
    """The signature flattened on white (a canvas's PNG is often transparent)."""
    with PILImage.open(BytesIO(png)) as image:
        rgba = image.convert("RGBA")
    flat = PILImage.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return ImageReader(flat)


class SignatureBox(Flowable):
    """The customer's signature scaled into a framed box, aspect ratio kept."""

    def __init__(self, image: ImageReader, width: float, height: float) -> None:
        super().__init__()
        self.image = image
        self.width = width
        self.height = height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(0.6)
        canvas.rect(0, 0, self.width, self.height)
        image_width, image_height = self.image.getSize()
        pad = 2 * mm
        scale = min((self.width - 2 * pad) / image_width, (self.height - 2 * pad) / image_height)
        drawn_width, drawn_height = image_width * scale, image_height * scale
        canvas.drawImage(
            self.image,
            (self.width - drawn_width) / 2,
            (self.height - drawn_height) / 2,
            drawn_width,
            drawn_height,
        )
        canvas.restoreState()


def _grid_style(header: bool, label_columns: tuple[int, ...] = ()) -> TableStyle:
    commands = [
        # Fixed labels are plain strings in these (fast: no paragraph layout); data are
        # paragraphs, which wrap.
        ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("LEADING", (0, 0), (-1, -1), 13),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)))
    for column in label_columns:
        commands.append(("TEXTCOLOR", (column, 0), (column, -1), colors.dimgrey))
    return TableStyle(commands)


def _page(
    document: ConfirmationDocument, copy: str, signature: ImageReader, width: float
) -> list[Flowable]:
    title = cjk_style("title", font_size=18, leading=24, alignment=TA_CENTER)
    subtitle = cjk_style("subtitle", font_size=10.5, leading=14, alignment=TA_CENTER)
    heading = cjk_style("heading", font_size=11, leading=16, spaceBefore=6, spaceAfter=3)
    cell = cjk_style("cell", font_size=9.5, leading=13)
    note = cjk_style("note", font_size=8.5, leading=12, textColor=colors.dimgrey)

    def p(text: str, style=cell) -> Paragraph:
        return Paragraph(markup(text), style)

    quarter = width / 4
    details = Table(
        [
            [
                "工单号",
                p(document.order_no),
                "业务类型",
                p(document.order_type),
            ],
            [
                "客户姓名",
                p(document.customer_name),
                "联系电话",
                p(document.customer_phone),
            ],
            ["装机地址", p(document.customer_address), "", ""],
            ["宽带套餐", p(document.plan), "分光箱/端口", p(document.splitter)],
            [
                "装维人员",
                p(document.technician),
                "上门签到",
                p(shanghai_time(document.checked_in_at)),
            ],
        ],
        colWidths=[quarter * 0.7, quarter * 1.3, quarter * 0.7, quarter * 1.3],
        style=_grid_style(header=False, label_columns=(0, 2)),
    )
    details.setStyle(TableStyle([("SPAN", (1, 2), (3, 2))]))

    story: list[Flowable] = [
        Paragraph(markup(f"{document.operator_name}家客业务施工确认单"), title),
        Paragraph(markup(f"{copy}（一式叁份）"), subtitle),
        Spacer(1, 4 * mm),
        details,
    ]
    for section in [document.readings, *document.sections]:
        story += [Paragraph(markup(section.title), heading), _section_table(section, width, p)]

    answer = "满意" if document.satisfied else "不满意"
    if document.satisfaction_comment:
        answer += f"（{document.satisfaction_comment}）"
    signed = Table(
        [
            ["客户满意度", p(answer)],
            ["客户签字", SignatureBox(signature, SIGNATURE_WIDTH, SIGNATURE_HEIGHT)],
            ["签字人", p(document.signer_name or "—")],
            ["签字时间", p(shanghai_time(document.signed_at))],
        ],
        colWidths=[width * 0.175, width * 0.825],
        style=_grid_style(header=False, label_columns=(0,)),
    )
    story += [
        Paragraph("开通确认", heading),
        signed,
        Spacer(1, 4 * mm),
        Paragraph("备注：", note),
        *(Paragraph(line, note) for line in FOOTNOTES),
    ]
    return story


def _section_table(section: Section, width: float, p) -> Table:
    rows: list[list] = [["项目", "记录", "结论"]]
    rows += [[p(item), p(value), p(verdict)] for item, value, verdict in section.rows]
    if not section.rows:
        rows.append([p("—"), p("—"), p("—")])
    return Table(
        rows,
        colWidths=[width * 0.3, width * 0.45, width * 0.25],
        style=_grid_style(header=True),
        repeatRows=1,
    )


def _decorate(canvas: Canvas, doc, document: ConfirmationDocument) -> None:
    """Each page's footer: its copy, the order number, the version and the operator."""
    width, _height = PAGE_SIZE
    copy = COPIES[min(doc.page, len(COPIES)) - 1]
    canvas.saveState()
    canvas.setFont(register_cjk_font(), 8)
    canvas.setFillColor(colors.dimgrey)
    footer_y = MARGIN
    canvas.drawString(MARGIN, footer_y, f"{copy}　工单号 {document.order_no}")
    canvas.drawRightString(
        width - MARGIN, footer_y, f"第 {document.version} 版　{document.operator_name}"
    )
    canvas.restoreState()


__all__ = ["COPIES", "FOOTNOTES", "ConfirmationDocument", "Section", "render_confirmation"]
