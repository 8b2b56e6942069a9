"""Every text on the kiosk, the board and the counter console meets WCAG AA (4.5:1).

The colours are the ones Textual computes for each widget in a Pilot run (``widget.visual_style``:
the background blended down from the screen, the text colour blended over it, so ``$text-muted``,
``auto 87%`` and ``$warning 40%`` count as they are drawn), on every screen and in every state a
person sees: the kiosk's screens and notices, the board with a fresh call and a recall, the counter
console with a ticket called and served and its messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.color import Color
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Digits, Input, Static

from kiosk.apps.board_app import make_board_app
from kiosk.apps.counter_app import make_counter_app
from kiosk.apps.kiosk_app import make_kiosk_app
from kiosk.dialogs.pin import PinDialog
from kiosk.office.service import LocalOffice
from kiosk.printing.printers import PngPrinter
from kiosk.screens.chime import Chime
from kiosk.screens.code_entry import CodeEntryScreen
from kiosk.screens.notice import NoticeScreen
from kiosk.screens.queue_type import QueueTypeScreen
from kiosk.screens.rating import QuestionScreen
from kiosk.screens.ticket_taken import TicketTakenScreen
from surveys.log.event import BANGKOK
from tests.support.office import served_code
from tests.support.pilot import until, until_shown

AA = 4.5
SIZE = (100, 34)
READ = 0.3
TEXT_WIDGETS = (Static, Button, Digits, Input)  # Label is a Static; BigChoice a Button


def luminance(color: Color) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(one: Color, other: Color) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_matches_wcag() -> None:
    assert contrast(Color(0, 0, 0), Color(255, 255, 255)) == pytest.approx(21.0)
    assert contrast(Color.parse("#777777"), Color(255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast(Color.parse("#FEA62B"), Color.parse("#0178D4")) < 2.5  # orange on bright blue


def low_contrast(app: App[Any], where: str) -> list[str]:
    """Each text widget on ``app``'s screen drawn below AA: where, which widget, its colours."""
    found: list[str] = []
    for widget in app.screen.query(Widget):
        if not isinstance(widget, TEXT_WIDGETS) or not widget.display or not widget.visible:
            continue
        style = widget.visual_style
        background = style.background or Color(0, 0, 0)
        foreground = background + (style.foreground or Color(255, 255, 255))
        if style.dim:
            foreground = foreground.blend(background, 0.5)
        ratio = contrast(foreground, background)
        if ratio < AA:
            name = f"{type(widget).__name__}#{widget.id}" + "".join(f".{c}" for c in sorted(widget.classes))
            found.append(f"{where}: {name} {foreground.hex} on {background.hex} = {ratio:.2f}")
    return found


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], tmp_path: Path) -> LocalOffice:
    return make_office(tmp_path / "home", min_answer_ms=0)


def run(app: App[Any], walk: Callable[[Pilot[Any], list[str]], Awaitable[None]]) -> list[str]:
    found: list[str] = []

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await walk(pilot, found)

    asyncio.run(main())
    return found


def test_every_text_on_the_kiosk_meets_aa(office: LocalOffice, tmp_path: Path) -> None:
    printer = PngPrinter(tmp_path / "tickets")
    code = served_code(office, printer)
    app = make_kiosk_app(office, printer)

    async def walk(pilot: Pilot[Any], found: list[str]) -> None:
        def look(where: str) -> None:
            found.extend(low_contrast(app, where))

        await pilot.pause(0.2)
        look("home")
        await pilot.click("#language")
        heading = lambda: str(app.screen.query_one("#heading", Static).content)  # noqa: E731
        await until(pilot, lambda: heading() == "Take a queue ticket")
        look("home (English)")
        await pilot.click("#language")
        await pilot.pause(0.2)
        await pilot.click("#service-tax")
        await until(pilot, lambda: isinstance(app.screen, QueueTypeScreen))
        look("queue type")
        await pilot.click("#priority-elderly")
        await until(pilot, lambda: isinstance(app.screen, TicketTakenScreen))
        look("ticket taken")
        app.pop_screen()
        await pilot.pause(0.2)
        await pilot.click("#rate")
        await until(pilot, lambda: isinstance(app.screen, CodeEntryScreen))
        await pilot.click("#key-ok")  # not all 13 digits: the progress line says so
        look("code entry")
        app.pop_screen()
        await pilot.pause(0.2)
        await pilot.press(*"1234567890128", "enter")
        await until_shown(pilot, NoticeScreen)
        look("a refusal (warn)")
        app.pop_screen()
        await pilot.pause(0.2)
        await pilot.press(*code.replace("-", ""), "enter")
        await until(pilot, lambda: isinstance(app.screen, QuestionScreen))
        look("the overall question")
        first = app.screen
        await pilot.pause(READ)
        await pilot.click("#level-5")
        await until(pilot, lambda: app.screen is not first and isinstance(app.screen, QuestionScreen))
        look("an aspect question")
        await pilot.pause(READ)
        await pilot.click("#finish")
        await until_shown(pilot, NoticeScreen)
        look("thanks (ok)")
        app.pop_screen()
        await pilot.pause(0.2)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press(*"0000", "enter")
        await pilot.pause(0.3)
        look("the staff PIN, wrong")

    found = run(app, walk)
    assert not found, "\n".join(found)


def test_an_error_notice_meets_aa(office: LocalOffice, tmp_path: Path) -> None:
    class FailingPrinter(PngPrinter):
        def print_ticket(self, *_args: object, **_kwargs: object) -> str:
            raise RuntimeError("driver exploded")

    app = make_kiosk_app(office, FailingPrinter(tmp_path / "tickets"))

    async def walk(pilot: Pilot[Any], found: list[str]) -> None:
        await pilot.click("#service-registration")
        await until(pilot, lambda: isinstance(app.screen, QueueTypeScreen))
        await pilot.click("#normal")
        await until_shown(pilot, NoticeScreen)
        found.extend(low_contrast(app, "error notice"))

    found = run(app, walk)
    assert not found, "\n".join(found)


def test_every_text_on_the_board_meets_aa(office: LocalOffice, tmp_path: Path) -> None:
    for service in ("registration", "registration", "tax"):
        office.confirm_ticket(office.reserve_ticket(service, None).ticket, "test")
    office.call_next(2)
    silent = Chime(tmp_path / "chime.wav", player=lambda _path: None)
    app = make_board_app(office, clock=lambda: datetime(2025, 1, 15, 9, 0, tzinfo=BANGKOK), chime=silent)

    async def walk(pilot: Pilot[Any], found: list[str]) -> None:
        await until(pilot, lambda: getattr(app.screen, "view", None) is not None)
        await pilot.pause(0.1)
        found.extend(low_contrast(app, "board"))
        office.call_next(1)
        office.recall(2)
        await until(pilot, lambda: app.screen.query_one("#row-1").has_class("-fresh"))
        await pilot.pause(0.1)
        found.extend(low_contrast(app, "board, a fresh call and a recall"))

    found = run(app, walk)
    assert not found, "\n".join(found)


def test_every_text_on_the_counter_console_meets_aa(office: LocalOffice) -> None:
    for _ in range(3):
        office.confirm_ticket(office.reserve_ticket("registration", None).ticket, "test")
    app = make_counter_app(office, 1)

    async def walk(pilot: Pilot[Any], found: list[str]) -> None:
        await until(pilot, lambda: getattr(app.screen_stack[-1], "view", None) is not None)
        await pilot.pause(0.1)
        found.extend(low_contrast(app, "counter, nobody called"))
        await pilot.press("f")  # nothing to finish: an error message
        await pilot.pause(0.3)
        found.extend(low_contrast(app, "counter, an error message"))
        await pilot.press("n")
        await until(pilot, lambda: any(c.status == "called" for c in office.snapshot().counters))
        await pilot.pause(0.3)
        found.extend(low_contrast(app, "counter, a ticket called"))
        await pilot.press("s")
        await until(pilot, lambda: any(c.status == "serving" for c in office.snapshot().counters))
        await pilot.pause(0.3)
        found.extend(low_contrast(app, "counter, serving"))

    found = run(app, walk)
    assert not found, "\n".join(found)


def test_the_board_and_a_counter_in_the_all_in_one_app_meet_aa(office: LocalOffice, tmp_path: Path) -> None:
    """One app loads all three stylesheets: a rule of one must not colour another's screen."""
    from kiosk.apps.allinone_app import make_allinone_app
    from kiosk.dialogs.pin import NewPinDialog
    from kiosk.screens.board import BoardScreen
    from kiosk.screens.counter_console import CounterConsoleScreen

    office.confirm_ticket(office.reserve_ticket("registration", None).ticket, "test")
    office.call_next(1)
    app = make_allinone_app(office, PngPrinter(tmp_path / "tickets"))

    async def walk(pilot: Pilot[Any], found: list[str]) -> None:
        await pilot.pause(0.2)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press(*"2568", "enter")
        await until(pilot, lambda: isinstance(app.screen, NewPinDialog))  # the first staff use
        await pilot.press(*"2568", "enter")  # refused: its message must be readable too
        await pilot.pause(0.2)
        found.extend(low_contrast(app, "all-in-one: choosing a new PIN"))
        await pilot.press(*"4821", "enter", *"4821", "enter")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.view is not None)
        await pilot.pause(0.1)
        found.extend(low_contrast(app, "all-in-one: board"))
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, CounterConsoleScreen))
        await pilot.pause(0.3)
        found.extend(low_contrast(app, "all-in-one: counter 1"))

    found = run(app, walk)
    assert not found, "\n".join(found)
