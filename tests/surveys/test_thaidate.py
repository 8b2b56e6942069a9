"""The Thai calendar: B.E. years, the fiscal year's edges in Bangkok time, dates as Thai people write them."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.content.thaidate import (
    BANGKOK,
    be_year,
    fiscal_year,
    fiscal_year_bounds,
    format_date,
    format_datetime,
    format_fiscal_year,
    format_time,
    from_thai_digits,
    now_bangkok,
    to_thai_digits,
)

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"


def test_pythainlp_runs_offline_and_read_only() -> None:
    assert os.environ["PYTHAINLP_OFFLINE"] == "1"
    assert os.environ["PYTHAINLP_READ_ONLY"] == "1"


def test_now_is_aware_bangkok_time() -> None:
    now = now_bangkok()
    assert now.utcoffset() == timedelta(hours=7)
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)


# -- years --------------------------------------------------------------------------------------


def test_be_year() -> None:
    assert be_year(date(2024, 10, 1)) == 2567
    assert be_year(datetime(2024, 12, 31, 18, 0, tzinfo=UTC)) == 2568  # already 1 Jan in Bangkok


@pytest.mark.parametrize(
    ("moment", "fy"),
    [
        (date(2024, 9, 30), 2567),
        (date(2024, 10, 1), 2568),
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
        (datetime(2024, 9, 30, 23, 59, 59, tzinfo=BANGKOK), 2567),
        (datetime(2024, 10, 1, 0, 0, tzinfo=BANGKOK), 2568),
        (datetime(2024, 9, 30, 16, 59, tzinfo=UTC), 2567),  # 23:59 in Bangkok
        (datetime(2024, 9, 30, 17, 0, tzinfo=UTC), 2568),  # UTC still says 30 Sep; Bangkok says 1 Oct
        (datetime(2024, 10, 1, 0, 30, tzinfo=timezone(timedelta(hours=9))), 2567),  # Tokyo: Bangkok 22:30
        (datetime(2024, 9, 30, 23, 59), 2567),  # naive: taken as Bangkok time
        (datetime(2024, 10, 1, 0, 0), 2568),
    ],
)
def test_fiscal_year_edges(moment: date, fy: int) -> None:
    assert fiscal_year(moment) == fy


def test_fiscal_year_bounds() -> None:
    assert fiscal_year_bounds(2568) == (date(2024, 10, 1), date(2025, 9, 30))
    with pytest.raises(ValueError, match="Buddhist Era"):
        fiscal_year_bounds(2025)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31)))
def test_a_day_lies_within_its_fiscal_year(day: date) -> None:
    fy = fiscal_year(day)
    first, last = fiscal_year_bounds(fy)
    assert first <= day <= last
    assert fiscal_year(first) == fiscal_year(last) == fy
    assert fiscal_year(first - timedelta(days=1)) == fy - 1
    assert fiscal_year(last + timedelta(days=1)) == fy + 1
    assert (first.month, first.day, last.month, last.day) == (10, 1, 9, 30)


@given(
    st.datetimes(
        min_value=datetime(1950, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, BANGKOK, timezone(timedelta(hours=-5))]),
    )
)
def test_aware_times_count_by_the_bangkok_date(moment: datetime) -> None:
    local = moment.astimezone(BANGKOK)
    assert fiscal_year(moment) == fiscal_year(local.date())
    assert be_year(moment) == local.year + 543


# -- formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({}, "1 ตุลาคม 2567"),
        ({"style": "short"}, "1 ต.ค. 67"),
        ({"thai_digits": True}, "๑ ตุลาคม ๒๕๖๗"),
        ({"style": "short", "thai_digits": True}, "๑ ต.ค. ๖๗"),
        ({"lang": "en"}, "1 October 2024"),
        ({"lang": "en", "style": "short"}, "1 Oct 2024"),
    ],
)
def test_format_date(kwargs: dict[str, object], text: str) -> None:
    assert format_date(date(2024, 10, 1), **kwargs) == text  # type: ignore[arg-type]


def test_format_datetime_in_bangkok_time() -> None:
    moment = datetime(2024, 10, 1, 2, 5, tzinfo=UTC)  # 09:05 in Bangkok
    assert format_datetime(moment) == "1 ตุลาคม 2567 09:05 น."
    assert format_datetime(moment, thai_digits=True) == "๑ ตุลาคม ๒๕๖๗ ๐๙:๐๕ น."
    assert format_datetime(moment, style="short") == "1 ต.ค. 67 09:05 น."
    assert format_datetime(moment, lang="en") == "1 October 2024 09:05"
    assert format_time(datetime(2024, 9, 30, 17, 0, tzinfo=UTC)) == "00:00 น."
    assert format_date(datetime(2024, 9, 30, 17, 0, tzinfo=UTC)) == "1 ตุลาคม 2567"


def test_format_fiscal_year() -> None:
    assert format_fiscal_year(2568) == "ปีงบประมาณ พ.ศ. 2568"
    assert format_fiscal_year(2568, thai_digits=True) == "ปีงบประมาณ พ.ศ. ๒๕๖๘"
    assert format_fiscal_year(2568, lang="en") == "fiscal year 2025 (B.E. 2568)"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31)))
def test_every_thai_date_names_its_be_year(day: date) -> None:
    text = format_date(day)
    assert text.startswith(f"{day.day} ") and text.endswith(f" {day.year + 543}")
    assert from_thai_digits(format_date(day, thai_digits=True)) == text
    assert not any(c.isascii() and c.isdigit() for c in format_date(day, thai_digits=True))


# -- digits -------------------------------------------------------------------------------------


def test_digits() -> None:
    assert to_thai_digits("คิว A-2568") == "คิว A-๒๕๖๘"
    assert from_thai_digits("๐๙:๐๕ น.") == "09:05 น."
    assert to_thai_digits("") == from_thai_digits("") == ""


@given(st.text())
def test_digits_round_trip(text: str) -> None:
    if not any(c in THAI_DIGITS for c in text):
        assert from_thai_digits(to_thai_digits(text)) == text
    if not any(c in "0123456789" for c in text):
        assert to_thai_digits(from_thai_digits(text)) == text
    assert not any(c in "0123456789" for c in to_thai_digits(text))
    assert not any(c in THAI_DIGITS for c in from_thai_digits(text))
