"""`prongsai device export / enrol / revoke / list`: a device's enrolment, from its file to the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from prongsai.commands.device import device
from prongsai.context import CliContext
from surveys.log.device import load_or_create_device
from sync.enrolment import key_fingerprint, read_enrolment


def run(home: Path, *args: str, lang: str = "en", stdin: str | None = None) -> Result:
    return CliRunner().invoke(device, list(args), obj=CliContext(home, lang), input=stdin)


@pytest.fixture
def kiosk(tmp_path: Path) -> Path:
    return tmp_path / "kiosk"


@pytest.fixture
def central(tmp_path: Path) -> Path:
    return tmp_path / "central"


@pytest.fixture
def exported(kiosk: Path, tmp_path: Path) -> Path:
    out = tmp_path / "kiosk.enrol.json"
    result = run(kiosk, "export", "--out", str(out), "--name", "ตู้บัตรคิว ชั้น 1", "--place", "สำนักปลัด")
    assert result.exit_code == 0, result.output
    return out


def test_export_writes_the_file_and_shows_the_qr_code(kiosk: Path, tmp_path: Path) -> None:
    out = tmp_path / "laptop.json"
    result = run(kiosk, "export", "--out", str(out), "--role", "laptop", "--name", "โน้ตบุ๊กกองแผน", lang="th")
    assert result.exit_code == 0, result.output
    dev = load_or_create_device(kiosk)
    enrolment = read_enrolment(out)
    assert (enrolment.device, enrolment.role, enrolment.name) == (dev.id, "laptop", "โน้ตบุ๊กกองแผน")
    assert "█" in result.output and "▀" in result.output  # the QR code, drawn with half blocks
    assert f"บันทึกไฟล์ลงทะเบียนอุปกรณ์แล้ว: {out}" in result.output
    assert key_fingerprint(dev.public_key_b64) in result.output and "แล็ปท็อป" in result.output


def test_export_refuses_an_unknown_role_and_a_bad_name(kiosk: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    result = run(kiosk, "export", "--out", str(out), "--role", "printer")
    assert result.exit_code == 2 and "printer" in result.output
    result = run(kiosk, "export", "--out", str(out), "--name", "a\nb")
    assert result.exit_code == 1 and "control characters" in result.output
    assert not out.exists()


def test_a_device_is_enrolled_listed_and_revoked(central: Path, kiosk: Path, exported: Path) -> None:
    dev = load_or_create_device(kiosk)
    result = run(central, "enrol", str(exported))
    assert result.exit_code == 0, result.output
    assert "device enrolled" in result.output and dev.id in result.output
    assert "ตู้บัตรคิว ชั้น 1" in result.output and "kiosk" in result.output
    assert key_fingerprint(dev.public_key_b64) in result.output

    listed = run(central, "list", lang="th")
    assert listed.exit_code == 0, listed.output
    assert dev.id in listed.output and "✓ ใช้งาน" in listed.output and "ตู้บริการ" in listed.output
    rows = json.loads(run(central, "list", "--json").output)
    assert [(r["id"], r["public_key"], r["revoked_at"]) for r in rows] == [(dev.id, dev.public_key_b64, None)]

    revoked = run(central, "revoke", dev.id, "--reason", "stolen")
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    listed = run(central, "list")
    assert "✗ revoked" in listed.output and "0 active, 1 revoked" in listed.output
    assert json.loads(run(central, "list", "--json").output)[0]["revoked_at"]
    again = run(central, "revoke", dev.id)
    assert again.exit_code == 0 and "already revoked" in again.output


def test_enrol_reads_the_qr_codes_text_from_stdin(central: Path, kiosk: Path, exported: Path) -> None:
    compact = json.dumps(json.loads(exported.read_text(encoding="utf-8")), separators=(",", ":"))
    result = run(central, "enrol", "-", stdin=compact + "\n")
    assert result.exit_code == 0, result.output
    assert load_or_create_device(kiosk).id in run(central, "list").output


def test_enrol_refuses_an_altered_file_with_the_reason(central: Path, exported: Path) -> None:
    record = json.loads(exported.read_text(encoding="utf-8"))
    record["role"] = "office"
    exported.write_text(json.dumps(record), encoding="utf-8")
    result = run(central, "enrol", str(exported))
    assert result.exit_code == 1
    assert "not enrolled" in result.output and "signature does not match" in result.output
    assert str(exported) in result.output
    thai = run(central, "enrol", str(exported), lang="th")
    assert "ไม่ลงทะเบียน" in thai.output and "ลายเซ็นไม่ตรง" in thai.output
    assert "no device enrolled yet" in run(central, "list").output


def test_enrol_refuses_a_missing_file(central: Path, tmp_path: Path) -> None:
    result = run(central, "enrol", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 1 and "no such file" in result.output


def test_revoke_refuses_an_unknown_device(central: Path) -> None:
    result = run(central, "revoke", "dev-aaaaaaaaaaaaaaaa")
    assert result.exit_code == 1 and "no device dev-aaaaaaaaaaaaaaaa" in result.output


def test_show_still_shows_the_identity(kiosk: Path) -> None:
    result = run(kiosk, "show", "--json")
    assert json.loads(result.output)["device"] == load_or_create_device(kiosk).id


def test_enrolling_twice_changes_nothing_and_a_revoked_device_stays_revoked(
    central: Path, kiosk: Path, exported: Path
) -> None:
    assert run(central, "enrol", str(exported)).exit_code == 0
    again = run(central, "enrol", str(exported))
    assert again.exit_code == 0 and "enrolled already" in again.output
    dev_id = load_or_create_device(kiosk).id
    assert run(central, "revoke", dev_id, "--reason", "stolen").exit_code == 0
    refused = run(central, "enrol", str(exported))
    assert refused.exit_code == 1 and "stays revoked" in refused.output
    listed = run(central, "list")
    assert "revoked because: stolen" in listed.output
