"""Fixtures and settings every test package shares.

Hypothesis: no check may depend on how fast the machine is. A fresh clone has no ``.hypothesis``
folder and builds its caches on the first run, and CI runs on a shared, busy machine, so the
speed-based health check (``too_slow``) and the per-example deadline are off for every test. What a
test can find does not change; only how long it may take.

Fixtures: ``clock`` (a clock moved by hand), ``make_office`` (a LocalOffice with some settings changed,
closed after the test) and ``portal`` (an event loop in a thread, for the office's app in-process).
Plain helpers live in ``tests/support/`` (``from tests.support.office import issue``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, settings

from kiosk.office.service import LocalOffice
from surveys.counter.settings import default_settings
from tests.support.office import Clock

settings.register_profile(
    "prongsai",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("prongsai")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_office(tmp_path: Path) -> Iterator[Callable[..., LocalOffice]]:
    """``make_office(home=tmp_path, clock=None, **settings)``: an office with the default settings but
    ``settings``, on ``home``; every office made is closed after the test."""
    offices: list[LocalOffice] = []

    def make(
        home: Path | None = None, *, clock: Callable[[], Any] | None = None, **changes: Any
    ) -> LocalOffice:
        office = LocalOffice(
            tmp_path if home is None else home, default_settings().model_copy(update=changes), clock=clock
        )
        offices.append(office)
        return office

    yield make
    for office in offices:
        office.close()


@pytest.fixture
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal() as portal:
        yield portal
