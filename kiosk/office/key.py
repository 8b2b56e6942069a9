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


URL_FILE = "office.url"


def write_office_url(home: Path, url: str) -> None:
    """Note where this home's running office (``prongsai serve``) listens, for the commands run on this
    PC while it owns the log (``prongsai complaints add`` …). A wildcard address is noted as 127.0.0.1."""
    for wildcard in ("://0.0.0.0:", "://[::]:", "://:::"):
        url = url.replace(wildcard, "://127.0.0.1:")
    tmp = home / f".{URL_FILE}.{os.getpid()}.tmp"
    tmp.write_text(url + "\n", encoding="utf-8")
    os.replace(tmp, home / URL_FILE)


def forget_office_url(home: Path) -> None:
    """The office stopped: remove its note (only if it is still there)."""
    (home / URL_FILE).unlink(missing_ok=True)


def running_office_url(home: Path) -> str | None:
    """The URL the running office of ``home`` noted, if any (only meaningful while it holds the log)."""
    try:
        url = (home / URL_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return url if url.startswith(("http://", "https://")) else None
