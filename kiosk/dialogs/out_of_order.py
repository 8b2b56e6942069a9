"""Calling a ticket out of order: the clerk picks a written reason (and, if the office asks for it, a
second staff member's PIN) or cancels, in which case nothing is called and nothing is recorded.

No reason is chosen when the dialog opens: "Call" stays disabled until the clerk picks one, so a
reason is never recorded that nobody chose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from surveys.bilingual import lookup
from surveys.counter.settings import Choice

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("เรียกคิว {number} ข้ามคิว", "Call {number} out of order"),
    "explain": (
        "คิวถัดไปตามลำดับคือ {expected}\nการเรียก {number} ก่อน จะบันทึกเป็นการเรียกข้ามคิวพร้อมเหตุผล",
        "The next ticket in order is {expected}.\nCalling {number} first is recorded as an out-of-order "
        "call, with its reason.",
    ),
    "reason": ("เลือกเหตุผล (ลูกศรขึ้น/ลง แล้ว Enter)", "Choose a reason (arrow keys, then Enter)"),
    "pin": ("PIN ของเจ้าหน้าที่อีกคน", "A second staff member's PIN"),
    "confirm": ("เรียกคิว", "Call"),
    "cancel": ("ยกเลิก (Esc)", "Cancel (Esc)"),
    "need_reason": ("กรุณาเลือกเหตุผลก่อน", "Please choose a reason first"),
    "need_pin": ("กรุณาใส่ PIN ของเจ้าหน้าที่อีกคน", "Please enter a second staff member's PIN"),
}
_t = partial(lookup, _TEXT)  # _t(key, lang, **values)


@dataclass(frozen=True)
class OutOfOrderChoice:
    """What the clerk chose: a reason id from ``settings.out_of_order_reasons`` and maybe a PIN."""

    reason: str
    pin: str | None = None


class OutOfOrderDialog(ModalScreen[OutOfOrderChoice | None]):
    """Asks why ``number`` is called before ``expected``; dismisses with the choice, or None."""

    DEFAULT_CSS = """
    OutOfOrderDialog {
        align: center middle;
        background: $background 60%;
    }
    OutOfOrderDialog > Vertical {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    OutOfOrderDialog #ooo-title { text-style: bold; color: $warning; width: 1fr; }
    OutOfOrderDialog #ooo-explain { margin: 0 0 1 0; }
    OutOfOrderDialog OptionList { height: auto; max-height: 9; }
    OutOfOrderDialog #ooo-pin { margin-top: 1; }
    OutOfOrderDialog #ooo-hint { color: $error; height: auto; display: none; }
    OutOfOrderDialog Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    OutOfOrderDialog Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(
        self,
        number: str,
        expected: str | None,
        reasons: Sequence[Choice],
        *,
        need_pin: bool,
        lang: str = "th",
    ) -> None:
        super().__init__()
        self.number = number
        self.expected = expected or "-"
        self.reasons = tuple(reasons)
        self.need_pin = need_pin
        self.lang = lang
        self._ready = False  # the list may highlight its first option while it mounts: not a choice
        self.chosen: int | None = None  # the reason the clerk picked, by index

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical():
            yield Label(_t("title", lang, number=self.number), id="ooo-title")
            yield Static(
                _t("explain", lang, number=self.number, expected=self.expected),
                id="ooo-explain",
                markup=False,
            )
            yield Label(_t("reason", lang))
            yield OptionList(
                *(Option(reason.label(lang), id=reason.id) for reason in self.reasons), id="ooo-reasons"
            )
            if self.need_pin:
                yield Label(_t("pin", lang), id="ooo-pin")
                yield Input(password=True, id="ooo-pin-input", max_length=12)
            yield Static("", id="ooo-hint", markup=False)
            with Horizontal():
                yield Button(_t("confirm", lang), variant="warning", id="ooo-confirm", disabled=True)
                yield Button(_t("cancel", lang), id="ooo-cancel")

    def on_mount(self) -> None:
        self.query_one("#ooo-reasons", OptionList).focus()
        self.call_after_refresh(self._nothing_chosen)

    def _nothing_chosen(self) -> None:
        self.query_one("#ooo-reasons", OptionList).highlighted = None
        self._ready = True

    @on(OptionList.OptionHighlighted, "#ooo-reasons")
    def _reason_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self._ready:
            self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        self.chosen = index
        self.query_one("#ooo-confirm", Button).disabled = False
        self.query_one("#ooo-hint", Static).display = False

    @on(OptionList.OptionSelected, "#ooo-reasons")
    def _reason_chosen(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)
        if self.need_pin:
            self.query_one("#ooo-pin-input", Input).focus()
        else:
            self._confirm()

    @on(Input.Submitted, "#ooo-pin-input")
    @on(Button.Pressed, "#ooo-confirm")
    def _confirm(self) -> None:
        options = self.query_one("#ooo-reasons", OptionList)
        index = self.chosen
        if index is None:
            self._hint("need_reason", options)
            return
        pin: str | None = None
        if self.need_pin:
            field = self.query_one("#ooo-pin-input", Input)
            pin = field.value.strip()
            if not pin:
                self._hint("need_pin", field)
                return
        self.dismiss(OutOfOrderChoice(self.reasons[index].id, pin))

    def _hint(self, key: str, where: Widget) -> None:
        hint = self.query_one("#ooo-hint", Static)
        hint.update(_t(key, self.lang))
        hint.display = True
        where.focus()

    @on(Button.Pressed, "#ooo-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
