"""Answers import benchmark: a 100,000-row KoboToolbox-shaped CSV into a new home's central store.

    python benchmarks/import.py [--rows 100000] [--dir DIR]

The file is KoboToolbox's CSV shape (``;``, a BOM, ``start``/``end``/``_uuid``/``_submission_time``,
Thai labels as values for half the rows, names for the others) for the built-in
``service-satisfaction`` instrument. Each in its own process (so that its peak memory is its own), in
the same run:

- baseline: a plain ``pandas.read_csv`` of the same file (every cell as text);
- import: ``analysis.answers.importing.import_answers`` into a new home — reading, recognising the shape,
  checking every answer against the instrument, dating, hashing, the import device's hash-chained log,
  the signed bundle and the central store's verified import.

It prints rows per second and peak memory (max RSS) of each, and PASS/FAIL for the targets: at least
20,000 rows per second and under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

GIB = 1024**3
ITEMS = ("overall", "process", "channels", "staff", "facilities")
THAI = {5: "มากที่สุด", 4: "มาก", 3: "ปานกลาง", 2: "น้อย", 1: "น้อยที่สุด"}

BASELINE = """
import json, resource, sys, time
import pandas as pd
started = time.perf_counter()
frame = pd.read_csv(sys.argv[1], sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(frame),
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

IMPORT = """
import json, resource, sys, time
from pathlib import Path
import pandas  # imported before the clock starts, as in the baseline
from analysis.answers.importing import import_answers
from surveys.content.instruments import builtin_instruments
instrument = builtin_instruments()["service-satisfaction"]
started = time.perf_counter()
summary = import_answers(Path(sys.argv[2]), Path(sys.argv[1]), instrument, project=1)
print(json.dumps({"seconds": time.perf_counter() - started, "rows": summary.imported,
                  "rejected": summary.rejected,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def make_file(path: Path, rows: int) -> None:
    """``rows`` responses in KoboToolbox's CSV shape; every one valid."""
    rng = random.Random(11)
    start = datetime(2024, 10, 1, 8, 0)
    lines = [";".join(["start", "end", "overview/overall", *(f"aspects/{i}" for i in ITEMS[1:]), "_id",
                       "_uuid", "_submission_time", "__version__"])]  # fmt: skip
    for n in range(rows):
        began = start + timedelta(minutes=5 * n)
        levels = [
            rng.choice((5, 5, 4, 4, 3, 2, 1)) if i == 0 or rng.random() < 0.8 else None for i in range(5)
        ]
        cells = ["" if level is None else (THAI[level] if n % 2 else str(level)) for level in levels]
        lines.append(
            ";".join(
                [
                    began.isoformat(timespec="milliseconds") + "+07:00",
                    (began + timedelta(minutes=3)).isoformat(timespec="milliseconds") + "+07:00",
                    *cells,
                    str(n + 1),
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    (began - timedelta(hours=7, minutes=-4)).isoformat(timespec="seconds"),
                    "vA1",
                ]
            )
        )
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode("utf-8"))


def child(script: str, *args: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        sys.exit(f"the measured process failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None, help="Work folder (default: a temporary one).")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="prongsai-import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        csv_path = folder / f"kobo-{args.rows}.csv"
        if not csv_path.exists():
            make_file(csv_path, args.rows)
        home = folder / "home"
        shutil.rmtree(home, ignore_errors=True)
        base = child(BASELINE, str(csv_path))
        run = child(IMPORT, str(csv_path), str(home))
        if run["rows"] != args.rows or run["rejected"]:
            sys.exit(
                f"the import took {run['rows']} rows and rejected {run['rejected']}, not {args.rows} and 0"
            )
        rate, base_rate = run["rows"] / run["seconds"], base["rows"] / base["seconds"]
        print(f"{args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB")
        for name, seconds, per_second, rss in (
            ("pandas.read_csv", base["seconds"], base_rate, base["rss"]),
            ("answers import", run["seconds"], rate, run["rss"]),
        ):
            print(f"  {name:<16} {seconds:7.2f} s  {per_second:>10,.0f} rows/s  {rss / GIB:.2f} GB")
        print(f"  import / read_csv: {run['seconds'] / base['seconds']:.1f}×")
        print(f"  ≥ 20,000 rows/s: {'PASS' if rate >= 20_000 else 'FAIL'} ({rate:,.0f})")
        print(f"  < 1 GB peak:     {'PASS' if run['rss'] < GIB else 'FAIL'} ({run['rss'] / GIB:.2f} GB)")
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
