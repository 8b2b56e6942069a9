"""Full-screen messages: a short wait while the office works, and notices that go home by themselves."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

Tone = str  # "ok", "warn" or "error": the colour of the notice

TAP_GUARD_SECONDS = 0.8  # a tap this soon after a notice appears belongs to the previous screen


class BusyScreen(Screen[None]):
    """ "Please wait" while a worker talks to the office or the printer. Taps do nothing."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(self.text, id="busy-text", classes="heading")


class NoticeScreen(Screen[None]):
    """A title and a message; a tap or ``seconds`` later it closes (dismisses) by itself."""

    def __init__(
        self,
        title: str,
        message: str,
        *,
        tone: Tone = "ok",
        footer: str = "",
        seconds: float = 6.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(classes=f"notice {tone}")
        self.title_text = title
        self.message_text = message
        self.footer_text = footer
        self.seconds = seconds
        self._clock = clock
        self._shown = clock()

    def compose(self) -> ComposeResult:
        with Middle(id="notice-box"):
            yield Static(self.title_text, id="notice-title", classes="heading")
            yield Static(self.message_text, id="notice-message")
            if self.footer_text:
                yield Static(self.footer_text, id="notice-footer", classes="hint")

    def on_mount(self) -> None:
        self._shown = self._clock()
        self.set_timer(self.seconds, self._done)

    def on_click(self, event: events.Click) -> None:
        if self._clock() - self._shown >= TAP_GUARD_SECONDS:
            self._done()

    def _done(self) -> None:
        if self.is_current:
            self.dismiss()
