"""Survey instruments: the questions a citizen or a staff member answers, read from YAML.

An instrument is sections of items, each item a row an XLSForm could also hold
(``type``, ``name`` = ``id``, ``label::Thai`` = ``label_th``, ``label::English`` = ``label_en``,
``required``, ``choices``). The item types:

- ``likert5``: the standard Thai five-level scale (:data:`LIKERT5`), the only type that may be ``scored``;
- ``single`` / ``multiple``: choices of ``{value, label_th, label_en}``; ``multiple`` may bound how many;
  a ``single`` item may be a coarse ``demographic`` band or a ``compliant_value`` compliance question;
- ``number``: ``min`` / ``max``, ``integer`` (default true);
- ``text``: free text up to ``max_length``; ``may_contain_personal_data`` (default true) keeps it out
  of published reports.

A demographic question is never free text or a number: answers hold no personal data (DESIGN.md, invariant 5).
Answer checking lives in :mod:`surveys.content.answers`; the format is described in
``docs/instrument-format.md``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from surveys.bilingual import UserError
from surveys.content.conditions import ConditionError, evaluate, names_in, parse_condition
from surveys.content.datafile import (
    DataFileError,
    Path_,
    Positions,
    Problem,
    RuleError,
    field_name,
    parse_yaml,
    read_yaml,
    validate,
)

# The ids of the built-in instruments, in the order they are listed. Plans refer to them.
BUILTIN_IDS: tuple[str, ...] = (
    "service-satisfaction",
    "complaint-satisfaction",
    "forum-feedback",
    "staff-nogift",
    "staff-promotion",
    "staff-internal-control",
)

ItemType = Literal["likert5", "single", "multiple", "number", "text"]
Audience = Literal["citizen", "staff"]


@dataclass(frozen=True)
class ScalePoint:
    """One level of the five-level scale."""

    value: int
    label_th: str
    label_en: str


# The standard Thai five-level scale, highest first (the order a form shows it).
LIKERT5: tuple[ScalePoint, ...] = (
    ScalePoint(5, "มากที่สุด", "Very much"),
    ScalePoint(4, "มาก", "Much"),
    ScalePoint(3, "ปานกลาง", "Moderate"),
    ScalePoint(2, "น้อย", "Little"),
    ScalePoint(1, "น้อยที่สุด", "Very little"),
)
LIKERT5_VALUES: frozenset[int] = frozenset(p.value for p in LIKERT5)
# "มาก" and "มากที่สุด": the levels counted by the share-at-high convention (plan project 13).
LIKERT5_HIGH: frozenset[int] = frozenset({4, 5})

TEXT_MAX_LENGTH_DEFAULT = 500

# -- identifiers --------------------------------------------------------------------------------

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # item and section ids: XLSForm names
_INSTRUMENT_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_CHOICE_VALUE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _pattern(regex: re.Pattern[str], code: str, th: str, en: str) -> AfterValidator:
    def check(value: str) -> str:
        if not regex.match(value):
            raise RuleError(code, f"{th} (ได้ {value!r})", f"{en} (got {value!r})")
        return value

    return AfterValidator(check)


Name = Annotated[
    str,
    _pattern(
        _NAME,
        "id.invalid",
        "รหัสต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข หรือ _ และขึ้นต้นด้วยตัวอักษร",
        "an id is lower-case English letters, digits or _, starting with a letter",
    ),
]
InstrumentId = Annotated[
    str,
    _pattern(
        _INSTRUMENT_ID,
        "id.invalid",
        "รหัสแบบสอบถามต้องเป็นอักษรอังกฤษตัวเล็กหรือตัวเลข คั่นด้วย - เช่น service-satisfaction",
        "an instrument id is lower-case English letters or digits joined by -, e.g. service-satisfaction",
    ),
]
ChoiceValue = Annotated[
    str,
    _pattern(
        _CHOICE_VALUE,
        "choice.value_invalid",
        "ค่าของตัวเลือกต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข _ หรือ - เช่น yes หรือ 18-29",
        "a choice value is lower-case English letters, digits, _ or -, e.g. yes or 18-29",
    ),
]
Text = Annotated[str, Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Frozen):
    """One answer a ``single`` or ``multiple`` item offers."""

    value: ChoiceValue
    label_th: Text
    label_en: Text


# Which fields belong to which item types (any other type must leave them out).
_TYPE_FIELDS: dict[str, frozenset[str]] = {
    "scored": frozenset({"likert5"}),
    "choices": frozenset({"single", "multiple"}),
    "compliant_value": frozenset({"single"}),
    "demographic": frozenset({"single"}),
    "min_selections": frozenset({"multiple"}),
    "max_selections": frozenset({"multiple"}),
    "min": frozenset({"number"}),
    "max": frozenset({"number"}),
    "integer": frozenset({"number"}),
    "max_length": frozenset({"text"}),
    "may_contain_personal_data": frozenset({"text"}),
}


class Item(_Frozen):
    """One question. Fields beyond the common ones belong to one type each (see ``_TYPE_FIELDS``)."""

    id: Name
    type: ItemType
    label_th: Text
    label_en: Text
    hint_th: str | None = None
    hint_en: str | None = None
    required: bool = False
    scored: bool = False
    choices: tuple[Choice, ...] | None = None
    compliant_value: str | None = None
    demographic: bool = False
    min_selections: int | None = Field(default=None, ge=1)
    max_selections: int | None = Field(default=None, ge=1)
    min: int | float | None = None
    max: int | float | None = None
    integer: bool | None = None
    max_length: int | None = Field(default=None, ge=1, le=10_000)
    may_contain_personal_data: bool | None = None
    relevant: str | None = None  # asked only when this XLSForm condition holds (surveys.content.conditions)

    @field_validator("relevant", mode="after")
    @classmethod
    def _readable_condition(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_condition(value)
            except ConditionError as exc:
                raise RuleError("item.relevant_invalid", exc.th, exc.en) from None
        return value

    def is_relevant(self, answers: Mapping[str, object]) -> bool:
        """Whether this item is asked, given the answers so far (no ``relevant``: always)."""
        return self.relevant is None or evaluate(parse_condition(self.relevant), answers)

    @model_validator(mode="before")
    @classmethod
    def _type_defaults(cls, data: Any) -> Any:
        """Fill the defaults that only one type has, so that others stay ``None``."""
        if isinstance(data, dict):
            if data.get("type") == "text":
                data = {
                    "max_length": TEXT_MAX_LENGTH_DEFAULT,
                    "may_contain_personal_data": True,
                    **data,
                }
            elif data.get("type") == "number":
                data = {"integer": True, **data}
        return data

    @field_validator(*_TYPE_FIELDS, mode="after")
    @classmethod
    def _belongs_to_type(cls, value: object, info: ValidationInfo) -> object:
        kind = info.data.get("type")
        name = info.field_name
        if kind is None or name is None or value is None or value is False:
            return value  # the type itself is wrong (reported), or the field is left out
        if kind in _TYPE_FIELDS[name]:
            if name == "compliant_value":
                _check_compliant_value(value, info.data.get("choices"))
            if name == "choices":
                _check_choices(value)
            return value
        if name == "choices" and kind == "likert5":
            raise RuleError(
                "item.likert_choices",
                "ข้อ likert5 ใช้มาตรวัด 5 ระดับมาตรฐาน (มากที่สุด มาก ปานกลาง น้อย น้อยที่สุด) "
                "จึงไม่ต้องใส่ choices ให้ลบออก หรือเปลี่ยนเป็นชนิด single",
                "a likert5 item uses the standard five-level scale (very much … very little), "
                "so it takes no choices: remove them, or make the item type single",
            )
        if name == "scored":
            raise RuleError(
                "item.scored_not_likert",
                f"เฉพาะข้อชนิด likert5 เท่านั้นที่นำไปคิดคะแนนได้ (scored) แต่ข้อนี้เป็นชนิด {kind}",
                f"only likert5 items can be scored, and this item is of type {kind}",
            )
        if name == "demographic":
            raise RuleError(
                "item.demographic_not_single",
                f"ข้อมูลทั่วไปของผู้ตอบ (demographic) ต้องเป็นชนิด single ที่มีตัวเลือกเป็นช่วงกว้าง ๆ "
                f"เท่านั้น ห้ามเป็น {kind} เพราะอาจเก็บข้อมูลส่วนบุคคลได้",
                f"a demographic item must be of type single with coarse bands as choices, "
                f"never {kind}: that could collect personal data",
            )
        allowed = ", ".join(sorted(_TYPE_FIELDS[name]))
        raise RuleError(
            "item.field_not_for_type",
            f"ช่อง {name} ใช้กับข้อชนิด {allowed} เท่านั้น แต่ข้อนี้เป็นชนิด {kind}",
            f"{name} is for items of type {allowed} only, and this item is of type {kind}",
        )

    @model_validator(mode="after")
    def _complete(self) -> Item:
        if self.type in ("single", "multiple") and not self.choices:
            raise RuleError(
                "item.choices_missing",
                f"ข้อชนิด {self.type} ต้องมีตัวเลือก (choices) อย่างน้อยสองตัวเลือก",
                f"an item of type {self.type} needs at least two choices",
            )
        if self.choices is not None and len(self.choices) < 2:
            raise RuleError(
                "item.choices_missing",
                "ต้องมีตัวเลือก (choices) อย่างน้อยสองตัวเลือก",
                "an item needs at least two choices",
            )
        if self.demographic and self.required:
            raise RuleError(
                "item.demographic_required",
                "ข้อมูลทั่วไปของผู้ตอบ (demographic) ต้องเป็นข้อที่ข้ามได้ (required: false)",
                "a demographic item must be optional (required: false)",
            )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise RuleError(
                "item.range_empty",
                f"ค่าต่ำสุด (min {self.min:g}) มากกว่าค่าสูงสุด (max {self.max:g})",
                f"min ({self.min:g}) is greater than max ({self.max:g})",
            )
        low, high = self.min_selections, self.max_selections
        if low is not None and high is not None and low > high:
            raise RuleError(
                "item.range_empty",
                f"min_selections ({low}) มากกว่า max_selections ({high})",
                f"min_selections ({low}) is greater than max_selections ({high})",
            )
        count = len(self.choices or ())
        if (low is not None and low > count) or (high is not None and high > count):
            raise RuleError(
                "item.selections_exceed_choices",
                f"จำนวนที่ให้เลือกเกินจำนวนตัวเลือกที่มี ({count})",
                f"the selection bounds exceed the number of choices ({count})",
            )
        return self

    def choice_values(self) -> tuple[str, ...]:
        """The values a ``single`` or ``multiple`` answer may take (likert5: none, see LIKERT5)."""
        return tuple(c.value for c in self.choices or ())


def _check_choices(value: object) -> None:
    assert isinstance(value, tuple)
    seen: set[str] = set()
    for choice in value:
        assert isinstance(choice, Choice)
        if choice.value in seen:
            raise RuleError(
                "choice.duplicate",
                f"ค่าตัวเลือก {choice.value!r} ซ้ำกัน ค่าของแต่ละตัวเลือกในข้อเดียวกันต้องไม่ซ้ำ",
                f"the choice value {choice.value!r} appears twice; values within an item must differ",
            )
        seen.add(choice.value)


def _check_compliant_value(value: object, choices: object) -> None:
    if not isinstance(choices, tuple):
        return  # the choices themselves are wrong or missing: reported on their own
    values = [c.value for c in choices]
    if value not in values:
        raise RuleError(
            "item.compliant_value_unknown",
            f"compliant_value {value!r} ไม่ใช่ค่าตัวเลือกของข้อนี้ ({', '.join(values)})",
            f"compliant_value {value!r} is not one of this item's choice values ({', '.join(values)})",
        )


class Section(_Frozen):
    """A titled group of items, shown together."""

    id: Name
    title_th: Text
    title_en: Text
    items: tuple[Item, ...]

    @field_validator("items", mode="after")
    @classmethod
    def _not_empty(cls, items: tuple[Item, ...]) -> tuple[Item, ...]:
        if not items:
            raise RuleError(
                "section.empty",
                "ส่วนนี้ไม่มีข้อคำถาม (items) ต้องมีอย่างน้อยหนึ่งข้อ",
                "this section has no items; it needs at least one",
            )
        return items


# While the loader validates a file, document-wide rules wait so that it can name their lines.
_DEFER_DOCUMENT_RULES: ContextVar[bool] = ContextVar("defer_document_rules", default=False)


class Instrument(_Frozen):
    """A whole questionnaire: who answers it, which plan projects it measures, its sections."""

    id: InstrumentId
    version: int = Field(ge=1)
    title_th: Text
    title_en: Text
    intro_th: Text
    intro_en: Text
    audience: Audience
    anonymous: bool
    projects: tuple[Annotated[int, Field(ge=1)], ...]
    sections: tuple[Section, ...]

    @field_validator("projects", mode="after")
    @classmethod
    def _distinct_projects(cls, projects: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(projects)) != len(projects):
            raise RuleError(
                "instrument.duplicate_project",
                "มีเลขโครงการซ้ำกันใน projects",
                "a project number appears twice in projects",
            )
        return projects

    @field_validator("sections", mode="after")
    @classmethod
    def _has_sections(cls, sections: tuple[Section, ...]) -> tuple[Section, ...]:
        if not sections:
            raise RuleError(
                "instrument.no_sections",
                "แบบสอบถามต้องมีอย่างน้อยหนึ่งส่วน (sections) และแต่ละส่วนต้องมีข้อคำถาม",
                "an instrument needs at least one section, each with items",
            )
        return sections

    @model_validator(mode="after")
    def _document_rules(self) -> Instrument:
        if not _DEFER_DOCUMENT_RULES.get():
            for rule in document_rules(self):
                raise RuleError(rule.code, rule.th, rule.en)
        return self

    def all_items(self) -> tuple[Item, ...]:
        """Every item, in the order a form shows them."""
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        return next((i for i in self.all_items() if i.id == item_id), None)

    def scored_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.all_items() if i.scored)

    def compliance_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.all_items() if i.compliant_value is not None)

    def title(self, lang: str) -> str:
        return self.title_th if lang == "th" else self.title_en


@dataclass(frozen=True)
class DocumentRule:
    """A rule broken across the document, with the path of the offending field."""

    path: Path_
    code: str
    th: str
    en: str


def document_rules(instrument: Instrument) -> list[DocumentRule]:
    """Rules that span sections: section ids and item ids are unique in the whole instrument."""
    broken: list[DocumentRule] = []
    section_ids: dict[str, int] = {}
    item_ids: dict[str, tuple[int, int]] = {}
    for s, section in enumerate(instrument.sections):
        if section.id in section_ids:
            first = section_ids[section.id]
            broken.append(
                DocumentRule(
                    ("sections", s, "id"),
                    "section.duplicate_id",
                    f"รหัสส่วน {section.id!r} ซ้ำกับ sections[{first}]",
                    f"the section id {section.id!r} is already used by sections[{first}]",
                )
            )
        section_ids.setdefault(section.id, s)
        for i, item in enumerate(section.items):
            if item.id in item_ids:
                where = field_name(("sections", item_ids[item.id][0], "items", item_ids[item.id][1]))
                broken.append(
                    DocumentRule(
                        ("sections", s, "items", i, "id"),
                        "item.duplicate_id",
                        f"รหัสข้อ {item.id!r} ซ้ำกับ {where} รหัสข้อต้องไม่ซ้ำกันทั้งแบบสอบถาม",
                        f"the item id {item.id!r} is already used by {where}; "
                        f"item ids must be unique in the whole instrument",
                    )
                )
            if item.relevant is not None:
                try:
                    unknown = sorted(names_in(parse_condition(item.relevant)) - set(item_ids))
                except ConditionError:
                    unknown = []  # reported on the field itself
                if unknown:
                    names = ", ".join(unknown)
                    broken.append(
                        DocumentRule(
                            ("sections", s, "items", i, "relevant"),
                            "item.relevant_unknown",
                            f"เงื่อนไข relevant อ้างถึงข้อ {names} ซึ่งไม่มีอยู่ก่อนข้อนี้ในแบบสอบถาม",
                            f"relevant refers to {names}, which is not an earlier item of this instrument",
                        )
                    )
            item_ids.setdefault(item.id, (s, i))
    return broken


@contextmanager
def _deferred_document_rules() -> Iterator[None]:
    token = _DEFER_DOCUMENT_RULES.set(True)
    try:
        yield
    finally:
        _DEFER_DOCUMENT_RULES.reset(token)


# -- loading ------------------------------------------------------------------------------------


def _from_data(data: Any, positions: Positions, name: str, lang: str) -> Instrument:
    with _deferred_document_rules():
        instrument = validate(Instrument, data, positions, name, lang)
    problems = [
        Problem(
            name,
            positions.line(rule.path),
            field_name(rule.path),
            rule.code,
            rule.th if lang == "th" else rule.en,
        )
        for rule in document_rules(instrument)
    ]
    if problems:
        raise DataFileError(problems)
    return instrument


def load_instrument(path: Path, lang: str = "th") -> Instrument:
    """Read and check an instrument file; every problem found is in the :class:`DataFileError`."""
    data, positions = read_yaml(Path(path), lang)
    return _from_data(data, positions, str(path), lang)


def parse_instrument(text: str, name: str = "<instrument>", lang: str = "th") -> Instrument:
    """Like :func:`load_instrument`, from YAML text."""
    data, positions = parse_yaml(text, name, lang)
    return _from_data(data, positions, name, lang)


def check_instrument(path: Path, lang: str = "th") -> list[Problem]:
    """Every problem of an instrument file; an empty list means it is good to use."""
    try:
        load_instrument(path, lang)
    except DataFileError as exc:
        return list(exc.problems)
    return []


@functools.cache
def _builtins() -> dict[str, Instrument]:
    folder = resources.files("surveys") / "data" / "instruments"
    found: dict[str, Instrument] = {}
    for instrument_id in BUILTIN_IDS:
        resource = folder / f"{instrument_id}.yaml"
        name = f"surveys/data/instruments/{instrument_id}.yaml"
        instrument = parse_instrument(resource.read_text(encoding="utf-8"), name, "en")
        if instrument.id != instrument_id:
            raise DataFileError(
                [Problem(name, 1, "id", "id.mismatch", f"id {instrument.id!r} differs from the file name")]
            )
        found[instrument_id] = instrument
    return found


def builtin_instruments() -> dict[str, Instrument]:
    """The instruments that ship with prongsai, by id (loaded once, then cached)."""
    return dict(_builtins())


def instrument_to_dict(instrument: Instrument) -> dict[str, Any]:
    """Plain JSON-ready data; :meth:`Instrument.model_validate` reads it back unchanged."""
    return instrument.model_dump(mode="json", exclude_none=True)


# -- instruments of a home (imported, e.g. from XLSForm) ----------------------------------------

HOME_FOLDER = "instruments"  # HOME/instruments/<id>.yaml, in the built-ins' format


class InstrumentClashError(UserError):
    """An instrument would take the id of a built-in one, or of one already in the home."""


def home_instruments_folder(home: Path) -> Path:
    """Where a home keeps the instruments imported into it."""
    return Path(home) / HOME_FOLDER


def instruments_of(home: Path, lang: str = "th") -> dict[str, Instrument]:
    """The built-in instruments, then the home's own (``HOME/instruments/*.yaml``), by id.

    A home file that is broken, names another id than its file name, or reuses a built-in id is a
    :class:`DataFileError` naming the file.
    """
    found = builtin_instruments()
    folder = home_instruments_folder(home)
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.yaml")):
        instrument = load_instrument(path, lang)
        if instrument.id != path.stem or instrument.id in BUILTIN_IDS:
            th = (
                f"รหัส {instrument.id!r} ซ้ำกับแบบสอบถามในตัวโปรแกรม"
                if instrument.id in BUILTIN_IDS
                else f"รหัส {instrument.id!r} ไม่ตรงกับชื่อไฟล์ {path.name}"
            )
            en = (
                f"the id {instrument.id!r} is a built-in instrument's"
                if instrument.id in BUILTIN_IDS
                else f"the id {instrument.id!r} differs from the file name {path.name}"
            )
            raise DataFileError([Problem(str(path), None, "id", "id.mismatch", th if lang == "th" else en)])
        found[instrument.id] = instrument
    return found


def save_instrument(instrument: Instrument, home: Path, *, replace: bool = False) -> Path:
    """Write ``instrument`` into the home as ``HOME/instruments/<id>.yaml``, the built-ins' format.

    A built-in id is always refused (plans and reports rely on what it means); an id already imported is
    refused unless ``replace``.
    """
    from ruamel.yaml import YAML

    if instrument.id in BUILTIN_IDS:
        raise InstrumentClashError(
            "instrument.builtin_id",
            f"รหัส {instrument.id!r} เป็นของแบบสอบถามในตัวโปรแกรม ใช้ซ้ำไม่ได้ "
            "ให้เปลี่ยน form_id ในแผ่นงาน settings แล้วนำเข้าใหม่",
            f"the id {instrument.id!r} belongs to a built-in instrument and cannot be reused: "
            "change form_id on the settings sheet and import again",
        )
    folder = home_instruments_folder(home)
    path = folder / f"{instrument.id}.yaml"
    if path.exists() and not replace:
        raise InstrumentClashError(
            "instrument.exists",
            f"มีแบบสอบถาม {instrument.id!r} อยู่แล้ว ({path}) ถ้าต้องการแทนที่ให้ใส่ --replace",
            f"there is already an instrument {instrument.id!r} ({path}); pass --replace to replace it",
        )
    folder.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="rt")
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    temp = path.with_suffix(".yaml.tmp")
    with temp.open("w", encoding="utf-8") as out:
        out.write(f"# {instrument.title_th} / {instrument.title_en}\n")
        yaml.dump(instrument_to_dict(instrument), out)
    temp.replace(path)
    return path
