"""The one-PC office: the public kiosk, and staff screens behind the PIN."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from kiosk.allinone_app import AllInOneApp, make_allinone_app
from kiosk.dialogs.pin import PinDialog
from kiosk.printers import PngPrinter
from kiosk.screens.board import BoardScreen
from kiosk.screens.counter_console import CounterConsoleScreen
from kiosk.screens.kiosk_home import KioskHomeScreen
from surveys.office import LocalOffice
from surveys.settings import default_settings


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out on {pilot.app.screen!r}"
        await pilot.pause(0.02)


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
