"""The queue ticket as a citizen holds it: the right width, Thai shaped, a QR code a phone can read."""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, features

from kiosk.printing.fonts import (
    REGULAR,
    check_thai_shaping,
    clear_layout_caches,
    load_font,
    text_width,
    wrap_text,
)
from kiosk.printing.ticket import render_ticket, render_ticket_text, ticket_lines
from tests.support.ticket import PAYLOAD, RULE_TH, make_view


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def phone_photo(image: Image.Image, degrees: float) -> Image.Image:
    """What a phone sees: half the resolution, a little tilted, soft focus, heavy JPEG compression."""
    small = image.convert("L").resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
    tilted = small.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    blurred = tilted.filter(ImageFilter.GaussianBlur(1))
    buffer = io.BytesIO()
    blurred.convert("RGB").save(buffer, format="JPEG", quality=40)
    return Image.open(io.BytesIO(buffer.getvalue()))


# -- width and QR -------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [384, 576])
@pytest.mark.parametrize("lang", ["th", "en"])
def test_ticket_is_exactly_the_paper_width(width: int, lang: str) -> None:
    image = render_ticket(make_view(reprint=True, priority=("ผู้สูงอายุ", "elderly")), width, lang)
    assert image.width == width
    assert image.mode in ("1", "L")
    assert image.height > width  # a ticket is a strip, not a square


@pytest.mark.parametrize("width", [384, 576])
def test_qr_decodes_to_exactly_the_payload(width: int) -> None:
    assert decode(render_ticket(make_view(), width)) == [PAYLOAD]


@pytest.mark.parametrize("width", [384, 576])
@pytest.mark.parametrize("degrees", [3, -4, 5])
def test_qr_still_decodes_from_a_phone_photo(width: int, degrees: float) -> None:
    photo = phone_photo(render_ticket(make_view(), width, "en"), degrees)
    assert decode(photo) == [PAYLOAD]


@pytest.mark.parametrize(("width", "lang"), [(576, "th"), (384, "en")])
def test_a_second_render_from_remembered_layout_is_the_same_pixels(width: int, lang: str) -> None:
    view = make_view(priority=("ผู้สูงอายุ", "elderly"))
    clear_layout_caches()
    first = render_ticket(view, width, lang)
    second = render_ticket(view, width, lang)  # from the remembered layout (its speed: benchmarks/kiosk.py)
    assert second.size == first.size and second.tobytes() == first.tobytes()
    other = make_view(number="A002", ahead=4, code="1002-7715-0342-9")  # same lines but a few
    remembered = render_ticket(other, width, lang)
    clear_layout_caches()
    assert render_ticket(other, width, lang).tobytes() == remembered.tobytes()


def test_remembered_layouts_are_copies() -> None:
    font = load_font(24)
    lines = wrap_text(RULE_TH, font, 200)
    lines.append("scribbled on")
    assert wrap_text(RULE_TH, font, 200) == lines[:-1]


def test_a_payload_too_long_for_the_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="too long"):
        render_ticket(make_view(qr_payload="x" * 1500), 384)


# -- Thai shaping -------------------------------------------------------------------------------------


def ink(text: str, layout: ImageFont.Layout) -> Image.Image:
    font = ImageFont.truetype(str(REGULAR), 80, layout_engine=layout)
    image = Image.new("L", (240, 200), 0)
    ImageDraw.Draw(image).text((20, 60), text, font=font, fill=255)
    return image.point(lambda v: 255 if v > 127 else 0)


def tone_mark_box(layout: ImageFont.Layout) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    """The ink of "ที" (consonant + upper vowel), and the ink that the tone mark in "ที่" adds to it."""
    without, with_mark = ink("ที", layout), ink("ที่", layout)
    vowel = without.getbbox()
    mark = ImageChops.subtract(with_mark, without).getbbox()
    assert vowel is not None and mark is not None
    return vowel, mark


def test_raqm_lifts_the_tone_mark_above_the_upper_vowel() -> None:
    vowel, mark = tone_mark_box(ImageFont.Layout.RAQM)
    assert mark[3] <= vowel[1], "with raqm the tone mark sits wholly above the vowel"
    basic_vowel, basic_mark = tone_mark_box(ImageFont.Layout.BASIC)
    assert basic_mark[3] > basic_vowel[1], "without raqm it lands on the vowel: the layouts must differ"
    for word in ("ที่นี่", "น้ำ"):
        assert ink(word, ImageFont.Layout.RAQM).getbbox() != ink(word, ImageFont.Layout.BASIC).getbbox()


def test_shaping_is_available_here_and_fonts_use_it() -> None:
    assert check_thai_shaping() is None
    assert load_font(30).layout_engine == ImageFont.Layout.RAQM


def test_missing_raqm_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "check", lambda feature: False)
    message = check_thai_shaping()
    assert message is not None
    assert "libraqm" in message and "sudo apt install libraqm0 libfribidi0" in message
    assert "วรรณยุกต์" in message and "fribidi" in message.lower()
    assert load_font(30).layout_engine == ImageFont.Layout.BASIC


# -- text that fits -----------------------------------------------------------------------------------


def test_wrapped_thai_breaks_between_words_and_keeps_every_letter() -> None:
    font = load_font(24)
    lines = wrap_text(RULE_TH, font, 200)
    assert len(lines) > 1
    assert all(text_width(font, line) <= 200 for line in lines)
    assert "".join(lines).replace(" ", "") == RULE_TH.replace(" ", "")
    assert not any(unicodedata.category(line[0]) == "Mn" for line in lines), "a mark lost its letter"
    assert not any(line.endswith(("1", "2")) for line in lines), "a number lost its classifier (คิว)"


@pytest.mark.parametrize("width", [384, 576])
def test_long_names_are_shrunk_or_wrapped_never_clipped(width: int) -> None:
    view = make_view(
        municipality_th="องค์การบริหารส่วนตำบลบ้านน้ำพุร้อนสันกำแพงเหนือและหมู่บ้านใกล้เคียงทั้งหมด",
        service_th="งานทะเบียนราษฎร บัตรประจำตัวประชาชน และหนังสือรับรองต่าง ๆ ทุกประเภท",
        rule_th=RULE_TH * 2,
    )
    image = render_ticket(view, width, "en")
    edges = [image.crop((0, 0, 4, image.height)), image.crop((width - 4, 0, width, image.height))]
    assert all(edge.getextrema() == (255, 255) for edge in edges), "ink reaches the paper's edge"


# -- content ------------------------------------------------------------------------------------------


def test_text_ticket_says_what_the_citizen_needs_in_thai() -> None:
    text = render_ticket_text(make_view(), "th")
    for expected in (
        "เทศบาลตำบลสันกำแพง",
        "งานทะเบียนราษฎร",
        "A001",
        "12 มิถุนายน 2568 09:05 น.",
        "รออยู่ก่อนหน้า 3 คิว",
        RULE_TH,
        "1001-4821-9375-6",
        "กรุณาเก็บบัตรไว้ เพื่อประเมินความพึงพอใจหลังรับบริการ",
    ):
        assert expected in text
    assert "Civil registration" not in text and "พิมพ์ซ้ำ" not in text
    assert text.index("เทศบาล") < text.index("A001") < text.index("รออยู่") < text.index("กรุณาเก็บ")


def test_english_comes_under_the_thai_and_reprints_say_so() -> None:
    text = render_ticket_text(make_view(reprint=True, ahead=1, priority=("ผู้สูงอายุ", "elderly")), "en")
    lines = text.splitlines()
    assert lines[0] == "*** พิมพ์ซ้ำ / REPRINT ***"
    assert lines.index("งานทะเบียนราษฎร") + 1 == lines.index("Civil registration")
    assert "1 person waiting ahead of you" in text and "12 June 2025 09:05" in text
    assert "คิวพิเศษ: ผู้สูงอายุ / Priority: elderly" in text


def test_body_for_escpos_leaves_number_and_time_to_native_text() -> None:
    styles = {line.style: line.text for line in ticket_lines(make_view(), body_only=True)}
    assert "number" not in styles and "A001" not in styles.values()
    assert styles["when"] == "12 มิถุนายน 2568"


def test_a_ticket_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        make_view(issued_at=datetime(2025, 6, 12, 9, 5))


def test_waiting_before_you_says_when_it_is_an_estimate() -> None:
    exact = render_ticket_text(make_view(ahead=2), "en")
    assert "รออยู่ก่อนหน้า 2 คิว" in exact and "2 people waiting ahead of you" in exact
    estimate = render_ticket_text(make_view(ahead=2, ahead_exact=False), "en")
    assert "รออยู่ก่อนหน้าประมาณ 2 คิว" in estimate and "about 2 people waiting ahead of you" in estimate


def test_a_payload_too_long_for_any_qr_code_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="too long"):
        render_ticket(make_view(qr_payload="x" * 3000), 576)
