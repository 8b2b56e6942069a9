"""``prongsai complaint-desk`` refuses a wrong printer before its screen opens, in Thai or English."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from prongsai.cli import cli


def test_a_wrong_printer_is_refused_before_the_desk_opens(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = CliRunner().invoke(cli, ["--home", str(home), "complaint-desk", "--printer", "bogus:x"])
    assert result.exit_code == 1
    assert "ตั้งค่าเครื่องพิมพ์ไม่ถูกต้อง: 'bogus:x'" in result.output
    assert "Traceback" not in result.output
    english = CliRunner().invoke(
        cli, ["--home", str(home), "--lang", "en", "complaint-desk", "--printer", "bogus:x"]
    )
    assert english.exit_code == 1 and "Bad printer spec 'bogus:x'" in english.output
