"""The device log as its users see it: appends, reads from a seq, day files, recovery."""

from __future__ import annotations

import errno
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from surveys.log import device_log as log_module
from surveys.log.chain import verify_log
from surveys.log.device_log import (
    DeviceLog,
    Draft,
    LogDamaged,
    journal_state,
    mark_path,
    read_events,
    read_mark,
)
from surveys.log.event import BANGKOK, GENESIS, EventError

DEVICE = "dev-logtest"


def test_appends_chain_and_number_events_from_one(tmp_path: Path) -> None:
    with DeviceLog(tmp_path, DEVICE) as log:
        assert log.head == (0, GENESIS)
        first = log.append("ticket.issued", {"number": "A001"})
        second = log.append("ticket.called", {"number": "A001", "counter": 1})
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev == GENESIS and second.prev == first.hash
    assert first.device == DEVICE and first.time.tzinfo is not None
    assert first.id < second.id  # UUIDv7: time-ordered


def test_one_file_per_bangkok_day_and_reading_from_any_seq(tmp_path: Path) -> None:
    start = datetime(2024, 9, 29, 20, 0, tzinfo=BANGKOK)
    drafts = [Draft("test.ping", {"n": i}, start + timedelta(hours=3 * i)) for i in range(40)]
    with DeviceLog(tmp_path, DEVICE, fold_every=7) as log:
        for draft in drafts[:20]:
            log.append(draft.kind, draft.body, draft.at)
        log.append_many(drafts[20:])
        assert [e.seq for e in log.read(17)] == list(range(17, 41))
    days = sorted(p.stem for p in (tmp_path / "days").glob("*.json"))
    assert days[0] == "2024-09-29" and len(days) == 6
    assert [e.seq for e in read_events(tmp_path, 1)] == list(range(1, 41))
    assert [e.seq for e in read_events(tmp_path, 33)] == list(range(33, 41))
    assert [e.body["n"] for e in read_events(tmp_path, 40)] == [39]
    assert list(read_events(tmp_path, 41)) == []


def test_a_clock_that_goes_back_never_reorders_the_day_files(tmp_path: Path) -> None:
    late = datetime(2025, 1, 2, 9, 0, tzinfo=BANGKOK)
    with DeviceLog(tmp_path, DEVICE, fold_every=1) as log:
        log.append("test.ping", {}, late)
        log.append("test.ping", {}, late - timedelta(days=1))  # the clock was set back
        log.append("test.ping", {}, late + timedelta(days=1))
    assert [e.seq for e in read_events(tmp_path)] == [1, 2, 3]
    assert verify_log(tmp_path, DEVICE).ok


def test_a_torn_last_journal_line_is_dropped_and_kept_aside(tmp_path: Path) -> None:
    with DeviceLog(tmp_path, DEVICE, fold_every=1000) as log:
        log.append_many([Draft("test.ping", {"n": i}) for i in range(5)])
        journal = tmp_path / "journal.jsonl"
        whole = journal.read_bytes()
        log._close_files()  # simulate a crash: no fold, no clean close
    journal.write_bytes(whole + b'{"id":"0192')  # an append that never returned
    with DeviceLog(tmp_path, DEVICE) as log:
        assert log.head[0] == 5
        assert log.append("test.ping", {}).seq == 6
    kept = list((tmp_path / "torn").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == b'{"id":"0192'
    assert verify_log(tmp_path, DEVICE).ok


def test_a_damaged_journal_line_is_refused_not_dropped(tmp_path: Path) -> None:
    with DeviceLog(tmp_path, DEVICE, fold_every=1000) as log:
        log.append_many([Draft("test.ping", {"n": i}) for i in range(3)])
        log._close_files()
    journal = tmp_path / "journal.jsonl"
    lines = journal.read_bytes().split(b"\n")
    record = json.loads(lines[1])
    record["body"]["n"] = 42
    lines[1] = json.dumps(record).encode()
    journal.write_bytes(b"\n".join(lines))
    with pytest.raises(LogDamaged, match=r"journal.jsonl line 2 is damaged \(its hash does not match"):
        DeviceLog(tmp_path, DEVICE)
    assert journal.read_bytes() == b"\n".join(lines), "a refused log must be left as it was"


def test_a_crash_between_fold_and_emptying_the_journal_repeats_nothing(tmp_path: Path) -> None:
    with DeviceLog(tmp_path, DEVICE, fold_every=1000) as log:
        log.append_many([Draft("test.ping", {"n": i}) for i in range(4)])
        saved = (tmp_path / "journal.jsonl").read_bytes()
        log.fold()
        log._close_files()
    (tmp_path / "journal.jsonl").write_bytes(saved)  # as if the crash came before the truncation
    assert verify_log(tmp_path, DEVICE).ok
    with DeviceLog(tmp_path, DEVICE) as log:
        assert [e.seq for e in log.read()] == [1, 2, 3, 4]
        assert log.append("test.ping", {}).seq == 5


def test_bad_bodies_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    with DeviceLog(tmp_path, DEVICE) as log:
        log.append("test.ping", {})
        with pytest.raises(EventError, match="floats"):
            log.append_many([Draft("test.ping", {}), Draft("rating.given", {"score": 4.5})])
        assert log.head[0] == 1
        assert log.append("test.ping", {}).seq == 2


# -- the high-water mark ------------------------------------------------------------------------------


def two_days(folder: Path) -> None:
    start = datetime(2024, 10, 1, 8, 30, tzinfo=BANGKOK)
    with DeviceLog(folder, DEVICE) as log:
        log.append_many([Draft("test.ping", {"n": i}, start + timedelta(hours=2 * i)) for i in range(12)])


def test_a_fold_keeps_a_high_water_mark_beside_the_log_folder(tmp_path: Path) -> None:
    folder = tmp_path / "log"
    with DeviceLog(folder, DEVICE, fold_every=1000) as log:
        log.append_many([Draft("test.ping", {"n": i}) for i in range(5)])
        assert read_mark(folder) is None  # an append does not write the mark: only a fold does
        log.fold()
        mark = read_mark(folder)
        assert mark is not None and (mark.device, mark.seq, mark.hash) == (DEVICE, 5, log.head[1])
        log.append("test.ping", {})
    assert mark_path(folder) == tmp_path / "log.mark.json"
    mark = read_mark(folder)
    assert mark is not None and mark.seq == 6  # and on close


def test_the_writer_refuses_a_log_whose_newest_day_file_was_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "log"
    two_days(folder)
    (folder / "days" / "2024-10-02.json").unlink()
    mark = mark_path(folder).read_bytes()
    with pytest.raises(LogDamaged, match=r"ends at seq 8 but had reached seq 12"):
        DeviceLog(folder, DEVICE)
    assert mark_path(folder).read_bytes() == mark, "the evidence must be kept"
    report = verify_log(folder, DEVICE)
    assert [(p.kind, p.seq) for p in report.problems] == [("cut", 9)]


def test_a_log_from_before_the_mark_gets_one_when_opened(tmp_path: Path) -> None:
    folder = tmp_path / "log"
    two_days(folder)
    mark_path(folder).unlink()
    [problem] = verify_log(folder, DEVICE).problems  # no mark beside folded events: not shown whole
    assert problem.where == "log.mark.json" and "no high-water mark" in problem.detail
    with DeviceLog(folder, DEVICE):  # the writer of a log from before marks gives it one
        pass
    mark = read_mark(folder)
    assert mark is not None and mark.seq == 12
    assert verify_log(folder, DEVICE).ok


def test_the_writer_refuses_a_log_rewritten_under_its_mark(tmp_path: Path) -> None:
    two_days(tmp_path / "log")
    other = tmp_path / "other" / "log"
    with DeviceLog(other, DEVICE) as log:
        log.append_many([Draft("test.ping", {"n": "other"}) for _ in range(12)])
    mark_path(other).write_bytes(mark_path(tmp_path / "log").read_bytes())
    with pytest.raises(LogDamaged, match=r"another event at seq 12 than the one its high-water mark"):
        DeviceLog(other, DEVICE)
    assert [(p.kind, p.seq) for p in verify_log(other, DEVICE).problems] == [("rewritten", 12)]


def test_a_damaged_mark_is_reported_and_refused(tmp_path: Path) -> None:
    folder = tmp_path / "log"
    two_days(folder)
    mark_path(folder).write_text('{"format": "prongsai-mark/1", "seq": ', encoding="utf-8")
    [problem] = verify_log(folder, DEVICE).problems
    assert (problem.kind, problem.where) == ("unreadable", "log.mark.json")
    with pytest.raises(LogDamaged, match=r"log.mark.json is not a high-water mark: it is not valid JSON"):
        DeviceLog(folder, DEVICE)


def test_a_failed_fold_is_logged_and_recorded_until_a_fold_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def full_disk(path: Path, events: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    folder = tmp_path / "log"
    with DeviceLog(folder, "dev-a", fold_every=2) as log:
        monkeypatch.setattr(log_module, "_write_day", full_disk)
        with caplog.at_level("WARNING", logger="surveys.log.device_log"):
            log.append_many([Draft("test.ping", {"n": i}) for i in range(5)])
            log.append("test.ping")
        warnings = [r.getMessage() for r in caplog.records if r.name == "surveys.log.device_log"]
        assert len(warnings) == 1 and "No space left" in warnings[0]  # once, not at every append
        assert log.fold_failure is not None and "No space left" in log.fold_failure
        state = journal_state(folder)
        assert state.pending == 6 and state.failure is not None and "No space left" in state.failure.reason
        monkeypatch.undo()
        log.fold()
        assert log.fold_failure is None
    state = journal_state(folder)
    assert state.pending == 0 and state.failure is None
    assert verify_log(folder, "dev-a").events == 6


def test_day_files_are_tinydb_files_that_tinydb_itself_reads_and_extends(tmp_path: Path) -> None:
    # The log reads and writes its day files without TinyDB's table layer (a year of events is read on
    # every export): the files must stay what TinyDB writes, and what TinyDB adds must read back.
    from tinydb import TinyDB
    from tinydb.table import Document

    from surveys.log.storage import AtomicJSONStorage

    day = datetime(2025, 1, 15, 9, 0, tzinfo=BANGKOK)
    with DeviceLog(tmp_path, DEVICE, fold_every=1) as log:
        events = [
            log.append("ticket.issued", {"number": f"A{n:03d}"}, at=day + timedelta(minutes=n))
            for n in (1, 2)
        ]
    path = tmp_path / "days" / "2025-01-15.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        table = db.table("events")
        assert [(doc.doc_id, dict(doc)) for doc in table.all()] == [(e.seq, e.to_dict()) for e in events]
        third = log_module.make_event(DEVICE, 3, "ticket.issued", {"number": "A003"}, events[1].hash, day)
        table.insert(Document(third.to_dict(), doc_id=3))
    assert [e.seq for e in read_events(tmp_path)] == [1, 2, 3]
