"""Append latency of the device log, against TinyDB's default storage and SQLite.

Run from the project root::

    python benchmarks/log_append.py            # full: a year of ~110k events, 3 rounds
    python benchmarks/log_append.py --quick    # smoke run: a year of ~20k events
    python benchmarks/log_append.py --dir /mnt/usb   # measure on another filesystem

Every timed operation builds a real event (UUIDv7, hash chain, canonical JSON) and stores it, so the
baselines pay the same encoding cost as the log. Rounds are interleaved (the scenario order rotates)
because the machine is shared; a row reports the median of the round medians and of the round p95s.
Everything is written under a temp folder inside ``--dir`` (default ``./bench-out``), removed at
the end.
"""

from __future__ import annotations

import argparse
import gc
import math
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from tinydb import TinyDB

from surveys.log.device_log import DeviceLog, Draft
from surveys.log.event import BANGKOK, GENESIS, Event, make_event

DEVICE = "bench-01"
BODY = {"ticket": "A017", "service": "tax", "counter": 2, "lang": "th", "note": "ชำระภาษีป้าย"}
SAMPLES = 100  # timed operations per measurement
WARMUP = 5  # untimed operations before them
FY2568_START = datetime(2024, 10, 1, 8, 30, tzinfo=BANGKOK)
OFFICE_DAY = timedelta(hours=8)


@dataclass
class Row:
    """One scenario: the samples of every round (ms), and anything extra it wants to show."""

    name: str
    state: str
    rounds: list[list[float]] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(statistics.median(r) for r in self.rounds)

    @property
    def p95(self) -> float:
        return statistics.median(p95(r) for r in self.rounds)

    @property
    def worst(self) -> float:
        return max(max(r) for r in self.rounds)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


class Chain:
    """Makes the events of one device in order, as the log would (for the baselines)."""

    def __init__(self) -> None:
        self.seq, self.prev = 0, GENESIS

    def next(self, at: datetime | None = None) -> Event:
        self.seq += 1
        event = make_event(DEVICE, self.seq, "ticket.issued", BODY, self.prev, at)
        self.prev = event.hash
        return event


def timed(op: Callable[[], object], n: int = SAMPLES, warmup: int = WARMUP) -> list[float]:
    """Milliseconds of ``n`` calls of ``op``, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        op()
    gc.collect()
    samples: list[float] = []
    for _ in range(n):
        start = time.perf_counter_ns()
        op()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def year_drafts(per_day: int) -> list[list[Draft]]:
    """FY 2568 (1 Oct 2024 – 30 Sep 2025): ``per_day`` events spread over each office day."""
    step = OFFICE_DAY / per_day
    days = []
    for d in range(365):
        opening = FY2568_START + timedelta(days=d)
        days.append([Draft("ticket.issued", BODY, opening + i * step) for i in range(per_day)])
    return days


# -- scenarios: each takes a fresh work folder and returns its timings -----------------------------


def prongsai_fresh(work: Path) -> list[float]:
    with DeviceLog(work / "log", DEVICE) as log:
        return timed(lambda: log.append("ticket.issued", BODY))


def prongsai_year(work: Path, template: Path) -> tuple[float, list[float]]:
    """Reopen a copy of the year's log (timed apart), then append to "today"."""
    shutil.copytree(template, work / "log")
    start = time.perf_counter_ns()
    log = DeviceLog(work / "log", DEVICE)
    opened = (time.perf_counter_ns() - start) / 1e6
    with log:
        return opened, timed(lambda: log.append("ticket.issued", BODY))


def prongsai_batch(work: Path) -> list[float]:
    """append_many of 1,000 events in batches of 100: one sample per batch (ms)."""
    with DeviceLog(work / "log", DEVICE) as log:
        batch = [Draft("ticket.issued", BODY)] * 100
        log.append_many(batch)  # warm-up
        return timed(lambda: log.append_many(batch), n=10, warmup=0)


def tinydb_default(work: Path, prefill: int) -> list[float]:
    chain = Chain()
    with TinyDB(work / "db.json") as db:  # JSONStorage, one file, rewritten in place per insert
        if prefill:
            db.insert_multiple(chain.next().to_dict() for _ in range(prefill))
        return timed(lambda: db.insert(chain.next().to_dict()))


def sqlite_wal(work: Path, prefill: int) -> list[float]:
    chain = Chain()
    con = sqlite3.connect(work / "events.sqlite")
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, line BLOB NOT NULL)")
        if prefill:
            with con:
                con.executemany(
                    "INSERT INTO events VALUES (?, ?)",
                    ((e.seq, e.encode()) for e in (chain.next() for _ in range(prefill))),
                )
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        def insert() -> None:
            event = chain.next()
            con.execute("INSERT INTO events VALUES (?, ?)", (event.seq, event.encode()))
            con.commit()

        return timed(insert)
    finally:
        con.close()


# -- the run -----------------------------------------------------------------------------------


def filesystem_of(path: Path) -> str:
    """The filesystem type holding ``path`` (from /proc/mounts), or "unknown"."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown"
    real = str(path.resolve())
    best = max(
        (m for m in mounts if real == m[0] or real.startswith(m[0].rstrip("/") + "/")),
        key=lambda m: len(m[0]),
        default=None,
    )
    return best[1] if best else "unknown"


def build_year(folder: Path, per_day: int) -> tuple[int, float]:
    start = time.perf_counter()
    with DeviceLog(folder, DEVICE) as log:
        for day in year_drafts(per_day):
            log.append_many(day)
        count = log.head[0]
    return count, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small year (~20k events)")
    parser.add_argument("--dir", type=Path, default=Path.cwd() / "bench-out", help="where to write")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tinydb-large", type=int, default=10_000, help="docs in the big file")
    args = parser.parse_args(argv)

    per_day = math.ceil(20_000 / 365) if args.quick else 300
    created = not args.dir.exists()
    args.dir.mkdir(parents=True, exist_ok=True)
    fs = filesystem_of(args.dir)
    root = Path(tempfile.mkdtemp(prefix="log-append-", dir=args.dir))
    print(f"prongsai log append benchmark — {datetime.now(BANGKOK):%Y-%m-%d %H:%M} Bangkok")
    print(f"work dir {root} ({fs})")
    print(f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
    if fs in ("tmpfs", "ramfs"):
        print("WARNING: this is a RAM filesystem: fsync does nothing, the numbers mean little.")
    try:
        return run(root, per_day, args.rounds, args.tinydb_large)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        if created:
            with_contents = any(args.dir.iterdir())
            if not with_contents:
                args.dir.rmdir()


def run(root: Path, per_day: int, rounds: int, tinydb_large: int) -> int:
    template = root / "year"
    events, took = build_year(template, per_day)
    files = len(list((template / "days").glob("*.json")))
    print(f"built the year: {events:,} events in {files} day files in {took:.1f} s (not timed)")

    fresh = Row("prongsai DeviceLog", "fresh")
    year = Row("prongsai DeviceLog", f"year, {events // 1000}k ev")
    tiny = [Row("TinyDB default", "fresh"), Row("TinyDB default", f"{per_day} docs")]
    tiny.append(Row("TinyDB default", f"{tinydb_large // 1000}k docs"))
    sql = [Row("SQLite WAL+FULL", "fresh"), Row("SQLite WAL+FULL", f"{events // 1000}k rows")]
    batch = Row("prongsai append_many", "fresh, 100/batch")
    opens: list[float] = []

    def do_year(work: Path) -> None:
        opened, samples = prongsai_year(work, template)
        opens.append(opened)
        year.rounds.append(samples)

    jobs: list[tuple[str, Callable[[Path], None]]] = [
        ("prongsai fresh", lambda w: fresh.rounds.append(prongsai_fresh(w))),
        ("prongsai year", do_year),
        ("sqlite fresh", lambda w: sql[0].rounds.append(sqlite_wal(w, 0))),
        ("sqlite full", lambda w: sql[1].rounds.append(sqlite_wal(w, events))),
        ("tinydb fresh", lambda w: tiny[0].rounds.append(tinydb_default(w, 0))),
        ("tinydb day", lambda w: tiny[1].rounds.append(tinydb_default(w, per_day))),
        ("tinydb large", lambda w: tiny[2].rounds.append(tinydb_default(w, tinydb_large))),
        ("prongsai batch", lambda w: batch.rounds.append(prongsai_batch(w))),
    ]
    for r in range(rounds):
        start = time.perf_counter()
        for i in range(len(jobs)):
            label, job = jobs[(i + r) % len(jobs)]  # rotate the order each round
            work = root / f"r{r}-{label.replace(' ', '-')}"
            work.mkdir()
            job(work)
            shutil.rmtree(work)
        print(f"round {r + 1}/{rounds} done in {time.perf_counter() - start:.1f} s")

    base_sql, base_tiny = sql[0], tiny[0]
    print()
    print(f"Single appends: {SAMPLES} per round after {WARMUP} warm-up, {rounds} rounds; ms.")
    head = f"{'store':<22}{'state':<18}{'median':>8}{'p95':>8}{'max':>8}"
    head += f"{'×SQLite':>9}{'p95×SQL':>9}{'×TinyDB':>9}  round medians"
    print(head)
    print("-" * len(head) + "-" * 16)
    for row in [fresh, year, *sql, *tiny]:
        per_round = "/".join(f"{statistics.median(r):.2f}" for r in row.rounds)
        print(
            f"{row.name:<22}{row.state:<18}{row.median:>8.2f}{row.p95:>8.2f}{row.worst:>8.1f}"
            f"{row.median / base_sql.median:>8.1f}×{row.p95 / base_sql.p95:>8.1f}×"
            f"{row.median / base_tiny.median:>8.1f}×  {per_round}"
        )
    print()
    rates = [100 * 1000 / statistics.median(r) for r in batch.rounds]
    single = 1000 / fresh.median
    print(
        f"{batch.name}: {statistics.median(rates):,.0f} events/s "
        f"(median batch {batch.median:.2f} ms, p95 {batch.p95:.2f} ms; "
        f"single appends ≈ {single:,.0f} events/s)"
    )
    print(
        f"Reopening the year's log: {statistics.median(opens):.1f} ms median "
        f"({', '.join(f'{o:.1f}' for o in opens)} ms)"
    )
    print()
    print("Notes: the year's appends land on today, after its 365 day files (as on a device).")
    print(
        "TinyDB's default JSONStorage rewrites the whole file in place on every insert; it calls\n"
        "fsync, but with no temp file and rename a crash mid-write tears the file, and its\n"
        "truncate comes after the fsync. It is the 'before' picture, not a durable store."
    )
    print()
    checks = [
        ("year / fresh median ≤ 2×", year.median / fresh.median, 2.0),
        ("prongsai fresh median ≤ 3× SQLite fresh median", fresh.median / sql[0].median, 3.0),
        ("prongsai year median ≤ 3× SQLite full median", year.median / sql[1].median, 3.0),
    ]
    failed = 0
    for label, ratio, limit in checks:
        ok = ratio <= limit
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {label:<50} {ratio:5.2f}×")
    print(f"info  {'year / fresh p95':<50} {year.p95 / fresh.p95:5.2f}×")
    print(f"info  {'prongsai fresh p95 / SQLite fresh p95':<50} {fresh.p95 / sql[0].p95:5.2f}×")
    print(f"info  {'prongsai year p95 / SQLite full p95':<50} {year.p95 / sql[1].p95:5.2f}×")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
