"""Printed pages as PDF: each page the very image Pillow drew (Thai shaped by raqm), with its words laid
over it as invisible text, so that the PDF reads, searches and copies like any document.

Pillow saves an image as a PDF with no text in it. Here fpdf2 (the report's PDF library, imported only
when a PDF is written, so a terminal starts without it) places each page's image and, for every line
drawn on it, the line's text at the same place in invisible text mode, as a scanner's OCR layer is: the
glyphs seen are the picture's, the text layer carries the characters (Sarabun's, unshaped: a copy gives
the characters as typed). Each line is stretched to the width it has in the picture, so a selection
covers what it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image

from kiosk.printing.fonts import REGULAR

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class TextRun:
    """One line of text as drawn on a page: left edge and baseline in pixels, font size in pixels, and
    the line's drawn width in pixels."""

    x: float
    baseline: float
    size: float
    text: str
    width: float


@dataclass
class Page:
    """A page image and the lines of text drawn on it."""

    image: Image.Image
    runs: list[TextRun] = field(default_factory=list)


def pdf_bytes(pages: Sequence[Page], dpi: float, title: str) -> bytes:
    """The pages as one PDF at ``dpi`` (an A4 page image at 150 dpi gives an A4 page)."""
    from fpdf import FPDF
    from fpdf.enums import TextMode

    if not pages:
        raise ValueError("a PDF needs at least one page")
    scale = MM_PER_INCH / dpi  # millimetres per pixel
    first = pages[0].image
    pdf = FPDF(unit="mm", format=(first.width * scale, first.height * scale))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_title(title)
    pdf.set_creator("prongsai")
    pdf.set_lang("th")
    pdf.add_font("Sarabun", "", str(REGULAR))
    for page in pages:
        width, height = page.image.width * scale, page.image.height * scale
        pdf.add_page(format=(width, height))
        pdf.image(page.image.convert("L"), x=0, y=0, w=width, h=height)
        pdf.text_mode = TextMode.INVISIBLE
        for run in page.runs:
            text = run.text.strip()
            if not text:
                continue
            points = run.size * scale * 72 / MM_PER_INCH
            pdf.set_font("Sarabun", size=points)
            natural = pdf.get_string_width(text)
            pdf.set_stretching(100 * run.width * scale / natural if natural > 0 else 100)
            pdf.text(run.x * scale, run.baseline * scale, text)
        pdf.text_mode = TextMode.FILL
    return bytes(pdf.output())
