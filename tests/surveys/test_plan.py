"""The plan: the built-in Chorakhe Hin plan, and every kind of mistake a planner can make in the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from surveys.content.datafile import DataFileError
from surveys.content.instruments import BUILTIN_IDS, builtin_instruments
from surveys.content.plan import (
    TARGET_KINDS,
    ComplianceTarget,
    DeadlineTarget,
    FrequencyTarget,
    HeadCountTarget,
    ManualTarget,
    Plan,
    Project,
    SatisfactionTarget,
    Target,
    builtin_plan,
    builtin_plan_path,
    check_plan,
    load_plan,
    parse_plan,
    plan_to_dict,
)

PLANS = Path(__file__).parent.parent / "data" / "plans"
INSTRUMENTS = set(BUILTIN_IDS)  # the ids themselves are pinned in test_instruments.py
THAI = re.compile(r"[\u0e00-\u0e7f]")


def target(plan: Plan, target_id: str) -> Target:
    found = [t for _, t in plan.targets() if t.id == target_id]
    assert len(found) == 1, target_id
    return found[0]


def kinds(project: Project) -> list[str]:
    return [t.kind for t in project.targets]


def test_public_api() -> None:
    import surveys.content.plan

    public = {n for n in vars(surveys.content.plan) if not n.startswith("_")} & set(
        surveys.content.plan.__all__
    )
    assert public == set(surveys.content.plan.__all__)
    assert {"load_plan", "check_plan", "builtin_plan", "builtin_plan_path", "plan_to_dict"} <= public


# -- the built-in plan ------------------------------------------------------------------------------


def test_builtin_plan_is_chorakhe_hin_2568_with_19_projects_numbered_1_to_19() -> None:
    plan = builtin_plan()
    assert plan.municipality.name_th == "เทศบาลตำบลจระเข้หิน"
    assert plan.municipality.province_th == "นครราชสีมา"
    assert plan.fiscal_year == 2568
    assert [p.number for p in plan.projects] == list(range(1, 20))
    assert all(p.period == 2568 for p in plan.projects)
    assert builtin_plan_path().is_file()


def test_builtin_plan_file_is_clean_and_its_instruments_exist() -> None:
    assert check_plan(builtin_plan_path(), known_instruments=builtin_instruments()) == []
    assert set(builtin_instruments()) == INSTRUMENTS
    used = {getattr(t, "instrument", None) for _, t in builtin_plan().targets()} - {None}
    assert used == INSTRUMENTS


def test_every_project_has_targets_with_thai_and_english_wording() -> None:
    for project, t in builtin_plan().targets():
        assert t.id.startswith(f"p{project.number}-"), t.id
        assert THAI.search(t.text_th), t.id
        assert not THAI.search(t.text_en), t.id
    assert all(p.targets for p in builtin_plan().projects)


def test_project_names_are_the_thai_text() -> None:
    plan = builtin_plan()
    assert plan.project(10).name_th == "กิจกรรมการใช้บัตรคิวในการติดต่อราชการ"
    assert plan.project(15).name_th == "มาตรการ NO Gift Policy"
    assert plan.project(6).name_th == "กิจกรรม “วิเคราะห์ผลการจัดซื้อจัดจ้างประจำปี”"


@pytest.mark.parametrize(
    ("number", "head_count"),
    [(1, 5), (5, 100), (6, 2), (7, 6), (8, 2), (10, 50), (12, 102), (17, 20), (19, 72)],
)
def test_target_group_head_counts(number: int, head_count: int) -> None:
    assert builtin_plan().project(number).target_group.head_count == head_count


def test_p1_information_centre_satisfaction_at_least_80() -> None:
    t = target(builtin_plan(), "p1-satisfaction")
    assert isinstance(t, SatisfactionTarget)
    assert (t.instrument, t.convention, t.comparison, t.threshold) == (
        "service-satisfaction",
        "mean_pct",
        ">=",
        80,
    )
    assert "channel_count" in kinds(builtin_plan().project(1))
    assert target(builtin_plan(), "p1-channels").threshold == 5


def test_p10_queue_cards_satisfaction_80_with_weekly_and_monthly_summaries() -> None:
    plan = builtin_plan()
    t = target(plan, "p10-satisfaction")
    assert isinstance(t, SatisfactionTarget)
    assert (t.instrument, t.threshold, t.measured_by) == ("service-satisfaction", 80, "ratings")
    every = {t.every for t in plan.project(10).targets if isinstance(t, FrequencyTarget)}
    assert every == {"weekly", "monthly"}
    order = target(plan, "p10-queue-order")
    assert isinstance(order, ComplianceTarget)
    assert (order.measured_by, order.threshold) == ("tickets", 100)


def test_p5_forum_counts_100_citizens() -> None:
    t = target(builtin_plan(), "p5-forum-attendance")
    assert isinstance(t, HeadCountTarget)
    assert (t.counts, t.threshold, t.instrument) == ("forum_attendance", 100, "forum-feedback")


def test_p9_complaints_within_15_days_and_satisfaction_80() -> None:
    plan = builtin_plan()
    deadline = [t for t in plan.project(9).targets if isinstance(t, DeadlineTarget)]
    assert [(t.threshold, t.share, t.measured_by) for t in deadline] == [(15, None, "complaints")]
    t = target(plan, "p9-satisfaction")
    assert isinstance(t, SatisfactionTarget)
    assert (t.instrument, t.threshold) == ("complaint-satisfaction", 80)


def test_p13_names_top2_share_and_is_the_only_one_that_does() -> None:
    t = target(builtin_plan(), "p13-satisfaction")
    assert isinstance(t, SatisfactionTarget)
    assert (t.instrument, t.convention, t.threshold) == ("staff-internal-control", "top2_share", 80)
    assert "ร้อยละ ๘๐ ในระดับมาก" in t.text_th
    top2 = [t.id for _, t in builtin_plan().targets() if getattr(t, "convention", "") == "top2_share"]
    assert top2 == ["p13-satisfaction"]


def test_p15_no_gift_policy_followed_by_everyone() -> None:
    t = target(builtin_plan(), "p15-compliance")
    assert isinstance(t, ComplianceTarget)
    assert (t.instrument, t.threshold, t.measured_by) == ("staff-nogift", 100, "staff_survey")


def test_p17_salary_promotion_satisfaction_80() -> None:
    t = target(builtin_plan(), "p17-satisfaction")
    assert isinstance(t, SatisfactionTarget)
    assert (t.instrument, t.threshold, t.measured_by) == ("staff-promotion", 80, "staff_survey")


def test_ita_at_least_85_is_entered_by_hand_in_projects_12_14_18() -> None:
    ita = [
        (p.number, t.unit, t.comparison, t.threshold)
        for p, t in builtin_plan().targets()
        if isinstance(t, ManualTarget) and "ITA" in t.label_en
    ]
    assert ita == [(n, "points", ">=", 85) for n in (12, 14, 18)]


def test_figures_only_the_planner_has_are_manual() -> None:
    plan = builtin_plan()
    assert target(plan, "p3-corruption-down").threshold == 5
    assert target(plan, "p13-corruption-down").threshold == 5
    assert target(plan, "p8-errors-down").threshold == 80
    assert all(t.measured_by == "manual" for _, t in plan.targets() if t.kind == "manual")


def test_every_kind_is_used_by_the_builtin_plan() -> None:
    assert {t.kind for _, t in builtin_plan().targets()} == set(TARGET_KINDS)


def test_plan_to_dict_lists_kind_and_threshold_and_reads_back_unchanged() -> None:
    data = plan_to_dict(builtin_plan())
    assert len(data["projects"]) == 19
    for project in data["projects"]:
        for t in project["targets"]:
            assert list(t)[:2] == ["id", "kind"]
            assert "threshold" in t
    assert Plan.model_validate(data) == builtin_plan()


# -- one bad file per mistake -----------------------------------------------------------------------

BAD_FILES = [
    # file, code, line, field, words in Thai, words in English
    ("yaml-syntax.yaml", "yaml.syntax", 13, "", "รูปแบบ YAML ผิด", "YAML syntax error"),
    ("empty.yaml", "file.empty", None, "", "ไฟล์ว่างเปล่า", "empty"),
    ("missing-field.yaml", "field.missing", 11, "projects[0].owner", "ขาดข้อมูล", "missing"),
    (
        "unknown-field.yaml",
        "field.unknown",
        26,
        "projects[0].targets[0].comparsion",
        "ไม่รู้จักช่องนี้",
        "unknown field",
    ),
    (
        "wrong-type.yaml",
        "field.type",
        17,
        "projects[0].target_group.head_count",
        "ชนิดข้อมูลไม่ถูกต้อง",
        "wrong type",
    ),
    (
        "threshold-range.yaml",
        "field.range",
        26,
        "projects[0].targets[0].threshold",
        "นอกช่วง",
        "out of range",
    ),
    (
        "manual-over-100.yaml",
        "threshold.range",
        45,
        "projects[1].targets[0].threshold",
        "ระหว่าง 0 ถึง 100",
        "from 0 to 100",
    ),
    (
        "percent-sign.yaml",
        "number.percent_sign",
        26,
        "projects[0].targets[0].threshold",
        "ไม่ต้องมีเครื่องหมาย %",
        "without the % sign",
    ),
    (
        "unknown-kind.yaml",
        "target.kind_unknown",
        22,
        "projects[0].targets[0].kind",
        "ไม่รู้จักชนิดตัวชี้วัด 'satisfation'",
        "unknown target kind 'satisfation'",
    ),
    (
        "missing-kind.yaml",
        "target.kind_missing",
        39,
        "projects[1].targets[0].kind",
        "ขาด kind",
        "kind (the type of target) is missing",
    ),
    (
        "unknown-convention.yaml",
        "field.choice",
        25,
        "projects[0].targets[0].convention",
        "ค่าไม่อยู่ในตัวเลือก",
        "'mean_pct' or 'top2_share' (got 'median')",
    ),
    (
        "duplicate-number.yaml",
        "project.duplicate_number",
        30,
        "projects[1].number",
        "ลำดับโครงการ 1 ซ้ำกับโครงการที่บรรทัด 11",
        "project number 1 is already used on line 11",
    ),
    (
        "numbering-gap.yaml",
        "project.numbering",
        10,
        "projects",
        "ไม่มีลำดับ 2",
        "numbered 1 to 2 with none missing, but 2 is missing",
    ),
    (
        "duplicate-target-id.yaml",
        "target.duplicate_id",
        39,
        "projects[1].targets[0].id",
        "'p1-satisfaction' ซ้ำกับที่ใช้แล้วในบรรทัด 21",
        "'p1-satisfaction' is already used on line 21",
    ),
    (
        "unknown-instrument.yaml",
        "target.unknown_instrument",
        24,
        "projects[0].targets[0].instrument",
        "ไม่รู้จักแบบสอบถาม (instrument) 'service-satisfacton'",
        "unknown instrument 'service-satisfacton'",
    ),
    (
        "christian-era.yaml",
        "year.buddhist_era",
        5,
        "fiscal_year",
        "พุทธศักราช (พ.ศ.)",
        "Buddhist Era",
    ),
]


@pytest.mark.parametrize(
    ("name", "code", "line", "field", "th", "en"), BAD_FILES, ids=[row[0] for row in BAD_FILES]
)
def test_bad_plan_file(name: str, code: str, line: int | None, field: str, th: str, en: str) -> None:
    path = PLANS / name
    problems = check_plan(path, known_instruments=INSTRUMENTS)
    assert [(p.code, p.line, p.field) for p in problems] == [(code, line, field)]
    assert th in problems[0].message
    assert problems[0].file == str(path)
    english = check_plan(path, known_instruments=INSTRUMENTS, lang="en")
    assert en in english[0].message
    assert not THAI.search(re.sub(r"'[^']*'", "", english[0].message))  # the input it quotes aside
    where = f"{path}:{line}: " if line else f"{path}: "
    assert str(problems[0]).startswith(where + (f"{field}: " if field else ""))


def test_every_error_kind_has_its_own_file() -> None:
    named = {row[0] for row in BAD_FILES}
    on_disk = {p.name for p in PLANS.glob("*.yaml")} - {"minimal.yaml"}
    assert named == on_disk


def test_the_base_of_the_bad_files_is_good() -> None:
    plan = load_plan(PLANS / "minimal.yaml", known_instruments=INSTRUMENTS)
    assert [p.number for p in plan.projects] == [1, 2]


def test_load_plan_raises_with_the_problems() -> None:
    with pytest.raises(DataFileError) as caught:
        load_plan(PLANS / "duplicate-number.yaml")
    assert [p.code for p in caught.value.problems] == ["project.duplicate_number"]


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    [problem] = check_plan(tmp_path / "nowhere.yaml")
    assert problem.code == "file.missing"


def test_instruments_are_only_checked_when_known_ones_are_given() -> None:
    assert check_plan(PLANS / "unknown-instrument.yaml") == []


def test_every_problem_in_a_file_is_reported_in_line_order() -> None:
    text = (PLANS / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("fiscal_year: 2568", "fiscal_year: 2025")
    text = text.replace("threshold: 80", "threshold: 120")
    text = text.replace("kind: manual", "kind: manul")
    text = text.replace("- number: 2", "- number: 1")
    text = text.replace("head_count: 50", "head_count: 50\n      colour: red")
    with pytest.raises(DataFileError) as caught:
        parse_plan(text, known_instruments=INSTRUMENTS)
    codes = [p.code for p in caught.value.problems]
    assert codes == [
        "year.buddhist_era",
        "field.unknown",
        "field.range",
        "project.duplicate_number",
        "target.kind_unknown",
    ]
    lines = [p.line or 0 for p in caught.value.problems]
    assert lines == sorted(lines)


# -- the rules, one at a time -------------------------------------------------------------------------


def satisfaction(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "p1-satisfaction",
        "kind": "satisfaction",
        "section": "outcomes",
        "instrument": "service-satisfaction",
        "convention": "mean_pct",
        "threshold": 80,
        "text_th": "ความพึงพอใจไม่ต่ำกว่าร้อยละ ๘๐",
        "text_en": "Satisfaction at least 80 %",
        "measured_by": "ratings",
    }
    data.update(changes)
    return data


@given(st.floats(min_value=0, max_value=100))
def test_any_percentage_from_0_to_100_is_a_threshold(value: float) -> None:
    assert SatisfactionTarget.model_validate(satisfaction(threshold=value)).threshold == value


@given(st.one_of(st.floats(max_value=-0.001), st.floats(min_value=100.001)).filter(lambda v: v == v))
def test_a_percentage_outside_0_to_100_is_refused(value: float) -> None:
    with pytest.raises(ValidationError):
        SatisfactionTarget.model_validate(satisfaction(threshold=value))


def test_thai_digits_are_numbers() -> None:
    assert SatisfactionTarget.model_validate(satisfaction(threshold="๘๐")).threshold == 80


@pytest.mark.parametrize("bad_id", ["P1-satisfaction", "p1_satisfaction", "p1 satisfaction", "p1-", ""])
def test_target_ids_are_slugs(bad_id: str) -> None:
    with pytest.raises(ValidationError, match="lower-case letters"):
        SatisfactionTarget.model_validate(satisfaction(id=bad_id))


def test_blank_wording_is_refused() -> None:
    with pytest.raises(ValidationError, match="must not be blank"):
        SatisfactionTarget.model_validate(satisfaction(text_th="   "))


def test_a_compliance_survey_target_needs_its_instrument() -> None:
    data = satisfaction(kind="compliance", measured_by="staff_survey", threshold=100)
    del data["convention"], data["instrument"]
    with pytest.raises(ValidationError, match="must name its instrument"):
        ComplianceTarget.model_validate(data)
    data["measured_by"] = "tickets"  # the kit counts calls in order from the tickets themselves
    assert ComplianceTarget.model_validate(data).instrument is None


def test_a_manual_target_is_always_measured_by_hand() -> None:
    data = {
        "id": "p2-ita",
        "kind": "manual",
        "section": "outcomes",
        "label_th": "คะแนน ITA",
        "label_en": "ITA score",
        "unit": "points",
        "threshold": 85,
        "text_th": "ผ่านเกณฑ์ (๘๕ คะแนนขึ้นไป)",
        "text_en": "85 points or more",
    }
    assert ManualTarget.model_validate(data).measured_by == "manual"
    with pytest.raises(ValidationError):
        ManualTarget.model_validate({**data, "measured_by": "ratings"})


def test_a_project_without_targets_is_refused() -> None:
    text = (PLANS / "minimal.yaml").read_text(encoding="utf-8")
    start = text.index("    targets:\n      - id: p2-ita")
    with pytest.raises(DataFileError) as caught:
        parse_plan(text[:start] + "    targets: []\n")
    [problem] = caught.value.problems
    assert (problem.code, problem.field) == ("project.no_targets", "projects[1].targets")


def test_plans_are_frozen() -> None:
    with pytest.raises(ValidationError):
        builtin_plan().fiscal_year = 2569
