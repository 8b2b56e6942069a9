"""What the renderers print for the report's values: verdicts in Thai and English, numbers to two
decimals, table cells, dates in the Buddhist Era, and the Sarabun font files.

Every renderer (HTML, PDF, XLSX, CSV, charts) reads the report dict of ``docs``' schema and formats
through these functions, so a figure reads the same in every file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import fontpkg_sarabun

from surveys.content.thaidate import format_date

FONT_REGULAR: Path = fontpkg_sarabun.ROOT / "files" / "Sarabun-Regular.ttf"
FONT_BOLD: Path = fontpkg_sarabun.ROOT / "files" / "Sarabun-Bold.ttf"
FONT_FAMILY = "Sarabun"

LANGS = ("th", "en")

VERDICTS: dict[str, dict[str, str]] = {
    "met": {"th": "บรรลุ", "en": "met"},
    "not_met": {"th": "ไม่บรรลุ", "en": "not met"},
    "inconclusive": {"th": "ยังสรุปไม่ได้", "en": "inconclusive"},
    "no_data": {"th": "ไม่มีข้อมูล", "en": "no data"},
}
CERTAINTIES: dict[str, dict[str, str]] = {
    "clear": {"th": "ชัดเจน", "en": "clear"},
    "borderline": {
        "th": "ก้ำกึ่ง (ช่วงความเชื่อมั่นคร่อมเกณฑ์)",
        "en": "borderline (the interval straddles the threshold)",
    },
}
COMPARISONS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}
SUPPRESSED = "<5"
MISSING = "–"


def verdict_label(verdict: str | None, lang: str) -> str:
    """``"not_met"`` → ``ไม่บรรลุ`` / ``not met``; an unknown verdict is shown as it is."""
    return VERDICTS.get(verdict or "no_data", {}).get(lang, str(verdict))


def certainty_label(certainty: str | None, lang: str) -> str:
    return "" if certainty is None else CERTAINTIES.get(certainty, {}).get(lang, certainty)


def number(value: Any) -> str:
    """A figure as printed: floats to two decimals, integers whole, ``"<5"`` and other text as they
    are, nothing as a dash. Arabic digits (the report never uses Thai digits for figures)."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return MISSING
        return f"{value:.2f}"
    return str(value)


def with_unit(value: Any, unit: str | None, lang: str) -> str:
    """A target's value or threshold with its unit: ``ร้อยละ 85.66`` / ``85.66 %``."""
    text = number(value)
    if value is None:
        return text
    if unit == "percent":
        return f"ร้อยละ {text}" if lang == "th" else f"{text} %"
    if unit in (None, "", "count", "number"):
        return text
    units = {
        "people": ("คน", "people"), "times": ("ครั้ง", "times"), "days": ("วัน", "days"),
        "score": ("คะแนน", "points"), "points": ("คะแนน", "points"),
    }  # fmt: skip
    th, en = units.get(unit, (unit, unit))
    return f"{text} {th if lang == 'th' else en}"


def threshold_text(target: dict[str, Any], lang: str) -> str:
    """``≥ ร้อยละ 80.00``; for a count that must fall or rise, ``ลดลงจากปีก่อน`` (by how much, if said)."""
    direction = target.get("direction")
    if direction:
        th, en = ("ลดลงจากปีก่อน", "lower than last year") if direction == "decrease" else (
            "เพิ่มขึ้นจากปีก่อน", "higher than last year")  # fmt: skip
        words = th if lang == "th" else en
        if target.get("threshold") is None:
            return words
        return f"{words} {with_unit(target.get('threshold'), 'percent', lang)}"
    sign = COMPARISONS.get(str(target.get("comparison") or ">="), str(target.get("comparison")))
    return f"{sign} {with_unit(target.get('threshold'), target.get('unit'), lang)}"


def interval_text(target: dict[str, Any]) -> str:
    """``83.10 – 88.00`` (the 95 % interval), or a dash when the target has none."""
    interval = target.get("interval")
    if not interval or interval.get("low") is None or interval.get("high") is None:
        return MISSING
    return f"{number(float(interval['low']))} – {number(float(interval['high']))}"


def thai_or_english(record: dict[str, Any], key: str, lang: str) -> str:
    """``record[key + "_th"]`` (or ``_en``), falling back to the other language, then to nothing."""
    other = "en" if lang == "th" else "th"
    return str(record.get(f"{key}_{lang}") or record.get(f"{key}_{other}") or "")


def change_text(target: dict[str, Any], lang: str) -> str:
    """A count compared with the year before (``before``, ``after``): ``ช่วงเดียวกันของปีก่อน 4 → ช่วงนี้ 2``;
    nothing for any other target."""
    if target.get("before") is None or target.get("after") is None:
        return ""
    before, after = number(target["before"]), number(target["after"])
    by_hand = target.get("before_from") == "figures"
    if lang == "th":
        where = " (ปีก่อนจากไฟล์ตัวเลขที่กรอกเอง)" if by_hand else ""
        return f"ช่วงเดียวกันของปีก่อน {before} → ช่วงนี้ {after}{where}"
    where = " (last year's from the figures file)" if by_hand else ""
    return f"the same period a year before: {before} → this period: {after}{where}"


def pick(texts: dict[str, Any] | None, lang: str) -> str:
    """``{"th": ..., "en": ...}`` in one language, falling back to the other."""
    if not texts:
        return ""
    return str(texts.get(lang) or texts.get("en" if lang == "th" else "th") or "")


def period_text(period: dict[str, Any], lang: str) -> str:
    """``1 ตุลาคม 2567 – 30 กันยายน 2568`` (B.E.) / ``1 October 2024 – 30 September 2025``."""
    start, end = period.get("from"), period.get("to")
    if not start or not end:
        return ""
    first = format_date(date.fromisoformat(str(start)), lang=lang)
    last = format_date(date.fromisoformat(str(end)), lang=lang)
    return f"{first} – {last}"


def column_label(column: dict[str, Any], lang: str) -> str:
    return pick(column, lang) or str(column.get("id", ""))


def table_rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The table's rows, then its total row (first column ``รวม`` when the total does not name it)."""
    rows = [dict(row) for row in table.get("rows") or []]
    total = table.get("total")
    if total:
        columns = table.get("columns") or []
        total = dict(total)
        if columns and total.get(columns[0]["id"]) in (None, ""):
            total[columns[0]["id"]] = "รวม"
        rows.append(total)
    return rows


def all_targets(report: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every (project, target) pair, in the report's order."""
    return [
        (project, target)
        for project in report.get("projects") or []
        for target in project.get("targets") or []
    ]
