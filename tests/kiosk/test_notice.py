"""The A4 wall notice: one page, readable, saying the rules the kiosk holds to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from kiosk.printing.notice import NoticeView, notice_steps, render_notice, save_notice
from tests.support.ticket import RULE_TH

COMPLAINT_TH = "ร้องเรียนได้ที่ศูนย์รับเรื่องร้องเรียน ชั้น 1 โทร 053 123 456"


def make_view(services: int = 3, complaint_th: str = COMPLAINT_TH) -> NoticeView:
    names = [
        ("งานทะเบียนราษฎร", "Civil registration"),
        ("งานจัดเก็บภาษีและรายได้", "Local taxes and fees"),
        ("งานสวัสดิการสังคม", "Social welfare"),
        ("งานช่างและขออนุญาตก่อสร้าง", "Building permits"),
    ]
    return NoticeView(
        municipality_th="เทศบาลตำบลสันกำแพง",
        municipality_en="San Kamphaeng Subdistrict Municipality",
        services=[(chr(ord("A") + i), th, en) for i, (th, en) in enumerate(names[:services])],
        rule_th=RULE_TH,
        rule_en="Elderly, disabled and pregnant people are served 1 ahead after every 2 regular tickets",
        complaint_th=complaint_th,
        complaint_en="Complaints: complaints desk, ground floor, tel. 053 123 456",
        fiscal_year_be=2568,
    )


@pytest.mark.parametrize("lang", ["th", "en"])
def test_notice_is_one_a4_page_at_150_dpi(lang: str) -> None:
    page = render_notice(make_view(services=4), lang)
    assert page.size == (1240, 1754)
    top_band = page.crop((0, 0, 1240, 400))
    assert top_band.getextrema() == (0, 255)  # the title band is there: black with white text
    bottom = page.crop((0, 1754 - 60, 1240, 1754))
    assert bottom.getextrema() == (255, 255), "nothing runs into the bottom margin"


def test_notice_tells_the_rules_from_the_offices_data() -> None:
    text = " ".join(th for step in notice_steps(make_view()) for th, _ in [step.heading, *step.paragraphs])
    for expected in ("รับบัตรคิว", "มาก่อน ได้รับบริการก่อน", "ลัดคิว", RULE_TH, "พลาด", "ไม่ต้องบอกชื่อ"):
        assert expected in text
    assert COMPLAINT_TH in text


def test_notice_saves_as_pdf_and_png(tmp_path: Path) -> None:
    pdf = save_notice(make_view(), tmp_path / "queue-notice.pdf", "th")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", data)
    assert box is not None
    assert (round(float(box[1])), round(float(box[2]))) == (595, 842)  # A4 in points: prints at size
    png = save_notice(make_view(), tmp_path / "queue-notice.png", "en")
    with Image.open(png) as image:
        assert image.size == (1240, 1754)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["queue-notice.pdf", "queue-notice.png"]


def test_notice_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png or \.pdf"):
        save_notice(make_view(), tmp_path / "notice.jpg", "th")


def test_texts_too_long_for_one_page_are_refused_not_clipped() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        render_notice(make_view(complaint_th=COMPLAINT_TH * 12))
