"""Answers: each problem code with its Thai and English words; scores; compliance; property tests."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.content.answers import (
    ANSWER_CODES,
    AnswerProblem,
    compliance,
    is_unanswered,
    likert_values,
    mean_score,
    score,
    validate_answers,
)
from surveys.content.instruments import BUILTIN_IDS, Instrument, Item, builtin_instruments, parse_instrument

# Every item type, small enough to read at a glance.
FORM = parse_instrument(
    """
id: every-type
version: 1
title_th: ทุกชนิด
title_en: Every type
intro_th: ไม่ต้องระบุชื่อ
intro_en: Anonymous
audience: citizen
anonymous: true
projects: [10]
sections:
  - id: main
    title_th: หลัก
    title_en: Main
    items:
      - {id: overall, type: likert5, label_th: โดยรวม, label_en: Overall, required: true, scored: true}
      - {id: staff, type: likert5, label_th: เจ้าหน้าที่, label_en: Staff, scored: true}
      - {id: mood, type: likert5, label_th: อารมณ์, label_en: Mood}
      - id: channel
        type: single
        label_th: ช่องทาง
        label_en: Channel
        choices:
          - {value: radio, label_th: หอกระจายข่าว, label_en: Loudspeaker}
          - {value: line, label_th: ไลน์, label_en: LINE}
      - id: topics
        type: multiple
        label_th: เรื่อง
        label_en: Topics
        min_selections: 2
        max_selections: 3
        choices:
          - {value: roads, label_th: ถนน, label_en: Roads}
          - {value: water, label_th: น้ำ, label_en: Water}
          - {value: health, label_th: สุขภาพ, label_en: Health}
          - {value: safety, label_th: ความปลอดภัย, label_en: Safety}
      - {id: visits, type: number, label_th: จำนวนครั้ง, label_en: Visits, min: 1, max: 20}
      - {id: minutes, type: number, label_th: นาที, label_en: Minutes, min: 0, integer: false}
      - {id: at_most, type: number, label_th: ไม่เกิน, label_en: At most, max: 10}
      - {id: note, type: text, label_th: ข้อเสนอแนะ, label_en: Suggestion, max_length: 10}
""",
    "every-type.yaml",
)

GOOD: dict[str, object] = {
    "overall": 5,
    "staff": 4,
    "mood": 1,
    "channel": "line",
    "topics": ["roads", "water"],
    "visits": 3,
    "minutes": 12.5,
    "at_most": 10,
    "note": "ดีมากครับ",
}


def test_a_full_good_response_has_no_problems() -> None:
    assert validate_answers(FORM, GOOD) == []


def test_only_required_items_must_be_answered() -> None:
    assert validate_answers(FORM, {"overall": 3}) == []


# answers (merged over GOOD), item, code, Thai words, English words
CASES: list[tuple[str, dict[str, object], str, str, str, str]] = [
    ("required-missing", {"overall": None}, "overall",
        "answer.required", "กรุณาตอบข้อนี้", "Please answer this question."),
    ("required-blank", {"overall": "  "}, "overall",
        "answer.required", "กรุณาตอบข้อนี้", "Please answer"),
    ("unknown-item", {"age": 42}, "age",
        "answer.unknown_item", "ไม่มีข้อ 'age' ในแบบสอบถามนี้", "There is no question 'age'"),
    ("likert-text", {"staff": "5"}, "staff",
        "answer.wrong_type", "รูปแบบคำตอบไม่ถูกต้อง ข้อนี้ต้องตอบเป็นระดับ 1 ถึง 5", "a level 1 to 5"),
    ("likert-bool", {"staff": True}, "staff",
        "answer.wrong_type", "รูปแบบคำตอบไม่ถูกต้อง", "wrong form"),
    ("likert-six", {"staff": 6}, "staff",
        "answer.out_of_range", "กรุณาเลือกระดับ 1 ถึง 5 (ได้ 6)", "from 1 to 5 (got 6)"),
    ("likert-zero", {"mood": 0}, "mood",
        "answer.out_of_range", "กรุณาเลือกระดับ 1 ถึง 5", "from 1 to 5"),
    ("single-other", {"channel": "tv"}, "channel",
        "answer.not_a_choice", "'tv' ไม่ใช่ตัวเลือกของข้อนี้ กรุณาเลือกจากตัวเลือกที่มีให้", "is not one of the choices"),
    ("single-list", {"channel": ["line"]}, "channel",
        "answer.wrong_type", "ตัวเลือกหนึ่งตัวเลือก", "one choice"),
    ("multiple-str", {"topics": "roads"}, "topics",
        "answer.wrong_type", "รายการตัวเลือก", "a list of choices"),
    ("multiple-other", {"topics": ["roads", "tv"]}, "topics",
        "answer.not_a_choice", "'tv' ไม่ใช่ตัวเลือก", "'tv' is not one of"),
    ("multiple-four", {"topics": ["roads", "water", "health", "safety"]}, "topics",
        "answer.too_many_choices", "เลือกได้ไม่เกิน 3 ตัวเลือก", "no more than 3"),
    ("multiple-one", {"topics": ["roads"]}, "topics",
        "answer.too_few_choices", "กรุณาเลือกอย่างน้อย 2 ตัวเลือก", "at least 2"),
    ("multiple-twice", {"topics": ["roads", "roads"]}, "topics",
        "answer.duplicate_choice", "เลือก 'roads' ซ้ำ", "picked twice"),
    ("number-text", {"visits": "3"}, "visits",
        "answer.wrong_type", "ต้องตอบเป็นตัวเลข", "a number"),
    ("number-bool", {"visits": False}, "visits", "answer.wrong_type", "ตัวเลข", "a number"),
    ("number-nan", {"minutes": float("nan")}, "minutes", "answer.wrong_type", "ตัวเลข", "a number"),
    ("number-fraction", {"visits": 2.5}, "visits",
        "answer.not_integer", "กรุณาใส่จำนวนเต็ม", "whole number"),
    ("number-above", {"visits": 21}, "visits",
        "answer.out_of_range", "กรุณาใส่ตัวเลขตั้งแต่ 1 ถึง 20", "from 1 to 20"),
    ("number-below", {"minutes": -0.5}, "minutes",
        "answer.out_of_range", "กรุณาใส่ตัวเลขไม่น้อยกว่า 0", "at least 0"),
    ("number-max-only", {"at_most": 11}, "at_most",
        "answer.out_of_range", "กรุณาใส่ตัวเลขไม่เกิน 10", "at most 10"),
    ("text-long", {"note": "ก" * 11}, "note",
        "answer.too_long", "ข้อความยาวเกินไป กรุณาเขียนไม่เกิน 10 ตัวอักษร (ตอนนี้ 11)", "within 10 characters"),
    ("text-number", {"note": 5}, "note", "answer.wrong_type", "ข้อความ", "text"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "item_id", "code", "words_th", "words_en"),
    [row[1:] for row in CASES],
    ids=[row[0] for row in CASES],
)
def test_each_problem_speaks_politely_in_both_languages(
    answers: dict[str, object], item_id: str, code: str, words_th: str, words_en: str
) -> None:
    problems = validate_answers(FORM, {**GOOD, **answers})
    assert [(p.item_id, p.code) for p in problems] == [(item_id, code)]
    assert words_th in problems[0].message_th
    assert words_en in problems[0].message_en
    assert problems[0].text("th") == problems[0].message_th
    assert problems[0].text("en") == problems[0].message_en


def test_every_code_is_exercised() -> None:
    assert {row[3] for row in CASES} == ANSWER_CODES


def test_problems_come_in_form_order_unknown_last() -> None:
    problems = validate_answers(FORM, {"zz": 1, "aa": 2, "note": 3, "staff": 9})
    assert [p.item_id for p in problems] == ["overall", "staff", "note", "aa", "zz"]
    assert problems[0] == AnswerProblem(
        "overall", "answer.required", "กรุณาตอบข้อนี้", "Please answer this question."
    )


@pytest.mark.parametrize("value", [None, "", "   ", [], ()])
def test_unanswered(value: object) -> None:
    assert is_unanswered(value)


@pytest.mark.parametrize("value", [0, "x", ["a"], False])
def test_answered(value: object) -> None:
    assert not is_unanswered(value)


# -- scores and compliance ----------------------------------------------------------------------


def test_score_is_the_mean_of_answered_scored_items() -> None:
    result = score(FORM, GOOD)
    assert dict(result.items) == {"overall": 5, "staff": 4}  # "mood" is not scored
    assert result.mean == 4.5 and result.answered == 2
    assert likert_values(FORM, GOOD) == {"overall": 5, "staff": 4, "mood": 1}


def test_score_leaves_out_skipped_and_invalid_answers() -> None:
    assert score(FORM, {"overall": 2, "staff": None}).mean == 2
    assert score(FORM, {"overall": 2, "staff": 9}).items == {"overall": 2}
    assert score(FORM, {"overall": True}).mean is None
    assert mean_score(FORM, {}) is None


def test_service_satisfaction_score() -> None:
    form = builtin_instruments()["service-satisfaction"]
    answers = {"overall": 5, "process": 4, "staff": 5, "facilities": 3, "suggestion": "ที่จอดรถน้อย"}
    assert validate_answers(form, answers) == []
    assert mean_score(form, answers) == pytest.approx(17 / 4)


@pytest.mark.parametrize(
    ("answers", "items", "complies"),
    [
        ({"received": "no", "gave": "no"}, {"received": True, "gave": True}, True),
        ({"received": "yes", "gave": "no"}, {"received": False, "gave": True}, False),
        ({"received": "no"}, {"received": True}, None),
        ({"gave": "yes"}, {"gave": False}, False),
        ({}, {}, None),
    ],
)
def test_nogift_compliance(answers: dict[str, object], items: dict[str, bool], complies: bool | None) -> None:
    result = compliance(builtin_instruments()["staff-nogift"], {**answers, "knows_policy": "yes"})
    assert (dict(result.items), result.complies) == (items, complies)


def test_no_compliance_items_no_verdict() -> None:
    assert compliance(FORM, GOOD).complies is None


# -- property: anything a form can produce is valid ---------------------------------------------


def _value(item: Item) -> st.SearchStrategy[Any]:
    if item.type == "likert5":
        return st.integers(1, 5)
    if item.type == "single":
        return st.sampled_from(item.choice_values())
    if item.type == "multiple":
        values = item.choice_values()
        return st.lists(
            st.sampled_from(values),
            min_size=item.min_selections or 1,
            max_size=item.max_selections or len(values),
            unique=True,
        )
    if item.type == "number":
        low = item.min if item.min is not None else -1e6
        high = item.max if item.max is not None else 1e6
        if item.integer:
            return st.integers(int(low), int(high))
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    assert item.max_length is not None
    return st.text(min_size=1, max_size=item.max_length).filter(lambda s: bool(s.strip()))


@st.composite
def responses(draw: st.DrawFn, form: Instrument) -> dict[str, object]:
    answers: dict[str, object] = {}
    for item in form.all_items():
        if item.required or draw(st.booleans()):
            answers[item.id] = draw(_value(item))
        elif draw(st.booleans()):
            answers[item.id] = draw(st.sampled_from([None, "", []]))
    return answers


FORMS = [FORM, *(builtin_instruments()[i] for i in BUILTIN_IDS)]


@given(st.sampled_from(FORMS).flatmap(lambda form: st.tuples(st.just(form), responses(form))))
def test_any_valid_response_validates_clean(case: tuple[Instrument, dict[str, object]]) -> None:
    form, answers = case
    assert validate_answers(form, answers) == []
    result = score(form, answers)
    scored = [answers[i.id] for i in form.scored_items() if isinstance(answers.get(i.id), int)]
    if scored:
        assert result.mean is not None and 1 <= result.mean <= 5
        assert result.mean == pytest.approx(sum(scored) / len(scored))  # type: ignore[arg-type]
    else:
        assert result.mean is None


@given(
    st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.integers(), st.text(), st.lists(st.text())))
)
def test_validation_never_crashes(answers: dict[str, object]) -> None:
    for form in FORMS:
        for problem in validate_answers(form, answers):
            assert problem.code in ANSWER_CODES
            assert problem.message_th and problem.message_en
