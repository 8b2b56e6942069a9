"""Why a recorded fact is being corrected: a typed reason, never a preselected one."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from surveys.bilingual import pick


class ReasonDialog(ModalScreen[str | None]):
    """Asks for the reason of a correction (``question``, in the clerk's language). The field starts
    empty: a reason is typed, never picked for the clerk. Enter with a reason gives it; Esc gives None."""

    DEFAULT_CSS = """
    ReasonDialog { align: center middle; background: $background 60%; }
    ReasonDialog > Vertical {
        width: 72; max-width: 100%; height: auto; border: thick $warning; background: $surface; padding: 0 1;
    }
    ReasonDialog #reason-title { text-style: bold; color: $warning; }
    ReasonDialog #reason-problem { color: $error; }
    ReasonDialog Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ReasonDialog Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, title: str, question: str, lang: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, id="reason-title", markup=False)
            yield Static(self.question, id="reason-question", markup=False)
            yield Input(
                value="", placeholder=pick(self.lang, "พิมพ์เหตุผล", "type the reason"), id="reason-input"
            )
            yield Static("", id="reason-problem", markup=False)
            with Horizontal():
                yield Button(
                    pick(self.lang, "บันทึก (Enter)", "Record (Enter)"), variant="warning", id="reason-ok"
                )
                yield Button(pick(self.lang, "ยกเลิก (Esc)", "Cancel (Esc)"), id="reason-cancel")

    def on_mount(self) -> None:
        self.query_one("#reason-input", Input).focus()

    @on(Input.Submitted, "#reason-input")
    @on(Button.Pressed, "#reason-ok")
    def _give(self) -> None:
        reason = self.query_one("#reason-input", Input).value.strip()
        if not reason:
            self.query_one("#reason-problem", Static).update(
                pick(
                    self.lang, "ต้องพิมพ์เหตุผลก่อน (หรือกด Esc เพื่อยกเลิก)", "type a reason first (or Esc to cancel)"
                )
            )
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#reason-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
