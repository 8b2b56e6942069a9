"""The one-PC office: the public kiosk, and staff screens behind the PIN."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from kiosk.apps.allinone_app import AllInOneApp, make_allinone_app
from kiosk.dialogs.pin import NewPinDialog, PinDialog
from kiosk.office.service import LocalOffice
from kiosk.printing.printers import PngPrinter
from kiosk.screens.board import BoardScreen
from kiosk.screens.counter_console import CounterConsoleScreen
from kiosk.screens.kiosk_home import KioskHomeScreen
from kiosk.screens.queue_type import QueueTypeScreen
from kiosk.screens.ticket_taken import TicketTakenScreen
from surveys.counter.settings import default_settings, hash_pin, load_settings
from tests.support.pilot import until


def test_staff_screens_need_the_pin_and_the_counter_works_from_them(tmp_path: Path) -> None:
    office = LocalOffice(tmp_path, default_settings().model_copy(update={"idle_seconds": 5}))
    reservation = office.reserve_ticket("registration")
    office.confirm_ticket(reservation.ticket, "test")
    app = make_allinone_app(office, PngPrinter(tmp_path / "tickets"))
    assert isinstance(app, AllInOneApp)

    async def visit(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: isinstance(app.screen, KioskHomeScreen))
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press("1", "1", "1", "1", "enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, PinDialog), "a wrong PIN must not open a staff screen"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, KioskHomeScreen))
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press("2", "5", "6", "8", "enter")
        await until(pilot, lambda: isinstance(app.screen, NewPinDialog))  # the default PIN: choose one
        await pilot.press("4", "8", "2", "1", "enter", "4", "8", "2", "1", "enter")
        await until(pilot, lambda: isinstance(app.screen, CounterConsoleScreen))
        await pilot.press("n")
        await until(pilot, lambda: office.snapshot().counters[0].number == "A001")
        await pilot.press("f9")  # already past the PIN: straight to the board
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, KioskHomeScreen))

    async def main() -> None:
        async with app.run_test(size=(100, 34)) as pilot:
            await visit(pilot)

    try:
        asyncio.run(main())
    finally:
        office.close()


class Ticking:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def title(app: AllInOneApp) -> str:
    return str(app.screen.query_one("#pin-title", Static).content)


def message(app: AllInOneApp) -> str:
    return str(app.screen.query_one("#pin-message", Static).content)


def run(app: AllInOneApp, office: LocalOffice, scenario: Callable[[Pilot[None]], object]) -> None:
    async def main() -> None:
        async with app.run_test(size=(100, 34)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, KioskHomeScreen))
            await scenario(pilot)  # type: ignore[misc]

    try:
        asyncio.run(main())
    finally:
        office.close()


def test_the_first_staff_use_makes_the_staff_choose_their_own_pin(tmp_path: Path) -> None:
    office = LocalOffice(tmp_path, default_settings())
    app = make_allinone_app(office, PngPrinter(tmp_path / "tickets"))

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press("2", "5", "6", "8", "enter")
        await until(pilot, lambda: isinstance(app.screen, NewPinDialog))
        assert "PIN ตั้งต้น 2568" in message(app)
        await pilot.press("2", "5", "6", "8", "enter")  # the default again: refused
        await until(pilot, lambda: "ห้ามใช้ PIN ตั้งต้น" in message(app))
        await pilot.press("1", "2", "enter")  # too short
        await until(pilot, lambda: "4–12" in message(app))
        await pilot.press("4", "8", "2", "1", "enter", "4", "8", "2", "2", "enter")  # twice, not the same
        await until(pilot, lambda: "ไม่ตรงกัน" in message(app))
        assert isinstance(app.screen, NewPinDialog) and office.default_pin_in_force()
        await pilot.press("4", "8", "2", "1", "enter")
        await until(pilot, lambda: "อีกครั้ง" in title(app))
        await pilot.press("4", "8", "2", "1", "enter")
        await until(pilot, lambda: isinstance(app.screen, CounterConsoleScreen))
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, KioskHomeScreen))
        await pilot.press("f9")  # the next staff use: the new PIN, no second change
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press("4", "8", "2", "1", "enter")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))

    run(app, office, scenario)
    stored = load_settings(tmp_path)
    assert stored.staff_pin is not None and stored.pin_ok("4821") and not stored.pin_ok("2568")


def test_cancelling_the_pin_change_opens_no_staff_screen(tmp_path: Path) -> None:
    office = LocalOffice(tmp_path, default_settings())
    app = make_allinone_app(office, PngPrinter(tmp_path / "tickets"))

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press("2", "5", "6", "8", "enter")
        await until(pilot, lambda: isinstance(app.screen, NewPinDialog))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, KioskHomeScreen))

    run(app, office, scenario)
    assert office.default_pin_in_force()


def test_the_pin_dialog_says_what_the_pin_opens(tmp_path: Path) -> None:
    office = LocalOffice(tmp_path, default_settings().model_copy(update={"staff_pin": hash_pin("4821")}))
    app = make_allinone_app(office, PngPrinter(tmp_path / "tickets"))

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        assert title(app) == "ใส่ PIN เจ้าหน้าที่เพื่อเปิดช่องบริการ 2"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, KioskHomeScreen))
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        assert title(app) == "ใส่ PIN เจ้าหน้าที่เพื่อเปิดจอแสดงคิว"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, KioskHomeScreen))
        await pilot.press("f10")  # the kiosk's own exit still says it closes the machine
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        assert "ปิดเครื่อง" in title(app)

    run(app, office, scenario)


def test_a_staff_screen_left_alone_goes_back_to_the_kiosk(tmp_path: Path) -> None:
    settings = default_settings().model_copy(update={"staff_pin": hash_pin("4821")})
    assert settings.staff_idle_seconds == 120
    office = LocalOffice(tmp_path, settings)
    clock = Ticking()
    app = make_allinone_app(office, PngPrinter(tmp_path / "tickets"), clock=clock)

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press("4", "8", "2", "1", "enter")
        await until(pilot, lambda: isinstance(app.screen, CounterConsoleScreen))
        clock.now += 100  # past the kiosk's 45 s, not past the staff's 120 s
        await pilot.pause(1.2)  # a tick of the idle check (it runs every second)
        assert isinstance(app.screen, CounterConsoleScreen)
        await pilot.press("l")  # the clerk is there: a key starts the count again
        clock.now += 100
        await pilot.pause(1.2)
        assert isinstance(app.screen, CounterConsoleScreen)
        clock.now += 21
        await until(pilot, lambda: isinstance(app.screen, KioskHomeScreen))
        await pilot.press("f2")  # and the PIN is asked again
        await until(pilot, lambda: isinstance(app.screen, PinDialog))

    run(app, office, scenario)


def test_a_priority_ticket_is_told_it_is_next_when_the_policy_calls_it_next(tmp_path: Path) -> None:
    office = LocalOffice(tmp_path, default_settings())
    for _ in range(4):
        reservation = office.reserve_ticket("registration")
        office.confirm_ticket(reservation.ticket, "test")
    office.call_next(1)
    office.call_next(2)  # two normal calls: a priority ticket is next
    app = make_allinone_app(office, PngPrinter(tmp_path / "tickets"))

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.click("#service-registration")
        await until(pilot, lambda: isinstance(app.screen, QueueTypeScreen))
        await pilot.click("#priority-elderly")
        await until(pilot, lambda: isinstance(app.screen, TicketTakenScreen))
        ahead = str(app.screen.query_one("#ticket-ahead", Static).content)
        assert ahead == "ขณะนี้ไม่มีคิวรออยู่ก่อนหน้า"  # not "2 ahead": the policy calls it next

    run(app, office, scenario)
    assert office.snapshot().next_by_counter[1] == "A005"
