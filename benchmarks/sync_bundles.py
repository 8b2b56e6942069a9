"""Sync benchmark: a year of ten devices through bundles into the central store.

    python benchmarks/sync_bundles.py [--quick] [--dir DIR] [--keep]

Makes ten device homes with ``prongsai simulate`` (cached under the work dir between runs with
``--keep``), then measures, each beside baselines measured in the same run on the same payload:

- export: ``prongsai sync export`` of each device's whole log;
- first import of all ten bundles into a fresh central store (peak memory of that process too);
- re-import of the same bundles (already imported);
- ``verify --central``;
- baselines: a plain ``json.loads`` of every payload line, and a plain SQLite bulk insert
  (executemany in one transaction, WAL, synchronous=FULL) of the same lines with their id/device/seq.

Targets: first import ≤ 3× the plain bulk insert; re-import ≤ ¼ of the first import; peak memory
of the importing process < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DEVICES = 10
GIB = 1024**3


def run_cli(home: Path, *args: str) -> str:
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1", "PYTHAINLP_READ_ONLY": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "prongsai.cli", "--home", str(home), "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode not in (0,):
        raise SystemExit(
            f"prongsai {' '.join(args)} failed ({result.returncode}):\n{result.stderr}{result.stdout}"
        )
    return result.stdout


def make_devices(work: Path, days: int, per_day: int) -> list[Path]:
    homes = [work / "devices" / f"device-{n:02d}" for n in range(DEVICES)]
    todo = [(n, h) for n, h in enumerate(homes) if not (h / "done").exists()]
    if todo:
        print(
            f"simulating {len(todo)} device(s): {days} days, ~{per_day} visitors a working day …", flush=True
        )
        started = time.perf_counter()

        def one(item: tuple[int, Path]) -> None:
            n, home = item
            if home.exists():
                shutil.rmtree(home)
            run_cli(home, "simulate", "--days", str(days), "--per-day", str(per_day), "--seed", str(2568 + n))
            (home / "done").write_text("ok")

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(one, todo))
        print(f"  made in {time.perf_counter() - started:.0f} s (not timed below)", flush=True)
    return homes


def timed(label: str, fn: object, *args: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args)  # type: ignore[operator]
    return time.perf_counter() - started, result


def export_all(homes: list[Path], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    bundles = []
    for home in homes:
        target = out / f"{home.name}.psb"
        run_cli(home, "sync", "export", "--out", str(target), "--from-seq", "1")
        bundles.append(target)
    return bundles


def payload_lines(bundle: Path) -> list[bytes]:
    with bundle.open("rb") as handle:
        handle.readline()
        handle.readline()
        return [line.rstrip(b"\n") for line in handle]


def baseline_loads(bundles: list[Path]) -> tuple[float, int]:
    count = 0
    started = time.perf_counter()
    for bundle in bundles:
        with bundle.open("rb") as handle:
            handle.readline()
            handle.readline()
            for line in handle:
                json.loads(line)
                count += 1
    return time.perf_counter() - started, count


def baseline_insert(bundles: list[Path], db: Path) -> float:
    """A plain bulk insert of the same rows: no checks at all. Parsing the fields is included,
    as any store must do it."""
    if db.exists():
        db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE events (id TEXT PRIMARY KEY, device TEXT, seq INTEGER, kind TEXT, at TEXT, "
        "hash TEXT, prev TEXT, line TEXT, UNIQUE (device, seq))"
    )
    started = time.perf_counter()
    for bundle in bundles:
        with conn:
            batch: list[tuple[object, ...]] = []
            with bundle.open("rb") as handle:
                handle.readline()
                handle.readline()
                for raw in handle:
                    line = raw.rstrip(b"\n")
                    r = json.loads(line)
                    batch.append((r["id"], r["device"], r["seq"], r["kind"], r["at"], r["hash"], r["prev"],
                                  line.decode()))  # fmt: skip
                    if len(batch) >= 5000:
                        conn.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?)", batch)
                        batch.clear()
            conn.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?)", batch)
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


IMPORT_SCRIPT = r"""
import json, resource, sys, time
from pathlib import Path
from sync.central import CentralStore
store = CentralStore.open(Path(sys.argv[1]))
started = time.perf_counter()
totals = {"new": 0, "duplicate": 0, "conflict": 0, "rejected": 0}
refused = 0
for path in sys.argv[2:]:
    result = store.import_bundle(Path(path))
    refused += result.refused is not None
    for key in totals:
        totals[key] += result.counts[key]
elapsed = time.perf_counter() - started
store.close()
print(json.dumps({"seconds": elapsed, "totals": totals, "refused": refused,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

VERIFY_SCRIPT = r"""
import json, resource, sys, time
from pathlib import Path
from sync.central import CentralStore
store = CentralStore.open(Path(sys.argv[1]))
started = time.perf_counter()
reports = store.verify()
elapsed = time.perf_counter() - started
store.close()
print(json.dumps({"seconds": elapsed, "ok": all(r.ok for r in reports), "devices": len(reports),
                  "events": sum(r.events for r in reports),
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def in_subprocess(script: str, *args: str) -> dict[str, object]:
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1", "PYTHAINLP_READ_ONLY": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, check=False
    )
    if result.returncode:
        raise SystemExit(f"subprocess failed:\n{result.stderr}")
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def enrol_all(homes: list[Path], central: Path) -> None:
    for home in homes:
        enrolment = central / "enrol" / f"{home.name}.json"
        enrolment.parent.mkdir(parents=True, exist_ok=True)
        run_cli(home, "device", "export", "--out", str(enrolment), "--name", home.name)
        run_cli(central, "device", "enrol", str(enrolment))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="ten small devices (~10k events each)")
    parser.add_argument("--dir", type=Path, default=Path("bench-out"), help="work folder (a real disk)")
    parser.add_argument("--keep", action="store_true", help="keep the simulated devices for the next run")
    args = parser.parse_args()
    days, per_day = (40, 55) if args.quick else (365, 75)
    work = args.dir / ("sync-quick" if args.quick else "sync-year")
    work.mkdir(parents=True, exist_ok=True)
    print(f"prongsai sync benchmark — {DEVICES} devices, work dir {work}", flush=True)
    homes = make_devices(work, days, per_day)
    bundles_dir, central = work / "bundles", work / "central"
    for folder in (bundles_dir, central):
        if folder.exists():
            shutil.rmtree(folder)
    central.mkdir()

    t_export, bundles = timed("export", export_all, homes, bundles_dir)
    size = sum(b.stat().st_size for b in bundles)  # type: ignore[union-attr]
    t_loads, events = baseline_loads(bundles)  # type: ignore[arg-type]
    t_insert = baseline_insert(bundles, work / "baseline.sqlite")  # type: ignore[arg-type]
    enrol_all(homes, central)
    first = in_subprocess(IMPORT_SCRIPT, str(central), *map(str, bundles))  # type: ignore[arg-type]
    again = in_subprocess(IMPORT_SCRIPT, str(central), *map(str, bundles))  # type: ignore[arg-type]
    verify = in_subprocess(VERIFY_SCRIPT, str(central))
    t_first, t_again, t_verify = float(first["seconds"]), float(again["seconds"]), float(verify["seconds"])  # type: ignore[arg-type]

    print(f"\n{events:,} events in {DEVICES} bundles, {size / 1e6:,.0f} MB\n")
    rows = [
        ("baseline: json.loads of every payload line", t_loads),
        ("baseline: plain SQLite bulk insert (WAL, FULL)", t_insert),
        ("export (prongsai sync export, 10 devices)", t_export),
        ("first import into the central store", t_first),
        ("re-import of the same bundles", t_again),
        ("verify --central (every chain)", t_verify),
    ]
    print(f"{'':48} {'seconds':>9} {'µs/event':>9} {'×insert':>8}")
    for label, seconds in rows:
        print(f"{label:48} {seconds:9.2f} {seconds / events * 1e6:9.1f} {seconds / t_insert:7.2f}×")
    print(f"\nfirst import: {first['totals']}, refused bundles {first['refused']}")
    print(f"re-import:    {again['totals']}, refused bundles {again['refused']}")
    print(f"verify:       {verify['devices']} devices, {verify['events']:,} events, whole: {verify['ok']}")
    peak = max(int(first["peak_kib"]), int(again["peak_kib"]), int(verify["peak_kib"])) * 1024  # type: ignore[call-overload]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    checks = [
        ("first import ≤ 3× plain bulk insert", t_first / t_insert <= 3, f"{t_first / t_insert:.2f}×"),
        ("re-import ≤ ¼ of first import", t_again <= t_first / 4, f"{t_again / t_first:.3f}×"),
        (
            "peak memory of import/verify < 1 GB",
            peak < GIB,
            f"{peak / 2**20:,.0f} MiB (this script {own / 2**20:,.0f} MiB)",
        ),
        ("the year's events ≥ 1,000,000", events >= 1_000_000 or args.quick, f"{events:,}"),
    ]
    print()
    for label, ok, figure in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label:44} {figure}")
    if not args.keep:
        shutil.rmtree(bundles_dir, ignore_errors=True)
        shutil.rmtree(central, ignore_errors=True)
        (work / "baseline.sqlite").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
