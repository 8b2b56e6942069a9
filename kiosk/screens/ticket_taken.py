"""The ticket was printed: its number, big, and where to take it from."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.containers import Center
from textual.screen import Screen
from textual.widgets import Digits, Static

from kiosk.printing.ticket import ahead_text
from kiosk.screens.notice import TAP_GUARD_SECONDS

DIGITS_CHARS = frozenset(" 0123456789+-^x:ABCDEF$£€()")  # what textual's Digits can draw


class TicketTakenScreen(Screen[None]):
    """Shows the new ticket; closes on a tap or after ``seconds``."""

    def __init__(
        self,
        number: str,
        service: str,
        priority: str | None,
        ahead: int,
        lang: str,
        *,
        seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        ahead_exact: bool = True,
    ) -> None:
        super().__init__()
        self.number = number
        self.service = service
        self.priority = priority
        self.ahead = ahead
        self.ahead_exact = ahead_exact  # False: the policy's estimate (see Reservation.ahead_exact)
        self.lang = lang
        self.seconds = seconds
        self._clock = clock
        self._shown = clock()

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        yield Static("บัตรคิวของท่าน" if th else "Your ticket number", classes="heading")
        with Center(id="number-box"):
            if set(self.number) <= DIGITS_CHARS:
                yield Digits(self.number, id="number")
            else:
                yield Static(self.number, id="number", classes="number-text")
        yield Static(self.service, id="ticket-service")
        if self.priority:
            yield Static(("คิวพิเศษ: " if th else "Priority: ") + self.priority, id="ticket-priority")
        if self.ahead:
            th_ahead, en_ahead = ahead_text(self.ahead, self.ahead_exact)
            ahead = th_ahead if th else en_ahead[0].upper() + en_ahead[1:]
        elif self.ahead_exact:
            ahead = "ไม่มีคิวรออยู่ก่อนหน้า" if th else "Nobody is waiting ahead of you"
        else:
            ahead = "ขณะนี้ไม่มีคิวรออยู่ก่อนหน้า" if th else "Nobody is waiting ahead of you now"
        yield Static(ahead, id="ticket-ahead")
        yield Static(
            "กรุณารับบัตรคิวที่ช่องด้านล่าง" if th else "Please take your ticket from the slot below",
            id="take-ticket",
        )
        yield Static(
            "เก็บบัตรไว้เพื่อประเมินความพึงพอใจหลังรับบริการ · แตะหน้าจอเพื่อกลับหน้าหลัก"
            if th
            else "Keep the ticket to rate us after your service · tap the screen to go back",
            classes="hint",
        )

    def on_mount(self) -> None:
        self._shown = self._clock()
        self.set_timer(self.seconds, self._done)

    def on_click(self, event: events.Click) -> None:
        if self._clock() - self._shown >= TAP_GUARD_SECONDS:
            self._done()

    def _done(self) -> None:
        if self.is_current:
            self.dismiss()
