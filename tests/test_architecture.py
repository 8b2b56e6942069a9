"""The design's rules that a reviewer would otherwise check by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from prongsai.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_the_core_runs_without_textual_tinydb_leaks_or_pandas() -> None:
    code = (
        "import importlib, pkgutil, sys, surveys\n"
        "for m in pkgutil.walk_packages(surveys.__path__, 'surveys.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(n for n in ('textual', 'pandas') if n in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


def leaf_commands(group: click.Group, prefix: str = "prongsai") -> list[str]:
    names: list[str] = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            names.extend(leaf_commands(command, f"{prefix} {name}"))
        else:
            names.append(f"{prefix} {name}")
    return names


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    undocumented = [name for name in leaf_commands(cli) if name not in readme]
    assert not undocumented, f"add these to the README's command table: {undocumented}"
