"""The central store: every enrolled device's events, imported from signed bundles, in one SQLite file.

``CentralStore.open(home)`` is ``home/central.sqlite`` (WAL, ``synchronous=FULL``). The tables and the
SQL are in :mod:`sync.central_schema`, portable to PostgreSQL; the per-line rules of an import are in
:mod:`sync.importer`. This module holds the store: enrolment, revocation, the whole-bundle checks, the
transaction around an import, checkpoints and re-verification.

A bundle is imported whole or not at all: one ``BEGIN IMMEDIATE … COMMIT``, rolled back on any error
(a crash leaves the store as it was before the bundle). Importing the same file again changes nothing
and reads none of its events again.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from surveys.log.chain import ChainProblem, ChainReport, check_chain
from surveys.log.device import DEMO_EVENT_KIND, SIMULATED_PRINTER, device_id_for
from surveys.log.device_log import StoredRecord
from surveys.log.event import GENESIS, now_iso
from sync import central_schema as sql
from sync.bundle import Bundle, BundleError, line_hash_ok, read_bundle
from sync.enrolment import Enrolment
from sync.importer import (
    CONFLICT,
    DUPLICATE,
    FIELD_SET,
    MAX_NOTES,
    REJECTED,
    STATUS_TH,
    BrokenChain,
    BundleImport,
    ImportResult,
    Progress,
    RecordNote,
    describe_gap,
    find_gaps,
    zero_counts,
)

__all__ = [
    "CentralError",
    "CentralStore",
    "DeviceCheck",
    "EnrolledDevice",
    "ImportResult",
    "QuarantinedRecord",
    "RecordNote",
    "ReportEvent",
]

CANNOT_SEE = (
    "คลังข้อมูลกลางมองไม่เห็นเหตุการณ์ที่อุปกรณ์ยังไม่ได้ส่งมา (หลังจุดตรวจสอบของแต่ละอุปกรณ์) "
    "และมองไม่เห็นบันทึกที่ถูกตัดก่อนส่งออก; บันทึกที่ถูกตัดหลังส่งออกแล้วจะปรากฏเป็นชุดข้อมูลถัดไปที่ต่อสายโซ่ไม่ได้ (ถูกกักไว้)",
    "the central store cannot see events a device has not sent it yet (after each device's checkpoint), "
    "nor a log cut before it was exported; a log cut after an export shows up as a later bundle that does "
    "not chain (quarantined)",
)
"""What the central store's verification cannot see, in Thai and English: say it with every report."""

FILE_NAME = "central.sqlite"

REFUSAL_TH = {
    "missing": "ไม่พบไฟล์",
    "unreadable": "อ่านไฟล์ไม่ได้",
    "format": "ไม่ใช่ไฟล์ชุดข้อมูลของ prongsai",
    "manifest": "manifest ไม่ถูกต้อง",
    "signature": "ลายเซ็นไม่ถูกต้อง",
    "payload": "เนื้อหาไม่ตรงกับ manifest ที่ลงนามไว้ (ไฟล์ไม่ครบ เสียหาย หรือถูกแก้ไข)",
    "unknown-device": "อุปกรณ์ยังไม่ได้ลงทะเบียนกับคลังกลาง",
    "revoked": "อุปกรณ์ถูกเพิกถอนแล้ว",
    "key": "ลงนามด้วยกุญแจที่ไม่ใช่กุญแจที่ลงทะเบียนไว้",
}


DEMO_BY_ENROLMENT = "enrolled as a demo device"


@dataclass(frozen=True)
class ReportEvent:
    """One stored event as a report reads it: ``line`` is its canonical JSON."""

    device: str
    seq: int
    kind: str
    at: str
    line: str


class CentralError(Exception):
    """The store can't do what was asked (an enrolment that doesn't hold, an unknown device …)."""


@dataclass(frozen=True)
class EnrolledDevice:
    id: str
    public_key: str
    name: str
    role: str
    place: str
    enrolled_at: str
    revoked_at: str | None = None
    revoked_reason: str | None = None
    demo: bool = False  # simulated data only: never counted in a report unless asked for
    demo_reason: str | None = None  # what made it demo: its enrolment, or simulated events in a bundle

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> EnrolledDevice:
        ident, key, name, role, place, enrolled_at, revoked_at, revoked_reason, demo, demo_reason = row
        return cls(
            ident, key, name, role, place, enrolled_at, revoked_at, revoked_reason, bool(demo), demo_reason
        )


# The stored reason of a quarantined line is in English ("code: why"); in Thai its code is named.
QUARANTINE_CODE_TH = {
    "fork": "มีบันทึกสองชุดอ้างว่าเป็นอุปกรณ์นี้ (สายโซ่แยก)",
    "same-id": "id เดียวกันแต่แฮชต่างกัน",
    "unlinked": "ต่อสายโซ่กับที่บันทึกไว้ไม่ได้",
    "edited": "เนื้อหาไม่ตรงกับแฮช (ถูกแก้ไข)",
    "not-canonical": "ไม่ได้เข้ารหัสแบบมาตรฐาน",
    "malformed": "ไม่ใช่เหตุการณ์ที่ถูกต้อง",
    "foreign": "เป็นเหตุการณ์ของอุปกรณ์อื่น",
    "out-of-order": "ลำดับไม่ถูกต้อง",
    "out-of-range": "อยู่นอกช่วงที่ลงนามไว้",
}


@dataclass(frozen=True)
class QuarantinedRecord:
    """A line kept apart, never merged: a conflict (a fork: same id or seq, another hash) or a rejection."""

    seq: int | None
    id: str | None
    hash: str | None
    status: str
    reason: str  # "code: why", as the import said it
    bundle: str
    at: str

    def text(self, lang: str) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "-"
        if lang != "th":
            return f"{where}: {self.status}: {self.reason}"
        code = self.reason.split(":", 1)[0]
        label = QUARANTINE_CODE_TH.get(code)
        why = f"{label} ({self.reason})" if label else self.reason
        return f"{where}: {STATUS_TH.get(self.status, self.status)}: {why}"

    def to_dict(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "id": self.id,
            "hash": self.hash,
            "status": self.status,
            "reason": self.reason,
            "bundle": self.bundle,
            "at": self.at,
        }


@dataclass(frozen=True)
class DeviceCheck:
    """One device in the store: its chain re-verified, what stands in quarantine, the missing seq ranges,
    and its checkpoint. Whole only when nothing is wrong with the chain, nothing is quarantined and
    nothing is missing."""

    chain: ChainReport
    quarantined: tuple[QuarantinedRecord, ...]
    gaps: tuple[tuple[int, int], ...]
    checkpoint: tuple[int, str]

    @property
    def device(self) -> str:
        return self.chain.device or ""

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.quarantined and not self.gaps

    def to_dict(self) -> dict[str, object]:
        return {
            **self.chain.to_dict(),
            "ok": self.ok,
            "chain_ok": self.chain.ok,
            "quarantined": [record.to_dict() for record in self.quarantined],
            "gaps": [{"first": a, "last": b, "text": describe_gap(a, b)} for a, b in self.gaps],
            "checkpoint": {"last_seq": self.checkpoint[0], "head": self.checkpoint[1]},
        }


class CentralStore:
    """One central store file. Not shared between threads; several processes may open the same file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=60.0)
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages for big imports
            self._conn.execute("PRAGMA journal_size_limit=67108864")  # the WAL shrinks back after one
            version = self._schema_version()
            if version is None:  # a new file (creating takes the write lock; reading above does not)
                with self._transaction():
                    for statement in sql.TABLES:
                        self._conn.execute(statement)
                    self._conn.execute(sql.SET_META, ("schema_version", sql.SCHEMA_VERSION))
                version = self._schema_version()
            while version in sql.MIGRATIONS:  # an older store: brought up to date in place
                self._migrate()
                version = self._schema_version()
            if version != sql.SCHEMA_VERSION:
                raise CentralError(
                    f"{self.path} has schema version {version}; this prongsai knows {sql.SCHEMA_VERSION}. "
                    "Use the prongsai version that made it, or upgrade."
                )
        except BaseException:
            self._conn.close()
            raise

    def _schema_version(self) -> str | None:
        try:
            row = self._conn.execute(sql.GET_META, ("schema_version",)).fetchone()
        except sqlite3.OperationalError:  # no meta table yet
            return None
        return str(row[0]) if row else None

    def _migrate(self) -> None:
        """One step from the stored schema version to the next, whole or not at all."""
        with self._transaction():
            version = self._schema_version()  # again, under the write lock: another process may have done it
            if version not in sql.MIGRATIONS:
                return
            target, statements = sql.MIGRATIONS[version]
            for statement in statements:
                self._conn.execute(statement)
            self._conn.execute(sql.UPDATE_META, (target, "schema_version"))

    @classmethod
    def open(cls, home: Path) -> CentralStore:
        return cls(Path(home) / FILE_NAME)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> CentralStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- devices ---------------------------------------------------------------------------------

    def enrol(self, enrolment: Enrolment) -> EnrolledDevice:
        """Trust this device's key from now on. The same key again changes nothing; another key is refused.

        A demo enrolment makes the device demo, for good: enrolling it again as a real device does not
        clear the flag, and enrolling a known real device again with a demo file sets it.
        """
        try:
            key = base64.b64decode(enrolment.public_key, validate=True)
        except (binascii.Error, ValueError):
            raise CentralError(f"{enrolment.device}: the public key is not base64") from None
        if len(key) != 32 or device_id_for(key) != enrolment.device:
            raise CentralError(
                f"{enrolment.device}: the public key does not belong to this device id "
                f"(it would be {device_id_for(key)}); the enrolment file was altered or mixed up"
            )
        with self._transaction():
            known = self.device(enrolment.device)
            if known is not None:
                if known.public_key != enrolment.public_key:
                    raise CentralError(f"{enrolment.device} is enrolled already with another key")
                if not enrolment.demo or known.demo:
                    return known
                self._conn.execute(sql.MARK_DEMO, (DEMO_BY_ENROLMENT, enrolment.device))
            else:
                self._conn.execute(
                    sql.INSERT_DEVICE,
                    (
                        enrolment.device,
                        enrolment.public_key,
                        enrolment.name,
                        enrolment.role,
                        enrolment.place,
                        now_iso(),
                        int(enrolment.demo),
                        DEMO_BY_ENROLMENT if enrolment.demo else None,
                    ),
                )
        enrolled = self.device(enrolment.device)
        assert enrolled is not None
        return enrolled

    def revoke(self, device_id: str, reason: str) -> EnrolledDevice:
        """Refuse this device's bundles from now on (what was imported stays); a 2nd revoke keeps the 1st."""
        with self._transaction():
            if self.device(device_id) is None:
                raise CentralError(f"{device_id} is not enrolled")
            self._conn.execute(sql.REVOKE_DEVICE, (now_iso(), reason, device_id))
        revoked = self.device(device_id)
        assert revoked is not None
        return revoked

    def device(self, device_id: str) -> EnrolledDevice | None:
        row = self._conn.execute(sql.SELECT_DEVICE, (device_id,)).fetchone()
        return EnrolledDevice.from_row(row) if row else None

    def devices(self, *, include_demo: bool = True) -> list[EnrolledDevice]:
        """Every enrolled device (to administer them); ``include_demo=False``: the real ones only."""
        query = sql.SELECT_DEVICES if include_demo else sql.SELECT_REAL_DEVICES
        return [EnrolledDevice.from_row(row) for row in self._conn.execute(query)]

    def report_events(self, *, include_demo: bool = False) -> Iterator[ReportEvent]:
        """The events a report counts, by device and seq: those of real devices only, unless
        ``include_demo`` (and then the report must say so on its first page)."""
        query = sql.SELECT_REPORT_EVENTS_WITH_DEMO if include_demo else sql.SELECT_REPORT_EVENTS
        for device, seq, kind, at, line in self._conn.execute(query):
            yield ReportEvent(device, int(seq), kind, at, line)

    def report_rows(
        self, kinds: Sequence[str], start: str, stop: str, include_demo: bool = False
    ) -> Iterator[tuple[str, int, str, str, str, str]]:
        """``(device, seq, kind, at, hash, line)`` of the events of ``kinds`` from day ``start`` up to (not
        including) day ``stop`` (``YYYY-MM-DD``, Bangkok), by device and seq; demo devices only if asked."""
        query = sql.select_report_rows(len(kinds))
        for device, seq, kind, at, chain_hash, line in self._conn.execute(
            query, (int(include_demo), start, stop, *kinds)
        ):
            yield device, int(seq), kind, at, chain_hash, line

    def _mark_simulated(self, device: str, first_seq: int, last_seq: int, bundle: str) -> None:
        """Make ``device`` demo if this seq range holds simulated data (whatever its enrolment said)."""
        pattern = f'%"printer":"{SIMULATED_PRINTER}"%'
        row = self._conn.execute(
            sql.SELECT_SIMULATED, (device, first_seq, last_seq, DEMO_EVENT_KIND, pattern)
        ).fetchone()
        if row is not None:
            reason = f"simulated events in bundle {bundle[:12]} (seq {row[0]})"
            self._conn.execute(sql.MARK_DEMO, (reason, device))

    # -- import ----------------------------------------------------------------------------------

    def import_bundle(self, source: Path | Bundle, progress: Progress | None = None) -> ImportResult:
        """Import one bundle file (or one :func:`read_bundle` has already checked, not to hash a large
        file twice); see :mod:`sync.importer` for what each line's status means."""
        if isinstance(source, Bundle):
            bundle, path = source, source.path
        else:
            path = Path(source)
            try:
                bundle = read_bundle(path)
            except BundleError as exc:
                return _refused(path, exc.code, str(exc).removeprefix(f"{path}: "))
        manifest = bundle.manifest
        try:
            with self._transaction():
                known = self.device(manifest.device)
                why: tuple[str, str] | None = None
                if known is None:
                    why = "unknown-device", f"device {manifest.device} is not enrolled in this central store"
                elif known.revoked:
                    why = (
                        "revoked",
                        f"device {manifest.device} was revoked on {known.revoked_at}: {known.revoked_reason}",
                    )
                elif known.public_key != manifest.public_key:
                    why = (
                        "key",
                        (
                            f"signed with a key that is not the one enrolled for {manifest.device}: "
                            "the bundle was re-signed by someone else"
                        ),
                    )
                if why is not None:
                    return _refused(path, *why, bundle=bundle)
                before = self._conn.execute(sql.SELECT_BUNDLE, (bundle.file_sha256,)).fetchone()
                if before is not None:
                    return self._already_imported(bundle, str(before[0]), before[1])
                result = BundleImport(self._conn, bundle, now_iso(), progress).run()
                if known is not None and not known.demo:  # demo is for good: nothing to look for
                    self._mark_simulated(
                        manifest.device, manifest.first_seq, manifest.last_seq, bundle.file_sha256
                    )
                return result
        except BrokenChain as exc:  # undone by the transaction: nothing of it is kept
            return _refused(path, "broken-chain", str(exc), bundle=bundle)

    def _already_imported(self, bundle: Bundle, when: str, counts_json: str | None = None) -> ImportResult:
        manifest = bundle.manifest
        device = manifest.device
        # Each record keeps the status it got the first time, except that what was new then is a
        # duplicate now: nothing changes.
        first = json.loads(counts_json) if counts_json else {}
        counts = zero_counts()
        for status in (CONFLICT, REJECTED):
            counts[status] = int(first.get(status, 0))
        counts[DUPLICATE] = manifest.count - counts[CONFLICT] - counts[REJECTED]
        notes = tuple(
            RecordNote(
                seq,
                DUPLICATE,
                "same-file",
                f"this bundle file was imported on {when}",
                f"นำเข้าไฟล์นี้แล้วเมื่อ {when}",
            )
            for seq in range(manifest.first_seq, manifest.first_seq + min(manifest.count, MAX_NOTES))
        )
        last_seq, head = self.checkpoint(device)
        return ImportResult(
            file=bundle.path.name,
            device=device,
            first_seq=manifest.first_seq,
            last_seq=manifest.last_seq,
            counts=counts,
            reasons=notes,
            more_reasons=manifest.count - len(notes),
            gaps=find_gaps(self._conn, device, last_seq),
            checkpoint=last_seq,
            head=head,
            already_imported=True,
            file_sha256=bundle.file_sha256,
        )

    def checkpoint(self, device: str) -> tuple[int, str]:
        """``(last_seq, head)``: the device's chain is whole and verified from seq 1 up to ``last_seq``."""
        row = self._conn.execute(sql.SELECT_CHECKPOINT, (device,)).fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS)

    # -- verification ----------------------------------------------------------------------------

    def verify(self, full: bool = False) -> list[ChainReport]:
        """Re-verify every device's stored chain, from seq 1, with the rules of :func:`check_chain`.

        The fast path checks each stored line's own hash on its bytes (:func:`line_hash_ok`), its
        columns and the links, streaming; a device where anything is off (or every device, with
        ``full``) goes through :func:`check_chain`, which re-encodes every event and names each problem.
        """
        enrolled = {d.id for d in self.devices()}
        with_events = {row[0] for row in self._conn.execute(sql.SELECT_EVENT_DEVICES)}
        reports = []
        for device in sorted(enrolled | with_events):
            report = None if full else self._fast_verify(device)
            reports.append(report or self._full_verify(device))
        return reports

    def check_devices(self, full: bool = False) -> list[DeviceCheck]:
        """Every device's chain (as :meth:`verify`), what stands in its quarantine and its gaps."""
        quarantined_devices = {row[0] for row in self._conn.execute(sql.SELECT_QUARANTINE_DEVICES)}
        reports = {report.device: report for report in self.verify(full)}
        for device in quarantined_devices - reports.keys():  # only quarantined lines, never a stored event
            reports[device] = ChainReport(device, 0, None, None, GENESIS)
        return [
            DeviceCheck(
                report, self.quarantined(device), find_gaps(self._conn, device, 0), self.checkpoint(device)
            )
            for device, report in sorted(reports.items(), key=lambda item: item[0] or "")
            if device is not None
        ]

    def quarantined(self, device: str) -> tuple[QuarantinedRecord, ...]:
        """The lines of ``device`` kept in quarantine (conflicts and rejections), in seq order."""
        return tuple(QuarantinedRecord(*row) for row in self._conn.execute(sql.SELECT_QUARANTINE, (device,)))

    def _fast_verify(self, device: str) -> ChainReport | None:
        """The report, if nothing but gaps is wrong (streaming, no re-encoding); None: look closer."""
        problems: list[ChainProblem] = []
        expected_seq, expected_prev = 1, GENESIS
        whole: tuple[int, str] | None = None  # where the checkpoint must be: the end of the run from seq 1
        count, first_seq = 0, None
        rows = self._conn.execute(sql.SELECT_CHAIN, (device,))
        for position, (seq, ident, digest, prev, line, bundle) in enumerate(rows):
            if seq > expected_seq:  # as check_chain says it, and no link to check across the gap
                whole = whole or (expected_seq - 1, expected_prev)
                gap = f"seq {expected_seq}" if seq == expected_seq + 1 else f"seq {expected_seq}–{seq - 1}"
                problems.append(
                    ChainProblem(
                        "missing",
                        expected_seq,
                        _where(seq, bundle),
                        f"{gap} not found before this event",
                        position,
                        f"ไม่พบ {gap} ก่อนเหตุการณ์นี้",
                    )
                )
            elif seq < expected_seq or prev != expected_prev:
                return None
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                return None
            if (
                type(record) is not dict
                or record.keys() != FIELD_SET
                or (record["seq"], record["id"], record["hash"], record["prev"], record["device"])
                != (seq, ident, digest, prev, device)
                or not line_hash_ok(line.encode("utf-8"), digest)
            ):
                return None
            first_seq = first_seq or seq
            count += 1
            expected_seq, expected_prev = seq + 1, digest
        if self.checkpoint(device) != (whole or (expected_seq - 1, expected_prev)):
            return None
        last_seq = expected_seq - 1 if count else None
        return ChainReport(device, count, first_seq, last_seq, expected_prev, tuple(problems))

    def _full_verify(self, device: str) -> ChainReport:
        records: list[StoredRecord] = []
        extra: list[ChainProblem] = []
        for position, (seq, ident, digest, prev, line, bundle) in enumerate(
            self._conn.execute(sql.SELECT_CHAIN, (device,))
        ):
            where = _where(seq, bundle)
            try:
                record = json.loads(line)
            except ValueError as exc:
                records.append(StoredRecord(where, None, f"unreadable line: {exc}", seq))
                continue
            records.append(StoredRecord(where, record, None, seq))
            if isinstance(record, dict) and (
                record.get("id"),
                record.get("hash"),
                record.get("prev"),
                record.get("device"),
            ) != (ident, digest, prev, device):
                extra.append(
                    ChainProblem(
                        "edited",
                        seq,
                        where,
                        "the row's id, hash, prev or device column differs from its stored line",
                        position,
                        "คอลัมน์ id, hash, prev หรือ device ของแถวไม่ตรงกับบรรทัดที่บันทึกไว้",
                    )
                )
        report = check_chain(records, device)
        problems = [*report.problems, *extra]
        last_seq, head = self.checkpoint(device)
        if last_seq:
            row = self._conn.execute(sql.SELECT_RANGE, (device, last_seq, last_seq)).fetchone()
            if row is None or row[2] != head:
                problems.append(
                    ChainProblem(
                        "broken",
                        last_seq,
                        "checkpoints",
                        f"the checkpoint says seq {last_seq} has hash {head[:12]}…; the stored event has not",
                        len(records),
                        f"จุดตรวจสอบระบุว่า seq {last_seq} มีแฮช {head[:12]}… แต่เหตุการณ์ที่บันทึกไว้ไม่ตรง",
                    )
                )
        problems.sort(key=lambda p: (p.position, p.seq or 0))
        return ChainReport(
            device, report.events, report.first_seq, report.last_seq, report.head, tuple(problems)
        )

    # -- plumbing --------------------------------------------------------------------------------

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; ``ROLLBACK`` on any error, a KeyboardInterrupt included."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self._conn.execute("COMMIT")
        elif self._conn.in_transaction:
            self._conn.execute("ROLLBACK")


def _where(seq: int, bundle: str) -> str:
    return f"events seq {seq}, bundle {bundle[:12]}"


def _refused(path: Path, code: str, message: str, bundle: Bundle | None = None) -> ImportResult:
    manifest = bundle.manifest if bundle is not None else None
    return ImportResult(
        file=path.name,
        device=manifest.device if manifest else None,
        first_seq=manifest.first_seq if manifest else None,
        last_seq=manifest.last_seq if manifest else None,
        counts=zero_counts(),
        refused=f"{code}: {message}",
        refused_code=code,
        file_sha256=bundle.file_sha256 if bundle is not None else None,
    )
