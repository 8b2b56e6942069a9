"""What comes over the LAN or from a file, before anything trusts it: bounded JSON and typed fields.

Python's ``json`` reads things that later break an office or a store: a lone surrogate (``"\\ud800"``)
is a ``str`` that can't be written as UTF-8 (so no event, hash or reply can hold it), a number may have
hundreds of digits, and nesting a thousand levels deep exhausts the stack. Here:

- :func:`load_json` refuses bytes that are not UTF-8 or nest deeper than a bound (checked on the raw
  bytes, before parsing) and raises :class:`JsonRefused` (a ``ValueError``) instead of anything else;
- :data:`Text` and :data:`WireInt` are the pydantic field types of the request and file models: text
  that is valid Unicode, an integer that an event can store (±(2**53 − 1)); :func:`hidden_characters`
  finds what a terminal would not show (control, bidirectional-override or zero-width characters);
- :func:`field_errors` turns a pydantic ``ValidationError`` into ``(field, th, en)`` for a message;
- :func:`shown` escapes what a terminal would hide or reorder, for names stored before these checks.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, Field, PlainValidator, ValidationError

MAX_DEPTH = 16  # levels of JSON arrays and objects; no request or file of ours needs more than 4
MAX_INT = 2**53 - 1  # the largest integer an event (canonical JSON, RFC 8785) stores exactly

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class JsonRefused(ValueError):
    """Bytes that are not JSON we read; the message says why, in English (``th`` in Thai)."""

    def __init__(self, th: str, en: str) -> None:
        super().__init__(en)
        self.th = th
        self.en = en


def json_depth(raw: bytes) -> int:
    """How deep arrays and objects nest in ``raw`` (brackets inside strings do not count)."""
    depth = deepest = 0
    for byte in _STRING.sub(b"", raw).translate(None, _NOT_BRACKET):
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def load_json(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``raw`` as JSON, refusing (:class:`JsonRefused`) bad UTF-8, deep nesting and bad JSON."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if json_depth(data) > max_depth:
        raise JsonRefused(f"JSON ซ้อนกันลึกเกิน {max_depth} ชั้น", f"the JSON nests deeper than {max_depth} levels")
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise JsonRefused("ไม่ใช่ข้อความ UTF-8", "it is not UTF-8 text") from None
    except (ValueError, RecursionError):  # RecursionError: only if the bound above is set too high
        raise JsonRefused("ไม่ใช่ JSON ที่ถูกต้อง", "it is not valid JSON") from None


# -- field types ---------------------------------------------------------------------------------


def has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


class Expected(ValueError):
    """What a field must be, in Thai and English, raised by the validators here (pydantic keeps it)."""

    def __init__(self, th: str, en: str) -> None:
        super().__init__(en)
        self.th = th
        self.en = en


def _valid_unicode(text: str) -> str:
    if has_surrogate(text):
        raise Expected("ข้อความยูนิโคดที่ถูกต้อง (ไม่มี surrogate เดี่ยว)", "valid Unicode text (no lone surrogate)")
    return text


def hidden_characters(text: str) -> list[str]:
    """The characters of ``text`` a terminal would not show as they are: control characters, and
    format characters (bidirectional overrides and isolates, zero-width spaces and joiners …)."""
    return [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")]


def _answer(value: object) -> object:
    """One answer: text, an integer, true/false or null, or a list of these (the instrument decides
    which; the office checks that). One validator, not a union: an error then names the answer."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            _valid_unicode(item)
        elif isinstance(item, int) and not isinstance(item, bool) and not -MAX_INT <= item <= MAX_INT:
            raise Expected(f"จำนวนเต็มไม่เกิน ±{MAX_INT}", f"an integer within ±{MAX_INT}")
        elif not (item is None or isinstance(item, bool | int | str)):
            raise Expected(
                "ข้อความ จำนวนเต็ม true/false null หรือรายการของค่าเหล่านี้",
                "text, an integer, true/false, null or a list of these",
            )
    return value


Text = Annotated[str, AfterValidator(_valid_unicode)]
"""A string that is valid Unicode (no lone surrogates)."""

WireInt = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]
"""An integer within ±(2**53 − 1), the range an event stores exactly."""

Answer = Annotated[Any, PlainValidator(_answer)]
"""A rating's or a form's answer to one question, as JSON carries it."""


def shown(text: str) -> str:
    """``text`` with every hidden character written as an escape (``\\u202e``), for display."""
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") or ch == "\\":
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
    "list_type": "รายการ JSON",
    "greater_than_equal": "จำนวนที่ไม่น้อยกว่า {ge}",
    "less_than_equal": "จำนวนที่ไม่เกิน {le}",
    "string_too_long": "ข้อความยาวไม่เกิน {max_length} ตัวอักษร",
    "string_pattern_mismatch": "ข้อความตามรูปแบบ {pattern}",
    "literal_error": "ค่าใดค่าหนึ่งใน {expected}",
}


_REASONS_EN = {
    "greater_than_equal": "a number no less than {ge}",
    "less_than_equal": "a number no greater than {le}",
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
