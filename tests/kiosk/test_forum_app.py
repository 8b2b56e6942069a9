"""The forum runner as facilitators, participants and clerks use it: a whole forum walked on screen and
found again, form by form, in the verified log; a paper form keyed in with a handful of keys; an
anonymous staff survey that refuses a used code; and all of it with the network unplugged."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pypdf
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from kiosk.apps.forum_app import ForumApp, make_forum_app
from kiosk.dialogs.confirm import ConfirmDialog
from kiosk.dialogs.reason import ReasonDialog
from kiosk.office.forum import ForumDesk
from kiosk.office.service import LocalOffice
from kiosk.screens.forum_clerk import ClerkEntryScreen
from kiosk.screens.forum_home import ForumHomeScreen
from kiosk.screens.forum_self import SelfEntryScreen
from kiosk.screens.forum_session import ForumSessionScreen
from kiosk.screens.forum_staff import StaffCodesScreen, StaffSurveyScreen
from kiosk.screens.forum_summary import ForumSummaryScreen
from surveys.forum.sessions import STAFF_RESPONSE, fold_sessions
from surveys.log.chain import verify_log
from surveys.log.device_log import read_events
from surveys.log.home import log_dir
from tests.support.office import Clock
from tests.support.pilot import screen_text, until

SIZE = (120, 50)
DAY = date(2025, 1, 15)  # the Clock's day: 15 มกราคม 2568
AGENDA = ["ซ่อมถนนสายหลัก", "ขุดลอกคลอง", "ไฟส่องสว่าง"]
ATTENDANCE = {
    "att-total": 45,
    "att-gender-male": 20,
    "att-gender-female": 25,
    "att-age-18-29": 5,
    "att-age-30-44": 10,
    "att-age-45-59": 15,
    "att-age-60-plus": 15,
    "att-role-resident": 40,
    "att-role-leader": 5,
}


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], clock: Clock) -> LocalOffice:
    return make_office(clock=clock)


@pytest.fixture
def desk(office: LocalOffice) -> ForumDesk:
    return ForumDesk(office)


def app_of(desk: ForumDesk, monotonic: Callable[[], float] | None = None) -> ForumApp:
    """The app on ``desk``; taps count at once unless a ``monotonic`` clock is given (then the
    read guard applies, timed by it)."""
    if monotonic is None:
        return make_forum_app(desk, today=lambda: DAY, read_guard_seconds=0.0)
    return make_forum_app(desk, today=lambda: DAY, monotonic=monotonic)


def run(app: ForumApp, scenario: Callable[[Pilot[Any]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(pilot.app.screen, ForumHomeScreen))
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


async def on_screen(pilot: Pilot[Any], kind: type) -> Any:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    await pilot.pause()
    return pilot.app.screen


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Type ``text`` into a field: key by key, or inserted at the cursor when it holds Thai (the Pilot
    drops Thai vowel and tone marks pressed as keys; a real terminal does not, see the report)."""
    field = pilot.app.screen.query_one(selector)
    field.focus()
    await pilot.pause()
    if text.isascii():
        await pilot.press(*text)
    elif isinstance(field, TextArea):
        field.insert(text)
    else:
        field.insert_text_at_cursor(text)
    await pilot.pause()


async def tap(pilot: Pilot[Any], selector: str) -> None:
    """Tap a button once it is on screen and ready (a button ignores a tap in its 0.2 s press effect)."""

    def ready() -> bool:
        found = pilot.app.screen.query(selector)
        return bool(found) and not found.first().has_class("-active")

    await until(pilot, ready)
    await pilot.click(selector)
    await pilot.pause()


def message(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#message", Static).content)


async def open_forum_on_screen(pilot: Pilot[Any], instrument: str | None = None) -> ForumSessionScreen:
    """n, the form typed in, Ctrl+S: the forum's session screen."""
    await pilot.press("n")
    form = await until_form(pilot)
    await type_into(pilot, "#community", "หมู่ที่ 3 บ้านจระเข้หิน")
    await type_into(pilot, "#place", "ศาลาประชาคม")
    await type_into(pilot, "#facilitators", "นายสมชาย ใจดี")
    await type_into(pilot, "#agenda", "\n".join(AGENDA))
    if instrument is not None:
        form.query_one("#instrument").value = instrument
    await pilot.press("ctrl+s")
    return await on_screen(pilot, ForumSessionScreen)  # type: ignore[no-any-return]


async def until_form(pilot: Pilot[Any]) -> Any:
    from kiosk.screens.forum_new import NewForumScreen

    return await on_screen(pilot, NewForumScreen)


async def record_attendance(pilot: Pilot[Any]) -> None:
    for field, value in ATTENDANCE.items():
        await type_into(pilot, f"#{field}", str(value))
    await pilot.press("ctrl+s")
    await until(pilot, lambda: "บันทึกผู้เข้าร่วม 45 คนแล้ว" in message(pilot))


# -- the whole forum ----------------------------------------------------------------------------


def self_form(
    i: int, priorities: list[str], ages: list[str], roles: list[str]
) -> tuple[list[str], dict[str, Any], list[str]]:
    """The buttons participant ``i`` taps, and the answers and votes that must be recorded."""
    taps = [f"#choice-{5 - i % 5}"]
    answers: dict[str, Any] = {"spoke": 5 - i % 5}
    if i % 2:
        taps.append("#choice-4")
        answers["info_clear"] = 4
    else:
        taps.append("#skip")
    taps.append("#choice-3")
    answers["opinion_used"] = 3
    taps.append(f"#choice-{i % 5 + 1}")
    answers["overall"] = i % 5 + 1
    if i == 0:
        taps.append("#skip")
    else:
        picked = [priorities[1], priorities[i % 6 + 2]]
        taps += [f"#choice-{v}" for v in picked] + ["#next"]
        answers["priorities"] = picked
    taps.append("#skip")  # the suggestion (typed on one form below)
    taps.append(f"#choice-{ages[i % 6]}")
    answers["age_band"] = ages[i % 6]
    taps.append("#skip")  # sex
    taps.append(f"#choice-{roles[0]}")
    answers["role"] = roles[0]
    votes = [["a1", "a3"], ["a2"], []][i % 3]
    taps += [f"#vote-{v}" for v in votes] + ["#next"]
    return taps, answers, votes


def clerk_form(
    j: int, priorities: list[str], ages: list[str], roles: list[str]
) -> tuple[list[str], dict[str, Any], list[str]]:
    """The keys a clerk presses for paper form ``j``, and what must be recorded."""
    keys = [str(j % 5 + 1)]
    answers: dict[str, Any] = {"spoke": j % 5 + 1}
    if j % 4 == 0:
        keys.append("enter")  # left blank on the paper
    else:
        keys.append("4")
        answers["info_clear"] = 4
    if j % 3 == 0:
        keys.append("0")  # no answer
    else:
        keys.append("2")
        answers["opinion_used"] = 2
    keys.append(str(5 - j % 5))
    answers["overall"] = 5 - j % 5
    if j % 2 == 0:
        keys += ["1", "3", "enter"]
        answers["priorities"] = [priorities[0], priorities[2]]
    else:
        keys.append("enter")
    keys.append("enter")  # the suggestion, blank
    keys.append(str(j % 6 + 1))
    answers["age_band"] = ages[j % 6]
    keys.append("0")  # sex: no answer
    keys.append(str(j % 5 + 1))
    answers["role"] = roles[j % 5]
    votes = [["a1", "a2"], ["a3"], []][j % 3]
    keys += [str(int(v[1:])) for v in votes] + ["enter"]
    return keys, answers, votes


def test_a_whole_forum_walked_on_screen_is_in_the_verified_log_form_by_form(
    desk: ForumDesk, office: LocalOffice
) -> None:
    instrument = desk.instrument("forum-feedback")
    values = {item.id: list(item.choice_values()) for item in instrument.all_items()}
    priorities, ages, roles = values["priorities"], values["age_band"], values["role"]
    expected: list[tuple[str, dict[str, Any], list[str]]] = []

    async def scenario(pilot: Pilot[Any]) -> None:
        session = await open_forum_on_screen(pilot)
        await record_attendance(pilot)

        await pilot.press("f5")
        entry = await on_screen(pilot, SelfEntryScreen)
        for i in range(10):
            taps, answers, votes = self_form(i, priorities, ages, roles)
            if i == 4:  # one participant writes a suggestion
                index = taps.index("#skip", 5)
                await_taps = taps[:index]
                for selector in await_taps:
                    await tap(pilot, selector)
                await type_into(pilot, "#text-answer", "ขอไฟถนนหน้าวัด")
                await pilot.press("enter")
                await pilot.pause()
                answers["suggestion"] = "ขอไฟถนนหน้าวัด"
                taps = taps[index + 1 :]
            for selector in taps:
                await tap(pilot, selector)
            await until(pilot, lambda: entry.stage == "thanks")
            assert "ขอบคุณ" in screen_text(pilot.app)
            expected.append(("self", answers, votes))
            await tap(pilot, "#again")
            await until(pilot, lambda: entry.stage == "question" and bool(entry.query("#choice-5")))
        await pilot.press("escape")
        await on_screen(pilot, ForumSessionScreen)
        assert "แบบฟอร์มที่บันทึกแล้ว 10 ฉบับ" in screen_text(pilot.app)

        await pilot.press("f6")
        clerk = await on_screen(pilot, ClerkEntryScreen)
        for j in range(20):
            keys, answers, votes = clerk_form(j, priorities, ages, roles)
            await pilot.press(*keys)
            await until(pilot, lambda j=j: f"บันทึกฉบับที่ {11 + j} แล้ว" in message(pilot))
            expected.append(("clerk", answers, votes))
        assert "บันทึกแล้ว 30 ฉบับ" in screen_text(pilot.app)

        # the last paper form was keyed twice: Ctrl+Z takes it back, with a reason typed in
        await pilot.press("ctrl+z")
        dialog = await on_screen(pilot, ReasonDialog)
        assert dialog.query_one("#reason-input", Input).value == ""  # no reason picked for the clerk
        await pilot.press(*"keyed twice", "enter")
        await until(pilot, lambda: "ยกเลิกฉบับที่ 30 แล้ว" in message(pilot))
        expected.pop()
        assert clerk.forum.voided == 1

        await pilot.press("escape")
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f9")
        await on_screen(pilot, ConfirmDialog)
        await pilot.press("y")
        summary = await on_screen(pilot, ForumSummaryScreen)
        shown = screen_text(pilot.app)
        assert "ผู้เข้าร่วม 45 คน" in shown
        assert "แบบฟอร์มที่นับ 29 ฉบับ (ยกเลิก 1)" in shown
        del session, summary

    run(app_of(desk), scenario)

    folder = log_dir(office.home)
    assert verify_log(folder).ok
    [forum] = fold_sessions(read_events(folder)).forums.values()
    assert forum.closed and forum.total == 45
    assert forum.counts["gender"] == {"male": 20, "female": 25, "unspecified": 0}
    assert [a.title for a in forum.agenda] == AGENDA
    assert len(forum.forms) == 29 and forum.voided == 1
    for form, (mode, answers, votes) in zip(forum.forms, expected, strict=True):
        assert (form.mode, form.answers, list(form.votes)) == (mode, answers, votes)
    # by hand: votes a1 on self forms 0,3,6,9 and clerk forms 0,3,…,18 (7) → 11; a2 on self 1,4,7 (3) and
    # clerk 0,3,…,18 (7) → 10; a3 on self 0,3,6,9 (4) and clerk 1,4,…,16 (6; form 19 taken back) → 10
    assert dict(forum.votes()) == {"a1": 11, "a2": 10, "a3": 10}


def test_the_attendance_must_add_up_and_a_second_save_asks_for_a_typed_reason(desk: ForumDesk) -> None:
    async def scenario(pilot: Pilot[Any]) -> None:
        session = await open_forum_on_screen(pilot)
        await type_into(pilot, "#att-total", "10")
        await type_into(pilot, "#att-gender-male", "4")
        shown = str(session.query_one("#att-sums", Static).content)
        assert "✗ เพศ รวม 4 ไม่เท่ากับทั้งหมด 10 (ขาด 6)" in shown
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "ผลรวมตามเพศ (4) ไม่เท่ากับจำนวนผู้เข้าร่วมทั้งหมด (10)" in message(pilot))
        assert session.forum.attendance_seq is None
        for field in ("#att-gender-male", "#att-age-30-44", "#att-role-resident"):
            session.query_one(field, Input).value = "10"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "บันทึกผู้เข้าร่วม 10 คนแล้ว" in message(pilot))
        await pilot.press("ctrl+s")
        dialog = await on_screen(pilot, ReasonDialog)
        assert dialog.query_one("#reason-input", Input).value == ""
        await pilot.press("enter")  # no reason: refused in the dialog
        await pilot.pause()
        assert "ต้องพิมพ์เหตุผลก่อน" in screen_text(pilot.app)
        await pilot.press(*"recount", "enter")
        await until(pilot, lambda: "(แก้ไข)" in message(pilot))
        assert session.forum.corrections == 1

    run(app_of(desk), scenario)


# -- keying in a paper form -------------------------------------------------------------------


def test_a_service_satisfaction_paper_form_takes_eight_keys(desk: ForumDesk) -> None:
    forum = desk.open_forum("ชุมชนตลาด", "วัดกลาง", DAY, [5], [], AGENDA, instrument="service-satisfaction")
    desk.record_attendance(
        forum.session, 1, {"gender": {"male": 1}, "age": {"30-44": 1}, "role": {"resident": 1}}
    )
    pressed: list[str] = []

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")  # the open forum, highlighted on the home screen
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f6")
        await on_screen(pilot, ClerkEntryScreen)
        # overall 5, process 4, channels 3, staff 4, facilities 5, no suggestion, a vote for item 2, save
        form = ["5", "4", "3", "4", "5", "enter", "2", "enter"]
        for key in form[:-1]:
            pressed.append(key)
            await pilot.press(key)
        await pilot.pause()
        assert desk.forum(forum.session).forms == []  # seven keys: not saved yet
        pressed.append(form[-1])
        await pilot.press(form[-1])
        await until(pilot, lambda: "บันทึกฉบับที่ 1 แล้ว" in message(pilot))
        # the next form without a vote and with a blank optional level: 4 0 … Enter Enter
        second = ["4", "0", "2", "2", "1", "enter", "enter"]
        await pilot.press(*second)
        await until(pilot, lambda: "บันทึกฉบับที่ 2 แล้ว" in message(pilot))

    run(app_of(desk), scenario)
    assert len(pressed) == 8
    first, second = desk.forum(forum.session).forms
    assert first.answers == {"overall": 5, "process": 4, "channels": 3, "staff": 4, "facilities": 5}
    assert first.votes == ("a2",) and first.mode == "clerk"
    assert second.answers == {"overall": 4, "channels": 2, "staff": 2, "facilities": 1}
    assert second.votes == ()


def test_a_required_item_is_not_skipped_and_a_wrong_digit_is_refused(desk: ForumDesk) -> None:
    forum = desk.open_forum("ชุมชนตลาด", "วัดกลาง", DAY, [5], [], [], instrument="service-satisfaction")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f6")
        await on_screen(pilot, ClerkEntryScreen)
        await pilot.press("enter")
        assert "ข้อนี้ต้องตอบ" in message(pilot)
        await pilot.press("7")
        assert "ระดับ 1 ถึง 5 เท่านั้น" in message(pilot)
        await pilot.press("5", "enter", "enter", "enter", "enter", "enter")  # no agenda: the last Enter saves
        await until(pilot, lambda: "บันทึกฉบับที่ 1 แล้ว" in message(pilot))

    run(app_of(desk), scenario)
    assert [f.answers for f in desk.forum(forum.session).forms] == [{"overall": 5}]


# -- a staff survey ---------------------------------------------------------------------------


def test_a_staff_survey_keeps_no_name_and_refuses_a_used_code(desk: ForumDesk, office: LocalOffice) -> None:
    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("s")
        await pilot.pause()
        await type_into(pilot, "#projects", "7")
        await type_into(pilot, "#title", "NO Gift 2568")
        await type_into(pilot, "#codes", "3")
        await pilot.press("ctrl+s")
        codes_screen = await on_screen(pilot, StaffCodesScreen)
        codes = codes_screen.codes
        assert len(codes) == 3 and all(code in screen_text(pilot.app) for code in codes)
        await until(pilot, lambda: "บันทึกใบรหัสไว้ที่" in message(pilot))
        await pilot.press("enter")
        survey_screen = await on_screen(pilot, StaffSurveyScreen)
        assert "หนึ่งคนหนึ่งรหัส" in screen_text(pilot.app)

        await type_into(pilot, "#code", codes[0].lower().replace("-", ""))
        await pilot.press("enter")
        entry = await on_screen(pilot, SelfEntryScreen)
        instrument = entry.instrument
        assert instrument.id == "staff-nogift"
        for item in instrument.all_items()[:3]:
            await tap(pilot, f"#choice-{item.choice_values()[1]}")
        await tap(pilot, "#skip")
        await tap(pilot, "#skip")
        await until(pilot, lambda: entry.stage == "thanks")
        await tap(pilot, "#again")
        await on_screen(pilot, StaffSurveyScreen)
        assert "ตอบแล้ว 1 คน จากรหัส 3 รหัส" in screen_text(pilot.app)

        await type_into(pilot, "#code", codes[0])
        await pilot.press("enter")
        await until(pilot, lambda: "รหัสนี้ใช้ตอบไปแล้ว หนึ่งรหัสตอบได้ครั้งเดียว" in message(pilot))
        assert pilot.app.screen is survey_screen
        await type_into(pilot, "#code", "AAA-AAA")
        await pilot.press("enter")
        await until(pilot, lambda: "รหัสนี้ไม่ใช่รหัสของการสำรวจนี้" in message(pilot))
        assert survey_screen.survey.responses == 1

    run(app_of(desk), scenario)
    responses = [e for e in read_events(log_dir(office.home)) if e.kind == STAFF_RESPONSE]
    [response] = responses
    assert set(response.body) == {"session", "instrument", "answers"}
    assert set(response.body["answers"]) == {"received", "gave", "knows_policy"}
    assert "user" not in response.body and "name" not in str(response.body)


# -- offline --------------------------------------------------------------------------------------


def test_a_forum_runs_with_the_network_unplugged(
    desk: ForumDesk, office: LocalOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unplugged(*args: object, **kwargs: object) -> socket.socket:
        raise OSError("network unplugged (test)")

    async def scenario(pilot: Pilot[Any]) -> None:
        monkeypatch.setattr(socket, "socket", unplugged)
        monkeypatch.setattr(socket, "create_connection", unplugged)
        await open_forum_on_screen(pilot)
        await record_attendance(pilot)
        await pilot.press("f6")
        await on_screen(pilot, ClerkEntryScreen)
        await pilot.press("3", "3", "3", "3", "enter", "enter", "0", "0", "0", "1", "enter")
        await until(pilot, lambda: "บันทึกฉบับที่ 1 แล้ว" in message(pilot))
        await pilot.press("escape")
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f9")
        await on_screen(pilot, ConfirmDialog)
        await pilot.press("y")
        await on_screen(pilot, ForumSummaryScreen)
        await pilot.press("p")
        await until(pilot, lambda: "บันทึกสรุป" in message(pilot))

    run(app_of(desk), scenario)
    [forum] = desk.sessions.forums.values()
    assert forum.closed and [f.answers for f in forum.forms] == [
        {"spoke": 3, "info_clear": 3, "opinion_used": 3, "overall": 3}
    ]
    assert forum.forms[0].votes == ("a1",)
    [summary] = (office.home / "forum-summaries").iterdir()
    assert summary.suffix == ".pdf"
    text = pypdf.PdfReader(summary).pages[0].extract_text()
    assert forum.community in text and "ผู้เข้าร่วม" in text


# -- snapshots --------------------------------------------------------------------------------


def _opened(desk: ForumDesk, instrument: str = "forum-feedback") -> str:
    forum = desk.open_forum(
        "หมู่ที่ 3 บ้านจระเข้หิน", "ศาลาประชาคม", DAY, [5], ["นายสมชาย ใจดี"], AGENDA, instrument=instrument
    )
    counts = {
        "gender": {"male": 20, "female": 25},
        "age": {"18-29": 5, "30-44": 10, "45-59": 15, "60-plus": 15},
        "role": {"resident": 40, "leader": 5},
    }
    desk.record_attendance(forum.session, 45, counts)
    desk.submit_form(forum.session, {"overall": 5, "spoke": 4}, ["a1", "a3"], mode="self")
    desk.submit_form(forum.session, {"overall": 4}, ["a1"])
    return forum.session


def test_snapshot_home(desk: ForumDesk, snap_compare: Any) -> None:
    _opened(desk)
    desk.open_staff_survey("staff-nogift", [7], "NO Gift 2568", 20)
    assert snap_compare(app_of(desk), terminal_size=SIZE)


def test_snapshot_session(desk: ForumDesk, snap_compare: Any) -> None:
    _opened(desk)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await on_screen(pilot, ForumSessionScreen)

    assert snap_compare(app_of(desk), terminal_size=SIZE, run_before=run_before)


def test_snapshot_self_completion_question(desk: ForumDesk, snap_compare: Any) -> None:
    _opened(desk)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f5")
        entry = await on_screen(pilot, SelfEntryScreen)
        await tap(pilot, "#choice-5")
        await until(pilot, lambda: entry.draft.position()[0] == 2 and bool(entry.query("#choice-5")))
        await pilot.pause()

    assert snap_compare(app_of(desk), terminal_size=SIZE, run_before=run_before)


def test_snapshot_clerk_entry(desk: ForumDesk, snap_compare: Any) -> None:
    _opened(desk)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f6")
        await on_screen(pilot, ClerkEntryScreen)
        await pilot.press("4", "enter", "5", "4", "2", "6")
        await pilot.pause()

    assert snap_compare(app_of(desk), terminal_size=SIZE, run_before=run_before)


def test_snapshot_closing_summary(desk: ForumDesk, snap_compare: Any) -> None:
    session = _opened(desk)
    desk.close_forum(session)

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.push_screen(ForumSummaryScreen(pilot.app.ctx, session))
        await on_screen(pilot, ForumSummaryScreen)

    assert snap_compare(app_of(desk), terminal_size=SIZE, run_before=run_before)


def test_english_is_one_key_away(desk: ForumDesk) -> None:
    _opened(desk)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("f2")
        await pilot.pause()
        assert "n = new forum" in screen_text(pilot.app)
        await pilot.press("enter")
        await on_screen(pilot, ForumSessionScreen)
        assert "Forms recorded: 2" in screen_text(pilot.app)
        await pilot.press("f2")
        await pilot.pause()
        assert "แบบฟอร์มที่บันทึกแล้ว 2 ฉบับ" in screen_text(pilot.app)

    run(app_of(desk), scenario)


def test_a_summary_that_cannot_be_saved_says_why_on_screen(desk: ForumDesk, office: LocalOffice) -> None:
    (office.home / "forum-summaries").write_text("a file where the folder should be", encoding="utf-8")

    async def scenario(pilot: Pilot[Any]) -> None:
        await open_forum_on_screen(pilot)
        await record_attendance(pilot)
        await pilot.press("f9")
        await on_screen(pilot, ConfirmDialog)
        await pilot.press("y")
        await on_screen(pilot, ForumSummaryScreen)
        await pilot.press("p")
        await until(pilot, lambda: "บันทึก" in message(pilot) and "ไม่ได้" in message(pilot))

    run(app_of(desk), scenario)


# -- any instrument: an imported one with skip rules, many choices, numbers and text -------------

IMPORTED = """
id: market-visit
version: 1
title_th: แบบสอบถามตลาดนัดชุมชน
title_en: Community market survey
intro_th: แบบสอบถามนี้ไม่ต้องระบุชื่อ
intro_en: No name is asked.
anonymous: true
audience: citizen
projects: [5]
sections:
  - id: main
    title_th: ตลาด
    title_en: Market
    items:
      - {id: visited, type: single, required: true, label_th: เคยมาตลาดนี้, label_en: Visited,
         choices: [{value: "yes", label_th: เคย, label_en: "Yes"},
                   {value: "no", label_th: ไม่เคย, label_en: "No"}]}
      - {id: wait, type: likert5, required: true, relevant: "${visited} = 'yes'",
         label_th: พอใจการจัดที่จอดรถ, label_en: Parking}
      - id: reasons
        type: multiple
        max_selections: 2
        label_th: สิ่งที่ควรปรับปรุง
        label_en: To improve
        choices: [{value: c1, label_th: หนึ่ง, label_en: one}, {value: c2, label_th: สอง, label_en: two},
                  {value: c3, label_th: สาม, label_en: three}, {value: c4, label_th: สี่, label_en: four},
                  {value: c5, label_th: ห้า, label_en: five}, {value: c6, label_th: หก, label_en: six},
                  {value: c7, label_th: เจ็ด, label_en: seven}, {value: c8, label_th: แปด, label_en: eight},
                  {value: c9, label_th: เก้า, label_en: nine}, {value: c10, label_th: สิบ, label_en: ten},
                  {value: c11, label_th: สิบเอ็ด, label_en: eleven}]
      - {id: visits, type: number, min: 0, max: 99, label_th: มากี่ครั้งแล้ว, label_en: Visits}
      - {id: note, type: text, label_th: ข้อเสนอแนะ, label_en: Suggestion}
"""


@pytest.fixture
def market_desk(office: LocalOffice) -> ForumDesk:
    from surveys.content.instruments import builtin_instruments, parse_instrument

    return ForumDesk(office, {**builtin_instruments(), "market-visit": parse_instrument(IMPORTED)})


def test_an_imported_instrument_keyed_in_follows_its_skip_rule_and_two_digit_choices(
    market_desk: ForumDesk,
) -> None:
    forum = market_desk.open_forum("ตลาดนัด", "ลานวัด", DAY, [5], [], [], instrument="market-visit")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f6")
        clerk = await on_screen(pilot, ClerkEntryScreen)
        # never visited: the parking question is not asked; choices 11 and 3 (two keys, then one)
        await pilot.press("2")
        assert clerk.draft.item.id == "reasons"
        await pilot.press("1", "1", "3", "enter", "4", "2", "enter", "enter")
        await until(pilot, lambda: "บันทึกฉบับที่ 1 แล้ว" in message(pilot))
        # visited: parking asked and answered; the rest left blank but a suggestion
        await pilot.press("1", "4", "enter", "enter", "o", "k", "enter")
        await until(pilot, lambda: "บันทึกฉบับที่ 2 แล้ว" in message(pilot))

    run(app_of(market_desk), scenario)
    assert [f.answers for f in market_desk.forum(forum.session).forms] == [
        {"visited": "no", "reasons": ["c11", "c3"], "visits": 42},
        {"visited": "yes", "wait": 4, "note": "ok"},
    ]


def test_self_completion_skips_a_question_its_rule_leaves_out_and_back_returns_to_it(
    market_desk: ForumDesk,
) -> None:
    forum = market_desk.open_forum("ตลาดนัด", "ลานวัด", DAY, [5], [], [], instrument="market-visit")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f5")
        entry = await on_screen(pilot, SelfEntryScreen)
        await tap(pilot, "#choice-no")
        await until(pilot, lambda: "ข้อ 2 จาก 4" in screen_text(pilot.app))
        assert "สิ่งที่ควรปรับปรุง" in screen_text(pilot.app)
        await tap(pilot, "#back")
        await tap(pilot, "#choice-yes")
        await until(pilot, lambda: "ข้อ 2 จาก 5" in screen_text(pilot.app))
        assert "พอใจการจัดที่จอดรถ" in screen_text(pilot.app)
        assert not entry.query_one("#skip").display  # a required question has no skip
        await tap(pilot, "#choice-5")
        await tap(pilot, "#choice-c2")
        await tap(pilot, "#choice-c4")
        await tap(pilot, "#choice-c6")  # a third: refused, at most two
        assert "เลือกได้ไม่เกิน 2 ข้อ" in message(pilot)
        await tap(pilot, "#next")
        await type_into(pilot, "#text-answer", "3")
        await pilot.press("enter")
        await until(pilot, lambda: entry.draft.item is not None and entry.draft.item.id == "note")
        await tap(pilot, "#skip")
        await until(pilot, lambda: entry.stage == "thanks")

    run(app_of(market_desk), scenario)
    assert [f.answers for f in market_desk.forum(forum.session).forms] == [
        {"visited": "yes", "wait": 5, "reasons": ["c2", "c4"], "visits": 3}
    ]


def test_the_forum_command_is_listed_and_says_it_runs_offline() -> None:
    from click.testing import CliRunner

    from prongsai.cli import cli

    result = CliRunner().invoke(cli, ["forum", "--help"])
    assert result.exit_code == 0
    assert "offline" in result.output


def test_turning_the_sign_in_list_on_shows_the_pdpa_notice(desk: ForumDesk) -> None:
    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        form = await until_form(pilot)
        assert str(form.query_one("#pdpa", Static).content) == ""  # off by default, no notice
        await tap(pilot, "#signin")
        notice = str(form.query_one("#pdpa", Static).content)
        assert "เก็บไว้ในเครื่องนี้เครื่องเดียว" in notice and "เก็บ 1 ปีแล้วลบ" in notice
        assert "เทศบาลตำบลจระเข้หิน" in notice  # whom to ask: the office in the settings

    run(app_of(desk), scenario)


def test_names_signed_in_stay_in_the_private_folder_and_the_log_counts_them(
    desk: ForumDesk, office: LocalOffice
) -> None:
    forum = desk.open_forum("หมู่ที่ 3", "ศาลา", DAY, [5], [], [], signin=True)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f8")
        await pilot.pause()
        await type_into(pilot, "#signin-name", "นางสมศรี มีสุข")
        await pilot.press("enter")
        await until(pilot, lambda: "ลงชื่อแล้ว (รวม 1 คน)" in message(pilot))
        await pilot.press("enter")  # a blank name: the desk's refusal, in words
        await until(pilot, lambda: message(pilot) == "ใส่ชื่อ")

    run(app_of(desk), scenario)
    assert desk.forum(forum.session).signed_in == 1
    assert "นางสมศรี" in desk.signin_path(forum.session).read_text(encoding="utf-8")
    assert all("นางสมศรี" not in str(e.body) for e in read_events(log_dir(office.home)))


def test_a_double_tap_does_not_answer_the_next_question_too(desk: ForumDesk) -> None:
    _opened(desk)
    now = [100.0]

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f5")
        entry = await on_screen(pilot, SelfEntryScreen)
        now[0] += 5  # the participant reads the first question
        await tap(pilot, "#choice-5")
        await until(pilot, lambda: entry.draft.position()[0] == 2 and bool(entry.query("#choice-5")))
        await tap(pilot, "#choice-5")  # the same finger again, 0 s later: not an answer
        assert entry.draft.position()[0] == 2 and "info_clear" not in entry.draft.answers
        now[0] += 2
        await tap(pilot, "#choice-4")
        await until(pilot, lambda: entry.draft.answers.get("info_clear") == 4)

    run(app_of(desk, monotonic=lambda: now[0]), scenario)


def test_the_clerk_keys_forms_in_with_the_thai_layout_on(desk: ForumDesk) -> None:
    """1–5 with the Thai layout on type ๅ / - ภ ถ; the clerk need not switch the layout off."""
    forum = desk.open_forum("ชุมชนตลาด", "วัดกลาง", DAY, [5], [], AGENDA, instrument="service-satisfaction")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")
        await on_screen(pilot, ForumSessionScreen)
        await pilot.press("f6")
        await on_screen(pilot, ClerkEntryScreen)
        await pilot.press("ถ", "ภ", "-", "/", "ๅ", "enter", "/", "enter")
        await until(pilot, lambda: "บันทึกฉบับที่ 1 แล้ว" in message(pilot))

    run(app_of(desk), scenario)
    [form] = desk.forum(forum.session).forms
    assert form.answers == {"overall": 5, "process": 4, "channels": 3, "staff": 2, "facilities": 1}
    assert form.votes == ("a2",)
