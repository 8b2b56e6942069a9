"""The complaint desk: complaints and tips on the office's log (kiosk/office/complaints.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.office.complaints import ComplaintDesk, install_officer_key, make_officer_key
from kiosk.office.service import LocalOffice, OfficeError, RatingRefused
from surveys.complaints.cases import is_late, public_status
from surveys.complaints.codes import ALPHABET, check_character, format_code
from surveys.counter.settings import default_settings
from surveys.log.event import BANGKOK
from tests.support.office import Clock

ANSWERS = {"timeliness": 4, "clarity": 5, "tracking": 4, "fairness": 5, "overall": 5}


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 4, 1, 9, 30, tzinfo=BANGKOK))  # Tuesday 1 April 2025


@pytest.fixture
def office(tmp_path: Path, clock: Clock) -> Iterator[LocalOffice]:
    office = LocalOffice(tmp_path / "office", default_settings(), clock=clock)
    yield office
    office.close()


def kinds(office: LocalOffice) -> list[str]:
    return [e.kind for e in office.history()]


def test_a_complaint_walks_through_every_step_and_is_rated_once(office: LocalOffice, clock: Clock) -> None:
    desk = ComplaintDesk(office)
    complaint = desk.receive("phone", "general", "ไฟถนนดับ ซอย 5", details="ดับมา 3 คืน", location="หมู่ 3")
    assert complaint.series == "C" and complaint.code.startswith("C68")
    assert complaint.due == date(2025, 4, 16)  # 15 calendar days after 1 April
    printed = format_code(complaint.code)
    clock.advance(days=1)
    desk.step(printed, "assigned", "กองช่าง")
    with pytest.raises(RatingRefused) as early:
        desk.open_rating(printed)
    assert early.value.code == "not_closed" and "แล้วเสร็จ" in early.value.th
    clock.advance(days=2)
    desk.step(printed, "in_progress")
    clock.advance(days=3)
    done = desk.step(printed, "done", "เปลี่ยนหลอดไฟแล้ว")
    assert done.closed and done.status == "done" and not is_late(done, date(2025, 9, 30))
    assert [s.to for s in done.steps] == ["received", "assigned", "in_progress", "done"]
    assert desk.open_rating(printed) == "complaint-satisfaction"
    desk.rate(printed, ANSWERS)
    with pytest.raises(RatingRefused) as again:
        desk.rate(printed, ANSWERS)
    assert again.value.code == "already_rated"
    events = list(office.history())
    rated = next(e for e in events if e.kind == "complaint.rated")
    assert dict(rated.body) == {"instrument": "complaint-satisfaction", "answers": ANSWERS}  # no code
    refusals = [dict(e.body) for e in events if e.kind == "complaint.rating_refused"]
    assert refusals == [
        {"code": complaint.code, "reason": "not_closed"},
        {"code": complaint.code, "reason": "already_rated"},
    ]
    # a new desk on the same log folds the same story back
    again_desk = ComplaintDesk(office)
    assert again_desk.status(printed).rated and again_desk.status(printed).status == "done"


def test_steps_only_go_forward_and_nothing_is_written_on_refusal(office: LocalOffice) -> None:
    desk = ComplaintDesk(office)
    code = desk.receive("counter", "misconduct", "พูดจาไม่สุภาพ").code
    desk.step(code, "in_progress")
    before = kinds(office)
    for to in ("assigned", "in_progress", "received", "closed"):
        with pytest.raises(OfficeError) as caught:
            desk.step(code, to)
        assert caught.value.code == "bad_step"
    with pytest.raises(OfficeError) as no_note:
        desk.step(code, "explained", "  ")
    assert no_note.value.code == "note_missing"
    desk.step(code, "done")
    with pytest.raises(OfficeError) as closed:
        desk.step(code, "explained", "ชี้แจงเพิ่ม")
    assert "ปิดแล้ว" in closed.value.th
    assert kinds(office) == [*before, "complaint.step"]


def test_an_explained_complaint_shows_the_explanation_to_the_complainant(office: LocalOffice) -> None:
    desk = ComplaintDesk(office)
    code = desk.receive("letter", "general", "ขอให้ขยายถนน").code
    desk.step(code, "explained", "ต้องบรรจุในแผนพัฒนาปี 2569 ก่อน")
    complaint = desk.status(code)
    assert complaint.closed and complaint.status == "explained"
    assert "ชี้แจงเหตุผลแล้ว: ต้องบรรจุในแผนพัฒนาปี 2569 ก่อน" in public_status(complaint, "th")


def test_a_late_complaint_is_listed_as_overdue(office: LocalOffice, clock: Clock) -> None:
    desk = ComplaintDesk(office)
    late = desk.receive("facebook", "general", "ขยะไม่มีคนเก็บ")
    on_time = desk.receive("walk_in", "general", "ท่อระบายน้ำอุดตัน")
    desk.step(on_time.code, "done")
    clock.advance(days=16)  # 17 April: one day past the due date, 16 April
    assert [c.code for c in desk.list(overdue_only=True)] == [late.code]
    assert not [c for c in desk.list(overdue_only=True, today=date(2025, 4, 16))]
    assert {c.code for c in desk.list()} == {late.code, on_time.code}
    desk.step(late.code, "done")  # closed on 17 April: still counted late
    assert is_late(desk.status(late.code), date(2025, 9, 30))


def test_working_days_from_the_plan_setting(office: LocalOffice) -> None:
    desk = ComplaintDesk(office, days=15, day_kind="working")
    # 1 April 2025 + 15 working days, skipping Chakri Day (7th) and Songkran (14–16th): 28 April
    assert desk.receive("counter", "general", "ถนนชำรุด").due == date(2025, 4, 28)


def test_a_mistyped_code_and_a_forged_code_are_refused(office: LocalOffice) -> None:
    desk = ComplaintDesk(office)
    code = desk.receive("counter", "general", "น้ำประปาไม่ไหล").code
    wrong = code[:-1] + next(ch for ch in ALPHABET if ch != code[-1])
    with pytest.raises(OfficeError) as mistyped:
        desk.status(wrong)
    assert mistyped.value.code == "mistyped" and "พิมพ์ผิด" in mistyped.value.th
    body = "C68" + ("ACDEFG" if code[3:9] != "ACDEFG" else "HJKMNP")
    forged = body + check_character(body)  # the right shape and check character, no such complaint
    with pytest.raises(OfficeError) as not_found:
        desk.status(forged)
    assert not_found.value.code == "not_found" and "ไม่พบเรื่อง" in not_found.value.th
    with pytest.raises(RatingRefused) as rating:
        desk.open_rating(forged)
    assert rating.value.code == "not_found"
    with pytest.raises(OfficeError) as junk:
        desk.status("hello")
    assert junk.value.code == "not_a_code"


def test_bad_answers_are_refused_and_nothing_is_written(office: LocalOffice) -> None:
    desk = ComplaintDesk(office)
    code = desk.receive("counter", "general", "เสียงดัง").code
    desk.step(code, "done")
    before = kinds(office)
    with pytest.raises(OfficeError) as caught:
        desk.rate(code, {"overall": 9})
    assert caught.value.code == "bad_answers"
    assert kinds(office) == before
    assert not desk.status(code).rated


def test_unknown_channel_or_category_or_no_subject_is_refused(office: LocalOffice) -> None:
    desk = ComplaintDesk(office)
    for args, reason in [
        (("fax", "general", "x"), "unknown_channel"),
        (("counter", "weather", "x"), "unknown_category"),
        (("counter", "general", "   "), "subject_missing"),
    ]:
        with pytest.raises(OfficeError) as caught:
            desk.receive(*args)
        assert caught.value.code == reason
    assert kinds(office) == []


def test_a_tip_with_contact_needs_the_officer_key(office: LocalOffice, tmp_path: Path) -> None:
    desk = ComplaintDesk(office)
    with pytest.raises(OfficeError) as caught:
        desk.receive("kiosk", "general", "เรียกรับเงิน", contact="นายทดสอบ 089-000-1111", tip=True)
    assert caught.value.code == "no_officer_key"
    assert "prongsai complaints officer-key --install FILE" in caught.value.th
    assert "prongsai complaints officer-key --install FILE" in caught.value.en
    assert kinds(office) == []
    anonymous = desk.receive("kiosk", "general", "เรียกรับเงิน", tip=True)
    assert anonymous.series == "T" and anonymous.category == "corruption" and not anonymous.has_contact

    private, public = make_officer_key(tmp_path / "officer")
    install_officer_key(office.home, public)
    tip = desk.receive("kiosk", "general", "เรียกรับเงิน", contact="นายทดสอบ 089-000-1111", tip=True)
    assert tip.has_contact and tip.contact is not None
    assert "089-000-1111" not in str(list(office.history()))
    assert desk.reveal(format_code(tip.code), private) == {"contact": "นายทดสอบ 089-000-1111"}
    other, _ = make_officer_key(tmp_path / "other")
    with pytest.raises(OfficeError) as wrong:
        desk.reveal(tip.code, other)
    assert wrong.value.code == "wrong_key"


def test_a_general_complaints_contact_without_a_key_stays_on_the_office_pc(office: LocalOffice) -> None:
    desk = ComplaintDesk(office)
    complaint = desk.receive("counter", "general", "ไฟดับ", contact="นางสาวทดลอง 02-123-4567")
    kept = office.home / "private" / "complaint-contacts" / f"{complaint.code}.txt"
    assert "02-123-4567" in kept.read_text("utf-8")
    assert kept.stat().st_mode & 0o777 == 0o600
    assert "02-123-4567" not in str(list(office.history()))
    assert complaint.contact is None


def test_the_plan_file_sets_working_days(tmp_path: Path, clock: Clock) -> None:
    from surveys.content.plan import builtin_plan_path, home_plan_path

    home = tmp_path / "office"
    home.mkdir()
    text = builtin_plan_path().read_text("utf-8")
    marker = "      - id: p9-resolve-15-days\n        kind: deadline_days\n"
    assert marker in text
    home_plan_path(home).write_text(text.replace(marker, marker + "        days: working\n"), "utf-8")
    office = LocalOffice(home, default_settings(), clock=clock)
    try:
        desk = ComplaintDesk(office)
        assert (desk.days, desk.day_kind) == (15, "working")
        assert desk.receive("counter", "general", "ถนนชำรุด").due == date(2025, 4, 28)
    finally:
        office.close()


def test_the_builtin_plan_counts_calendar_days(office: LocalOffice) -> None:
    desk = ComplaintDesk(office)
    assert (desk.days, desk.day_kind) == (15, "calendar")
    steps = desk.receive("counter", "general", "ถนนชำรุด").steps
    assert [to for to, _at, _note in steps] == ["received"]  # steps unpack as (to, at, note)
