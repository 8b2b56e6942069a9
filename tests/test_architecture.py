"""The design's rules that a reviewer would otherwise check by hand."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
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


def imported_modules(package: str) -> set[str]:
    """The top-level names every module of one of our packages imports."""
    names: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_one_qr_library_the_one_the_design_names() -> None:
    """qrcode (python-escpos installs it anyway) draws every QR code; segno is neither used nor shipped."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    shipped = {dep.split(">")[0].split("=")[0].split("[")[0].strip() for dep in project["dependencies"]}
    assert "qrcode" in shipped and "segno" not in shipped
    ours = set().union(*(imported_modules(p) for p in ("surveys", "sync", "kiosk", "analysis", "prongsai")))
    assert "segno" not in ours and "qrcode" in ours


def test_a_test_only_library_is_in_the_test_extra() -> None:
    """rfc8785 only checks our canonical encoder in a test: an installed kiosk does not need it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(dep.startswith("rfc8785") for dep in project["dependencies"])
    assert any(dep.startswith("rfc8785") for dep in project["optional-dependencies"]["test"])
    ours = set().union(*(imported_modules(p) for p in ("surveys", "sync", "kiosk", "analysis", "prongsai")))
    assert "rfc8785" not in ours
