"""Importing one checked bundle into the central store: every line gets a status and a reason.

The statuses
    ``new``        stored in ``events``
    ``duplicate``  the same event (same id, same hash) is stored already: nothing changes
    ``conflict``   another event holds its id or its (device, seq), or it continues such a run of the
                   bundle: two logs claim this device (a fork). Quarantined, never merged.
    ``rejected``   not a well-formed event, its own hash is wrong (edited), another device's event, a seq
                   outside the manifest or out of order, or it does not chain to the stored event before
                   (or after) it. Quarantined.

The store keeps one invariant that makes the checkpoint cheap: two stored events of a device at
consecutive seqs always chain (the later one's ``prev`` is the earlier one's ``hash``). Events after a
missing range are stored; the checkpoint stops before the gap and moves on when the gap is filled.

The caller holds the write transaction; this module only reads and writes rows inside it. Lines are
streamed in batches of 2,000 under a savepoint: one range query finds the stored neighbours and the
collisions by (device, seq), the lines are classified, and ``executemany`` writes. An id stored for some
other event (rare) is not looked up beforehand: the primary key makes the INSERT fail, the batch is
rolled back to its savepoint and classified again with its ids looked up (``id IN (…)``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from surveys.log.event import FIELDS, GENESIS, Event, hash_fields
from sync import central_schema as sql
from sync.bundle import Bundle, line_hash_ok

NEW, DUPLICATE, CONFLICT, REJECTED = "new", "duplicate", "conflict", "rejected"
STATUSES = (NEW, DUPLICATE, CONFLICT, REJECTED)
STATUS_TH = {NEW: "ใหม่", DUPLICATE: "ซ้ำ", CONFLICT: "ขัดแย้ง", REJECTED: "ถูกปฏิเสธ"}
MAX_NOTES = 1000
BATCH = 2000
FIELD_SET = frozenset(FIELDS)

Progress = Callable[[int, int], None]  # (lines done, lines in the bundle)


@dataclass(frozen=True)
class RecordNote:
    """Why one record of a bundle was not stored as new: ``code`` for programs, the reason for people."""

    seq: int | None
    status: str
    code: str
    reason: str
    reason_th: str = ""

    def text(self, lang: str) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "-"
        if lang == "th":
            return f"{where}: {STATUS_TH[self.status]}: {self.reason_th or self.reason}"
        return f"{where}: {self.status}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "status": self.status, "code": self.code, "reason": self.reason}


@dataclass(frozen=True)
class ImportResult:
    """What became of one bundle file. ``refused`` set: nothing of it was stored."""

    file: str
    device: str | None
    first_seq: int | None
    last_seq: int | None
    counts: dict[str, int]  # exactly new, duplicate, conflict, rejected
    reasons: tuple[RecordNote, ...] = ()  # every non-new record, in seq order, up to MAX_NOTES
    more_reasons: int = 0  # non-new records beyond the list
    refused: str | None = None  # "code: why", the whole bundle refused
    refused_code: str | None = None
    gaps: tuple[tuple[int, int], ...] = ()  # missing seq ranges after the checkpoint
    checkpoint: int = 0  # the device's chain is whole and verified up to this seq …
    head: str = GENESIS  # … whose hash is this
    already_imported: bool = False  # the same file was imported before: nothing was re-read
    file_sha256: str | None = None

    @property
    def ok(self) -> bool:
        return self.refused is None

    def gap_texts(self, lang: str = "en") -> list[str]:
        return [describe_gap(first, last, lang) for first, last in self.gaps]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "device": self.device,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "counts": dict(self.counts),
            "reasons": [note.to_dict() for note in self.reasons],
            "more_reasons": self.more_reasons,
            "refused": self.refused,
            "refused_code": self.refused_code,
            "gaps": [{"first": a, "last": b, "text": describe_gap(a, b)} for a, b in self.gaps],
            "checkpoint": {"last_seq": self.checkpoint, "head": self.head},
            "already_imported": self.already_imported,
            "file_sha256": self.file_sha256,
        }


def describe_gap(first: int, last: int, lang: str = "en") -> str:
    span = f"seq {first}" if first == last else f"seq {first}–{last}"
    if lang == "th":
        return f"ยังขาด {span} รอชุดข้อมูล (bundle) ที่มีช่วงนั้น"
    return f"missing {span}, waiting for that bundle"


def zero_counts() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


class _Stored(NamedTuple):
    id: str
    hash: str
    prev: str


@dataclass(slots=True)
class _Line:
    """One payload line, parsed as far as it goes; ``problem`` set means rejected before any lookup."""

    raw: bytes
    seq: int | None = None
    id: str | None = None
    hash: str | None = None
    prev: Any = ""  # a str once the line is known to be well formed
    kind: Any = ""
    at: Any = ""
    text: str = ""
    problem: tuple[str, str, str] | None = None  # (code, reason, reason_th)


class BrokenChain(Exception):
    """A signed bundle whose own lines do not chain: the device's log was edited and re-hashed before
    export. Nothing of such a bundle is trusted; the import is undone and the bundle refused."""

    def __init__(self, seq: int, before: int) -> None:
        super().__init__(
            f"seq {seq} does not follow seq {before} in the bundle itself (its prev is not that event's "
            "hash): an event was rewritten on the device; nothing of this bundle was imported"
        )
        self.seq = seq


@dataclass
class BundleImport:
    """One bundle's lines into the store, inside the caller's transaction; :meth:`run` then the result."""

    conn: sqlite3.Connection
    bundle: Bundle
    now: str
    progress: Progress | None = None
    counts: dict[str, int] = field(default_factory=zero_counts)
    _problems: list[RecordNote] = field(default_factory=list)
    _duplicates: list[RecordNote] = field(default_factory=list)
    _last: tuple[int | None, str, str | None] = (None, NEW, None)  # previous line: seq, status, hash
    _fork_from: int | None = None  # where the run of conflicts the previous line belongs to began
    _tip: tuple[int, str] = (0, GENESIS)  # the checkpoint, moved on as the lines chain to it
    _in_bundle: tuple[int, str] | None = None  # the previous line of this bundle: seq, claimed hash

    def run(self) -> ImportResult:
        manifest = self.bundle.manifest
        device = manifest.device
        row = self.conn.execute(sql.SELECT_CHECKPOINT, (device,)).fetchone()
        self._tip = (int(row[0]), str(row[1])) if row else (0, GENESIS)
        done = 0
        batch: list[bytes] = []
        for raw in self.bundle.lines():
            batch.append(raw)
            if len(batch) == BATCH:
                self._batch(batch, done)
                done += len(batch)
                batch = []
                if self.progress is not None:
                    self.progress(done, manifest.count)
        if batch:
            self._batch(batch, done)
            done += len(batch)
        if self.progress is not None:
            self.progress(done, manifest.count)
        last_seq, head = self._advance_checkpoint(device)
        gaps = find_gaps(self.conn, device, last_seq)
        self.conn.execute(sql.UPSERT_CHECKPOINT, (device, last_seq, head))
        self.conn.execute(
            sql.INSERT_BUNDLE,
            (
                self.bundle.file_sha256,
                device,
                manifest.first_seq,
                manifest.last_seq,
                manifest.count,
                self.now,
                self.bundle.path.name,
                json.dumps(self.counts, sort_keys=True),
            ),
        )
        reasons, more = self._notes()
        return ImportResult(
            file=self.bundle.path.name,
            device=device,
            first_seq=manifest.first_seq,
            last_seq=manifest.last_seq,
            counts=dict(self.counts),
            reasons=reasons,
            more_reasons=more,
            gaps=gaps,
            checkpoint=last_seq,
            head=head,
            file_sha256=self.bundle.file_sha256,
        )

    # -- one batch -------------------------------------------------------------------------------

    def _batch(self, raws: list[bytes], start: int) -> None:
        """Classify and write one batch. Ids are not looked up first: an id stored elsewhere (a rare
        conflict) makes the INSERT fail, and then the batch is undone and classified again with them."""
        first = self.bundle.manifest.first_seq + start
        lines = [self._parse(raw, first + i) for i, raw in enumerate(raws)]
        self._check_links(lines)
        seqs = [line.seq for line in lines if line.problem is None and line.seq is not None]
        stored: dict[int, _Stored] = {}
        if seqs:
            rows = self.conn.execute(
                sql.SELECT_RANGE, (self.bundle.manifest.device, seqs[0] - 1, seqs[-1] + 1)
            )
            stored = {int(seq): _Stored(ident, digest, prev) for seq, ident, digest, prev in rows}
        self.conn.execute(sql.SAVEPOINT)
        state = self._state()
        try:
            self._write(lines, dict(stored), {})
        except sqlite3.IntegrityError:
            self.conn.execute(sql.ROLLBACK_TO_SAVEPOINT)
            self._restore(state)
            self._write(lines, stored, self._stored_ids(lines))
        self.conn.execute(sql.RELEASE_SAVEPOINT)

    def _check_links(self, lines: list[_Line]) -> None:
        """Every line of a signed bundle must name the line before it as its prev."""
        for line in lines:
            if line.problem is not None or line.seq is None or line.hash is None:
                self._in_bundle = None  # a line rejected on its own: the next one is judged by the store
                continue
            before = self._in_bundle
            if before is not None and line.seq == before[0] + 1 and line.prev != before[1]:
                raise BrokenChain(line.seq, before[0])
            self._in_bundle = (line.seq, line.hash)

    def _stored_ids(self, lines: list[_Line]) -> dict[str, tuple[str, str, int]]:
        ids = [line.id for line in lines if line.problem is None and line.id is not None]
        found: dict[str, tuple[str, str, int]] = {}
        for i in range(0, len(ids), sql.ID_BATCH):
            chunk = ids[i : i + sql.ID_BATCH]
            for ident, digest, owner, seq in self.conn.execute(sql.select_ids(len(chunk)), chunk):
                found[ident] = (digest, owner, int(seq))
        return found

    def _write(
        self, lines: list[_Line], stored: dict[int, _Stored], by_id: dict[str, tuple[str, str, int]]
    ) -> None:
        device, sha, now = self.bundle.manifest.device, self.bundle.file_sha256, self.now
        events: list[tuple[Any, ...]] = []
        quarantined: list[tuple[Any, ...]] = []
        counts = self.counts
        for line in lines:
            status, code, reason, reason_th = self._classify(line, stored, by_id)
            if status == NEW:
                seq, ident, digest = line.seq, line.id, line.hash
                assert seq is not None and ident is not None and digest is not None
                stored[seq] = _Stored(ident, digest, line.prev)
                by_id[ident] = (digest, device, seq)
                events.append(
                    (ident, device, seq, line.kind, line.at, digest, line.prev, line.text, sha, now)
                )
            else:
                self._note(RecordNote(line.seq, status, code, reason, reason_th))
                if status != DUPLICATE:
                    text = line.text or line.raw.decode("utf-8", "replace")
                    line_sha = hashlib.sha256(line.raw).hexdigest()
                    why = f"{code}: {reason}"
                    quarantined.append(
                        (device, line_sha, line.seq, line.id, line.hash, text, status, why, sha, now)
                    )
            counts[status] += 1
            self._follow(line, status)
        if events:
            self.conn.executemany(sql.INSERT_EVENT, events)
        if quarantined:
            self.conn.executemany(sql.INSERT_QUARANTINE, quarantined)

    def _state(self) -> tuple[Any, ...]:
        return (
            dict(self.counts),
            len(self._problems),
            len(self._duplicates),
            self._last,
            self._fork_from,
            self._tip,
        )

    def _restore(self, state: tuple[Any, ...]) -> None:
        counts, problems, duplicates, self._last, self._fork_from, self._tip = state
        self.counts.update(counts)
        del self._problems[problems:], self._duplicates[duplicates:]

    def _parse(self, raw: bytes, expected: int) -> _Line:
        try:
            record = orjson.loads(raw)  # strict: valid UTF-8, one value, no NaN, no trailing data
            text = raw.decode("utf-8")
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError included
            return _Line(raw, problem=("malformed", f"not a JSON line ({exc})", f"ไม่ใช่บรรทัด JSON ({exc})"))
        if type(record) is not dict or record.keys() != FIELD_SET:
            return _misshapen(raw, text, record)
        seq, digest, prev, at, owner = (
            record["seq"],
            record["hash"],
            record["prev"],
            record["at"],
            record["device"],
        )
        line = _Line(raw, seq, record["id"], digest, prev, record["kind"], at, text)
        if not (
            type(seq) is int
            and seq >= 1
            and type(line.id) is str
            and type(digest) is str
            and type(prev) is str
            and type(line.kind) is str
            and type(at) is str
            and type(owner) is str
            and type(record["body"]) is dict
            and _aware(at)
        ):
            return _misshapen(raw, text, record)
        manifest = self.bundle.manifest
        if owner != manifest.device:
            line.problem = (
                "foreign",
                f"the event belongs to device {owner}, not {manifest.device}",
                f"เป็นเหตุการณ์ของอุปกรณ์ {owner} ไม่ใช่ {manifest.device}",
            )
        elif not line_hash_ok(raw, digest):
            line.problem = _hash_problem(record, digest)
        elif not manifest.first_seq <= seq <= manifest.last_seq:
            line.problem = (
                "out-of-range",
                f"seq {seq} is outside the signed range seq {manifest.first_seq}–{manifest.last_seq}",
                f"seq {seq} อยู่นอกช่วงที่ลงนามไว้ (seq {manifest.first_seq}–{manifest.last_seq})",
            )
        elif seq != expected:
            line.problem = (
                "out-of-order",
                f"found where seq {expected} belongs: the bundle's events are out of order",
                f"อยู่ในตำแหน่งของ seq {expected}: ลำดับเหตุการณ์ในชุดข้อมูลถูกสลับ",
            )
        return line

    def _classify(
        self, line: _Line, stored: dict[int, _Stored], by_id: dict[str, tuple[str, str, int]]
    ) -> tuple[str, str, str, str]:
        if line.problem is not None:
            return (REJECTED, *line.problem)
        assert line.seq is not None and line.id is not None and line.hash is not None
        seq = line.seq
        here = stored.get(seq)
        if here is not None:
            if here.id == line.id and here.hash == line.hash:
                return DUPLICATE, "stored", "already stored", "บันทึกไว้แล้ว"
            if here.id == line.id:
                return (
                    CONFLICT,
                    "same-id",
                    f"an event with this id is stored with another hash ({here.hash[:12]}…)",
                    f"มีเหตุการณ์ id นี้บันทึกไว้แล้วแต่แฮชต่างกัน ({here.hash[:12]}…)",
                )
            return (
                CONFLICT,
                "fork",
                f"a different event (id {here.id}) is stored at seq {seq}: two logs claim this device",
                f"มีเหตุการณ์อื่น (id {here.id}) บันทึกไว้ที่ seq {seq} แล้ว: มีบันทึกสองชุดอ้างว่าเป็นอุปกรณ์นี้",
            )
        other = by_id.get(line.id)
        if other is not None:
            if other[0] == line.hash:
                return DUPLICATE, "stored", "already stored", "บันทึกไว้แล้ว"
            return (
                CONFLICT,
                "same-id",
                f"its id is stored for device {other[1]} seq {other[2]} with another hash",
                f"id นี้บันทึกไว้แล้วเป็นของอุปกรณ์ {other[1]} seq {other[2]} แต่แฮชต่างกัน",
            )
        last_seq, last_status, last_hash = self._last
        if last_status == CONFLICT and last_seq == seq - 1 and line.prev == last_hash:
            return (
                CONFLICT,
                "fork",
                f"continues the fork that begins at seq {self._fork_from}: it follows an event that "
                "conflicts with the stored chain",
                f"ต่อจากสายที่แยกออกไปตั้งแต่ seq {self._fork_from}: ตามหลังเหตุการณ์ที่ขัดแย้งกับสายโซ่ที่บันทึกไว้",
            )
        manifest = self.bundle.manifest
        before = stored.get(seq - 1)
        expected = GENESIS if seq == 1 else before.hash if before is not None else None
        if seq == manifest.first_seq and line.prev != manifest.prev:
            return (
                REJECTED,
                "unlinked",
                "its prev differs from the prev in the signed manifest",
                "ค่า prev ไม่ตรงกับที่ระบุใน manifest ที่ลงนามไว้",
            )
        if expected is not None and line.prev != expected:
            return (
                REJECTED,
                "unlinked",
                f"its prev does not match the hash of the stored seq {seq - 1}: an event before it "
                "was replaced, rewritten or moved",
                f"ค่า prev ไม่ตรงกับแฮชของ seq {seq - 1} ที่บันทึกไว้: เหตุการณ์ก่อนหน้าถูกแทนที่ แก้ไข หรือย้ายที่",
            )
        after = stored.get(seq + 1)
        if after is not None and after.prev != line.hash:
            return (
                REJECTED,
                "unlinked",
                f"the stored seq {seq + 1} does not chain to it (its prev is {after.prev[:12]}…): "
                "the device's log changed between bundles",
                f"seq {seq + 1} ที่บันทึกไว้ไม่ได้ต่อจากเหตุการณ์นี้ (prev ของมันคือ {after.prev[:12]}…): "
                "บันทึกของอุปกรณ์เปลี่ยนไประหว่างชุดข้อมูล",
            )
        return NEW, "", "", ""

    def _follow(self, line: _Line, status: str) -> None:
        """Remember this line for the next one, and move the in-stream checkpoint on."""
        self._last = (line.seq, status, line.hash)
        if status != CONFLICT:
            self._fork_from = None
        elif self._fork_from is None:
            self._fork_from = line.seq
        if status in (NEW, DUPLICATE) and line.seq == self._tip[0] + 1 and line.prev == self._tip[1]:
            assert line.hash is not None
            self._tip = (line.seq, line.hash)

    def _note(self, note: RecordNote) -> None:
        target = self._duplicates if note.status == DUPLICATE else self._problems
        if len(target) < MAX_NOTES:
            target.append(note)

    def _notes(self) -> tuple[tuple[RecordNote, ...], int]:
        kept = self._problems[:MAX_NOTES]
        kept += self._duplicates[: MAX_NOTES - len(kept)]
        kept.sort(key=lambda n: (n.seq is None, n.seq or 0))
        total = self.counts[DUPLICATE] + self.counts[CONFLICT] + self.counts[REJECTED]
        return tuple(kept), total - len(kept)

    # -- after the lines -------------------------------------------------------------------------

    def _advance_checkpoint(self, device: str) -> tuple[int, str]:
        """Move the checkpoint on over events stored earlier beyond a gap this bundle filled."""
        last_seq, head = self._tip
        cursor = self.conn.execute(sql.SELECT_AFTER, (device, last_seq))
        try:
            for seq, digest, prev in cursor:
                if seq != last_seq + 1 or prev != head:
                    break
                last_seq, head = int(seq), str(digest)
        finally:
            cursor.close()
        return last_seq, head


def find_gaps(conn: sqlite3.Connection, device: str, last_seq: int) -> tuple[tuple[int, int], ...]:
    """The missing seq ranges of ``device`` above its checkpoint ``last_seq``."""
    rows = conn.execute(sql.SELECT_GAPS, (last_seq, device, last_seq)).fetchall()
    return tuple((int(a), int(b)) for a, b in rows)


def _misshapen(raw: bytes, text: str, record: object) -> _Line:
    """A JSON line that is not a well-formed event: keep what can be told of it (seq, id, hash)."""
    line = _Line(raw, text=text, problem=_malformed(record))
    if isinstance(record, dict):
        seq, ident, digest = record.get("seq"), record.get("id"), record.get("hash")
        line.seq = seq if type(seq) is int else None
        if type(ident) is str and type(digest) is str:
            line.id, line.hash = ident, digest
    return line


def _aware(at: str) -> bool:
    try:
        return datetime.fromisoformat(at).tzinfo is not None
    except ValueError:
        return False


def _malformed(record: object) -> tuple[str, str, str]:
    try:
        Event.from_dict(record)  # type: ignore[arg-type]  # for its words: it names what is wrong
    except (ValueError, TypeError) as exc:
        return "malformed", f"not a well-formed event: {exc}", f"ไม่ใช่เหตุการณ์ที่ถูกต้อง: {exc}"
    return "malformed", "not a well-formed event", "ไม่ใช่เหตุการณ์ที่ถูกต้อง"


def _hash_problem(record: dict[str, Any], claimed: str) -> tuple[str, str, str]:
    try:
        content_ok = hash_fields(record) == claimed
    except (TypeError, ValueError):
        content_ok = False
    if content_ok:
        return (
            "not-canonical",
            "the line is not in the canonical encoding its hash was made over",
            "บรรทัดนี้ไม่ได้เข้ารหัสแบบมาตรฐาน (canonical) ที่ใช้คำนวณแฮช",
        )
    return (
        "edited",
        "its content no longer matches its hash: it was changed after it was written",
        "เนื้อหาไม่ตรงกับแฮช: มีการเปลี่ยนแปลงหลังจากบันทึกแล้ว",
    )
