"""`prongsai answers import` and `answers export` as a user runs them: messages, exit codes, files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from prongsai.cli import cli
from tests.analysis.test_answers_import import KOBO_HEADER, KOBO_ROWS, write_csv
from tests.analysis.test_report import central  # noqa: F401  (the demo store fixture)


def run(home: Path, *args: str, lang: str = "en") -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), "--lang", lang, "answers", *args])
    return result.exit_code, result.output


def test_import_says_the_shape_it_read_and_what_it_imported(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "forum.csv", KOBO_HEADER, KOBO_ROWS)
    code, out = run(
        tmp_path / "home", "import", str(path), "--instrument", "forum-feedback", "--project", "5"
    )
    assert code == 0, out
    assert "file shape: CSV ';' BOM, headers: labels (th) with group prefixes, values: labels" in out
    assert (
        "✓ forum.csv (kobo, forum-feedback): 3 new responses, 0 already imported, 0 rejected, of 3 rows"
        in out
    )
    code, out = run(tmp_path / "home", "import", str(path), "--instrument", "forum-feedback", lang="th")
    assert code == 0
    assert "นำเข้าใหม่ 0 คำตอบ, เคยนำเข้าแล้ว 3, ปฏิเสธ 0 จาก 3 แถว" in out


def test_a_bad_row_stops_the_import_and_is_named(tmp_path: Path) -> None:
    rows = [list(r) for r in KOBO_ROWS]
    rows[2][3] = "9"
    path = write_csv(tmp_path / "forum.csv", KOBO_HEADER, rows)
    code, out = run(tmp_path / "home", "import", str(path), "--instrument", "forum-feedback")
    assert code == 1
    assert f"row 3 (line 4), column '{KOBO_HEADER[3]}': not one of the choices ('9')" in out
    assert "nothing was imported" in out and "--skip-bad" in out
    code, out = run(tmp_path / "home", "import", str(path), "--instrument", "forum-feedback", "--skip-bad")
    assert code == 0
    assert "2 new responses, 0 already imported, 1 rejected, of 3 rows" in out
    assert (tmp_path / "forum.csv.rejected.csv").exists()


def test_json_summary(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "forum.csv", KOBO_HEADER, KOBO_ROWS)
    code, out = run(tmp_path / "home", "import", str(path), "--instrument", "forum-feedback", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["imported"], data["already_imported"], data["rejected"], data["source"]) == (3, 0, 0, "kobo")


def test_wrong_input_is_said_plainly(tmp_path: Path) -> None:
    code, out = run(tmp_path / "home", "import", str(tmp_path / "none.csv"), "--instrument", "forum-feedback")
    assert code == 1 and "can't read" in out and "Traceback" not in out
    code, out = run(tmp_path / "home", "import", str(tmp_path / "none.csv"), "--instrument", "nope")
    assert code == 1 and "unknown instrument 'nope'" in out
    (tmp_path / "a.txt").write_text("x")
    code, out = run(tmp_path / "home", "import", str(tmp_path / "a.txt"), "--instrument", "forum-feedback")
    assert code == 1 and "only .csv or .xlsx files can be read" in out
    code, out = run(tmp_path / "empty", "export", "--out", str(tmp_path / "x.csv"))
    assert code == 1 and "there is no central store" in out


def test_export_then_import_into_another_home(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "forum.csv", KOBO_HEADER, KOBO_ROWS)
    run(tmp_path / "a", "import", str(path), "--instrument", "forum-feedback")
    out_file = tmp_path / "out.xlsx"
    code, out = run(
        tmp_path / "a", "export", "--format", "xlsx", "--layout", "wide", "--instrument", "forum-feedback",
        "--fy", "2568", "--out", str(out_file),
    )  # fmt: skip
    assert code == 0 and "exported 3 responses (wide, xlsx)" in out
    code, out = run(tmp_path / "b", "import", str(out_file), "--instrument", "forum-feedback")
    assert code == 0 and "3 new responses" in out


def test_answers_imported_for_a_project_count_in_its_report_target(tmp_path: Path) -> None:
    """A university's paper survey for project 1, keyed in as a CSV, is counted in project 1's
    satisfaction target of the year-end report: n is the number of responses imported."""
    lines = ["overall,process,staff,end"]
    lines += [
        f"{5 - i % 3},4,5,{date}" for i, date in enumerate(["2025-01-10", "15/02/2568", "2025-03-01"] * 12)
    ]
    path = tmp_path / "paper.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    home = tmp_path / "central"
    code, out = run(home, "import", str(path), "--instrument", "service-satisfaction", "--project", "1",
                    "--source", "paper")  # fmt: skip
    assert code == 0 and "36 new responses" in out, out
    result = CliRunner().invoke(cli, ["--home", str(home), "report", "--fy", "2568", "--json",
                                      "--out", str(tmp_path / "report")])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    rows = {t["id"]: t for p in report["projects"] for t in p["targets"]}
    assert rows["p1-satisfaction"]["n"] == 36 and rows["p1-satisfaction"]["verdict"] in ("met", "not_met")
    assert rows["p10-satisfaction"]["n"] == 0  # linked to project 1 only


def test_simulated_answers_exported_with_the_demo_data_are_never_imported_as_real(
    central: Path,  # noqa: F811  (a store holding one demo kiosk's simulated days)
    tmp_path: Path,
) -> None:
    out = tmp_path / "demo.csv"
    code, said = run(central, "export", "--format", "csv", "--layout", "wide", "--instrument",
                     "service-satisfaction", "--fy", "2568", "--include-demo", "--out", str(out))  # fmt: skip
    assert code == 0, said
    assert ",demo," in out.read_text(encoding="utf-8-sig").splitlines()[1]
    code, said = run(tmp_path / "real", "import", str(out), "--instrument", "service-satisfaction")
    assert code == 1 and "simulated data" in said and "Traceback" not in said
