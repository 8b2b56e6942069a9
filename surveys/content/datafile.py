"""Human-edited data files (plans, instruments): YAML read with line numbers, checked by a model.

A municipality's planner edits these files by hand, so every problem is reported with the file,
the line, the field path (``projects[3].targets[0].threshold``) and a reason in Thai or English.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from surveys.bilingual import lookup

# ruamel.yaml is imported where a file is read, not at start-up: a kiosk without settings.yaml
# never needs it.

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, in words for the person who edits it."""

    file: str
    line: int | None
    field: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class DataFileError(Exception):
    """A data file could not be used; ``problems`` says every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def field_name(path: Path_) -> str:
    """``("projects", 3, "targets", 0)`` → ``projects[3].targets[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


class Positions:
    """Line numbers (1-based) of every mapping key and sequence item in a YAML document."""

    def __init__(self, root: Any) -> None:
        self._lines: dict[Path_, int] = {}
        self._walk(root, (), 1)

    def _walk(self, node: Any, path: Path_, line: int) -> None:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        self._lines[path] = line
        if isinstance(node, CommentedMap):
            for key in node:
                key_line = node.lc.key(key)[0] + 1
                self._walk(node[key], (*path, str(key)), key_line)
        elif isinstance(node, CommentedSeq):
            for index, item in enumerate(node):
                item_line = node.lc.item(index)[0] + 1
                self._walk(item, (*path, index), item_line)

    def line(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest parent that is in the file."""
        for end in range(len(path), -1, -1):
            found = self._lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return None


def read_yaml(path: Path, lang: str = "th") -> tuple[Any, Positions]:
    """Parse a YAML file; a syntax error becomes a :class:`DataFileError` naming the line."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError([Problem(name, None, "", "file.missing", _msg("file.missing", lang))]) from None
    except UnicodeDecodeError as exc:
        raise DataFileError(
            [Problem(name, None, "", "file.encoding", _msg("file.encoding", lang, detail=str(exc)))]
        ) from None
    return parse_yaml(text, name, lang)


def parse_yaml(text: str, name: str, lang: str = "th") -> tuple[Any, Positions]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        detail = " ".join(str(exc.problem or exc.context or "").split())
        raise DataFileError(
            [Problem(name, line, "", "yaml.syntax", _msg("yaml.syntax", lang, detail=detail))]
        ) from None
    if data is None:
        raise DataFileError([Problem(name, None, "", "file.empty", _msg("file.empty", lang))])
    return data, Positions(data)


def to_plain(node: Any) -> Any:
    """ruamel's commented containers → plain dicts and lists."""
    if isinstance(node, Mapping):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    return node


def validate(model: type[M], data: Any, positions: Positions, name: str, lang: str = "th") -> M:
    """Check ``data`` against ``model``; every failure becomes a :class:`Problem` with its line."""
    try:
        return model.model_validate(to_plain(data))
    except ValidationError as exc:
        raise DataFileError(list(_problems(exc, positions, name, lang))) from None


def _problems(exc: ValidationError, positions: Positions, name: str, lang: str) -> Iterator[Problem]:
    for error in exc.errors(include_url=False):
        loc: Path_ = tuple(p for p in error["loc"] if isinstance(p, str | int))
        # Tagged unions put the tag into the location ("projects.0.targets.1.satisfaction.x"); drop it.
        loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("__tag")))
        kind = error["type"]
        ctx = error.get("ctx") or {}
        if kind == "value_error" and "error" in ctx:
            cause = ctx["error"]
            code = getattr(cause, "code", "value.invalid")
            text = getattr(cause, "message", None) or str(cause)
            if hasattr(cause, "messages"):
                text = cause.messages.get(lang, text)
            yield Problem(name, positions.line(loc), field_name(loc), code, text)
            continue
        code, text = _pydantic_message(kind, error, lang)
        yield Problem(name, positions.line(loc), field_name(loc), code, text)


class RuleError(ValueError):
    """Raised by model validators: a coded, bilingual reason (pydantic keeps it as the cause)."""

    def __init__(self, code: str, th: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.message = en
        self.messages = {"th": th, "en": en}


_MESSAGES: dict[str, tuple[str, str]] = {
    "file.missing": ("ไม่พบไฟล์", "file not found"),
    "file.encoding": ("ไฟล์ต้องเป็น UTF-8 ({detail})", "the file must be UTF-8 ({detail})"),
    "file.empty": ("ไฟล์ว่างเปล่า", "the file is empty"),
    "yaml.syntax": ("รูปแบบ YAML ผิด: {detail}", "YAML syntax error: {detail}"),
    "field.missing": ("ขาดข้อมูลที่ต้องมี", "required field is missing"),
    "field.unknown": (
        "ไม่รู้จักช่องนี้ (พิมพ์ผิดหรือไม่?)",
        "unknown field (a typo?)",
    ),
    "field.type": ("ชนิดข้อมูลไม่ถูกต้อง: {detail} (ได้ {got!r})", "wrong type: {detail} (got {got!r})"),
    "field.choice": (
        "ค่าไม่อยู่ในตัวเลือกที่ใช้ได้: {expected} (ได้ {got!r})",
        "not one of the allowed values: {expected} (got {got!r})",
    ),
    "field.range": ("ค่าอยู่นอกช่วงที่ใช้ได้: {detail} (ได้ {got!r})", "value out of range: {detail} (got {got!r})"),
    "field.invalid": ("ค่าไม่ถูกต้อง: {detail}", "invalid value: {detail}"),
}
_msg = partial(lookup, _MESSAGES)  # _msg(key, lang, **values)


_TYPE_ERRORS = {
    "string_type",
    "int_type",
    "int_parsing",
    "int_from_float",
    "float_type",
    "float_parsing",
    "bool_type",
    "bool_parsing",
    "list_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "tuple_type",
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
}
_RANGE_ERRORS = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "too_short",
    "too_long",
    "string_too_short",
    "string_too_long",
}


_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "string": ("ข้อความ", "text"),
    "int": ("จำนวนเต็ม", "a whole number"),
    "float": ("ตัวเลข", "a number"),
    "bool": ("true หรือ false", "true or false"),
    "list": ("รายการ (ขึ้นต้นแต่ละบรรทัดด้วย - )", "a list (one '- ' line per entry)"),
    "tuple": ("รายการ (ขึ้นต้นแต่ละบรรทัดด้วย - )", "a list (one '- ' line per entry)"),
    "dict": ("ชุดข้อมูลแบบ ชื่อ: ค่า", "a set of 'name: value' fields"),
    "model": ("ชุดข้อมูลแบบ ชื่อ: ค่า", "a set of 'name: value' fields"),
    "date": ("วันที่ (YYYY-MM-DD)", "a date (YYYY-MM-DD)"),
}
_BOUNDS: dict[str, tuple[str, str, str]] = {
    "greater_than": ("gt", "ต้องมากกว่า {}", "must be greater than {}"),
    "greater_than_equal": ("ge", "ต้องไม่น้อยกว่า {}", "must be at least {}"),
    "less_than": ("lt", "ต้องน้อยกว่า {}", "must be less than {}"),
    "less_than_equal": ("le", "ต้องไม่เกิน {}", "must be at most {}"),
    "too_short": ("min_length", "ต้องมีอย่างน้อย {} รายการ", "needs at least {} entries"),
    "too_long": ("max_length", "มีได้ไม่เกิน {} รายการ", "may have at most {} entries"),
    "string_too_short": ("min_length", "ต้องยาวอย่างน้อย {} ตัวอักษร", "must be at least {} characters"),
    "string_too_long": ("max_length", "ยาวได้ไม่เกิน {} ตัวอักษร", "may be at most {} characters"),
}


def _pydantic_message(kind: str, error: Any, lang: str) -> tuple[str, str]:
    got = error.get("input")
    ctx = error.get("ctx") or {}
    detail = error.get("msg", "")
    th = lang == "th"
    if kind == "missing":
        return "field.missing", _msg("field.missing", lang)
    if kind == "extra_forbidden":
        return "field.unknown", _msg("field.unknown", lang)
    if kind in ("literal_error", "enum", "union_tag_invalid"):
        expected = ctx.get("expected") or ctx.get("expected_tags") or ""
        if kind == "union_tag_invalid":
            got = ctx.get("tag", got)
        return "field.choice", _msg("field.choice", lang, expected=expected, got=got)
    if kind in _TYPE_ERRORS:
        name = _TYPE_NAMES.get(kind.split("_")[0] if not kind.startswith("model") else "model")
        if name is not None:
            detail = f"ต้องเป็น{name[0]}" if th else f"must be {name[1]}"
        return "field.type", _msg("field.type", lang, detail=detail, got=_short(got))
    if kind in _RANGE_ERRORS:
        key, th_text, en_text = _BOUNDS[kind]
        if key in ctx:
            detail = (th_text if th else en_text).format(ctx[key])
        return "field.range", _msg("field.range", lang, detail=detail, got=_short(got))
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        detail = f"รูปแบบไม่ถูกต้อง (ต้องเป็นไปตาม {pattern})" if th else f"does not match the form {pattern}"
        return "field.invalid", lookup(
            _MESSAGES,
            "field.invalid",
            lang,
            detail=f"{detail}, got {got!r}" if not th else f"{detail} ได้ {got!r}",
        )
    return "field.invalid", _msg("field.invalid", lang, detail=detail)


def _short(value: Any) -> Any:
    if isinstance(value, dict | list):
        return type(value).__name__
    return value
