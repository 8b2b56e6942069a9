"""Instruments: the built-ins, the file format's errors (one bad file each), the CLI group."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from prongsai.commands.instruments import instruments
from prongsai.context import CliContext
from surveys.content.datafile import DataFileError
from surveys.content.instruments import (
    BUILTIN_IDS,
    LIKERT5,
    Choice,
    Instrument,
    Item,
    Section,
    builtin_instruments,
    check_instrument,
    instrument_to_dict,
    load_instrument,
    parse_instrument,
)

BAD = Path(__file__).parent.parent / "data" / "instruments"

# -- built-ins ----------------------------------------------------------------------------------


def test_builtins_are_the_six_fixed_ids_in_order() -> None:
    assert (
        tuple(builtin_instruments())
        == BUILTIN_IDS
        == (
            "service-satisfaction",
            "complaint-satisfaction",
            "forum-feedback",
            "staff-nogift",
            "staff-promotion",
            "staff-internal-control",
        )
    )


@pytest.mark.parametrize(
    ("instrument_id", "projects", "audience"),
    [
        ("service-satisfaction", (1, 10, 15), "citizen"),
        ("complaint-satisfaction", (9,), "citizen"),
        ("forum-feedback", (5,), "citizen"),
        ("staff-nogift", (15,), "staff"),
        ("staff-promotion", (17,), "staff"),
        ("staff-internal-control", (13,), "staff"),
    ],
)
def test_each_builtin_links_to_its_plan_projects(
    instrument_id: str, projects: tuple[int, ...], audience: str
) -> None:
    instrument = builtin_instruments()[instrument_id]
    assert instrument.id == instrument_id
    assert instrument.projects == projects
    assert instrument.audience == audience
    assert instrument.anonymous
    # The PDPA notice: no name, no personal data, in both languages.
    assert "ไม่ต้องระบุชื่อ" in instrument.intro_th
    assert "ข้อมูลส่วนบุคคล" in instrument.intro_th
    assert "anonymous" in instrument.intro_en
    assert "personal data" in instrument.intro_en


def test_service_satisfaction_opens_with_overall_then_the_four_aspects() -> None:
    instrument = builtin_instruments()["service-satisfaction"]
    items = instrument.all_items()
    overall = items[0]
    assert (overall.id, overall.type, overall.required, overall.scored) == (
        "overall",
        "likert5",
        True,
        True,
    )
    aspects = items[1:5]
    assert [i.label_th for i in aspects] == [
        "ด้านกระบวนการ/ขั้นตอนการให้บริการ",
        "ด้านช่องทางการให้บริการ",
        "ด้านเจ้าหน้าที่หรือบุคลากรผู้ให้บริการ",
        "ด้านสิ่งอำนวยความสะดวก",
    ]
    assert all(i.type == "likert5" and i.scored and not i.required for i in aspects)
    suggestion = items[5]
    assert (suggestion.type, suggestion.required, suggestion.may_contain_personal_data) == (
        "text",
        False,
        True,
    )
    assert len(items) == 6  # short: the kiosk shows every one


@pytest.mark.parametrize("instrument_id", BUILTIN_IDS)
def test_builtins_follow_the_house_rules(instrument_id: str) -> None:
    instrument = builtin_instruments()[instrument_id]
    items = instrument.all_items()
    for item in items:
        if item.type == "likert5":
            assert item.choices is None  # the shared scale, never repeated
        if item.type == "text":
            assert item.may_contain_personal_data
            assert not item.required
        if item.demographic:
            assert item.type == "single" and not item.required
            assert "not-say" in item.choice_values()
    if instrument_id != "staff-nogift":
        overall = instrument.item("overall")
        assert overall is not None and overall.required and overall.scored
        assert len(instrument.scored_items()) >= 4
    if instrument.audience == "staff":
        assert {i.id for i in items if i.demographic} == {"division", "service_years"}


def test_nogift_marks_compliance_items() -> None:
    instrument = builtin_instruments()["staff-nogift"]
    marked = instrument.compliance_items()
    assert [(i.id, i.compliant_value, i.required) for i in marked] == [
        ("received", "no", True),
        ("gave", "no", True),
    ]
    knows = instrument.item("knows_policy")
    assert knows is not None and knows.compliant_value is None
    assert instrument.scored_items() == ()


def test_forum_feedback_asks_for_up_to_three_priorities() -> None:
    item = builtin_instruments()["forum-feedback"].item("priorities")
    assert item is not None and item.type == "multiple" and item.max_selections == 3
    assert item.choice_values() == (
        "roads", "water", "health", "education", "economy", "environment", "safety", "other",
    )  # fmt: skip


def test_builtins_are_cached_but_the_dict_is_the_callers() -> None:
    first = builtin_instruments()
    first.pop("staff-nogift")
    second = builtin_instruments()
    assert "staff-nogift" in second
    assert second["service-satisfaction"] is builtin_instruments()["service-satisfaction"]


def test_likert_scale_is_the_standard_thai_five_levels() -> None:
    assert [(p.value, p.label_th) for p in LIKERT5] == [
        (5, "มากที่สุด"),
        (4, "มาก"),
        (3, "ปานกลาง"),
        (2, "น้อย"),
        (1, "น้อยที่สุด"),
    ]


@pytest.mark.parametrize("instrument_id", BUILTIN_IDS)
def test_to_dict_round_trips(instrument_id: str) -> None:
    instrument = builtin_instruments()[instrument_id]
    data = instrument_to_dict(instrument)
    json.dumps(data)  # JSON-ready
    assert Instrument.model_validate(data) == instrument
    item = data["sections"][0]["items"][0]
    assert {"id", "type", "label_th", "label_en", "required"} <= set(item)  # XLSForm's columns


def test_packaged_files_check_clean(tmp_path: Path) -> None:
    folder = resources.files("surveys") / "data" / "instruments"
    for instrument_id in BUILTIN_IDS:
        target = tmp_path / f"{instrument_id}.yaml"
        target.write_text((folder / f"{instrument_id}.yaml").read_text(encoding="utf-8"), "utf-8")
        assert check_instrument(target, "en") == []
        assert load_instrument(target) == builtin_instruments()[instrument_id]


# -- one bad file per error kind ----------------------------------------------------------------

# file, code, field path, line, words of the Thai message, words of the English message
BAD_FILES = [
    ("yaml-syntax", "yaml.syntax", "", 24, "รูปแบบ YAML ผิด", "YAML syntax error"),
    ("missing-field", "field.missing", "sections[0].items[1].label_en", 21, "ขาดข้อมูล", "missing"),
    ("unknown-field", "field.unknown", "sections[0].items[1].requried",
        25, "ไม่รู้จักช่องนี้", "unknown field"),
    ("unknown-item-type", "field.choice", "sections[0].items[1].type", 22,
        "'rating'", "'likert5', 'single'"),
    ("likert-with-choices", "item.likert_choices", "sections[0].items[1].choices",
        25, "ไม่ต้องใส่ choices", "takes no choices"),
    ("scored-not-likert", "item.scored_not_likert", "sections[0].items[1].scored",
        26, "เฉพาะข้อชนิด likert5", "only likert5 items can be scored"),
    ("demographic-free-text", "item.demographic_not_single", "sections[0].items[1].demographic",
        25, "ข้อมูลส่วนบุคคล", "never text"),
    ("demographic-number", "item.demographic_not_single", "sections[0].items[1].demographic",
        25, "ห้ามเป็น number", "never number"),
    ("demographic-required", "item.demographic_required", "sections[0].items[1]",
        21, "ข้ามได้", "must be optional"),
    ("duplicate-item-id", "item.duplicate_id", "sections[1].items[0].id",
        25, "ซ้ำกับ sections[0].items[0]", "'overall' is already used"),
    ("duplicate-choice-value", "choice.duplicate", "sections[0].items[1].choices",
        25, "'radio' ซ้ำกัน", "'radio' appears twice"),
    ("empty-sections", "instrument.no_sections", "sections",
        10, "อย่างน้อยหนึ่งส่วน", "at least one section"),
    ("empty-items", "section.empty", "sections[0].items", 14, "ไม่มีข้อคำถาม", "no items"),
    ("choices-missing", "item.choices_missing", "sections[0].items[1]",
        21, "ต้องมีตัวเลือก", "needs at least two choices"),
    ("field-not-for-type", "item.field_not_for_type", "sections[0].items[1].max_length",
        25, "ใช้กับข้อชนิด text เท่านั้น", "for items of type text only"),
    ("compliant-value-unknown", "item.compliant_value_unknown", "sections[0].items[0].compliant_value",
        23, "'never'", "not one of this item's choice values"),
    ("bad-id", "id.invalid", "sections[0].items[0].id",
        15, "อักษรอังกฤษตัวเล็ก", "lower-case English letters"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "code", "field", "line", "words_th", "words_en"),
    BAD_FILES,
    ids=[row[0] for row in BAD_FILES],
)
def test_a_bad_file_names_its_line_field_and_reason(
    name: str, code: str, field: str, line: int, words_th: str, words_en: str
) -> None:
    path = BAD / f"{name}.yaml"
    for lang, words in (("th", words_th), ("en", words_en)):
        problems = check_instrument(path, lang)
        assert [(p.code, p.field, p.line) for p in problems] == [(code, field, line)]
        assert words in problems[0].message
        assert str(problems[0]).startswith(f"{path}:{line}: ")


def test_every_bad_file_is_tested() -> None:
    assert {p.stem for p in BAD.glob("*.yaml")} == {row[0] for row in BAD_FILES}


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    text = (BAD / "scored-not-likert.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("type: likert5", "type: stars"), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_instrument(path, "en")
    assert [p.code for p in caught.value.problems] == ["field.choice", "item.scored_not_likert"]


def test_missing_file() -> None:
    problems = check_instrument(BAD / "no-such-file.yaml", "en")
    assert [(p.code, p.message) for p in problems] == [("file.missing", "file not found")]


# -- the model in Python ------------------------------------------------------------------------


def _likert(item_id: str) -> Item:
    return Item(id=item_id, type="likert5", label_th="ข้อ", label_en="Item", scored=True)


def test_python_construction_keeps_document_rules() -> None:
    section = Section(id="main", title_th="หลัก", title_en="Main", items=(_likert("a"),))
    again = Section(id="more", title_th="อีก", title_en="More", items=(_likert("a"),))
    fields = dict(
        id="x",
        version=1,
        title_th="ท",
        title_en="T",
        intro_th="ไม่ต้องระบุชื่อ",
        intro_en="Anonymous",
        audience="citizen",
        anonymous=True,
        projects=(1,),
    )
    Instrument.model_validate({**fields, "sections": (section,)})
    with pytest.raises(ValidationError, match="item ids must be unique"):
        Instrument.model_validate({**fields, "sections": (section, again)})


def test_type_defaults_fill_only_their_own_type() -> None:
    text = Item(id="t", type="text", label_th="ข้อความ", label_en="Text")
    assert (text.max_length, text.may_contain_personal_data) == (500, True)
    number = Item(id="n", type="number", label_th="จำนวน", label_en="Number")
    assert (number.integer, number.max_length) == (True, None)
    likert = _likert("l")
    assert (likert.integer, likert.max_length, likert.may_contain_personal_data) == (None, None, None)
    yes_no = Item(
        id="yn",
        type="single",
        label_th="ใช่ไหม",
        label_en="Yes?",
        choices=(
            Choice(value="yes", label_th="ใช่", label_en="Yes"),
            Choice(value="no", label_th="ไม่", label_en="No"),
        ),
    )
    assert yes_no.choice_values() == ("yes", "no")


def test_parse_instrument_from_text() -> None:
    text = (
        (BAD / "empty-items.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "items: []",
            "items:\n      - {id: q, type: likert5, label_th: ข้อ, label_en: Item, scored: true}",
        )
    )
    instrument = parse_instrument(text)
    assert [i.id for i in instrument.scored_items()] == ["q"]


# -- the CLI group ------------------------------------------------------------------------------


def run(tmp_path: Path, lang: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(instruments, list(args), obj=CliContext(tmp_path, lang))
    return result.exit_code, result.stdout, result.stderr


def test_cli_list(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "th", "list")
    assert code == 0
    assert "service-satisfaction" in out and "โครงการที่ 1, 10, 15" in out
    code, out, _ = run(tmp_path, "en", "list", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == list(BUILTIN_IDS)
    assert rows[0]["projects"] == [1, 10, 15] and rows[0]["items"] == 6


def test_cli_show(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "th", "show", "service-satisfaction")
    assert code == 0
    assert "มากที่สุด (5)" in out and "1. overall (likert5, ต้องตอบ, คิดคะแนน)" in out
    code, out, _ = run(tmp_path, "en", "show", "staff-nogift", "--json")
    assert code == 0
    assert Instrument.model_validate(json.loads(out)) == builtin_instruments()["staff-nogift"]
    code, _, err = run(tmp_path, "en", "show", "nope")
    assert code == 1 and "no instrument 'nope'" in err


def test_cli_check(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "en", "check", str(BAD / "scored-not-likert.yaml"))
    assert code == 1
    assert "scored-not-likert.yaml:26: sections[0].items[1].scored: only likert5" in err
    good = tmp_path / "good.yaml"
    shutil.copyfile(BAD / "empty-items.yaml", good)
    text = good.read_text(encoding="utf-8").replace(
        "items: []", "items:\n      - {id: q, type: likert5, label_th: ข้อ, label_en: Item}"
    )
    good.write_text(text, encoding="utf-8")
    code, out, _ = run(tmp_path, "th", "check", str(good))
    assert code == 0 and "ใช้ได้ (bad-example, 1 ข้อ)" in out
