"""Typed JSON: what pydantic found wrong, in words, and the one reader of our small JSON files.

- :func:`field_errors` turns a pydantic ``ValidationError`` into ``(field, th, en)`` for a message (the
  field written as ``session.ticket``, what was expected as a noun phrase: ``an integer``);
- :func:`shown` escapes what a terminal would hide or reorder, for names stored before any checks;
- :func:`read_json_file` reads a small JSON file of ours (the log's high-water mark, the central store's
  acknowledgement) through its pydantic model (a :class:`JsonFile`): None if there is no file,
  :class:`FileFormatError` naming the file, the field and the reason if it is damaged.

The request bodies and bundle manifests that come over the LAN are read through ``sync.untrusted``,
which bounds the JSON first and uses the same words.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

HIDDEN = ("Cc", "Cf", "Cs", "Co", "Cn")  # Unicode categories a terminal does not show as they are


class Expected(ValueError):
    """What a field must be, in Thai and English, raised by validators (pydantic keeps it)."""

    def __init__(self, th: str, en: str) -> None:
        super().__init__(en)
        self.th = th
        self.en = en


def shown(text: str) -> str:
    """``text`` with every hidden character written as an escape (``\\u202e``), for display."""
    out = []
    for ch in text:
        if unicodedata.category(ch) in HIDDEN or ch == "\\":
            out.append(ch.encode("unicode_escape").decode("ascii") if ch != "\\" else "\\\\")
        else:
            out.append(ch)
    return "".join(out)


def _path(loc: tuple[int | str, ...], where: str) -> str:
    path = where
    for part in loc:
        if part == "[key]":  # pydantic's mark for a dict key (not its value): the key is named already
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return shown(path) or "body"


_REASONS_TH = {
    "missing": "ค่าที่ต้องระบุ (ไม่มีในคำขอ)",
    "string_type": "ข้อความ",
    "int_type": "จำนวนเต็ม",
    "bool_type": "true หรือ false",
    "dict_type": "ออบเจกต์ JSON",
    "model_type": "ออบเจกต์ JSON",
    "dataclass_type": "ออบเจกต์ JSON",
    "list_type": "รายการ JSON",
    "tuple_type": "รายการ JSON",
    "too_short": "รายการ {expected}",
    "too_long": "รายการ {expected}",
    "greater_than_equal": "จำนวนที่ไม่น้อยกว่า {ge}",
    "less_than_equal": "จำนวนที่ไม่เกิน {le}",
    "string_too_long": "ข้อความยาวไม่เกิน {max_length} ตัวอักษร",
    "string_pattern_mismatch": "ข้อความตามรูปแบบ {pattern}",
    "literal_error": "ค่าใดค่าหนึ่งใน {expected}",
    "extra_forbidden": "ไม่มีช่องนี้ (รูปแบบนี้ไม่มีช่องชื่อนี้)",
}


_REASONS_EN = {
    "model_type": "a JSON object",
    "dataclass_type": "a JSON object",
    "greater_than_equal": "a number no less than {ge}",
    "less_than_equal": "a number no greater than {le}",
    "extra_forbidden": "no such field (the format has none of this name)",
}


def field_errors(exc: ValidationError, where: str = "") -> list[tuple[str, str, str]]:
    """``(field, expected_th, expected_en)`` for each problem pydantic found, the field written as
    ``session.ticket`` (prefixed by ``where``), what was expected as a noun phrase (``an integer``)."""
    found = []
    for error in exc.errors(include_url=False, include_input=False):
        field = _path(tuple(error["loc"]), where)
        kind, ctx = error["type"], error.get("ctx") or {}
        if kind == "missing":
            reason_th, reason_en = _REASONS_TH["missing"], "a value (it is missing)"
        elif kind == "value_error" and isinstance(ctx.get("error"), Expected):
            reason_th, reason_en = ctx["error"].th, ctx["error"].en
        elif kind in _REASONS_EN:
            reason_th = _REASONS_TH[kind].format(**ctx)
            reason_en = _REASONS_EN[kind].format(**ctx)
        else:
            reason_en = error["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
            reason_th = _REASONS_TH.get(kind, reason_en).format(**{k: shown(str(v)) for k, v in ctx.items()})
        found.append((field, reason_th, shown(reason_en)))
    return found


# -- our small JSON files ------------------------------------------------------------------------


class JsonFile(BaseModel):
    """The model of a JSON file of ours: JSON types exactly (no "1" for 1), no member it does not name."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class FileFormatError(ValueError):
    """A JSON file that can't be read or is not what its reader expects; ``path``, ``field`` (empty when
    the whole file is wrong) and the reason, in English (``str``, ``en``) and Thai (``th``)."""

    def __init__(self, path: Path, field: str, th: str, en: str) -> None:
        super().__init__(en)
        self.path = path
        self.field = field
        self.th = th
        self.en = en


M = TypeVar("M", bound=JsonFile)


def read_json_file(path: Path, model: type[M], what_th: str, what_en: str) -> M | None:
    """The file at ``path`` read through ``model``; None if there is no such file, else
    :class:`FileFormatError` ("HOME/log.mark.json is not a high-water mark: field 'seq': expected an
    integer"). ``what_th``/``what_en`` name what the file should be."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise FileFormatError(
            path, "", f"{path} อ่านไม่ได้ ({reason})", f"{path} can't be read ({reason})"
        ) from None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise FileFormatError(
            path,
            "",
            f"{path} ไม่ใช่{what_th}: ไม่ใช่ JSON ที่ถูกต้อง",
            f"{path} is not {what_en}: it is not valid JSON",
        ) from None
    if not isinstance(data, dict):
        raise FileFormatError(
            path,
            "",
            f"{path} ไม่ใช่{what_th}: ไม่ใช่ออบเจกต์ JSON",
            f"{path} is not {what_en}: it is not a JSON object",
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = field_errors(exc)
        raise FileFormatError(
            path,
            problems[0][0],
            f"{path} ไม่ใช่{what_th}: " + "; ".join(f"ช่อง '{f}' ต้องเป็น{th}" for f, th, _ in problems),
            f"{path} is not {what_en}: " + "; ".join(f"field '{f}': expected {en}" for f, _, en in problems),
        ) from None
