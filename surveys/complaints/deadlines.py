"""Due dates: a complaint is handled (done, or explained) within 15 days of the day it was received.

Counted in calendar days unless the plan says working days (``DeadlineTarget.days``): then Monday to
Friday, not a Thai public holiday (the ``holidays`` package's table for Thailand, which ships with the
package: nothing is fetched). The day received does not count: received on a Monday with 1 calendar
day, it is due on the Tuesday; with 1 working day, on the next working day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

DAYS = 15  # the plan's promise (project 9): handled within 15 days, or the complainant is told why
CALENDAR, WORKING = "calendar", "working"
DayKind = Literal["calendar", "working"]


@lru_cache(maxsize=32)
def _thai_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("TH", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Thai public holiday."""
    return day.weekday() < 5 and day not in _thai_holidays(day.year)


def due_date(received: date, days: int = DAYS, kind: str = CALENDAR) -> date:
    """The last day to handle a complaint received on ``received``: ``days`` calendar or working days on."""
    if days < 0:
        raise ValueError("days must not be negative")
    if kind == CALENDAR:
        return received + timedelta(days=days)
    if kind != WORKING:
        raise ValueError(f"unknown kind of days {kind!r} (calendar or working)")
    day, left = received, days
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day
