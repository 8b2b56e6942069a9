"""All-in-one: the kiosk, the counter consoles and the board as screens of one app, for the smallest
office with one PC. The kiosk is what the public sees; staff switch with function keys after the PIN:

    F2–F5  the console of counter 1–4        F9  the board        F1  back to the kiosk

The office runs in the same process (the only writer of the log), so nothing else is needed.
A staff screen left untouched for ``settings.staff_idle_seconds`` goes back to the kiosk (a clerk
who walks away does not leave the console open to the public); while the default PIN is in force,
the first staff use makes the staff choose their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen

from kiosk.apps.kiosk_app import KioskApp
from kiosk.dialogs.pin import PinDialog
from kiosk.office.service import Office
from kiosk.printing.printers import Printer
from kiosk.screens.board import BoardScreen
from kiosk.screens.counter_console import CounterConsoleScreen

STAFF_SCREENS = (CounterConsoleScreen, BoardScreen)


class AllInOneApp(KioskApp):
    CSS_PATH = ["kiosk.tcss", "counter.tcss", "board.tcss"]  # type: ignore[assignment]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        *KioskApp.BINDINGS,
        *(
            Binding(f"f{n + 1}", f"staff_screen('counter', {n})", show=False, priority=True, system=True)
            for n in range(1, 5)
        ),
        Binding("f9", "staff_screen('board', 0)", show=False, priority=True, system=True),
        Binding("f1", "kiosk_screen", show=False, priority=True, system=True),
    ]

    def _staff_screen_open(self) -> bool:
        return any(isinstance(screen, STAFF_SCREENS) for screen in self.screen_stack)

    def _check_idle(self) -> None:
        if not self._staff_screen_open():
            super()._check_idle()
            return
        # a clerk at work is not sent back at the kiosk's pace, but a console left alone is closed
        if self.clock() - self._last_input >= self.office.settings.staff_idle_seconds:
            self._last_input = self.clock()
            self._back_home()
            self._visit_over()

    def action_staff_screen(self, kind: str, number: int) -> None:
        if isinstance(self.screen, PinDialog):
            return
        counters = [c.number for c in self.office.settings.counters]
        if kind == "counter" and number not in counters:
            self.notify(f"ไม่มีช่องบริการที่ {number} / there is no counter {number}", severity="warning")
            return
        screen: Screen[None] = (
            CounterConsoleScreen(self.office, number, lang=self.kiosk_lang)
            if kind == "counter"
            else BoardScreen(self.office, lang=self.kiosk_lang)
        )
        if self._staff_screen_open():  # already past the PIN: switch at once
            self._show_staff(screen)
            return

        purpose = (
            (f"ใส่ PIN เจ้าหน้าที่เพื่อเปิดช่องบริการ {number}", f"Staff PIN to open counter {number}")
            if kind == "counter"
            else ("ใส่ PIN เจ้าหน้าที่เพื่อเปิดจอแสดงคิว", "Staff PIN to open the queue board")
        )
        self.with_staff_pin(lambda: self._show_staff(screen), self.kiosk_lang, purpose)

    def _show_staff(self, screen: Screen[None]) -> None:
        self._back_home()
        self.push_screen(screen)

    def action_kiosk_screen(self) -> None:
        self._back_home()


def make_allinone_app(
    office: Office, printer: Printer, lang: str = "th", *, clock: Callable[[], float] = time.monotonic
) -> AllInOneApp:
    """One app for a one-PC office: the kiosk for the public, counters and board for staff. ``clock``
    (seconds, monotonic) times the idle returns to the kiosk (tests move it by hand)."""
    return AllInOneApp(office, printer, lang, clock=clock)
