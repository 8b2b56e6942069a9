"""The Thai calendar: Bangkok time, Buddhist Era years, the fiscal year, dates as Thai people write them.

- B.E. = C.E. + 543; the fiscal year (ปีงบประมาณ) runs 1 October – 30 September and is named by the
  B.E. year it ends in: FY 2568 is 1 Oct 2024 – 30 Sep 2025.
- An aware datetime is first converted to Asia/Bangkok; a naive one is taken as Bangkok time already.
- Thai month names and digits come from PyThaiNLP, which runs offline and read-only here.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from pythainlp.util import (
    arabic_digit_to_thai_digit,
    thai_digit_to_arabic_digit,
    thai_strftime,
)

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
FISCAL_YEAR_START_MONTH = 10  # October

Style = Literal["long", "short"]

# English month names, fixed so that the machine's locale never changes them.
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def now_bangkok() -> datetime:
    """The current time in Bangkok, timezone-aware."""
    return datetime.now(BANGKOK)


def _local(d: date | datetime) -> date | datetime:
    if isinstance(d, datetime) and d.tzinfo is not None:
        return d.astimezone(BANGKOK)
    return d


def be_year(d: date | datetime) -> int:
    """The Buddhist Era year of a day (of its Bangkok date, for an aware datetime)."""
    return _local(d).year + BE_OFFSET


def fiscal_year(d: date | datetime) -> int:
    """The fiscal year (B.E.) a day falls in: 1 Oct 2024 – 30 Sep 2025 is 2568."""
    local = _local(d)
    year = local.year + 1 if local.month >= FISCAL_YEAR_START_MONTH else local.year
    return year + BE_OFFSET


def fiscal_year_bounds(fy_be: int) -> tuple[date, date]:
    """The first and last day of a fiscal year given in B.E.: 2568 → (2024-10-01, 2025-09-30)."""
    if fy_be < 2400:
        raise ValueError(f"a fiscal year is a Buddhist Era year such as 2568, not {fy_be}")
    end_year = fy_be - BE_OFFSET
    return date(end_year - 1, FISCAL_YEAR_START_MONTH, 1), date(end_year, 9, 30)


def to_thai_digits(text: str) -> str:
    """``"2568"`` → ``"๒๕๖๘"``; everything but the digits is left as it is."""
    return str(arabic_digit_to_thai_digit(text)) if text else text


def from_thai_digits(text: str) -> str:
    """``"๒๕๖๘"`` → ``"2568"``; everything but the digits is left as it is."""
    return str(thai_digit_to_arabic_digit(text)) if text else text


def format_date(
    d: date | datetime, *, lang: str = "th", thai_digits: bool = False, style: Style = "long"
) -> str:
    """A day as people read it.

    Thai long ``1 ตุลาคม 2567``, short ``1 ต.ค. 67`` (B.E.); English long ``1 October 2024``,
    short ``1 Oct 2024`` (C.E.). ``thai_digits`` writes Thai numerals (Thai only).
    """
    local = _local(d)
    if lang != "th":
        month = _MONTHS_EN[local.month - 1]
        return f"{local.day} {month if style == 'long' else month[:3]} {local.year}"
    moment = datetime.combine(local, time()) if not isinstance(local, datetime) else local
    text = thai_strftime(moment, "%-d %B %Y" if style == "long" else "%-d %b %y")
    return to_thai_digits(text) if thai_digits else text


def format_time(d: datetime, *, lang: str = "th", thai_digits: bool = False) -> str:
    """``09:05 น.`` in Thai, ``09:05`` in English (Bangkok time)."""
    local = d.astimezone(BANGKOK) if d.tzinfo is not None else d
    text = f"{local.hour:02d}:{local.minute:02d}"
    if lang != "th":
        return text
    text += " น."
    return to_thai_digits(text) if thai_digits else text


def format_datetime(
    d: datetime, *, lang: str = "th", thai_digits: bool = False, style: Style = "long"
) -> str:
    """``1 ตุลาคม 2567 09:05 น.`` / ``1 October 2024 09:05`` (Bangkok time)."""
    day = format_date(d, lang=lang, thai_digits=thai_digits, style=style)
    return f"{day} {format_time(d, lang=lang, thai_digits=thai_digits)}"


def format_fiscal_year(fy_be: int, *, lang: str = "th", thai_digits: bool = False) -> str:
    """``ปีงบประมาณ พ.ศ. 2568`` / ``fiscal year 2025 (B.E. 2568)``."""
    if lang != "th":
        return f"fiscal year {fy_be - BE_OFFSET} (B.E. {fy_be})"
    text = f"ปีงบประมาณ พ.ศ. {fy_be}"
    return to_thai_digits(text) if thai_digits else text
