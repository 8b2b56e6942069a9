"""XLSForm in and out: forms written inline as small tables, one bad file per refused feature."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from surveys.bilingual import UserError
from surveys.content.answers import validate_answers
from surveys.content.instruments import (
    BUILTIN_IDS,
    InstrumentClashError,
    builtin_instruments,
    check_instrument,
    instrument_to_dict,
    instruments_of,
    save_instrument,
)
from surveys.content.xlsform import XLSFormError, read_xlsform, write_xlsform

BAD = Path(__file__).parent.parent / "data" / "xlsform"
TH, EN = "label::Thai (th)", "label::English (en)"
YN = [["yn", "yes", "ใช่", "Yes"], ["yn", "no", "ไม่ใช่", "No"]]
STARS = [["stars", str(n), f"{n} ดาว", f"{n} stars"] for n in (1, 2, 3, 4, 5)]


def xlsform(
    tmp_path: Path,
    survey: list[list[Any]],
    choices: list[list[Any]] = (),  # type: ignore[assignment]
    settings: dict[str, Any] | None = None,
    head: list[str] | None = None,
) -> Path:
    """A workbook from small tables: survey rows under ``head``, choice rows, one settings row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in [head or ["type", "name", TH, EN, "required", "relevant", "constraint"], *survey]:
        sheet.append(row)
    sheet = book.create_sheet("choices")
    for row in [["list_name", "name", TH, EN], *choices]:
        sheet.append(row)
    values = {"form_id": "library-satisfaction", "form_title": "ความพึงพอใจห้องสมุด", **(settings or {})}
    sheet = book.create_sheet("settings")
    sheet.append(list(values))
    sheet.append(list(values.values()))
    path = tmp_path / "form.xlsx"
    book.save(path)
    return path


def test_a_kobo_style_form_becomes_an_instrument_with_sections_types_and_thai_labels(tmp_path: Path) -> None:
    path = xlsform(
        tmp_path,
        [
            ["start", "start"],
            ["end", "end"],
            ["today", "today"],
            ["deviceid", "deviceid"],
            ["note", "welcome", "แบบประเมินนี้ไม่ต้องระบุชื่อ", "This survey is anonymous."],
            ["begin_group", "service", "การให้บริการ", "The service"],
            ["select_one stars", "overall", "พึงพอใจเพียงใด", "How satisfied?", "yes"],
            ["range", "staff", "เจ้าหน้าที่", "Staff"],
            ["select_one yn", "visited", "เคยมาหรือไม่", "Been before?"],
            ["integer", "times", "กี่ครั้ง", "How many times?", "", "${visited} = 'yes'", ". >= 1 and . <= 50"],
            ["end_group"],
            ["begin group", "more", "เพิ่มเติม", "More"],
            ["select_multiple topics", "topics", "เรื่องที่มา", "Topics", "", "", "count-selected(.) <= 2"],
            ["decimal", "hours", "รอกี่ชั่วโมง", "Hours waited"],
            ["text", "suggestion", "ข้อเสนอแนะ", "Suggestions"],
            ["end group"],
        ],
        [
            *STARS,
            *YN,
            ["topics", "tax", "ภาษี", "Tax"],
            ["topics", "id-card", "บัตร", "ID card"],
            ["topics", "x", "อื่น", "Other"],
        ],
        {"title_en": "Library satisfaction", "version": "3", "default_language": "Thai (th)"},
    )
    # the range needs its parameters column: add it by hand to show range 1-5 is a likert5 too
    book = load_workbook(path)
    survey = book["survey"]
    survey.cell(row=1, column=8, value="parameters")
    survey.cell(row=9, column=8, value="start=1 end=5 step=1")
    book.save(path)

    instrument = read_xlsform(path, projects=[1, 10])

    assert (instrument.id, instrument.version, instrument.projects) == ("library-satisfaction", 3, (1, 10))
    assert (instrument.title_th, instrument.title_en) == ("ความพึงพอใจห้องสมุด", "Library satisfaction")
    assert instrument.intro_th == "แบบประเมินนี้ไม่ต้องระบุชื่อ"
    assert [s.id for s in instrument.sections] == ["service", "more"]
    assert [s.title_th for s in instrument.sections] == ["การให้บริการ", "เพิ่มเติม"]
    items = {i.id: i for i in instrument.all_items()}
    assert list(items) == ["overall", "staff", "visited", "times", "topics", "hours", "suggestion"]
    assert (items["overall"].type, items["overall"].scored, items["overall"].required) == (
        "likert5",
        True,
        True,
    )
    assert (items["staff"].type, items["staff"].scored) == ("likert5", True)
    assert items["visited"].type == "single"
    assert items["visited"].choice_values() == ("yes", "no")  # choice names are the stored values
    assert (items["times"].type, items["times"].min, items["times"].max, items["times"].integer) == (
        "number",
        1,
        50,
        True,
    )
    assert items["times"].relevant == "${visited} = 'yes'"
    assert (items["topics"].type, items["topics"].max_selections) == ("multiple", 2)
    assert (items["hours"].type, items["hours"].integer) == ("number", False)
    assert items["suggestion"].type == "text"
    assert items["overall"].label_en == "How satisfied?"


def test_the_scored_column_no_keeps_a_satisfaction_item_out_of_the_score(tmp_path: Path) -> None:
    head = ["type", "name", TH, EN, "scored"]
    path = xlsform(
        tmp_path,
        [
            ["select_one stars", "overall", "โดยรวม", "Overall", "yes"],
            ["select_one stars", "mood", "อารมณ์", "Mood", "no"],
        ],
        STARS,
        head=head,
    )
    instrument = read_xlsform(path)
    assert [i.id for i in instrument.scored_items()] == ["overall"]
    assert instrument.item("mood") is not None and instrument.item("mood").type == "likert5"  # type: ignore[union-attr]


def test_questions_outside_groups_go_to_a_main_section_and_a_single_language_fills_both(
    tmp_path: Path,
) -> None:
    path = xlsform(
        tmp_path,
        [["text", "comment", "ความเห็น"]],
        head=["type", "name", "label"],
        settings={"default_language": "Thai (th)"},
    )
    instrument = read_xlsform(path)
    assert [s.id for s in instrument.sections] == ["main"]
    item = instrument.all_items()[0]
    assert (item.label_th, item.label_en) == ("ความเห็น", "ความเห็น")


def test_other_languages_with_default_language_pick_the_thai_and_english(tmp_path: Path) -> None:
    head = ["type", "name", "label::Lao (lo)", "label::ภาษาไทย (th)", "label::English (en)"]
    path = xlsform(
        tmp_path,
        [["text", "comment", "ຄຳເຫັນ", "ความเห็น", "Comment"]],
        head=head,
        settings={"default_language": "Lao (lo)"},
    )
    item = read_xlsform(path).all_items()[0]
    assert (item.label_th, item.label_en) == ("ความเห็น", "Comment")


def test_a_note_after_a_question_becomes_the_hint_of_the_next_question(tmp_path: Path) -> None:
    path = xlsform(
        tmp_path,
        [
            ["text", "first", "ข้อแรก", "First"],
            ["note", "tip", "ตอบสั้น ๆ", "Keep it short"],
            ["text", "second", "ข้อสอง", "Second"],
        ],
    )
    second = read_xlsform(path).item("second")
    assert second is not None and (second.hint_th, second.hint_en) == ("ตอบสั้น ๆ", "Keep it short")


def test_a_relevant_item_is_required_only_when_its_condition_holds(tmp_path: Path) -> None:
    path = xlsform(
        tmp_path,
        [
            ["select_one yn", "visited", "เคยมาไหม", "Been before?", "yes"],
            ["text", "why", "ทำไม", "Why?", "yes", "${visited} = 'yes' and not(${visited} = 'no')"],
        ],
        YN,
    )
    instrument = read_xlsform(path)
    assert validate_answers(instrument, {"visited": "no"}) == []
    assert [p.code for p in validate_answers(instrument, {"visited": "yes"})] == ["answer.required"]


# -- refused, one file per feature: sheet, row, column and reason --------------------------------

REFUSED = [
    ("geopoint.xlsx", "xlsform.type", "sheet survey, row 3, column type", "'geopoint' is not supported"),
    ("calculate.xlsx", "xlsform.type", "sheet survey, row 3, column type", "'calculate' is not supported"),
    ("repeat.xlsx", "xlsform.type", "sheet survey, row 3, column type", "'begin_repeat' is not supported"),
    (
        "relevant-function.xlsx",
        "item.relevant_invalid",
        "sheet survey, row 3, column relevant",
        "the function string-length() is not supported",
    ),
    ("missing-list.xlsx", "xlsform.no_list", "sheet survey, row 3, column type", "no choice list 'stars'"),
    ("nested-group.xlsx", "xlsform.nested_group", "sheet survey, row 4, column type", "groups inside groups"),
    ("or-other.xlsx", "xlsform.type", "sheet survey, row 3, column type", "'select_one yn or_other'"),
    ("regex-constraint.xlsx", "xlsform.constraint", "sheet survey, row 3, column constraint", "regex("),
    (
        "later-relevant.xlsx",
        "item.relevant_unknown",
        "sheet survey, row 3, column relevant",
        "refers to later, which is not an earlier item",
    ),
    ("bad-name.xlsx", "id.invalid", "sheet survey, row 3, column name", "(got 'Why')"),
    (
        "unknown-column.xlsx",
        "xlsform.column",
        "sheet survey, row 3, column media::image",
        "the column 'media::image' is not supported",
    ),
]


@pytest.mark.parametrize(("name", "code", "where", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_refused_feature_names_sheet_row_column_and_reason(
    name: str, code: str, where: str, reason: str
) -> None:
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(BAD / name)
    error = caught.value
    assert isinstance(error, UserError)
    assert error.code == code
    assert error.en.startswith(where + ": ")
    assert reason in error.en
    row = where.split("row ")[1].split(",")[0]
    assert error.th.startswith(f"แผ่นงาน survey แถว {row} คอลัมน์ ")


def test_the_thai_reason_for_an_unsupported_type_reads_in_thai() -> None:
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(BAD / "geopoint.xlsx")
    assert caught.value.th.startswith("แผ่นงาน survey แถว 3 คอลัมน์ type: โปรแกรมยังไม่รองรับคำถามชนิด 'geopoint'")


def test_a_missing_file_and_a_csv_are_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(XLSFormError, match="there is no file"):
        read_xlsform(tmp_path / "nope.xlsx")
    csv = tmp_path / "form.csv"
    csv.write_text("type,name\ntext,a\n", encoding="utf-8")
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(csv)
    assert "form.csv ไม่ใช่ไฟล์ .xlsx" in caught.value.th


def test_a_form_without_form_id_is_refused_on_the_settings_sheet(tmp_path: Path) -> None:
    path = xlsform(tmp_path, [["text", "a", "ก", "A"]], settings={"form_id": ""})
    with pytest.raises(XLSFormError, match=r"sheet settings, row 2, column form_id: there is no form_id"):
        read_xlsform(path)


# -- writing, and the round trip -------------------------------------------------------------------


@pytest.mark.parametrize("instrument_id", BUILTIN_IDS)
def test_every_builtin_instrument_goes_to_xlsform_and_back_unchanged(
    tmp_path: Path, instrument_id: str
) -> None:
    instrument = builtin_instruments()[instrument_id]
    path = write_xlsform(instrument, tmp_path / f"{instrument_id}.xlsx")
    assert instrument_to_dict(read_xlsform(path)) == instrument_to_dict(instrument)


@pytest.mark.parametrize("instrument_id", BUILTIN_IDS)
def test_pyxform_turns_every_exported_form_into_an_xform(tmp_path: Path, instrument_id: str) -> None:
    instrument = builtin_instruments()[instrument_id]
    path = write_xlsform(instrument, tmp_path / f"{instrument_id}.xlsx")
    result = convert(xlsform=str(path), validate=False)
    assert f'id="{instrument_id}"' in result.xform
    assert instrument.all_items()[0].label_th in result.xform  # Thai intact
    assert 'lang="Thai (th)" default="true()"' in result.xform


def test_the_exported_form_has_kobo_sheets_and_thai_and_english_labels(tmp_path: Path) -> None:
    path = write_xlsform(builtin_instruments()["service-satisfaction"], tmp_path / "s.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["survey", "choices", "settings"]
    head = [c.value for c in book["survey"][1]]
    assert {"type", "name", TH, EN, "required"} <= set(head)
    settings = dict(
        zip([c.value for c in book["settings"][1]], [c.value for c in book["settings"][2]], strict=True)
    )
    assert (settings["form_id"], settings["default_language"]) == ("service-satisfaction", "Thai (th)")
    rows = [[c.value for c in r] for r in book["survey"].iter_rows(min_row=2)]
    overall = next(r for r in rows if r[1] == "overall" and r[0] != "begin_group")
    assert overall[0] == "select_one likert5"
    likert = [[c.value for c in r] for r in book["choices"].iter_rows(min_row=2) if r[0].value == "likert5"]
    assert [r[1] for r in likert] == ["5", "4", "3", "2", "1"]
    assert likert[0][2:] == ["มากที่สุด", "Very much"]


def test_an_instrument_with_a_condition_and_bounds_round_trips(tmp_path: Path) -> None:
    path = xlsform(
        tmp_path,
        [
            ["select_one yn", "visited", "เคยมาไหม", "Been before?"],
            ["integer", "times", "กี่ครั้ง", "Times", "", "${visited} = 'yes'", ". >= 1 and . <= 50"],
            ["text", "note_text", "บันทึก", "Note", "", "", "string-length(.) <= 80"],
        ],
        YN,
    )
    instrument = read_xlsform(path, projects=[4])
    again = read_xlsform(write_xlsform(instrument, tmp_path / "again.xlsx"))
    assert instrument_to_dict(again) == instrument_to_dict(instrument)
    assert again.item("note_text").max_length == 80  # type: ignore[union-attr]


# -- the home's instruments ------------------------------------------------------------------------


def test_an_imported_instrument_is_saved_in_the_home_and_listed_with_the_builtins(tmp_path: Path) -> None:
    instrument = read_xlsform(xlsform(tmp_path, [["text", "a", "ก", "A"]]), projects=[2])
    path = save_instrument(instrument, tmp_path / "home")
    assert path == tmp_path / "home" / "instruments" / "library-satisfaction.yaml"
    assert check_instrument(path) == []  # the same YAML format as the built-ins
    found = instruments_of(tmp_path / "home")
    assert list(found)[: len(BUILTIN_IDS)] == list(BUILTIN_IDS)
    assert found["library-satisfaction"] == instrument


def test_a_builtin_id_is_always_refused_and_an_imported_one_needs_replace(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with pytest.raises(InstrumentClashError, match="belongs to a built-in instrument"):
        save_instrument(builtin_instruments()["staff-nogift"], home, replace=True)
    instrument = read_xlsform(xlsform(tmp_path, [["text", "a", "ก", "A"]]))
    save_instrument(instrument, home)
    with pytest.raises(InstrumentClashError, match="pass --replace"):
        save_instrument(instrument, home)
    save_instrument(instrument.model_copy(update={"version": 2}), home, replace=True)
    assert instruments_of(home)["library-satisfaction"].version == 2


def test_the_sample_form_in_docs_is_the_service_satisfaction_instrument() -> None:
    sample = Path(__file__).parent.parent.parent / "docs" / "xlsform" / "service-satisfaction.xlsx"
    expected = builtin_instruments()["service-satisfaction"]
    assert instrument_to_dict(read_xlsform(sample)) == instrument_to_dict(expected)


def test_a_note_with_a_condition_and_an_entities_sheet_are_refused(tmp_path: Path) -> None:
    path = xlsform(tmp_path, [["note", "hello", "สวัสดี", "Hello", "", "${a} = 'x'"], ["text", "a", "ก", "A"]])
    with pytest.raises(
        XLSFormError, match=r"sheet survey, row 2, column relevant: a note cannot have relevant"
    ):
        read_xlsform(path)
    path = xlsform(tmp_path, [["text", "a", "ก", "A"]])
    book = load_workbook(path)
    book.create_sheet("entities").append(["list_name", "label"])
    book.save(path)
    with pytest.raises(XLSFormError, match="the entities sheet is not supported"):
        read_xlsform(path)
