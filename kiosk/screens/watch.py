"""Following the office from a screen: a thread worker's loop over ``wait_for_change``.

The counter console and the board both show what the office says and must refresh by themselves
within a second of a change, on this PC or over the LAN, and say so when the office can't be reached.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from textual.worker import Worker

from kiosk.office.service import Office, OfficeError, OfficeView
from surveys.log.device_log import LogError

WATCH_TIMEOUT = 1.0  # seconds one wait_for_change may block (how soon the worker notices it must stop)
RETRY_SECONDS = 2.0  # pause before asking an unreachable office again


def office_views(
    office: Office,
    worker: Worker[None],
    unreachable: Callable[[Exception], None],
    *,
    timeout: float = WATCH_TIMEOUT,
    retry: float = RETRY_SECONDS,
) -> Iterator[OfficeView]:
    """Yield the office's view now and after every change, until ``worker`` is cancelled.

    When the office can't be asked (a LAN office down, a full disk), ``unreachable(error)`` is called
    and the loop tries again after ``retry`` seconds, with a fresh snapshot: the first answer after an
    outage is yielded even if the office's version did not move (a restarted office replays its log to
    the same version), so a screen stops saying "unreachable" as soon as the office answers.
    """
    version: int | None = None
    while not worker.is_cancelled:
        try:
            view = office.snapshot() if version is None else office.wait_for_change(version, timeout=timeout)
        except (OfficeError, LogError, OSError) as exc:
            unreachable(exc)
            pause(worker, retry)
            version = None  # a restarted office may be back at the same version: show it at once
            continue
        if version is not None and view.version == version:
            continue
        version = view.version
        if not worker.is_cancelled:
            yield view


def pause(worker: Worker[None], seconds: float) -> None:
    """Sleep ``seconds`` in short steps, returning early once ``worker`` is cancelled."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not worker.is_cancelled:
        time.sleep(0.1)
