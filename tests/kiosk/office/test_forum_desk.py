"""The forum desk: forums and staff surveys recorded as events, checked, private where they must be."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.office.forum import ForumDesk, format_code, read_agenda_csv
from kiosk.office.service import LocalOffice, OfficeError
from surveys.counter.settings import default_settings
from surveys.forum.sessions import fold_sessions
from surveys.log.chain import verify_log
from surveys.log.device_log import read_events
from surveys.log.event import BANGKOK
from surveys.log.home import log_dir

COUNTS = {
    "gender": {"male": 20, "female": 25, "unspecified": 0},
    "age": {"18-29": 5, "30-44": 10, "45-59": 15, "60-plus": 15},
    "role": {"resident": 40, "leader": 5},
}


@pytest.fixture
def office(tmp_path: Path) -> Iterator[LocalOffice]:
    clock = lambda: datetime(2025, 3, 8, 9, 30, tzinfo=BANGKOK)  # noqa: E731
    office = LocalOffice(tmp_path / "laptop", default_settings(), clock=clock)
    yield office
    office.close()


def open_forum(desk: ForumDesk, signin: bool = False) -> str:
    forum = desk.open_forum(
        "หมู่ที่ 3 บ้านจระเข้หิน", "ศาลาประชาคม หมู่ที่ 3", date(2025, 3, 8), [5], ["นายสมชาย ใจดี"],
        ["ซ่อมถนนสายหลัก", "ขุดลอกคลอง", "ไฟส่องสว่าง"], signin=signin,
    )  # fmt: skip
    return forum.session


def test_a_whole_forum_is_recorded_as_events_and_folds_back(office: LocalOffice) -> None:
    desk = ForumDesk(office)
    session = open_forum(desk)
    desk.record_attendance(session, 45, COUNTS)
    desk.submit_form(session, {"overall": 5, "spoke": 4}, votes=["a1", "a3"], mode="self")
    desk.submit_form(session, {"overall": 3}, votes=["a1"])
    desk.submit_form(session, {"overall": 1}, votes=["a2"])
    taken = desk.void_last_form(session, "กรอกซ้ำ")
    assert taken.answers == {"overall": 1}
    corrected = {
        "gender": {"male": 21, "female": 25},
        "age": {**COUNTS["age"], "60-plus": 16},
        "role": {"resident": 41, "leader": 5},
    }
    desk.record_attendance(session, 46, corrected, reason="นับตกหนึ่งคน")
    forum = desk.close_forum(session)
    assert forum.closed and forum.total == 46 and forum.corrections == 1
    assert [(item.id, n) for item, n in forum.ranked_agenda()] == [("a1", 2), ("a3", 1), ("a2", 0)]
    closing = forum.closing or {}
    assert (closing["forms"], closing["voided"], closing["votes"]) == (2, 1, {"a1": 2, "a2": 0, "a3": 1})
    office.close()
    folder = log_dir(office.home)
    assert verify_log(folder).ok
    again = fold_sessions(read_events(folder)).forums[session]
    assert [f.answers for f in again.forms] == [{"overall": 5, "spoke": 4}, {"overall": 3}]
    assert again.closing == forum.closing


@pytest.mark.parametrize(
    ("total", "counts", "message"),
    [
        (45, {**COUNTS, "gender": {"male": 20, "female": 24}}, "add up to 44, not the total 45"),
        (45, {**COUNTS, "gender": {"male": 20, "female": 25, "robot": 0}}, "unknown band"),
        (-1, COUNTS, "not negative"),
    ],
)
def test_attendance_that_does_not_add_up_is_refused_and_nothing_is_written(
    office: LocalOffice, total: int, counts: dict[str, dict[str, int]], message: str
) -> None:
    desk = ForumDesk(office)
    session = open_forum(desk)
    head = office.head()
    with pytest.raises(OfficeError, match=message):
        desk.record_attendance(session, total, counts)
    assert office.head() == head


def test_a_correction_needs_a_reason_and_a_closed_forum_takes_nothing(office: LocalOffice) -> None:
    desk = ForumDesk(office)
    session = open_forum(desk)
    with pytest.raises(OfficeError, match="record the attendance before closing"):
        desk.close_forum(session)
    desk.record_attendance(session, 45, COUNTS)
    with pytest.raises(OfficeError, match="needs a reason"):
        desk.record_attendance(session, 45, COUNTS)
    desk.close_forum(session)
    with pytest.raises(OfficeError, match="is closed"):
        desk.submit_form(session, {"overall": 4})


@pytest.mark.parametrize(
    ("answers", "votes", "message"),
    [
        ({}, [], "overall"),  # a required question unanswered
        ({"overall": 7}, [], r"\(overall\): Please choose a level from 1 to 5 \(got 7\)"),
        ({"overall": 4}, ["a1", "a2", "a3", "a1"], "twice"),
        ({"overall": 4}, ["a9"], "not on the agenda"),
    ],
)
def test_forms_the_instrument_or_the_agenda_refuse(
    office: LocalOffice, answers: dict[str, object], votes: list[str], message: str
) -> None:
    desk = ForumDesk(office)
    session = open_forum(desk)
    with pytest.raises(OfficeError, match=message):
        desk.submit_form(session, answers, votes=votes)
    assert desk.forum(session).forms == []


def test_sign_in_names_stay_on_the_laptop_and_out_of_the_log(office: LocalOffice) -> None:
    desk = ForumDesk(office)
    closed_list = open_forum(desk)
    with pytest.raises(OfficeError, match="keeps no sign-in list"):
        desk.sign_in(closed_list, "นางสาวมาลี ศรีสุข")
    session = open_forum(desk, signin=True)
    assert desk.sign_in(session, "นางสาวมาลี  ศรีสุข") == 1
    assert desk.sign_in(session, "นายมานะ ขยัน") == 2
    office.close()
    assert desk.signin_path(session).read_text(encoding="utf-8").splitlines() == [
        "นางสาวมาลี ศรีสุข",
        "นายมานะ ขยัน",
    ]
    logged = "\n".join(json.dumps(e.to_dict(), ensure_ascii=False) for e in read_events(log_dir(office.home)))
    assert "มาลี" not in logged and "มานะ" not in logged
    assert fold_sessions(read_events(log_dir(office.home))).forums[session].signed_in == 2


def test_a_staff_survey_takes_one_response_per_code_and_keeps_no_code_with_the_answers(
    office: LocalOffice,
) -> None:
    desk = ForumDesk(office)
    survey, codes = desk.open_staff_survey("staff-nogift", [15], "สำรวจ NO Gift 2568", codes=12)
    assert len(codes) == len(set(codes)) == 12 and all(len(c) == 7 and c[3] == "-" for c in codes)
    answers = {"received": "no", "gave": "no", "knows_policy": "yes"}
    desk.submit_staff_response(survey.session, codes[0].lower().replace("-", " "), answers)
    with pytest.raises(OfficeError, match="has been used"):
        desk.submit_staff_response(survey.session, codes[0], answers)
    with pytest.raises(OfficeError, match="not one of this survey"):
        desk.submit_staff_response(survey.session, "AAA-AAA", answers)
    desk.submit_staff_response(survey.session, codes[1], {**answers, "received": "yes"})
    closed = desk.close_staff_survey(survey.session)
    assert (closed.responses, closed.codes_left) == (2, 10)
    assert closed.closing is not None and closed.closing["codes_used"] == 2
    office.close()
    events = list(read_events(log_dir(office.home)))
    text = "\n".join(json.dumps(e.to_dict(), ensure_ascii=False) for e in events)
    assert not any(c in text or c.replace("-", "") in text for c in codes)
    responses = [e for e in events if e.kind == "staff_survey.response"]
    assert [set(e.body) for e in responses] == [{"session", "instrument", "answers"}] * 2
    assert all("by" not in e.body for e in events)


def test_agenda_items_come_from_a_csv_with_or_without_a_header(tmp_path: Path) -> None:
    with_header = tmp_path / "a.csv"
    with_header.write_bytes("\ufeffลำดับ,title\n1,ซ่อมถนน\n2,\n3,ไฟฟ้า\n".encode())
    assert read_agenda_csv(with_header) == ["ซ่อมถนน", "ไฟฟ้า"]
    plain = tmp_path / "b.csv"
    plain.write_text("ขุดลอกคลอง\nสร้างศาลา\n", encoding="utf-8")
    assert read_agenda_csv(plain) == ["ขุดลอกคลอง", "สร้างศาลา"]
    broken = tmp_path / "c.csv"
    broken.write_bytes("ถนน".encode("tis-620"))
    with pytest.raises(OfficeError, match="not UTF-8"):
        read_agenda_csv(broken)
    assert format_code("acdefg") == "ACD-EFG"


def test_sign_in_lists_are_deleted_once_kept_as_long_as_the_notice_said(office: LocalOffice) -> None:
    desk = ForumDesk(office)
    session = open_forum(desk, signin=True)  # the forum of 8 March 2025
    desk.sign_in(session, "นายมานะ ขยัน")
    assert desk.purge_signin_lists(date(2026, 3, 8)) == []  # 365 days: still kept
    assert desk.signin_path(session).exists()
    assert desk.purge_signin_lists(date(2026, 3, 9)) == [session]
    assert not desk.signin_path(session).exists()
    assert desk.forum(session).signed_in == 1  # the count stays in the log
