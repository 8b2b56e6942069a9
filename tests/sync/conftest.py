"""Fixtures the central store's tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys.log.device import Device
from tests.support.devices import append


@pytest.fixture
def kiosk(tmp_path: Path) -> tuple[Path, Device]:
    """A kiosk's home (``tmp_path/kiosk``) and device, its log holding 30 events."""
    home = tmp_path / "kiosk"
    return home, append(home, 30)
