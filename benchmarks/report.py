"""Report benchmark: the year-end report over 100,000 and 1,000,000 ratings in the central store.

    python benchmarks/report.py [--sizes 100000,1000000] [--dir DIR] [--keep]

For each size, a central store holding that many ``rating.given`` events of one (real) kiosk, spread
over fiscal year 2568, is made through the kit's own path (the device log, a signed bundle, the
importer) and kept under DIR between runs with ``--keep``. Then, each in its own process (so that its
peak memory is its own), in the same run:

- baseline: load the same ratings from the store (SQL, ``json.loads`` of each line, a DataFrame) and one
  plain pandas ``groupby`` (the mean overall score per service);
- report: ``analysis.report.build_report`` for the fiscal year (every target, table and check);
- render (info): writing report.json, HTML, PDF, XLSX and CSV from that data.

It prints time and peak memory (max RSS) of each, and PASS/FAIL for the targets: 1,000,000 ratings in
under 30 s and 2 GB; the 1M report ≤ 12× the 100k report; the report ≤ 3× the baseline.
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
import time
from datetime import datetime, timedelta
from pathlib import Path

GIB = 1024**3
ITEMS = ("overall", "process", "channels", "staff", "facilities")
SERVICES = ("registration", "tax", "permits", "info", "complaints")

BASELINE = """
import json, resource, sqlite3, sys, time
import pandas as pd
started = time.perf_counter()
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute("SELECT line FROM events WHERE kind = 'rating.given' AND at >= ? AND at < ?",
                    ("2024-10-01", "2025-10-01"))
bodies = [json.loads(line)["body"] for (line,) in rows]
frame = pd.DataFrame({"service": [b["service"] for b in bodies],
                      "overall": [b["answers"].get("overall") for b in bodies]})
means = frame.groupby("service")["overall"].mean()
print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(frame),
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

REPORT = """
import json, resource, sys, time
from pathlib import Path
import pandas  # imported before the clock starts, as in the baseline
from analysis.period import fiscal_period
from analysis.report import ReportOptions, build_report, write_report
from surveys.content.instruments import builtin_instruments
from surveys.content.plan import builtin_plan
from surveys.counter.settings import default_settings
from sync.central import CentralStore
started = time.perf_counter()
with CentralStore.open(Path(sys.argv[1])) as store:
    data = build_report(store, builtin_plan(), default_settings(), builtin_instruments(),
                        ReportOptions(fiscal_period(2568)))
seconds = time.perf_counter() - started
rendered = None
if sys.argv[2] == "render":
    t = time.perf_counter()
    write_report(data, Path(sys.argv[3]))
    rendered = time.perf_counter() - t
n = next(t for p in data["projects"] for t in p["targets"] if t["id"] == "p10-satisfaction")["n"]
print(json.dumps({"seconds": seconds, "render": rendered, "n": n,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def make_store(folder: Path, ratings: int) -> Path:
    """A central store (``folder/central``) holding ``ratings`` ratings of one kiosk, made once."""
    central = folder / "central"
    if (folder / "done").exists():
        return central
    shutil.rmtree(folder, ignore_errors=True)
    from surveys.log.device import load_or_create_device
    from surveys.log.device_log import DeviceLog, Draft
    from surveys.log.event import BANGKOK
    from surveys.log.home import log_dir
    from sync.bundle import write_bundle
    from sync.central import CentralStore
    from sync.enrolment import make_enrolment

    print(f"making a central store with {ratings:,} ratings …", flush=True)
    started = time.perf_counter()
    home = folder / "kiosk"
    device = load_or_create_device(home)
    rng = random.Random(ratings)
    first = datetime(2024, 10, 1, 8, 30, tzinfo=BANGKOK)
    step = timedelta(days=364) / ratings
    weights = (2, 3, 10, 35, 50)
    with DeviceLog(log_dir(home), device.id) as log:
        batch: list[Draft] = []
        for i in range(ratings):
            at = first + step * i
            answers = {item: rng.choices((1, 2, 3, 4, 5), weights)[0] for item in ITEMS if rng.random() < 0.9}
            answers["overall"] = rng.choices((1, 2, 3, 4, 5), weights)[0]
            service = SERVICES[i % len(SERVICES)]
            body = {"ticket": f"t{i}", "service": service, "instrument": "service-satisfaction"}
            body |= {"answers": answers, "elapsed_ms": 20000}
            batch.append(Draft("rating.given", body, at))
            if len(batch) == 10_000:
                log.append_many(batch)
                batch = []
        if batch:
            log.append_many(batch)
    bundle = folder / "kiosk.psb"
    write_bundle(device, log_dir(home), bundle, 1)
    with CentralStore.open(central) as store:
        store.enrol(make_enrolment(device, "kiosk", "kiosk", "bench"))
        result = store.import_bundle(bundle)
        assert result.ok, result.refused
    bundle.unlink()
    (folder / "done").write_text("ok\n")
    print(f"  made in {time.perf_counter() - started:.0f} s", flush=True)
    return central


def child(script: str, *args: str) -> dict[str, float]:
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1", "PYTHAINLP_READ_ONLY": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the stores for the next run")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.dir or Path(tempfile.mkdtemp(prefix="report-bench-"))
    results: dict[int, dict[str, dict[str, float]]] = {}
    try:
        for size in sizes:
            central = make_store(work / f"r{size}", size)
            store_file = str(central / "central.sqlite")
            baseline = child(BASELINE, store_file)
            report = child(
                REPORT, str(central), "render" if size == min(sizes) else "no", str(work / f"out{size}")
            )
            results[size] = {"baseline": baseline, "report": report}
            ratio = report["seconds"] / baseline["seconds"]
            render = f"   (render {report['render']:.1f} s)" if report.get("render") else ""
            print(
                f"{size:>9,} ratings  baseline (load + groupby) {baseline['seconds']:6.1f} s "
                f"{baseline['rss'] / GIB:5.2f} GB   report {report['seconds']:6.1f} s "
                f"{report['rss'] / GIB:5.2f} GB   ratio {ratio:4.1f}×{render}",
                flush=True,
            )
            assert report["n"] == size, f"the report counted {report['n']} of {size} ratings"
        big, small = max(sizes), min(sizes)
        verdicts = []
        if big >= 1_000_000:
            r = results[big]["report"]
            verdicts.append(("1M ratings under 30 s and 2 GB", r["seconds"] < 30 and r["rss"] < 2 * GIB))
        if big != small:
            scale = results[big]["report"]["seconds"] / results[small]["report"]["seconds"]
            verdicts.append((f"{big:,} run ≤ 12× the {small:,} run ({scale:.1f}×)", scale <= 12))
        for size in sizes:
            ratio = results[size]["report"]["seconds"] / results[size]["baseline"]["seconds"]
            verdicts.append((f"{size:,}: report ≤ 3× load-and-groupby ({ratio:.1f}×)", ratio <= 3))
        for text, ok in verdicts:
            print(f"{'PASS' if ok else 'FAIL'}  {text}")
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
