"""The office's terminals: one credential each, with its role (``prongsai terminals add/list/revoke``).

A credential is ``<terminal id>.<secret>``, sent as ``Authorization: Bearer <credential>``. The
office keeps only the SHA-256 of the secret (a random 256-bit value: a fast hash is enough) in
``terminals.json`` in its home, mode 0600, so a copy of the file lets nobody in. A revoked terminal
stays listed (its id is named by the events it caused) but is refused at once: the server reads the
file again whenever it changes.

Roles: ``kiosk`` issues tickets, reprints them and takes ratings; ``counter:N`` acts for counter N
only; ``board`` only reads; ``complaints`` (the complaint desk) takes complaints and records their
steps. ``admin`` is not a terminal's role: it is the office key of a same-PC
``prongsai serve`` (see ``kiosk.office.server``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from surveys.log.atomic import write_atomic
from surveys.log.event import BANGKOK

FILE = "terminals.json"
ROLE_PATTERN = re.compile(r"^(kiosk|board|complaints|counter:([1-9][0-9]{0,2}))$")
ADMIN = "admin"


class TerminalError(Exception):
    def __init__(self, th: str, en: str) -> None:
        super().__init__(en)
        self.th = th
        self.en = en


@dataclass(frozen=True)
class Terminal:
    id: str
    role: str  # kiosk, board, complaints, counter:N (or admin: the office key, never stored)
    name: str
    added: str
    secret_sha256: str
    revoked: str | None = None

    @property
    def counter(self) -> int | None:
        """The counter a ``counter:N`` terminal acts for."""
        return int(self.role.split(":", 1)[1]) if self.role.startswith("counter:") else None


def check_role(role: str) -> str:
    """``role`` if it is one a terminal may have, else :class:`TerminalError`."""
    if not ROLE_PATTERN.match(role):
        raise TerminalError(
            f"บทบาท {role!r} ไม่ถูกต้อง: ใช้ kiosk, board, complaints (โต๊ะรับเรื่องร้องเรียน) หรือ counter:N "
            "(N คือเลขช่องบริการ)",
            f"unknown role {role!r}: use kiosk, board, complaints (the complaint desk) or counter:N (N the "
            "counter's number)",
        )
    return role


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def load_terminals(home: Path) -> list[Terminal]:
    path = home / FILE
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Terminal(**record) for record in data["terminals"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise TerminalError(
            f"อ่านไฟล์ {path} ไม่ได้ ({exc}) — ไฟล์อาจเสียหาย", f"cannot read {path} ({exc}): is it damaged?"
        ) from None


def _save(home: Path, terminals: list[Terminal]) -> None:
    home.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"terminals": [asdict(t) for t in terminals]}, ensure_ascii=False, indent=1) + "\n"
    write_atomic(home / FILE, text.encode("utf-8"), mode=0o600)


_file_lock = threading.Lock()


def add_terminal(home: Path, role: str, name: str | None = None) -> tuple[Terminal, str]:
    """Add a terminal with ``role``; returns it and its credential (shown once, never stored)."""
    check_role(role)
    with _file_lock:
        terminals = load_terminals(home)
        taken = {t.id for t in terminals}
        stem = role.replace(":", "")
        while (terminal_id := f"{stem}-{secrets.token_hex(2)}") in taken:
            pass
        secret = secrets.token_urlsafe(32)
        added = datetime.now(BANGKOK).isoformat(timespec="seconds")
        terminal = Terminal(terminal_id, role, name or terminal_id, added, _hash(secret))
        _save(home, [*terminals, terminal])
    return terminal, f"{terminal_id}.{secret}"


def revoke_terminal(home: Path, terminal_id: str) -> Terminal:
    """Refuse ``terminal_id``'s credential from now on (it stays listed)."""
    with _file_lock:
        terminals = load_terminals(home)
        found = next((t for t in terminals if t.id == terminal_id), None)
        if found is None:
            raise TerminalError(f"ไม่มีเครื่องปลายทาง {terminal_id}", f"there is no terminal {terminal_id!r}")
        if found.revoked is not None:
            return found
        revoked = replace(found, revoked=datetime.now(BANGKOK).isoformat(timespec="seconds"))
        _save(home, [revoked if t.id == terminal_id else t for t in terminals])
    return revoked


class TerminalBook:
    """The terminals of ``home`` as the office server sees them, read again when the file changes."""

    def __init__(self, home: Path) -> None:
        self._path = home / FILE
        self._home = home
        self._stamp: tuple[int, int] | None = None
        self._by_id: dict[str, Terminal] = {}
        self._lock = threading.Lock()

    def _current(self) -> dict[str, Terminal]:
        try:
            info = self._path.stat()
            stamp: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                try:
                    self._by_id = {t.id: t for t in load_terminals(self._home)}
                except (TerminalError, OSError):
                    self._by_id = {}  # a damaged file lets no terminal in (the server says why in its log)
                self._stamp = stamp
            return self._by_id

    def authenticate(self, credential: str) -> Terminal | None:
        """The live terminal whose credential this is, else None."""
        terminal_id, dot, secret = credential.partition(".")
        if not dot:
            return None
        terminal = self._current().get(terminal_id)
        if terminal is None or terminal.revoked is not None:
            return None
        if not hmac.compare_digest(_hash(secret), terminal.secret_sha256):
            return None
        return terminal
