"""What every subcommand gets: the home folder and the language."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click
from rich.cells import cell_len

from surveys.device import IDENTITY_FILE, Device, DeviceError, load_device
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


def require_device(cli: CliContext) -> Device:
    """This home's device, for commands that must not make one (verify, export, push)."""
    if not (cli.home / IDENTITY_FILE).exists():
        raise click.ClickException(
            cli.t(
                f"ไม่มีอุปกรณ์ในโฟลเดอร์ {cli.home} (ใช้ --home เพื่อระบุโฟลเดอร์ที่ถูกต้อง)",
                f"no device in {cli.home} (use --home to point at the right folder)",
            )
        )
    try:
        return load_device(cli.home)
    except DeviceError as exc:
        raise click.ClickException(str(exc)) from None
