"""The queue ticket: what it says, as an image at a thermal printer's dot width and as plain lines.

The content is built once, as a list of :class:`TicketLine`, and then either drawn (``render_ticket``)
or joined (``render_ticket_text``), so the picture and the console fallback never say different things.
Thai comes first; ``lang="en"`` adds an English line under each Thai one.

Sizes are given for an 80 mm printer (576 dots at 203 dpi) and scaled to the width asked for, with a floor
so that small text stays readable on a 58 mm (384 dot) print. The QR code is drawn module by module with
whole pixels (never resampled) and keeps its four-module quiet zone, so a phone can read it from paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from kiosk.printing.fonts import fit_font, load_font, text_width
from kiosk.printing.printers import PAPER_WIDTH_PX
from surveys.content.thaidate import format_date, format_datetime, format_time
from sync.qr import make_qr, qr_matrix

LANGS = ("th", "en")
Style = Literal[
    "reprint", "office", "office_en", "service", "service_en", "label", "number", "priority",
    "when", "when_en", "ahead", "ahead_en", "rule", "rule_en", "qr", "code", "keep", "keep_en",
]  # fmt: skip

WIDTH_58MM = PAPER_WIDTH_PX[58]
WIDTH_80MM = PAPER_WIDTH_PX[80]
KEEP_TICKET_TH = "กรุณาเก็บบัตรไว้ เพื่อประเมินความพึงพอใจหลังรับบริการ"
KEEP_TICKET_EN = "Please keep this ticket: scan it after your service to rate us (anonymous)."


@dataclass(frozen=True)
class TicketView:
    """Everything a ticket shows. ``priority`` is the priority group's label (Thai, English), e.g.
    ``("ผู้สูงอายุ", "elderly")``, or None for an ordinary ticket."""

    municipality_th: str
    municipality_en: str
    service_th: str
    service_en: str
    number: str
    issued_at: datetime
    ahead: int
    priority: tuple[str, str] | None
    rule_th: str
    rule_en: str
    code: str
    qr_payload: str
    reprint: bool = False
    ahead_exact: bool = True  # False: ``ahead`` is the policy's estimate (parallel counters, priority)

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None:
            raise ValueError(f"issued_at must be an aware time (Asia/Bangkok), not {self.issued_at!r}")
        if self.ahead < 0:
            raise ValueError(f"ahead is a count of people waiting, not {self.ahead}")
        if not self.number.strip():
            raise ValueError("a ticket needs a number")


@dataclass(frozen=True)
class TicketLine:
    """One line of ticket content, and how it is drawn."""

    style: Style
    text: str


def ahead_text(ahead: int, exact: bool) -> tuple[str, str]:
    """ "Waiting before you", in Thai and English: an estimate says so ("ประมาณ", "about")."""
    people = "1 person" if ahead == 1 else f"{ahead} people"
    if exact:
        return f"รออยู่ก่อนหน้า {ahead} คิว", f"{people} waiting ahead of you"
    return f"รออยู่ก่อนหน้าประมาณ {ahead} คิว", f"about {people} waiting ahead of you"


def ticket_lines(view: TicketView, lang: str = "th", *, body_only: bool = False) -> list[TicketLine]:
    """The ticket's content, top to bottom. ``body_only`` leaves out the number and the time of day,
    which an ESC/POS printer prints as native text; the date stays (it is Thai)."""
    if lang not in LANGS:
        raise ValueError(f"lang is 'th' or 'en', not {lang!r}")
    en = lang == "en"
    lines: list[TicketLine] = []

    def add(style: Style, text: str, when: bool = True) -> None:
        if when and text:
            lines.append(TicketLine(style, text))

    add("reprint", "พิมพ์ซ้ำ / REPRINT" if en else "พิมพ์ซ้ำ", view.reprint)
    add("office", view.municipality_th)
    add("office_en", view.municipality_en, en)
    add("service", view.service_th)
    add("service_en", view.service_en, en)
    if not body_only:
        add("label", "หมายเลขคิว / Queue number" if en else "หมายเลขคิว")
        add("number", view.number)
    if view.priority is not None:
        label_th, label_en = view.priority
        add("priority", f"คิวพิเศษ: {label_th}" + (f" / Priority: {label_en}" if en else ""))
    if body_only:
        add("when", format_date(view.issued_at, lang="th"))
        add("when_en", format_date(view.issued_at, lang="en"), en)
    else:
        add("when", format_datetime(view.issued_at, lang="th"))
        add("when_en", format_datetime(view.issued_at, lang="en"), en)
    th_ahead, en_ahead = ahead_text(view.ahead, view.ahead_exact)
    add("ahead", th_ahead)
    add("ahead_en", en_ahead, en)
    add("rule", view.rule_th)
    add("rule_en", view.rule_en, en)
    add("qr", view.qr_payload)
    add("code", view.code)
    add("keep", KEEP_TICKET_TH)
    add("keep_en", KEEP_TICKET_EN, en)
    return lines


def native_time(view: TicketView) -> str:
    """The time of issue in ASCII (``09:05``), for printers that print it as native text."""
    return format_time(view.issued_at, lang="en")


def render_ticket_text(view: TicketView, lang: str = "th") -> str:
    """The ticket as plain lines (the console fallback; the QR appears as its payload)."""
    out = []
    for line in ticket_lines(view, lang):
        if line.style == "reprint":
            out.append(f"*** {line.text} ***")
        elif line.style == "qr":
            out.append(f"[QR] {line.text}")
        else:
            out.append(line.text)
    return "\n".join(out) + "\n"


# -- drawing ------------------------------------------------------------------------------------------

# style: (size in px at 576 dots, smallest size in px, bold); sizes shrink to fit, then wrap.
_FONTS: dict[str, tuple[int, int, bool]] = {
    "reprint": (34, 24, True),
    "office": (36, 26, True),
    "office_en": (26, 20, False),
    "service": (34, 24, False),
    "service_en": (26, 20, False),
    "label": (26, 20, False),
    "number": (190, 60, True),
    "priority": (30, 22, True),
    "when": (30, 22, False),
    "when_en": (24, 20, False),
    "ahead": (34, 24, True),
    "ahead_en": (26, 20, False),
    "rule": (26, 20, False),
    "rule_en": (22, 20, False),
    "code": (46, 30, True),
    "keep": (26, 20, False),
    "keep_en": (22, 20, False),
}
_GAP_BEFORE: dict[str, float] = {"office": 0.2, "number": 0.1, "ahead": 0.3, "rule": 0.5, "keep": 0.3}
_ABOVE, _BELOW = 1.25, 0.42  # Thai ink reaches this far above / below the baseline, in em
_QR_MIN_MODULE = 4  # px: the smallest module a phone reads reliably from a 203 dpi print
_QR_MAX_WIDTH = 340  # px with quiet zone (42 mm): big enough for an old phone, on 58 and 80 mm paper


def render_ticket(
    view: TicketView, width_px: int, lang: str = "th", *, body_only: bool = False
) -> Image.Image:
    """The ticket as a greyscale ("L") image exactly ``width_px`` wide (384 for 58 mm, 576 for 80 mm
    paper at 203 dpi), white paper and black ink. ``body_only``: see :func:`ticket_lines`."""
    lines = [(line.style, line.text) for line in ticket_lines(view, lang, body_only=body_only)]
    return render_strip(lines, width_px, StripStyles(_FONTS, _GAP_BEFORE))


@dataclass(frozen=True)
class StripStyles:
    """How a strip of paper draws its lines: each style's font (size in px at 576 dots, smallest size,
    bold) and the gap before it (in 40 px units at 576 dots). Four styles draw differently: ``qr`` (the
    line's text as a QR code), ``rule`` (a dashed line in its gap, then its text if any), the styles in
    ``mono`` (one character per fixed-width cell) and those in ``tight`` (as tall as their ink;
    ``reprint`` inverted)."""

    fonts: dict[str, tuple[int, int, bool]]
    gaps: dict[str, float]
    mono: frozenset[str] = frozenset({"code"})
    tight: frozenset[str] = frozenset({"number", "reprint"})


def render_strip(lines: Sequence[tuple[str, str]], width_px: int, styles: StripStyles) -> Image.Image:
    """Lines of (style, text) drawn down a strip of thermal paper ``width_px`` wide, centred, shrunk to
    fit then wrapped: the ticket's drawing, shared with the other slips printed like it."""
    if width_px < 300:
        raise ValueError(f"a ticket needs at least 300 px of width, not {width_px}")
    scale = width_px / WIDTH_80MM
    margin = max(8, round(16 * scale))
    inner = width_px - 2 * margin
    blocks: list[_Block] = []
    for style, text in lines:
        gap = round(styles.gaps.get(style, 0.0) * 40 * scale)
        if style == "rule":
            blocks.append(_Rule(margin, gap))
        elif gap:
            blocks.append(_Space(gap))
        if style == "qr":
            blocks.append(_Qr(text, min(width_px, _QR_MAX_WIDTH), width_px))
            continue
        if style == "rule" and not text.strip():  # a dashed line alone
            continue
        size, min_size, bold = styles.fonts[style]
        size = max(min_size, round(size * scale))
        if style in styles.mono:
            blocks.append(_Mono(text, size, min_size, inner, width_px))
        elif style in styles.tight:
            font, _ = fit_font(text, inner - 2 * margin, size, min_size, bold)
            blocks.append(_Tight(text, font, width_px, inverted=style == "reprint"))
        else:
            font, wrapped = fit_font(text, inner, size, max(min_size, round(size * 0.8)), bold)
            blocks.extend(_Text(part, font, width_px) for part in wrapped)
    blocks.append(_Space(margin * 2))
    height = margin + sum(block.height for block in blocks)
    image = Image.new("L", (width_px, height), 255)
    draw = ImageDraw.Draw(image)
    y = margin
    for block in blocks:
        block.draw(image, draw, y)
        y += block.height
    return image


class _Block:
    height: int = 0

    def draw(self, image: Image.Image, draw: ImageDraw.ImageDraw, y: int) -> None:
        """Draw this block with its top at ``y``."""


class _Space(_Block):
    def __init__(self, height: int) -> None:
        self.height = height


class _Rule(_Block):
    """A dashed line across the ticket, in the middle of its gap."""

    def __init__(self, margin: int, gap: int) -> None:
        self.margin, self.height = margin, gap

    def draw(self, image: Image.Image, draw: ImageDraw.ImageDraw, y: int) -> None:
        mid = y + self.height // 2
        for x in range(self.margin, image.width - self.margin, 12):
            draw.line([(x, mid), (min(x + 6, image.width - self.margin), mid)], fill=0, width=2)


class _Text(_Block):
    """One centred line, with room above and below for stacked Thai marks."""

    def __init__(self, text: str, font: ImageFont.FreeTypeFont, width: int) -> None:
        self.text, self.font, self.width = text, font, width
        self.ascent = round(font.size * _ABOVE)
        self.height = self.ascent + round(font.size * _BELOW)

    def draw(self, image: Image.Image, draw: ImageDraw.ImageDraw, y: int) -> None:
        x = (self.width - text_width(self.font, self.text)) // 2
        draw.text((x, y + self.ascent), self.text, font=self.font, fill=0, anchor="ls")


class _Tight(_Block):
    """A centred line as tall as its ink (the big number), or white on black (the reprint band)."""

    def __init__(self, text: str, font: ImageFont.FreeTypeFont, width: int, inverted: bool) -> None:
        self.text, self.font, self.width, self.inverted = text, font, width, inverted
        left, top, right, bottom = font.getbbox(text, anchor="ls")
        self.pad = round(font.size * 0.25) if inverted else round(font.size * 0.08)
        self.top, self.ink_width = int(top), int(right - min(left, 0))
        self.height = int(bottom - top) + 2 * self.pad

    def draw(self, image: Image.Image, draw: ImageDraw.ImageDraw, y: int) -> None:
        ink = 0
        if self.inverted:
            draw.rectangle([(0, y), (self.width - 1, y + self.height - 1)], fill=0)
            ink = 255
        x = (self.width - self.ink_width) // 2
        draw.text((x, y + self.pad - self.top), self.text, font=self.font, fill=ink, anchor="ls")


class _Mono(_Block):
    """The short code, one character per fixed-width cell, so that it reads like a typewriter's."""

    def __init__(self, text: str, size: int, min_size: int, inner: int, width: int) -> None:
        self.text, self.width = text, width
        for candidate in range(size, min_size - 1, -1):
            self.font = load_font(candidate, bold=True)
            self.cell = max(text_width(self.font, char) for char in text) + round(candidate * 0.12)
            if self.cell * len(text) <= inner:
                break
        self.cell = min(self.cell, inner // len(text))
        self.ascent = round(self.font.size * 1.0)
        self.height = self.ascent + round(self.font.size * 0.3)

    def draw(self, image: Image.Image, draw: ImageDraw.ImageDraw, y: int) -> None:
        x0 = (self.width - self.cell * len(self.text)) // 2
        for i, char in enumerate(self.text):
            x = x0 + i * self.cell + self.cell // 2
            draw.text((x, y + self.ascent), char, font=self.font, fill=0, anchor="ms")


class _Qr(_Block):
    """The QR code with its quiet zone, each module a square of whole pixels."""

    BORDER = 4

    def __init__(self, payload: str, max_width: int, width: int) -> None:
        qr = make_qr(payload, error="M", border=0)  # raised to Q or H when that fits the same version
        matrix = qr_matrix(qr)
        modules = len(matrix) + 2 * self.BORDER
        self.module = max_width // modules
        if self.module < _QR_MIN_MODULE:
            raise ValueError(
                f"the QR payload ({len(payload)} characters) is too long to print readably "
                f"{width} px wide: it needs {modules} modules of at least {_QR_MIN_MODULE} px"
            )
        self.matrix, self.width = matrix, width
        self.height = modules * self.module

    def draw(self, image: Image.Image, draw: ImageDraw.ImageDraw, y: int) -> None:
        size = self.height
        x0 = (self.width - size) // 2 + self.BORDER * self.module
        y0 = y + self.BORDER * self.module
        for row, bits in enumerate(self.matrix):
            for col, bit in enumerate(bits):
                if bit:
                    x, top = x0 + col * self.module, y0 + row * self.module
                    draw.rectangle([(x, top), (x + self.module - 1, top + self.module - 1)], fill=0)
