"""The device log: append-only, hash-chained, durable, one writer.

Layout of a log folder::

    writer.lock          held (flock) by the one process that writes this log
    fold.lock            held shared by readers, exclusively while the writer folds
    journal.jsonl        events appended since the last fold, one canonical JSON line each
    days/2025-01-15.json the events of one Bangkok day, a TinyDB file (table "events", doc_id = seq)
    torn/                the bytes of an interrupted append found at start-up, kept for inspection
    fold.failed.json     why the last fold failed (a full disk, say), while the journal holds what it
                         could not fold; removed by the next fold that succeeds

and beside the folder (outside it, so that a log folder restored or swapped whole is still caught)::

    log.mark.json        the high-water mark: the seq and hash of the newest folded event

An append writes one line to the journal and fsyncs it: that is the moment it is durable, and
``append`` returns only after it. Every ``fold_every`` events (and when the day changes, and on
close) the journal is folded into the day files through :class:`AtomicJSONStorage` (temp file,
fsync, rename, fsync the folder) and then emptied. A crash at any point leaves either the journal
or the day file holding each acknowledged event; start-up folds what the journal still holds
and drops only a torn last line, which no append had acknowledged.

The high-water mark is written (atomically) after each fold, once the day files hold what it names,
and when the writer opens a log that has none; never by an append, so it costs nothing on that path.
It lets verification see a cut tail: a log whose newest event is below the mark lost its newest
events (a deleted or older day file), and one whose event at the mark's seq has another hash was
rewritten. The writer refuses such a log rather than write over the evidence. What it cannot see:
events appended since the last fold (they are only in the journal, fewer than ``fold_every`` and of one
day) removed with the journal's tail, or any tail removed together with the mark. The central store's
acknowledgement covers what was synced; the store itself (``prongsai verify --central``) sees the rest
of what it received.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Annotated, Any, Literal

from pydantic import Field

from surveys.log.atomic import fsync_dir, write_atomic
from surveys.log.event import BANGKOK, GENESIS, Event, EventError, JsonValue, make_event, now_iso
from surveys.log.lockfile import LockHeld, WriterLock, exclusive, shared, try_exclusive
from surveys.log.storage import AtomicJSONStorage
from surveys.log.typed import FileFormatError, JsonFile, read_json_file

JOURNAL = "journal.jsonl"
DAYS = "days"
TORN = "torn"
WRITER_LOCK = "writer.lock"
FOLD_LOCK = "fold.lock"
TABLE = "events"
MARK_SUFFIX = ".mark.json"
MARK_FORMAT = "prongsai-mark/1"
FOLD_FAILED = "fold.failed.json"

logger = logging.getLogger(__name__)


class LogError(Exception):
    """The log can't do what was asked; the message says why and what to do."""


class LogLocked(LogError):
    """Another process is the writer of this log."""


class LogDamaged(LogError):
    """The stored log is not whole; run ``prongsai verify`` for the details."""


class LogWriteError(LogError):
    """An append could not be made durable (a full disk, say); nothing of it was kept."""


@dataclass(frozen=True)
class Draft:
    """An event not yet appended: what happened, and optionally when."""

    kind: str
    body: Mapping[str, JsonValue] = field(default_factory=dict)
    at: datetime | None = None


@dataclass(frozen=True)
class StoredRecord:
    """One record as found on disk, in storage order, for verification."""

    where: str  # "days/2025-01-15.json #17" or "journal.jsonl line 3"
    record: Mapping[str, Any] | None
    error: str | None = None
    doc_id: int | None = None


@dataclass(frozen=True)
class Mark:
    """The high-water mark of a log: its newest folded event, ``seq`` and ``hash``, as of ``at``."""

    device: str
    seq: int
    hash: str
    at: str

    def to_dict(self) -> dict[str, object]:
        return {
            "format": MARK_FORMAT,
            "device": self.device,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
        }


class MarkError(LogError):
    """The high-water mark file can't be read; the message names it."""


def mark_path(folder: Path) -> Path:
    """Where the high-water mark of the log in ``folder`` lives: beside it (``HOME/log.mark.json``)."""
    folder = Path(folder)
    return folder.parent / f"{folder.name}{MARK_SUFFIX}"


class _MarkFile(JsonFile):
    format: Literal["prongsai-mark/1"]
    device: str
    seq: Annotated[int, Field(ge=1)]
    hash: str
    at: str


def read_mark(folder: Path) -> Mark | None:
    """The high-water mark of the log in ``folder``; None if there is none, :class:`MarkError` (naming
    the file, the field and the reason) if it is damaged."""
    try:
        found = read_json_file(
            mark_path(folder), _MarkFile, "จุดสูงสุดของบันทึก (high-water mark)", "a high-water mark"
        )
    except FileFormatError as exc:
        raise MarkError(str(exc)) from None
    return None if found is None else Mark(found.device, found.seq, found.hash, found.at)


@dataclass(frozen=True)
class FoldFailure:
    """Why the writer's last fold failed, and when (it tries again at every append meanwhile)."""

    at: str
    reason: str


@dataclass(frozen=True)
class JournalState:
    """The journal of a log as another process sees it: the events it holds, not yet folded into the day
    files (a few is normal), and the last fold's failure, if the writer recorded one."""

    pending: int
    failure: FoldFailure | None


def journal_state(folder: Path) -> JournalState:
    """How many events the journal of the log in ``folder`` holds, and why the last fold failed (if so)."""
    folder = Path(folder)
    try:
        pending = (folder / JOURNAL).read_bytes().count(b"\n")
    except FileNotFoundError:
        pending = 0
    failure = None
    try:
        data = json.loads((folder / FOLD_FAILED).read_bytes())
        failure = FoldFailure(str(data["at"]), str(data["reason"]))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, TypeError, KeyError) as exc:
        failure = FoldFailure("", f"{folder / FOLD_FAILED} can't be read ({exc})")
    return JournalState(pending, failure if pending else None)


def day_key(at: str) -> str:
    """The Bangkok date of an event time, ``YYYY-MM-DD``."""
    if len(at) > 10 and at.endswith("+07:00") and at[10] == "T":  # already Bangkok time (no DST there)
        return at[:10]
    return datetime.fromisoformat(at).astimezone(BANGKOK).date().isoformat()


class DeviceLog:
    """The writer of one device's log. Use as a context manager, or call :meth:`close`."""

    def __init__(self, folder: Path, device: str, *, fold_every: int = 64) -> None:
        self.folder = Path(folder)
        self.device = device
        self.fold_every = fold_every
        self._mutex = threading.Lock()
        self._deferred = 0
        self._days = self.folder / DAYS
        self._days.mkdir(parents=True, exist_ok=True)
        fsync_dir(self.folder)
        self._lock = WriterLock(self.folder / WRITER_LOCK)
        try:
            self._lock.acquire()
        except LockHeld as exc:
            raise LogLocked(
                f"The log in {self.folder} is already open for writing by {exc.holder or 'another process'}. "
                "Only one prongsai process may write a device's log: use that one (counters and "
                "boards connect to it), or stop it first."
            ) from None
        self._journal_path = self.folder / JOURNAL
        self._fd = -1
        self._fold_failure: str | None = None
        try:
            self._fd = os.open(self._journal_path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            fsync_dir(self.folder)
            self._pending: list[Event] = []
            self._seq, self._head, self._last_day = self._load_head()
            self._folded = self._seq, self._head  # the newest event in the day files
            self._recover_journal()
            self._marked = self._check_mark()
            self._try_fold()
            self._write_mark()  # a log from before the mark, or a fold skipped for a reader
        except BaseException:
            self._close_files()
            raise

    # -- public API ---------------------------------------------------------------------------

    @property
    def fold_failure(self) -> str | None:
        """Why the last fold failed (the journal keeps the events meanwhile); None once one succeeds."""
        return self._fold_failure

    @property
    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the last event; ``(0, GENESIS)`` for an empty log."""
        return self._seq, self._head

    def append(
        self, kind: str, body: Mapping[str, JsonValue] | None = None, at: datetime | None = None
    ) -> Event:
        """Append one event; returns once it is durable on disk."""
        return self.append_many([Draft(kind, body or {}, at)])[0]

    def append_many(self, drafts: Iterable[Draft]) -> list[Event]:
        """Append events as one batch made durable by one fsync; returns once all are durable.

        A crash before it returns may leave a whole, chained prefix of the batch in the log (none of
        it had been acknowledged); a batch is not a transaction.
        """
        with self._mutex:
            self._check_open()
            seq, prev = self._seq, self._head
            events: list[Event] = []
            for draft in drafts:
                seq += 1
                event = make_event(self.device, seq, draft.kind, draft.body, prev, draft.at)
                events.append(event)
                prev = event.hash
            if not events:
                return []
            self._write_journal(b"".join(e.encode() + b"\n" for e in events))
            self._seq, self._head = seq, prev
            self._pending.extend(events)
            if len(self._pending) >= self.fold_every or self._crosses_day():
                self._try_fold()
            return events

    def read(self, from_seq: int = 1) -> Iterator[Event]:
        """The events from ``from_seq`` on, in order (those appended while reading may be left out)."""
        with self._mutex:
            pending = list(self._pending)
            files = _day_files(self._days)
        last = from_seq - 1
        for event in _events_in_days(files, from_seq):
            if event.seq > last:
                last = event.seq
                yield event
        for event in pending:
            if event.seq > last:
                last = event.seq
                yield event

    def read_days(self, since_day: str) -> Iterator[Event]:
        """The events stored under Bangkok days from ``since_day`` (YYYY-MM-DD) on, in order."""
        with self._mutex:
            pending = list(self._pending)
            files = [p for p in _day_files(self._days) if p.stem >= since_day]
        last = 0
        for path in files:
            for doc_id, record in sorted(_read_day(path), key=_by_id):
                last = doc_id
                yield Event.from_dict(record)
        for event in pending:
            if event.seq > last and day_key(event.at) >= since_day:
                last = event.seq
                yield event

    @contextlib.contextmanager
    def deferred_sync(self) -> Iterator[None]:
        """Appends inside the block are written but made durable together, by one sync at its end.

        For bulk work that can be redone (a simulation, a replay): an append inside the block has
        NOT been made durable when it returns. Nested blocks sync at the outermost end.
        """
        with self._mutex:
            self._deferred += 1
        try:
            yield
        finally:
            with self._mutex:
                self._deferred -= 1
                if self._deferred == 0 and self._fd >= 0:
                    _datasync(self._fd)
                    self._try_fold()

    def fold(self) -> None:
        """Move the journal into the day files now (waits for readers)."""
        with self._mutex:
            self._check_open()
            self._fold_pending()

    def close(self) -> None:
        with self._mutex:
            if self._fd < 0:
                return
            with contextlib.suppress(OSError, LogError):
                self._try_fold()
            self._close_files()

    def __enter__(self) -> DeviceLog:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._fd < 0:
            raise LogError("the log is closed")

    def _close_files(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._lock.release()

    def _write_journal(self, data: bytes) -> None:
        size = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            if self._deferred == 0:
                _datasync(self._fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, size)
                os.fsync(self._fd)
            raise LogWriteError(
                f"Could not save to {self._journal_path}: {exc.strerror or exc}. Nothing of this "
                "action was recorded. Free disk space (or replace the disk), then try again."
            ) from exc

    def _load_head(self) -> tuple[int, str, str]:
        files = _day_files(self._days)
        if not files:
            return 0, GENESIS, ""
        last_file = files[-1]
        try:
            docs = _read_day(last_file)
        except (OSError, ValueError) as exc:
            raise LogDamaged(
                f"{last_file} can't be read ({exc}). The log can't be extended until it is "
                "restored from a backup; run `prongsai verify` for details."
            ) from None
        if not docs:
            return 0, GENESIS, ""
        top = max((record for _, record in docs), key=lambda d: int(d["seq"]))
        return int(top["seq"]), str(top["hash"]), last_file.stem

    def _check_mark(self) -> int:
        """The seq of the high-water mark, once the log is known to reach it with the same event.

        Refuses (:class:`LogDamaged`) a log cut below its mark or rewritten under it: folding now would
        write a new mark over the evidence."""
        path = mark_path(self.folder)
        try:
            mark = read_mark(self.folder)
        except MarkError as exc:
            raise LogDamaged(
                f"{exc}. It records how far this log had reached. Restore it from a backup of this "
                "home; run `prongsai verify` for details."
            ) from None
        if mark is None:
            return 0
        if mark.device != self.device:
            raise LogDamaged(
                f"{path} is the high-water mark of device {mark.device}, not of {self.device}: the log "
                "folder and the mark come from different homes. Restore this home whole from a backup."
            )
        if mark.seq > self._seq:
            raise LogDamaged(
                f"The log in {self.folder} ends at seq {self._seq} but had reached seq {mark.seq} on "
                f"{mark.at} (its high-water mark {path}): its newest events were removed, or an older copy "
                "of the log folder was put back. Restore the log folder from the newest backup of this "
                "home; `prongsai verify` names what is missing. Nothing was written."
            )
        if self._hash_at(mark.seq) != mark.hash:
            raise LogDamaged(
                f"The log in {self.folder} has another event at seq {mark.seq} than the one its high-water "
                f"mark {path} recorded on {mark.at}: its events up to there were replaced. Restore the log "
                "folder from a backup; run `prongsai verify`. Nothing was written."
            )
        return mark.seq

    def _hash_at(self, seq: int) -> str | None:
        if seq == self._folded[0]:
            return self._folded[1]
        for event in self._pending:
            if event.seq == seq:
                return event.hash
        found = next(_events_in_days(_day_files(self._days), seq), None)
        return found.hash if found is not None and found.seq == seq else None

    def _write_mark(self) -> None:
        """Record the newest folded event as the high-water mark (best effort: a mark left lower only
        narrows what verification can see, and the next fold writes it again)."""
        seq, head = self._folded
        if seq <= self._marked:
            return
        mark = Mark(self.device, seq, head, now_iso("seconds"))
        data = (json.dumps(mark.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
        try:
            write_atomic(mark_path(self.folder), data)
        except OSError:
            return
        self._marked = seq

    def _recover_journal(self) -> None:
        raw = os.pread(self._fd, os.fstat(self._fd).st_size, 0)
        whole_end = raw.rfind(b"\n") + 1  # after the last newline: an append that never returned
        for number, line in enumerate(raw[:whole_end].split(b"\n")[:-1], start=1):
            try:
                event = Event.from_dict(json.loads(line))
                if not event.hash_ok:
                    raise EventError("its hash does not match its content")
            except (ValueError, EventError) as exc:
                raise LogDamaged(
                    f"{self._journal_path} line {number} is damaged ({exc}); run `prongsai verify`."
                ) from None
            if event.seq <= self._seq:
                continue  # folded already: a crash came between the fold and emptying the journal
            if event.seq != self._seq + 1 or event.prev != self._head:
                raise LogDamaged(
                    f"{self._journal_path} line {number} (seq {event.seq}) does not follow seq "
                    f"{self._seq}; run `prongsai verify`."
                )
            self._pending.append(event)
            self._seq, self._head = event.seq, event.hash
        if whole_end < len(raw):
            self._keep_torn(raw[whole_end:])
            os.ftruncate(self._fd, whole_end)
            os.fsync(self._fd)

    def _keep_torn(self, data: bytes) -> None:
        torn = self.folder / TORN
        torn.mkdir(exist_ok=True)
        stamp = datetime.now(BANGKOK).strftime("%Y%m%dT%H%M%S%f")
        (torn / f"journal-tail-{stamp}.bin").write_bytes(data)

    def _crosses_day(self) -> bool:
        return day_key(self._pending[-1].at) > day_key(self._pending[0].at)

    def _try_fold(self) -> None:
        """Fold unless a reader holds the fold lock; the journal keeps the events meanwhile."""
        if not self._pending:
            return
        with try_exclusive(self.folder / FOLD_LOCK) as taken:
            if taken:
                self._fold_locked()

    def _fold_pending(self) -> None:
        if not self._pending:
            return
        with exclusive(self.folder / FOLD_LOCK):
            self._fold_locked()

    def _fold_locked(self) -> None:
        groups: dict[str, list[Event]] = {}
        day = self._last_day
        for event in self._pending:
            day = max(day, day_key(event.at))
            groups.setdefault(day, []).append(event)
        try:
            for key, events in groups.items():
                _write_day(self._days / f"{key}.json", events)
        except (OSError, ValueError) as exc:
            self._fold_failed(exc)  # the journal still holds every event; the next fold tries again
            return
        if self._fold_failure is not None:
            logger.warning("the log in %s: the journal was folded again", self.folder)
            self._fold_failure = None
        with contextlib.suppress(OSError):
            (self.folder / FOLD_FAILED).unlink(missing_ok=True)
        self._last_day = day
        self._folded = self._seq, self._head
        self._write_mark()
        self._pending.clear()
        os.ftruncate(self._fd, 0)
        os.fsync(self._fd)

    def _fold_failed(self, exc: Exception) -> None:
        """Say (once per reason) that a fold failed, and record it for ``prongsai verify``."""
        reason = f"{type(exc).__name__}: {exc}"
        if reason == self._fold_failure:
            return
        self._fold_failure = reason
        logger.warning(
            "the log in %s: could not fold the journal into the day files (%s); the journal keeps the "
            "events and grows until a fold succeeds: free disk space, or run `prongsai verify`",
            self.folder,
            reason,
        )
        data = {"at": now_iso("seconds"), "reason": reason}
        with contextlib.suppress(OSError):  # best effort: the disk may be what failed
            write_atomic(self.folder / FOLD_FAILED, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _datasync(fd: int) -> None:
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # pragma: no cover - Windows, macOS
        os.fsync(fd)


def _day_files(days: Path) -> list[Path]:
    return sorted(p for p in days.glob("*.json") if not p.name.startswith("."))


def _read_day(path: Path) -> list[tuple[int, Any]]:
    """``(doc_id, record)`` of a day file in file order — what TinyDB's ``table.all()`` gives, without
    copying each record into a ``Document`` (a year of events is read this way on every export)."""
    data = AtomicJSONStorage(path, create_dirs=False).read()
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get(TABLE, {}), dict):
        raise ValueError(f"not a day file: its {TABLE!r} table is not a JSON object")
    return [(int(key), record) for key, record in data.get(TABLE, {}).items()]


def _by_id(doc: tuple[int, Any]) -> int:
    return doc[0]


def _write_day(path: Path, events: Sequence[Event]) -> None:
    """Add ``events`` to a day file: what TinyDB's ``insert_multiple`` does (same file, same layout),
    in one pass over plain dicts. Events already there (folded before a crash emptied the journal)
    are kept as they are."""
    storage = AtomicJSONStorage(path)
    data = storage.read() or {}
    table = data.setdefault(TABLE, {})
    if not isinstance(table, dict):
        raise ValueError(f"{path} is not a day file: its {TABLE!r} table is not a JSON object")
    for event in events:
        table.setdefault(str(event.seq), event.to_dict())
    storage.write(data)


def _first_seq(path: Path) -> int:
    docs = _read_day(path)
    return min((doc_id for doc_id, _ in docs), default=0)


def _events_in_days(files: Sequence[Path], from_seq: int) -> Iterator[Event]:
    # Day files hold consecutive seq ranges in name order: find the first file to read by bisection.
    lo, hi = 0, len(files)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _first_seq(files[mid]) <= from_seq:
            lo = mid
        else:
            hi = mid
    for path in files[lo:]:
        for doc_id, record in sorted(_read_day(path), key=_by_id):
            if doc_id >= from_seq:
                yield Event.from_dict(record)


def read_events(folder: Path, from_seq: int = 1) -> Iterator[Event]:
    """Read a log that another process may be writing (holds the fold lock shared while reading)."""
    folder = Path(folder)
    if not (folder / DAYS).is_dir():
        return
    with shared(folder / FOLD_LOCK):
        last = from_seq - 1
        for event in _events_in_days(_day_files(folder / DAYS), from_seq):
            if event.seq > last:
                last = event.seq
                yield event
        for stored in _journal_records(folder / JOURNAL):
            if stored.record is None:
                raise LogDamaged(f"{folder / JOURNAL}: {stored.where}: {stored.error}")
            event = Event.from_dict(stored.record)
            if event.seq > last:
                last = event.seq
                yield event


def stored_records(folder: Path) -> Iterator[StoredRecord]:
    """Every record of a log as stored, in storage order (day files by name, then the journal).

    Journal lines that repeat a folded event exactly (a crash between fold and emptying) are
    skipped; an unterminated last journal line (an append in progress) is not a record.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return
    with shared(folder / FOLD_LOCK):
        seen: dict[int, str] = {}
        for path in _day_files(folder / DAYS):
            name = f"{DAYS}/{path.name}"
            try:
                docs = _read_day(path)
            except (OSError, ValueError) as exc:
                yield StoredRecord(name, None, f"the file can't be read: {exc}")
                continue
            for position, (doc_id, record) in enumerate(docs, start=1):
                if not isinstance(record, dict):
                    yield StoredRecord(f"{name} #{position}", None, "not a JSON object", doc_id)
                    continue
                if isinstance(record.get("seq"), int):
                    seen[record["seq"]] = str(record.get("hash"))
                yield StoredRecord(f"{name} #{position}", record, None, doc_id)
        for stored in _journal_records(folder / JOURNAL):
            rec = stored.record
            if rec is not None and seen.get(rec.get("seq", -1)) == rec.get("hash"):
                continue
            yield stored


def _journal_records(path: Path) -> Iterator[StoredRecord]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return
    lines = raw.split(b"\n")
    for number, line in enumerate(lines[:-1], start=1):  # the part after the last newline is torn
        where = f"{JOURNAL} line {number}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield StoredRecord(where, None, f"unreadable line: {exc}")
            continue
        if not isinstance(record, dict):
            yield StoredRecord(where, None, "not a JSON object")
            continue
        yield StoredRecord(where, record)
