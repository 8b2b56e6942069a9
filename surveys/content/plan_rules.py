"""The rules a plan file must follow beyond its shape, each with a coded, bilingual reason.

Two sorts: value rules, run by the model on one field (a Buddhist-Era year, an id that is a slug,
Thai digits read as numbers), and document rules, which need the whole file (project numbers
1..n without repeats, target ids unique across the plan, instruments that exist). Document rules
read the raw YAML data, so they run even when the model check fails, and a planner sees every
problem in one go.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from typing import Any

from surveys.bilingual import lookup
from surveys.content.datafile import Positions, Problem, RuleError, field_name

Where = tuple[str | int, ...]
Report = Callable[..., Problem]

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# -- value rules (used by the model in surveys.content.plan) ----------------------------------------------


def number(value: Any) -> Any:
    """Read Thai digits (``๘๐``) as a number; explain a ``%`` sign instead of failing on it."""
    if isinstance(value, str):
        text = value.strip().translate(THAI_DIGITS)
        if text.endswith("%"):
            bare = text[:-1].strip()
            raise RuleError(
                "number.percent_sign",
                f"เขียนเฉพาะตัวเลข ไม่ต้องมีเครื่องหมาย % (เช่น {bare})",
                f"write the number only, without the % sign (e.g. {bare})",
            )
        return text
    return value


def not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise RuleError("text.blank", "ต้องมีข้อความ ห้ามเว้นว่าง", "must not be blank")
    return value


def slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise RuleError(
            "id.slug",
            f"รหัสต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข และขีด - เท่านั้น เช่น p10-satisfaction (ได้ {value!r})",
            f"an id is lower-case letters, digits and hyphens, e.g. p10-satisfaction (got {value!r})",
        )
    return value


def buddhist_year(value: int) -> int:
    if not 2400 <= value <= 2700:
        raise RuleError(
            "year.buddhist_era",
            f"ปีต้องเป็นปีพุทธศักราช (พ.ศ.) เช่น 2568 (ได้ {value})",
            f"the year must be in the Buddhist Era (B.E.), e.g. 2568 (got {value})",
        )
    return value


# -- document rules ----------------------------------------------------------------------------------

MESSAGES: dict[str, tuple[str, str]] = {
    "target.kind_missing": (
        "ขาด kind (ชนิดของตัวชี้วัด) ใช้ได้: {kinds}",
        "kind (the type of target) is missing; one of: {kinds}",
    ),
    "target.kind_unknown": (
        "ไม่รู้จักชนิดตัวชี้วัด {got!r} ใช้ได้: {kinds}",
        "unknown target kind {got!r}; one of: {kinds}",
    ),
    "project.duplicate_number": (
        "ลำดับโครงการ {number} ซ้ำกับโครงการที่บรรทัด {first}",
        "project number {number} is already used on line {first}",
    ),
    "project.numbering": (
        "ลำดับโครงการต้องเรียงตั้งแต่ 1 ถึง {count} ไม่ขาดไม่ซ้ำ แต่ไม่มีลำดับ {missing}",
        "projects must be numbered 1 to {count} with none missing, but {missing} is missing",
    ),
    "target.duplicate_id": (
        "รหัสตัวชี้วัด {id!r} ซ้ำกับที่ใช้แล้วในบรรทัด {first}",
        "target id {id!r} is already used on line {first}",
    ),
    "target.unknown_instrument": (
        "ไม่รู้จักแบบสอบถาม (instrument) {got!r} ที่มีอยู่: {known}",
        "unknown instrument {got!r}; known instruments: {known}",
    ),
    "threshold.range": (
        "ค่าอยู่นอกช่วงที่ใช้ได้: {unit}ต้องอยู่ระหว่าง 0 ถึง 100 (ได้ {got!r})",
        "value out of range: a {unit} must be from 0 to 100 (got {got!r})",
    ),
}
_UNIT_WORDS = {"percent": ("ร้อยละ", "percentage"), "points": ("คะแนน", "score")}


def document_problems(
    data: Any,
    positions: Positions,
    name: str,
    *,
    kinds: Collection[str],
    known_instruments: Collection[str] | None,
    lang: str,
) -> list[Problem]:
    """Every whole-document problem in plain (``to_plain``) plan data."""
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, list):
        return []

    def report(where: Where, code: str, **values: Any) -> Problem:
        message = lookup(MESSAGES, code, lang, **values)
        return Problem(name, positions.line(where), field_name(where), code, message)

    found = [
        *_project_numbers(projects, positions, report),
        *_target_kinds(projects, kinds, report),
        *_target_ids(projects, positions, report),
        *_manual_ranges(projects, lang, report),
    ]
    if known_instruments is not None:
        found += _instruments(projects, known_instruments, report)
    return found


def _targets(projects: list[Any]) -> Iterator[tuple[Where, dict[str, Any]]]:
    for i, project in enumerate(projects):
        targets = project.get("targets") if isinstance(project, dict) else None
        for j, target in enumerate(targets if isinstance(targets, list) else []):
            if isinstance(target, dict):
                yield ("projects", i, "targets", j), target


def _project_numbers(projects: list[Any], positions: Positions, report: Report) -> Iterator[Problem]:
    """Projects are numbered 1..n (ลำดับที่), each number once."""
    first: dict[int, int | None] = {}
    for i, project in enumerate(projects):
        value = project.get("number") if isinstance(project, dict) else None
        if not isinstance(value, int) or isinstance(value, bool):
            continue
        where: Where = ("projects", i, "number")
        if value in first:
            yield report(where, "project.duplicate_number", number=value, first=first[value])
        else:
            first[value] = positions.line(where)
    expected = set(range(1, len(projects) + 1))
    if len(first) == len(projects) and set(first) != expected:  # all numbered, none repeated
        missing = ", ".join(str(n) for n in sorted(expected - set(first)))
        yield report(("projects",), "project.numbering", count=len(projects), missing=missing)


def _target_kinds(projects: list[Any], kinds: Collection[str], report: Report) -> Iterator[Problem]:
    """Every target names one of the known kinds (said in words, with the list to choose from)."""
    choices = ", ".join(kinds)
    for at, target in _targets(projects):
        kind = target.get("kind")
        if kind is None:
            yield report((*at, "kind"), "target.kind_missing", kinds=choices)
        elif kind not in kinds:
            yield report((*at, "kind"), "target.kind_unknown", got=kind, kinds=choices)


def _target_ids(projects: list[Any], positions: Positions, report: Report) -> Iterator[Problem]:
    """A target id is unique across the whole plan: reports and the analysis refer to it."""
    first: dict[str, int | None] = {}
    for at, target in _targets(projects):
        value = target.get("id")
        if not isinstance(value, str):
            continue
        if value in first:
            yield report((*at, "id"), "target.duplicate_id", id=value, first=first[value])
        else:
            first[value] = positions.line((*at, "id"))


def _instruments(projects: list[Any], known: Collection[str], report: Report) -> Iterator[Problem]:
    """A target's instrument is one the kit has."""
    names = ", ".join(sorted(known)) or "-"
    for at, target in _targets(projects):
        value = target.get("instrument")
        if isinstance(value, str) and value not in known:
            yield report((*at, "instrument"), "target.unknown_instrument", got=value, known=names)


def _manual_ranges(projects: list[Any], lang: str, report: Report) -> Iterator[Problem]:
    """A hand-entered percentage or score (ITA) lies between 0 and 100."""
    for at, target in _targets(projects):
        unit, value = target.get("unit"), _as_float(target.get("threshold"))
        if target.get("kind") == "manual" and unit in _UNIT_WORDS and value is not None and value > 100:
            words = _UNIT_WORDS[unit][0 if lang == "th" else 1]
            yield report((*at, "threshold"), "threshold.range", unit=words, got=target.get("threshold"))


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().translate(THAI_DIGITS))
        except ValueError:
            return None
    return None
