"""The A4 wall notice "วิธีรับบัตรคิว / How the queue works" that plan project 10 asks the office to post.

It tells citizens, in large Thai, the rules the kiosk enforces: take a ticket for your service; first come,
first served; nobody jumps the queue (ลัดคิว), and every call out of order is recorded with its reason;
the priority rule (from the office's settings); what to do when you miss your number; how to rate the
service anonymously with the ticket; where to complain. ``lang="en"`` gives the English sheet: the same
steps in English under the office's name and the title in Thai and English. (Both languages line by line
do not fit on one page with text readable from two metres, so an office posts the two sheets side by side.)

The page is 1240 × 1754 px (A4 at 150 dpi). Text starts large and shrinks as a whole, never below the
readable floor (Thai body 36 px, title 60 px), until it fits; if even that overflows, the office's texts
are too long for one page and :func:`render_notice` says so.
"""

from __future__ import annotations

import io
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from kiosk.printing.fonts import load_font, text_width, wrap_text
from surveys.content.thaidate import format_fiscal_year
from surveys.log.atomic import write_atomic

LANGS = ("th", "en")

A4_150DPI = (1240, 1754)
MISSED_TH = "กรุณาแจ้งเจ้าหน้าที่ที่ช่องบริการ หากบัตรของท่านถูกปิดไปแล้ว กรุณารับบัตรคิวใหม่"
MISSED_EN = "Tell the staff at the counter. If your ticket has already been closed, please take a new one."
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_MARGIN = 80
_BADGE = 76  # width of the column that holds the step numbers


@dataclass(frozen=True)
class NoticeView:
    """What the notice says. ``services`` are (ticket prefix, Thai name, English name), e.g.
    ``("A", "งานทะเบียนราษฎร", "Civil registration")``; ``complaint_*`` is one line on where to complain."""

    municipality_th: str
    municipality_en: str
    services: list[tuple[str, str, str]]
    rule_th: str
    rule_en: str
    complaint_th: str
    complaint_en: str
    fiscal_year_be: int
    missed_th: str = MISSED_TH
    missed_en: str = MISSED_EN


@dataclass(frozen=True)
class NoticeStep:
    """One numbered step: a heading and paragraphs, each a (Thai, English) pair."""

    heading: tuple[str, str]
    paragraphs: list[tuple[str, str]] = field(default_factory=list)


def notice_steps(view: NoticeView) -> list[NoticeStep]:
    """The notice's steps, in the order a citizen meets them (the services are listed under step 1)."""
    return [
        NoticeStep(
            ("รับบัตรคิวที่ตู้ตามงานที่มาติดต่อ", "Take a ticket for your service at the kiosk"),
            [("หมายเลขบนบัตรขึ้นต้นด้วยอักษรของงาน", "Each ticket number starts with its service's letter:")],
        ),
        NoticeStep(
            ("มาก่อน ได้รับบริการก่อน", "First come, first served"),
            [
                (
                    "เจ้าหน้าที่เรียกหมายเลขตามลำดับการรับบัตร ห้ามลัดคิว การเรียกนอกลำดับทุกครั้งจะถูกบันทึกพร้อมเหตุผล",
                    "Numbers are called in the order tickets were taken. Nobody may jump the queue; "
                    "every call out of order is recorded with its reason.",
                )
            ],
        ),
        NoticeStep(("คิวพิเศษ", "Priority"), [(view.rule_th, view.rule_en)]),
        NoticeStep(("ถ้าพลาดการเรียกหมายเลข", "If you miss your number"), [(view.missed_th, view.missed_en)]),
        NoticeStep(
            ("ประเมินความพึงพอใจ", "Rate our service"),
            [
                (
                    "หลังรับบริการ สแกนคิวอาร์โค้ดบนบัตรคิวของท่าน ประเมินได้บัตรละ 1 ครั้ง "
                    "ไม่ต้องบอกชื่อ ไม่มีใครรู้ว่าท่านให้คะแนนอย่างไร",
                    "After your service, scan the QR code on your ticket: one rating per ticket, "
                    "anonymous (no name is asked, nobody can see how you rated).",
                )
            ],
        ),
        NoticeStep(("ร้องเรียน", "Complaints"), [(view.complaint_th, view.complaint_en)]),
    ]


def render_notice(view: NoticeView, lang: str = "th") -> Image.Image:
    """The notice as a white A4 page (1240 × 1754 px, 150 dpi), greyscale; ``lang`` "th" or "en"."""
    if lang not in LANGS:
        raise ValueError(f"lang is 'th' or 'en', not {lang!r}")
    width, height = A4_150DPI
    for scale in (1.2, 1.15, 1.1, 1.05, 1.0, 0.95):  # at 0.95: body 36 px, title 61 px
        ops, used = _layout(view, lang, scale)
        if used <= height - _MARGIN:
            break
    else:
        raise ValueError(
            "the notice does not fit on one A4 page: shorten the priority rule, the complaint line or "
            "the service names"
        )
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for op in ops:
        op(draw)
    return page


def save_notice(view: NoticeView, out: Path, lang: str = "th") -> Path:
    """Write the notice to ``out`` as PNG or PDF (by its suffix; PDF at 150 dpi prints at A4 size)."""
    suffix = out.suffix.lower()
    if suffix not in (".png", ".pdf"):
        raise ValueError(f"the notice is saved as .png or .pdf, not {out.name!r}")
    page = render_notice(view, lang)
    buffer = io.BytesIO()
    if suffix == ".pdf":
        page.save(buffer, format="PDF", resolution=150.0, title="วิธีรับบัตรคิว / How the queue works")
    else:
        page.save(buffer, format="PNG", dpi=(150, 150))
    write_atomic(out, buffer.getvalue())
    return out


# -- layout -------------------------------------------------------------------------------------------


def _layout(view: NoticeView, lang: str, scale: float) -> tuple[list[_Draw], int]:
    """Drawing operations top to bottom, and the height they use, at ``scale`` × the base sizes."""
    en = lang == "en"
    pick = 1 if en else 0
    width = A4_150DPI[0]
    full = width - 2 * _MARGIN
    ops: list[_Draw] = []

    def size(px: int) -> int:
        return round(px * scale)

    # header: the office, then the title on a black band (Thai first, always)
    y = _MARGIN
    for line in wrap_text(view.municipality_th, load_font(size(40), True), full):
        y = _add_line(ops, line, load_font(size(40), True), _MARGIN, y, centre=width)
    if en:
        for line in wrap_text(view.municipality_en, load_font(size(32)), full):
            y = _add_line(ops, line, load_font(size(32)), _MARGIN, y, centre=width)
    titles = [("วิธีรับบัตรคิว", load_font(size(64), True))]
    if en:
        titles.append(("How the queue works", load_font(size(52), True)))
    band_top = y + size(16)
    band_bottom = band_top + sum(_line_height(font, text) for text, font in titles) + size(20)
    ops.append(_Rect(0, band_top, width, band_bottom))
    y = band_top + size(8)
    for text, font in titles:
        y = _add_line(ops, text, font, _MARGIN, y, centre=width, ink=255)
    y = band_bottom + size(28)

    # the steps, each with its number in a black circle
    left = _MARGIN + _BADGE + 24
    inner = width - _MARGIN - left
    heading, body, bold = load_font(size(44), True), load_font(size(38)), load_font(size(38), True)
    for number, step in enumerate(notice_steps(view), start=1):
        ops.append(_Badge(str(number), _MARGIN, y + size(4), _BADGE, heading))
        y = _add_wrapped(ops, step.heading[pick], heading, left, y, inner)
        for paragraph in step.paragraphs:
            y = _add_wrapped(ops, paragraph[pick], body, left, y, inner)
        if number == 1:
            for prefix, name_th, name_en in view.services:
                name = name_en if en else name_th
                ops.append(_Text((left + size(8), y + round(body.size * _metrics(name)[0])), prefix, bold, 0))
                y = _add_wrapped(ops, name, body, left + size(64), y, inner - size(64))
        y += size(20)

    # footer: the fiscal year, at the foot of the page
    footer = load_font(size(30))
    footer_text = f"{view.municipality_th} · {format_fiscal_year(view.fiscal_year_be)}"
    if en:
        footer_text = f"{view.municipality_en} · {format_fiscal_year(view.fiscal_year_be, lang='en')}"
    footer_lines = wrap_text(footer_text, footer, full)
    footer_height = sum(_line_height(footer, line) for line in footer_lines)
    y_footer = A4_150DPI[1] - _MARGIN - footer_height
    ops.append(_Rule(_MARGIN, y_footer - size(14), width - _MARGIN))
    for line in footer_lines:
        y_footer = _add_line(ops, line, footer, _MARGIN, y_footer, centre=width, ink=60)
    return ops, y + size(14) + footer_height


class _Draw(ABC):
    """One thing drawn on the page."""

    @abstractmethod
    def __call__(self, draw: ImageDraw.ImageDraw) -> None: ...


class _Text(_Draw):
    def __init__(self, xy: tuple[int, int], text: str, font: ImageFont.FreeTypeFont, ink: int) -> None:
        self.xy, self.text, self.font, self.ink = xy, text, font, ink

    def __call__(self, draw: ImageDraw.ImageDraw) -> None:
        draw.text(self.xy, self.text, font=self.font, fill=self.ink, anchor="ls")


class _Rect(_Draw):
    def __init__(self, left: int, top: int, right: int, bottom: int) -> None:
        self.box = [(left, top), (right - 1, bottom - 1)]

    def __call__(self, draw: ImageDraw.ImageDraw) -> None:
        draw.rectangle(self.box, fill=0)


class _Rule(_Draw):
    def __init__(self, left: int, y: int, right: int) -> None:
        self.points = [(left, y), (right, y)]

    def __call__(self, draw: ImageDraw.ImageDraw) -> None:
        draw.line(self.points, fill=120, width=2)


class _Badge(_Draw):
    """A step number, white in a black circle."""

    def __init__(self, text: str, left: int, top: int, size: int, font: ImageFont.FreeTypeFont) -> None:
        self.text, self.left, self.top, self.size, self.font = text, left, top, size, font

    def __call__(self, draw: ImageDraw.ImageDraw) -> None:
        box = [(self.left, self.top), (self.left + self.size, self.top + self.size)]
        draw.ellipse(box, fill=0)
        centre = (self.left + self.size // 2, self.top + self.size // 2)
        draw.text(centre, self.text, font=self.font, fill=255, anchor="mm")


def _line_height(font: ImageFont.FreeTypeFont, text: str) -> int:
    """Thai needs room above the baseline for stacked marks and below for descending vowels."""
    above, below = _metrics(text)
    return round(font.size * (above + below))


def _metrics(text: str) -> tuple[float, float]:
    """Room above and below the baseline, in em: Thai reaches higher (a tone mark over an upper vowel
    over a tall consonant) and lower (vowels below) than Latin. 1.5 em between Thai lines is what
    Thai print uses; the rare deepest and highest marks of two lines are never in the same place."""
    return (1.1, 0.4) if _THAI.search(text) else (0.95, 0.3)


def _add_line(
    ops: list[_Draw], text: str, font: ImageFont.FreeTypeFont, left: int, y: int,
    centre: int | None = None, ink: int = 0,
) -> int:  # fmt: skip
    above = _metrics(text)[0]
    x = (centre - text_width(font, text)) // 2 if centre is not None else left
    ops.append(_Text((x, y + round(font.size * above)), text, font, ink))
    return y + _line_height(font, text)


def _add_wrapped(
    ops: list[_Draw], text: str, font: ImageFont.FreeTypeFont, left: int, y: int, max_width: int,
    ink: int = 0,
) -> int:  # fmt: skip
    for line in wrap_text(text, font, max_width, balance=False):
        y = _add_line(ops, line, font, left, y, ink=ink)
    return y
