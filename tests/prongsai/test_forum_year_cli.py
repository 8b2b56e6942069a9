"""A forum laptop's year, from the simulation to the year-end report, through the commands a municipality
runs: ``simulate --forums``, ``device export --role laptop``, ``device enrol``, ``sync export``,
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


def test_after_a_simulated_forum_year_is_synced_projects_5_13_15_and_17_have_verdicts_with_n(
    tmp_path: Path,
) -> None:
    laptop, central = tmp_path / "laptop", tmp_path / "central"
    run(laptop, "simulate", "--forums", "--fy", "2568")
    run(
        laptop,
        "device",
        "export",
        "--role",
        "laptop",
        "--name",
        "forum laptop",
        "--out",
        str(tmp_path / "l.json"),
    )
    run(central, "device", "enrol", str(tmp_path / "l.json"))
    run(laptop, "sync", "export", "--out", str(tmp_path / "l.psb"))
    run(central, "sync", "import", str(tmp_path / "l.psb"))
    out = run(
        central, "report", "--fy", "2568", "--include-demo", "--json", "--out", str(tmp_path / "report")
    )
    report = json.loads(out[out.index("{") :])
    rows = {t["id"]: t for p in report["projects"] for t in p["targets"]}
    for target in (
        "p5-forum",
        "p5-forum-attendance",
        "p13-satisfaction",
        "p15-compliance",
        "p17-satisfaction",
    ):
        assert rows[target]["verdict"] in ("met", "not_met", "inconclusive"), (target, rows[target])
        assert rows[target]["n"] > 0, (target, rows[target])
    assert rows["p5-forum"]["n"] >= 1
    # without --include-demo the simulated laptop counts for nothing
    plain = run(central, "report", "--fy", "2568", "--json", "--out", str(tmp_path / "plain"))
    real = {t["id"]: t for p in json.loads(plain[plain.index("{") :])["projects"] for t in p["targets"]}
    assert real["p5-forum-attendance"]["verdict"] == "no_data"
