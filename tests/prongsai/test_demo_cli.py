"""`prongsai demo`: a newcomer's tour on simulated data, said so everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from prongsai import tour
from prongsai.cli import cli


def test_the_tour_writes_a_report_that_says_its_data_is_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tour, "PER_DAY", 4)  # a quiet office: the whole path, quickly
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["--lang", "en", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report-2568" / "report.json").read_text(encoding="utf-8"))
    assert report["include_demo"] is True and report["edition"] == "staff"
    assert [w for w in report["warnings"] if w["code"] == "demo_data"]
    assert {d["demo"] for d in report["integrity"]["devices"]} == {True}
    assert len(report["integrity"]["devices"]) == 2
    assert (out / "report-2568" / "report.html").exists() and "all-in-one" in result.output


def test_the_tour_never_writes_into_a_folder_that_holds_something(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", "en", "demo", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "not empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
