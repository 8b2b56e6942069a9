"""The home folder: all data of one installation lives under it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "PRONGSAI_HOME"


def resolve_home(explicit: Path | str | None) -> Path:
    """``--home DIR``, else ``$PRONGSAI_HOME``, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser().absolute()
    return default_home()


def default_home() -> Path:
    """The platform's user data folder for prongsai (on Linux ``~/.local/share/prongsai``)."""
    return Path(platformdirs.user_data_dir("prongsai", appauthor=False))


def log_dir(home: Path) -> Path:
    """Where this device's event log lives."""
    return home / "log"
