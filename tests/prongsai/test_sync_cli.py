"""`prongsai sync export` / `sync import` through a USB folder, and `prongsai verify --central`."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from prongsai.cli import cli
from prongsai.commands.sync import sync
from prongsai.context import CliContext
from surveys.log.device import Device, load_or_create_device
from surveys.log.device_log import DeviceLog, Draft, read_events
from surveys.log.event import BANGKOK
from surveys.log.home import log_dir
from sync.ack import ACKED, ack_path, read_ack, write_ack
from sync.central import CentralStore
from sync.enrolment import Enrolment

START = datetime(2024, 10, 1, 8, 0, tzinfo=BANGKOK)
COUNT_KEYS = ["new", "duplicate", "conflict", "rejected"]


def append(home: Path, count: int) -> Device:
    device = load_or_create_device(home)
    with DeviceLog(log_dir(home), device.id) as log:
        first = log.head[0]
        log.append_many(
            Draft("test.ping", {"n": first + i}, START + timedelta(minutes=first + i)) for i in range(count)
        )
    return device


def run(home: Path, *args: str, lang: str = "en") -> Result:
    """The ``sync`` group on its own, as ``prongsai --home HOME --lang LANG sync ARGS`` would run it."""
    return CliRunner().invoke(sync, list(args), obj=CliContext(home, lang))


@pytest.fixture
def kiosk(tmp_path: Path) -> tuple[Path, Device]:
    home = tmp_path / "kiosk"
    return home, append(home, 12)


@pytest.fixture
def central(tmp_path: Path, kiosk: tuple[Path, Device]) -> Path:
    home = tmp_path / "central"
    device = kiosk[1]
    with CentralStore.open(home) as store:
        store.enrol(Enrolment(device.id, device.public_key_b64, "kiosk"))
    return home


def only_bundle(folder: Path) -> Path:
    [path] = folder.glob("*.psb")
    return path


def test_export_then_import_through_a_usb_folder(
    kiosk: tuple[Path, Device], central: Path, tmp_path: Path
) -> None:
    home, device = kiosk
    stick = tmp_path / "stick"
    stick.mkdir()  # the USB stick, plugged in
    exported = run(home, "export", "--out", str(stick))
    assert exported.exit_code == 0, exported.output
    bundle = only_bundle(stick)
    assert bundle.name == f"{device.id}_00000001-00000012.psb"
    assert f"wrote {bundle}: seq 1–12 (12 events)" in exported.output

    imported = run(central, "import", str(bundle), "--json")
    assert imported.exit_code == 0, imported.output
    data = json.loads(imported.stdout)
    assert list(data["total"]) == COUNT_KEYS
    assert data["total"] == {"new": 12, "duplicate": 0, "conflict": 0, "rejected": 0}
    [one] = data["bundles"]
    assert list(one["counts"]) == COUNT_KEYS and one["counts"]["new"] == 12
    assert one["device"] == device.id and one["reasons"] == [] and one["refused"] is None
    assert one["checkpoint"]["last_seq"] == 12

    ack = read_ack(ack_path(stick, device.id))
    assert ack is not None and (ack.device, ack.last_seq) == (device.id, 12)
    assert one["ack"] == str(ack_path(stick, device.id))

    # Next time at the kiosk: the ack says seq 1–12 arrived; nothing new, then only what is new.
    again = run(home, "export", "--out", str(stick))
    assert again.exit_code == 0 and "nothing new to send (from seq 13)" in again.output
    assert (home / ACKED).exists()
    append(home, 3)
    bundle.unlink()
    later = run(home, "export", "--out", str(stick))
    assert later.exit_code == 0 and "seq 13–15 (3 events)" in later.output
    text = run(central, "import", str(stick))  # a folder: every .psb in it
    assert text.exit_code == 0, text.output
    assert (
        "device " + device.id in text.output
        and "new 3 · duplicate 0 · conflict 0 · rejected 0" in text.output
    )
    assert "whole up to seq 15" in text.output


def test_reimport_reports_duplicates(kiosk: tuple[Path, Device], central: Path, tmp_path: Path) -> None:
    home, _ = kiosk
    out = tmp_path / "kiosk.psb"
    assert run(home, "export", "--out", str(out)).exit_code == 0
    assert run(central, "import", str(out)).exit_code == 0
    again = run(central, "import", str(out), "--json")
    assert again.exit_code == 0
    data = json.loads(again.stdout)
    assert data["total"] == {"new": 0, "duplicate": 12, "conflict": 0, "rejected": 0}
    assert data["bundles"][0]["already_imported"] is True
    assert {r["status"] for r in data["bundles"][0]["reasons"]} == {"duplicate"}
    text = run(central, "import", str(out))
    assert "this file was imported before: nothing changed" in text.output


def test_a_refused_bundle_exits_1_naming_device_bundle_and_reason(
    kiosk: tuple[Path, Device], central: Path, tmp_path: Path
) -> None:
    stranger = tmp_path / "stranger"
    device = append(stranger, 4)
    bad = tmp_path / "stranger.psb"
    assert run(stranger, "export", "--out", str(bad)).exit_code == 0
    good = tmp_path / "kiosk.psb"
    assert run(kiosk[0], "export", "--out", str(good)).exit_code == 0

    result = run(central, "import", str(good), str(bad))
    assert result.exit_code == 1
    assert f"✗ stranger.psb: device {device.id}: bundle refused: unknown-device:" in result.output
    assert "not enrolled" in result.output
    assert "total: new 12 · duplicate 0 · conflict 0 · rejected 0" in result.output
    assert not ack_path(tmp_path, device.id).exists()  # no ack for a refused bundle

    cut = tmp_path / "cut.psb"
    cut.write_bytes(good.read_bytes()[:-40])
    data = run(central, "import", str(cut), "--json")
    assert data.exit_code == 1
    record = json.loads(data.stdout)
    assert record["refused"] == 1 and record["ok"] is False
    assert record["bundles"][0]["refused_code"] == "payload"

    thai = run(central, "import", str(cut), lang="th")
    assert thai.exit_code == 1 and "ไม่รับทั้งชุด" in thai.output and "ไม่ตรงกับ manifest" in thai.output


def test_a_log_that_does_not_verify_is_not_exported(
    kiosk: tuple[Path, Device], central: Path, tmp_path: Path
) -> None:
    home, _ = kiosk
    [day] = (log_dir(home) / "days").glob("*.json")
    data = json.loads(day.read_text(encoding="utf-8"))
    data["events"]["7"]["body"]["n"] = 700  # edited by hand, hash left as it was
    day.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "kiosk.psb"
    result = run(home, "export", "--out", str(out))
    assert result.exit_code == 1
    assert "seq 7" in result.output and "prongsai verify" in result.output
    assert not out.exists()


def test_a_log_cut_below_its_high_water_mark_is_not_exported(tmp_path: Path) -> None:
    """What `verify` calls a cut tail is not signed either: it would reach the store as a whole chain."""
    home = tmp_path / "kiosk"
    device = load_or_create_device(home)
    start = datetime(2024, 10, 1, 8, 30, tzinfo=BANGKOK)
    with DeviceLog(log_dir(home), device.id) as log:  # 8 events on 1 Oct, 4 on 2 Oct, folded, marked
        log.append_many(Draft("test.ping", {"n": i}, start + timedelta(hours=2 * i)) for i in range(12))
    (log_dir(home) / "days" / "2024-10-02.json").unlink()  # the newest day file deleted by hand
    stick = tmp_path / "stick"
    stick.mkdir()
    result = run(home, "export", "--out", str(stick))
    assert result.exit_code == 1
    assert "seq 12" in result.output and "prongsai verify" in result.output
    assert list(stick.iterdir()) == []


def test_an_ack_whose_head_is_not_ours_is_ignored(kiosk: tuple[Path, Device], tmp_path: Path) -> None:
    home, device = kiosk
    stick = tmp_path / "stick"
    stick.mkdir()  # the USB stick, plugged in
    write_ack(stick, device.id, 10, "f" * 64)
    result = run(home, "export", "--out", str(stick))
    assert result.exit_code == 0
    assert "ignored" in result.output and "seq 1–12 (12 events)" in result.output
    assert not (home / ACKED).exists()


def test_a_lower_ack_from_a_restored_store_sends_the_lost_events_again(
    kiosk: tuple[Path, Device], central: Path, tmp_path: Path
) -> None:
    home, device = kiosk
    stick = tmp_path / "stick"
    stick.mkdir()  # the USB stick, plugged in
    assert run(home, "export", "--out", str(stick)).exit_code == 0
    assert run(central, "import", str(stick)).exit_code == 0
    assert "nothing new to send" in run(home, "export", "--out", str(stick)).output
    fifth = next(read_events(log_dir(home), 5))
    write_ack(stick, device.id, 5, fifth.hash)  # the central store was restored from an older backup
    again = run(home, "export", "--out", str(stick))
    assert again.exit_code == 0 and "seq 6–12 (7 events)" in again.output


def test_export_without_a_device_says_so(tmp_path: Path) -> None:
    result = run(tmp_path / "nothing", "export", "--out", str(tmp_path))
    assert result.exit_code == 1 and "no device in" in result.output


def verify_central(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), "--lang", "en", "verify", "--central", *args])


def test_verify_central_exit_codes(kiosk: tuple[Path, Device], central: Path, tmp_path: Path) -> None:
    home, device = kiosk
    assert verify_central(tmp_path / "nowhere").exit_code == 1
    out = tmp_path / "kiosk.psb"
    assert run(home, "export", "--out", str(out)).exit_code == 0
    assert run(central, "import", str(out)).exit_code == 0
    whole = verify_central(central)
    assert whole.exit_code == 0, whole.output
    assert f"✓ {device.id}: chain whole, 12 events (seq 1–12)" in whole.output
    data = json.loads(verify_central(central, "--json").stdout)
    assert data["ok"] is True and data["devices"][0]["events"] == 12

    conn = sqlite3.connect(central / "central.sqlite")
    with conn:
        conn.execute("DELETE FROM events WHERE seq = 5")
    conn.close()
    broken = verify_central(central)
    assert broken.exit_code == 1
    assert (
        f"✗ {device.id}: chain NOT whole (11 events): seq 5" in broken.output and "missing" in broken.output
    )
    assert verify_central(central, "--json").exit_code == 1
    # The device's own log is checked as before without --central.
    own = CliRunner().invoke(cli, ["--home", str(home), "--lang", "en", "verify"])
    assert own.exit_code == 0 and "chain whole: 12 events" in own.output


def test_a_damaged_kept_ack_is_said_and_the_export_starts_over(
    kiosk: tuple[Path, Device], central: Path, tmp_path: Path
) -> None:
    home, _ = kiosk
    stick = tmp_path / "stick"
    stick.mkdir()  # the USB stick, plugged in
    assert run(home, "export", "--out", str(stick)).exit_code == 0
    assert run(central, "import", str(stick)).exit_code == 0
    assert run(home, "export", "--out", str(stick)).exit_code == 0  # keeps the ack in home/sync/acked.json
    (home / ACKED).write_text("{not json", encoding="utf-8")
    other = tmp_path / "other-stick"
    other.mkdir()
    result = CliRunner().invoke(sync, ["export", "--out", str(other)], obj=CliContext(home, "en"))
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and str(home / ACKED) in result.stderr
    assert "damaged" in result.stderr and "seq 1" in result.stderr
    assert "seq 1–12 (12 events)" in result.stdout
    thai = run(home, "export", "--out", str(tmp_path / "other-stick" / "again.psb"), lang="th")
    assert "คำเตือน" in thai.stderr and "เสียหาย" in thai.stderr
