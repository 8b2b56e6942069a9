"""Complaints and corruption tips as a fold over events.

The office's complaint desk (``kiosk/office/complaints.py``) appends these events; a body never holds
a name or contact details in clear text::

    complaint.received       {complaint, series, channel, category, subject, details, location, due,
                              contact: null | {"sealed": "<base64>", "to": "<officer key fingerprint>"}}
    complaint.step           {complaint, to, note}     to: assigned | in_progress | done | explained
    complaint.rating_used    {complaint}               the code may rate once (its own event)
    complaint.rated          {instrument, answers}     no code: the rating is not linked to the complaint
    complaint.rating_refused {code, reason}            a second rating, an unknown code, not closed yet

``complaint`` is the plain tracking code (``C687KQ4MXN``, see :mod:`surveys.complaints.codes`); ``due``
is ``YYYY-MM-DD``. Steps go forward only: received → assigned → in_progress → done | explained, and
``done``/``explained`` close the complaint. A complaint is late when it was closed after its due day,
or is still open after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from surveys.bilingual import pick
from surveys.content.thaidate import format_date
from surveys.log.event import Event

RECEIVED = "complaint.received"
STEP = "complaint.step"
RATING_USED = "complaint.rating_used"
RATED = "complaint.rated"
RATING_REFUSED = "complaint.rating_refused"
KINDS = (RECEIVED, STEP, RATING_USED, RATED, RATING_REFUSED)

INSTRUMENT = "complaint-satisfaction"

# value → (Thai, English)
CHANNELS: dict[str, tuple[str, str]] = {
    "counter": ("ที่จุดบริการ", "at the counter"),
    "phone": ("โทรศัพท์", "phone"),
    "letter": ("หนังสือ/จดหมาย", "letter"),
    "facebook": ("เพจเฟซบุ๊ก", "Facebook page"),
    "damrongdhama": ("ศูนย์ดำรงธรรม", "Damrongdhama centre"),
    "walk_in": ("มาด้วยตนเอง", "walk-in"),
    "kiosk": ("ตู้บริการ", "kiosk"),
}
CATEGORIES: dict[str, tuple[str, str]] = {
    "general": ("เรื่องร้องทุกข์ทั่วไป", "general trouble"),
    "misconduct": ("ร้องเรียนการให้บริการของเจ้าหน้าที่", "service misconduct"),
    "procurement": ("ร้องเรียนการจัดซื้อจัดจ้าง", "procurement"),
    "corruption": ("แจ้งเบาะแสการทุจริตของเจ้าหน้าที่", "corruption by staff"),
}
RECEIVED_STEP, ASSIGNED, IN_PROGRESS, DONE, EXPLAINED = (
    "received",
    "assigned",
    "in_progress",
    "done",
    "explained",
)
STEPS: dict[str, tuple[str, str]] = {  # as the complainant reads them
    RECEIVED_STEP: ("รับเรื่องแล้ว", "received"),
    ASSIGNED: ("มอบหมายผู้รับผิดชอบแล้ว", "assigned to an officer"),
    IN_PROGRESS: ("อยู่ระหว่างดำเนินการ", "in progress"),
    DONE: ("ดำเนินการแล้วเสร็จ", "done"),
    EXPLAINED: ("ชี้แจงเหตุผลแล้ว", "explained"),
}
ORDER = {RECEIVED_STEP: 0, ASSIGNED: 1, IN_PROGRESS: 2, DONE: 3, EXPLAINED: 3}
CLOSING = (DONE, EXPLAINED)
NEXT_STEPS = (ASSIGNED, IN_PROGRESS, DONE, EXPLAINED)  # what `step` may be asked for


class Step(NamedTuple):
    """One step of a complaint: ``to`` (a key of :data:`STEPS`), when (ISO time), the note."""

    to: str
    at: str
    note: str = ""


@dataclass
class Complaint:
    """One complaint or tip, as its events say. ``has_contact``: contact details were given (sealed)."""

    code: str  # plain: C687KQ4MXN
    series: str  # C or T
    channel: str
    category: str
    subject: str
    details: str
    location: str
    received_at: str  # ISO 8601, +07:00
    due: date
    steps: list[Step] = field(default_factory=list)  # the first is "received"
    status: str = RECEIVED_STEP
    closed_at: str | None = None
    rated: bool = False
    has_contact: bool = False
    contact: dict[str, str] | None = None  # {"sealed", "to"}: only the officer's key opens it
    device: str = ""

    @property
    def closed(self) -> bool:
        return self.status in CLOSING

    @property
    def tip(self) -> bool:
        return self.series == "T"

    @property
    def received_on(self) -> date:
        return datetime.fromisoformat(self.received_at).date()

    @property
    def closed_on(self) -> date | None:
        return datetime.fromisoformat(self.closed_at).date() if self.closed_at else None


@dataclass(frozen=True)
class Rating:
    """A complaint-handling rating: not linked to any complaint."""

    at: str
    instrument: str
    answers: Mapping[str, Any]


@dataclass
class Complaints:
    """Every complaint of a log (or of the central store), by plain code, in the order received."""

    by_code: dict[str, Complaint] = field(default_factory=dict)
    ratings: list[Rating] = field(default_factory=list)
    refusals: dict[str, int] = field(default_factory=dict)  # reason → count

    def get(self, code: str) -> Complaint | None:
        return self.by_code.get(code)

    def apply(self, event: Event) -> None:
        kind, body = event.kind, event.body
        if kind not in KINDS:
            return
        if kind == RECEIVED:
            code = str(body.get("complaint", ""))
            contact = body.get("contact")
            sealed = (
                {"sealed": str(contact.get("sealed", "")), "to": str(contact.get("to", ""))}
                if isinstance(contact, dict)
                else None
            )
            self.by_code[code] = Complaint(
                code=code,
                series=str(body.get("series", code[:1])),
                channel=str(body.get("channel", "")),
                category=str(body.get("category", "")),
                subject=str(body.get("subject", "")),
                details=str(body.get("details", "")),
                location=str(body.get("location", "")),
                received_at=event.at,
                due=date.fromisoformat(str(body.get("due", event.at[:10]))),
                steps=[Step(RECEIVED_STEP, event.at, "")],
                has_contact=sealed is not None or bool(body.get("contact_kept", False)),
                contact=sealed,
                device=event.device,
            )
        elif kind == STEP:
            complaint = self.by_code.get(str(body.get("complaint", "")))
            to = str(body.get("to", ""))
            if complaint is None or to not in ORDER or complaint.closed:
                return
            complaint.steps.append(Step(to, event.at, str(body.get("note") or "")))
            complaint.status = to
            if to in CLOSING:
                complaint.closed_at = event.at
        elif kind == RATING_USED:
            complaint = self.by_code.get(str(body.get("complaint", "")))
            if complaint is not None:
                complaint.rated = True
        elif kind == RATED:
            self.ratings.append(
                Rating(event.at, str(body.get("instrument", INSTRUMENT)), dict(body.get("answers") or {}))
            )
        elif kind == RATING_REFUSED:
            reason = str(body.get("reason", ""))
            self.refusals[reason] = self.refusals.get(reason, 0) + 1

    def all(self) -> list[Complaint]:
        return list(self.by_code.values())


def fold_complaints(events: Iterable[Event], complaints: Complaints | None = None) -> Complaints:
    """Fold ``events`` (in order) into ``complaints`` (a new one if None)."""
    state = complaints or Complaints()
    for event in events:
        state.apply(event)
    return state


def step_problem(complaint: Complaint, to: str) -> tuple[str, str] | None:
    """Why ``complaint`` can't take the step ``to`` now (Thai, English), or None."""
    if to not in NEXT_STEPS:
        return (
            f"ไม่มีขั้นตอน “{to}” (ใช้ได้: {', '.join(NEXT_STEPS)})",
            f"there is no step {to!r} (one of: {', '.join(NEXT_STEPS)})",
        )
    if complaint.closed:
        return (
            f"เรื่องนี้ปิดแล้ว ({STEPS[complaint.status][0]}) บันทึกขั้นตอนเพิ่มไม่ได้",
            f"this complaint is closed ({STEPS[complaint.status][1]}): no further step can be recorded",
        )
    if ORDER[to] <= ORDER[complaint.status]:
        return (
            f"ขั้นตอนย้อนกลับไม่ได้: เรื่องนี้อยู่ที่ “{STEPS[complaint.status][0]}” แล้ว",
            f"steps go forward only: this complaint is already {STEPS[complaint.status][1]}",
        )
    return None


def is_late(complaint: Complaint, today: date) -> bool:
    """Closed after its due day, or still open after it (on ``today``, e.g. the report's end date)."""
    closed_on = complaint.closed_on
    if closed_on is not None:
        return closed_on > complaint.due
    return today > complaint.due


def public_steps(complaint: Complaint, lang: str = "th") -> list[tuple[str, str]]:
    """``(date, what)`` for each step, as the complainant may read them: no staff name, no contact;
    the note only on ``explained`` (the letter of explanation's summary)."""
    rows = []
    for step in complaint.steps:
        what = pick(lang, *STEPS[step.to])
        if step.to == EXPLAINED and step.note:
            what = f"{what}: {step.note}"
        rows.append((format_date(datetime.fromisoformat(step.at), lang=lang), what))
    return rows


def public_status(complaint: Complaint, lang: str = "th", today: date | None = None) -> str:
    """The citizen's view of a complaint, in Thai (B.E. dates) or English: the code, the dated steps and
    the due date. Never a staff name, the complainant's words or contact details."""
    from surveys.complaints.codes import format_plain

    kind = pick(lang, "เรื่องร้องเรียน", "Complaint") if not complaint.tip else pick(lang, "เบาะแส", "Tip")
    lines = [f"{kind} {format_plain(complaint.code)}"]
    lines += [f"  {day}  {what}" for day, what in public_steps(complaint, lang)]
    due = format_date(complaint.due, lang=lang)
    if complaint.closed:
        lines.append(pick(lang, f"กำหนดแล้วเสร็จ {due}", f"Due {due}"))
    elif today is not None and today > complaint.due:
        lines.append(
            pick(
                lang,
                f"กำหนดแล้วเสร็จ {due} (เกินกำหนดแล้ว เจ้าหน้าที่ต้องแจ้งเหตุผลให้ท่านทราบ)",
                f"Due {due} (overdue: the office must tell you why)",
            )
        )
    else:
        lines.append(pick(lang, f"กำหนดแล้วเสร็จภายใน {due}", f"To be handled by {due}"))
    return "\n".join(lines)
