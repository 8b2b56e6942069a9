"""The ticket kiosk, walked through whole visits with the Pilot on a real office and a PNG printer."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from stdnum import damm
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Digits, Input, Static

from kiosk.apps.kiosk_app import MAX_QUICK_CRASHES, KioskApp, make_kiosk_app
from kiosk.dialogs.pin import NewPinDialog, PinDialog
from kiosk.office.service import LocalOffice, OfficeError
from kiosk.printing.printers import PngPrinter, PrintError
from kiosk.printing.ticket import TicketView
from kiosk.screens.code_entry import CodeEntryScreen, group_code
from kiosk.screens.kiosk_home import KioskHomeScreen
from kiosk.screens.notice import BusyScreen, NoticeScreen
from kiosk.screens.queue_type import QueueTypeScreen
from kiosk.screens.rating import QuestionScreen
from kiosk.screens.ticket_taken import TicketTakenScreen
from surveys.counter.settings import default_settings, hash_pin
from tests.support.office import served_code
from tests.support.pilot import screen_text, until, until_shown

ROOT = Path(__file__).resolve().parents[2]
SIZE = (100, 34)
THAI_LAYOUT = {
    "1": "ๅ",
    "2": "/",
    "3": "-",
    "4": "ภ",
    "5": "ถ",
    "6": "ุ",
    "7": "ึ",
    "8": "ค",
    "9": "ต",
    "0": "จ",
}
READ = 0.3  # a little longer than the kiosk's "nobody reads that fast" guard
DEBOUNCE = 0.25  # a button ignores a second tap during its 0.2 s "pressed" look
TAP_GUARD = 1.0  # a notice or the ticket screen ignores taps in its first 0.8 s


class FailingPrinter:
    name = "failing"
    width_px = 576

    def print_ticket(self, view: TicketView, lang: str = "th") -> str:
        raise PrintError("กระดาษหมด", "out of paper", self.name)


class BrokenPrinter:
    """Fails in a way nobody planned for."""

    name = "broken"
    width_px = 576

    def print_ticket(self, view: TicketView, lang: str = "th") -> str:
        raise RuntimeError("driver exploded")


# -- fixtures and helpers --------------------------------------------------------------------------


@pytest.fixture
def office_factory(make_office: Callable[..., LocalOffice], tmp_path: Path) -> Callable[..., LocalOffice]:
    return lambda **settings: make_office(tmp_path / "home", **{"min_answer_ms": 0, **settings})


@pytest.fixture
def office(office_factory: Callable[..., LocalOffice]) -> LocalOffice:
    return office_factory()


@pytest.fixture
def printer(tmp_path: Path) -> PngPrinter:
    return PngPrinter(tmp_path / "tickets")


def run(app: KioskApp, visit: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await visit(pilot)

    asyncio.run(main())
    assert app.crashes == []


def kinds(office: LocalOffice) -> list[str]:
    return [event.kind for event in office.log.read()]


def refusals(office: LocalOffice) -> list[Any]:
    return [event.body["reason"] for event in office.log.read() if event.kind == "rating.refused"]


def forged(code: str) -> str:
    """The same ticket number with a wrong MAC but a valid check digit."""
    digits = code.replace("-", "")[:12]
    flipped = digits[:6] + str((int(digits[6]) + 1) % 10) + digits[7:]
    return flipped + damm.calc_check_digit(flipped)


async def take_ticket(pilot: Pilot[None], service: str = "registration", kind: str = "#normal") -> None:
    await pilot.click(f"#service-{service}")
    await until(pilot, lambda: isinstance(pilot.app.screen, QueueTypeScreen))
    await pilot.click(kind)
    await until(pilot, lambda: isinstance(pilot.app.screen, TicketTakenScreen | NoticeScreen))


async def scan(pilot: Pilot[None], code: str, *, thai_layout: bool = False) -> None:
    """Type the code as a keyboard-wedge scanner does: its digits, then Enter."""
    digits = code.replace("-", "")
    keys = [THAI_LAYOUT[d] for d in digits] if thai_layout else list(digits)
    await pilot.press(*keys, "enter")


async def rate(pilot: Pilot[None], overall: int = 5) -> None:
    """Answer the overall question, skip every other one."""
    await until(pilot, lambda: isinstance(pilot.app.screen, QuestionScreen))
    question = pilot.app.screen
    await pilot.pause(READ)
    await pilot.click(f"#level-{overall}")
    while True:
        await until(pilot, moved_on(pilot, question))
        question = pilot.app.screen
        if not isinstance(question, QuestionScreen):
            return
        await pilot.pause(READ)
        await pilot.click("#skip")


def moved_on(pilot: Pilot[None], question: object) -> Callable[[], bool]:
    return lambda: pilot.app.screen is not question and not isinstance(pilot.app.screen, BusyScreen)


def at_home(app: Any) -> bool:
    return isinstance(app.screen, KioskHomeScreen) and len(app.screen_stack) == 2


# -- taking a ticket -------------------------------------------------------------------------------


def test_a_visit_from_ticket_to_rating(office: LocalOffice, printer: PngPrinter, tmp_path: Path) -> None:
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        assert "รับบัตรคิว" in screen_text(app)
        await take_ticket(pilot)
        assert app.screen.query_one("#number", Digits).value == "A001"
        text = screen_text(app)
        assert "งานทะเบียนราษฎร" in text
        assert "กรุณารับบัตรคิวที่ช่องด้านล่าง" in text
        (printed,) = (tmp_path / "tickets").iterdir()
        assert printed.name.endswith("-A001.png")
        assert office.snapshot().waiting["registration"] == (("A001", None),)

        await pilot.pause(TAP_GUARD)
        await pilot.click("#take-ticket")  # a tap closes the ticket screen
        await until(pilot, lambda: at_home(app))

        ticket = office.snapshot()
        assert ticket.issued_today == 1
        office.call_next(1)
        office.start(1)
        office.finish(1)
        code = office.ticket_code(next(iter(office.state.tickets)))

        await scan(pilot, code)
        await rate(pilot, overall=4)
        assert "ขอบคุณ" in screen_text(app)
        await pilot.pause(TAP_GUARD)
        await pilot.click("#notice-message")
        await until(pilot, lambda: at_home(app))

    run(app, visit)
    given = [e for e in office.log.read() if e.kind == "rating.given"]
    assert len(given) == 1
    assert given[0].body["answers"] == {"overall": 4}
    assert isinstance(given[0].body["elapsed_ms"], int) and given[0].body["elapsed_ms"] >= 5 * READ * 1000


def test_a_scanner_with_the_thai_layout_on_still_opens_the_rating(
    office: LocalOffice, printer: PngPrinter
) -> None:
    code = served_code(office, printer)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code, thai_layout=True)
        await rate(pilot, overall=5)
        assert "ขอบคุณ" in screen_text(app)

    run(app, visit)
    assert kinds(office).count("rating.given") == 1


def test_a_priority_ticket_says_its_group(office: LocalOffice, printer: PngPrinter) -> None:
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await take_ticket(pilot, "tax")
        await pilot.pause(TAP_GUARD)
        await pilot.click("#take-ticket")
        await until(pilot, lambda: at_home(app))
        await take_ticket(pilot, "tax", "#priority-elderly")
        assert app.screen.query_one("#number", Digits).value == "B002"
        text = screen_text(app)
        assert "ผู้สูงอายุ" in text
        assert "รออยู่ก่อนหน้าประมาณ 1 คิว" in text  # other counters move the priority count

    run(app, visit)
    assert office.snapshot().waiting["tax"] == (("B001", None), ("B002", "elderly"))


def test_back_returns_home_without_a_ticket(office: LocalOffice, printer: PngPrinter) -> None:
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await pilot.click("#service-info")
        await until(pilot, lambda: isinstance(app.screen, QueueTypeScreen))
        await pilot.click("#back")
        await until(pilot, lambda: at_home(app))

    run(app, visit)
    assert "ticket.reserved" not in kinds(office)


def test_a_print_failure_is_told_and_the_ticket_does_not_count(office: LocalOffice) -> None:
    app = make_kiosk_app(office, FailingPrinter())

    async def visit(pilot: Pilot[None]) -> None:
        await take_ticket(pilot)
        assert isinstance(app.screen, NoticeScreen)
        text = screen_text(app).replace("\n", " ")
        assert "เครื่องพิมพ์ขัดข้อง: กระดาษหมด — กรุณาแจ้งเจ้าหน้าที่ (บัตรหมายเลข A001 ไม่ถูกนำไปใช้)" in text

    run(app, visit)
    assert "ticket.print_failed" in kinds(office)
    assert "ticket.issued" not in kinds(office)
    snapshot = office.snapshot()
    assert snapshot.issued_today == 0
    assert snapshot.waiting["registration"] == ()


def test_an_office_error_reaches_a_citizen_as_plain_words_and_staff_get_the_details(
    office: LocalOffice, printer: PngPrinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise OfficeError(
            "unreachable",
            "ติดต่อเครื่องหลักที่ https://192.168.1.20:8443 ไม่ได้",
            "cannot reach the office at https://192.168.1.20:8443",
        )

    monkeypatch.setattr(office, "reserve_ticket", unreachable)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await take_ticket(pilot)
        assert isinstance(app.screen, NoticeScreen)
        text = screen_text(app)
        assert "ระบบขัดข้อง กรุณาแจ้งเจ้าหน้าที่" in text
        assert "192.168" not in text and "https" not in text

    run(app, visit)
    assert "https://192.168.1.20:8443" in (office.home / "kiosk-errors.log").read_text(encoding="utf-8")


def test_an_unexpected_error_shows_a_friendly_screen_and_is_logged(office: LocalOffice) -> None:
    app = make_kiosk_app(office, BrokenPrinter())

    async def visit(pilot: Pilot[None]) -> None:
        await take_ticket(pilot)
        assert "ขออภัย ระบบขัดข้องชั่วคราว" in screen_text(app)
        assert "Traceback" not in screen_text(app)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await visit(pilot)

    asyncio.run(main())
    assert [type(e) for e in app.crashes] == [RuntimeError]
    assert "driver exploded" in (office.home / "kiosk-errors.log").read_text(encoding="utf-8")


def test_a_screen_that_breaks_is_replaced_by_a_fresh_home(
    office: LocalOffice, printer: PngPrinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual ends an app on a bug nobody caught; the kiosk starts again, at home, saying sorry."""
    app = make_kiosk_app(office, printer)
    original = QueueTypeScreen.compose

    def broken_once(self: QueueTypeScreen) -> Any:
        monkeypatch.setattr(QueueTypeScreen, "compose", original)
        typed_pin = "".join(reversed("143278"))  # a local of the failing frame: never written to the log
        raise ValueError("a bug in a screen" + typed_pin[:0])

    monkeypatch.setattr(QueueTypeScreen, "compose", broken_once)
    seen: list[str] = []

    async def visits(pilot: Pilot[None]) -> None:
        kiosk = pilot.app
        if kiosk is app:  # the first kiosk: the bug ends it
            await pilot.click("#service-registration")
            return
        await until(pilot, lambda: isinstance(kiosk.screen, NoticeScreen))
        seen.append(screen_text(kiosk))
        await pilot.pause(TAP_GUARD)
        await pilot.click("#notice-message")
        await until(pilot, lambda: at_home(kiosk))
        await take_ticket(pilot)  # the kiosk works again
        seen.append(kiosk.screen.query_one("#number", Digits).value)
        kiosk.exit()

    app.run(headless=True, size=SIZE, auto_pilot=visits)
    assert "ขออภัย ระบบขัดข้องชั่วคราว" in seen[0]
    assert "Traceback" not in seen[0] and "ValueError" not in seen[0]
    assert seen[1] == "A001"
    logged = (office.home / "kiosk-errors.log").read_text(encoding="utf-8")
    assert "ValueError: a bug in a screen" in logged and "broken_once" in logged
    assert "872341" not in logged  # the traceback is written without the frames' local variables


def test_a_kiosk_that_keeps_failing_as_it_starts_stops_with_a_thai_message(
    office: LocalOffice,
    printer: PngPrinter,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken(self: KioskHomeScreen) -> Any:
        raise ValueError("a bug in the home screen")

    monkeypatch.setattr(KioskHomeScreen, "compose", broken)
    make_kiosk_app(office, printer).run(headless=True, size=SIZE)
    log = (office.home / "kiosk-errors.log").read_text(encoding="utf-8")
    assert log.count("ValueError: a bug in the home screen") == MAX_QUICK_CRASHES
    err = capsys.readouterr().err
    assert "ขออภัย ระบบขัดข้องชั่วคราว — กรุณาลองใหม่อีกครั้ง หรือแจ้งเจ้าหน้าที่" in err
    assert str(office.home / "kiosk-errors.log") in err.replace("\n", "")
    assert "Traceback" not in err


# -- start-up --------------------------------------------------------------------------------------

STARTUP_CHILD = """
import sys
from pathlib import Path
import kiosk.apps.kiosk_app, kiosk.printing.printers
from kiosk.office.service import LocalOffice, OfficeError
from surveys.counter.settings import default_settings
LocalOffice(Path(sys.argv[1]), default_settings()).close()
print([m for m in sys.argv[2:] if m in sys.modules])
"""
ONLY_FOR_A_TICKET = ["escpos", "PIL", "qrcode", "pythainlp", "kiosk.printing.ticket"]
ONLY_FOR_A_RATING = ["surveys.content.instruments", "surveys.content.answers", "kiosk.screens.rating"]


def test_the_kiosk_starts_without_what_only_a_ticket_or_a_rating_needs(tmp_path: Path) -> None:
    """python-escpos, Pillow, qrcode, PyThaiNLP and the survey instruments: most of a second at start."""
    done = subprocess.run(
        [sys.executable, "-c", STARTUP_CHILD, str(tmp_path / "home"), *ONLY_FOR_A_TICKET, *ONLY_FOR_A_RATING],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "[]"


# -- rating ----------------------------------------------------------------------------------------


def test_the_code_can_be_keyed_in_on_the_keypad(office: LocalOffice, printer: PngPrinter) -> None:
    code = served_code(office, printer)
    app = make_kiosk_app(office, printer)
    digits = code.replace("-", "")

    async def visit(pilot: Pilot[None]) -> None:
        await pilot.click("#rate")
        await until(pilot, lambda: isinstance(app.screen, CodeEntryScreen))
        for digit in digits[:6]:
            await pilot.click(f"#key-{digit}")
            await pilot.pause(DEBOUNCE)
        assert app.screen.query_one("#code", Digits).value == group_code(digits[:6])
        await pilot.click("#key-ok")  # not all 13 yet: nothing is sent
        assert "ยังกดไม่ครบ 13 หลัก" in screen_text(app)
        await pilot.click("#key-erase")
        for digit in digits[5:]:
            await pilot.click(f"#key-{digit}")
            await pilot.pause(DEBOUNCE)
        assert app.screen.query_one("#code", Digits).value == code
        await pilot.click("#key-ok")
        await rate(pilot)

    run(app, visit)
    assert kinds(office).count("rating.given") == 1
    assert refusals(office) == []


def test_a_forged_code_is_refused_kindly_and_logged(office: LocalOffice, printer: PngPrinter) -> None:
    code = served_code(office, printer)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, forged(code))
        await until_shown(pilot, NoticeScreen)
        assert "ไม่พบบัตรคิวนี้ กรุณาติดต่อเจ้าหน้าที่" in screen_text(app)

    run(app, visit)
    assert refusals(office) == ["unknown_code"]


def test_a_ticket_is_rated_once(office: LocalOffice, printer: PngPrinter) -> None:
    code = served_code(office, printer)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await rate(pilot)
        await pilot.pause(TAP_GUARD)
        await pilot.click("#notice-message")
        await until(pilot, lambda: at_home(app))
        await scan(pilot, code)
        await until_shown(pilot, NoticeScreen)
        assert "บัตรคิวนี้ประเมินแล้ว" in screen_text(app)

    run(app, visit)
    assert kinds(office).count("rating.given") == 1
    assert refusals(office) == ["already_rated"]


def test_a_rating_faster_than_reading_is_refused(
    office_factory: Callable[..., LocalOffice], printer: PngPrinter
) -> None:
    office = office_factory(min_answer_ms=10_000)
    code = served_code(office, printer)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await rate(pilot)
        assert "กรุณาอ่านคำถามก่อนเลือกคำตอบ" in screen_text(app)

    run(app, visit)
    assert refusals(office) == ["too_fast"]
    assert "rating.given" not in kinds(office)


def test_a_tap_as_the_question_appears_is_not_an_answer(office: LocalOffice, printer: PngPrinter) -> None:
    code = served_code(office, printer)
    now = [1000.0]
    app = KioskApp(office, printer, clock=lambda: now[0])

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        first = app.screen
        await pilot.click("#level-3")  # no time has passed: too soon to have read the question
        await pilot.pause(0.1)
        assert app.screen is first
        now[0] += 0.5
        await pilot.pause(DEBOUNCE)
        await pilot.click("#level-3")
        await until(pilot, lambda: app.screen is not first)
        assert "ข้อ 2 จาก 5" in screen_text(app)

    run(app, visit)


def given_ratings(office: LocalOffice) -> list[dict[str, Any]]:
    return [dict(e.body) for e in office.log.read() if e.kind == "rating.given"]


def test_finish_after_the_overall_question_records_only_that_answer(
    office: LocalOffice, printer: PngPrinter
) -> None:
    code = served_code(office, printer)
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        overall = app.screen
        assert "จบการประเมิน" not in screen_text(app)  # the overall question must be answered
        await pilot.pause(READ)
        await pilot.click("#level-4")
        await until(pilot, moved_on(pilot, overall))
        assert "ข้อ 2 จาก 5" in screen_text(app)
        assert "จบการประเมิน" in screen_text(app)
        await pilot.pause(READ)
        await pilot.click("#finish")
        await until_shown(pilot, NoticeScreen)
        assert "ขอบคุณที่ประเมินความพึงพอใจ" in screen_text(app)

    run(app, visit)
    (given,) = given_ratings(office)
    assert given["answers"] == {"overall": 4}


def test_the_faces_are_drawn_big_enough_to_see_from_a_step_back(
    office: LocalOffice, printer: PngPrinter
) -> None:
    """Four rows of box drawing per face (an emoji is one row), the word under it, all on screen."""
    code = served_code(office, printer)
    app = make_kiosk_app(office, printer)
    words = {5: "มากที่สุด", 4: "มาก", 3: "ปานกลาง", 2: "น้อย", 1: "น้อยที่สุด"}

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        mouths = set()
        for level, word in words.items():
            choice = app.screen.query_one(f"#level-{level}", Button)
            lines = str(choice.label).splitlines()
            face, label = lines[:4], lines[-1]
            assert label == word
            assert len(face) == 4 and all(len(line) == 9 for line in face)
            assert choice.content_region.height >= len(lines)  # nothing cut off
            mouths.add(face[2])
        assert len(mouths) == 5  # five different faces

    run(app, visit)


def test_the_kiosk_asks_no_free_text(office: LocalOffice, printer: PngPrinter) -> None:
    """A touch kiosk has no keyboard: the suggestion is left to other channels, and no screen of a
    rating has a text field a scan could be typed into."""
    code = served_code(office, printer)
    app = make_kiosk_app(office, printer)
    seen: list[str] = []

    async def visit(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        question = app.screen
        await pilot.pause(READ)
        await pilot.click("#level-5")
        while True:
            await until(pilot, moved_on(pilot, question))
            question = app.screen
            if not isinstance(question, QuestionScreen):
                break
            assert not question.query(Input)
            seen.append(question.item.id)
            await pilot.pause(READ)
            await pilot.click("#skip")

    run(app, visit)
    assert seen == ["process", "channels", "staff", "facilities"]
    (given,) = given_ratings(office)
    assert given["answers"] == {"overall": 5}


async def on_queue_type(pilot: Pilot[None]) -> None:
    await pilot.click("#service-tax")
    await until(pilot, lambda: isinstance(pilot.app.screen, QueueTypeScreen))


async def on_ticket_taken(pilot: Pilot[None]) -> None:
    await take_ticket(pilot, "tax")
    assert isinstance(pilot.app.screen, TicketTakenScreen)


async def on_a_notice(pilot: Pilot[None]) -> None:
    await scan(pilot, "1234567890123")
    await until(pilot, lambda: isinstance(pilot.app.screen, NoticeScreen))


async def on_home(pilot: Pilot[None]) -> None:
    await until(pilot, lambda: at_home(pilot.app))


async def on_the_overall_question(pilot: Pilot[None], other: str) -> None:
    await scan(pilot, other)
    await until(pilot, lambda: isinstance(pilot.app.screen, QuestionScreen))


async def on_an_aspect_question(pilot: Pilot[None], other: str) -> None:
    await on_the_overall_question(pilot, other)
    question = pilot.app.screen
    await pilot.pause(READ)
    await pilot.click("#level-3")
    await until(pilot, moved_on(pilot, question))
    assert isinstance(pilot.app.screen, QuestionScreen) and not pilot.app.screen.item.required


@pytest.mark.parametrize(
    "where",
    ["home", "queue type", "ticket taken", "code entry", "notice", "overall question", "aspect question"],
)
def test_a_scan_on_any_kiosk_screen_starts_a_rating_of_that_ticket(
    office: LocalOffice, printer: PngPrinter, where: str
) -> None:
    other = served_code(office, printer)  # A001: someone else's ticket, for the rating screens
    code = served_code(office, printer)  # A002: the ticket scanned
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        if where == "home":
            await on_home(pilot)
        elif where == "queue type":
            await on_queue_type(pilot)
        elif where == "ticket taken":
            await on_ticket_taken(pilot)
        elif where == "code entry":
            await pilot.click("#rate")
            await until(pilot, lambda: isinstance(app.screen, CodeEntryScreen))
        elif where == "notice":
            await on_a_notice(pilot)
        elif where == "overall question":
            await on_the_overall_question(pilot, other)
        else:
            await on_an_aspect_question(pilot, other)
        before = app.screen
        await scan(pilot, code)
        await until(pilot, lambda: app.screen is not before and isinstance(app.screen, QuestionScreen))
        assert "ข้อ 1 จาก 5" in screen_text(app)
        assert not any(code.replace("-", "") in str(w.render()) for w in app.screen.query(Widget))
        question = app.screen
        await pilot.pause(READ)
        await pilot.click("#level-2")
        await until(pilot, moved_on(pilot, question))
        await pilot.pause(READ)
        await pilot.click("#finish")
        await until(pilot, lambda: isinstance(app.screen, NoticeScreen) and "ขอบคุณ" in screen_text(app))

    run(app, visit)
    (given,) = given_ratings(office)
    assert given["answers"] == {"overall": 2}
    (scanned,) = (t.id for t in office.state.tickets.values() if t.number == "A002")
    assert given["ticket"] == scanned


def test_english_is_one_tap_away_and_the_next_visit_is_thai(office: LocalOffice, printer: PngPrinter) -> None:
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await pilot.click("#language")
        await until(pilot, lambda: "Take a queue ticket" in screen_text(app))
        assert "Civil registration" in screen_text(app)
        await take_ticket(pilot)
        assert "Please take your ticket from the slot below" in screen_text(app)
        await pilot.pause(TAP_GUARD)
        await pilot.click("#take-ticket")
        await until(pilot, lambda: at_home(app) and "รับบัตรคิว" in screen_text(app))

    run(app, visit)


SMALLEST = (80, 28)  # the README's font size for a 1080p kiosk gives more; every screen fits in this


def cut_off(app: Any) -> list[str]:
    cols, rows = SMALLEST
    return [
        f"{type(w).__name__}#{w.id}"
        for w in app.screen.query(Widget)
        if isinstance(w, Button | Static | Digits) and w.display
        and (w.region.height == 0 or w.region.bottom > rows or w.region.right > cols)
    ]  # fmt: skip


def test_every_screen_fits_the_smallest_kiosk_terminal(office: LocalOffice, printer: PngPrinter) -> None:
    code = served_code(office, printer)
    app = make_kiosk_app(office, printer)
    found: dict[str, list[str]] = {}

    async def main() -> None:
        async with app.run_test(size=SMALLEST) as pilot:
            await pilot.pause(0.2)
            found["home"] = cut_off(app)
            await pilot.click("#service-tax")
            await until(pilot, lambda: isinstance(app.screen, QueueTypeScreen))
            found["queue type"] = cut_off(app)
            await pilot.click("#normal")
            await until(pilot, lambda: isinstance(app.screen, TicketTakenScreen))
            found["ticket taken"] = cut_off(app)
            app.pop_screen()
            await pilot.pause(0.2)
            await pilot.click("#rate")
            await until(pilot, lambda: isinstance(app.screen, CodeEntryScreen))
            found["code entry"] = cut_off(app)
            app.pop_screen()
            await scan(pilot, code)
            await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
            found["overall"] = cut_off(app)
            question = app.screen
            await pilot.pause(READ)
            await pilot.click("#level-4")
            await until(pilot, moved_on(pilot, question))
            found["aspect"] = cut_off(app)

    asyncio.run(main())
    assert {where: cut for where, cut in found.items() if cut} == {}


# -- locked down -----------------------------------------------------------------------------------


def test_the_quit_keys_do_not_quit(office: LocalOffice, printer: PngPrinter) -> None:
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+q", "ctrl+c", "escape")
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None
        assert at_home(app)

    run(app, visit)


def test_staff_close_the_kiosk_with_the_pin(office: LocalOffice, printer: PngPrinter) -> None:
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        for digit in "1111":
            await pilot.click(f"#key-{digit}")
            await pilot.pause(DEBOUNCE)
        assert "●" in screen_text(app) and "1111" not in screen_text(app)
        await pilot.click("#key-ok")
        await until(pilot, lambda: "PIN ไม่ถูกต้อง" in screen_text(app))
        assert app.return_code is None
        await pilot.click("#pin-cancel")
        await until(pilot, lambda: at_home(app))

        await pilot.press("ctrl+x")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press("2", "5", "6", "8", "enter")
        # The default PIN, printed in the manual: the first staff use makes them choose their own.
        await until(pilot, lambda: isinstance(app.screen, NewPinDialog))
        assert app.return_code is None
        await pilot.press(*"4821", "enter", *"4821", "enter")
        await until(pilot, lambda: app.return_code is not None)

    run(app, visit)
    assert app.return_code == 0
    assert not office.default_pin_in_force() and office.check_pin("4821") and not office.check_pin("2568")


def test_with_their_own_pin_staff_close_the_kiosk_at_once(tmp_path: Path, printer: PngPrinter) -> None:
    office = LocalOffice(
        tmp_path / "home", default_settings().model_copy(update={"staff_pin": hash_pin("4821")})
    )
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press(*"4821", "enter")
        await until(pilot, lambda: app.return_code is not None)

    try:
        run(app, visit)
    finally:
        office.close()
    assert app.return_code == 0


def test_after_five_wrong_pins_the_kiosk_says_it_must_wait(office: LocalOffice, printer: PngPrinter) -> None:
    app = make_kiosk_app(office, printer)

    async def visit(pilot: Pilot[None]) -> None:
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        for _ in range(5):
            await pilot.press("1", "1", "1", "1", "enter")
            await until(pilot, lambda: "PIN ไม่ถูกต้อง" in screen_text(app))
            await pilot.pause(DEBOUNCE)
        await pilot.press("2", "5", "6", "8", "enter")  # the right PIN, within the lockout
        await until(pilot, lambda: "ต้องรอ" in screen_text(app))
        assert isinstance(app.screen, PinDialog) and app.return_code is None

    run(app, visit)
    assert [e.kind for e in office.log.read()].count("pin.locked") == 1


def test_an_idle_kiosk_goes_home(office_factory: Callable[..., LocalOffice], printer: PngPrinter) -> None:
    office = office_factory(idle_seconds=1)
    app = make_kiosk_app(office, printer)
    pushed: list[type] = []  # every screen shown: on a busy machine one may come and go between two looks
    push = app.push_screen

    def recording(screen: Any, *args: Any, **kwargs: Any) -> Any:
        pushed.append(type(screen))
        return push(screen, *args, **kwargs)

    app.push_screen = recording  # type: ignore[method-assign]

    async def visit(pilot: Pilot[None]) -> None:
        await pilot.click("#language")
        await pilot.click("#service-permits")
        await until(pilot, lambda: QueueTypeScreen in pushed)
        await until(pilot, lambda: at_home(app))
        await until(pilot, lambda: "รับบัตรคิว" in screen_text(app))  # and back in Thai

    run(app, visit)


# -- snapshots -------------------------------------------------------------------------------------


def test_snapshot_home(snap_compare: Any, office: LocalOffice, printer: PngPrinter) -> None:
    assert snap_compare(make_kiosk_app(office, printer), terminal_size=SIZE)


def test_snapshot_ticket_taken(snap_compare: Any, office: LocalOffice, printer: PngPrinter) -> None:
    async def before(pilot: Pilot[None]) -> None:
        await take_ticket(pilot)

    assert snap_compare(make_kiosk_app(office, printer), terminal_size=SIZE, run_before=before)


def test_snapshot_rating_overall(snap_compare: Any, office: LocalOffice, printer: PngPrinter) -> None:
    code = served_code(office, printer)

    async def before(pilot: Pilot[None]) -> None:
        await scan(pilot, code)
        await until(pilot, lambda: isinstance(pilot.app.screen, QuestionScreen))

    assert snap_compare(make_kiosk_app(office, printer), terminal_size=SIZE, run_before=before)


def test_snapshot_refusal(snap_compare: Any, office: LocalOffice, printer: PngPrinter) -> None:
    code = served_code(office, printer)

    async def before(pilot: Pilot[None]) -> None:
        await scan(pilot, forged(code))
        await until(pilot, lambda: isinstance(pilot.app.screen, NoticeScreen))

    assert snap_compare(make_kiosk_app(office, printer), terminal_size=SIZE, run_before=before)
