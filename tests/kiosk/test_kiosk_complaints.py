"""Following a complaint up at the kiosk: a scanned receipt shows where it stands, a mistyped or unknown
code is told kindly, a closed complaint is rated once; in one process and over the LAN."""

from __future__ import annotations

import asyncio
import string
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal
from textual.pilot import Pilot

from kiosk.apps.kiosk_app import KioskApp, is_tracking_code, make_kiosk_app
from kiosk.office.client import RemoteOffice
from kiosk.office.complaints import ComplaintDesk
from kiosk.office.key import office_key
from kiosk.office.server import make_office_app
from kiosk.office.service import LocalOffice, OfficeError, RatingRefused
from kiosk.printing.printers import PngPrinter
from kiosk.screens.complaint_status import ComplaintCodeScreen, ComplaintStatusScreen
from kiosk.screens.kiosk_home import KioskHomeScreen
from kiosk.screens.notice import NoticeScreen
from kiosk.screens.rating import QuestionScreen
from surveys.complaints import codes
from surveys.complaints.codes import format_plain
from sync.terminals import add_terminal
from tests.support.office import AppTransport, Clock
from tests.support.pilot import screen_text, until, until_shown

SIZE = (100, 34)
READ = 0.3
TAP_GUARD = 1.0
# What a keyboard-wedge scanner types with the Thai (Kedmanee) layout on: A–Z (shifted), the digits, "-".
THAI_KEYS = dict(
    zip(
        string.ascii_uppercase + "1234567890-",
        'ฤฺฉฏฎโฌ็ณ๋ษศ?์ฯญ๐ฑฆธ๊ฮ")ํ(' + "ๅ/-ภถุึคตจข",
        strict=True,
    )
)


def thai_layout(code: str) -> str:
    return "".join(THAI_KEYS[c] for c in code)


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], tmp_path: Path) -> LocalOffice:
    return make_office(tmp_path / "home", min_answer_ms=0, office_phone="053-331-234")


@pytest.fixture
def printer(tmp_path: Path) -> PngPrinter:
    return PngPrinter(tmp_path / "tickets")


@pytest.fixture
def desk(office: LocalOffice) -> ComplaintDesk:
    return ComplaintDesk(office)


def run(app: KioskApp, visit: Callable[[Pilot[None]], Awaitable[None]], size: tuple[int, int] = SIZE) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await visit(pilot)

    asyncio.run(main())
    assert app.crashes == []


async def scan(pilot: Pilot[None], code: str) -> None:
    """Type the code as a keyboard-wedge scanner reads it from the receipt's QR: its characters, Enter."""
    await pilot.press(*code, "enter")


def at_home(app: Any) -> bool:
    return isinstance(app.screen, KioskHomeScreen) and len(app.screen_stack) == 2


def closed_complaint(desk: ComplaintDesk, *, explained: bool = False) -> str:
    complaint = desk.receive("counter", "general", "ไฟกิ่งหน้าบ้านเลขที่ 12 ดับ", details="ดับมาสองสัปดาห์")
    desk.step(complaint.code, "assigned")
    desk.step(complaint.code, "in_progress")
    if explained:
        desk.step(complaint.code, "explained", note="ต้องรอการไฟฟ้าส่วนภูมิภาคเปลี่ยนหม้อแปลง")
    else:
        desk.step(complaint.code, "done")
    return format_plain(complaint.code)


def mistype(code: str) -> str:
    """The code with one character of its random part changed: the check character catches it."""
    swap = "K" if code[5] != "K" else "M"
    return code[:5] + swap + code[6:]


async def rate_overall(pilot: Pilot[None], overall: int = 5) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, QuestionScreen))
    await pilot.pause(READ)
    await pilot.click(f"#level-{overall}")
    await until(
        pilot, lambda: not isinstance(pilot.app.screen, QuestionScreen) or not pilot.app.screen.item.required
    )
    if isinstance(pilot.app.screen, QuestionScreen):
        await pilot.pause(READ)
        await pilot.click("#finish")
    await until(pilot, lambda: isinstance(pilot.app.screen, NoticeScreen))


# -- the status ------------------------------------------------------------------------------------


def test_a_scanned_receipt_shows_the_dated_steps_and_the_due_date(
    office: LocalOffice, printer: PngPrinter, desk: ComplaintDesk
) -> None:
    complaint = desk.receive("counter", "general", "ถนนหน้าวัดเป็นหลุม", location="หมู่ 3")
    desk.step(complaint.code, "assigned")
    code = format_plain(complaint.code)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        text = screen_text(app)
        assert code in text and "มอบหมายผู้รับผิดชอบแล้ว" in text and "รับเรื่องแล้ว" in text
        assert "ถนนหน้าวัดเป็นหลุม" in text and "กำหนดแล้วเสร็จภายใน" in text
        assert "ประเมินความพึงพอใจ" not in text  # still open: nothing to rate yet
        await pilot.click("#status-home")
        await until(pilot, lambda: at_home(app))

    run(app, visit)


def test_a_tip_shows_no_subject(office: LocalOffice, printer: PngPrinter, desk: ComplaintDesk) -> None:
    tip = desk.receive("kiosk", "corruption", "เจ้าหน้าที่เรียกเงินใต้โต๊ะ", tip=True)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, format_plain(tip.code))
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        text = screen_text(app)
        assert "เบาะแส" in text and "รับเรื่องแล้ว" in text
        assert "ใต้โต๊ะ" not in text

    run(app, visit)


def test_an_explained_complaint_shows_the_note(
    office: LocalOffice, printer: PngPrinter, desk: ComplaintDesk
) -> None:
    code = closed_complaint(desk, explained=True)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code.lower())  # any case, as typed on a keyboard
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        text = screen_text(app)
        assert "ชี้แจงเหตุผลแล้ว" in text and "ต้องรอการไฟฟ้าส่วนภูมิภาคเปลี่ยนหม้อแปลง" in text

    run(app, visit)


def test_a_scanner_with_the_thai_layout_on_still_shows_the_status(
    office: LocalOffice, printer: PngPrinter, desk: ComplaintDesk
) -> None:
    code = closed_complaint(desk)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, thai_layout(code))
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        assert code in screen_text(app) and "ดำเนินการแล้วเสร็จ" in screen_text(app)

    run(app, visit)


def test_the_code_can_be_keyed_in_on_the_screen(
    office: LocalOffice, printer: PngPrinter, desk: ComplaintDesk
) -> None:
    code = closed_complaint(desk)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await pilot.click("#track")
        await until(pilot, lambda: isinstance(app.screen, ComplaintCodeScreen))
        before = ""
        for character in code.replace("-", ""):
            if character == before:  # a person's second tap on a key comes after its press effect (0.2 s):
                key = app.screen.query_one(f"#ckey-{character}")  # a Button ignores taps until then
                await until(pilot, lambda key=key: not key.has_class("-active"))  # type: ignore[misc]
            await pilot.click(f"#ckey-{character}")
            before = character
        assert code in screen_text(app), (code, screen_text(app)[-600:])
        await pilot.click("#ckey-ok")
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        assert "ดำเนินการแล้วเสร็จ" in screen_text(app)

    run(app, visit)


def test_a_status_screen_goes_home_when_left_alone(
    make_office: Callable[..., LocalOffice], tmp_path: Path, printer: PngPrinter
) -> None:
    office = make_office(tmp_path / "idle", idle_seconds=5)
    code = closed_complaint(ComplaintDesk(office))
    now = [0.0]
    app = KioskApp(office, printer, clock=lambda: now[0])

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        now[0] += 6
        await until(pilot, lambda: at_home(app))

    run(app, visit)


# -- wrong codes -----------------------------------------------------------------------------------


def test_a_mistyped_code_says_so(office: LocalOffice, printer: PngPrinter, desk: ComplaintDesk) -> None:
    code = closed_complaint(desk)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, mistype(code))
        await until_shown(pilot, NoticeScreen)
        text = screen_text(app)
        assert "พิมพ์ผิด" in text and "ระบบขัดข้อง" not in text

    run(app, visit)


def test_an_unknown_code_is_not_found(office: LocalOffice, printer: PngPrinter, desk: ComplaintDesk) -> None:
    forged = format_plain(desk.receive("counter", "general", "x").code)  # a real code …
    other = LocalOffice(office.home.parent / "elsewhere", office.settings)  # … of another office
    app = make_kiosk_app(other, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, forged)
        await until_shown(pilot, NoticeScreen)
        text = screen_text(app)
        assert "ไม่พบ" in text and "ระบบขัดข้อง" not in text

    try:
        run(app, visit)
    finally:
        other.close()


def test_ticket_codes_and_tracking_codes_are_told_apart() -> None:
    assert is_tracking_code("C68-7KQ2MX-D") and is_tracking_code("t687kq2mxd")
    assert is_tracking_code(thai_layout("C68-7KQ4MX-N")) and is_tracking_code(thai_layout("T68-7KQ4MX-N"))
    assert not is_tracking_code("1001-4821-9375-6") and not is_tracking_code("ๅจจๅ")


# -- rating after closing --------------------------------------------------------------------------


def test_a_closed_complaint_is_rated_once(
    office: LocalOffice, printer: PngPrinter, desk: ComplaintDesk
) -> None:
    code = closed_complaint(desk)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        await pilot.click("#rate-complaint")
        await rate_overall(pilot, 4)
        assert "ขอบคุณ" in screen_text(app)
        await pilot.pause(TAP_GUARD)
        await pilot.click("#notice-message")
        await until(pilot, lambda: at_home(app))
        await scan(pilot, code)  # again: rated already, so no rating button
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        assert "ท่านประเมินความพึงพอใจเรื่องนี้แล้ว" in screen_text(app)
        assert not app.screen.query("#rate-complaint")

    run(app, visit)
    rated = [e.body for e in office.log.read() if e.kind == "complaint.rated"]
    assert len(rated) == 1 and rated[0]["answers"] == {"overall": 4}
    assert "complaint" not in rated[0] and code.replace("-", "") not in str(rated[0])


def test_a_second_rating_is_refused_on_screen(
    office: LocalOffice, printer: PngPrinter, desk: ComplaintDesk
) -> None:
    code = closed_complaint(desk)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        office.open_complaint_rating(code)  # meanwhile, on another kiosk, the same code rates first
        office.submit_complaint_rating(code, {"overall": 5})
        await pilot.click("#rate-complaint")
        await until_shown(pilot, NoticeScreen)
        text = screen_text(app)
        assert "ประเมินไม่ได้" in text and "ระบบขัดข้อง" not in text

    run(app, visit)
    assert len([e for e in office.log.read() if e.kind == "complaint.rated"]) == 1
    assert [e.kind for e in office.log.read()].count("complaint.rating_refused") >= 1


# -- over the LAN ----------------------------------------------------------------------------------


@pytest.fixture
def kiosk_remote(office: LocalOffice, portal: BlockingPortal) -> Iterator[RemoteOffice]:
    transport = AppTransport(make_office_app(office, office_key(office.home)), portal)
    _, credential = add_terminal(office.home, "kiosk")
    with RemoteOffice("http://office", credential, transport=transport) as remote:
        yield remote


def test_over_the_lan_the_kiosk_shows_the_status_and_rates_once(
    office: LocalOffice, kiosk_remote: RemoteOffice, printer: PngPrinter, desk: ComplaintDesk
) -> None:
    code = closed_complaint(desk, explained=True)
    app = make_kiosk_app(kiosk_remote, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, mistype(code))
        await until(pilot, lambda: isinstance(app.screen, NoticeScreen) and "พิมพ์ผิด" in screen_text(app))
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        assert "ต้องรอการไฟฟ้าส่วนภูมิภาคเปลี่ยนหม้อแปลง" in screen_text(app)
        await pilot.click("#rate-complaint")
        await rate_overall(pilot, 3)
        assert "ขอบคุณ" in screen_text(app)

    run(app, visit)
    assert len([e for e in office.log.read() if e.kind == "complaint.rated"]) == 1
    with pytest.raises(RatingRefused):
        kiosk_remote.open_complaint_rating(code)
    assert kiosk_remote.complaint_status(code) == office.complaint_status(code)


def test_over_the_lan_only_a_kiosk_may_look_complaints_up(
    office: LocalOffice, portal: BlockingPortal, desk: ComplaintDesk
) -> None:
    code = closed_complaint(desk)
    transport = AppTransport(make_office_app(office, office_key(office.home)), portal)
    for role in ("counter:1", "board"):
        _, credential = add_terminal(office.home, role)
        with RemoteOffice("http://office", credential, transport=transport) as remote:
            for call in (remote.complaint_status, remote.open_complaint_rating):
                with pytest.raises(Exception) as refused:
                    call(code)
                assert "ไม่มีสิทธิ์" in str(getattr(refused.value, "th", refused.value))


def test_snapshot_complaint_status(
    snap_compare: Any,
    make_office: Callable[..., LocalOffice],
    tmp_path: Path,
    printer: PngPrinter,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An explained complaint over five days (the same code and days on every run)."""
    office = make_office(tmp_path / "snap", clock=clock, min_answer_ms=0)
    random_part = iter("7KQ4MX")
    monkeypatch.setattr(codes.secrets, "choice", lambda alphabet: next(random_part))
    desk = ComplaintDesk(office)
    complaint = desk.receive("counter", "general", "ไฟกิ่งหน้าบ้านเลขที่ 12 ดับ")
    for days, to in ((1, "assigned"), (2, "in_progress")):
        clock.advance(days=days)
        desk.step(complaint.code, to)
    clock.advance(days=2)
    desk.step(complaint.code, "explained", note="ต้องรอการไฟฟ้าส่วนภูมิภาคเปลี่ยนหม้อแปลง")
    code = format_plain(complaint.code)
    assert code.startswith("C") and code == "C68-7KQ4MX-N"

    async def before(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(pilot.app.screen, ComplaintStatusScreen))

    assert snap_compare(make_kiosk_app(office, printer), terminal_size=SIZE, run_before=before)


def test_the_complaint_screens_fit_the_smallest_kiosk_terminal(
    office: LocalOffice, printer: PngPrinter, desk: ComplaintDesk
) -> None:
    from tests.kiosk.test_kiosk_app import SMALLEST, cut_off

    code = closed_complaint(desk, explained=True)
    app = make_kiosk_app(office, printer)
    found: dict[str, list[str]] = {}

    async def visit(pilot: Pilot[None]) -> None:
        await pilot.pause(0.2)
        await pilot.click("#track")
        await until(pilot, lambda: isinstance(app.screen, ComplaintCodeScreen))
        found["code entry"] = cut_off(app)
        app.pop_screen()
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(app.screen, ComplaintStatusScreen))
        found["status"] = cut_off(app)

    run(app, visit, size=SMALLEST)
    assert {where: cut for where, cut in found.items() if cut} == {}


def test_a_terminal_trying_codes_that_match_no_complaint_must_wait(
    office: LocalOffice, desk: ComplaintDesk
) -> None:
    """Walking through random codes is slowed down per terminal; a real code works again after the wait."""
    real = closed_complaint(desk)
    elsewhere = LocalOffice(office.home.parent / "elsewhere", office.settings)
    unknown = [
        format_plain(ComplaintDesk(elsewhere).receive("counter", "general", "x").code) for _ in range(6)
    ]
    elsewhere.close()
    for code in unknown[:5]:
        with pytest.raises(OfficeError) as missing:
            office.complaint_status(code, by="kiosk-1")
        assert missing.value.code == "complaint_not_found" and "ไม่พบ" in missing.value.th
    with pytest.raises(OfficeError) as locked:
        office.complaint_status(real, by="kiosk-1")
    assert locked.value.code == "complaint_locked" and "กรุณารอ" in locked.value.th
    assert office.complaint_status(real, by="kiosk-2").code == real  # another terminal is not held up
    with pytest.raises(OfficeError) as mistyped:
        office.complaint_status(mistype(real), by="kiosk-2")
    assert mistyped.value.code == "complaint_mistyped"


def test_the_kiosk_sees_the_steps_staff_record_on_another_desk_of_the_same_office(
    office: LocalOffice, desk: ComplaintDesk
) -> None:
    complaint = desk.receive("counter", "general", "ขยะไม่ได้เก็บ")
    code = format_plain(complaint.code)
    assert office.complaint_status(code).status == "received"
    desk.step(complaint.code, "assigned")  # the staff's desk, after the kiosk's first look
    desk.step(complaint.code, "done")
    view = office.complaint_status(code)
    assert [step.to for step in view.steps] == ["received", "assigned", "done"]
    assert view.closed and view.can_rate and view.status_th == "ดำเนินการแล้วเสร็จ"
    office.submit_complaint_rating(code, {"overall": 5})
    assert office.complaint_status(code).rated and not office.complaint_status(code).can_rate
