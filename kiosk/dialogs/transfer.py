"""Transferring the counter's ticket to another service: pick the service, or cancel."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

from surveys.bilingual import lookup
from surveys.counter.settings import Service

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("โอนคิว {number} ไปบริการอื่น", "Transfer {number} to another service"),
    "explain": (
        "คิวจะไปต่อท้ายแถวของบริการที่เลือก",
        "The ticket joins the end of the chosen service's queue.",
    ),
    "cancel": ("ยกเลิก (Esc)", "Cancel (Esc)"),
}
_t = partial(lookup, _TEXT)  # _t(key, lang, **values)


class TransferDialog(ModalScreen[str | None]):
    """Lists ``services`` (the ones other than the ticket's own); dismisses with a service id, or None."""

    DEFAULT_CSS = """
    TransferDialog {
        align: center middle;
        background: $background 60%;
    }
    TransferDialog > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    TransferDialog #transfer-title { text-style: bold; width: 1fr; }
    TransferDialog #transfer-explain { margin-bottom: 1; width: 1fr; }
    TransferDialog OptionList { height: auto; max-height: 11; }
    TransferDialog Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, number: str, services: Sequence[Service], *, lang: str = "th") -> None:
        super().__init__()
        self.number = number
        self.services = tuple(services)
        self.lang = lang

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical():
            yield Label(_t("title", lang, number=self.number), id="transfer-title")
            yield Label(_t("explain", lang), id="transfer-explain")
            yield OptionList(
                *(Option(f"{s.prefix}  {s.name(lang)}", id=s.id) for s in self.services),
                id="transfer-services",
            )
            with Horizontal():
                yield Button(_t("cancel", lang), id="transfer-cancel")

    def on_mount(self) -> None:
        self.query_one("#transfer-services", OptionList).focus()

    @on(OptionList.OptionSelected, "#transfer-services")
    def _service_chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Button.Pressed, "#transfer-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
