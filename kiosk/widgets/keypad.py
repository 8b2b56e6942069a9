"""A big on-screen numeric keypad, for the rating code and the staff PIN."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message

from kiosk.widgets.big_choice import BigChoice

KEYPAD_ERASE = "erase"
KEYPAD_OK = "ok"


class Keypad(Grid):
    """0–9, erase and OK, as a 3 × 4 grid of big keys. Says :class:`Keypad.KeyTapped`."""

    class KeyTapped(Message):
        """``key`` is a digit, :data:`KEYPAD_ERASE` or :data:`KEYPAD_OK`."""

        def __init__(self, keypad: Keypad, key: str) -> None:
            super().__init__()
            self.keypad = keypad
            self.key = key

        @property
        def control(self) -> Keypad:
            return self.keypad

    def __init__(self, lang: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.lang = lang

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        for digit in "123456789":
            yield BigChoice(digit, digit, id=f"key-{digit}", classes="key digit")
        yield BigChoice("ลบ" if th else "Delete", KEYPAD_ERASE, id="key-erase", classes="key erase")
        yield BigChoice("0", "0", id="key-0", classes="key digit")
        yield BigChoice("ตกลง" if th else "OK", KEYPAD_OK, id="key-ok", classes="key ok")

    @on(BigChoice.Chosen)
    def _tapped(self, event: BigChoice.Chosen) -> None:
        event.stop()
        self.post_message(self.KeyTapped(self, event.value))
