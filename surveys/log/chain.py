"""Verification of a device's hash chain: finds edits, deletions, insertions and reorderings.

Works on records in the order they are stored, so the same rules serve a device's own log and,
later, the central store's copy of it. Each problem names the event (its ``seq``), where it is
stored, what is wrong, and is listed in storage order: the first one is the first bad event.

A chain alone cannot show that its newest events were cut off: what is left is a whole, shorter chain.
So the walk also compares the chain with heads recorded apart from it (:class:`HeadClaim`): the log's
high-water mark and the central store's acknowledgement. A chain that ends below a claimed seq is
``cut``; one whose event at that seq has another hash was ``rewritten``. What even these cannot see is
said in :data:`CANNOT_DETECT`, which every report of a device's own log should print.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from surveys.bilingual import pick
from surveys.log.device_log import MarkError, StoredRecord, mark_path, read_mark, stored_records
from surveys.log.event import GENESIS, Event, EventError

ProblemKind = Literal[
    "unreadable",
    "malformed",
    "foreign",
    "edited",
    "missing",
    "inserted",
    "reordered",
    "broken",
    "cut",
    "rewritten",
]
ClaimSource = Literal["mark", "ack"]

CANNOT_DETECT = (
    "อุปกรณ์เพียงเครื่องเดียวตรวจไม่พบ หากเหตุการณ์ล่าสุดถูกลบไปพร้อมกับจุดสูงสุดของบันทึก (high-water mark) "
    "และไฟล์ตอบรับจากคลังข้อมูลกลาง หรือหากเหตุการณ์ที่ยังอยู่เฉพาะในเจอร์นัล (หลังการรวมไฟล์ครั้งล่าสุด) ถูกตัดทิ้ง "
    "แต่คลังข้อมูลกลางตรวจพบได้สำหรับทุกอย่างที่ได้รับไปแล้ว: ให้รัน `prongsai verify --central` บนเครื่องกลาง",
    "a device alone cannot detect that its newest events were removed together with its high-water mark "
    "and the central store's acknowledgement, nor the removal of events still only in its journal (those "
    "since the last fold); the central store can, for all it has received: run `prongsai verify --central` "
    "on the central machine",
)
"""What a device's own verification cannot see, in Thai and English: say it with every report."""

EXPLAIN: dict[str, tuple[str, str]] = {
    "unreadable": ("อ่านไม่ได้", "unreadable"),
    "malformed": ("รูปแบบไม่ถูกต้อง", "malformed"),
    "foreign": ("เป็นเหตุการณ์ของอุปกรณ์อื่น", "from another device"),
    "edited": ("ถูกแก้ไข", "edited"),
    "missing": ("หายไป", "missing"),
    "inserted": ("ถูกแทรกเข้ามา", "inserted"),
    "reordered": ("ลำดับถูกสลับ", "reordered"),
    "broken": ("สายโซ่ขาด", "chain broken"),
    "cut": ("ท้ายบันทึกถูกตัด", "cut tail"),
    "rewritten": ("ถูกเขียนทับ", "rewritten"),
}
SOURCE_TH = {"mark": "จุดสูงสุดของบันทึก (high-water mark)", "ack": "ไฟล์ตอบรับจากคลังข้อมูลกลาง"}
SOURCE_EN = {"mark": "the high-water mark", "ack": "the central store's acknowledgement"}


@dataclass(frozen=True)
class HeadClaim:
    """A head recorded apart from the chain: the chain held event ``seq`` with ``hash`` at ``at``.

    ``source`` is ``mark`` (the log's high-water mark) or ``ack`` (the central store acknowledged it);
    ``where`` names the file it was read from."""

    source: ClaimSource
    seq: int
    hash: str
    at: str
    where: str

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "seq": self.seq, "hash": self.hash, "at": self.at, "where": self.where}


@dataclass(frozen=True)
class ChainProblem:
    kind: ProblemKind
    seq: int | None
    where: str
    detail: str
    position: int  # index in storage order, to sort problems
    detail_th: str = ""

    def text(self, lang: str) -> str:
        label = pick(lang, *EXPLAIN[self.kind])
        detail = pick(lang, self.detail_th or self.detail, self.detail)
        event = f"seq {self.seq}" if self.seq is not None else "-"
        return f"{event} ({self.where}): {label}: {detail}"


@dataclass(frozen=True)
class ChainReport:
    device: str | None
    events: int
    first_seq: int | None
    last_seq: int | None
    head: str
    problems: tuple[ChainProblem, ...] = field(default_factory=tuple)
    claims: tuple[HeadClaim, ...] = ()  # the heads the chain was compared with

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> ChainProblem | None:
        return self.problems[0] if self.problems else None

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "device": self.device,
            "events": self.events,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "head": self.head,
            "problems": [
                {"kind": p.kind, "seq": p.seq, "where": p.where, "detail": p.detail} for p in self.problems
            ],
            "compared_with": [claim.to_dict() for claim in self.claims],
        }


@dataclass
class _Entry:
    position: int
    where: str
    event: Event
    hash_ok: bool
    doc_id: int | None


def check_chain(
    records: Iterable[StoredRecord],
    device: str | None = None,
    start_seq: int = 1,
    start_prev: str = GENESIS,
    claims: Iterable[HeadClaim] = (),
) -> ChainReport:
    """Check that ``records`` form one whole chain from ``start_seq`` (whose ``prev`` is ``start_prev``),
    reaching every head in ``claims`` with the same event."""
    problems: list[ChainProblem] = []
    entries: list[_Entry] = []
    stored_count = 0
    for position, stored in enumerate(records):
        stored_count = position + 1
        if stored.record is None:
            problems.append(
                ChainProblem(
                    "unreadable",
                    None,
                    stored.where,
                    stored.error or "",
                    position,
                    NO_MARK_TH if stored.error == NO_MARK else f"อ่านไม่ได้ ({stored.error})",
                )
            )
            continue
        try:
            event = Event.from_dict(stored.record)
        except EventError as exc:
            seq = stored.record.get("seq") if isinstance(stored.record.get("seq"), int) else None
            problems.append(
                ChainProblem("malformed", seq, stored.where, str(exc), position, f"ไม่ใช่เหตุการณ์ที่ถูกต้อง ({exc})")
            )
            continue
        if device is not None and event.device != device:
            problems.append(
                ChainProblem(
                    "foreign",
                    event.seq,
                    stored.where,
                    f"belongs to device {event.device}",
                    position,
                    f"เป็นของอุปกรณ์ {event.device}",
                )
            )
            continue
        ok = event.hash_ok
        if not ok:
            problems.append(
                ChainProblem(
                    "edited",
                    event.seq,
                    stored.where,
                    "its content no longer matches its hash: it was changed after it was written",
                    position,
                    "เนื้อหาไม่ตรงกับแฮช: มีการเปลี่ยนแปลงหลังจากบันทึกแล้ว",
                )
            )
        entries.append(_Entry(position, stored.where, event, ok, stored.doc_id))

    genuine = _drop_inserted(entries, start_prev, problems)
    problems.extend(
        ChainProblem(
            "reordered",
            e.event.seq,
            e.where,
            f"stored under number {e.doc_id} but its seq is {e.event.seq}",
            e.position,
            f"เก็บไว้ในลำดับที่ {e.doc_id} แต่เลขลำดับ (seq) ของเหตุการณ์คือ {e.event.seq}",
        )
        for e in genuine
        if e.doc_id is not None and e.doc_id != e.event.seq
    )
    problems.extend(_order_problems(genuine))
    problems.extend(_gap_and_link_problems(genuine, start_seq, start_prev))

    ordered = sorted(genuine, key=lambda e: e.event.seq)
    claims = tuple(claims)
    hashes = {e.event.seq: e.event.hash for e in genuine}
    last = ordered[-1].event.seq if ordered else start_seq - 1
    problems.extend(_claim_problems(claims, hashes, last, stored_count))
    problems.sort(key=lambda p: (p.position, p.seq or 0))
    return ChainReport(
        device=device,
        events=len(entries),
        first_seq=ordered[0].event.seq if ordered else None,
        last_seq=ordered[-1].event.seq if ordered else None,
        head=ordered[-1].event.hash if ordered else start_prev,
        problems=tuple(problems),
        claims=claims,
    )


def _claim_problems(
    claims: tuple[HeadClaim, ...], hashes: dict[int, str], last: int, position: int
) -> list[ChainProblem]:
    """A cut tail (the chain ends below a claimed head) or a rewritten one (another event there)."""
    problems: list[ChainProblem] = []
    for claim in claims:
        day = claim.at[:10]
        if claim.source == "ack":
            said_en = f"the central store acknowledged seq {claim.seq} on {day}"
            said_th = f"คลังข้อมูลกลางยืนยันได้รับถึง seq {claim.seq} เมื่อ {day}"
        else:
            said_en = f"the high-water mark says this log reached seq {claim.seq} on {day}"
            said_th = f"จุดสูงสุดของบันทึก (high-water mark) ระบุว่าบันทึกนี้เคยถึง seq {claim.seq} เมื่อ {day}"
        if claim.seq > last:
            problems.append(
                ChainProblem(
                    "cut",
                    last + 1,
                    claim.where,
                    f"{said_en}, this log ends at seq {last}: its newest events were removed",
                    position,
                    f"{said_th} แต่บันทึกนี้จบที่ seq {last}: เหตุการณ์ล่าสุดถูกลบออกไป",
                )
            )
        elif claim.seq in hashes and hashes[claim.seq] != claim.hash:
            problems.append(
                ChainProblem(
                    "rewritten",
                    claim.seq,
                    claim.where,
                    f"{said_en} with hash {claim.hash[:12]}…; this log's seq {claim.seq} has another hash: "
                    "the events up to it were replaced",
                    position,
                    f"{said_th} ด้วยแฮช {claim.hash[:12]}… แต่ seq {claim.seq} ของบันทึกนี้มีแฮชอื่น: "
                    "เหตุการณ์จนถึงจุดนั้นถูกแทนที่",
                )
            )
    return problems


def _drop_inserted(entries: list[_Entry], start_prev: str, problems: list[ChainProblem]) -> list[_Entry]:
    """Where two records claim one seq, keep the one the chain runs through; the other was inserted."""
    by_seq: dict[int, list[_Entry]] = {}
    for entry in entries:
        by_seq.setdefault(entry.event.seq, []).append(entry)
    hashes_by_seq = {seq: {e.event.hash for e in group} for seq, group in by_seq.items()}
    prevs_by_seq = {seq: {e.event.prev for e in group} for seq, group in by_seq.items()}
    inserted: set[int] = set()
    for seq, group in by_seq.items():
        if len(group) < 2:
            continue

        def fits(entry: _Entry, seq: int = seq) -> tuple[bool, bool, bool]:
            before = entry.event.prev in hashes_by_seq.get(seq - 1, {start_prev} if seq == 1 else set())
            after = entry.event.hash in prevs_by_seq.get(seq + 1, set())
            return entry.hash_ok, before, after

        keep = max(group, key=lambda e: (fits(e), -e.position))
        for entry in group:
            if entry is not keep:
                inserted.add(id(entry))
                problems.append(
                    ChainProblem(
                        "inserted",
                        entry.event.seq,
                        entry.where,
                        f"a second event with seq {seq} that is not part of the chain",
                        entry.position,
                        f"มีเหตุการณ์ seq {seq} ซ้ำอีกรายการ ซึ่งไม่อยู่ในสายโซ่",
                    )
                )
    return [e for e in entries if id(e) not in inserted]


def _order_problems(entries: list[_Entry]) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    highest: _Entry | None = None
    for entry in entries:
        if highest is not None and entry.event.seq < highest.event.seq:
            problems.append(
                ChainProblem(
                    "reordered",
                    entry.event.seq,
                    entry.where,
                    f"stored after seq {highest.event.seq} ({highest.where})",
                    entry.position,
                    f"ถูกเก็บไว้หลัง seq {highest.event.seq} ({highest.where})",
                )
            )
        elif highest is None or entry.event.seq > highest.event.seq:
            highest = entry
    return problems


def _gap_and_link_problems(entries: list[_Entry], start_seq: int, start_prev: str) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    ordered = sorted(entries, key=lambda e: e.event.seq)
    expected_seq, expected_prev = start_seq, start_prev
    for entry in ordered:
        event = entry.event
        if event.seq > expected_seq:
            gap = (
                f"seq {expected_seq}"
                if event.seq == expected_seq + 1
                else f"seq {expected_seq}–{event.seq - 1}"
            )
            problems.append(
                ChainProblem(
                    "missing",
                    expected_seq,
                    entry.where,
                    f"{gap} not found before this event",
                    entry.position,
                    f"ไม่พบ {gap} ก่อนเหตุการณ์นี้",
                )
            )
        elif event.seq < expected_seq:  # below the start of this check: not ours to judge
            continue
        elif event.prev != expected_prev and entry.hash_ok:
            problems.append(
                ChainProblem(
                    "broken",
                    event.seq,
                    entry.where,
                    f"its prev does not match the hash of seq {event.seq - 1}: the event before it "
                    "was replaced or rewritten with a new hash",
                    entry.position,
                    f"ค่า prev ไม่ตรงกับแฮชของ seq {event.seq - 1}: เหตุการณ์ก่อนหน้าถูกแทนที่หรือแก้ไขแล้วคำนวณแฮชใหม่",
                )
            )
        expected_seq, expected_prev = event.seq + 1, event.hash
    return problems


NO_MARK_TH = (
    "ไม่มีจุดสูงสุดของบันทึก (high-water mark) อยู่ข้างบันทึกที่มีไฟล์รายวันแล้ว: ไฟล์นั้นถูกลบ (อาจพร้อมกับ"
    "เหตุการณ์ล่าสุด) หรือบันทึกนี้เขียนก่อน prongsai จะเก็บจุดนี้ จึงตัดความเป็นไปได้ว่าท้ายบันทึกถูกตัดไม่ได้ "
    "ให้นำ log.mark.json กลับมาจากสำเนาสำรอง หรือเทียบกับคลังข้อมูลกลาง (prongsai verify --central) "
    "เมื่อแน่ใจว่าบันทึกครบแล้ว สำนักงานจะเขียนจุดใหม่เมื่อเปิดบันทึกครั้งถัดไป"
)
NO_MARK = (
    "there is no high-water mark beside a log whose events were folded: either it was removed (perhaps "
    "together with the newest events) or this log was written before prongsai kept marks, so a cut tail "
    "can't be excluded; restore log.mark.json from a backup, or compare with the central store "
    "(prongsai verify --central); once the log is known to be whole, the office writes a new mark"
)


def verify_log(folder: Path, device: str | None = None, claims: Iterable[HeadClaim] = ()) -> ChainReport:
    """Verify a device log as stored on disk (safe while its writer runs; writes nothing), against its
    high-water mark (if it has one) and the other heads in ``claims``."""
    records = list(stored_records(folder))
    heads = list(claims)
    where = mark_path(folder).name
    damaged = False
    try:
        mark = read_mark(folder)
    except MarkError as exc:
        records.append(StoredRecord(where, None, str(exc)))
        mark, damaged = None, True
    if mark is not None:
        if device is not None and mark.device != device:
            records.append(
                StoredRecord(where, None, f"the high-water mark of another device ({mark.device})")
            )
        else:
            heads.insert(0, HeadClaim("mark", mark.seq, mark.hash, mark.at, where))
    elif not damaged and any(r.where.startswith("days/") for r in records):  # folded events, no mark
        records.append(StoredRecord(where, None, NO_MARK))
    return check_chain(records, device, claims=heads)
