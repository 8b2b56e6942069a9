"""An import killed (SIGKILL) at random moments: every bundle is in the store whole or not at all, the
chain verifies, and running the import again ends in the same store as a clean import."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from surveys.log.device import load_or_create_device
from surveys.log.device_log import DeviceLog, Draft
from surveys.log.event import BANGKOK, GENESIS
from surveys.log.home import log_dir
from sync.bundle import write_bundle
from sync.central import CentralStore
from sync.enrolment import Enrolment

WORKER = Path(__file__).with_name("import_worker.py")
TRIALS = int(os.environ.get("PRONGSAI_CRASH_TRIALS", "16"))
PER_BUNDLE = 3000
BUNDLES = 4
START = datetime(2024, 10, 1, 8, 0, tzinfo=BANGKOK)


@dataclass(frozen=True)
class Setup:
    enrolment: Enrolment
    bundles: list[Path]  # in import order: four in a row, then one with all of them (all duplicates)
    reference: dict[str, list[tuple[Any, ...]]]
    seconds: float  # how long a whole import takes here, after "ready"


def run_worker(store: Path, bundles: list[Path]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(store), *map(str, bundles)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def fresh_store(path: Path, enrolment: Enrolment) -> Path:
    with CentralStore(path) as store:
        store.enrol(enrolment)
    return path


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The store's contents without the times of import."""
    conn = sqlite3.connect(path)
    try:
        return {
            "events": conn.execute(
                "SELECT id, device, seq, kind, at, hash, prev, line, bundle FROM events ORDER BY device, seq"
            ).fetchall(),
            "quarantine": conn.execute(
                "SELECT device, line_sha256, seq, id, hash, line, status, reason, bundle FROM quarantine "
                "ORDER BY 1, 2"
            ).fetchall(),
            "checkpoints": conn.execute("SELECT * FROM checkpoints").fetchall(),
            "bundles": conn.execute(
                "SELECT file_sha256, device, first_seq, last_seq, count, file_name, counts FROM bundles "
                "ORDER BY 1"
            ).fetchall(),
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    root = tmp_path_factory.mktemp("crash")
    home = root / "kiosk"
    device = load_or_create_device(home)
    bundles = []
    with DeviceLog(log_dir(home), device.id) as log:
        for part in range(BUNDLES):
            first = part * PER_BUNDLE
            log.append_many(
                Draft(
                    "test.ping",
                    {"n": first + i, "pad": "ข้อความ" * 8},
                    START + timedelta(seconds=40 * (first + i)),
                )
                for i in range(PER_BUNDLE)
            )
            log.fold()
            out = root / f"part{part + 1}.psb"
            assert write_bundle(device, log_dir(home), out, first + 1) is not None
            bundles.append(out)
    everything = root / "all.psb"
    assert write_bundle(device, log_dir(home), everything, 1) is not None
    bundles.append(everything)
    enrolment = Enrolment(device.id, device.public_key_b64, "crash kiosk")
    store = fresh_store(root / "reference.sqlite", enrolment)
    worker = run_worker(store, bundles)
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    out, err = worker.communicate(timeout=300)
    seconds = time.perf_counter() - started
    assert worker.returncode == 0, err
    assert [line.split()[2] for line in out.splitlines()] == [str(PER_BUNDLE)] * BUNDLES + ["0"]
    return Setup(enrolment, bundles, dump(store), seconds)


def check_consistent(path: Path, device: str, acknowledged: list[str]) -> None:
    """Each bundle all in or all out; the checkpoint where the events say; the chain whole."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        recorded = {
            sha: (name, json.loads(counts))
            for sha, name, counts in conn.execute("SELECT file_sha256, file_name, counts FROM bundles")
        }
        per_bundle = dict(conn.execute("SELECT bundle, COUNT(*) FROM events GROUP BY bundle").fetchall())
        seqs = [
            row[0] for row in conn.execute("SELECT seq FROM events WHERE device = ? ORDER BY seq", (device,))
        ]
        assert conn.execute("SELECT COUNT(*) FROM quarantine").fetchone()[0] == 0
    finally:
        conn.close()
    assert set(per_bundle) <= set(recorded), "events of a bundle the store does not record as imported"
    for sha, (name, counts) in recorded.items():
        assert per_bundle.get(sha, 0) == counts["new"], f"{name} is in the store only in part"
    names = {name for name, _ in recorded.values()}
    assert set(acknowledged) <= names, "an import that returned is not in the store"
    assert seqs == list(range(1, len(seqs) + 1))
    with CentralStore(path) as store:
        last_seq, head = store.checkpoint(device)
        assert last_seq == len(seqs)
        assert (head == GENESIS) if not seqs else head != GENESIS
        assert all(report.ok for report in store.verify())


def test_an_import_killed_at_any_moment_is_whole_or_absent(setup: Setup, tmp_path: Path) -> None:
    rng = random.Random(2568)
    device = setup.enrolment.device
    partial = 0
    for trial in range(TRIALS):
        store = fresh_store(tmp_path / f"trial{trial}.sqlite", setup.enrolment)
        worker = run_worker(store, setup.bundles)
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, setup.seconds * 1.1))
        worker.send_signal(signal.SIGKILL)
        out, _ = worker.communicate()
        acknowledged = [line.split()[1] for line in out.splitlines() if line.startswith("imported ")]
        partial += 0 < len(acknowledged) < len(setup.bundles)
        print(f"trial {trial}: killed after {len(acknowledged)} import(s)")
        check_consistent(store, device, acknowledged)
        rerun = run_worker(store, setup.bundles)
        _, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, f"trial {trial}: {err}"
        assert dump(store) == setup.reference, f"trial {trial}: the store differs from a clean import"
    assert partial >= TRIALS // 4, "the kills should often land between and inside the imports"
