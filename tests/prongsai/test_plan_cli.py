"""`prongsai plan show | check`: what a planner sees on the command line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from prongsai.cli import cli
from surveys.content.plan import builtin_plan_path, home_plan_path

PLANS = Path(__file__).parent.parent / "data" / "plans"
THAI = re.compile(r"[\u0e00-\u0e7f]")


def run(home: Path, *args: str, lang: str = "th") -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), "--lang", lang, "plan", *args])


def test_show_json_lists_all_19_projects_with_every_target_kind_and_threshold(tmp_path: Path) -> None:
    result = run(tmp_path, "show", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["number"] for p in data["projects"]] == list(range(1, 20))
    targets = [t for p in data["projects"] for t in p["targets"]]
    assert len(targets) >= 19
    assert all("kind" in t and "threshold" in t for t in targets)
    by_id = {t["id"]: t for t in targets}
    assert by_id["p13-satisfaction"]["convention"] == "top2_share"
    deadline = by_id["p9-resolve-15-days"]
    assert (deadline["kind"], deadline["threshold"]) == ("deadline_days", 15)
    assert result.stdout.startswith("{")  # which plan it is goes to stderr; stdout is only JSON
    assert "แผนในตัวโปรแกรม" in result.stderr


def test_show_prints_a_thai_table_of_the_builtin_plan(tmp_path: Path) -> None:
    result = run(tmp_path, "show")
    assert result.exit_code == 0, result.output
    assert "เทศบาลตำบลจระเข้หิน อำเภอครบุรี จังหวัดนครราชสีมา" in result.output
    assert "แผนในตัวโปรแกรม" in result.output
    assert "19 โครงการ" in result.output
    assert "10. กิจกรรมการใช้บัตรคิวในการติดต่อราชการ" in result.output
    assert re.search(r"p13-satisfaction +ความพึงพอใจ .*≥ 80% \(ร้อยละผู้ตอบ มาก/มากที่สุด\)", result.output)
    assert re.search(r"p9-resolve-15-days .*ภายใน 15 วัน", result.output)


def test_show_in_english(tmp_path: Path) -> None:
    result = run(tmp_path, "show", lang="en")
    assert result.exit_code == 0, result.output
    assert "built-in plan" in result.output
    assert "19 projects" in result.output
    assert "10. Activity “Queue cards for contacting the office”" in result.output
    assert re.search(r"p14-ita .*ITA score: ≥ 85 points", result.output)


def test_show_says_where_to_put_your_own_plan(tmp_path: Path) -> None:
    result = run(tmp_path, "show", lang="en")
    assert f"built-in plan: {builtin_plan_path()}" in result.output
    assert f"copy this file to {home_plan_path(tmp_path)}" in result.output


def test_show_uses_the_home_folders_plan_and_says_so(tmp_path: Path) -> None:
    shutil.copyfile(PLANS / "minimal.yaml", home_plan_path(tmp_path))
    result = run(tmp_path, "show")
    assert result.exit_code == 0, result.output
    assert f"แผนจากโฟลเดอร์ข้อมูล: {home_plan_path(tmp_path)}" in result.output
    assert "2 โครงการ" in result.output
    data = json.loads(run(tmp_path, "show", "--json").stdout)
    assert data["municipality"]["name_th"] == "เทศบาลตำบลทดสอบ"


def test_show_file_option_wins_over_the_home_plan(tmp_path: Path) -> None:
    shutil.copyfile(PLANS / "minimal.yaml", home_plan_path(tmp_path))
    result = run(tmp_path, "show", "--file", str(builtin_plan_path()), lang="en")
    assert result.exit_code == 0, result.output
    assert f"plan from file: {builtin_plan_path()}" in result.output
    assert "19 projects" in result.output


def test_show_refuses_a_broken_home_plan_and_names_the_problem(tmp_path: Path) -> None:
    shutil.copyfile(PLANS / "unknown-instrument.yaml", home_plan_path(tmp_path))
    result = run(tmp_path, "show")
    assert result.exit_code == 1
    assert "ใช้แผนไม่ได้" in result.output
    assert "plan.yaml:24: projects[0].targets[0].instrument: ไม่รู้จักแบบสอบถาม" in result.output


def test_check_a_good_file_prints_one_ok_line(tmp_path: Path) -> None:
    result = run(tmp_path, "check", str(builtin_plan_path()), lang="en")
    assert result.exit_code == 0, result.output
    [line] = result.output.splitlines()
    assert re.fullmatch(r"OK: .*chorakhe-hin-2568\.yaml \(19 projects, \d+ targets\)", line)


def test_check_a_bad_file_prints_the_line_and_field_and_exits_1(tmp_path: Path) -> None:
    path = PLANS / "duplicate-target-id.yaml"
    result = run(tmp_path, "check", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}:39: projects[1].targets[0].id: รหัสตัวชี้วัด 'p1-satisfaction' ซ้ำกับที่ใช้แล้วในบรรทัด 21",
        "พบปัญหา 1 ข้อ",
    ]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("th", "ไม่รู้จักช่องนี้ (พิมพ์ผิดหรือไม่?)"), ("en", "unknown field (a typo?)")],
)
def test_check_speaks_thai_or_english(tmp_path: Path, lang: str, words: str) -> None:
    result = run(tmp_path, "check", str(PLANS / "unknown-field.yaml"), lang=lang)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.endswith(f":26: projects[0].targets[0].comparsion: {words}")
    message = first.split(": ", 2)[2]
    assert bool(THAI.search(message)) == (lang == "th")


def test_check_knows_the_builtin_instruments(tmp_path: Path) -> None:
    result = run(tmp_path, "check", str(PLANS / "unknown-instrument.yaml"), lang="en")
    assert result.exit_code == 1
    assert "unknown instrument 'service-satisfacton'; known instruments: complaint-satisfaction" in (
        result.output
    )


def test_check_a_missing_file(tmp_path: Path) -> None:
    result = run(tmp_path, "check", str(tmp_path / "nowhere.yaml"))
    assert result.exit_code == 1
    assert "ไม่พบไฟล์" in result.output
