"""report.pdf: A4 pages, the warnings first, page numbers, Thai set by HarfBuzz and broken only between
words (PyThaiNLP's newmm, offline)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from fpdf import FPDF

from analysis.render import write_pdf
from analysis.render.labels import FONT_REGULAR
from analysis.render.linebreak import newmm
from analysis.render.pdf import wrap

EXAMPLE = Path(__file__).parent / "data" / "report_example.json"
A4_POINTS = (595.28, 841.89)


@pytest.fixture
def report() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def pdf() -> Iterator[FPDF]:
    document = FPDF(format="A4")
    document.add_font("Sarabun", "", str(FONT_REGULAR))
    document.set_text_shaping(True)
    document.set_font("Sarabun", "", 10)
    yield document
    for font in document.fonts.values():  # fpdf2 leaves the font file open
        font.ttfont.close()


def page_texts(path: Path) -> list[str]:
    # HarfBuzz draws sara am (ำ) as two glyphs; fpdf2 maps the first to ำ and gives the second no
    # text, which pypdf extracts as a control character (a tab or U+0015). The glyphs are right (see
    # the rendered pages); the control characters are dropped before comparing words.
    return [
        "".join(c for c in page.extract_text() or "" if c == "\n" or unicodedata.category(c) != "Cc")
        for page in pypdf.PdfReader(path).pages
    ]


def test_the_pdf_has_a_page_per_part_on_a4_with_numbers(report: dict[str, Any], tmp_path: Path) -> None:
    path = write_pdf(report, tmp_path / "report.pdf")
    reader = pypdf.PdfReader(path)
    # By hand: the cover (warnings and the summary), one page for each of projects 1, 2 and 10 (each
    # starts a page and fits on it), then one for services, fairness and integrity: 5.
    assert len(reader.pages) == 5
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_POINTS, abs=0.1)
    texts = page_texts(path)
    for number, text in enumerate(texts, start=1):
        assert f"หน้า {number} จาก 5" in text
    first = texts[0]
    assert "ข้อควรทราบก่อนอ่าน" in first
    assert "รายงานนี้รวมข้อมูลจำลองจากเครื่องสาธิต" in first
    assert "ตรวจสอบห่วงโซ่ไม่ผ่าน" in first
    assert "ปีงบประมาณ พ.ศ. 2568" in first
    assert "1 ตุลาคม 2567 – 30 กันยายน 2568" in first
    for verdict in ("บรรลุ", "ไม่บรรลุ", "ยังสรุปไม่ได้", "ไม่มีข้อมูล"):
        assert verdict in first
    assert texts[1].startswith("โครงการที่ 1: โครงการศูนย์ข้อมูลข่าวสารเพื่อความโปร่งใส")
    assert "<script>alert(1)</script>" in texts[1]  # staff edition: the suggestion, as text
    assert "ความถูกต้องของข้อมูล" in texts[4]


def test_thai_words_come_out_of_the_pdf_whole(report: dict[str, Any], tmp_path: Path) -> None:
    text = "\n".join(page_texts(write_pdf(report, tmp_path / "report.pdf")))
    for word in ("ผู้ใหญ่บ้าน", "ที่สุด", "พึงพอใจ", "น้ำประปา", "เจ้าหน้าที่", "ร้อยละ 85.66", "<5"):
        assert word in text


def test_the_public_edition_pdf_has_no_suggestions(report: dict[str, Any], tmp_path: Path) -> None:
    report["edition"] = "public"
    text = "\n".join(page_texts(write_pdf(report, tmp_path / "report.pdf")))
    assert "alert(1)" not in text
    assert "ฉบับเผยแพร่" in text


SENTENCE = "ผู้รับบริการมีความพึงพอใจต่อการให้บริการของเจ้าหน้าที่ผู้ใหญ่บ้านมากที่สุดและอยากให้มีน้ำดื่มเพิ่ม"


@pytest.mark.parametrize("width", [20.0, 35.0, 60.0])
def test_thai_lines_break_only_between_words(pdf: FPDF, width: float) -> None:
    lines = wrap(pdf, SENTENCE, width)
    assert len(lines) > 1
    assert "".join(lines) == SENTENCE
    boundaries, at = set(), 0
    for word in newmm(SENTENCE):
        at += len(word)
        boundaries.add(at)
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert at in boundaries, f"a line ends inside a word: {line!r}"
        assert pdf.get_string_width(line) <= width


def test_a_word_wider_than_the_line_is_cut_between_letters_never_before_a_mark(pdf: FPDF) -> None:
    lines = wrap(pdf, "ผู้ใหญ่บ้าน", 4.0)
    assert "".join(lines) == "ผู้ใหญ่บ้าน"
    assert len(lines) > 1
    for line in lines:
        assert unicodedata.category(line[0]) not in ("Mn", "Mc"), lines


def test_brackets_codes_and_a_number_after_its_word_stay_on_one_line(pdf: FPDF) -> None:
    lines = wrap(pdf, "ไม่มาตามเรียก (ร้อยละ) รอคิว P90 ไม่น้อยกว่าร้อยละ 80", 22.0)
    assert "".join(lines).replace(" ", "") == "ไม่มาตามเรียก(ร้อยละ)รอคิวP90ไม่น้อยกว่าร้อยละ80"
    joined = "|".join(lines)
    for whole in ("(ร้อยละ)", "P90", "ร้อยละ 80"):
        assert whole in joined


def test_a_long_table_goes_on_over_pages_with_its_header(report: dict[str, Any], tmp_path: Path) -> None:
    services = report["tables"]["services"]
    services["rows"] = [dict(services["rows"][0], counter=i % 9 + 1) for i in range(150)]
    texts = page_texts(write_pdf(report, tmp_path / "report.pdf"))
    total = len(texts)
    assert total > 5
    for number, text in enumerate(texts, start=1):
        assert f"หน้า {number} จาก {total}" in text
    continued = [text for text in texts[4:] if "งานทะเบียนราษฎร" in text]
    assert len(continued) >= 2
    for text in continued:
        assert "เดือน" in text  # the header again on every page of the table
