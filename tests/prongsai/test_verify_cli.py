"""`prongsai verify` on a real home folder: hand edits, deletions, insertions, swaps, broken files."""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from prongsai.cli import cli
from surveys.log import device_log as log_module
from surveys.log.device import load_or_create_device
from surveys.log.device_log import DeviceLog, Draft, read_events
from surveys.log.event import BANGKOK, hash_fields
from surveys.log.home import log_dir

Doc = dict[str, Any]
DAY1 = "2024-10-01"
DAY2 = "2024-10-02"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    device = load_or_create_device(tmp_path)
    start = datetime(2024, 10, 1, 8, 30, tzinfo=BANGKOK)
    drafts = [Draft("test.ping", {"n": i}, start + timedelta(hours=2 * i)) for i in range(12)]
    with DeviceLog(log_dir(tmp_path), device.id) as log:
        log.append_many(drafts)  # 8 events on 1 Oct, 4 on 2 Oct
    return tmp_path


def run(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), "--lang", "en", "verify", *args])
    return result.exit_code, result.output


def day_file(home: Path, day: str) -> Path:
    return log_dir(home) / "days" / f"{day}.json"


def edit_day(home: Path, day: str, change: Callable[[dict[str, Doc]], dict[str, Doc]]) -> None:
    path = day_file(home, day)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events"] = change(data["events"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_whole_log_verifies(home: Path) -> None:
    code, out = run(home)
    assert code == 0
    assert "chain whole: 12 events (seq 1–12)" in out
    code, out = run(home, "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def edited(events: dict[str, Doc]) -> dict[str, Doc]:
    events["3"]["body"]["n"] = 99
    return events


def edited_and_rehashed(events: dict[str, Doc]) -> dict[str, Doc]:
    events["3"]["body"]["n"] = 99
    events["3"]["hash"] = hash_fields(events["3"])
    return events


def deleted(events: dict[str, Doc]) -> dict[str, Doc]:
    del events["5"]
    return events


def inserted(events: dict[str, Doc]) -> dict[str, Doc]:
    fake = {**events["4"], "body": {"n": 1000}, "id": "0192aaaa-0000-7000-8000-000000000000"}
    fake["hash"] = hash_fields(fake)
    items = list(events.items())
    return dict([*items[:4], ("100", fake), *items[4:]])


def swapped(events: dict[str, Doc]) -> dict[str, Doc]:
    items = list(events.items())
    items[5], items[6] = items[6], items[5]
    return dict(items)


@pytest.mark.parametrize(
    ("change", "kind", "seq", "words"),
    [
        (edited, "edited", 3, "no longer matches its hash"),
        (edited_and_rehashed, "broken", 4, "does not match the hash of seq 3"),
        (deleted, "missing", 5, "seq 5 not found"),
        (inserted, "inserted", 4, "second event with seq 4"),
        (swapped, "reordered", 6, "stored after seq 7"),
    ],
)
def test_tampering_is_reported_naming_the_first_bad_event(
    home: Path, change: Callable[[dict[str, Doc]], dict[str, Doc]], kind: str, seq: int, words: str
) -> None:
    edit_day(home, DAY1, change)
    code, out = run(home, "--json")
    assert code == 1
    report = json.loads(out)
    first = report["problems"][0]
    assert (first["kind"], first["seq"]) == (kind, seq), report["problems"]
    assert words in first["detail"]
    assert f"days/{DAY1}.json" in first["where"]
    code, text = run(home)
    assert code == 1
    assert f"first bad event: seq {seq}" in text


def test_an_unreadable_day_file_is_named(home: Path) -> None:
    day_file(home, DAY2).write_text('{"events": {"9": {"seq": 9', encoding="utf-8")
    code, out = run(home, "--json")
    assert code == 1
    first = json.loads(out)["problems"][0]
    assert first["kind"] == "unreadable"
    assert first["where"] == f"days/{DAY2}.json"


def test_a_deleted_day_file_shows_as_missing_events(home: Path) -> None:
    day_file(home, DAY1).unlink()
    code, out = run(home, "--json")
    assert code == 1
    first = json.loads(out)["problems"][0]
    assert (first["kind"], first["seq"]) == ("missing", 1)
    assert "seq 1–8 not found" in first["detail"]


def test_thai_is_the_default_language(home: Path) -> None:
    edit_day(home, DAY1, edited)
    result = CliRunner().invoke(cli, ["--home", str(home), "verify"])
    assert result.exit_code == 1
    assert "สายโซ่ไม่ครบถ้วน" in result.output and "ถูกแก้ไข" in result.output


def test_a_folder_without_a_device_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path / "nothing"), "--lang", "en", "verify"])
    assert result.exit_code == 1
    assert "no device in" in result.output and "--home" in result.output


# -- what a device alone cannot see: a cut tail ------------------------------------------------------

CANNOT_DETECT = "a device alone cannot detect"


def acknowledge(home: Path, seq: int) -> None:
    """As ``sync export`` keeps it: the central store's acknowledgement of this log up to ``seq``."""
    from sync.ack import ACKED, Ack

    event = next(e for e in read_events(log_dir(home)) if e.seq == seq)
    ack = Ack(load_or_create_device(home).id, seq, event.hash, "2026-11-20T10:00:00+07:00")
    path = home / ACKED
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ack.to_dict()), encoding="utf-8")


def test_a_whole_log_says_what_a_device_alone_cannot_see(home: Path) -> None:
    code, out = run(home)
    assert code == 0
    assert "high-water mark: seq 12" in out
    assert CANNOT_DETECT in out and "prongsai verify --central" in out
    data = json.loads(run(home, "--json")[1])
    assert CANNOT_DETECT in data["cannot_detect"]["en"]
    assert "อุปกรณ์เพียงเครื่องเดียวตรวจไม่พบ" in data["cannot_detect"]["th"]
    assert [c["source"] for c in data["compared_with"]] == ["mark"]
    thai = CliRunner().invoke(cli, ["--home", str(home), "verify"])
    assert thai.exit_code == 0 and "อุปกรณ์เพียงเครื่องเดียวตรวจไม่พบ" in thai.output


def test_deleting_the_newest_day_file_is_reported_as_a_cut_tail(home: Path) -> None:
    day_file(home, DAY2).unlink()
    code, out = run(home)
    assert code == 1, out
    assert "cut tail" in out
    assert "this log reached seq 12" in out and "this log ends at seq 8" in out
    assert CANNOT_DETECT in out
    code, raw = run(home, "--json")
    assert code == 1
    data = json.loads(raw)
    first = data["problems"][0]
    assert (first["kind"], first["seq"]) == ("cut", 9)
    assert CANNOT_DETECT in data["cannot_detect"]["en"]


def test_a_cut_tail_is_found_by_the_acknowledgement_when_the_mark_went_too(home: Path) -> None:
    from surveys.log.device_log import mark_path

    acknowledge(home, 12)
    day_file(home, DAY2).unlink()
    mark_path(log_dir(home)).unlink()
    code, out = run(home)
    assert code == 1, out
    assert "the central store acknowledged seq 12 on 2026-11-20, this log ends at seq 8" in out
    assert "no high-water mark" in out
    data = json.loads(run(home, "--json")[1])
    assert [(p["kind"], p["seq"]) for p in data["problems"]] == [("unreadable", None), ("cut", 9)]
    assert "no high-water mark beside a log" in data["problems"][0]["detail"]  # its removal is said too
    assert [c["source"] for c in data["compared_with"]] == ["ack"]
    thai = CliRunner().invoke(cli, ["--home", str(home), "verify"])
    assert thai.exit_code == 1 and "คลังข้อมูลกลางยืนยันได้รับถึง seq 12" in thai.output


def test_an_acknowledged_event_replaced_is_reported(home: Path) -> None:
    acknowledge(home, 12)
    edit_day(home, DAY2, edited_last)
    code, out = run(home, "--json")
    assert code == 1
    kinds = {(p["kind"], p["seq"]) for p in json.loads(out)["problems"]}
    assert ("rewritten", 12) in kinds


def edited_last(events: dict[str, Doc]) -> dict[str, Doc]:
    events["12"]["body"]["n"] = 99
    events["12"]["hash"] = hash_fields(events["12"])
    return events


def test_verify_writes_nothing(home: Path) -> None:
    day_file(home, DAY2).unlink()
    before = {p: p.stat().st_mtime_ns for p in home.rglob("*")}
    siblings = sorted(home.parent.iterdir())
    run(home)
    run(home, "--json")
    assert {p: p.stat().st_mtime_ns for p in home.rglob("*")} == before
    assert sorted(home.parent.iterdir()) == siblings


def test_a_damaged_acknowledgement_fails_verification(home: Path) -> None:
    """Like a damaged high-water mark, a damaged acknowledgement could hide a cut tail."""
    from sync.ack import ACKED

    (home / ACKED).parent.mkdir(parents=True, exist_ok=True)
    (home / ACKED).write_text('{"device": ', encoding="utf-8")
    code, out = run(home)
    assert code == 1, out
    assert "acknowledgement is damaged" in out
    assert json.loads(run(home, "--json")[1])["ok"] is False


def test_verify_says_what_a_failed_fold_left_in_the_journal(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(path: Path, events: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    device = load_or_create_device(home)
    monkeypatch.setattr(log_module, "_write_day", full_disk)
    with DeviceLog(log_dir(home), device.id, fold_every=2) as log:
        log.append_many([Draft("test.ping", {"n": i}) for i in range(3)])
    monkeypatch.undo()
    code, out = run(home)
    assert code == 0, out  # the log is whole: the journal holds the events
    assert "chain whole: 15 events" in out
    assert "the journal holds 3 events not yet folded" in out and "No space left on device" in out
    data = json.loads(run(home, "--json")[1])
    assert (
        data["journal"]["pending"] == 3 and "No space left" in data["journal"]["last_fold_failure"]["reason"]
    )
    thai = CliRunner().invoke(cli, ["--home", str(home), "verify"])
    assert "เจอร์นัล" in thai.output and "3 เหตุการณ์" in thai.output
    with DeviceLog(log_dir(home), device.id) as log:
        log.fold()
    code, out = run(home)  # nothing more said once the journal is folded again
    assert code == 0 and "not yet folded" not in out
