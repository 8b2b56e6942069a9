"""The staff PIN: the only way to close the public kiosk or open a staff screen, and the first-use
change of the default PIN (which is printed in the README) to one the staff choose."""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.office.service import OfficeError
from kiosk.widgets.big_choice import BigChoice
from kiosk.widgets.keypad import KEYPAD_ERASE, KEYPAD_OK, Keypad
from surveys.bilingual import pick
from surveys.counter.settings import new_pin_problem

CANCEL = "cancel"
MAX_PIN = 12


CLOSE = ("สำหรับเจ้าหน้าที่: ใส่ PIN เพื่อปิดเครื่อง", "Staff only: enter the PIN to close")


class PinDialog(ModalScreen[bool]):
    """Asks for the staff PIN (masked); dismisses with True only when ``check(pin)`` accepts it.
    ``purpose`` (Thai, English) says what the PIN is for; by default, closing the machine."""

    def __init__(self, check: Callable[[str], bool], lang: str, purpose: tuple[str, str] = CLOSE) -> None:
        super().__init__()
        self.check = check
        self.lang = lang
        self.purpose = purpose
        self.pin = ""
        self._checking = False

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        with Vertical(id="pin-box"):
            yield Static(self.purpose[0] if th else self.purpose[1], id="pin-title", markup=False)
            yield Static("", id="pin-dots")
            yield Static("", id="pin-message")
            yield Keypad(self.lang, id="pin-keypad")
            with Center():
                yield BigChoice("ยกเลิก" if th else "Cancel", CANCEL, id="pin-cancel", classes="back")

    def on_mount(self) -> None:
        self._show()

    def _say(self, th: str, en: str) -> str:
        return pick(self.lang, th, en)

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
        try:
            ok: bool | OfficeError = self.check(pin)  # may be a slow hash: off the screen's thread
        except OfficeError as exc:  # too many wrong PINs (the office makes this terminal wait), offline …
            ok = exc
        self.app.call_from_thread(self._checked, ok)

    def _checked(self, ok: bool | OfficeError) -> None:
        self._checking = False
        if not self.is_current:
            return  # closed meanwhile (the kiosk went idle)
        if ok is True:
            self.dismiss(True)
            return
        self.pin = ""
        self._show(
            ok.text(self.lang) if isinstance(ok, OfficeError) else self._say("PIN ไม่ถูกต้อง", "Wrong PIN")
        )

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


class NewPinDialog(PinDialog):
    """The default PIN is still in force: the staff choose their own, typed twice (4–12 digits, not
    the default). ``save(pin)`` stores it (through the office) and may raise with a message to show;
    dismisses with True once it is saved, False when cancelled."""

    def __init__(self, save: Callable[[str], None], lang: str) -> None:
        super().__init__(lambda _pin: False, lang, NEW_PIN_FIRST)
        self.save = save
        self._first: str | None = None

    def on_mount(self) -> None:  # after PinDialog's own on_mount, which clears the message
        self.query_one("#pin-message", Static).styles.height = "auto"  # its messages take two lines
        self.call_after_refresh(self._show, self._say(*NEW_PIN_WHY))

    def _type(self, key: str) -> None:
        if self._checking or key != KEYPAD_OK:
            super()._type(key)
            return
        pin, self.pin = self.pin, ""
        if self._first is None:
            problem = new_pin_problem(pin)
            if problem is not None:
                self._show(self._say(*problem))
                return
            self._first = pin
            self._title(NEW_PIN_AGAIN)
            self._show()
            return
        if pin != self._first:
            self._first = None
            self._title(NEW_PIN_FIRST)
            self._show(self._say("PIN สองครั้งไม่ตรงกัน กรุณาตั้งใหม่", "The two PINs differ: start again"))
            return
        self._checking = True
        self._save(pin)

    def _title(self, text: tuple[str, str]) -> None:
        self.query_one("#pin-title", Static).update(self._say(*text))

    @work(thread=True, exclusive=True)
    def _save(self, pin: str) -> None:
        try:
            self.save(pin)  # a slow hash and a file write: off the screen's thread
        except OfficeError as exc:
            message = (exc.th, exc.en)
        except OSError as exc:  # the home not writable
            message = (f"บันทึกไม่สำเร็จ: {exc}", f"could not save it: {exc}")
        else:
            self.app.call_from_thread(self._saved)
            return
        self.app.call_from_thread(self._not_saved, message)

    def _saved(self) -> None:
        self._checking = False
        if self.is_current:
            self.dismiss(True)

    def _not_saved(self, message: tuple[str, str]) -> None:
        self._checking = False
        if not self.is_current:
            return  # closed meanwhile (the kiosk went idle)
        self._first = None
        self._title(NEW_PIN_FIRST)
        self._show(self._say(*message))


NEW_PIN_FIRST = ("ตั้ง PIN เจ้าหน้าที่ใหม่ (ตัวเลข 4–12 หลัก)", "Choose a new staff PIN (4–12 digits)")
NEW_PIN_AGAIN = ("ใส่ PIN ใหม่อีกครั้งเพื่อยืนยัน", "Type the new PIN again")
NEW_PIN_WHY = (
    "PIN ตั้งต้น 2568 พิมพ์อยู่ในคู่มือ ใครก็รู้ได้ ต้องตั้ง PIN ของท่านเองก่อนใช้งาน",
    "The default PIN 2568 is printed in the manual: choose your own before going on",
)
