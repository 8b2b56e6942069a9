"""The rating, one question per screen: the overall question with five big faces first, then one
skippable screen per aspect, each with "จบการประเมิน" (finish) to stop there.

No free text at the kiosk: a touch screen has no keyboard, and an on-screen Thai keyboard is slow
going for the few who would use it. The instrument's suggestion item stays for other channels."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from kiosk.widgets.big_choice import BigChoice
from surveys.content.instruments import LIKERT5, Instrument, Item

# The five faces, drawn four rows high (the board's Digits are three): an emoji is one row, too small
# to see from a step back, and terminals disagree on its width. The word goes under the face.
FACES = {
    5: ("  ●   ●  ", "         ", "╲       ╱", " ╲_____╱ "),
    4: ("  ●   ●  ", "         ", " ╲     ╱ ", "  ╲___╱  "),
    3: ("  ●   ●  ", "         ", "         ", " ─────── "),
    2: ("  ●   ●  ", "         ", "  ╱‾‾‾╲  ", " ╱     ╲ "),
    1: ("  ●   ●  ", "  _____  ", " ╱     ╲ ", "╱       ╲"),
}
SKIP = "skip"
FINISH = "finish"
READ_GUARD_SECONDS = 0.25  # a press sooner than this after a question appears is not an answer
KIOSK_TYPES = ("likert5", "single")  # what a touch screen can ask without a keyboard
Answer = int | str | None


def kiosk_items(instrument: Instrument) -> tuple[Item, ...]:
    """The questions the kiosk asks, in its order: required ones first (the overall question), then the
    other choice questions. Free text, multiple-choice and number items are not asked at the kiosk."""
    items = [i for i in instrument.all_items() if i.type in KIOSK_TYPES]
    return (*(i for i in items if i.required), *(i for i in items if not i.required))


class AnswerGiven(Message):
    """An answer to one question; ``value`` None means skipped. ``finish``: no more questions, send
    the answers given so far."""

    def __init__(self, item_id: str, value: Answer, *, finish: bool = False) -> None:
        super().__init__()
        self.item_id = item_id
        self.value = value
        self.finish = finish


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

    def _answer(self, value: Answer, *, finish: bool = False) -> None:
        if self._answered or self._clock() - self._shown < self.guard_seconds:
            return  # faster than anyone reads, or a second tap
        self._answered = True
        self.post_message(AnswerGiven(self.item.id, value, finish=finish))


class QuestionScreen(_QuestionScreen):
    """A five-level (or single-choice) question as big choices; when it is optional (every question
    after the overall one), "skip" and "finish" under it."""

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        yield from self._header()
        with Horizontal(id="choices"):
            if self.item.type == "likert5":
                for point in LIKERT5:
                    label = point.label_th if th else point.label_en
                    yield BigChoice(
                        "\n".join((*FACES[point.value], "", label)),
                        str(point.value),
                        id=f"level-{point.value}",
                        classes=f"choice level-{point.value}",
                    )
            else:
                for choice in self.item.choices or ():
                    label = choice.label_th if th else choice.label_en
                    yield BigChoice(label, choice.value, id=f"choice-{choice.value}", classes="choice")
        if not self.item.required:
            with Horizontal(id="question-actions"):
                yield BigChoice("ข้ามข้อนี้" if th else "Skip this one", SKIP, id="skip", classes="skip")
                yield BigChoice("จบการประเมิน" if th else "Finish", FINISH, id="finish", classes="finish")

    @on(BigChoice.Chosen)
    def _chosen(self, event: BigChoice.Chosen) -> None:
        event.stop()
        if event.value == SKIP:
            self._answer(None)
        elif event.value == FINISH:
            self._answer(None, finish=True)
        elif self.item.type == "likert5":
            self._answer(int(event.value))
        else:
            self._answer(event.value)
