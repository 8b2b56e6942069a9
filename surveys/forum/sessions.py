"""Community forums and staff surveys as a fold over events.

A laptop (an enrolled device with the role ``laptop``) runs them offline; its office appends these events
(bodies hold counts, answers and codes' hashes, never a participant's name)::

    forum.opened          {session, community, place, date, projects, facilitators, agenda,
                           instrument, signin}
    forum.attendance      {session, total, counts, replaces, reason}
    forum.signin          {session, count}            names stay on the laptop (HOME/private), never logged
    forum.response        {session, instrument, mode, answers, votes}
    forum.response.voided {session, response, reason}  ``response``: the seq of the form taken back
    forum.closed          {session, total, counts, forms, voided, votes, signin, head}
    staff_survey.opened   {session, instrument, projects, title, codes}   ``codes``: SHA-256 of each code
    staff_survey.code_used {session, code}             the code's hash, in its own event
    staff_survey.response {session, instrument, answers}                no code, no name, no user
    staff_survey.closed   {session, responses, codes_issued, codes_used, head}

``agenda`` is ``[{"id": "a1", "title": "…"}, …]``: the development-plan items put to the forum; ``votes``
names up to :data:`MAX_VOTES` of them. ``counts`` holds head counts by band, each group summing to
``total`` (:data:`BANDS`). Attendance is corrected by a new ``forum.attendance`` that names the one it
``replaces`` and why; a form is taken back by ``forum.response.voided``. ``head`` is ``{"seq", "hash"}``,
the log's head when the session closed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from surveys.log.event import Event

FORUM_OPENED = "forum.opened"
FORUM_ATTENDANCE = "forum.attendance"
FORUM_SIGNIN = "forum.signin"
FORUM_RESPONSE = "forum.response"
FORUM_VOIDED = "forum.response.voided"
FORUM_CLOSED = "forum.closed"
STAFF_OPENED = "staff_survey.opened"
STAFF_CODE_USED = "staff_survey.code_used"
STAFF_RESPONSE = "staff_survey.response"
STAFF_CLOSED = "staff_survey.closed"
FORUM_KINDS = (FORUM_OPENED, FORUM_ATTENDANCE, FORUM_SIGNIN, FORUM_RESPONSE, FORUM_VOIDED, FORUM_CLOSED)
STAFF_KINDS = (STAFF_OPENED, STAFF_CODE_USED, STAFF_RESPONSE, STAFF_CLOSED)
KINDS = FORUM_KINDS + STAFF_KINDS

MAX_VOTES = 3  # agenda items one participant may pick
MAX_AGENDA = 30
SELF, CLERK = "self", "clerk"  # who filled the form: the participant on the laptop, or a clerk from paper
MODES = (SELF, CLERK)
SMALL_CELL = 5  # staff-survey breakdowns with fewer respondents than this are never shown

# Head-count bands: group → ((band, Thai, English), …). Each group sums to the total.
BANDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "gender": (
        ("male", "ชาย", "male"),
        ("female", "หญิง", "female"),
        ("unspecified", "ไม่ระบุ", "not given"),
    ),
    "age": (
        ("under-18", "ต่ำกว่า 18 ปี", "under 18"),
        ("18-29", "18–29 ปี", "18–29"),
        ("30-44", "30–44 ปี", "30–44"),
        ("45-59", "45–59 ปี", "45–59"),
        ("60-plus", "60 ปีขึ้นไป", "60 and over"),
        ("unspecified", "ไม่ระบุ", "not given"),
    ),
    "role": (
        ("resident", "ประชาชนทั่วไป", "resident"),
        ("leader", "ผู้นำชุมชน", "community leader"),
        ("youth", "เยาวชน", "youth"),
        ("official", "เจ้าหน้าที่/สมาชิกสภา", "official or council member"),
        ("other", "อื่น ๆ", "other"),
    ),
}
GROUP_NAMES: dict[str, tuple[str, str]] = {
    "gender": ("เพศ", "gender"),
    "age": ("ช่วงอายุ", "age"),
    "role": ("บทบาท", "role"),
}


def code_hash(session: str, code: str) -> str:
    """What the log keeps of a staff survey's one-time code (the code itself is never stored)."""
    return hashlib.sha256(f"{session}:{normalise_code(code)}".encode()).hexdigest()


def normalise_code(code: str) -> str:
    """A typed code as printed: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def attendance_problem(total: int, counts: Mapping[str, Mapping[str, int]]) -> tuple[str, str] | None:
    """Why these head counts can't be recorded (Thai, English), or None."""
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        return ("จำนวนผู้เข้าร่วมต้องเป็นจำนวนเต็มไม่ติดลบ", "the total must be a whole number, not negative")
    for group, bands in BANDS.items():
        given = counts.get(group, {})
        known = {band for band, *_ in bands}
        unknown = sorted(set(given) - known)
        if unknown:
            return (
                f"ไม่รู้จักกลุ่ม {', '.join(unknown)} ใน{GROUP_NAMES[group][0]}",
                f"unknown band(s) {', '.join(unknown)} in {GROUP_NAMES[group][1]}",
            )
        if any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in given.values()):
            return (
                f"จำนวนใน{GROUP_NAMES[group][0]}ต้องเป็นจำนวนเต็มไม่ติดลบ",
                f"the {GROUP_NAMES[group][1]} counts must be whole numbers, not negative",
            )
        summed = sum(given.values())
        if summed != total:
            return (
                f"ผลรวมตาม{GROUP_NAMES[group][0]} ({summed}) ไม่เท่ากับจำนวนผู้เข้าร่วมทั้งหมด ({total})",
                f"the {GROUP_NAMES[group][1]} counts add up to {summed}, not the total {total}",
            )
    extra = sorted(set(counts) - set(BANDS))
    if extra:
        return (f"ไม่รู้จักหมวด {', '.join(extra)}", f"unknown group(s) {', '.join(extra)}")
    return None


def full_counts(counts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Every band of every group, 0 where not given, in the order of :data:`BANDS`."""
    return {
        group: {band: int(counts.get(group, {}).get(band, 0)) for band, *_ in bands}
        for group, bands in BANDS.items()
    }


@dataclass(frozen=True)
class AgendaItem:
    id: str
    title: str


@dataclass
class FormResponse:
    seq: int
    at: str
    mode: str
    instrument: str
    answers: dict[str, Any]
    votes: tuple[str, ...]
    voided: str | None = None  # the reason, once taken back


@dataclass
class Forum:
    """One community forum, as its events say."""

    session: str
    community: str
    place: str
    date: str  # YYYY-MM-DD, Bangkok
    projects: tuple[int, ...]
    facilitators: tuple[str, ...]
    agenda: tuple[AgendaItem, ...]
    instrument: str
    signin: bool
    opened_at: str
    opened_seq: int
    total: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: full_counts({}))
    attendance_seq: int | None = None  # the attendance event now in force
    corrections: int = 0
    signed_in: int = 0
    responses: dict[int, FormResponse] = field(default_factory=dict)  # seq → form
    closed_at: str | None = None
    closing: dict[str, Any] | None = None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def forms(self) -> list[FormResponse]:
        """The forms that count (not taken back), in the order they were entered."""
        return [r for r in self.responses.values() if r.voided is None]

    @property
    def voided(self) -> int:
        return sum(1 for r in self.responses.values() if r.voided is not None)

    def last_form(self) -> FormResponse | None:
        forms = self.forms
        return forms[-1] if forms else None

    def votes(self) -> Counter[str]:
        """Votes per agenda item (every item present, 0 when none)."""
        tally: Counter[str] = Counter({item.id: 0 for item in self.agenda})
        for form in self.forms:
            tally.update(form.votes)
        return tally

    def ranked_agenda(self) -> list[tuple[AgendaItem, int]]:
        """Agenda items by votes, most first (ties in agenda order)."""
        tally = self.votes()
        order = {item.id: i for i, item in enumerate(self.agenda)}
        return sorted(((item, tally[item.id]) for item in self.agenda), key=lambda p: (-p[1], order[p[0].id]))

    def agenda_item(self, item_id: str) -> AgendaItem | None:
        return next((item for item in self.agenda if item.id == item_id), None)


@dataclass
class StaffSurvey:
    """One anonymous staff-survey session."""

    session: str
    instrument: str
    projects: tuple[int, ...]
    title: str
    codes: frozenset[str]  # hashes of the codes handed out
    opened_at: str
    opened_seq: int
    used: set[str] = field(default_factory=set)
    responses: int = 0
    closed_at: str | None = None
    closing: dict[str, Any] | None = None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def codes_left(self) -> int:
        return len(self.codes) - len(self.used)


@dataclass
class Sessions:
    """Every forum and staff survey of a log, by session id, in the order they were opened."""

    forums: dict[str, Forum] = field(default_factory=dict)
    staff: dict[str, StaffSurvey] = field(default_factory=dict)
    head: tuple[int, str] = (0, "")

    def apply(self, event: Event) -> None:
        self.head = (event.seq, event.hash)
        kind, body = event.kind, event.body
        if kind not in KINDS:
            return
        session = str(body.get("session", ""))
        if kind == FORUM_OPENED:
            self.forums[session] = Forum(
                session=session,
                community=str(body.get("community", "")),
                place=str(body.get("place", "")),
                date=str(body.get("date", event.at[:10])),
                projects=tuple(int(p) for p in body.get("projects") or ()),
                facilitators=tuple(str(f) for f in body.get("facilitators") or ()),
                agenda=tuple(AgendaItem(str(a["id"]), str(a["title"])) for a in body.get("agenda") or ()),
                instrument=str(body.get("instrument", "forum-feedback")),
                signin=bool(body.get("signin", False)),
                opened_at=event.at,
                opened_seq=event.seq,
            )
            return
        if kind == STAFF_OPENED:
            self.staff[session] = StaffSurvey(
                session=session,
                instrument=str(body.get("instrument", "")),
                projects=tuple(int(p) for p in body.get("projects") or ()),
                title=str(body.get("title", "")),
                codes=frozenset(str(c) for c in body.get("codes") or ()),
                opened_at=event.at,
                opened_seq=event.seq,
            )
            return
        forum = self.forums.get(session)
        if forum is not None:
            _apply_forum(forum, event)
            return
        survey = self.staff.get(session)
        if survey is not None:
            _apply_staff(survey, event)


def _apply_forum(forum: Forum, event: Event) -> None:
    kind, body = event.kind, event.body
    if kind == FORUM_ATTENDANCE:
        if forum.attendance_seq is not None:
            forum.corrections += 1
        forum.total = int(body.get("total", 0))
        forum.counts = full_counts(body.get("counts") or {})
        forum.attendance_seq = event.seq
    elif kind == FORUM_SIGNIN:
        forum.signed_in = int(body.get("count", 0))
    elif kind == FORUM_RESPONSE:
        forum.responses[event.seq] = FormResponse(
            seq=event.seq,
            at=event.at,
            mode=str(body.get("mode", SELF)),
            instrument=str(body.get("instrument", forum.instrument)),
            answers=dict(body.get("answers") or {}),
            votes=tuple(str(v) for v in body.get("votes") or ()),
        )
    elif kind == FORUM_VOIDED:
        taken = forum.responses.get(int(body.get("response", 0)))
        if taken is not None:
            taken.voided = str(body.get("reason") or "")
    elif kind == FORUM_CLOSED:
        forum.closed_at = event.at
        forum.closing = dict(body)


def _apply_staff(survey: StaffSurvey, event: Event) -> None:
    kind, body = event.kind, event.body
    if kind == STAFF_CODE_USED:
        survey.used.add(str(body.get("code", "")))
    elif kind == STAFF_RESPONSE:
        survey.responses += 1
    elif kind == STAFF_CLOSED:
        survey.closed_at = event.at
        survey.closing = dict(body)


def fold_sessions(events: Iterable[Event], sessions: Sessions | None = None) -> Sessions:
    """Fold ``events`` (in seq order) into ``sessions`` (a new one if None)."""
    state = sessions or Sessions()
    for event in events:
        state.apply(event)
    return state
