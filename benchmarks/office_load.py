"""A kiosk's /reserve under load, with and without 300 stalled connections (issue 8, finding 4).

Run from the project root::

    python benchmarks/office_load.py                 # 200 reserves in each condition
    python benchmarks/office_load.py --rounds 60     # quicker
    python benchmarks/office_load.py --files 256     # the office with 256 open files at most

An office server runs in its own process on 127.0.0.1 with 10 counters. Attached all the time: 10
counters (RemoteOffice each, in threads) calling, starting and finishing tickets at a brisk human pace,
and 4 boards long-polling ``wait_for_change``. A kiosk (RemoteOffice) reserves and confirms tickets;
only ``reserve_ticket`` is timed. The rounds alternate, in blocks, between no stalled connections and
300 stalled ones (sockets that connect and never send a byte; reopened as soon as the office closes
them, as an attacker would), so that both conditions see the same machine load. Target: the kiosk's
p95 with the stalled connections within 2× of the p95 without them, and under 100 ms.
"""

from __future__ import annotations

import argparse
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

# ruff: noqa: E402
# benchmarks/kiosk.py, beside this script, would shadow the ``kiosk`` package: drop this folder from sys.path.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from kiosk.office.client import RemoteOffice
from kiosk.office.key import office_key
from kiosk.office.service import OfficeError

SERVER = """
import resource, sys
from pathlib import Path
from kiosk.office.service import LocalOffice
from surveys.counter.settings import Counter, Settings, default_settings
from kiosk.office.server import serve_office
from kiosk.office.key import office_key
home, files = Path(sys.argv[1]), int(sys.argv[2])
if files:
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
base = default_settings()
spread = {"registration": (1, 2, 3, 4), "tax": (5, 6), "permits": (7,), "info": (8,), "complaints": (9, 10)}
settings = Settings(
    services=tuple(s.model_copy(update={"counters": spread.get(s.id, (10,))}) for s in base.services),
    counters=tuple(Counter(number=n, name_th=f"ช่อง {n}", name_en=f"Counter {n}") for n in range(1, 11)),
)
serve_office(LocalOffice(home, settings), "127.0.0.1", 0, office_key(home),
             on_started=lambda host, port: print(port, flush=True))
"""
COUNTERS = 10
BOARDS = 4
STALLED = 300
BLOCK = 25  # reserves per block; blocks alternate between the two conditions


class Attached:
    """Counters and boards working beside the kiosk, each in its own thread with its own client."""

    def __init__(self, url: str, key: str) -> None:
        self.url, self.key = url, key
        self.stop = threading.Event()
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.counter, args=(n,), daemon=True) for n in range(1, 11)]
        self.threads += [threading.Thread(target=self.board, daemon=True) for _ in range(BOARDS)]

    def count(self, what: str) -> None:
        with self.lock:
            self.counts[what] += 1

    def counter(self, number: int) -> None:
        with RemoteOffice(self.url, self.key) as office:
            while not self.stop.is_set():
                try:
                    if office.call_next(number) is not None:
                        office.start(number)
                        office.finish(number)
                        self.count("served")
                except OfficeError:
                    self.count("refused")
                self.stop.wait(0.3)

    def board(self) -> None:
        with RemoteOffice(self.url, self.key) as office:
            version = office.snapshot().version
            while not self.stop.is_set():
                version = office.wait_for_change(version, 2.0).version
                self.count("board views")

    def __enter__(self) -> Attached:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(10)


class Stalled:
    """``count`` connections that never send a request, reopened when the office closes them."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.sockets: list[socket.socket] = []
        self.active = threading.Event()
        self.done = threading.Event()
        self.reopened = 0
        self.refused = 0
        self.thread = threading.Thread(target=self.keep, daemon=True)
        self.thread.start()

    def open(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def keep(self) -> None:
        while not self.done.is_set():
            if not self.active.is_set():
                for sock in self.sockets:
                    sock.close()
                self.sockets = []
                self.active.wait(0.05)
                continue
            while len(self.sockets) < self.count:
                try:
                    self.sockets.append(self.open())
                except OSError:  # the office's queue is full: try again on the next round
                    self.refused += 1
                    break
            closed, _, _ = select.select(self.sockets, [], [], 0.05)
            for sock in closed:  # readable on a stalled connection: the office closed it
                self.sockets.remove(sock)
                sock.close()
                self.reopened += 1

    def attach(self) -> None:
        self.active.set()
        deadline = time.monotonic() + 10
        while len(self.sockets) < self.count and time.monotonic() < deadline:
            time.sleep(0.01)

    def detach(self) -> None:
        self.active.clear()
        while self.sockets:
            time.sleep(0.01)

    def close(self) -> None:
        self.active.clear()
        self.done.set()
        self.thread.join(10)


def summary(samples: list[float]) -> tuple[float, float]:
    ms = [s * 1000 for s in samples]
    return statistics.median(ms), statistics.quantiles(ms, n=20, method="inclusive")[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="reserves in each condition")
    parser.add_argument("--files", type=int, default=0, help="the office's open-file limit (default: as is)")
    parser.add_argument(
        "--dir", type=Path, default=Path.cwd() / "bench-out", help="where the office's log goes"
    )
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="office-load-", dir=args.dir))
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(root), str(args.files)], stdout=subprocess.PIPE, text=True
    )
    times: dict[bool, list[float]] = {False: [], True: []}
    failed: dict[bool, Counter[str]] = {False: Counter(), True: Counter()}
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        url, key = f"http://127.0.0.1:{port}", office_key(root)
        services = ["registration", "tax", "permits", "info", "complaints"]
        stalled = Stalled(port, STALLED)
        with Attached(url, key) as attached, RemoteOffice(url, key, timeout=30) as kiosk:
            time.sleep(0.5)  # counters and boards connected
            block = 0
            while min(len(times[False]), len(times[True])) < args.rounds:
                with_stalled = block % 2 == 1
                if with_stalled:
                    stalled.attach()
                for i in range(BLOCK):
                    start = time.perf_counter()
                    try:
                        reservation = kiosk.reserve_ticket(services[i % len(services)], None)
                        times[with_stalled].append(time.perf_counter() - start)
                        kiosk.confirm_ticket(reservation.ticket, "bench")
                    except OfficeError as exc:
                        failed[with_stalled][exc.code] += 1
                    time.sleep(0.01)
                if with_stalled:
                    stalled.detach()
                block += 1
        stalled.close()
        print(f"office server on {url} (open-file limit: {args.files or 'as is'}), log in {root}")
        print(
            f"attached: {COUNTERS} counters ({attached.counts['served']} tickets served, "
            f"{attached.counts['refused']} refusals), {BOARDS} boards "
            f"({attached.counts['board views']} views); stalled connections reopened after the office "
            f"closed them: {stalled.reopened} (connections refused: {stalled.refused})"
        )
        for condition, name in ((False, "without"), (True, "with")):
            if failed[condition]:
                print(f"  FAILED kiosk calls {name} the stalled connections: {dict(failed[condition])}")
        quiet_median, quiet_p95 = summary(times[False])
        busy_median, busy_p95 = summary(times[True])
        print(
            f"  /reserve, no stalled connections      median {quiet_median:7.2f} ms   p95 {quiet_p95:7.2f} ms"
        )
        print(
            f"  /reserve, {STALLED} stalled connections   "
            f"median {busy_median:7.2f} ms   p95 {busy_p95:7.2f} ms"
        )
        ratio = busy_p95 / quiet_p95
        print(f"  p95 ratio (stalled / none): {ratio:.2f}×")
        print(f"  {'PASS' if ratio <= 2 else 'FAIL'}  p95 with stalled connections within 2× of without")
        print(f"  {'PASS' if busy_p95 < 100 else 'FAIL'}  p95 with stalled connections under 100 ms")
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
