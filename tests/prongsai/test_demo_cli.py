"""`prongsai demo`: a newcomer's tour on simulated data, said so everywhere."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from prongsai import tour
from prongsai.cli import cli
from surveys.complaints.cases import fold_complaints
from surveys.forum.sessions import fold_sessions
from surveys.log.event import Event
from sync.central import CentralStore


def kinds_all(stored: list[Any]) -> Counter[str]:
    return Counter(e.kind for e in stored)


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
    assert len(report["integrity"]["devices"]) == 4  # two kiosks, the forum laptop, the office PC
    assert (out / "report-2568" / "report.html").exists() and "all-in-one" in result.output
    assert f"demo laptop (forums and staff surveys): {out / 'laptop-1'}" in result.output
    assert f"demo office PC (complaints): prongsai --home {out / 'office-1'} complaints list" in result.output

    with CentralStore.open(out / "central") as store:
        roles = {d.name: (d.role, d.demo) for d in store.devices()}
        stored = list(store.report_events(include_demo=True))
        assert store.devices(include_demo=False) == []
        assert all(r.ok for r in store.verify(full=True))
    assert roles == {
        "kiosk-1": ("kiosk", True),
        "kiosk-2": ("kiosk", True),
        "laptop-1": ("laptop", True),
        "office-1": ("office", True),
    }
    kinds = Counter(e.kind for e in stored if e.kind.startswith(("forum.", "staff_survey.")))
    # nine communities, one forum each; the staff surveys of projects 13, 15 (twice) and 17 (twice)
    assert (kinds["forum.opened"], kinds["forum.closed"]) == (9, 9)
    assert (kinds["staff_survey.opened"], kinds["staff_survey.closed"]) == (5, 5)
    assert kinds["forum.response"] >= 9 * 30 * 0.5 and kinds["forum.attendance"] >= 9
    assert kinds["staff_survey.response"] == kinds["staff_survey.code_used"] >= 5 * 30 * 0.85 - 5
    sessions = fold_sessions(
        Event.from_dict(json.loads(e.line)) for e in stored if e.kind != "demo.simulation"
    )
    assert all(f.closed for f in sessions.forums.values()) and len(sessions.forums) == 9
    assert all(s.closed for s in sessions.staff.values()) and len(sessions.staff) == 5
    # the complaint desk's two fiscal years: 66 complaints in 2567, 60 in 2568 (fewer), and a few tips
    complaints = fold_complaints(
        Event.from_dict(json.loads(e.line)) for e in stored if e.kind.startswith("complaint.")
    )
    general = Counter(
        c.received_on.year + 543 + (c.received_on.month >= 10) for c in complaints.all() if not c.tip
    )
    assert general == {2567: 66, 2568: 60}
    assert any(c.tip for c in complaints.all()) and any(c.closed for c in complaints.all())
    assert kinds_all(stored)["complaint.rated"] > 0
    # the fictional contacts (…@example.invalid) are sealed: in no byte of the homes, bundles, store, report
    assert not [p for p in out.rglob("*") if p.is_file() and b"example.invalid" in p.read_bytes()]
    verified = CliRunner().invoke(
        cli, ["--lang", "en", "--home", str(out / "central"), "verify", "--central"]
    )
    assert verified.exit_code == 0, verified.output


def test_the_tour_never_writes_into_a_folder_that_holds_something(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", "en", "demo", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "not empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
