"""What every subcommand gets: the home folder and the language."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click
from rich.cells import cell_len

from surveys.home import resolve_home


@dataclass(frozen=True)
class CliContext:
    home: Path
    lang: str  # "th" or "en"

    def t(self, th: str, en: str) -> str:
        """Pick the text for the chosen language."""
        return th if self.lang == "th" else en


def get(ctx: click.Context) -> CliContext:
    obj = ctx.find_object(CliContext)
    if obj is None:  # a subcommand invoked on its own (tests)
        obj = CliContext(resolve_home(None), os.environ.get("PRONGSAI_LANG", "th"))
    return obj


pass_cli = click.make_pass_decorator(CliContext, ensure=False)


def pad(text: str, width: int) -> str:
    """Pad to ``width`` terminal cells (Thai vowel and tone marks take no cell of their own)."""
    return text + " " * max(0, width - cell_len(text))
