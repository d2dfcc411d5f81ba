"""Printable PDFs: the Chinese font and small helpers shared by every PDF the product makes.

No business here: the service note (服务便利贴, `workorders/service_note.py`) and the forms that
follow build their pages from these pieces.

Font choice: reportlab's built-in CID font `STSong-Light` (`UnicodeCIDFont`), referenced by name
and **not embedded**. Why:

- no font file in the repository and none looked up on the server at run time: the PDF is the
  same on every machine, and a missing system font cannot break it;
- it is one of Adobe's standard Simplified Chinese fonts, which every PDF viewer knows how to
  substitute (Acrobat, browsers' built-in viewers, phones' viewers, printer drivers); the files
  stay a few kilobytes;
- the text layer is real Unicode (encoding `UniGB-UCS2-H`), so search, copy and `pypdf` text
  extraction work.

The cost: poppler (`pdftoppm`, `pdftotext`) draws it only with Debian's `poppler-data` installed
(the CMap `UniGB-UCS2-H`) and a CJK system font for the substitution (`fonts-noto-cjk`); without
`poppler-data` the page comes out blank. The tests render through poppler and count dark pixels,
so a machine without them fails loudly.
"""

from collections.abc import Callable, Iterable
from html import escape
from io import BytesIO
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

#: Draws on each page behind the story (frame, footer): called with the canvas and the document.
PageDecorator = Callable[[Canvas, Any], None]

#: The one Chinese font of every PDF (see the module docstring for why a CID font).
CJK_FONT = "STSong-Light"


def register_cjk_font() -> str:
    """Register the CJK font with reportlab (once; later calls are free) and return its name."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def markup(text: str) -> str:
    """`text` escaped for a reportlab Paragraph, whose mini-markup reads `<`, `>` and `&`.

    Data (an address, a name) goes through this, so a hostile value prints literally and cannot
    open a tag or break the document.
    """
    return escape(text, quote=False)


def cjk_style(
    name: str, *, font_size: float, leading: float | None = None, **options: Any
) -> ParagraphStyle:
    """A paragraph style in the CJK font that wraps between any two Chinese characters."""
    return ParagraphStyle(
        name,
        fontName=register_cjk_font(),
        fontSize=font_size,
        leading=leading if leading is not None else font_size * 1.4,
        wordWrap="CJK",
        **options,
    )


def build_pdf(
    story: Iterable[Flowable],
    *,
    page_size: tuple[float, float],
    margin: float,
    bottom_margin: float | None = None,
    title: str,
    author: str = "",
    subject: str = "",
    decorate: PageDecorator | None = None,
) -> bytes:
    """Lay `story` out on pages of `page_size` within `margin` and return the PDF bytes.

    `bottom_margin` (default: `margin`) leaves room for a footer drawn by `decorate`.

    `decorate(canvas, document)`, if given, draws on every page (a frame, a footer) before the
    story.

    `invariant` fixes the creation date and document id, so the same input gives the same bytes
    (reproducible files, stable tests).
    """
    register_cjk_font()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin if bottom_margin is None else bottom_margin,
        title=title,
        author=author,
        subject=subject,
        creator="FiberOps",
        invariant=True,
    )
    if decorate is None:
        document.build(list(story))
    else:
        document.build(list(story), onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
