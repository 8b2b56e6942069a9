"""Answers from paper and from KoboToolbox/ODK into this home's central store.

The responses of a file become ``answers.imported`` events of this home's *import device*
(``HOME/import-device``: its own identity, enrolled with role ``import``, and its own hash-chained log), up
to :data:`RESPONSES_PER_EVENT` responses each, sent to the central store as a signed bundle: the same
verified path as a kiosk's data. The body::

    {"instrument": "service-satisfaction", "project": 1 | null, "source": "paper" | "kobo" | "odk",
     "file": "answers.csv", "file_sha256": "…",
     "responses": [{"row": 3, "identity": "…", "answered_at": "2025-01-15T10:30:00+07:00",
                    "answers": {"overall": 5, "priorities": ["roads"]}}, …]}

One event per response would chain each answer on its own, at the cost of a whole event (its id, time,
chain hashes, the file's name and SHA-256 again) per row: a 100,000-row export then spent three quarters
of its import in the event path. An event is one act of the import device (these rows of this file,
taken in); every response in it keeps its row, identity and date, and the chain covers them all.

``answers`` holds choice *names* (likert levels as numbers), numbers as numbers (a decimal one as its
text, "2.5": events hold no floats) and a multiple choice as a list of names. Questions that may hold
personal data (free text) are never read.

A response's ``identity`` is its ``_uuid`` / ``instanceID`` / ``meta/instanceID`` (without ``uuid:``), or,
for a file without one (paper), the SHA-256 of its instrument, answers, date and how many identical rows
came before it in the file — so importing the same file again, or a longer copy of it, adds only what is new.

Checking is done a column at a time with pandas (labels to names, numbers, dates); what is left per row is
the instrument's own check (:func:`surveys.content.answers.validate_answers`) and the hash.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from analysis.answers.shapes import (
    DATE_COLUMNS,
    IDENTITY_COLUMNS,
    Columns,
    ShapeError,
    Table,
    describe_headers,
    map_columns,
    normalise,
    only_instrument,
    read_table,
    widen,
)
from surveys.bilingual import UserError
from surveys.content.answers import AnswerProblem, is_unanswered, validate_answers
from surveys.content.instruments import LIKERT5, Instrument, Item
from surveys.content.thaidate import BANGKOK
from surveys.log.device import Device, load_or_create_device
from surveys.log.device_log import DeviceLog, Draft, LogError
from surveys.log.event import EventError
from sync.bundle import BundleError, write_bundle
from sync.central import CentralStore
from sync.enrolment import make_enrolment

KIND = "answers.imported"
RESPONSES_PER_EVENT = 200  # about 60 kB per event: the central store keeps each event as one line
SOURCES = ("paper", "kobo", "odk")
IMPORT_DEVICE = "import-device"
_SELECTED = frozenset({"1", "1.0", "true", "yes"})
_NOT_SELECTED = frozenset({"0", "0.0", "false", "no", ""})
_BE_YEAR = re.compile(r"(?<!\d)(2[45]\d\d)(?!\d)")
_HAS_BE_YEAR = re.compile(r"(?<!\d)2[45]\d\d(?!\d)")
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


DEMO_SOURCE = "demo"  # what an export writes in _source for a demo device's data


class ImportError_(UserError):
    """The import cannot go on (the store or the import device); the words say what to do."""


@dataclass(frozen=True)
class BadCell:
    """Why one row is refused: its 1-based data row (the file's line is one more), the column, the reason."""

    row: int
    column: str
    th: str
    en: str

    def text(self, lang: str) -> str:
        if lang == "th":
            return f"แถวที่ {self.row} (บรรทัด {self.row + 1}) คอลัมน์ {self.column!r}: {self.th}"
        return f"row {self.row} (line {self.row + 1}), column {self.column!r}: {self.en}"

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason_th": self.th, "reason": self.en}


@dataclass
class Converted:
    """A file's rows as answers: per row the answers, date and identity; the refused rows and why."""

    answers: list[dict[str, Any]]
    answered_at: list[str]
    identities: list[str]
    bad: dict[int, BadCell]  # 0-based row index → the first problem found
    shape: dict[str, Any]
    notes: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, refused, would have done)."""

    file: str
    file_sha256: str
    instrument: str
    project: int | None
    source: str
    shape: dict[str, Any]
    rows: int
    imported: int
    already: int
    rejected: int
    problems: tuple[BadCell, ...]
    committed: bool  # False: the file had bad rows and nothing was imported
    rejected_file: str | None = None
    notes: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "file_sha256": self.file_sha256,
            "instrument": self.instrument,
            "project": self.project,
            "source": self.source,
            "shape": self.shape,
            "rows": self.rows,
            "imported": self.imported,
            "already_imported": self.already,
            "rejected": self.rejected,
            "committed": self.committed,
            "problems": [p.to_dict() for p in self.problems],
            "rejected_file": self.rejected_file,
            "notes": [{"th": th, "en": en} for th, en in self.notes],
        }


# -- converting a table ----------------------------------------------------------------------------


def convert(table: Table, instrument: Instrument, today: datetime | None = None) -> Converted:
    """Every row of ``table`` as answers to ``instrument``, checked; nothing is stored."""
    frame = table.frame
    n = len(frame)
    source = next((c for c in frame.columns if normalise(str(c)) == "_source"), None)
    if source is not None and (frame[source].astype(str).str.strip() == DEMO_SOURCE).any():
        raise ShapeError(
            "answers.demo",
            "ไฟล์นี้มีข้อมูลจำลองจากอุปกรณ์สาธิต (_source = demo) ข้อมูลจำลองนำเข้าเป็นคำตอบจริงไม่ได้",
            "this file holds simulated data from demo devices (_source = demo): simulated data is never "
            "imported as real answers",
        )
    columns = map_columns([str(c) for c in frame.columns], instrument)
    for item in instrument.all_items():
        if item.required and item.id not in columns.items and item.id not in columns.choice_columns:
            if item.type == "text" and item.may_contain_personal_data:
                continue
            raise ShapeError(
                "answers.missing_column",
                f"ไม่มีคอลัมน์ของข้อ {item.id!r} ({item.label_th}) ซึ่งต้องตอบทุกครั้ง: เพิ่มคอลัมน์นี้แล้วนำเข้าอีกครั้ง",
                f"there is no column for question {item.id!r} ({item.label_en}), which must be answered; "
                "add it and import again",
            )
    bad: dict[int, BadCell] = {}
    values: dict[str, list[Any]] = {}
    value_kinds: set[str] = set()
    multiple_shapes: set[str] = set()

    def refuse_row(index: int, column: str, th: str, en: str) -> None:
        if index not in bad:  # the first problem of a row is the one reported
            bad[index] = BadCell(index + 1, column, th, en)

    def refuse(mask: Any, column: str, th: str, en: str, cells: pd.Series | None = None) -> None:
        for index in mask.to_numpy().nonzero()[0]:
            got = "" if cells is None else f" ({cells.iat[int(index)]!r})"
            refuse_row(int(index), column, th + got, en + got)

    for item in instrument.all_items():
        header = columns.items.get(item.id)
        if item.type == "multiple":
            if header is not None or item.id in columns.choice_columns:
                values[item.id] = _multiple(frame, item, columns, refuse, refuse_row, multiple_shapes)
            continue
        if header is None:
            continue
        cells = frame[header].astype(str).str.strip()
        if item.type in ("likert5", "single"):
            values[item.id] = _choice(cells, item, header, refuse, value_kinds)
        elif item.type == "number":
            values[item.id] = _number(cells, item, header, refuse)
        else:
            too_long = cells.str.len() > (item.max_length or 10_000)
            refuse(too_long, header, "ข้อความยาวเกินกำหนด", "the text is too long")
            values[item.id] = [v if v else None for v in cells.tolist()]

    answered_at, date_note = _dates(frame, columns, refuse, today or datetime.now(BANGKOK))
    ids = list(values)
    answers: list[dict[str, Any]] = []
    for row in zip(*(values[i] for i in ids), strict=True) if ids else ([{}] * n):
        answers.append(
            {k: v for k, v in zip(ids, row, strict=True) if type(v) is int or not is_unanswered(v)}
        )
    checked: dict[tuple[Any, ...], list[AnswerProblem]] = {}  # ratings repeat: each distinct one checked once
    for index, response in enumerate(answers):
        if index in bad:
            continue
        key = tuple((k, type(v), tuple(v) if type(v) is list else v) for k, v in response.items())
        problems = checked.get(key)
        if problems is None:
            problems = checked[key] = validate_answers(instrument, response)
        if problems:
            first = problems[0]
            column = columns.items.get(first.item_id) or first.item_id
            bad[index] = BadCell(index + 1, column, first.message_th, first.message_en)
    identities = _identities(frame, columns, instrument, answers, answered_at)
    shape: dict[str, Any] = {
        "format": table.format,
        "separator": table.separator,
        "bom": table.bom,
        "headers": describe_headers(columns),
        "values": " + ".join(sorted(value_kinds)) or "names",
        "select_multiple": " + ".join(sorted(multiple_shapes)) or None,
        "personal_columns_refused": columns.personal,
        "ignored_columns": columns.ignored,
    }
    notes = [date_note] if date_note else []
    if columns.personal:
        names = ", ".join(repr(h) for h in columns.personal)
        notes.append(
            (
                f"ไม่นำเข้าคอลัมน์ {names}: เป็นข้อความอิสระที่อาจมีข้อมูลส่วนบุคคล",
                f"columns {names} were not imported: free text that may hold personal data",
            )
        )
    if columns.ignored:
        names = ", ".join(repr(h) for h in columns.ignored)
        notes.append(
            (
                f"คอลัมน์ {names} ไม่ตรงกับคำถามใดของแบบสอบถาม จึงไม่ได้นำเข้า",
                f"columns {names} match no question of the form and were not imported",
            )
        )
    return Converted(answers, answered_at, identities, dict(sorted(bad.items())), shape, notes)


Refuse = Callable[..., None]


def _choice(cells: pd.Series, item: Item, header: str, refuse: Refuse, kinds: set[str]) -> list[Any]:
    names: dict[str, Any] = {}
    labels: dict[str, Any] = {}
    if item.type == "likert5":
        for point in LIKERT5:
            names[str(point.value)] = names[f"{point.value}.0"] = point.value
            labels[normalise(point.label_th)] = labels[normalise(point.label_en)] = point.value
    else:
        for choice in item.choices or ():
            names[normalise(choice.value)] = choice.value
            labels[normalise(choice.label_th)] = labels[normalise(choice.label_en)] = choice.value
    keys = cells.str.casefold().str.replace(r"\s+", " ", regex=True)
    by_name = keys.map(names)
    by_label = keys.map(labels)
    if by_name.notna().any():
        kinds.add("names")
    if (by_label.notna() & by_name.isna()).any():
        kinds.add("labels")
    mapped = by_name.where(by_name.notna(), by_label)
    refuse((cells != "") & mapped.isna(), header, "ไม่ใช่ตัวเลือกของข้อนี้", "not one of the choices", cells)
    if item.type == "likert5":
        return [None if v is None or v != v else int(v) for v in mapped.tolist()]
    return [None if v is None or v != v else v for v in mapped.tolist()]


def _number(cells: pd.Series, item: Item, header: str, refuse: Refuse) -> list[Any]:
    numbers = pd.to_numeric(cells.where(cells != ""), errors="coerce")
    refuse((cells != "") & numbers.isna(), header, "ไม่ใช่ตัวเลข", "not a number", cells)
    if item.integer is not False:
        refuse(
            numbers.notna() & (numbers % 1 != 0), header, "ต้องเป็นจำนวนเต็ม", "must be a whole number", cells
        )
        return [None if v != v else int(v) for v in numbers.tolist()]
    return [None if v != v else float(v) for v in numbers.tolist()]


def _multiple(
    frame: pd.DataFrame, item: Item, columns: Columns, refuse: Refuse, refuse_row: Refuse, shapes: set[str]
) -> list[Any]:
    n = len(frame)
    chosen: list[list[str] | None] = [None] * n
    header = columns.items.get(item.id)
    if header is not None:
        shapes.add("space-separated names")
        names = {normalise(c.value): c.value for c in item.choices or ()}
        labels = {normalise(c.label_th): c.value for c in item.choices or ()}
        labels.update({normalise(c.label_en): c.value for c in item.choices or ()})
        for index, cell in enumerate(frame[header].astype(str).tolist()):
            text = normalise(cell)
            if not text:
                continue
            if text in labels:
                chosen[index] = [labels[text]]
                continue
            picked = [names.get(token) for token in text.split()]
            if None in picked:
                wrong = next(t for t, p in zip(text.split(), picked, strict=True) if p is None)
                refuse_row(
                    index, header, f"{wrong!r} ไม่ใช่ตัวเลือกของข้อนี้", f"{wrong!r} is not one of the choices"
                )
                continue
            chosen[index] = [p for p in picked if p is not None]
    per_choice = columns.choice_columns.get(item.id, [])
    if per_choice:
        shapes.add("one 0/1 column per choice")
        for column in per_choice:
            cells = frame[column.header].astype(str).str.strip().str.casefold()
            refuse(
                ~cells.isin(_SELECTED | _NOT_SELECTED),
                column.header,
                "ต้องเป็น 0 หรือ 1",
                "must be 0 or 1",
                cells,
            )
            selected = cells.isin(_SELECTED).tolist()
            for index in range(n):
                if header is not None and chosen[index] is not None:
                    continue  # the names column has it already
                if selected[index]:
                    if chosen[index] is None:
                        chosen[index] = []
                    chosen[index].append(column.choice)  # type: ignore[union-attr]
    return chosen


def _dates(
    frame: pd.DataFrame, columns: Columns, refuse: Refuse, today: datetime
) -> tuple[list[str], tuple[str, str] | None]:
    """The answer's date per row: ``end``, else ``start``, else ``_submission_time``; else the import day."""
    n = len(frame)
    found = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, Asia/Bangkok]")
    present = [name for name in DATE_COLUMNS if name in columns.meta]
    for name in present:
        header = columns.meta[name]
        cells = frame[header].astype(str).str.strip()
        parsed = _parse_dates(cells, "UTC" if name == "_submission_time" else "Asia/Bangkok")
        refuse(
            (cells != "") & parsed.isna(),
            header,
            "อ่านเป็นวันที่ไม่ได้ (ใช้ ปปปป-ดด-วว หรือ วว/ดด/ปปปป พ.ศ. หรือ ค.ศ.)",
            "can't be read as a date (use YYYY-MM-DD or DD/MM/YYYY, B.E. or C.E.)",
            cells,
        )
        found = found.fillna(parsed)
    missing = int(found.isna().sum())
    stamp = today.astimezone(BANGKOK).replace(microsecond=0).isoformat()
    texts = found.dt.strftime("%Y-%m-%dT%H:%M:%S+07:00").tolist() if n else []
    dates = [stamp if not isinstance(t, str) else t for t in texts]
    note = None
    if missing:
        day = stamp[:10]
        note = (
            f"{missing} แถวไม่มีวันที่ตอบ (end, start หรือ _submission_time) จึงลงวันที่นำเข้า {day}",
            f"{missing} rows have no date (end, start or _submission_time): dated the import day, {day}",
        )
    return dates, note


def _parse_dates(cells: pd.Series, naive_zone: str) -> pd.Series:
    """Dates and times, ISO or day-first, B.E. or C.E.; naive ones in ``naive_zone``; NaT where unreadable."""
    text = cells.where(cells != "")
    if text.str.contains(_HAS_BE_YEAR, na=False).any():
        text = text.str.replace(_BE_YEAR, lambda m: str(int(m.group(1)) - 543), regex=True)
    aware = text.str.contains(_OFFSET, na=False)
    result = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns, Asia/Bangkok]")
    if aware.any():
        parsed = pd.to_datetime(text[aware], format="ISO8601", utc=True, errors="coerce")
        result[aware] = parsed.dt.tz_convert("Asia/Bangkok")
    naive = text.notna() & ~aware
    if naive.any():
        parsed = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
        retry = parsed.isna()
        if retry.any():
            parsed[retry] = pd.to_datetime(text[naive][retry], dayfirst=True, format="mixed", errors="coerce")
        result[naive] = parsed.dt.tz_localize(naive_zone).dt.tz_convert("Asia/Bangkok")
    return result


def _identities(
    frame: pd.DataFrame,
    columns: Columns,
    instrument: Instrument,
    answers: list[dict[str, Any]],
    answered_at: list[str],
) -> list[str]:
    given: list[str] = [""] * len(frame)
    for name in IDENTITY_COLUMNS:
        header = columns.meta.get(name)
        if header is None:
            continue
        cells = frame[header].astype(str).str.strip().str.removeprefix("uuid:").tolist()
        given = [g or c for g, c in zip(given, cells, strict=True)]
    has_date = any(name in columns.meta for name in DATE_COLUMNS)
    seen: Counter[bytes] = Counter()
    out: list[str] = []
    for index, ident in enumerate(given):
        if ident:
            out.append(ident)
            continue
        key = orjson.dumps(
            [instrument.id, answers[index], answered_at[index] if has_date else None],
            option=orjson.OPT_SORT_KEYS,
        )
        seen[key] += 1
        out.append(hashlib.sha256(key + b"#%d" % seen[key]).hexdigest())
    return out


# -- storing -----------------------------------------------------------------------------------------


def import_device(home: Path) -> Device:
    """This home's import device (made on first use)."""
    return load_or_create_device(home / IMPORT_DEVICE)


def imported_identities(store: CentralStore) -> set[tuple[str, str]]:
    """``(instrument, identity)`` of every response already imported into ``store``."""
    known: set[tuple[str, str]] = set()
    for *_, line in store.report_rows((KIND,), "0001-01-01", "9999-12-31", include_demo=True):
        body = orjson.loads(line)["body"]
        instrument = str(body.get("instrument"))
        known.update((instrument, str(response.get("identity"))) for response in imported_responses(body))
    return known


def imported_responses(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The responses of one ``answers.imported`` body (each with row, identity, answered_at, answers)."""
    responses = body.get("responses")
    return [r for r in responses if isinstance(r, dict)] if isinstance(responses, list) else []


def _flush(home: Path, device: Device, store: CentralStore) -> None:
    """Send the import device's events the store does not hold yet, as a signed bundle."""
    last, _ = store.checkpoint(device.id)
    folder = home / IMPORT_DEVICE / "bundles"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"import-{last + 1:09d}.psb"
    try:
        manifest = write_bundle(device, home / IMPORT_DEVICE / "log", out, from_seq=last + 1)
    except BundleError as exc:
        raise ImportError_(
            "answers.bundle",
            f"ลงนามชุดข้อมูลของอุปกรณ์นำเข้าไม่ได้: {exc} (ตรวจสอบด้วย prongsai verify --home {home / IMPORT_DEVICE})",
            f"the import device's bundle can't be signed: {exc} "
            f"(check it with prongsai verify --home {home / IMPORT_DEVICE})",
        ) from None
    if manifest is None:
        return
    result = store.import_bundle(out)
    if not result.ok:
        raise ImportError_(
            "answers.store",
            f"คลังข้อมูลกลางไม่รับคำตอบที่นำเข้า: {result.refused}",
            f"the central store refused the imported answers: {result.refused}",
        )


def import_answers(
    home: Path,
    path: Path,
    instrument: Instrument,
    *,
    project: int | None = None,
    source: str | None = None,
    skip_bad: bool = False,
    today: datetime | None = None,
) -> ImportSummary:
    """Import the answers in ``path`` into ``home``'s central store; see the module's docstring.

    With bad rows, nothing is imported unless ``skip_bad``: then the good rows are, and the bad ones are
    written to ``<path>.rejected.csv``. Raises :class:`ShapeError` when the file can't be read at all.
    """
    table, long = widen(read_table(path))
    table, others = only_instrument(table, instrument.id)
    converted = convert(table, instrument, today)
    converted.shape["layout"] = "long" if long else "wide"
    if others:
        converted.notes.append(
            (
                f"ข้าม {others} แถวที่เป็นคำตอบของแบบสอบถามอื่น (คอลัมน์ _instrument)",
                f"{others} rows of other instruments (column _instrument) were left out",
            )
        )
    kind = source or _guess_source(table)
    problems = tuple(converted.bad.values())
    rows = len(converted.answers)
    if problems and not skip_bad:
        return ImportSummary(
            table.name, table.sha256, instrument.id, project, kind, converted.shape, rows, 0, 0,
            len(problems), problems, committed=False, notes=tuple(converted.notes),
        )  # fmt: skip
    rejected_file = _write_rejected(path, table, converted) if problems else None
    device = import_device(home)
    try:
        with CentralStore.open(home) as store:
            if store.device(device.id) is None:
                store.enrol(make_enrolment(device, name="นำเข้าคำตอบ (answers import)", role="import"))
            with DeviceLog(home / IMPORT_DEVICE / "log", device.id) as log:
                _flush_log(log)
            _flush(home, device, store)
            known = imported_identities(store)
            drafts, new = _drafts(converted, table, instrument, project, kind, known)
            already = rows - len(problems) - new
            if drafts:
                with DeviceLog(home / IMPORT_DEVICE / "log", device.id) as log:
                    log.append_many(drafts)
                    log.fold()
                _flush(home, device, store)
    except EventError as exc:  # e.g. a whole number beyond ±(2**53 - 1): nothing of the batch was kept
        raise ImportError_(
            "answers.value",
            f"เก็บคำตอบนี้ไม่ได้ ({exc}) แก้ค่าในไฟล์แล้วนำเข้าอีกครั้ง",
            f"an answer can't be stored ({exc}); correct it in the file and import again",
        ) from None
    except LogError as exc:
        raise ImportError_(
            "answers.log",
            f"เขียนบันทึกของอุปกรณ์นำเข้าไม่ได้: {exc}",
            f"the import device's log can't be written: {exc}",
        ) from None
    return ImportSummary(
        table.name, table.sha256, instrument.id, project, kind, converted.shape, rows, new, already,
        len(problems), problems, committed=True, rejected_file=rejected_file, notes=tuple(converted.notes),
    )  # fmt: skip


def _flush_log(log: DeviceLog) -> None:
    log.fold()  # a journal left by a crash: folded before it is bundled


def _drafts(
    converted: Converted,
    table: Table,
    instrument: Instrument,
    project: int | None,
    source: str,
    known: set[tuple[str, str]],
) -> tuple[list[Draft], int]:
    """The events to append (each with up to :data:`RESPONSES_PER_EVENT` new responses), and how many
    responses they hold."""
    seen = set(known)
    responses: list[dict[str, Any]] = []
    for index, response in enumerate(converted.answers):
        identity = converted.identities[index]
        if index in converted.bad or (instrument.id, identity) in seen:
            continue
        seen.add((instrument.id, identity))
        responses.append(
            {
                "row": index + 1,
                "identity": identity,
                "answered_at": converted.answered_at[index],
                "answers": {k: _storable(v) if type(v) is float else v for k, v in response.items()},
            }
        )
    head = {
        "instrument": instrument.id,
        "project": project,
        "source": source,
        "file": table.name,
        "file_sha256": table.sha256,
    }
    drafts = [
        Draft(KIND, {**head, "responses": responses[i : i + RESPONSES_PER_EVENT]})
        for i in range(0, len(responses), RESPONSES_PER_EVENT)
    ]
    return drafts, len(responses)


def _storable(value: Any) -> Any:
    """Events hold no floats (their hash must not depend on a float's printing): a decimal answer is
    kept as its shortest decimal text ("2.5"), a whole one as an int; the report reads either as a number."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value)
    return value


def _guess_source(table: Table) -> str:
    given = next((c for c in table.frame.columns if normalise(str(c)) == "_source"), None)
    if given is not None:
        values = {str(v) for v in table.frame[given].astype(str).str.strip()}
        if len(values) == 1 and (only := values.pop()) in SOURCES:
            return only  # a file this kit exported: its own word
    headers = {normalise(str(c)).replace("-", "/").replace(".", "/") for c in table.frame.columns}
    if headers & {"_uuid", "_submission_time", "_id"}:
        return "kobo"
    if headers & {"meta/instanceid", "instanceid", "key", "submissiondate"}:
        return "odk"
    return "paper"


def _write_rejected(path: Path, table: Table, converted: Converted) -> str:
    out = path.with_name(path.name + ".rejected.csv")
    indices = list(converted.bad)
    rejected = table.frame.iloc[indices].copy()
    rejected["_rejected_row"] = [converted.bad[i].row for i in indices]
    rejected["_rejected_column"] = [converted.bad[i].column for i in indices]
    rejected["_rejected_reason"] = [f"{converted.bad[i].th} / {converted.bad[i].en}" for i in indices]
    rejected.to_csv(out, sep=table.separator or ",", index=False, encoding="utf-8-sig")
    return str(out)
