"""Instruments from and to XLSForm, the spreadsheet form format of KoboToolbox and ODK.

:func:`read_xlsform` reads a form with pyxform's own workbook reader and turns it into an
:class:`~surveys.content.instruments.Instrument`; whatever the kit cannot hold is refused with the sheet,
row, column and reason (:class:`XLSFormError`), never dropped. :func:`write_xlsform` writes any instrument
as a form KoboToolbox accepts, which reads back to the same instrument.

The mapping (``docs/instrument-format.md``, "XLSForm"):

- ``begin_group``/``end_group`` → sections (not nested); questions outside any group → a section ``main``;
- ``select_one`` over a list whose choice names are 1–5, and ``range`` 1–5 → ``likert5``, scored unless
  the ``scored`` column says ``no``; other ``select_one`` → ``single``, ``select_multiple`` → ``multiple``,
  ``integer``/``decimal`` (and other integer ranges) → ``number``, ``text`` → ``text``;
- notes before the first question → the intro; a later note → the hint of the question after it;
- ``start``, ``end``, ``today``, ``deviceid``: metadata, accepted and not items;
- ``constraint``: ``. >= a and . <= b`` (numbers), ``count-selected(.) <= n`` (multiple),
  ``string-length(.) <= n`` (text); ``relevant``: see :mod:`surveys.content.conditions`;
- the kit's own columns: ``scored``, ``demographic``, ``compliant_value``, ``may_contain_personal_data``;
  settings ``form_id`` (the id), ``form_title`` (Thai title), ``title_en``, ``version``, ``audience``,
  ``anonymous``, ``projects``, ``default_language``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from surveys.bilingual import UserError
from surveys.content.datafile import RuleError
from surveys.content.instruments import (
    LIKERT5,
    TEXT_MAX_LENGTH_DEFAULT,
    Instrument,
    Item,
    _deferred_document_rules,
    document_rules,
)

THAI = "Thai (th)"
ENGLISH = "English (en)"
METADATA = frozenset({"start", "end", "today", "deviceid"})
_LIKERT_NAMES = frozenset(str(p.value) for p in LIKERT5)
_TRUE = frozenset({"yes", "true", "true()", "1"})
_FALSE = frozenset({"no", "false", "false()", "0"})
# Columns whose content changes nothing a respondent answers; accepted and not kept.
_DISPLAY_APPEARANCES = frozenset(
    {"likert", "horizontal", "horizontal-compact", "minimal", "multiline", "field-list"}
)
_SURVEY_COLUMNS = frozenset(
    {
        "type",
        "name",
        "label",
        "hint",
        "required",
        "relevant",
        "constraint",
        "appearance",
        "parameters",
        "scored",
        "demographic",
        "compliant_value",
        "may_contain_personal_data",
    }
)
_CHOICE_COLUMNS = frozenset({"list_name", "name", "label"})
_WRITTEN_SETTINGS = (
    "form_id",
    "form_title",
    "title_en",
    "version",
    "default_language",
    "audience",
    "anonymous",
    "projects",
)
"""The settings columns the writer fills, in order; the reader takes these and two display ones."""
_SETTINGS_COLUMNS = frozenset({*_WRITTEN_SETTINGS, "style", "instance_name"})


class XLSFormError(UserError):
    """A form the kit cannot take in: ``sheet``, ``row`` (as the spreadsheet numbers it), ``column``."""

    def __init__(
        self, sheet: str | None, row: int | None, column: str | None, code: str, th: str, en: str
    ) -> None:
        where_th = " ".join(
            part
            for part in (
                f"แผ่นงาน {sheet}" if sheet else "",
                f"แถว {row}" if row else "",
                f"คอลัมน์ {column}" if column else "",
            )
            if part
        )
        where_en = ", ".join(
            part
            for part in (
                f"sheet {sheet}" if sheet else "",
                f"row {row}" if row else "",
                f"column {column}" if column else "",
            )
            if part
        )
        super().__init__(
            code,
            f"{where_th}: {th}" if where_th else th,
            f"{where_en}: {en}" if where_en else en,
        )
        self.sheet = sheet
        self.row = row
        self.column = column


# -- reading ------------------------------------------------------------------------------------


def _lang_code(language: str) -> str:
    """``Thai (th)`` → ``th``; ``English`` → ``en``; anything else lower-cased."""
    match = re.search(r"\(([^)]+)\)\s*$", language)
    if match:
        return match.group(1).strip().lower()
    return {"thai": "th", "ไทย": "th", "english": "en"}.get(
        language.strip().lower(), language.strip().lower()
    )


@dataclass
class _Row:
    sheet: str
    number: int  # as the spreadsheet numbers it (the header is row 1)
    cells: dict[str, str]

    def fail(self, column: str | None, code: str, th: str, en: str) -> XLSFormError:
        return XLSFormError(self.sheet, self.number, column, code, th, en)

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def flag(self, column: str, default: bool) -> bool:
        value = self.get(column).lower()
        if not value:
            return default
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise self.fail(
            column,
            "xlsform.flag",
            f"ต้องเป็น yes หรือ no (ได้ {value!r})",
            f"must be yes or no (got {value!r})",
        )


@dataclass
class _Texts:
    """Labels by language; picks the Thai and English the kit keeps."""

    default: str

    def pick(self, row: _Row, column: str) -> tuple[str | None, str | None]:
        found: dict[str, str] = {}
        for key, value in row.cells.items():
            base, _, language = key.partition("::")
            if base.strip() != column or not value.strip():
                continue
            found[_lang_code(language) if language else self.default] = value.strip()
        if not found:
            return None, None
        first = next(iter(found.values()))
        th = found.get("th") or found.get(self.default) or first
        en = found.get("en") or found.get(self.default) or th
        return th, en


def _rows(sheet: str, rows: Sequence[Mapping[str, Any]]) -> list[_Row]:
    return [
        _Row(sheet, n + 2, {str(k): str(v) for k, v in row.items() if v is not None})
        for n, row in enumerate(rows)
    ]


def _check_columns(rows: list[_Row], known: frozenset[str]) -> None:
    for row in rows:
        for column, value in row.cells.items():
            base = column.split("::", 1)[0].strip()
            if base in known or column.startswith("$") or not value.strip():
                continue
            raise row.fail(
                column,
                "xlsform.column",
                f"โปรแกรมยังไม่รองรับคอลัมน์ {column!r} ลบคอลัมน์นี้ออกหรือเว้นว่างไว้",
                f"the column {column!r} is not supported: remove it or leave it empty",
            )


@dataclass
class _Form:
    """What a form has been read into so far."""

    texts: _Texts
    choices: dict[str, list[_Row]]
    intro: list[tuple[str, str]] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    pending_hint: list[tuple[str, str]] = field(default_factory=list)
    pending_row: _Row | None = None
    asked: bool = False


def read_xlsform(path: Path | str, projects: Sequence[int] = ()) -> Instrument:
    """The instrument an XLSForm (.xlsx) describes; :class:`XLSFormError` says what cannot be taken in.

    ``projects``: the plan projects the instrument measures (else the settings' ``projects``, else none).
    """
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    path = Path(path)
    if not path.is_file():
        raise XLSFormError(
            None,
            None,
            None,
            "xlsform.missing",
            f"ไม่พบไฟล์ {path}",
            f"there is no file {path}",
        )
    if path.suffix.lower() != ".xlsx":
        raise XLSFormError(
            None,
            None,
            None,
            "xlsform.not_xlsx",
            f"{path.name} ไม่ใช่ไฟล์ .xlsx: บันทึกแบบฟอร์ม XLSForm เป็น Excel (.xlsx) แล้วลองใหม่",
            f"{path.name} is not an .xlsx file: save the XLSForm as Excel (.xlsx) and try again",
        )
    try:
        book = get_xlsform(path, file_type=".xlsx")
    except PyXFormError as exc:
        raise XLSFormError(
            None,
            None,
            None,
            "xlsform.unreadable",
            f"อ่าน {path.name} เป็นแบบฟอร์ม XLSForm ไม่ได้ ({exc})",
            f"{path.name} cannot be read as an XLSForm ({exc})",
        ) from None
    sheets = {name.lower() for name in book.sheet_names or ()}
    if "survey" not in sheets:
        raise XLSFormError(
            "survey",
            None,
            None,
            "xlsform.no_survey",
            "ไม่มีแผ่นงาน survey ซึ่งแบบฟอร์ม XLSForm ต้องมี",
            "there is no survey sheet, which every XLSForm has",
        )
    for other in ("external_choices", "entities"):
        if other in sheets:
            raise XLSFormError(
                other,
                None,
                None,
                "xlsform.sheet",
                f"โปรแกรมยังไม่รองรับแผ่นงาน {other} ลบแผ่นงานนี้ออกแล้วลองใหม่",
                f"the {other} sheet is not supported: remove it and try again",
            )
    survey = _rows("survey", book.survey or [])
    choice_rows = _rows("choices", book.choices or [])
    settings_rows = [r for r in _rows("settings", book.settings or []) if r.cells]
    _check_columns(survey, _SURVEY_COLUMNS)
    _check_columns(choice_rows, _CHOICE_COLUMNS)
    _check_columns(settings_rows, _SETTINGS_COLUMNS)
    settings = settings_rows[0] if settings_rows else _Row("settings", 2, {})
    default = _lang_code(settings.get("default_language") or "default")
    choices: dict[str, list[_Row]] = {}
    for row in choice_rows:
        if row.cells:
            choices.setdefault(row.get("list_name"), []).append(row)
    form = _Form(_Texts(default), choices)
    _read_survey(form, survey)
    return _instrument(form, settings, tuple(projects))


def _read_survey(form: _Form, survey: list[_Row]) -> None:
    group: dict[str, Any] | None = None
    loose: dict[str, Any] | None = None  # the section of questions outside any group
    for row in survey:
        if not row.cells:
            continue
        kind = re.sub(r"\s+", " ", row.get("type").lower())
        kind = {"begin group": "begin_group", "end group": "end_group"}.get(kind, kind)
        kind = re.sub(r"^(select one|select all that apply|select multiple)\b", _underscore, kind)
        if not kind:
            raise row.fail("type", "xlsform.no_type", "แถวนี้ไม่มีชนิด (type)", "this row has no type")
        if kind in METADATA:
            continue
        if kind == "begin_group":
            if group is not None:
                raise row.fail(
                    "type",
                    "xlsform.nested_group",
                    "กลุ่มซ้อนกลุ่มใช้ไม่ได้ (แต่ละกลุ่มคือหนึ่งส่วนของแบบสอบถาม) ให้ปิดกลุ่มก่อนด้วย end_group",
                    "groups inside groups are not supported (each group is one section): "
                    "close the group first with end_group",
                )
            for column in ("relevant", "required"):
                if row.get(column):
                    raise row.fail(
                        column,
                        "xlsform.group_column",
                        f"กลุ่มใช้คอลัมน์ {column} ไม่ได้ ให้ใส่ไว้ที่แต่ละคำถามแทน",
                        f"a group cannot have {column}: put it on each question instead",
                    )
            _appearance(row)
            th, en = form.texts.pick(row, "label")
            group = {"row": row, "id": row.get("name"), "title_th": th, "title_en": en, "items": []}
            form.sections.append(group)
            continue
        if kind == "end_group":
            if group is None:
                raise row.fail(
                    "type", "xlsform.end_group", "end_group ที่ไม่มี begin_group", "end_group without begin_group"
                )
            _flush_hint(form)
            group = None
            continue
        if kind == "note":
            for column in ("relevant", "constraint"):
                if row.get(column):
                    raise row.fail(
                        column,
                        "xlsform.note_column",
                        f"ข้อความ (note) ใช้คอลัมน์ {column} ไม่ได้ เพราะโปรแกรมแสดงข้อความทุกครั้ง",
                        f"a note cannot have {column}: the kit always shows notes",
                    )
            th, en = form.texts.pick(row, "label")
            if th is None or en is None:
                raise row.fail(
                    "label", "xlsform.no_label", "ข้อความ (note) ไม่มีข้อความ", "the note has no label"
                )
            (form.pending_hint if form.asked else form.intro).append((th, en))
            if form.asked:
                form.pending_row = form.pending_row or row
            continue
        item = _item(form, row, kind)
        form.asked = True
        if form.pending_hint:
            item["hint_th"] = "\n".join([*(t for t, _ in form.pending_hint), *_some(item.get("hint_th"))])
            item["hint_en"] = "\n".join([*(e for _, e in form.pending_hint), *_some(item.get("hint_en"))])
            form.pending_hint, form.pending_row = [], None
        if group is None:
            if loose is None or form.sections[-1] is not loose:
                loose = {"row": row, "id": "main", "title_th": None, "title_en": None, "items": []}
                form.sections.append(loose)
            loose["items"].append(item)
        else:
            group["items"].append(item)
    if group is not None:
        raise group["row"].fail(
            "type", "xlsform.open_group", "กลุ่มนี้ไม่มี end_group ปิดท้าย", "this group has no end_group"
        )
    _flush_hint(form)


def _underscore(match: re.Match[str]) -> str:
    return {"select one": "select_one"}.get(match.group(1), "select_multiple")


def _some(value: str | None) -> list[str]:
    return [value] if value else []


def _flush_hint(form: _Form) -> None:
    if form.pending_hint and form.pending_row is not None:
        raise form.pending_row.fail(
            "type",
            "xlsform.note_alone",
            "ข้อความ (note) นี้ไม่มีคำถามตามหลังในกลุ่มเดียวกัน จึงไม่มีที่แสดง ให้ย้ายไปไว้ก่อนคำถาม",
            "this note has no question after it in its group, so it has nowhere to show: "
            "move it before a question",
        )


def _appearance(row: _Row) -> None:
    value = row.get("appearance").lower()
    if value and value not in _DISPLAY_APPEARANCES:
        raise row.fail(
            "appearance",
            "xlsform.appearance",
            f"โปรแกรมยังไม่รองรับ appearance {value!r}",
            f"the appearance {value!r} is not supported",
        )


def _unsupported_type(row: _Row, kind: str) -> XLSFormError:
    return row.fail(
        "type",
        "xlsform.type",
        f"โปรแกรมยังไม่รองรับคำถามชนิด {kind!r} (รองรับ text integer decimal select_one select_multiple "
        f"note range begin_group end_group start end today deviceid)",
        f"the question type {kind!r} is not supported (supported: text, integer, decimal, select_one, "
        f"select_multiple, note, range, begin_group, end_group, start, end, today, deviceid)",
    )


_QUESTION = re.compile(r"^(text|integer|decimal|range|select_one [^ ]+|select_multiple [^ ]+)$")


def _item(form: _Form, row: _Row, kind: str) -> dict[str, Any]:
    if not _QUESTION.match(kind):
        raise _unsupported_type(row, kind)
    th, en = form.texts.pick(row, "label")
    if th is None or en is None:
        raise row.fail(
            "label", "xlsform.no_label", "คำถามนี้ไม่มีข้อความคำถาม (label)", "this question has no label"
        )
    item: dict[str, Any] = {"_row": row, "id": row.get("name"), "label_th": th, "label_en": en}
    hint_th, hint_en = form.texts.pick(row, "hint")
    if hint_th:
        item["hint_th"], item["hint_en"] = hint_th, hint_en
    item["required"] = row.flag("required", False)
    if row.get("relevant"):
        item["relevant"] = row.get("relevant")
    _appearance(row)
    head, _, rest = kind.partition(" ")
    if head in ("select_one", "select_multiple"):
        list_name = rest.strip()
        if not list_name or " " in list_name:
            raise _unsupported_type(row, kind)
        if list_name not in form.choices:
            raise row.fail(
                "type",
                "xlsform.no_list",
                f"ไม่มีรายการตัวเลือก {list_name!r} ในแผ่นงาน choices",
                f"there is no choice list {list_name!r} on the choices sheet",
            )
        rows = form.choices[list_name]
        names = [r.get("name") for r in rows]
        if head == "select_one" and set(names) == _LIKERT_NAMES and len(names) == 5:
            item.update(type="likert5", scored=row.flag("scored", True))
        else:
            item.update(type="single" if head == "select_one" else "multiple", choices=_choices(form, rows))
    elif kind == "range":
        low, high = _range(row)
        if (low, high) == (1, 5):
            item.update(type="likert5", scored=row.flag("scored", True))
        else:
            item.update(type="number", min=low, max=high, integer=True)
    elif kind in ("integer", "decimal"):
        item.update(type="number", integer=kind == "integer")
    elif kind == "text":
        item["type"] = "text"
    else:
        raise _unsupported_type(row, kind)
    for column in ("demographic", "compliant_value", "may_contain_personal_data"):
        if row.get(column):
            item[column] = row.get(column) if column == "compliant_value" else row.flag(column, False)
    if row.get("scored") and item["type"] != "likert5":
        item["scored"] = row.flag("scored", False)
    if row.get("parameters") and kind != "range":
        raise row.fail(
            "parameters",
            "xlsform.parameters",
            "คอลัมน์ parameters ใช้ได้กับ range เท่านั้น",
            "parameters is supported for range only",
        )
    if row.get("constraint"):
        item.update(_constraint(row, item["type"]))
    return item


def _choices(form: _Form, rows: list[_Row]) -> list[dict[str, str]]:
    out = []
    for row in rows:
        th, en = form.texts.pick(row, "label")
        if th is None or en is None:
            raise row.fail(
                "label", "xlsform.no_label", "ตัวเลือกนี้ไม่มีข้อความ (label)", "this choice has no label"
            )
        out.append({"value": row.get("name"), "label_th": th, "label_en": en})
    return out


def _range(row: _Row) -> tuple[int, int]:
    params: dict[str, str] = {}
    for part in row.get("parameters").replace(";", " ").split():
        key, _, value = part.partition("=")
        params[key.strip().lower()] = value.strip()
    try:
        low, high, step = (float(params.get(k, d)) for k, d in (("start", "1"), ("end", "10"), ("step", "1")))
    except ValueError:
        low = high = step = 0.5
    if step != 1 or low != int(low) or high != int(high) or low > high:
        raise row.fail(
            "parameters",
            "xlsform.range",
            "range ต้องเป็นจำนวนเต็มจากน้อยไปมาก ทีละ 1 (เช่น start=1 end=5 step=1)",
            "a range must count up in whole numbers, step 1 (e.g. start=1 end=5 step=1)",
        )
    return int(low), int(high)


_BOUND = re.compile(
    r"^\s*(\.|count-selected\(\s*\.\s*\)|string-length\(\s*\.\s*\))\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)\s*$"
)


def _constraint(row: _Row, kind: str) -> dict[str, Any]:
    """``. >= 0 and . <= 120`` and the like → the item's bounds; anything else refused."""
    subject = {"number": ".", "multiple": "count-selected(.)", "text": "string-length(.)"}.get(kind)
    fields = {
        ".": ("min", "max"),
        "count-selected(.)": ("min_selections", "max_selections"),
        "string-length(.)": (None, "max_length"),
    }
    out: dict[str, Any] = {}
    for part in re.split(r"\s+and\s+", row.get("constraint")):
        match = _BOUND.match(part)
        what = re.sub(r"\s+", "", match.group(1)) if match else None
        if match is None or what is None or what != subject:
            raise row.fail(
                "constraint",
                "xlsform.constraint",
                "รองรับ constraint เฉพาะขอบเขต . >= ก and . <= ข (ตัวเลข) count-selected(.) <= น (หลายตัวเลือก) "
                f"และ string-length(.) <= น (ข้อความ) แต่พบ {part.strip()!r}",
                "constraint is supported only as bounds: . >= a and . <= b (numbers), count-selected(.) <= n "
                f"(select_multiple), string-length(.) <= n (text); found {part.strip()!r}",
            )
        low, high = fields[what]
        name = low if match.group(2) == ">=" else high
        number = float(match.group(3))
        value: int | float = int(number) if number == int(number) else number
        if name is None:
            raise row.fail("constraint", "xlsform.constraint", "ใช้ได้เฉพาะ <=", "only <= is supported here")
        out[name] = value
    return out


def _instrument(form: _Form, settings: _Row, projects: tuple[int, ...]) -> Instrument:
    form_id = settings.get("form_id")
    if not form_id:
        raise settings.fail(
            "form_id",
            "xlsform.form_id",
            "ไม่มี form_id ในแผ่นงาน settings ซึ่งใช้เป็นรหัสแบบสอบถาม",
            "there is no form_id on the settings sheet; it becomes the instrument's id",
        )
    title_th = settings.get("form_title") or form_id
    title_en = settings.get("title_en") or title_th
    version_text = settings.get("version")
    version = int(version_text) if version_text.isdigit() and int(version_text) >= 1 else 1
    if not projects and settings.get("projects"):
        try:
            projects = tuple(int(p) for p in settings.get("projects").replace(",", " ").split())
        except ValueError:
            raise settings.fail(
                "projects", "xlsform.projects", "ต้องเป็นเลขโครงการคั่นด้วยช่องว่าง", "must be project numbers"
            ) from None
    intro_th = "\n".join(t for t, _ in form.intro) or title_th
    intro_en = "\n".join(e for _, e in form.intro) or title_en
    sections = []
    for section in form.sections:
        row: _Row = section["row"]
        if not section["items"]:
            raise row.fail("type", "xlsform.empty_group", "กลุ่มนี้ไม่มีคำถาม", "this group has no questions")
        items = [_validated(Item, item, item["_row"], "name") for item in section["items"]]
        title_th_s = section["title_th"] or title_th
        title_en_s = section["title_en"] or title_en
        sections.append({"id": section["id"], "title_th": title_th_s, "title_en": title_en_s, "items": items})
    data = {
        "id": form_id,
        "version": version,
        "title_th": title_th,
        "title_en": title_en,
        "intro_th": intro_th,
        "intro_en": intro_en,
        "audience": settings.get("audience") or "citizen",
        "anonymous": settings.flag("anonymous", True),
        "projects": list(projects),
        "sections": [{**s, "items": [i.model_dump(exclude_none=True) for i in s["items"]]} for s in sections],
    }
    _validated_sections(form, sections)
    with _deferred_document_rules():
        instrument: Instrument = _validated(Instrument, data, settings, "form_id")
    for rule in document_rules(instrument):
        where = settings
        if len(rule.path) >= 4 and isinstance(rule.path[1], int) and isinstance(rule.path[3], int):
            where = form.sections[rule.path[1]]["items"][rule.path[3]]["_row"]
        elif len(rule.path) >= 2 and isinstance(rule.path[1], int):
            where = form.sections[rule.path[1]]["row"]
        column = {"id": "name"}.get(str(rule.path[-1]), str(rule.path[-1]))
        raise where.fail(column, rule.code, rule.th, rule.en)
    return instrument


def _validated_sections(form: _Form, sections: list[dict[str, Any]]) -> None:
    from surveys.content.instruments import Section

    for section, raw in zip(sections, form.sections, strict=True):
        _validated(Section, section, raw["row"], "name")


def _validated(model: Any, data: dict[str, Any], row: _Row, id_column: str) -> Any:
    clean = {k: v for k, v in data.items() if k != "_row"}
    try:
        return model.model_validate(clean)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [str(part) for part in error["loc"]]
        column = {"id": id_column, "value": "name"}.get(loc[-1] if loc else "", loc[-1] if loc else None)
        ctx = error.get("ctx") or {}
        rule = ctx.get("error")
        if isinstance(rule, RuleError):
            raise row.fail(column, rule.code, rule.messages["th"], rule.messages["en"]) from None
        message = error["msg"]
        raise row.fail(
            column, "xlsform.invalid", f"ค่าไม่ถูกต้อง: {message}", f"invalid value: {message}"
        ) from None


# -- writing ------------------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def xlsform_rows(instrument: Instrument) -> dict[str, list[list[Any]]]:
    """The survey, choices and settings sheets of ``instrument``, as rows (the first row is the header)."""
    survey: list[list[Any]] = [
        [
            "type",
            "name",
            f"label::{THAI}",
            f"label::{ENGLISH}",
            f"hint::{THAI}",
            f"hint::{ENGLISH}",
            "required",
            "relevant",
            "constraint",
            "appearance",
            "scored",
            "demographic",
            "compliant_value",
            "may_contain_personal_data",
        ]
    ]
    choices: list[list[Any]] = [["list_name", "name", f"label::{THAI}", f"label::{ENGLISH}"]]
    survey.append(["start", "start"])
    survey.append(["end", "end"])
    survey.append(["note", "intro", instrument.intro_th, instrument.intro_en])
    uses_likert = False
    for section in instrument.sections:
        survey.append(["begin_group", section.id, section.title_th, section.title_en])
        for item in section.items:
            kind, appearance, constraint = _kind(item)
            if item.type == "likert5":
                uses_likert = True
            elif item.choices:
                for choice in item.choices:
                    choices.append([item.id, choice.value, choice.label_th, choice.label_en])
            survey.append(
                [
                    kind,
                    item.id,
                    item.label_th,
                    item.label_en,
                    item.hint_th,
                    item.hint_en,
                    _yes(item.required),
                    item.relevant,
                    constraint,
                    appearance,
                    _yes(item.scored) if item.type == "likert5" else None,
                    "yes" if item.demographic else None,
                    item.compliant_value,
                    "no" if item.may_contain_personal_data is False else None,
                ]
            )
        survey.append(["end_group"])
    if uses_likert:
        for point in LIKERT5:
            choices.append(["likert5", str(point.value), point.label_th, point.label_en])
    settings = [
        list(_WRITTEN_SETTINGS),
        [
            instrument.id,
            instrument.title_th,
            instrument.title_en,
            str(instrument.version),
            THAI,
            instrument.audience,
            _yes(instrument.anonymous),
            " ".join(str(p) for p in instrument.projects),
        ],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def _kind(item: Item) -> tuple[str, str | None, str | None]:
    """The XLSForm type, appearance and constraint of one item."""
    if item.type == "likert5":
        return "select_one likert5", "likert", None
    if item.type == "single":
        return f"select_one {item.id}", None, None
    if item.type == "multiple":
        bounds = []
        if item.min_selections is not None:
            bounds.append(f"count-selected(.) >= {item.min_selections}")
        if item.max_selections is not None:
            bounds.append(f"count-selected(.) <= {item.max_selections}")
        return f"select_multiple {item.id}", None, " and ".join(bounds) or None
    if item.type == "number":
        bounds = []
        if item.min is not None:
            bounds.append(f". >= {item.min:g}")
        if item.max is not None:
            bounds.append(f". <= {item.max:g}")
        return ("integer" if item.integer else "decimal"), None, " and ".join(bounds) or None
    length = item.max_length
    constraint = None if length in (None, TEXT_MAX_LENGTH_DEFAULT) else f"string-length(.) <= {length}"
    return "text", "multiline", constraint


def write_xlsform(instrument: Instrument, out: Path | str) -> Path:
    """Write ``instrument`` as an XLSForm workbook at ``out`` (survey, choices, settings sheets)."""
    from openpyxl import Workbook

    book = Workbook()
    first = True
    for name, rows in xlsform_rows(instrument).items():
        sheet = book.active if first else book.create_sheet(name)
        assert sheet is not None
        sheet.title = name
        first = False
        for row in rows:
            sheet.append(row)
    out = Path(out)
    book.save(out)
    return out


__all__ = ["XLSFormError", "read_xlsform", "write_xlsform", "xlsform_rows"]
