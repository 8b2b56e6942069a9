"""The complaint receipt as the complainant holds it: the code big and in a QR a phone or the kiosk's
scanner reads, Thai shaped, the dates in B.E., and a corruption tip's receipt that gives nothing away."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageFont

# First: importing it points python-escpos at its cache folder before python-escpos itself is imported.
from kiosk.printing.escpos_printer import EscposPrinter

# isort: split
from escpos.printer import Dummy

from kiosk.office.complaints import ComplaintDesk
from kiosk.office.service import LocalOffice
from kiosk.printing.complaint_receipt import (
    ReceiptView,
    receipt_lines,
    receipt_view,
    render_receipt,
    render_receipt_text,
)
from kiosk.printing.fonts import load_font
from kiosk.printing.printers import PngPrinter
from surveys.complaints.codes import format_plain
from surveys.content.thaidate import BANGKOK, format_date

GS_V_0 = b"\x1dv0"


def make_receipt(**changes: object) -> ReceiptView:
    view = ReceiptView(
        municipality_th="เทศบาลตำบลสันกำแพง",
        municipality_en="San Kamphaeng Subdistrict Municipality",
        code="C68-7KQ2MX-D",
        tip=False,
        received_at=datetime(2025, 6, 12, 9, 5, tzinfo=BANGKOK),
        due=date(2025, 6, 27),
        subject="ไฟกิ่งหน้าบ้านเลขที่ 12 ดับมาสองสัปดาห์",
        phone="053-331-234",
    )
    return replace(view, **changes)  # type: ignore[arg-type]


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("width", [384, 576])
@pytest.mark.parametrize("tip", [False, True])
def test_the_qr_holds_exactly_the_tracking_code(width: int, tip: bool) -> None:
    image = render_receipt(make_receipt(tip=tip), width, "en")
    assert image.width == width and image.height > width
    assert decode(image) == ["C68-7KQ2MX-D"]


def test_the_receipt_says_what_the_complainant_needs_in_thai() -> None:
    text = render_receipt_text(make_receipt())
    for expected in (
        "เทศบาลตำบลสันกำแพง",
        "ใบรับเรื่องร้องเรียน",
        "C68-7KQ2MX-D",
        "วันที่รับเรื่อง 12 มิถุนายน 2568 09:05 น.",
        "กำหนดแล้วเสร็จภายใน 27 มิถุนายน 2568",
        "เรื่อง: ไฟกิ่งหน้าบ้านเลขที่ 12 ดับมาสองสัปดาห์",
        "สแกนหรือพิมพ์รหัสที่ตู้บริการ หรือโทร 053-331-234",
    ):
        assert expected in text
    assert "Complaint receipt" not in text and "ความลับ" not in text
    assert text.index("ใบรับเรื่อง") < text.index("C68-7KQ2MX-D") < text.index("กำหนด") < text.index("โทร")


def test_english_comes_under_the_thai() -> None:
    lines = render_receipt_text(make_receipt(), "en").splitlines()
    assert lines.index("ใบรับเรื่องร้องเรียน") + 1 == lines.index("Complaint receipt")
    assert "Due by 27 June 2025" in lines and "Received 12 June 2025 09:05" in lines


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_tips_receipt_shows_only_the_code_the_due_date_and_keep_it_private(lang: str) -> None:
    text = render_receipt_text(make_receipt(code="T68-7KQ2MX-X", tip=True), lang)
    assert "T68-7KQ2MX-X" in text and "กำหนดแล้วเสร็จภายใน 27 มิถุนายน 2568" in text
    assert "เก็บใบนี้ไว้เป็นความลับ" in text
    for hidden in ("ไฟกิ่ง", "ใบรับเรื่องร้องเรียน", "Complaint receipt", "12 มิถุนายน", "12 June", "ทุจริต"):
        assert hidden not in text


def test_a_tips_receipt_draws_no_subject() -> None:
    """The picture draws what the lines say: the tip's receipt is shorter by the title, day and subject."""
    plain, tip = render_receipt(make_receipt(), 576), render_receipt(make_receipt(tip=True), 576)
    assert tip.height < plain.height
    styles = [style for style, _ in receipt_lines(make_receipt(tip=True))]
    assert "subject" not in styles and "when" not in styles and "title" not in styles


def test_the_thai_is_shaped_by_raqm() -> None:
    """Drawn with the ticket's fonts, which lay Thai out with raqm (test_ticket proves the tone marks)."""
    assert load_font(30).layout_engine == ImageFont.Layout.RAQM
    long = make_receipt(
        subject="ขอให้ตรวจสอบการก่อสร้างถนนคอนกรีตเสริมเหล็กหมู่ที่ 4 ที่ผิวถนนแตกร้าวหลังสร้างเสร็จได้ไม่ถึงเดือน"
    )
    image = render_receipt(long, 384)
    edges = [image.crop((0, 0, 4, image.height)), image.crop((380, 0, 384, image.height))]
    assert all(edge.getextrema() == (255, 255) for edge in edges), "ink reaches the paper's edge"


def test_png_receipt_is_saved_by_code_and_a_reprint_beside_it(tmp_path: Path) -> None:
    printer = PngPrinter(tmp_path)
    first = Path(printer.print_receipt(make_receipt()))
    again = Path(printer.print_receipt(make_receipt(reprint=True)))
    assert first.name == "complaint-20250612-090500-C68-7KQ2MX-D.png"
    assert again.name == "complaint-20250612-090500-C68-7KQ2MX-D-reprint.png"
    with Image.open(first) as image:
        assert image.width == 576 and decode(image) == ["C68-7KQ2MX-D"]


@pytest.mark.parametrize(("paper", "dots"), [(58, 384), (80, 576)])
def test_escpos_receipt_prints_the_code_as_native_text_then_the_image(paper: int, dots: int) -> None:
    device = Dummy()
    assert EscposPrinter(device, paper, name="desk printer").print_receipt(make_receipt()) == "desk printer"  # type: ignore[arg-type]
    out = device.output
    assert out.startswith(b"\x1b@") and out.index(b"C68-7KQ2MX-D") < out.index(GS_V_0)
    header = out.index(GS_V_0)
    assert int.from_bytes(out[header + 4 : header + 6], "little") == dots // 8
    assert all(style != "code" for style, _ in receipt_lines(make_receipt(), body_only=True))


def test_a_complaint_from_the_desk_gets_its_receipt(
    make_office: Callable[..., LocalOffice], tmp_path: Path
) -> None:
    office = make_office(tmp_path / "home", complaint_phone="053-331-234")
    complaint = ComplaintDesk(office).receive("phone", "general", "น้ำประปาไม่ไหล", location="หมู่ 2")
    view = receipt_view(complaint, office.settings)
    assert view.code == format_plain(complaint.code) and not view.tip and view.phone == "053-331-234"
    text = render_receipt_text(view)
    assert "เรื่อง: น้ำประปาไม่ไหล" in text and format_date(complaint.due) in text
    assert decode(render_receipt(view, 384)) == [view.code]
    tip = ComplaintDesk(office).receive("kiosk", "corruption", "เรียกรับเงิน", tip=True)
    tip_text = render_receipt_text(receipt_view(tip, office.settings))
    assert "เรียกรับเงิน" not in tip_text and tip_text.count(format_plain(tip.code)) == 2
