"""Advisory file locks between processes (``flock``): one writer per log, readers beside it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path


class LockHeld(Exception):
    """Another process holds the lock; ``holder`` says who, as that process wrote it."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"{path} is held by {holder or 'another process'}")
        self.path = path
        self.holder = holder


class WriterLock:
    """An exclusive lock held for the life of a writer; it records who holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = ""
            with contextlib.suppress(OSError):
                holder = os.pread(fd, 300, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            raise LockHeld(self.path, holder) from None
        started = datetime.now().astimezone().isoformat(timespec="seconds")
        note = f"process {os.getpid()} on {socket.gethostname()} since {started}\n"
        os.ftruncate(fd, 0)
        os.pwrite(fd, note.encode("utf-8"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock
            self._fd = None


@contextlib.contextmanager
def shared(path: Path) -> Iterator[None]:
    """Hold ``path`` shared (blocking) for the ``with`` block: readers take this.

    A reader needs no write access: on a read-only copy (a backup on a DVD) the lock file is opened
    read-only, and where it is missing and can't be made, no writer can be at work either.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            yield
            return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold ``path`` exclusively (blocking) for the ``with`` block."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def try_exclusive(path: Path) -> Iterator[bool]:
    """Try to hold ``path`` exclusively without waiting; yields whether it was taken."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
