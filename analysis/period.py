"""The period a report covers: a fiscal year (B.E.), its first half (the integrity assessment's 6-month
round, 1 October – 31 March), or any two days; with its Thai and English labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from surveys.content.thaidate import fiscal_year, fiscal_year_bounds, format_date, format_fiscal_year

ROUNDS = ("6m", "12m")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included
    fy: int | None  # the fiscal year (B.E.) when the period is one, or its first half
    round: str | None  # "6m", "12m" or None

    def to_dict(self) -> dict[str, object]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "fy": self.fy,
            "round": self.round,
            "label_th": self.label("th"),
            "label_en": self.label("en"),
        }

    def label(self, lang: str) -> str:
        days = f"{format_date(self.start, lang=lang)} – {format_date(self.end, lang=lang)}"
        if self.fy is None:
            return days
        year = format_fiscal_year(self.fy, lang=lang)
        if self.round == "6m":
            half = "รอบ 6 เดือนแรก" if lang == "th" else "first 6 months"
            return f"{year}, {half} ({days})"
        return f"{year} ({days})"


class PeriodError(ValueError):
    def __init__(self, th: str, en: str) -> None:
        super().__init__(en)
        self.th, self.en = th, en


def fiscal_period(fy: int, round_: str | None = None) -> Period:
    """Fiscal year ``fy`` (B.E.) whole (``round_`` None or "12m") or its first half ("6m")."""
    start, end = fiscal_year_bounds(fy)
    if round_ == "6m":
        end = date(start.year + 1, 3, 31)
    elif round_ not in (None, "12m"):
        raise PeriodError(f"รอบ {round_} ไม่มี (ใช้ 6m หรือ 12m)", f"no round {round_} (use 6m or 12m)")
    return Period(start, end, fy, round_ or "12m")


def days_period(start: date, end: date) -> Period:
    """From ``start`` to ``end`` (both included); it is a fiscal year if it is exactly one."""
    if end < start:
        raise PeriodError(
            f"วันสิ้นสุด {end} อยู่ก่อนวันเริ่ม {start}", f"the last day {end} comes before the first {start}"
        )
    fy = fiscal_year(start)
    whole = fiscal_year_bounds(fy)
    if (start, end) == whole:
        return Period(start, end, fy, "12m")
    if (start, end) == (whole[0], date(whole[0].year + 1, 3, 31)):
        return Period(start, end, fy, "6m")
    return Period(start, end, None, None)
