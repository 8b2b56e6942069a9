"""How soon the board shows a call: a counter's call_next to a waiting long poll's return.

Run from the project root::

    python benchmarks/board_latency.py               # 200 calls
    python benchmarks/board_latency.py --rounds 50   # quicker

An office server runs in its own process on 127.0.0.1 (as on the office LAN, minus the cable); a
counter (RemoteOffice) calls tickets while a board (RemoteOffice, in another thread) long-polls
``wait_for_change``. Each round issues a ticket, lets the board's poll settle on the server, then
times ``call_next`` and the moment the board's poll returns with that call. Beside them, in the same
run: a bare HTTP round trip (``GET /snapshot``), the floor any LAN call pays. ``call_next`` also pays
one durable append (an fsync), so measure on the disk the office will use (``--dir``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# ruff: noqa: E402
# benchmarks/kiosk.py, beside this script, would shadow the ``kiosk`` package: drop this folder from sys.path.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from kiosk.office.client import RemoteOffice
from kiosk.office.key import office_key
from kiosk.office.service import OfficeView

SERVER = """
import sys
from pathlib import Path
from kiosk.office.service import LocalOffice
from surveys.counter.settings import default_settings
from kiosk.office.server import serve_office
from kiosk.office.key import office_key
home = Path(sys.argv[1])
serve_office(LocalOffice(home, default_settings()), "127.0.0.1", 0, office_key(home),
             on_started=lambda host, port: print(port, flush=True))
"""


class Board:
    """Long-polls in a thread and keeps the time each view arrived."""

    def __init__(self, office: RemoteOffice) -> None:
        self.office = office
        self.arrived: list[tuple[float, OfficeView]] = []
        self.changed = threading.Condition()
        self.stopped = False
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        version = self.office.snapshot().version
        while not self.stopped:
            view = self.office.wait_for_change(version, 0.5)
            with self.changed:
                self.arrived.append((time.perf_counter(), view))
                self.changed.notify_all()
            version = view.version

    def seen(self, ticket: str, counter: int, timeout: float = 5.0) -> float:
        """When the board first showed ``ticket`` called at ``counter``."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for at, view in self.arrived:
                    shown = view.counters[counter - 1]
                    if shown.ticket == ticket and shown.status == "called":
                        return at
                if not self.changed.wait(max(deadline - time.monotonic(), 0)):
                    raise TimeoutError("the board never showed the call")


def stats(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[-1]
    return f"median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   max {max(ms):7.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--dir", type=Path, default=Path.cwd() / "bench-out", help="where the office's log goes"
    )
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="board-latency-", dir=args.dir))
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(root)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{int(server.stdout.readline())}"
        key = office_key(root)
        with (
            RemoteOffice(url, key) as counter,
            RemoteOffice(url, key) as kiosk,
            RemoteOffice(url, key) as poll,
        ):
            board = Board(poll)
            board.thread.start()
            rtt, calls, shown = [], [], []
            for _ in range(args.rounds):
                start = time.perf_counter()
                counter.snapshot()
                rtt.append(time.perf_counter() - start)
                reservation = kiosk.reserve_ticket("tax")
                kiosk.confirm_ticket(reservation.ticket, "bench")
                time.sleep(0.02)  # the board has seen the new ticket and polls again
                start = time.perf_counter()
                ticket = counter.call_next(3)
                calls.append(time.perf_counter() - start)
                assert ticket is not None
                shown.append(board.seen(ticket.id, 3) - start)
                counter.start(3)
                counter.finish(3)
            board.stopped = True
            board.thread.join()
        print(f"{args.rounds} rounds, office server on {url}, log in {root}")
        print(f"  bare round trip (GET /snapshot)     {stats(rtt)}")
        print(f"  call_next (one durable append)      {stats(calls)}")
        print(f"  call_next → board's poll returns    {stats(shown)}")
        ratio = statistics.median(shown) / statistics.median(rtt)
        print(f"  board latency / bare round trip: {ratio:.1f}×")
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
