"""XLSForm ``relevant`` conditions: what the kit evaluates, and what it refuses."""

from __future__ import annotations

import pytest

from surveys.content.conditions import ConditionError, evaluate, names_in, parse_condition


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("${visited} = 'yes'", {"visited": "yes"}, True),
        ("${visited} = 'yes'", {"visited": "no"}, False),
        ("${visited} = 'yes'", {}, False),
        ("${reason} != ''", {}, False),  # skipped compares as ''
        ("${reason} != ''", {"reason": "queue"}, True),
        ("${overall} <= 2", {"overall": 2}, True),
        ("${overall} <= 2", {"overall": 3}, False),
        ("${overall} <= 2", {}, False),  # a skipped number is not ≤ 2
        ("${age} >= 18 and ${age} < 60", {"age": 30}, True),
        ("${age} >= 18 and ${age} < 60", {"age": 60}, False),
        ("${a} = 'x' or ${b} = 'y'", {"b": "y"}, True),
        ("not(${a} = 'x')", {"a": "z"}, True),
        ("selected(${topics}, 'tax')", {"topics": ["roads", "tax"]}, True),
        ("selected(${topics}, 'tax')", {"topics": ["roads"]}, False),
        ("(${a} = 'x' or ${a} = 'y') and not(selected(${t}, 'n'))", {"a": "y", "t": ["m"]}, True),
        ("${overall} = '5'", {"overall": 5}, True),  # a likert answer compared with a quoted level
    ],
)
def test_conditions_evaluate_like_xlsform(text: str, answers: dict[str, object], expected: bool) -> None:
    assert evaluate(parse_condition(text), answers) is expected


def test_names_in_lists_every_answer_read() -> None:
    assert names_in(parse_condition("${a} = 'x' or (selected(${b}, 'y') and not(${c} > 1))")) == {
        "a",
        "b",
        "c",
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("string-length(${a}) > 3", "the function string-length() is not supported"),
        ("${a} + 1 > 3", "cannot read the condition at '+'"),
        ("${a} = ${b}", "after = comes a quoted text or a number"),
        (". > 3", "cannot read the condition at '.'"),
        ("${a} = 'x' and", "a condition refers to an answer as ${name}"),
        ("", "the condition is empty"),
    ],
)
def test_what_the_kit_cannot_evaluate_is_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(text)
    assert reason in caught.value.en
    assert caught.value.th
