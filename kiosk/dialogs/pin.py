"""The staff PIN: the only way to close the public kiosk."""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.widgets.big_choice import BigChoice
from kiosk.widgets.keypad import KEYPAD_ERASE, KEYPAD_OK, Keypad

CANCEL = "cancel"
MAX_PIN = 12


class PinDialog(ModalScreen[bool]):
    """Asks for the staff PIN (masked); dismisses with True only when ``check(pin)`` accepts it."""

    def __init__(self, check: Callable[[str], bool], lang: str) -> None:
        super().__init__()
        self.check = check
        self.lang = lang
        self.pin = ""
        self._checking = False

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        with Vertical(id="pin-box"):
            yield Static(
                "สำหรับเจ้าหน้าที่: ใส่ PIN เพื่อปิดเครื่อง" if th else "Staff only: enter the PIN to close",
                id="pin-title",
            )
            yield Static("", id="pin-dots")
            yield Static("", id="pin-message")
            yield Keypad(self.lang, id="pin-keypad")
            with Center():
                yield BigChoice("ยกเลิก" if th else "Cancel", CANCEL, id="pin-cancel", classes="back")

    def on_mount(self) -> None:
        self._show()

    def _show(self, message: str = "") -> None:
        self.query_one("#pin-dots", Static).update(" ".join("●" * len(self.pin)) or " ")
        self.query_one("#pin-message", Static).update(message)

    def _type(self, key: str) -> None:
        if self._checking:
            return
        if key == KEYPAD_OK:
            self._checking = True
            self._check(self.pin)
            return
        if key == KEYPAD_ERASE:
            self.pin = self.pin[:-1]
        elif key.isdigit() and len(self.pin) < MAX_PIN:
            self.pin += key
        self._show()

    @work(thread=True, exclusive=True)
    def _check(self, pin: str) -> None:
        ok = self.check(pin)  # may be a slow hash: off the screen's thread
        self.app.call_from_thread(self._checked, ok)

    def _checked(self, ok: bool) -> None:
        self._checking = False
        if not self.is_current:
            return  # closed meanwhile (the kiosk went idle)
        if ok:
            self.dismiss(True)
            return
        self.pin = ""
        self._show("PIN ไม่ถูกต้อง" if self.lang == "th" else "Wrong PIN")

    @on(Keypad.KeyTapped)
    def _tapped(self, event: Keypad.KeyTapped) -> None:
        event.stop()
        self._type(event.key)

    @on(BigChoice.Chosen, "#pin-cancel")
    def _cancel(self, event: BigChoice.Chosen) -> None:
        event.stop()
        self.dismiss(False)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        if event.key == "escape":
            self.dismiss(False)
        elif event.key == "enter":
            self._type(KEYPAD_OK)
        elif event.key == "backspace":
            self._type(KEYPAD_ERASE)
        elif event.character and event.character in "0123456789":
            self._type(event.character)
