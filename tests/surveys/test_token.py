"""Ticket codes: unforgeable, typo-proof, and readable through a Thai keyboard layout."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.counter.token import CodeError, code_matches, make_code, normalise, parse_code

KEY = bytes(range(32))
THAI_KEYS = dict(zip("1234567890", "ๅ/-ภถุึคตจ", strict=True))

ids = st.uuids().map(str)
digits = st.integers(min_value=1, max_value=9)
numbers = st.integers(min_value=0, max_value=999)


@given(ids, digits, numbers)
def test_codes_round_trip_as_printed_and_as_scanned(ticket: str, digit: int, number: int) -> None:
    code = make_code(KEY, ticket, digit, number)
    printed = str(code)
    assert parse_code(printed) == code
    assert parse_code(printed.replace("-", "")) == code
    scanned_in_thai_layout = "".join(THAI_KEYS[c] for c in printed if c.isdigit())
    assert parse_code(scanned_in_thai_layout) == code
    assert code_matches(KEY, ticket, code)


@given(ids, digits, numbers, st.integers(min_value=0, max_value=12), st.integers(min_value=1, max_value=9))
def test_every_single_digit_typo_is_caught(
    ticket: str, digit: int, number: int, where: int, delta: int
) -> None:
    typed = list(str(make_code(KEY, ticket, digit, number)).replace("-", ""))
    typed[where] = str((int(typed[where]) + delta) % 10)
    with pytest.raises(CodeError) as caught:
        parse_code("".join(typed))
    assert caught.value.reason == "check"


@given(ids, digits, numbers, st.integers(min_value=0, max_value=11))
def test_swapping_neighbouring_digits_is_caught(ticket: str, digit: int, number: int, where: int) -> None:
    typed = list(str(make_code(KEY, ticket, digit, number)).replace("-", ""))
    if typed[where] == typed[where + 1]:
        return
    typed[where], typed[where + 1] = typed[where + 1], typed[where]
    with pytest.raises(CodeError):
        parse_code("".join(typed))


def test_a_code_is_bound_to_its_ticket_and_its_key() -> None:
    code = make_code(KEY, "ticket-1", 1, 1)
    assert not code_matches(KEY, "ticket-2", code)
    assert not code_matches(bytes(32), "ticket-1", code)


@pytest.mark.parametrize(
    ("typed", "reason"), [("", "length"), ("1001-4821", "length"), ("12345678901234", "length")]
)
def test_wrong_lengths_are_refused(typed: str, reason: str) -> None:
    with pytest.raises(CodeError) as caught:
        parse_code(typed)
    assert caught.value.reason == reason


def test_thai_digits_are_read_as_digits() -> None:
    assert normalise("๑๐๐๑-๔๘๒๑") == "10014821"
