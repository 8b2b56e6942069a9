"""Screens follow the office through an outage: the first answer after it is shown, even when a
restarted office is back at the version the screen last saw (it replays its log to the same seq)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kiosk.office.service import LocalOffice, OfficeError, OfficeView
from kiosk.screens.watch import office_views
from surveys.counter.settings import default_settings
from tests.support.servers import free_port, start, stop


@dataclass
class FakeWorker:
    is_cancelled: bool = False


class RestartingOffice:
    """Answers at version 5, is unreachable twice, then answers at version 5 again (restarted), and
    from then on has nothing new. Stops the watch after ``limit`` calls."""

    def __init__(self, view: OfficeView, worker: FakeWorker, limit: int = 50) -> None:
        self.view, self.worker, self.limit = view, worker, limit
        self.calls = 0
        self.restarted = replace(view, counters=())  # the same version, told afresh

    def _call(self) -> None:
        self.calls += 1
        if self.calls >= self.limit:
            self.worker.is_cancelled = True
        if self.calls in (2, 3):  # the office is down: two tries fail, whatever they ask
            raise OfficeError("offline", "เชื่อมต่อไม่ได้", "cannot reach the office")

    def snapshot(self) -> OfficeView:
        self._call()
        return self.view if self.calls == 1 else self.restarted

    def wait_for_change(self, version: int, timeout: float) -> OfficeView:
        self._call()
        return self.restarted if version == self.view.version else self.view  # nothing new


def test_the_first_answer_after_an_outage_is_shown_even_at_the_same_version(tmp_path: Path) -> None:
    real = LocalOffice(tmp_path, default_settings())
    try:
        real.reserve_ticket("tax")
        view = real.snapshot()
    finally:
        real.close()
    worker = FakeWorker()
    office = RestartingOffice(view, worker)
    errors: list[Exception] = []
    seen = list(office_views(office, worker, errors.append, timeout=0.0, retry=0.0))  # type: ignore[arg-type]
    assert len(errors) == 2
    assert seen[0] is view
    assert len(seen) == 2 and seen[1] is office.restarted  # shown after the outage, not only on a change


def serve(home: Path, port: int) -> subprocess.Popen[str]:
    cli = [sys.executable, "-m", "prongsai.cli", "--home", str(home), "--lang", "en"]
    return start([*cli, "serve", "--port", str(port)], "office ready at ")[0]


def test_a_board_over_the_lan_comes_back_after_the_office_restarts(tmp_path: Path) -> None:
    from kiosk.office.client import RemoteOffice
    from kiosk.office.key import office_key

    home = tmp_path / "office"
    key = office_key(home)
    port = free_port()
    server = serve(home, port)
    events: list[tuple[str, Any]] = []
    worker = FakeWorker()
    board = RemoteOffice(f"http://127.0.0.1:{port}", key)

    def watch() -> None:
        for view in office_views(board, worker, lambda exc: events.append(("down", exc)), retry=0.2):  # type: ignore[arg-type]
            events.append(("view", view))

    def wait_for(check: Any, seconds: float = 60.0) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if check():
                return True
            time.sleep(0.05)
        return False

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: any(kind == "view" for kind, _ in events))
        stop(server, 30)
        assert wait_for(lambda: events[-1][0] == "down")
        server = serve(home, port)  # the same office, back at the same version
        assert wait_for(lambda: events[-1][0] == "view"), "the board still says the office is unreachable"
    finally:
        worker.is_cancelled = True
        thread.join(10)
        board.close()
        stop(server, 30)
