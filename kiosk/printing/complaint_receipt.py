"""The complaint receipt: the tracking code a complainant keeps, printed like a queue ticket.

The content is built once, as (style, text) lines, then drawn down the paper by the ticket's own drawing
(:func:`kiosk.printing.ticket.render_strip`) or joined as plain text, so that the picture and the console
fallback never say different things. Thai comes first; ``lang="en"`` adds an English line under each.

A corruption tip's receipt (series T) says as little as it can, since a receipt can be found by the very
people it is about: the code, its QR, the due date, how to follow up and "keep this slip private"; no
title that names a tip, no subject, no day received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from PIL import Image

from kiosk.printing.ticket import StripStyles, render_strip
from surveys.complaints.cases import Complaint
from surveys.complaints.codes import format_plain
from surveys.content.thaidate import format_date, format_datetime
from surveys.counter.settings import PHONE_BLANK, Settings

LANGS = ("th", "en")
TITLE_TH, TITLE_EN = "ใบรับเรื่องร้องเรียน", "Complaint receipt"
KEEP_PRIVATE_TH = "เก็บใบนี้ไว้เป็นความลับ"
KEEP_PRIVATE_EN = "Keep this slip private."

_FONTS: dict[str, tuple[int, int, bool]] = {
    "reprint": (34, 24, True),
    "office": (32, 24, True),
    "office_en": (24, 20, False),
    "title": (40, 28, True),
    "title_en": (26, 20, False),
    "label": (26, 20, False),
    "code": (60, 34, True),
    "when": (28, 22, False),
    "when_en": (24, 20, False),
    "due": (30, 22, True),
    "due_en": (24, 20, False),
    "subject": (28, 22, False),
    "subject_en": (24, 20, False),
    "follow": (26, 20, False),
    "follow_en": (22, 20, False),
    "keep": (30, 22, True),
    "keep_en": (24, 20, False),
}
_GAPS = {"office": 0.2, "title": 0.2, "label": 0.4, "when": 0.3, "subject": 0.3, "rule": 0.5, "keep": 0.3}
STYLES = StripStyles(_FONTS, _GAPS, mono=frozenset({"code"}), tight=frozenset({"reprint"}))


@dataclass(frozen=True)
class ReceiptView:
    """Everything a receipt shows. ``code`` is the formatted tracking code (``C68-7KQ2MX-D``), which is
    also all the QR code holds; ``phone`` is the number to call about it (the office's)."""

    municipality_th: str
    municipality_en: str
    code: str
    tip: bool
    received_at: datetime
    due: date
    subject: str
    phone: str
    reprint: bool = False

    def __post_init__(self) -> None:
        if self.received_at.tzinfo is None:
            raise ValueError(f"received_at must be an aware time (Asia/Bangkok), not {self.received_at!r}")
        if not self.code.strip():
            raise ValueError("a receipt needs its tracking code")


def receipt_view(complaint: Complaint, settings: Settings, *, reprint: bool = False) -> ReceiptView:
    """The receipt of ``complaint`` (as :class:`kiosk.office.complaints.ComplaintDesk` returns it), with
    the office's complaint phone (else its phone, else a blank to write the number in)."""
    return ReceiptView(
        municipality_th=settings.municipality_th,
        municipality_en=settings.municipality_en,
        code=format_plain(complaint.code),
        tip=complaint.tip,
        received_at=datetime.fromisoformat(complaint.received_at),
        due=complaint.due,
        subject=complaint.subject,
        phone=settings.complaint_phone or settings.office_phone or PHONE_BLANK,
        reprint=reprint,
    )


def follow_up_text(phone: str) -> tuple[str, str]:
    """How to follow the complaint up, in Thai and English."""
    return (
        f"ติดตามเรื่อง: สแกนหรือพิมพ์รหัสที่ตู้บริการ หรือโทร {phone}",
        f"To follow it up: scan or type the code at the service kiosk, or call {phone}",
    )


def receipt_lines(view: ReceiptView, lang: str = "th", *, body_only: bool = False) -> list[tuple[str, str]]:
    """The receipt's content, top to bottom, as (style, text). ``body_only`` leaves out the code's big
    line, which an ESC/POS printer prints as native text (the QR keeps it)."""
    if lang not in LANGS:
        raise ValueError(f"lang is 'th' or 'en', not {lang!r}")
    en = lang == "en"
    lines: list[tuple[str, str]] = []

    def add(style: str, text: str, when: bool = True) -> None:
        if when and text:
            lines.append((style, text))

    add("reprint", "พิมพ์ซ้ำ / REPRINT" if en else "พิมพ์ซ้ำ", view.reprint)
    add("office", view.municipality_th)
    add("office_en", view.municipality_en, en)
    add("title", TITLE_TH, not view.tip)
    add("title_en", TITLE_EN, en and not view.tip)
    add("label", "รหัสติดตามเรื่อง / Tracking code" if en else "รหัสติดตามเรื่อง")
    add("code", view.code, not body_only)
    add("qr", view.code)
    if not view.tip:
        add("when", f"วันที่รับเรื่อง {format_datetime(view.received_at, lang='th')}")
        add("when_en", f"Received {format_datetime(view.received_at, lang='en')}", en)
    add("due", f"กำหนดแล้วเสร็จภายใน {format_date(view.due, lang='th')}")
    add("due_en", f"Due by {format_date(view.due, lang='en')}", en)
    if not view.tip:
        add("subject", f"เรื่อง: {view.subject}")
        add("subject_en", f"Subject: {view.subject}", en)
    follow_th, follow_en = follow_up_text(view.phone)
    add("rule", " ")
    add("follow", follow_th)
    add("follow_en", follow_en, en)
    add("keep", KEEP_PRIVATE_TH, view.tip)
    add("keep_en", KEEP_PRIVATE_EN, en and view.tip)
    return lines


def render_receipt(
    view: ReceiptView, width_px: int, lang: str = "th", *, body_only: bool = False
) -> Image.Image:
    """The receipt as a greyscale image exactly ``width_px`` wide (384 for 58 mm, 576 for 80 mm paper)."""
    return render_strip(receipt_lines(view, lang, body_only=body_only), width_px, STYLES)


def render_receipt_text(view: ReceiptView, lang: str = "th") -> str:
    """The receipt as plain lines (the console fallback; the QR appears as its payload)."""
    out = []
    for style, text in receipt_lines(view, lang):
        if style == "reprint":
            out.append(f"*** {text} ***")
        elif style == "qr":
            out.append(f"[QR] {text}")
        elif style == "rule":
            out.append("-" * 32)
        else:
            out.append(text)
    return "\n".join(out) + "\n"
