"""Fixtures two or more sync tests share."""

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


@pytest.fixture
def office_home(tmp_path: Path) -> Path:
    """Where the office of a test keeps its data: ``tmp_path/office``."""
    return tmp_path / "office"
