"""The next step of one complaint, as the desk's staff record it: assigned, in progress, done or
explained, with a note. Nothing is chosen beforehand (a stray Enter records nothing); ``explained``
needs its note (the letter of explanation's summary, which the complainant reads)."""

from __future__ import annotations

from functools import partial
from typing import ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from kiosk.office.service import ComplaintEntry
from surveys.bilingual import lookup
from surveys.complaints.cases import EXPLAINED, NEXT_STEPS, STEPS

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("บันทึกขั้นตอนของเรื่อง {code}", "Record the next step of {code}"),
    "now": ("สถานะตอนนี้: {status}", "Now: {status}"),
    "note": (
        "บันทึก (สำหรับ 'ชี้แจงเหตุผลแล้ว' ต้องใส่สรุปหนังสือชี้แจง ผู้ร้องเรียนจะเห็น ห้ามระบุชื่อเจ้าหน้าที่)",
        "Note (for 'explained', the letter of explanation's summary: the complainant reads it; "
        "never name staff)",
    ),
    "save": ("บันทึก (Ctrl+S)", "Record (Ctrl+S)"),
    "cancel": ("ยกเลิก (Esc)", "Cancel (Esc)"),
    "choose": ("เลือกขั้นตอนก่อน", "Choose the step first"),
    "need_note": (
        "'ชี้แจงเหตุผลแล้ว' ต้องมีสรุปหนังสือชี้แจง ใส่ในช่องบันทึก",
        "'explained' needs the letter of explanation's summary: type it in the note",
    ),
}
_t = partial(lookup, _TEXT)


class StepChoice(NamedTuple):
    to: str
    note: str


class StepDialog(ModalScreen[StepChoice | None]):
    """Choose the step reached by ``entry`` and a note; dismisses with the choice, or None (Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", show=False),
        Binding("ctrl+s", "save", "record", show=False, priority=True),
    ]

    def __init__(self, entry: ComplaintEntry, *, lang: str = "th") -> None:
        super().__init__()
        self.entry = entry
        self.lang = lang

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="step-box"):
            yield Label(_t("title", lang, code=self.entry.code), id="step-title")
            th, en = STEPS[self.entry.status]
            yield Static(_t("now", lang, status=en if lang == "en" else th))
            with RadioSet(id="step-to"):
                for to in NEXT_STEPS:
                    th, en = STEPS[to]
                    yield RadioButton(en if lang == "en" else th, id=f"to-{to}")
            yield Static(_t("note", lang))
            yield Input(id="step-note")
            yield Static(id="step-message")
            yield Button(_t("save", lang), id="step-save", variant="primary")
            yield Button(_t("cancel", lang), id="step-cancel")

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()  # arrows move, Enter chooses; Tab to the note, Enter records

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "step-save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        pressed = self.query_one(RadioSet).pressed_button
        message = self.query_one("#step-message", Static)
        if pressed is None or pressed.id is None:
            message.update(_t("choose", self.lang))
            return
        to = pressed.id.removeprefix("to-")
        note = self.query_one("#step-note", Input).value.strip()
        if to == EXPLAINED and not note:
            message.update(_t("need_note", self.lang))
            return
        self.dismiss(StepChoice(to, note))
