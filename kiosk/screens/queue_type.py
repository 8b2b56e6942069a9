"""The second step of taking a ticket: an ordinary ticket, or one for a priority group."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from kiosk.widgets.big_choice import BigChoice
from surveys.counter.settings import Choice, Service

NORMAL = "normal"
BACK = "back"


class QueueTypeChosen(Message):
    """A person chose the kind of ticket: ``priority`` is a priority group's id, or None (ordinary)."""

    def __init__(self, service: str, priority: str | None) -> None:
        super().__init__()
        self.service = service
        self.priority = priority


class QueueTypeScreen(Screen[None]):
    """ "ปกติ" first and largest, then the priority groups, then back."""

    def __init__(self, service: Service, groups: tuple[Choice, ...], rule: str, lang: str) -> None:
        super().__init__()
        self.service = service
        self.groups = groups
        self.rule = rule
        self.lang = lang
        self._chosen = False

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        yield Static(f"{self.service.prefix}  {self.service.name(self.lang)}", id="service-name")
        yield Static("เลือกประเภทคิว" if th else "Which queue?", classes="heading")
        yield BigChoice("ปกติ" if th else "Normal", NORMAL, id="normal")
        yield Static("คิวพิเศษสำหรับ" if th else "Priority queue for", classes="subheading")
        with Horizontal(id="priority-groups"):
            for group in self.groups:
                yield BigChoice(
                    group.label(self.lang), group.id, id=f"priority-{group.id}", classes="priority"
                )
        yield Static(self.rule, classes="hint")
        with Center():
            yield BigChoice("ย้อนกลับ" if th else "Back", BACK, id="back", classes="back")

    @on(BigChoice.Chosen)
    def _chosen_kind(self, event: BigChoice.Chosen) -> None:
        event.stop()
        if self._chosen:
            return  # a second tap before the ticket screen shows: one ticket per visit
        if event.value == BACK:
            self.dismiss()
            return
        self._chosen = True
        priority = None if event.value == NORMAL else event.value
        self.post_message(QueueTypeChosen(self.service.id, priority))
