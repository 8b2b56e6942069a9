"""Answers to an instrument: checking one response, and the numbers analysis builds on.

All pure functions over an :class:`~surveys.content.instruments.Instrument` and a mapping of item id → answer.
An answer is, by item type:

- ``likert5``: an ``int`` 1–5 (see :data:`~surveys.content.instruments.LIKERT5`);
- ``single``: a choice value (``str``);
- ``multiple``: a list or tuple of distinct choice values;
- ``number``: an ``int`` (or a ``float`` when the item is not ``integer``);
- ``text``: a ``str`` of at most ``max_length`` characters.

``None``, an empty or blank string and an empty list all mean "not answered" (a skipped item).
``bool`` is never a number here: ``True`` is not a score of 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from surveys.bilingual import pick
from surveys.content.instruments import LIKERT5_VALUES, Instrument, Item


@dataclass(frozen=True)
class AnswerProblem:
    """Why one answer cannot be accepted, in words for the person answering."""

    item_id: str
    code: str
    message_th: str
    message_en: str

    def text(self, lang: str) -> str:
        return pick(lang, self.message_th, self.message_en)


def is_unanswered(value: object) -> bool:
    """A skipped item: no value, blank text or no choice picked."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and len(value) == 0


def validate_answers(instrument: Instrument, answers: Mapping[str, object]) -> list[AnswerProblem]:
    """Every problem with one response, in the order of the form; unknown item ids come last."""
    problems: list[AnswerProblem] = []
    items = instrument.all_items()
    for item in items:
        value = answers.get(item.id)
        if is_unanswered(value):
            if item.required and item.is_relevant(answers):
                problems.append(_problem(item.id, "answer.required"))
            continue
        problem = _check(item, value)
        if problem is not None:
            problems.append(problem)
    known = {item.id for item in items}
    for key in sorted(k for k in answers if k not in known):
        problems.append(_problem(key, "answer.unknown_item", id=key))
    return problems


def _check(item: Item, value: object) -> AnswerProblem | None:
    if item.type == "likert5":
        if not _is_int(value):
            return _problem(item.id, "answer.wrong_type", kind_th="ระดับ 1 ถึง 5", kind_en="a level 1 to 5")
        if value not in LIKERT5_VALUES:
            return _problem(item.id, "answer.out_of_range_likert", got=value)
        return None
    if item.type == "single":
        if not isinstance(value, str):
            return _problem(item.id, "answer.wrong_type", kind_th="ตัวเลือกหนึ่งตัวเลือก", kind_en="one choice")
        if value not in item.choice_values():
            return _problem(item.id, "answer.not_a_choice", got=value)
        return None
    if item.type == "multiple":
        return _check_multiple(item, value)
    if item.type == "number":
        return _check_number(item, value)
    return _check_text(item, value)


def _check_multiple(item: Item, value: object) -> AnswerProblem | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return _problem(item.id, "answer.wrong_type", kind_th="รายการตัวเลือก", kind_en="a list of choices")
    picked: Sequence[str] = value
    for choice in picked:
        if choice not in item.choice_values():
            return _problem(item.id, "answer.not_a_choice", got=choice)
    repeated = next((v for i, v in enumerate(picked) if v in picked[:i]), None)
    if repeated is not None:
        return _problem(item.id, "answer.duplicate_choice", got=repeated)
    if item.max_selections is not None and len(picked) > item.max_selections:
        return _problem(item.id, "answer.too_many_choices", n=item.max_selections)
    if item.min_selections is not None and len(picked) < item.min_selections:
        return _problem(item.id, "answer.too_few_choices", n=item.min_selections)
    return None


def _check_number(item: Item, value: object) -> AnswerProblem | None:
    if not (_is_int(value) or isinstance(value, float)) or isinstance(value, bool):
        return _problem(item.id, "answer.wrong_type", kind_th="ตัวเลข", kind_en="a number")
    assert isinstance(value, int | float)
    if isinstance(value, float) and not math.isfinite(value):
        return _problem(item.id, "answer.wrong_type", kind_th="ตัวเลข", kind_en="a number")
    if item.integer and not isinstance(value, int):
        return _problem(item.id, "answer.not_integer")
    low, high = item.min, item.max
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            return _problem(item.id, "answer.out_of_range", low=_num(low), high=_num(high))
        if low is not None:
            return _problem(item.id, "answer.below_min", low=_num(low))
        assert high is not None
        return _problem(item.id, "answer.above_max", high=_num(high))
    return None


def _check_text(item: Item, value: object) -> AnswerProblem | None:
    if not isinstance(value, str):
        return _problem(item.id, "answer.wrong_type", kind_th="ข้อความ", kind_en="text")
    limit = item.max_length
    if limit is not None and len(value) > limit:
        return _problem(item.id, "answer.too_long", n=limit, got=len(value))
    return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# code → (Thai, English). Codes that share a meaning share a prefix (answer.out_of_range*).
_MESSAGES: dict[str, tuple[str, str]] = {
    "answer.required": ("กรุณาตอบข้อนี้", "Please answer this question."),
    "answer.unknown_item": (
        "ไม่มีข้อ {id!r} ในแบบสอบถามนี้",
        "There is no question {id!r} in this survey.",
    ),
    "answer.wrong_type": (
        "รูปแบบคำตอบไม่ถูกต้อง ข้อนี้ต้องตอบเป็น{kind_th}",
        "This answer is in the wrong form: it should be {kind_en}.",
    ),
    "answer.not_a_choice": (
        "{got!r} ไม่ใช่ตัวเลือกของข้อนี้ กรุณาเลือกจากตัวเลือกที่มีให้",
        "{got!r} is not one of the choices; please pick one of the given choices.",
    ),
    "answer.duplicate_choice": (
        "เลือก {got!r} ซ้ำ กรุณาเลือกแต่ละตัวเลือกเพียงครั้งเดียว",
        "{got!r} is picked twice; please pick each choice only once.",
    ),
    "answer.too_many_choices": (
        "เลือกได้ไม่เกิน {n} ตัวเลือก",
        "Please choose no more than {n}.",
    ),
    "answer.too_few_choices": (
        "กรุณาเลือกอย่างน้อย {n} ตัวเลือก",
        "Please choose at least {n}.",
    ),
    "answer.out_of_range_likert": (
        "กรุณาเลือกระดับ 1 ถึง 5 (ได้ {got})",
        "Please choose a level from 1 to 5 (got {got}).",
    ),
    "answer.out_of_range": (
        "กรุณาใส่ตัวเลขตั้งแต่ {low} ถึง {high}",
        "Please enter a number from {low} to {high}.",
    ),
    "answer.below_min": ("กรุณาใส่ตัวเลขไม่น้อยกว่า {low}", "Please enter a number of at least {low}."),
    "answer.above_max": ("กรุณาใส่ตัวเลขไม่เกิน {high}", "Please enter a number of at most {high}."),
    "answer.not_integer": (
        "กรุณาใส่จำนวนเต็ม (ไม่มีทศนิยม)",
        "Please enter a whole number.",
    ),
    "answer.too_long": (
        "ข้อความยาวเกินไป กรุณาเขียนไม่เกิน {n} ตัวอักษร (ตอนนี้ {got})",
        "The text is too long; please keep it within {n} characters (now {got}).",
    ),
}

# Codes with variants report under the common code; the variant only picks the wording.
_CODE = {
    "answer.out_of_range_likert": "answer.out_of_range",
    "answer.below_min": "answer.out_of_range",
    "answer.above_max": "answer.out_of_range",
}

ANSWER_CODES: frozenset[str] = frozenset(_CODE.get(code, code) for code in _MESSAGES)


def _problem(item_id: str, key: str, **values: object) -> AnswerProblem:
    th, en = _MESSAGES[key]
    return AnswerProblem(item_id, _CODE.get(key, key), th.format(**values), en.format(**values))


# -- numbers for analysis -------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """The scored likert items of one response: each value, and their mean (None if none answered)."""

    items: Mapping[str, int] = field(default_factory=dict)

    @property
    def mean(self) -> float | None:
        if not self.items:
            return None
        return sum(self.items.values()) / len(self.items)

    @property
    def answered(self) -> int:
        return len(self.items)


def likert_values(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, int]:
    """Every likert5 answer (scored or not) that is a valid level 1–5, by item id, in form order."""
    return {
        item.id: value
        for item in instrument.all_items()
        if item.type == "likert5"
        and _is_int(value := answers.get(item.id))
        and isinstance(value, int)
        and value in LIKERT5_VALUES
    }


def score(instrument: Instrument, answers: Mapping[str, object]) -> Score:
    """The scored items of one response; skipped or invalid answers are left out, not counted as 0."""
    values = likert_values(instrument, answers)
    return Score({item.id: values[item.id] for item in instrument.scored_items() if item.id in values})


def mean_score(instrument: Instrument, answers: Mapping[str, object]) -> float | None:
    """The mean (1–5) of the scored items this response answered; None if it answered none."""
    return score(instrument, answers).mean


@dataclass(frozen=True)
class Compliance:
    """The compliance items of one response (item id → complied) and the verdict for the person.

    ``complies`` is True when every compliance item is answered with its compliant value, False when
    any answered one is not, and None when some are unanswered and the rest comply (or there are none).
    """

    items: Mapping[str, bool]
    complies: bool | None


def compliance(instrument: Instrument, answers: Mapping[str, object]) -> Compliance:
    """Whether one respondent follows the policy the instrument's compliance items ask about."""
    marked = instrument.compliance_items()
    items = {
        item.id: answers[item.id] == item.compliant_value
        for item in marked
        if not is_unanswered(answers.get(item.id))
    }
    if not marked:
        return Compliance(items, None)
    if not all(items.values()):
        return Compliance(items, False)
    return Compliance(items, True if len(items) == len(marked) else None)
