"""The shape of an answers file: how it is written, and which column holds which question.

KoboToolbox and ODK export the same answers in several shapes: ``,`` or ``;`` separated, UTF-8 with or
without a BOM, headers as question names or as labels (in any language of the form, with or without the
group in front: ``group/question``, ``group-question``, ``group.question``), values as choice names or
labels, ``select_multiple`` as one column of space-separated names and/or one 0/1 column per choice
(``question/choice``), or an XLSX workbook. :func:`read_table` reads the file as text cells;
:func:`map_columns` finds, against an instrument, what each column is, and says which shape it read.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from surveys.bilingual import UserError
from surveys.content.instruments import Instrument, Item

SEPARATORS = "/-."
# Metadata columns the importer reads, by their normalised name.
IDENTITY_COLUMNS = ("_uuid", "instanceid", "meta/instanceid")
DATE_COLUMNS = ("end", "start", "_submission_time")  # the answer's date: the first of these with a value
READ_META = frozenset({*IDENTITY_COLUMNS, *DATE_COLUMNS, "_id"})
# Columns KoboToolbox/ODK (and our own export and rejected-rows file) add that hold no answer.
OTHER_META = frozenset(
    {
        "_index", "__version__", "_version_", "_validation_status", "_status", "_submitted_by", "_tags",
        "_notes", "_attachments", "_geolocation", "formhub/uuid", "_xform_id_string", "today", "deviceid",
        "meta/rootuuid", "meta/deprecatedid", "meta/instancename", "simserial", "subscriberid",
        "phonenumber", "username", "audit", "_source", "_instrument", "_project", "_rejected_row",
        "_rejected_column", "_rejected_reason", "key", "submissiondate", "submitterid", "submittername",
        "attachmentspresent", "attachmentsexpected", "reviewstate", "edits", "formversion",
    }
)  # fmt: skip


class ShapeError(UserError):
    """The file cannot be read as answers to this instrument; the words say why and what to do."""


@dataclass
class Table:
    """An answers file read as text cells (``""`` for an empty cell), with how it was written."""

    frame: pd.DataFrame
    name: str
    sha256: str
    format: str  # csv or xlsx
    separator: str | None = None
    bom: bool = False


@dataclass(frozen=True)
class ChoiceColumn:
    """One 0/1 column of a ``select_multiple`` question: its header and the choice it stands for."""

    header: str
    choice: str


@dataclass
class Columns:
    """What each column of a file is, against one instrument."""

    items: dict[str, str] = field(default_factory=dict)  # item id → header (a whole-answer column)
    choice_columns: dict[str, list[ChoiceColumn]] = field(default_factory=dict)  # item id → 0/1 columns
    meta: dict[str, str] = field(default_factory=dict)  # normalised metadata name → header
    personal: list[str] = field(default_factory=list)  # headers of questions that may hold personal data
    ignored: list[str] = field(default_factory=list)  # headers that are neither a question nor metadata
    header_kinds: set[str] = field(default_factory=set)  # name, label_th, label_en
    grouped: bool = False


def normalise(text: str) -> str:
    """A header or value compared loosely: trimmed, inner spaces collapsed, case folded."""
    return " ".join(str(text).split()).casefold()


def read_table(path: Path) -> Table:
    """The file at ``path`` (.csv or .xlsx) as text cells; raises :class:`ShapeError` if it can't be read."""
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ShapeError(
            "answers.unreadable",
            f"อ่านไฟล์ {path} ไม่ได้ ({exc.strerror or exc}) ตรวจสอบชื่อไฟล์และสิทธิ์การอ่าน",
            f"can't read {path} ({exc.strerror or exc}); check the file name and that it may be read",
        ) from None
    digest = hashlib.sha256(data).hexdigest()
    if suffix == ".csv":
        return _read_csv(path, data, digest)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, data, digest)
    raise ShapeError(
        "answers.format",
        f"{path.name}: อ่านได้เฉพาะไฟล์ .csv หรือ .xlsx (ส่งออกจาก KoboToolbox/ODK หรือพิมพ์จากแบบสอบถามกระดาษ)",
        f"{path.name}: only .csv or .xlsx files can be read (a KoboToolbox/ODK export, or typed from paper)",
    )


def _read_csv(path: Path, data: bytes, digest: str) -> Table:
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ShapeError(
            "answers.encoding",
            f"{path.name} ไม่ใช่ไฟล์ UTF-8 (ไบต์ที่ {exc.start}): บันทึกใหม่เป็น 'CSV UTF-8' แล้วนำเข้าอีกครั้ง",
            f"{path.name} is not UTF-8 (byte {exc.start}): save it again as 'CSV UTF-8' and import it again",
        ) from None
    first = text.split("\n", 1)[0]
    separator = _separator(first)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, na_filter=False, engine="c"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ShapeError(
            "answers.csv",
            f"{path.name}: อ่านเป็นตาราง CSV ไม่ได้ ({exc})",
            f"{path.name}: can't be read as a CSV table ({exc})",
        ) from None
    return Table(frame, path.name, digest, "csv", separator, bom)


def _separator(header_line: str) -> str:
    """``;`` (KoboToolbox's default), ``,`` or a tab: the one most in the header line, outside quotes."""
    counts = {sep: 0 for sep in ";,\t"}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] else ","


def _read_xlsx(path: Path, data: bytes, digest: str) -> Table:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ShapeError(
            "answers.xlsx",
            f"{path.name}: เปิดเป็นไฟล์ Excel (.xlsx) ไม่ได้ ({exc})",
            f"{path.name}: can't be opened as an Excel (.xlsx) workbook ({exc})",
        ) from None
    frame = frame.fillna("")
    frame.columns = [str(c) for c in frame.columns]
    return Table(frame, path.name, digest, "xlsx")


# -- columns ---------------------------------------------------------------------------------------


def _item_keys(instrument: Instrument) -> dict[str, tuple[Item, str]]:
    keys: dict[str, tuple[Item, str]] = {}
    for kind in ("label_en", "label_th", "name"):  # names win over labels that happen to be equal
        for item in instrument.all_items():
            text = item.id if kind == "name" else getattr(item, kind)
            keys[normalise(text)] = (item, kind)
    return keys


def _choice_keys(item: Item) -> dict[str, str]:
    keys: dict[str, str] = {}
    for choice in item.choices or ():
        for text in (choice.label_en, choice.label_th, choice.value):
            keys[normalise(text)] = choice.value
    return keys


def _question(header: str, keys: dict[str, tuple[Item, str]]) -> tuple[Item, str, bool] | None:
    """The item a header names (by name or label), with or without a group in front."""
    if header in keys:
        item, kind = keys[header]
        return item, kind, False
    for i, ch in enumerate(header):  # the longest rest first: a label may itself hold a "/"
        if ch in SEPARATORS and header[i + 1 :] in keys:
            item, kind = keys[header[i + 1 :]]
            return item, kind, True
    return None


def _choice_column(header: str, keys: dict[str, tuple[Item, str]]) -> tuple[Item, str, str, bool] | None:
    """A ``question/choice`` 0/1 column of a multiple-choice item."""
    for i in range(len(header) - 1, 0, -1):
        if header[i] not in SEPARATORS:
            continue
        found = _question(header[:i], keys)
        if found is None or found[0].type != "multiple":
            continue
        choice = _choice_keys(found[0]).get(header[i + 1 :])
        if choice is not None:
            return found[0], found[1], choice, found[2]
    return None


def _meta_name(header: str) -> str:
    return re.sub(r"[-.]", "/", header)


def map_columns(headers: list[str], instrument: Instrument) -> Columns:
    """What each header is: an item, a choice of a multiple item, metadata, refused or ignored."""
    keys = _item_keys(instrument)
    columns = Columns()
    for header in headers:
        norm = normalise(header)
        meta = _meta_name(norm)
        if meta in READ_META:
            columns.meta.setdefault(meta, header)
            continue
        if meta in OTHER_META or norm.startswith("_rejected"):
            continue
        found = _question(norm, keys)
        if found is not None:
            item, kind, grouped = found
            if item.type == "text" and item.may_contain_personal_data:
                columns.personal.append(header)
                continue
            if item.id in columns.items:
                raise ShapeError(
                    "answers.duplicate_column",
                    f"ข้อ {item.id!r} มีสองคอลัมน์: {columns.items[item.id]!r} และ {header!r} ลบคอลัมน์ที่ซ้ำออก",
                    f"question {item.id!r} has two columns, {columns.items[item.id]!r} and {header!r}; "
                    "remove the extra one",
                )
            columns.items[item.id] = header
            columns.header_kinds.add(kind)
            columns.grouped |= grouped
            continue
        per_choice = _choice_column(norm, keys)
        if per_choice is not None:
            item, kind, choice, grouped = per_choice
            columns.choice_columns.setdefault(item.id, []).append(ChoiceColumn(header, choice))
            columns.header_kinds.add(kind)
            columns.grouped |= grouped
            continue
        columns.ignored.append(header)
    if not columns.items and not columns.choice_columns:
        raise ShapeError(
            "answers.no_questions",
            f"ไม่พบคอลัมน์ใดตรงกับคำถามของแบบสอบถาม {instrument.id} (ทั้งชื่อคำถามและข้อความคำถาม) "
            "ตรวจสอบว่าเลือกแบบสอบถามถูกต้อง (--instrument)",
            f"no column matches a question of instrument {instrument.id} (by name or by label); "
            "check that --instrument names the right form",
        )
    return columns


def describe_headers(columns: Columns) -> str:
    """``names``, ``labels (th)``, ``labels (en)`` or a mix, with ``, grouped`` when groups lead."""
    kinds = [k for k in ("name", "label_th", "label_en") if k in columns.header_kinds]
    words = {"name": "names", "label_th": "labels (th)", "label_en": "labels (en)"}
    text = " + ".join(words[k] for k in kinds) or "none"
    return text + (" with group prefixes" if columns.grouped else "")


def _header_named(frame: pd.DataFrame, name: str) -> str | None:
    return next((str(c) for c in frame.columns if normalise(str(c)) == name), None)


def widen(table: Table) -> tuple[Table, bool]:
    """A long table (``_uuid``, ``item``, ``value``: one row per answer, as ``answers export --layout long``
    writes) as a wide one, one row per response in the order first seen; other tables as they are."""
    frame = table.frame
    uuid, item, value = (_header_named(frame, n) for n in ("_uuid", "item", "value"))
    if uuid is None or item is None or value is None:
        return table, False
    meta = [str(c) for c in frame.columns if str(c) not in (item, value)]
    firsts = frame.drop_duplicates(subset=[uuid])[meta].set_index(uuid, drop=False)
    answers = frame.pivot_table(index=uuid, columns=item, values=value, aggfunc="first", fill_value="")
    wide = firsts.join(answers, how="left").fillna("").reset_index(drop=True)
    wide.columns = [str(c) for c in wide.columns]
    return Table(wide, table.name, table.sha256, table.format, table.separator, table.bom), True


def only_instrument(table: Table, instrument_id: str) -> tuple[Table, int]:
    """The rows of ``instrument_id`` if the file names each row's form, and how many others."""
    header = _header_named(table.frame, "_instrument")
    if header is None:
        return table, 0
    keep = table.frame[header].astype(str).str.strip().isin(["", instrument_id])
    if keep.all():
        return table, 0
    frame = table.frame[keep].reset_index(drop=True)
    return Table(frame, table.name, table.sha256, table.format, table.separator, table.bom), int(
        (~keep).sum()
    )
