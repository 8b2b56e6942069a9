"""Crashes, full disks and second writers: no acknowledged event is ever lost or corrupted."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from surveys.log.chain import verify_log
from surveys.log.device_log import DeviceLog, LogLocked

WORKER = Path(__file__).with_name("log_worker.py")
DEVICE = "dev-crashtest"
TRIALS = int(os.environ.get("PRONGSAI_CRASH_TRIALS", "30"))


def start_worker(folder: Path, mode: str, count: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(folder), DEVICE, mode, str(count), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def acknowledged(output: str) -> dict[int, str]:
    acks: dict[int, str] = {}
    for line in output.splitlines():
        parts = line.split()
        # A line cut off by the kill is never a whole "seq hash" pair.
        if len(parts) == 2 and parts[0].isdigit() and len(parts[1]) == 64:
            acks[int(parts[0])] = parts[1]
    return acks


def stored(folder: Path) -> dict[int, str]:
    with DeviceLog(folder, DEVICE) as log:  # opening runs recovery, as a restarted kiosk would
        return {event.seq: event.hash for event in log.read()}


def test_sigkill_at_random_moments_never_loses_an_acknowledged_event(tmp_path: Path) -> None:
    rng = random.Random(2568)
    folder = tmp_path / "log"
    all_acks: dict[int, str] = {}
    for trial in range(TRIALS):
        worker = start_worker(folder, "batch" if trial % 3 == 0 else "single", 10_000_000)
        # Wait for the first acknowledgement, then kill at a random moment after it.
        assert worker.stdout is not None
        first = worker.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.15))
        worker.send_signal(signal.SIGKILL)
        rest, _ = worker.communicate()
        acks = acknowledged(first + rest)
        assert acks, f"trial {trial}: the writer acknowledged nothing"
        all_acks.update(acks)
        on_disk = stored(folder)
        missing = {seq for seq in all_acks if on_disk.get(seq) != all_acks[seq]}
        assert not missing, f"trial {trial}: acknowledged events lost or changed: {sorted(missing)[:10]}"
        report = verify_log(folder, DEVICE)
        assert report.ok, f"trial {trial}: {report.first_problem}"
        assert report.last_seq == max(on_disk)
    assert len(all_acks) > TRIALS


def test_a_full_disk_leaves_the_previous_state_readable(tmp_path: Path) -> None:
    folder = tmp_path / "log"
    worker = start_worker(folder, "single", 10_000_000, str(40_000))
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 3, err
    assert "full" in out and "Free disk space" in out  # the message says what to do
    acks = acknowledged(out)
    assert len(acks) > 20
    on_disk = stored(folder)
    assert all(on_disk.get(seq) == digest for seq, digest in acks.items())
    assert max(on_disk) == max(acks), "the failed append must leave nothing behind"
    assert verify_log(folder, DEVICE).ok
    assert not list((folder / "days").glob(".*.tmp")), "a failed fold left a temp file"
    # The log goes on after space is freed.
    with DeviceLog(folder, DEVICE) as log:
        event = log.append("test.after", {})
    assert event.seq == max(acks) + 1
    assert verify_log(folder, DEVICE).ok


def test_two_writer_processes_never_corrupt_the_log(tmp_path: Path) -> None:
    folder = tmp_path / "log"
    workers = [start_worker(folder, "retry", 60) for _ in range(2)]
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers)
    acks = [acknowledged(out) for out in outputs]
    assert not set(acks[0]) & set(acks[1]), "two writers were given the same seq"
    merged = {**acks[0], **acks[1]}
    assert sorted(merged) == list(range(1, 121))
    assert stored(folder) == merged
    assert verify_log(folder, DEVICE).ok
    assert any("locked" in out for out in outputs), "the writers never met: the test proves nothing"


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with DeviceLog(tmp_path, DEVICE) as log:
        log.append("test.ping", {})
        with pytest.raises(LogLocked, match=r"already open for writing by process \d+"):
            DeviceLog(tmp_path, DEVICE)
        log.append("test.ping", {})  # the first writer is unharmed
    with DeviceLog(tmp_path, DEVICE) as log:  # and once it is closed, another may write
        assert log.head[0] == 2
