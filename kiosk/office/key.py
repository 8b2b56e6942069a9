"""The office key: the admin credential of one office, made on first use in its home (mode 0600).

Read by the office server and by a terminal running on the office's own PC; importing it loads no server."""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from surveys.log.atomic import fsync_dir

KEY_FILE = "office.key"


def office_key(home: Path) -> str:
    """The office key of ``home``: made on first use (``office.key``, mode 0600), then read back."""
    path = home / KEY_FILE
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        tmp = home / f".{KEY_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, (secrets.token_urlsafe(32) + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # fails if another process made the key first: then theirs is used
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
        fsync_dir(home)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 16:
        raise OSError(f"{path} holds no usable office key; delete it and start the office server again")
    return key
