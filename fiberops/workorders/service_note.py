"""The printable service note (服务便利贴) left on the door of an unreachable customer (R-APT-8).

Pure: `render_service_note(note)` takes a `ServiceNote` and returns PDF bytes; no database, no
request. The caller (the API endpoint) gathers the data, records the note and logs the full
address as an unmasking: the note is posted on the customer's door, so it carries the whole
address.

The text is the operator's template (seed appendix 附录一), filled in:

    服务便利贴  温馨提醒
    尊敬的{地址}用户：我是{运营商}家庭有线宽带维护人员{姓名}，{到访时间}到达后，因与您联系不上
    便于{离开时间}离开，请您看到留言后与我联系，联系电话{电话}，谢谢您的支持！  {年月日}

Page: A6 portrait (105 × 148 mm). A quarter of A4, so any office or portable printer takes it (or
four fit on one A4 sheet to cut); small enough to tape on a door like a sticky note, large enough
for a phone number read from a step away. Portrait matches the reading order: heading, message,
phone, date.
"""

import datetime as dt
import re
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, KeepInFrame, Paragraph, Spacer

from fiberops.core.clock import SHANGHAI
from fiberops.core.pdf import build_pdf, cjk_style, markup, register_cjk_font

PAGE_SIZE = A6
#: Inset of the printed border from the paper's edge.
BORDER_INSET = 5 * mm
#: Space between the border and the text.
MARGIN = 11 * mm
#: Extra room at the bottom for the order number drawn under the story.
FOOTER_HEIGHT = 6 * mm
#: Body font sizes tried in turn until the note fits on one page (long addresses shrink the body).
BODY_FONT_SIZES = (12.5, 11.5, 10.5, 9.5, 8.5, 7.5)


@dataclass(frozen=True)
class ServiceNote:
    """What a service note (服务便利贴) says; times are aware datetimes, shown in Shanghai time."""

    address: str
    technician_name: str
    technician_phone: str
    arrived_at: dt.datetime
    left_at: dt.datetime
    order_no: str
    operator_name: str = "四川移动"

    def __post_init__(self) -> None:
        for name in ("arrived_at", "left_at"):
            moment = getattr(self, name)
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError(f"{name} must be an aware datetime, got {moment!r}")
        if self.left_at < self.arrived_at:
            raise ValueError("left_at is before arrived_at")


def note_time(moment: dt.datetime) -> str:
    """`11月28日 14:05`: month, day and minute in Shanghai time."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def note_date(moment: dt.datetime) -> str:
    """`2026年11月28日`: the Shanghai calendar day of `moment`."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日"


def phone_for_reading(phone: str) -> str:
    """`138 8001 2345`: an 11-digit mobile number in the usual 3-4-4 groups; others unchanged."""
    if re.fullmatch(r"1\d{10}", phone):
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return phone


def render_service_note(note: ServiceNote) -> bytes:
    """The service note as a one-page A6 PDF (R-APT-8)."""
    register_cjk_font()
    width, height = PAGE_SIZE
    frame_width = width - 2 * MARGIN
    # SimpleDocTemplate's frame has 6 pt padding on every side.
    frame_height = height - 2 * MARGIN - FOOTER_HEIGHT - 12

    story: list[Flowable] = []
    for body_size in BODY_FONT_SIZES:
        story = _story(note, body_size)
        if sum(_height(flowable, frame_width - 12) for flowable in story) <= frame_height:
            break
    else:
        # An absurdly long address: shrink everything rather than spill onto a second page.
        story = [KeepInFrame(frame_width - 12, frame_height, story, mode="shrink")]

    return build_pdf(
        story,
        page_size=PAGE_SIZE,
        margin=MARGIN,
        bottom_margin=MARGIN + FOOTER_HEIGHT,
        title=f"服务便利贴 {note.order_no}",
        author=note.operator_name,
        subject="服务便利贴",
        decorate=lambda canvas, document: _decorate(canvas, note),
    )


def _story(note: ServiceNote, body_size: float) -> list[Flowable]:
    heading = cjk_style("heading", font_size=22, leading=28, alignment=TA_CENTER)
    subheading = cjk_style(
        "subheading", font_size=12, leading=16, alignment=TA_CENTER, textColor=colors.dimgrey
    )
    body = cjk_style("body", font_size=body_size, leading=body_size * 1.65)
    letter = cjk_style(
        "letter", font_size=body_size, leading=body_size * 1.65, firstLineIndent=2 * body_size
    )
    phone_label = cjk_style("phone-label", font_size=9, leading=12, alignment=TA_CENTER)
    phone = cjk_style("phone", font_size=20, leading=24, alignment=TA_CENTER)
    date = cjk_style("date", font_size=body_size, leading=body_size * 1.5, alignment=TA_RIGHT)

    def filled(value: str) -> str:
        """A filled-in blank of the template: the value, escaped, underlined like on a form."""
        return f"<u>{markup(value)}</u>"

    return [
        Paragraph("服务便利贴", heading),
        Paragraph("温馨提醒", subheading),
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=0.6, color=colors.grey, spaceAfter=3 * mm),
        Paragraph(f"尊敬的{filled(note.address)}用户：", body),
        Paragraph(
            f"我是{markup(note.operator_name)}家庭有线宽带维护人员{filled(note.technician_name)}，"
            f"{filled(note_time(note.arrived_at))}到达后，因与您联系不上便于"
            f"{filled(note_time(note.left_at))}离开，请您看到留言后与我联系，"
            f"联系电话{filled(note.technician_phone)}，谢谢您的支持！",
            letter,
        ),
        Spacer(1, 3 * mm),
        Paragraph("联系电话", phone_label),
        Paragraph(markup(phone_for_reading(note.technician_phone)), phone),
        Spacer(1, 2 * mm),
        Paragraph(note_date(note.left_at), date),
    ]


def _height(flowable: Flowable, available_width: float) -> float:
    """The height `flowable` takes at `available_width`, its spacing included."""
    _, height = flowable.wrap(available_width, 10_000)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _decorate(canvas: Canvas, note: ServiceNote) -> None:
    """The note's border and, small at the bottom, the order number."""
    width, height = PAGE_SIZE
    canvas.saveState()
    canvas.setStrokeColor(colors.grey)
    canvas.setLineWidth(0.8)
    canvas.roundRect(
        BORDER_INSET,
        BORDER_INSET,
        width - 2 * BORDER_INSET,
        height - 2 * BORDER_INSET,
        radius=3 * mm,
    )
    canvas.setFont(register_cjk_font(), 7)
    canvas.setFillColor(colors.dimgrey)
    footer_y = BORDER_INSET + 4 * mm
    canvas.drawString(MARGIN, footer_y, f"工单号 {note.order_no}")
    canvas.drawRightString(width - MARGIN, footer_y, note.operator_name)
    canvas.restoreState()


__all__ = ["ServiceNote", "note_date", "note_time", "phone_for_reading", "render_service_note"]
