"""`prongsai services`: the services, their prefixes and counters, and the priority rule."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from prongsai.cli import cli


def run(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), "--lang", "en", *args])
    return result.exit_code, result.output


def test_services_lists_prefixes_counters_and_the_rule(tmp_path: Path) -> None:
    code, out = run(tmp_path, "services", "--json")
    assert code == 0
    data = json.loads(out)
    assert [s["prefix"] for s in data["services"]] == ["A", "B", "C", "D", "E"]
    assert "after every 2 normal" in data["priority_rule"]["en"]
