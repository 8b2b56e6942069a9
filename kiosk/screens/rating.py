"""The rating, one question per screen: the overall question with five big faces first, then one
skippable screen per aspect, then an optional suggestion that most people skip."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from kiosk.widgets.big_choice import BigChoice
from surveys.instruments import LIKERT5, Instrument, Item

FACES = {5: "😀", 4: "🙂", 3: "😐", 2: "🙁", 1: "😞"}
SKIP = "skip"
SEND = "send"
READ_GUARD_SECONDS = 0.25  # a press sooner than this after a question appears is not an answer
KIOSK_TYPES = ("likert5", "single", "text")  # what a touch screen can ask without a keyboard
Answer = int | str | None


def kiosk_items(instrument: Instrument) -> tuple[Item, ...]:
    """The questions the kiosk asks, in its order: required ones first (the overall question),
    then the other choice questions, then free text. Multiple-choice and number items are not asked."""
    items = [i for i in instrument.all_items() if i.type in KIOSK_TYPES]
    required = [i for i in items if i.required]
    choices = [i for i in items if not i.required and i.type != "text"]
    texts = [i for i in items if not i.required and i.type == "text"]
    return (*required, *choices, *texts)


class AnswerGiven(Message):
    """An answer to one question; ``value`` None means skipped."""

    def __init__(self, item_id: str, value: Answer) -> None:
        super().__init__()
        self.item_id = item_id
        self.value = value


class _QuestionScreen(Screen[None]):
    def __init__(
        self,
        item: Item,
        lang: str,
        step: int,
        total: int,
        *,
        guard_seconds: float = READ_GUARD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(classes="question-screen")
        self.item = item
        self.lang = lang
        self.step = step
        self.total = total
        self.guard_seconds = guard_seconds
        self._clock = clock
        self._shown = clock()
        self._answered = False

    def _header(self) -> ComposeResult:
        th = self.lang == "th"
        yield Static(
            f"ข้อ {self.step} จาก {self.total}" if th else f"Question {self.step} of {self.total}",
            classes="step",
        )
        yield Static(self.item.label_th if th else self.item.label_en, id="question", classes="question")
        hint = self.item.hint_th if th else self.item.hint_en
        yield Static(hint or "", id="question-hint", classes="hint")

    def on_mount(self) -> None:
        self._shown = self._clock()

    def on_screen_resume(self) -> None:
        self._shown = self._clock()

    def _answer(self, value: Answer) -> None:
        if self._answered or self._clock() - self._shown < self.guard_seconds:
            return  # faster than anyone reads, or a second tap
        self._answered = True
        self.post_message(AnswerGiven(self.item.id, value))


class QuestionScreen(_QuestionScreen):
    """A five-level (or single-choice) question as big choices, with "skip" when it is optional."""

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        yield from self._header()
        with Horizontal(id="choices"):
            if self.item.type == "likert5":
                for point in LIKERT5:
                    label = point.label_th if th else point.label_en
                    yield BigChoice(
                        f"{FACES[point.value]}\n{label}",
                        str(point.value),
                        id=f"level-{point.value}",
                        classes=f"choice level-{point.value}",
                    )
            else:
                for choice in self.item.choices or ():
                    label = choice.label_th if th else choice.label_en
                    yield BigChoice(label, choice.value, id=f"choice-{choice.value}", classes="choice")
        if not self.item.required:
            with Center():
                yield BigChoice("ข้าม" if th else "Skip", SKIP, id="skip", classes="skip")

    @on(BigChoice.Chosen)
    def _chosen(self, event: BigChoice.Chosen) -> None:
        event.stop()
        if event.value == SKIP:
            self._answer(None)
        elif self.item.type == "likert5":
            self._answer(int(event.value))
        else:
            self._answer(event.value)


class SuggestionScreen(_QuestionScreen):
    """Free text, optional: a box to type in and a big "none / skip"."""

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        yield from self._header()
        yield Input(
            placeholder="พิมพ์ข้อเสนอแนะ (ไม่บังคับ)" if th else "Type a suggestion (optional)",
            max_length=self.item.max_length or 0,
            id="suggestion",
        )
        with Horizontal(id="suggestion-actions"):
            yield BigChoice("ไม่มี / ข้าม" if th else "None / Skip", SKIP, id="skip", classes="skip")
            yield BigChoice("ส่งข้อเสนอแนะ" if th else "Send", SEND, id="send", classes="send")

    @on(BigChoice.Chosen)
    def _chosen(self, event: BigChoice.Chosen) -> None:
        event.stop()
        if event.value == SKIP:
            self._answer(None)
        else:
            self._send()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._send()

    def _send(self) -> None:
        text = self.query_one("#suggestion", Input).value.strip()
        self._answer(text or None)
