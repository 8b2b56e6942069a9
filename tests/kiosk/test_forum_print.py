"""A forum's one-page summary for the notice board and a staff survey's code slips, as PNG and PDF."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest
from PIL import Image, ImageChops, ImageFont

from kiosk.office.forum import ForumDesk
from kiosk.office.service import LocalOffice
from kiosk.printing import forum_print
from kiosk.printing.fonts import load_font
from kiosk.printing.forum_print import (
    SLIP_LINE_TH,
    PrintoutError,
    _Sheet,
    render_code_slips,
    render_forum_summary,
)
from surveys.content.instruments import Instrument, builtin_instruments
from surveys.counter.settings import default_settings
from surveys.forum.sessions import Forum
from surveys.log.event import BANGKOK

COMMUNITY = "หมู่ที่ 3 บ้านจระเข้หิน"
AGENDA = ["ซ่อมถนนสายหลัก", "ขุดลอกคลองส่งน้ำ", "ไฟส่องสว่างทางเข้าหมู่บ้าน", "ประปาหมู่บ้าน", "ลานกีฬา", "ศาลาที่พักผู้โดยสาร"]
COUNTS = {
    "gender": {"male": 20, "female": 25},
    "age": {"18-29": 5, "30-44": 10, "45-59": 15, "60-plus": 15},
    "role": {"resident": 38, "leader": 5, "official": 2},
}
SIGNED_IN = "นางสาวมาลี ศรีสุข"
A4_POINTS = (595.2, 841.92)  # 1240 × 1754 px at 150 dpi


@pytest.fixture
def office(tmp_path: Path) -> Iterator[LocalOffice]:
    clock = lambda: datetime(2025, 3, 8, 9, 30, tzinfo=BANGKOK)  # noqa: E731
    office = LocalOffice(tmp_path / "laptop", default_settings(), clock=clock)
    yield office
    office.close()


@pytest.fixture
def instrument() -> Instrument:
    return builtin_instruments()["forum-feedback"]


def closed_forum(office: LocalOffice) -> Forum:
    """45 people, 13 forms of which one is taken back: 12 count.

    By hand, the scored answers of the 12 forms (spoke, info_clear, opinion_used, overall):
    forms 1–6 answer all four with 5, 4, 4, 5 (18 each, 4 at มาก or above): 108 over 24 answers;
    forms 7–12 answer overall only, with 3, 3, 4, 2, 5, 1: 18 over 6 answers, 2 at มาก or above.
    Mean 126 / 30 = 4.20 → ร้อยละ 84.00; at มาก–มากที่สุด 24 + 2 = 26 of 30 → ร้อยละ 86.67.
    Votes: a1 (ซ่อมถนนสายหลัก) 6 + 3 = 9, a3 4 + 4 = 8, a2 2 + 2 = 4, a4 2, a5 1, a6 0 (its form taken back)."""
    desk = ForumDesk(office)
    session = desk.open_forum(
        COMMUNITY, "ศาลาประชาคม หมู่ที่ 3", date(2025, 3, 8), [5], ["นายสมชาย ใจดี", "นางสุดา รักถิ่น"],
        AGENDA, signin=True,
    ).session  # fmt: skip
    desk.sign_in(session, SIGNED_IN)
    desk.record_attendance(session, 45, COUNTS)
    full = {"spoke": 5, "info_clear": 4, "opinion_used": 4, "overall": 5}
    votes = [["a1", "a3", "a2"], ["a1", "a3"], ["a1", "a3", "a4"], ["a1", "a2"], ["a1", "a3"], ["a1"]]
    for ballot in votes:
        desk.submit_form(session, dict(full), votes=ballot)
    later = [(3, ["a1", "a3"]), (3, ["a1", "a2"]), (4, ["a3", "a5"]), (2, ["a1", "a3", "a4"]), (5, ["a2"])]
    for score, ballot in later:
        desk.submit_form(
            session, {"overall": score, "suggestion": "อยากได้ถนนใหม่ค่ะ"}, votes=ballot, mode="clerk"
        )
    desk.submit_form(session, {"overall": 4}, votes=["a6"], mode="clerk")
    desk.void_last_form(session, "กรอกผิดฉบับ")
    desk.submit_form(session, {"overall": 1}, votes=["a3"], mode="clerk")
    return desk.close_forum(session)


def pdf_text(path: Path) -> list[str]:
    """The text of each page; control characters (none expected) dropped, Thai normalised."""
    return [
        unicodedata.normalize("NFC", "".join(c for c in page.extract_text() or "" if c == "\n" or c >= " "))
        for page in pypdf.PdfReader(path).pages
    ]


def test_the_summary_says_what_the_forum_did_in_thai(
    office: LocalOffice, instrument: Instrument, tmp_path: Path
) -> None:
    forum = closed_forum(office)
    out = render_forum_summary(forum, instrument, tmp_path / "out" / "forum.pdf",
                               municipality=("เทศบาลตำบลจระเข้หิน", "Chorakhe Hin"))  # fmt: skip
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_POINTS, abs=0.1)
    [text] = pdf_text(out)
    for expected in (
        "เทศบาลตำบลจระเข้หิน",
        "สรุปผลเวทีประชาคม",
        COMMUNITY,
        "ศาลาประชาคม หมู่ที่ 3",
        "8 มีนาคม 2568",  # the forum's day in the Buddhist Era
        "โครงการที่ 5",
        "นายสมชาย ใจดี",
        "ทั้งหมด 45 คน",
        "ลงชื่อเข้าร่วม 1 คน",
        "ได้รับแบบประเมิน 12 ฉบับ (ถอนคืน 1 ฉบับ)",
        "ร้อยละ 84.00",
        "คะแนนความพึงพอใจเฉลี่ย 4.20 จาก 5",
        "ร้อยละ 86.67",
        "จาก 30 คำตอบ",
        "1. ซ่อมถนนสายหลัก",
        "9 เสียง",
    ):
        assert expected in text, expected
    head = forum.closing["head"] if forum.closing else {}
    assert f"ลำดับที่ {head['seq']} · {head['hash'][:12]}" in text
    assert "ห่วงโซ่แฮช" in text
    # the top five by votes, in order; the sixth (no votes) is left off
    places = [
        text.index(title) for title in ("ซ่อมถนนสายหลัก", "ไฟส่องสว่าง", "ขุดลอกคลอง", "ประปาหมู่บ้าน", "ลานกีฬา")
    ]
    assert places == sorted(places)
    assert "ศาลาที่พักผู้โดยสาร" not in text


def test_the_summary_names_no_participant_and_quotes_no_suggestion(
    office: LocalOffice, instrument: Instrument, tmp_path: Path
) -> None:
    forum = closed_forum(office)
    for suffix in (".pdf", ".png"):
        out = render_forum_summary(forum, instrument, tmp_path / f"forum{suffix}")
        assert out.exists()
    [text] = pdf_text(tmp_path / "forum.pdf")
    assert "มาลี" not in text and "ศรีสุข" not in text
    assert "อยากได้ถนนใหม่" not in text
    data = (tmp_path / "forum.pdf").read_bytes() + (tmp_path / "forum.png").read_bytes()
    assert "มาลี".encode() not in data and "มาลี".encode("utf-16-be") not in data


def test_the_png_is_an_a4_page_at_150_dpi_and_english_is_one_switch_away(
    office: LocalOffice, instrument: Instrument, tmp_path: Path
) -> None:
    forum = closed_forum(office)
    png = render_forum_summary(forum, instrument, tmp_path / "forum.png")
    with Image.open(png) as image:
        assert image.size == (1240, 1754)
        assert tuple(round(d) for d in image.info["dpi"]) == (150, 150)
        assert image.convert("L").crop((0, 1754 - 50, 1240, 1754)).getextrema() == (255, 255)
    [text] = pdf_text(render_forum_summary(forum, instrument, tmp_path / "forum-en.pdf", "en"))
    for expected in ("สรุปผลเวทีประชาคม", "Community forum summary", "8 March 2025", "45 people in all",
                     "12 forms received (1 taken back)", "84.00 %", "9 votes"):  # fmt: skip
        assert expected in text, expected


def test_an_open_forum_without_forms_says_so(
    office: LocalOffice, instrument: Instrument, tmp_path: Path
) -> None:
    desk = ForumDesk(office)
    forum = desk.open_forum(COMMUNITY, "วัดบ้านจระเข้หิน", date(2025, 3, 8), [5], [], AGENDA[:2])
    [text] = pdf_text(render_forum_summary(forum, instrument, tmp_path / "open.pdf"))
    assert "ยังไม่มีแบบประเมิน" in text and "ยังไม่ปิดเวที" in text and "ทั้งหมด 0 คน" in text


def test_code_slips_put_every_code_on_its_own_slip(tmp_path: Path) -> None:
    codes = [f"ACD-{n:03d}" for n in range(200)]
    assert len(set(codes)) == 200
    out = render_code_slips("สำรวจ NO Gift 2568", codes, tmp_path / "codes.pdf")
    pages = pdf_text(out)
    assert len(pages) == 9  # 24 slips a page: 8 full pages and 8 slips on the ninth
    text = "\n".join(pages)
    assert all(text.count(code) == 1 for code in codes)
    assert text.count(SLIP_LINE_TH) == 200 and text.count("สำรวจ NO Gift 2568") == 200
    assert all(code in pages[8] for code in codes[192:]) and codes[191] not in pages[8]
    one = render_code_slips("สำรวจ NO Gift 2568", codes[:24], tmp_path / "codes.png")
    with Image.open(one) as image:
        assert image.size == (1240, 1754)


def test_too_many_codes_for_one_png_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PrintoutError) as caught:
        render_code_slips("สำรวจ", [f"ACD-{i:03d}" for i in range(25)], tmp_path / "codes.png")
    assert ".pdf" in caught.value.th and ".pdf" in caught.value.en
    assert not (tmp_path / "codes.png").exists()


@pytest.mark.parametrize("name", ["forum.jpg", "forum", "forum.PDF.txt"])
def test_other_formats_are_refused_in_thai_and_english(
    office: LocalOffice, instrument: Instrument, tmp_path: Path, name: str
) -> None:
    forum = closed_forum(office)
    with pytest.raises(PrintoutError) as caught:
        render_forum_summary(forum, instrument, tmp_path / name)
    assert "บันทึกได้เป็นไฟล์ .png หรือ .pdf เท่านั้น" in caught.value.th
    assert "save as .png or .pdf" in caught.value.en
    assert str(caught.value) == f"{caught.value.th}\n{caught.value.en}"
    with pytest.raises(PrintoutError, match=r"\.png or \.pdf"):
        render_code_slips("สำรวจ", ["ACD-479"], tmp_path / name)
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("how", ["read-only", "a file in the way"])
def test_a_folder_that_cannot_be_written_gives_a_bilingual_message(
    office: LocalOffice, instrument: Instrument, tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    forum = closed_forum(office)
    if how == "read-only":
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        if os.geteuid() == 0:  # root writes into read-only folders: the refusal it would meet

            def refuse(path: Path, data: bytes) -> None:
                raise PermissionError(13, "Permission denied", str(path))

            monkeypatch.setattr(forum_print, "write_atomic", refuse)
    else:
        (tmp_path / "notes").write_text("not a folder", encoding="utf-8")
        folder = tmp_path / "notes"
    try:
        with pytest.raises(PrintoutError) as caught:
            render_forum_summary(forum, instrument, folder / "forum.pdf")
        assert caught.value.code == "unwritable"
        assert "บันทึกไฟล์ forum.pdf ลงโฟลเดอร์" in caught.value.th and "เลือกโฟลเดอร์อื่น" in caught.value.th
        assert "forum.pdf can't be saved in" in caught.value.en and "choose another folder" in caught.value.en
        with pytest.raises(PrintoutError, match="can't be saved"):
            render_code_slips("สำรวจ", ["ACD-479"], folder / "codes.png")
    finally:
        if how == "read-only":
            folder.chmod(0o700)


def test_thai_marks_are_shaped_not_stacked_on_each_other() -> None:
    """The pages draw through raqm: the tone mark of "ที่" sits wholly above the upper vowel, where
    BASIC layout would draw it on top of the vowel (see test_ticket)."""
    font = load_font(80)
    assert font.layout_engine == ImageFont.Layout.RAQM
    inks = []
    for text in ("ที", "ที่"):
        sheet = _Sheet(1.0)
        sheet.line(text, font, 100, 100)
        inks.append(ImageChops.invert(sheet.image).point(lambda v: 255 if v > 127 else 0))
    vowel = inks[0].getbbox()
    mark = ImageChops.subtract(inks[1], inks[0]).getbbox()
    assert vowel is not None and mark is not None
    assert mark[3] <= vowel[1]


def test_long_names_and_titles_stay_on_the_page(
    office: LocalOffice, instrument: Instrument, tmp_path: Path
) -> None:
    desk = ForumDesk(office)
    long_title = "โครงการก่อสร้างถนนคอนกรีตเสริมเหล็กสายบ้านนายสมศักดิ์ถึงบ้านนางสมหญิง ความยาว 250 เมตร " * 3
    agenda = [f"{long_title} ซอยที่ {n}" for n in range(1, 31)]
    facilitators = ["นายสมชาย ใจดี", "นางสุดา รักถิ่น", "นายประยุทธ์ มั่นคง", "นางสาวพิมพ์ชนก วงศ์ใหญ่"] * 3
    forum = desk.open_forum(
        "ชุมชนบ้านหนองน้ำใสพัฒนาร่วมใจสามัคคี หมู่ที่ 12 และหมู่ที่ 13 ตำบลจระเข้หิน อำเภอครบุรี จังหวัดนครราชสีมา",
        "ศาลาอเนกประสงค์ประจำหมู่บ้าน ข้างโรงเรียนบ้านหนองน้ำใส ติดวัดป่าสามัคคีธรรม ริมทางหลวงหมายเลข 24 " * 2,
        date(2025, 12, 31), [5, 7, 9, 11], facilitators, agenda,
    )  # fmt: skip
    everyone = {"gender": {"male": 1234}, "age": {"18-29": 1234}, "role": {"resident": 1234}}
    desk.record_attendance(forum.session, 1234, everyone)
    desk.submit_form(forum.session, {"overall": 4}, votes=["a30"])
    png = render_forum_summary(desk.forum(forum.session), instrument, tmp_path / "long.png")
    with Image.open(png) as image:
        page = image.convert("L")
        assert page.crop((0, 1754 - 50, 1240, 1754)).getextrema() == (255, 255), (
            "nothing in the bottom margin"
        )
        assert page.crop((1240 - 50, 200, 1240, 1650)).getextrema() == (255, 255), (
            "nothing past the right margin"
        )
    [text] = pdf_text(render_forum_summary(desk.forum(forum.session), instrument, tmp_path / "long.pdf"))
    assert "ทั้งหมด 1,234 คน" in text and "ซอยที่ 30" not in text and "…" in text  # the title cut short
    assert "เวทียังไม่ปิด" in text
