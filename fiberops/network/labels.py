"""Machine labels (机打标签) for the two ends of a customer's drop cable (R-RES-2).

After splicing, the technician prints a label for the user end (用户端: at the customer's ONT) and
one for the splitter end (分光器端: at the port in the splitter box) and sticks them on the cable.
Each label says which end it is, the order number FiberOps shows (`bss_order_no`), the box and the
port (large), the port's uplink (上联) and downlink (下联), and a QR code. The QR code holds the
compact JSON `{"order":"<order number>","box":"<box code>","port":<port number>}` (`label_payload`);
a later photo audit decodes it from the photo and reads it back with `parse_label_payload`.

Pure: no database and no request. The caller (the API endpoint) gathers the values, already
masked, and calls `labels_for_port` and `render_labels`.

Uplink and downlink:

- user end: 上联 = "<box> 端口 <port>" (the splitter port the cable comes from),
  下联 = "用户 ONT/光猫", and below them the customer's masked address;
- splitter end: 上联 = the box itself — its code and its grid. The OLT → PON port → first-level
  splitter hierarchy is modelled since issue 10 (`SplitterBox.splitter`, which may be empty), but
  the label does not print it yet: `splitter_end_label` is where the box's uplink (OLT/PON,
  一级分光器) would go. 下联 = "端口 <port> → <customer address, masked>".

Addresses are masked (R-CUS-5: `成都市武侯区********`): a label stays on a cable in a shared
splitter box for years, and printing one is no reason to log an unmasking.

Both lines are printed on the face of the label, 上联 above 下联, so the label reads the same on
flat labels and on flag labels folded round the cable (their front and back halves are not
laid out separately).

Layouts (`render_labels(…, layout=…)`):

- ``"a4"``: 14 labels per A4 sheet, 2 columns × 7 rows of 99.1 × 38.1 mm — the geometry of the
  common 14-up A4 adhesive label sheet, so the page prints on such a sheet as well as on plain
  paper; each label has a thin grey border to cut along. QR code ≥ 18 mm: about 22 mm for a
  typical payload (27 mm with its quiet zone).
- ``"roll"``: one label per page, 60 × 40 mm — the most common die-cut roll of the small thermal
  label printers (标签机) technicians carry, and tall enough for a QR code ≥ 15 mm (about 20 mm,
  25 mm with its quiet zone) beside readable text at the printers' 203 dpi (about 4 dots per
  module).

Sizes of the QR code are of the symbol, finder pattern edge to edge; the tests measure them on
the rendered page. The codes use error correction level M (about 15 % of the code may be dirty or
creased) and the standard quiet zone of 4 modules. A longer payload (a long box code) packs more,
smaller modules into the same square. The font is the shared CID font
(`core/pdf.py`, text layer in Unicode); order numbers and box codes in plain ASCII are drawn in
Helvetica-Bold, which prints crisper on thermal heads. Label texts keep to characters the CID
font has (no `·`: viewers that substitute the font draw it as a missing glyph).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Literal

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from fiberops.core.pdf import cjk_style, markup, register_cjk_font

End = Literal["user", "splitter"]
Layout = Literal["a4", "roll"]

#: The end's name printed on the label.
END_NAMES: dict[str, str] = {"user": "用户端", "splitter": "分光器端"}
LAYOUTS: tuple[str, ...] = ("a4", "roll")

#: The one Latin font (order numbers, box codes): bold, one of PDF's 14 standard fonts.
LATIN_BOLD = "Helvetica-Bold"


# --- the QR code's content ---------------------------------------------------------------------


@dataclass(frozen=True)
class LabelCode:
    """What a label's QR code says: the order number, the splitter box's code, the port."""

    order: str
    box: str
    port: int


def label_payload(order_no: str, box: str, port: int) -> str:
    """The QR code's text: compact JSON with the keys in this order, non-ASCII kept as is."""
    return json.dumps(
        {"order": order_no, "box": box, "port": port}, ensure_ascii=False, separators=(",", ":")
    )


def parse_label_payload(text: str) -> LabelCode | None:
    """The `LabelCode` in a QR code's text, or None for anything that is not exactly a label's
    payload: JSON object with the keys order, box (non-empty strings) and port (a positive
    integer, not a boolean), and no other key."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or set(data) != {"order", "box", "port"}:
        return None
    order, box, port = data["order"], data["box"], data["port"]
    if not (isinstance(order, str) and order and isinstance(box, str) and box):
        return None
    if isinstance(port, bool) or not isinstance(port, int) or port < 1:
        return None
    return LabelCode(order=order, box=box, port=port)


# --- one label ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """One machine label (机打标签) for one end of a drop cable. `place` is a short line under
    上联/下联, left out when empty: the customer's masked address on the user end; empty on the
    splitter end, whose 下联 already names the address and whose 上联 names the box's grid."""

    end: End
    order_no: str
    box: str
    port: int
    place: str
    uplink: str
    downlink: str

    def __post_init__(self) -> None:
        if self.end not in END_NAMES:
            raise ValueError(f"end must be one of {sorted(END_NAMES)}, got {self.end!r}")

    @property
    def end_name(self) -> str:
        return END_NAMES[self.end]

    @property
    def payload(self) -> str:
        return label_payload(self.order_no, self.box, self.port)


def user_end_label(*, order_no: str, box: str, port: int, masked_address: str) -> Label:
    """The label at the customer's end (用户端): up to the splitter port, down to the ONT."""
    return Label(
        end="user",
        order_no=order_no,
        box=box,
        port=port,
        place=masked_address,
        uplink=f"{box} 端口 {port}",
        downlink="用户 ONT/光猫",
    )


def splitter_end_label(
    *, order_no: str, box: str, port: int, grid_name: str, masked_address: str
) -> Label:
    """The label at the splitter box (分光器端). Its uplink is the box and its grid: the OLT, PON
    port and first-level splitter are not printed yet (see the module docstring)."""
    return Label(
        end="splitter",
        order_no=order_no,
        box=box,
        port=port,
        place="",
        uplink=f"分光箱 {box}，{grid_name}" if grid_name else f"分光箱 {box}",
        downlink=f"端口 {port} → {masked_address}" if masked_address else f"端口 {port} → 用户",
    )


def labels_for_port(
    *, order_no: str, box: str, port: int, grid_name: str, masked_address: str
) -> list[Label]:
    """Both labels of one drop cable: the user end's, then the splitter end's."""
    return [
        user_end_label(order_no=order_no, box=box, port=port, masked_address=masked_address),
        splitter_end_label(
            order_no=order_no,
            box=box,
            port=port,
            grid_name=grid_name,
            masked_address=masked_address,
        ),
    ]


# --- drawing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Geometry:
    """Sizes of one label in a layout (points)."""

    width: float
    height: float
    padding: float
    header_height: float
    header_size: float
    qr_size: float  # the QR code with its quiet zone
    box_size: float  # the box code's largest font size
    port_size: float
    line_size: float  # 上联/下联 and the place


A4_LABEL = _Geometry(
    width=99.1 * mm,
    height=38.1 * mm,
    padding=2.2 * mm,
    header_height=6.2 * mm,
    header_size=10,
    qr_size=29 * mm,
    box_size=14,
    port_size=16,
    line_size=9,
)
#: The 14-up A4 sheet: columns 2.5 mm apart, the block centred on the page.
A4_COLUMNS, A4_ROWS, A4_COLUMN_GAP = 2, 7, 2.5 * mm

ROLL_LABEL = _Geometry(
    width=60 * mm,
    height=40 * mm,
    padding=1.8 * mm,
    header_height=6 * mm,
    header_size=9.5,
    qr_size=25 * mm,
    box_size=11,
    port_size=13,
    line_size=6.5,
)

#: Quiet zone around the QR code, in modules (the standard's minimum).
QR_QUIET_MODULES = 4


def qr_symbol_size(payload: str, total_size: float) -> float:
    """The printed size (points) of the QR code's modules alone, without the quiet zone, when the
    code with its quiet zone takes `total_size`."""
    code = _qr_widget(payload, total_size).qr
    code.make()
    modules = code.getModuleCount()
    return total_size * modules / (modules + 2 * QR_QUIET_MODULES)


def render_labels(labels: Sequence[Label], *, layout: str = "a4") -> bytes:
    """The labels as a PDF: `"a4"` puts 14 on each A4 sheet, in order, row by row; `"roll"` one
    per 60 × 40 mm page (R-RES-2)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if not labels:
        raise ValueError("no labels to print")
    register_cjk_font()
    buffer = BytesIO()
    geometry = A4_LABEL if layout == "a4" else ROLL_LABEL
    page_size = A4 if layout == "a4" else (geometry.width, geometry.height)
    canvas = Canvas(buffer, pagesize=page_size, invariant=True)
    canvas.setTitle(f"机打标签 {labels[0].order_no}")
    canvas.setSubject("机打标签")
    canvas.setCreator("FiberOps")
    if layout == "a4":
        _draw_sheets(canvas, labels, geometry)
    else:
        for label in labels:
            _draw_label(canvas, label, geometry, 0, 0, border=False)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_sheets(canvas: Canvas, labels: Sequence[Label], geometry: _Geometry) -> None:
    page_width, page_height = A4
    per_page = A4_COLUMNS * A4_ROWS
    block_width = A4_COLUMNS * geometry.width + (A4_COLUMNS - 1) * A4_COLUMN_GAP
    left = (page_width - block_width) / 2
    top = (page_height + A4_ROWS * geometry.height) / 2
    for index, label in enumerate(labels):
        slot = index % per_page
        if index and not slot:
            canvas.showPage()
        row, column = divmod(slot, A4_COLUMNS)
        x = left + column * (geometry.width + A4_COLUMN_GAP)
        y = top - (row + 1) * geometry.height
        _draw_label(canvas, label, geometry, x, y, border=True)
    canvas.showPage()


def _draw_label(
    canvas: Canvas, label: Label, geometry: _Geometry, x: float, y: float, *, border: bool
) -> None:
    g = geometry
    pad = g.padding
    canvas.saveState()
    if border:
        # A cut guide on plain paper; on a die-cut sheet it falls on the cut.
        canvas.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
        canvas.setLineWidth(0.4)
        canvas.setDash(2, 2)
        canvas.rect(x, y, g.width, g.height)
        canvas.setDash()

    # Header: the end's name reversed out of a black tab, the order number to its right.
    header_top = y + g.height - pad
    header_bottom = header_top - g.header_height
    cjk = register_cjk_font()
    tab_width = stringWidth(label.end_name, cjk, g.header_size) + 2.4 * mm
    canvas.setFillColor(colors.black)
    canvas.roundRect(x + pad, header_bottom, tab_width, g.header_height, 1 * mm, stroke=0, fill=1)
    baseline = header_bottom + (g.header_height - g.header_size * 0.72) / 2
    _bold_text(
        canvas, x + pad + 1.2 * mm, baseline, label.end_name, cjk, g.header_size, colors.white
    )
    canvas.setFillColor(colors.black)
    canvas.setStrokeColor(colors.black)
    order_left = x + pad + tab_width + 1.5 * mm
    order_room = x + g.width - pad - order_left
    prefix = "工单 "
    prefix_size = g.header_size * 0.75
    canvas.setFont(cjk, prefix_size)
    canvas.drawString(order_left, baseline, prefix)
    number_left = order_left + stringWidth(prefix, cjk, prefix_size)
    font, size = _fitted(label.order_no, order_room - (number_left - order_left), g.header_size, 5)
    canvas.setFont(font, size)
    canvas.drawString(number_left, baseline, label.order_no)
    canvas.setLineWidth(0.6)
    canvas.line(x + pad, header_bottom - 0.8 * mm, x + g.width - pad, header_bottom - 0.8 * mm)

    # The QR code at the right, below the header, as large as the room allows.
    body_top = header_bottom - 1.2 * mm
    body_bottom = y + pad * 0.6
    qr_size = min(g.qr_size, body_top - body_bottom)
    qr_x = x + g.width - qr_size - pad * 0.4
    qr_y = body_bottom + (body_top - body_bottom - qr_size) / 2
    widget = _qr_widget(label.payload, qr_size)
    drawing = Drawing(qr_size, qr_size)
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, qr_x, qr_y)

    # The text at the left: box and port large, then 上联, 下联 and the place.
    text_left = x + pad
    text_width = qr_x - text_left
    _draw_text_block(canvas, label, g, text_left, body_bottom, text_width, body_top - body_bottom)
    canvas.restoreState()


def _draw_text_block(
    canvas: Canvas,
    label: Label,
    g: _Geometry,
    left: float,
    bottom: float,
    width: float,
    height: float,
) -> None:
    """Box code, port, 上联, 下联 and place, shrunk together until they fit `height`."""
    for scale in (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6):
        box_font, box_size = _fitted(label.box, width, g.box_size * scale, 5)
        port_size = g.port_size * scale
        line_size = g.line_size * scale
        paragraphs = _line_paragraphs(label, line_size)
        heights = [box_size * 1.15, port_size * 1.15]
        heights += [p.wrap(width, 10_000)[1] for p in paragraphs]
        if sum(heights) <= height or scale == 0.6:
            break
    cursor = bottom + height
    cursor -= box_size * 0.95
    _bold_text(canvas, left, cursor, label.box, box_font, box_size)
    cursor -= port_size * 1.15
    cjk = register_cjk_font()
    canvas.setFont(cjk, port_size * 0.7)
    canvas.drawString(left, cursor, "端口")
    _bold_text(
        canvas,
        left + stringWidth("端口 ", cjk, port_size * 0.7),
        cursor,
        str(label.port),
        LATIN_BOLD,
        port_size,
    )
    cursor -= port_size * 0.3
    for paragraph in paragraphs:
        _, paragraph_height = paragraph.wrap(width, 10_000)
        cursor -= paragraph_height
        paragraph.drawOn(canvas, left, cursor)


def _line_paragraphs(label: Label, size: float) -> list[Paragraph]:
    style = cjk_style("label-line", font_size=size, leading=size * 1.25)
    place_style = cjk_style(
        "label-place",
        font_size=size * 0.9,
        leading=size * 1.2,
        textColor=colors.Color(0.2, 0.2, 0.2),
    )
    paragraphs = [
        Paragraph(f"上联：{markup(label.uplink)}", style),
        Paragraph(f"下联：{markup(label.downlink)}", style),
    ]
    if label.place:
        paragraphs.append(Paragraph(f"地址：{markup(label.place)}", place_style))
    return paragraphs


def _fitted(text: str, width: float, size: float, smallest: float) -> tuple[str, float]:
    """The font for `text` (Helvetica-Bold for plain ASCII, else the CJK font) and the largest
    size up to `size` at which it fits `width` (never below `smallest`)."""
    font = LATIN_BOLD if text.isascii() else register_cjk_font()
    text_width = stringWidth(text, font, size)
    if text_width > width > 0:
        size = max(smallest, size * width / text_width)
    return font, size


def _bold_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    color: colors.Color = colors.black,
) -> None:
    """`text` drawn bold in `color`: Helvetica-Bold as it is; the CID font, which has no bold,
    filled and stroked with a hairline of the same colour."""
    # The render mode is graphics state: saved and restored, or later text would come out bold.
    canvas.saveState()
    canvas.setFillColor(color)
    canvas.setStrokeColor(color)
    text_object = canvas.beginText(x, y)
    text_object.setFont(font, size)
    if font != LATIN_BOLD:
        text_object.setTextRenderMode(2)
        canvas.setLineWidth(size / 28)
    text_object.textOut(text)
    canvas.drawText(text_object)
    canvas.restoreState()


def _qr_widget(payload: str, size: float) -> QrCodeWidget:
    return QrCodeWidget(
        payload, barLevel="M", barWidth=size, barHeight=size, barBorder=QR_QUIET_MODULES
    )


__all__ = [
    "END_NAMES",
    "LAYOUTS",
    "Label",
    "LabelCode",
    "label_payload",
    "labels_for_port",
    "parse_label_payload",
    "qr_symbol_size",
    "render_labels",
    "splitter_end_label",
    "user_end_label",
]
