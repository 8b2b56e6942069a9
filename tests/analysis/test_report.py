"""The year-end report as the planner and a checker meet it: the same store gives the same file, a changed
rating is caught, demo data and figures by hand are said, the public edition publishes no free text."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.figures import Figure, read_figures, template
from analysis.frames import frames_from_rows
from analysis.period import days_period, fiscal_period
from analysis.report import ReportOptions, assemble, build_report, check_report, report_json
from kiosk.office.simulate import Period, simulate
from prongsai.cli import cli
from surveys.content.datafile import DataFileError
from surveys.content.instruments import builtin_instruments
from surveys.content.plan import builtin_plan
from surveys.counter.settings import default_settings
from sync.central import CentralStore
from tests.analysis.test_frames import Rows, at
from tests.support.devices import enrol, export

FY = fiscal_period(2568)


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A central store holding four simulated days of October 2567 (B.E.) from one demo kiosk."""
    root = tmp_path_factory.mktemp("report")
    home = root / "demo"
    simulate(home, default_settings(), Period(date(2024, 10, 1), date(2024, 10, 4)), seed=11, per_day=80,
             today=date(2024, 11, 1))  # fmt: skip
    store_home = root / "central"
    enrol(store_home, home)
    with CentralStore.open(store_home) as store:
        assert store.import_bundle(export(home, root / "demo.psb")).ok
    return store_home


@pytest.fixture
def store(central: Path, tmp_path: Path) -> Iterator[CentralStore]:
    """A copy of the central store for one test (a test may change it)."""
    copy = tmp_path / "central"
    copy.mkdir()
    source = sqlite3.connect(central / "central.sqlite")
    target = sqlite3.connect(copy / "central.sqlite")
    source.backup(target)
    source.close()
    target.close()
    with CentralStore.open(copy) as opened:
        yield opened


def report_of(store: CentralStore, **options: object) -> dict[str, object]:
    chosen = ReportOptions(FY, **options)  # type: ignore[arg-type]
    return build_report(store, builtin_plan(), default_settings(), builtin_instruments(), chosen)


def target(report: dict[str, object], target_id: str) -> dict[str, object]:
    for project in report["projects"]:  # type: ignore[attr-defined]
        for row in project["targets"]:
            if row["id"] == target_id:
                return dict(row)
    raise AssertionError(target_id)


def test_demo_data_counts_only_when_asked_and_then_the_first_page_says_so(store: CentralStore) -> None:
    real = report_of(store)
    assert target(real, "p10-satisfaction")["verdict"] == "no_data"
    assert not [w for w in real["warnings"] if w["code"] == "demo_data"]  # type: ignore[attr-defined]
    demo = report_of(store, include_demo=True)
    row = target(demo, "p10-satisfaction")
    assert row["n"] and row["verdict"] in ("met", "not_met", "inconclusive")
    assert [w for w in demo["warnings"] if w["code"] == "demo_data"]  # type: ignore[attr-defined]
    assert demo["include_demo"] is True


def test_the_same_store_gives_a_byte_identical_report_json(store: CentralStore) -> None:
    first = report_json(report_of(store, include_demo=True))
    second = report_json(report_of(store, include_demo=True))
    assert first == second
    data = json.loads(first)
    assert "generated" not in first and data["schema"] == "prongsai-report/1"
    assert data["evidence"]["digest"].startswith("sha256:")


def test_check_passes_and_fails_once_one_stored_rating_is_changed(
    store: CentralStore, tmp_path: Path
) -> None:
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "report.json").write_text(report_json(report_of(store, include_demo=True)), encoding="utf-8")
    plan, settings, instruments = builtin_plan(), default_settings(), builtin_instruments()
    assert check_report(folder, store, plan, settings, instruments).ok
    conn = store._conn  # the test plays someone who edits the store's file behind the kit's back
    seq = conn.execute(
        "SELECT min(seq) FROM events WHERE kind = 'rating.given' AND line LIKE '%\"overall\":5%'"
    ).fetchone()[0]
    conn.execute(
        "UPDATE events SET line = replace(line, '\"overall\":5', '\"overall\":1') WHERE seq = ?", (seq,)
    )
    conn.commit()
    result = check_report(folder, store, plan, settings, instruments)
    assert not result.ok and not result.digest_ok
    assert any("id=p10-satisfaction" in line for line in result.differences)
    assert any("verified: True → False" in line for line in result.differences)


def test_a_figure_entered_by_hand_is_marked_and_a_missing_one_says_why(store: CentralStore) -> None:
    report = report_of(store, figures={"p12-ita": Figure(value=87.5, note="ITAS 2568")})
    ita = target(report, "p12-ita")
    assert (ita["value"], ita["verdict"], ita["entered_by_hand"], ita["note"]) == (
        87.5,
        "met",
        True,
        "ITAS 2568",
    )
    plan_row = target(report, "p3-audit-plan")
    assert plan_row["verdict"] == "no_data" and "figures" in str(plan_row["reason_en"])
    assert [w for w in report["warnings"] if w["code"] == "by_hand"]  # type: ignore[attr-defined]


def test_every_target_has_a_verdict_and_no_data_always_has_a_reason(store: CentralStore) -> None:
    report = report_of(store, include_demo=True)
    rows = [row for project in report["projects"] for row in project["targets"]]  # type: ignore[attr-defined]
    assert len(rows) == sum(len(p.targets) for p in builtin_plan().projects)
    for row in rows:
        assert row["verdict"] in ("met", "not_met", "inconclusive", "no_data"), row["id"]
        if row["verdict"] == "no_data":
            assert row["reason_th"] and row["reason_en"], row["id"]


def test_the_public_edition_has_no_free_text_and_the_staff_edition_keeps_it() -> None:
    rows = Rows()
    rows.ticket("t1", "A001", at(1, 9), service="info")
    rows.add("rating.given", at(1, 9, 30), ticket="t1", service="info", instrument="service-satisfaction",
             answers={"overall": 5, "suggestion": "<script>alert(1)</script> ที่จอดรถน้อย"})  # fmt: skip
    frames = frames_from_rows(rows.rows, FY.start, FY.end)
    integrity = {"devices": [], "cannot_see_th": "", "cannot_see_en": ""}
    plan, settings, instruments = builtin_plan(), default_settings(), builtin_instruments()
    public = assemble(frames, plan, settings, instruments, ReportOptions(FY), integrity)
    staff = assemble(frames, plan, settings, instruments, ReportOptions(FY, edition="staff"), integrity)
    assert "suggestions" not in public and "ที่จอดรถน้อย" not in report_json(public)
    assert staff["suggestions"] == {
        "p1": ["<script>alert(1)</script> ที่จอดรถน้อย"],
        "p10": ["<script>alert(1)</script> ที่จอดรถน้อย"],
    }


def test_the_figures_template_lists_every_target_measured_by_hand_and_reads_back(tmp_path: Path) -> None:
    text = template(builtin_plan())
    path = tmp_path / "figures.yaml"
    path.write_text(text, encoding="utf-8")
    figures = read_figures(path)
    assert {"p12-ita", "p1-channels", "p2-honoured", "p8-progress-meeting"} <= set(figures)
    # last year's count of complaints, for when the central store has none (issue 13)
    assert {"p4-complaints-down", "p6-complaints-down", "p16-complaints-down"} <= set(figures)
    assert "p17-complaints-down" not in figures  # the plan names no category: nothing to give
    assert all(f.value is None for f in figures.values())
    path.write_text("p12-ita:\n  value: lots\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        read_figures(path, "en")
    assert "figures.yaml" in str(caught.value) and "value" in str(caught.value)


def test_a_six_month_round_is_october_to_march() -> None:
    half = fiscal_period(2568, "6m")
    assert (half.start, half.end) == (date(2024, 10, 1), date(2025, 3, 31))
    assert days_period(date(2024, 10, 1), date(2025, 3, 31)).round == "6m"
    assert "รอบ 6 เดือนแรก" in half.label("th") and "2568" in half.label("th")


def test_the_command_writes_every_file_and_check_agrees(central: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "--home",
            str(central),
            "--lang",
            "en",
            "report",
            "--fy",
            "2568",
            "--include-demo",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    for name in ("report.json", "report.html", "report.pdf", "report.xlsx", "figures-template.yaml"):
        assert (out / name).stat().st_size > 0, name
    assert list((out / "tables").glob("*.csv"))
    assert "simulated data" in result.output and "targets:" in result.output
    checked = runner.invoke(cli, ["--home", str(central), "--lang", "en", "report", "check", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "every number and the digest" in checked.output


def test_the_command_says_what_to_do_without_a_central_store_or_with_half_a_period(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = runner.invoke(cli, ["--home", str(tmp_path / "none"), "--lang", "en", "report"])
    assert empty.exit_code == 1 and "no central store" in empty.output and "sync import" in empty.output
    half = runner.invoke(cli, ["--home", str(tmp_path), "--lang", "en", "report", "--from", "2024-10-01"])
    assert half.exit_code == 2 and "--to" in half.output
    assert "Traceback" not in empty.output + half.output


def test_the_analysts_example_in_the_docs_runs_on_a_store(central: Path) -> None:
    """docs/analysis.md shows an analyst the library; its example must run as written."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "analysis.md").read_text(encoding="utf-8")
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    assert 'Path("prongsai-demo/central")' in code
    namespace: dict[str, object] = {}
    exec(code.replace('Path("prongsai-demo/central")', repr(central).replace("PosixPath", "Path")), namespace)
    assert namespace["row"]["n"] > 0  # type: ignore[index]
    assert namespace["table"]["rows"]  # type: ignore[index]


def test_answers_imported_for_a_project_count_in_its_target_by_the_day_they_were_answered() -> None:
    rows = Rows()
    kobo = [
        {"row": i + 1, "identity": f"u{i}", "answered_at": f"{answered}T10:00:00+07:00",
         "answers": {"overall": score}}
        for i, (answered, score) in enumerate((("2025-03-02", 5), ("2025-03-03", 4), ("2025-11-01", 1)))
    ]  # fmt: skip
    rows.add("answers.imported", at(5, 9, 0, month=12), instrument="service-satisfaction", project=1,
             source="kobo", file="survey.csv", file_sha256="0" * 64, responses=kobo)  # fmt: skip
    rows.add("answers.imported", at(5, 9, 9, month=12), instrument="service-satisfaction", project=None,
             source="paper", file="paper.csv", file_sha256="1" * 64,
             responses=[{"row": 1, "identity": "p1", "answered_at": "2025-01-10T00:00:00+07:00",
                         "answers": {"overall": 2}}])  # fmt: skip
    frames = frames_from_rows(rows.rows, FY.start, FY.end)
    assert list(frames.responses["source"]) == ["kobo", "kobo", "paper"]  # November 2025 is FY 2569
    integrity = {"devices": [], "cannot_see_th": "", "cannot_see_en": ""}
    report = assemble(
        frames, builtin_plan(), default_settings(), builtin_instruments(), ReportOptions(FY), integrity
    )
    p1 = target(report, "p1-satisfaction")  # the information centre's target: its own answers only
    assert p1["n"] == 2 and round(p1["mean_pct"], 2) == 90.0
    p10 = target(report, "p10-satisfaction")  # every counter: the answers linked to no project count
    assert p10["n"] == 1 and round(p10["mean_pct"], 2) == 40.0
