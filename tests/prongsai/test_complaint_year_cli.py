"""A complaint desk's year, from the simulation to the year-end report, through the commands a municipality
runs: ``simulate --complaints``, ``device export --role office``, ``device enrol``, ``sync export``,
``sync import``, ``report``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from prongsai.cli import cli


def run(home: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--home", str(home), "--lang", "en", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_after_a_simulated_complaint_year_is_synced_projects_9_11_and_19_have_their_figures(
    tmp_path: Path,
) -> None:
    office, central = tmp_path / "office", tmp_path / "central"
    run(office, "simulate", "--complaints", "--fy", "2568")
    run(
        office,
        "device",
        "export",
        "--role",
        "office",
        "--name",
        "complaint desk",
        "--out",
        str(tmp_path / "o.json"),
    )
    run(central, "device", "enrol", str(tmp_path / "o.json"))
    run(office, "sync", "export", "--out", str(tmp_path / "o.psb"))
    run(central, "sync", "import", str(tmp_path / "o.psb"))
    out = run(
        central, "report", "--fy", "2568", "--include-demo", "--json", "--out", str(tmp_path / "report")
    )
    report = json.loads(out[out.index("{") :])
    rows = {t["id"]: t for p in report["projects"] for t in p["targets"]}
    for target in ("p9-progress-notice", "p9-resolve-15-days", "p9-satisfaction"):
        assert rows[target]["verdict"] in ("met", "not_met", "inconclusive"), (target, rows[target])
        assert rows[target]["n"] > 0, (target, rows[target])
    for target in ("p11-citizen-watch", "p19-citizen-watch"):
        assert rows[target]["verdict"] == "met" and rows[target]["value"] > 0, (target, rows[target])
    # without --include-demo the simulated desk counts for nothing
    plain = run(central, "report", "--fy", "2568", "--json", "--out", str(tmp_path / "plain"))
    real = {t["id"]: t for p in json.loads(plain[plain.index("{") :])["projects"] for t in p["targets"]}
    assert real["p9-resolve-15-days"]["verdict"] == "no_data"
