"""`prongsai setup`: the office's name and phones, and a wall notice that never prints a made-up number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from prongsai.cli import cli
from surveys.counter.settings import PHONE_BLANK, load_settings


def run(home: Path, *args: str, lang: str = "en", input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), "--lang", lang, *args], input=input)


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The views `prongsai notice` renders (still written to disk)."""
    import kiosk.printing.notice

    seen: list[Any] = []
    real = kiosk.printing.notice.save_notice

    def save(view: Any, out: Path, lang: str = "th") -> Path:
        seen.append(view)
        return real(view, out, lang)

    monkeypatch.setattr(kiosk.printing.notice, "save_notice", save)
    return seen


def test_a_notice_without_a_phone_warns_and_leaves_a_blank_not_a_made_up_number(
    tmp_path: Path, notices: list[Any]
) -> None:
    result = run(tmp_path, "notice", "--out", str(tmp_path / "n.png"))
    assert result.exit_code == 0, result.output
    assert (
        "warning: the office's phone is not set" in result.stderr
        and "prongsai setup --phone" in result.stderr
    )
    [view] = notices
    assert "044-000-000" not in view.complaint_th + view.complaint_en
    assert view.complaint_th.endswith(f"หรือโทร {PHONE_BLANK}")
    assert (tmp_path / "n.png").exists()


def test_setup_sets_the_name_and_phones_and_keeps_the_rest_of_the_file(
    tmp_path: Path, notices: list[Any]
) -> None:
    (tmp_path / "settings.yaml").write_text(
        "# our office\nidle_seconds: 60  # slow readers\n", encoding="utf-8"
    )
    result = run(
        tmp_path,
        "setup",
        "--name-th",
        "เทศบาลตำบลสันกำแพง",
        "--name-en",
        "San Kamphaeng",
        "--phone",
        "053-123-456",
    )
    assert result.exit_code == 0, result.output
    assert "call 053-123-456" in result.output
    text = (tmp_path / "settings.yaml").read_text(encoding="utf-8")
    assert "# our office" in text and "idle_seconds: 60  # slow readers" in text
    settings = load_settings(tmp_path)
    assert (settings.municipality_th, settings.office_phone, settings.idle_seconds) == (
        "เทศบาลตำบลสันกำแพง",
        "053-123-456",
        60,
    )
    result = run(tmp_path, "notice", "--out", str(tmp_path / "n.png"), lang="th")
    assert result.exit_code == 0 and "คำเตือน" not in result.stderr
    assert (
        notices[-1].complaint_th == "ร้องเรียนได้ที่ศูนย์รับเรื่องร้องเรียน สำนักงานเทศบาลตำบลสันกำแพง หรือโทร 053-123-456"
    )
    result = run(tmp_path, "setup", "--complaint-phone", "1111")
    assert load_settings(tmp_path).complaint("en").endswith("or call 1111")


def test_setup_asks_when_given_no_option_and_asks_again_for_a_bad_phone(tmp_path: Path) -> None:
    result = run(
        tmp_path, "setup", lang="th", input="เทศบาลเมืองตัวอย่าง\nExample Town\nabc\n044 123 456 ต่อ 12\n\n"
    )
    assert result.exit_code == 0, result.output
    assert "เบอร์โทร 'abc' ไม่ถูกต้อง" in result.output
    settings = load_settings(tmp_path)
    assert settings.municipality_en == "Example Town" and settings.office_phone == "044 123 456 ต่อ 12"
    assert settings.complaint_phone is None


def test_a_bad_phone_given_as_an_option_changes_nothing(tmp_path: Path) -> None:
    result = run(tmp_path, "setup", "--phone", "call us")
    assert result.exit_code == 1 and "'call us' is not a phone number" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "settings.yaml").exists()


def test_an_old_settings_file_with_the_made_up_number_still_counts_as_unset(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text(
        "complaint_th: ร้องเรียนได้ที่ศูนย์ หรือโทร 044-000-000\ncomplaint_en: 'Complaints: call 044-000-000'\n",
        encoding="utf-8",
    )
    assert load_settings(tmp_path).phone_missing
    result = run(tmp_path, "notice", "--out", str(tmp_path / "n.png"))
    assert "warning: the office's phone is not set" in result.stderr


def test_a_staff_start_warns_until_the_office_is_set_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from prongsai.commands._office import warn_if_not_set_up
    from prongsai.context import CliContext
    from surveys.counter.settings import set_staff_pin

    warn_if_not_set_up(CliContext(tmp_path, "th"))
    said = capsys.readouterr().err
    assert "ยังไม่ได้ตั้งชื่อและเบอร์โทรของสำนักงาน" in said and "PIN เจ้าหน้าที่ยังเป็นค่าตั้งต้น 2568" in said
    assert run(tmp_path, "setup", "--phone", "044-123-456").exit_code == 0
    warn_if_not_set_up(CliContext(tmp_path, "th"))
    said = capsys.readouterr().err
    assert "ยังไม่ได้ตั้งชื่อ" not in said and "2568" in said  # the PIN is still the default
    set_staff_pin(tmp_path, "4821")
    warn_if_not_set_up(CliContext(tmp_path, "th"))
    assert capsys.readouterr().err == ""


def test_an_old_complaint_line_with_the_made_up_number_is_never_printed(tmp_path: Path) -> None:
    """Settings files of older versions may carry the old default line, 044-000-000 and all."""
    from surveys.counter.settings import load_settings

    (tmp_path / "settings.yaml").write_text(
        "complaint_th: ร้องเรียนได้ที่ศูนย์รับเรื่องร้องเรียน สำนักงานเทศบาล หรือโทร 044-000-000\n"
        "complaint_en: 'Complaints: the complaints desk at the municipal office, or call 044-000-000'\n",
        encoding="utf-8",
    )
    assert load_settings(tmp_path, "th").phone_missing
    assert run(tmp_path, "setup", "--phone", "044-123-456").exit_code == 0
    settings = load_settings(tmp_path, "th")
    assert not settings.phone_missing
    for lang in ("th", "en"):
        assert "044-000-000" not in settings.complaint(lang) and "044-123-456" in settings.complaint(lang)
