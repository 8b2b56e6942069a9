"""One office server, one kiosk and four counters, each its own process, all at once.

Afterwards the log must be whole, every number unique, every call in policy order or reason-coded,
and every ticket the kiosk saw confirmed must be in the log. ``PRONGSAI_CONCURRENCY_OPS`` sets the
rough number of requests (default 2,500).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from kiosk.office.key import office_key
from surveys.counter.audit import audit_calls, audit_numbers
from surveys.counter.queue import DONE, NO_SHOW, fold
from surveys.counter.settings import default_settings
from surveys.log.chain import verify_log
from surveys.log.device import load_device
from surveys.log.device_log import read_events
from surveys.log.home import log_dir
from sync.terminals import add_terminal
from tests.support.servers import spawn, start, stop

TERMINAL = Path(__file__).with_name("office_terminal.py")
OPS = int(os.environ.get("PRONGSAI_CONCURRENCY_OPS", "2500"))


def terminal(*args: str, key: str = "") -> subprocess.Popen[str]:
    return spawn([sys.executable, str(TERMINAL), *args], PRONGSAI_OFFICE_KEY=key)


def start_server(home: Path) -> tuple[subprocess.Popen[str], str]:
    server, line = start([sys.executable, str(TERMINAL), "server", str(home)], PRONGSAI_OFFICE_KEY="")
    return server, f"http://127.0.0.1:{int(line.split()[1])}"


def stop_server(server: subprocess.Popen[str]) -> str:
    out, err = stop(server, 20)
    assert server.returncode == 0, err
    assert "closed" in out and "Traceback" not in err, err
    return err


def finish(process: subprocess.Popen[str], timeout: float) -> dict[str, object]:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"{process.args}: {err}"
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def test_one_kiosk_and_four_counters_at_once_keep_every_invariant(tmp_path: Path) -> None:
    home = tmp_path / "office"
    office_key(home)  # the server's own (admin) key; the terminals each have their own credential
    keys = {
        role: add_terminal(home, role)[1]
        for role in ("kiosk", "counter:1", "counter:2", "counter:3", "counter:4")
    }
    began = time.monotonic()
    server, url = start_server(home)
    stop = tmp_path / "kiosk-done"
    try:
        tickets = max(OPS // 5, 10)  # a ticket costs ~2 kiosk requests and ~3 counter requests
        backlog = str(tickets // 5)  # counters start once people wait, so that some are called out of order
        counters = [
            terminal("counter", url, str(n), str(stop), str(100 + n), backlog, key=keys[f"counter:{n}"])
            for n in (1, 2, 3, 4)
        ]
        kiosk = terminal("kiosk", url, str(tickets), "2568", key=keys["kiosk"])
        kiosk_counts = finish(kiosk, timeout=90)
        stop.touch()
        counter_counts = [finish(c, timeout=60) for c in counters]
    finally:
        stop.touch()
        err = stop_server(server) if server.poll() is None else ""
    elapsed = time.monotonic() - began

    ops = int(str(kiosk_counts["ops"])) + sum(int(str(c["ops"])) for c in counter_counts)
    errors: Counter[str] = Counter()
    for c in counter_counts:
        errors.update(c["errors"])  # type: ignore[arg-type]
    skipped = sum(int(str(c.get("out_of_order", 0))) for c in counter_counts)
    print(f"\n{ops} requests in {elapsed:.1f} s ({ops / elapsed:.0f}/s), {skipped} calls out of order "
          f"with a reason, refused races: {dict(errors)}")  # fmt: skip
    assert ops >= OPS * 0.8
    assert not err.strip(), err

    device = load_device(home).id
    folder = log_dir(home)
    report = verify_log(folder, device)
    assert report.ok, [p.text("en") for p in report.problems]
    assert (folder / "journal.jsonl").stat().st_size == 0  # the server closed the log on SIGTERM
    events = list(read_events(folder))
    assert audit_numbers(events) == []
    office_settings = default_settings().model_copy(update={"no_show_recalls": 0, "no_show_wait_seconds": 0})
    assert (
        audit_calls(events, office_settings) == []
    )  # the server's settings (office_terminal.quick_no_shows)
    issued = [e for e in events if e.kind == "ticket.issued"]
    assert len(issued) == kiosk_counts["confirmed"] == tickets
    assert sum(1 for e in events if e.kind == "ticket.called" and not e.body["in_order"]) > 0
    state = fold(events)
    statuses = {t.status for t in state.tickets.values()}
    assert statuses == {DONE, NO_SHOW}  # the counters drained it, marking some no-shows
    by_counter = {(e.body["counter"], e.body["by"].split("-")[0]) for e in events if "counter" in e.body}
    assert by_counter == {(n, f"counter{n}") for n in (1, 2, 3, 4)}  # each counter named, its own only
    assert {
        e.body["by"].split("-")[0] for e in events if e.kind.startswith("ticket.") and "counter" not in e.body
    } == {"kiosk"}
