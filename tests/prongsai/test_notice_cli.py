"""`prongsai notice`: the A4 wall notice, as PDF or PNG."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from prongsai.cli import cli


def run(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), "--lang", "en", *args])
    return result.exit_code, result.output


def test_the_notice_is_written_as_pdf_or_png(tmp_path: Path) -> None:
    code, out = run(tmp_path, "notice", "--out", str(tmp_path / "n.png"))
    assert "n.png" in out
    assert code == 0
    with Image.open(tmp_path / "n.png") as image:
        assert image.size == (1240, 1754)
    code, _ = run(tmp_path, "notice")
    assert code == 0 and (tmp_path / "queue-notice-en.pdf").read_bytes().startswith(b"%PDF")
