"""One form being filled in, for both entry modes of a forum or a staff survey (no UI here).

:class:`FormDraft` walks an instrument's items in order, asking only those whose ``relevant`` rule holds
for the answers so far, and keeps the answers; :meth:`FormDraft.final_answers` drops an answer whose
question stopped being asked after a change further up. :class:`NumberKeys` turns digit keys into the
numbers of a list (1–9 at one key each; a longer list waits for a second digit only when one could follow).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from surveys.content.instruments import LIKERT5, Instrument, Item
from surveys.forum.sessions import AgendaItem


@dataclass
class FormDraft:
    """The answers of one form so far and the question now asked (``index`` into ``items``)."""

    instrument: Instrument
    answers: dict[str, Any] = field(default_factory=dict)
    index: int = -1
    votes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.items: tuple[Item, ...] = self.instrument.all_items()
        if self.index < 0:
            self.index = self._next_from(0)

    def _next_from(self, start: int) -> int:
        """The first item at or after ``start`` that is asked; ``len(items)`` when none is left."""
        for i in range(start, len(self.items)):
            if self.items[i].is_relevant(self.final_answers()):
                return i
        return len(self.items)

    @property
    def done(self) -> bool:
        """Every question is answered or skipped (the votes come next)."""
        return self.index >= len(self.items)

    @property
    def item(self) -> Item | None:
        return None if self.done else self.items[self.index]

    def asked(self) -> list[Item]:
        """The items asked, given the answers so far."""
        out: list[Item] = []
        kept: dict[str, Any] = {}
        for item in self.items:
            if item.is_relevant(kept):
                out.append(item)
                if item.id in self.answers:
                    kept[item.id] = self.answers[item.id]
        return out

    def position(self) -> tuple[int, int]:
        """(number of the question now asked, how many are asked), from 1."""
        asked = self.asked()
        item = self.item
        number = asked.index(item) + 1 if item in asked else len(asked)
        return number, len(asked)

    def answer(self, value: Any) -> None:
        """Answer the item now asked (None, "" or [] leave it unanswered) and move to the next one."""
        item = self.item
        if item is None:
            return
        if value in (None, "", []):
            self.answers.pop(item.id, None)
        else:
            self.answers[item.id] = value
        self.index = self._next_from(self.index + 1)

    def back(self) -> bool:
        """Go to the previous question asked (False when at the first)."""
        for i in range(min(self.index, len(self.items)) - 1, -1, -1):
            if self.items[i].is_relevant(self.final_answers()):
                self.index = i
                return True
        return False

    def final_answers(self) -> dict[str, Any]:
        """The answers to the questions asked, in the order of the form."""
        kept: dict[str, Any] = {}
        for item in self.items:
            if item.id in self.answers and item.is_relevant(kept):
                kept[item.id] = self.answers[item.id]
        return kept


def choice_labels(item: Item, lang: str) -> list[tuple[str, str]]:
    """(value, label) of each answer an item offers, in the order of the paper form (likert: 5 … 1)."""
    if item.type == "likert5":
        return [(str(p.value), p.label_th if lang == "th" else p.label_en) for p in LIKERT5]
    return [(c.value, c.label_th if lang == "th" else c.label_en) for c in item.choices or ()]


def agenda_labels(agenda: tuple[AgendaItem, ...]) -> list[tuple[str, str]]:
    return [(a.id, a.title) for a in agenda]


class NumberKeys:
    """Digits → a number from 1 to ``size``: at once when no further digit could make a valid number,
    else after the next digit, or :meth:`flush` (Enter)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.buffer = ""

    def feed(self, digit: str) -> int | None:
        typed = self.buffer + digit
        if int(typed) > self.size or typed == "0":
            self.buffer = ""
            return -1  # not on the list
        if int(typed) * 10 > self.size:
            self.buffer = ""
            return int(typed)
        self.buffer = typed
        return None

    def flush(self) -> int | None:
        typed, self.buffer = self.buffer, ""
        return int(typed) if typed else None
