"""`prongsai instruments import-xlsform | export-xlsform | list | show`: what a user sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result
from openpyxl import load_workbook

from prongsai.cli import cli

BAD = Path(__file__).parent.parent / "data" / "xlsform"


def run(home: Path, *args: str, lang: str = "th") -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), "--lang", lang, "instruments", *args])


def exported(home: Path, tmp_path: Path, instrument_id: str, new_id: str) -> Path:
    """A built-in exported, with another form_id (as a municipality would adapt it in Kobo)."""
    out = tmp_path / f"{new_id}.xlsx"
    assert run(home, "export-xlsform", instrument_id, "--out", str(out)).exit_code == 0
    book = load_workbook(out)
    book["settings"]["A2"] = new_id
    book.save(out)
    return out


def test_export_then_import_adds_an_instrument_that_list_and_show_present(tmp_path: Path) -> None:
    home = tmp_path / "home"
    form = exported(home, tmp_path, "staff-nogift", "town-nogift")

    result = run(home, "import-xlsform", str(form), "--project", "3", "--project", "15")
    assert result.exit_code == 0, result.output
    assert "นำเข้าแล้ว: town-nogift" in result.output
    assert "5 ข้อ" in result.output and "โครงการที่ 3, 15" in result.output
    assert (home / "instruments" / "town-nogift.yaml").is_file()

    listed = run(home, "list")
    assert "town-nogift" in listed.output and "(นำเข้า)" in listed.output
    rows = json.loads(run(home, "list", "--json").output)
    mine = next(r for r in rows if r["id"] == "town-nogift")
    assert (mine["projects"], mine["builtin"], mine["items"]) == ([3, 15], False, 5)
    assert next(r for r in rows if r["id"] == "staff-nogift")["builtin"] is True

    shown = run(home, "show", "town-nogift", lang="en")
    assert shown.exit_code == 0, shown.output
    assert "(town-nogift, v1)" in shown.output and "plan projects 3, 15" in shown.output
    checked = run(home, "check", str(home / "instruments" / "town-nogift.yaml"), lang="en")
    assert checked.exit_code == 0 and "OK (town-nogift, 5 items)" in checked.output


def test_importing_twice_needs_replace_and_a_builtin_id_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    form = exported(home, tmp_path, "forum-feedback", "town-forum")
    assert run(home, "import-xlsform", str(form)).exit_code == 0
    again = run(home, "import-xlsform", str(form))
    assert again.exit_code == 1
    assert "มีแบบสอบถาม 'town-forum' อยู่แล้ว" in again.output and "--replace" in again.output
    assert run(home, "import-xlsform", str(form), "--replace").exit_code == 0

    builtin = tmp_path / "builtin.xlsx"
    run(home, "export-xlsform", "forum-feedback", "--out", str(builtin))
    refused = run(home, "import-xlsform", str(builtin), "--replace", lang="en")
    assert refused.exit_code == 1
    assert "the id 'forum-feedback' belongs to a built-in instrument" in refused.output


def test_an_unsupported_type_is_refused_with_row_and_column_in_thai_and_english(tmp_path: Path) -> None:
    home = tmp_path / "home"
    th = run(home, "import-xlsform", str(BAD / "geopoint.xlsx"))
    assert th.exit_code == 1
    assert (
        "นำเข้า geopoint.xlsx ไม่ได้: แผ่นงาน survey แถว 3 คอลัมน์ type: โปรแกรมยังไม่รองรับคำถามชนิด 'geopoint'"
        in (th.output)
    )
    en = run(home, "import-xlsform", str(BAD / "geopoint.xlsx"), lang="en")
    assert "cannot import geopoint.xlsx: sheet survey, row 3, column type" in en.output
    assert not (home / "instruments").exists()


def test_a_csv_and_a_missing_file_are_refused_without_a_traceback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    csv = tmp_path / "form.csv"
    csv.write_text("type,name\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for target, words in ((csv, "ไม่ใช่ไฟล์ .xlsx"), (tmp_path / "nope.xlsx", "ไม่พบไฟล์")):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "prongsai.cli",
                "--home",
                str(home),
                "instruments",
                "import-xlsform",
                str(target),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 1
        assert words in done.stderr
        assert "Traceback" not in done.stderr


def test_export_writes_a_workbook_and_refuses_an_unknown_id_or_a_wrong_suffix(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "service.xlsx"
    done = run(home, "export-xlsform", "service-satisfaction", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert f"เขียนแบบฟอร์ม XLSForm ของ service-satisfaction แล้ว: {out}" in done.output
    assert load_workbook(out).sheetnames == ["survey", "choices", "settings"]
    unknown = run(home, "export-xlsform", "nope", "--out", str(out))
    assert unknown.exit_code == 1 and "ไม่พบแบบสอบถาม 'nope'" in unknown.output
    wrong = run(home, "export-xlsform", "service-satisfaction", "--out", str(tmp_path / "s.csv"))
    assert wrong.exit_code == 2 and "--out ต้องลงท้ายด้วย .xlsx" in wrong.output


def test_a_broken_file_in_the_home_is_named_not_a_traceback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "instruments").mkdir(parents=True)
    (home / "instruments" / "broken.yaml").write_text("id: broken\nversion: 0\n", encoding="utf-8")
    done = run(home, "list", lang="en")
    assert done.exit_code == 1
    assert "an instrument imported into" in done.output and "broken.yaml" in done.output


def test_a_plan_may_name_an_imported_instrument_once_it_is_imported(tmp_path: Path) -> None:
    from surveys.content.plan import builtin_plan_path

    home = tmp_path / "home"
    plan = tmp_path / "plan.yaml"
    text = builtin_plan_path().read_text(encoding="utf-8")
    plan.write_text(text.replace("instrument: forum-feedback", "instrument: town-forum"), encoding="utf-8")
    check = ["--home", str(home), "--lang", "en", "plan", "check", str(plan)]
    before = CliRunner().invoke(cli, check)
    assert before.exit_code == 1 and "town-forum" in before.output
    form = exported(home, tmp_path, "forum-feedback", "town-forum")
    assert run(home, "import-xlsform", str(form), "--project", "5").exit_code == 0
    after = CliRunner().invoke(cli, check)
    assert after.exit_code == 0, after.output
