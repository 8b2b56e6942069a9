"""Typing the 13-digit code under the ticket's QR code on a big keypad (or scanning it here)."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Center, Container
from textual.screen import Screen
from textual.widgets import Digits, Static

from kiosk.widgets.big_choice import BigChoice
from kiosk.widgets.keypad import KEYPAD_ERASE, KEYPAD_OK, Keypad
from kiosk.widgets.scanner import MAX_SCAN, CodeEntered, key_character
from surveys.counter.token import CODE_DIGITS, normalise

BACK = "back"


def group_code(digits: str) -> str:
    """``1001482193756`` → ``1001-4821-9375-6``, as far as typed (the printed code's grouping)."""
    parts = (digits[0:4], digits[4:8], digits[8:12], digits[12:])
    return "-".join(part for part in parts if part)


class CodeEntryScreen(Screen[None]):
    """A keypad, the digits typed so far in the printed grouping, and OK once all 13 are in."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.raw = ""  # what arrived: keypad digits, or a scanner's characters in either layout

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        yield Static("ประเมินความพึงพอใจ" if th else "Rate our service", classes="heading")
        yield Static(
            "สแกนคิวอาร์โค้ดบนบัตรคิว หรือกดรหัส 13 หลักที่อยู่ใต้คิวอาร์โค้ด"
            if th
            else "Scan the QR code on your ticket, or key in the 13 digits under it",
            classes="subheading",
        )
        with Center(), Container(id="code-box"):
            yield Digits("", id="code")
        yield Static("", id="code-progress", classes="hint")
        with Center():
            yield Keypad(self.lang, id="keypad")
        with Center():
            yield BigChoice("ย้อนกลับ" if th else "Back", BACK, id="back", classes="back")

    def on_mount(self) -> None:
        self._show()

    @property
    def digits(self) -> str:
        return normalise(self.raw)

    def _show(self, problem: str = "") -> None:
        digits = self.digits
        self.query_one("#code", Digits).update(group_code(digits))
        th = self.lang == "th"
        progress = (
            f"กดแล้ว {len(digits)} จาก {CODE_DIGITS} หลัก" if th else f"{len(digits)} of {CODE_DIGITS} digits"
        )
        self.query_one("#code-progress", Static).update(f"{problem}  {progress}" if problem else progress)

    def _confirm(self) -> None:
        if len(self.digits) != CODE_DIGITS:
            th = self.lang == "th"
            self._show("ยังกดไม่ครบ 13 หลัก ·" if th else "Not all 13 digits yet ·")
            return
        self.post_message(CodeEntered(self.raw))

    @on(Keypad.KeyTapped)
    def _key_tapped(self, event: Keypad.KeyTapped) -> None:
        event.stop()
        if event.key == KEYPAD_OK:
            self._confirm()
            return
        if event.key == KEYPAD_ERASE:
            self.raw = self.raw[:-1]
        elif len(self.digits) < CODE_DIGITS:
            self.raw += event.key
        self._show()

    @on(BigChoice.Chosen, "#back")
    def _back(self, event: BigChoice.Chosen) -> None:
        event.stop()
        self.dismiss()

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            self._confirm()
        elif event.key == "backspace":
            event.stop()
            self.raw = self.raw[:-1]
            self._show()
        elif (character := key_character(event.key, event.character)) and len(self.raw) < MAX_SCAN:
            event.stop()
            self.raw += character
            self._show()
