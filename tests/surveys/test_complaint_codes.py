"""Tracking codes, due dates and the complaints fold (surveys/complaints)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.complaints.cases import Complaints, fold_complaints, is_late, public_status
from surveys.complaints.codes import (
    ALPHABET,
    CodeError,
    check_character,
    format_code,
    make_code,
    parse_code,
)
from surveys.complaints.deadlines import due_date, is_working_day
from surveys.complaints.sealing import (
    SealingError,
    make_officer_key,
    read_private_key,
    read_public_key,
    seal,
    unseal,
)
from surveys.log.event import BANGKOK, make_event

# -- codes ----------------------------------------------------------------------------------------


def test_a_code_reads_series_year_random_part_and_check_character() -> None:
    code = make_code("C", date(2025, 5, 1))  # 2568 B.E.
    assert code.startswith("C68") and len(code) == 10
    assert all(ch in ALPHABET for ch in code[3:])
    printed = format_code(code)
    assert printed == f"{code[:3]}-{code[3:9]}-{code[9]}"
    assert make_code("T", date(2026, 1, 2)).startswith("T69")


def test_a_code_is_accepted_as_printed_typed_in_lower_case_or_with_spaces() -> None:
    code = make_code("C", date(2025, 5, 1))
    printed = format_code(code)
    assert parse_code(printed) == code
    assert parse_code(f"  {printed.lower()} ") == code
    assert parse_code(" ".join(code)) == code


def test_a_code_typed_by_a_scanner_with_the_thai_layout_on_is_read() -> None:
    # C68-7KQ4MX-N typed on the Thai (Kedmanee) layout: shift-c ฉ, 6 ุ, 8 ค, - ข, 7 ึ, k า, q ๆ, 4 ภ, m ท,
    # x ป, n ื  (N is C687KQ4MX's MOD 37,36 check character)
    assert check_character("C687KQ4MX") == "N"
    assert parse_code("ฉุคขึาๆภทปขื") == "C687KQ4MXN"
    assert format_code("C687KQ4MXN") == "C68-7KQ4MX-N"


def test_a_mistyped_check_character_is_refused_as_mistyped() -> None:
    code = make_code("C", date(2025, 5, 1))
    wrong = next(ch for ch in ALPHABET if ch != code[-1])
    with pytest.raises(CodeError) as caught:
        parse_code(code[:-1] + wrong)
    assert caught.value.code == "mistyped"
    assert "พิมพ์ผิด" in caught.value.th and "mistyped" in caught.value.en


@pytest.mark.parametrize(
    "text", ["", "hello", "1001-4821-9375-6", "C68-7KQ2", "X68-7KQ2MX-D", "C6-7KQ3MX-D", "C68-7KQ3MX-D-4"]
)
def test_what_is_not_a_tracking_code_says_so(text: str) -> None:
    with pytest.raises(CodeError) as caught:
        parse_code(text)
    assert caught.value.code == "not_a_code"
    assert "ไม่ใช่รหัสติดตามเรื่อง" in caught.value.th and "not a tracking code" in caught.value.en


def _code(series: str, year: int, random_part: str) -> str:
    body = f"{series}{year:02d}{random_part}"
    return body + check_character(body)


codes = st.builds(
    _code, st.sampled_from(["C", "T"]), st.integers(0, 99), st.text(ALPHABET, min_size=6, max_size=6)
).filter(lambda code: code[-1] in ALPHABET)  # as make_code draws them


@given(codes)
def test_every_generated_code_parses_back(code: str) -> None:
    assert parse_code(format_code(code)) == code


@given(codes, st.integers(0, 9), st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
def test_any_single_changed_character_is_caught(code: str, where: int, to: str) -> None:
    if code[where] == to:
        return
    changed = code[:where] + to + code[where + 1 :]
    with pytest.raises(CodeError):
        parse_code(changed)


# -- due dates ------------------------------------------------------------------------------------


def test_calendar_days_count_from_the_day_after_receipt() -> None:
    assert due_date(date(2025, 4, 1), 15, "calendar") == date(2025, 4, 16)
    assert due_date(date(2025, 12, 20), 15, "calendar") == date(2026, 1, 4)


def test_working_days_skip_weekends_and_songkran() -> None:
    # Received Tuesday 1 April 2025. Working days after it: 2, 3, 4 (1–3); 5–6 weekend; 7 Chakri Day
    # (in lieu); 8, 9, 10, 11 (4–7); 12–13 weekend; 14, 15 Songkran, 16 Songkran in lieu;
    # 17, 18 (8–9); 19–20 weekend; 21, 22, 23, 24, 25 (10–14); 26–27 weekend; Monday 28 April (15).
    assert not is_working_day(date(2025, 4, 14)) and not is_working_day(date(2025, 4, 16))
    assert not is_working_day(date(2025, 4, 7)) and is_working_day(date(2025, 4, 8))
    assert due_date(date(2025, 4, 1), 15, "working") == date(2025, 4, 28)
    # Received Friday 11 April 2025, 3 working days: 17 (1), 18 (2), 21 (3).
    assert due_date(date(2025, 4, 11), 3, "working") == date(2025, 4, 21)


# -- the fold ---------------------------------------------------------------------------------------


def _events(*items: tuple[str, dict, datetime]) -> list:
    from surveys.log.event import GENESIS

    events, prev = [], GENESIS
    for seq, (kind, body, at) in enumerate(items, 1):
        event = make_event("dev", seq, kind, body, prev, at)
        events.append(event)
        prev = event.hash
    return events


def _received(code: str, due: str) -> dict:
    return {
        "complaint": code, "series": code[0], "channel": "counter", "category": "general",
        "subject": "ไฟถนนดับ", "details": "", "location": "หมู่ 3", "due": due, "contact": None,
    }  # fmt: skip


def test_the_fold_walks_steps_and_public_status_hides_notes_but_the_explanation() -> None:
    code = make_code("C", date(2025, 4, 1))
    day = lambda d: datetime(2025, 4, d, 10, 0, tzinfo=BANGKOK)  # noqa: E731
    state = fold_complaints(_events(
        ("complaint.received", _received(code, "2025-04-16"), day(1)),
        ("complaint.step", {"complaint": code, "to": "assigned", "note": "ส่งกองช่าง นายสมศักดิ์"}, day(2)),
        ("complaint.step", {"complaint": code, "to": "in_progress", "note": ""}, day(3)),
        ("complaint.step", {"complaint": code, "to": "explained", "note": "รองบประมาณปี 2569"}, day(20)),
    ))  # fmt: skip
    complaint = state.by_code[code]
    assert complaint.status == "explained" and complaint.closed
    assert is_late(complaint, date(2025, 9, 30))  # closed on 20 April, due 16 April
    thai = public_status(complaint, "th")
    assert "รับเรื่องแล้ว" in thai and "มอบหมายผู้รับผิดชอบแล้ว" in thai and "อยู่ระหว่างดำเนินการ" in thai
    assert "ชี้แจงเหตุผลแล้ว: รองบประมาณปี 2569" in thai
    assert "16 เมษายน 2568" in thai and "1 เมษายน 2568" in thai  # B.E. dates
    assert "สมศักดิ์" not in thai and "ไฟถนนดับ" not in thai
    english = public_status(complaint, "en")
    assert "explained: รองบประมาณปี 2569" in english and "16 April 2025" in english


def test_an_open_complaint_is_late_only_after_its_due_day() -> None:
    code = make_code("C", date(2025, 4, 1))
    state = Complaints()
    fold_complaints(
        _events(("complaint.received", _received(code, "2025-04-16"), datetime(2025, 4, 1, tzinfo=BANGKOK))),
        state,
    )
    complaint = state.by_code[code]
    assert not is_late(complaint, date(2025, 4, 16))
    assert is_late(complaint, date(2025, 4, 17))
    assert "เกินกำหนด" in public_status(complaint, "th", today=date(2025, 4, 17))


# -- sealing ----------------------------------------------------------------------------------------


def test_sealed_contact_opens_only_with_the_officers_key(tmp_path) -> None:
    private, public = make_officer_key(tmp_path / "officer")
    assert private.stat().st_mode & 0o777 == 0o600
    sealed = seal({"contact": "นางมณีรัตน์ 081-555-0199"}, read_public_key(public))
    assert "081-555-0199" not in str(sealed)
    assert unseal(sealed, read_private_key(private)) == {"contact": "นางมณีรัตน์ 081-555-0199"}
    other, _ = make_officer_key(tmp_path / "other")
    with pytest.raises(SealingError) as caught:
        unseal(sealed, read_private_key(other))
    assert caught.value.code == "wrong_key" and "เปิดข้อมูลนี้ไม่ได้" in caught.value.th
    with pytest.raises(SealingError):
        make_officer_key(tmp_path / "officer")  # never overwritten
