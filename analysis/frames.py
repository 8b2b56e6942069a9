"""The central store as tidy pandas DataFrames: what the report counts, and what an analyst starts from.

``load_frames(store, start, end)`` reads the events of a period (Bangkok dates, both ends included) from a
:class:`sync.central.CentralStore` — real devices only unless ``include_demo`` — and folds them into:

``tickets``    one row per issued ticket: device, ticket, number, service (after transfers), origin,
               priority, day, month, issued_at, called_at (first call), started_at, finished_at, counter,
               status (served, no_show, waiting, called, started), recalls, transferred, rated,
               later_served_before (tickets of the same service and day issued later but called first)
``calls``      one row per ``ticket.called``: device, seq, at, day, month, ticket, number, service,
               counter, in_order, reason, approved, priority
``no_shows``   one row per ``ticket.no_show``: device, at, month, ticket, number, service, counter,
               seconds_from_call
``responses``  one row per answered questionnaire (a kiosk rating, or answers imported from paper or
               KoboToolbox/ODK): device, seq, at (when answered), day, month, response (``device:seq``;
               for imported answers ``device:seq:N``, the Nth response of the event), source (kiosk,
               paper, kobo, odk), ticket, service, instrument, project (the plan project imported
               answers are linked to, else NA), identity (an imported answer's own id, such as
               KoboToolbox's ``_uuid``; a rating's is its response id)
``answers``    long form, one row per answered item: response, instrument, item, value, and score
               (the value as a number, NaN for text)
``refused``    one row per refused rating attempt: device, at, month, code
``forums``     one row per community forum (``forum.opened`` …, folded by session id): device, session,
               community, place, date (the forum's day), projects, instrument, closed, total, one count
               per head-count band (``gender_male`` … ``role_other``: :data:`surveys.forum.sessions.BANDS`),
               forms (not taken back), voided, signin (how many signed in; never a name)
``votes``      one row per agenda item of a forum: device, session, community, date, agenda (its id in
               the forum), title, votes (from the forms not taken back)
``staff``      one row per staff survey: device, session, instrument, projects, title, date, closed,
               codes_issued, codes_used, responses
``complaints`` one row per complaint or corruption tip received in the period (``complaint.received``,
               then its ``complaint.step`` events up to the period's end): device, code, series (``C`` a
               complaint, ``T`` a tip), channel, category, received_at, day, month, due (a date), status
               (received, assigned, in_progress, done, explained), steps (after received), closed_at,
               closed_by (done or explained, else NA), late (closed after ``due``, or still open after
               it at the period's end), days_to_close (calendar days from the day received), subject,
               details (the complainant's words: only the staff edition shows them). Contact details
               are never read (they are sealed to the officer's key anyway).

A rating of a closed complaint (``complaint.rated``: it names no complaint) is a row of ``responses`` with
source ``complaint``, project 9 (the plan's complaint-handling measure) and its answers.

A forum's form (``forum.response``, unless a later ``forum.response.voided`` takes it back) and a staff
survey's response (``staff_survey.response``) are rows of ``responses`` too: source ``forum`` or
``staff``, the instrument of their body, project = the first project of their session (NA if its
opening was not read), no ticket or service, ``at`` the event's time; their answers rows of ``answers``.

Times are ``datetime64[ns, Asia/Bangkok]``. The same folding serves the report and a notebook:

    >>> from sync.central import CentralStore
    >>> from analysis.frames import load_frames
    >>> frames = load_frames(CentralStore.open(home), date(2024, 10, 1), date(2025, 9, 30))
    >>> frames.responses.groupby("service").size()

``evidence`` says what was read: per device the seq range, the hash of the last event read, and one
digest over every event used (its stored line, which names its device, seq and chain hash), so that
anyone holding the same store can check that the report rests on the same events (``prongsai report check``).
"""

from __future__ import annotations

import hashlib
import heapq
from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import orjson
import pandas as pd

from analysis import complaints
from surveys.forum import sessions as forum
from sync.central import CentralStore

TZ = "Asia/Bangkok"
KINDS = (
    "ticket.reserved",
    "ticket.issued",
    "ticket.called",
    "ticket.recalled",
    "ticket.started",
    "ticket.finished",
    "ticket.no_show",
    "ticket.no_show_undone",
    "ticket.transferred",
    "rating.given",
    "rating.refused",
    *forum.KINDS,
    *complaints.KINDS,
)
IMPORTED = "answers.imported"
"""Answers brought in from paper or KoboToolbox/ODK (``prongsai answers import``): read whenever they were
imported, and counted by the day they were answered."""
"""The event kinds a report reads (the others, such as ``pin.failed``, say nothing about a target)."""

TICKET_COLUMNS = (
    "device", "ticket", "number", "service", "origin", "priority", "day", "month", "issued_at",
    "called_at", "started_at", "finished_at", "counter", "status", "recalls", "transferred", "rated",
    "later_served_before",
)  # fmt: skip
CALL_COLUMNS = (
    "device", "seq", "at", "day", "month", "ticket", "number", "service", "counter", "in_order",
    "reason", "approved", "priority",
)  # fmt: skip
NO_SHOW_COLUMNS = ("device", "at", "month", "ticket", "number", "service", "counter", "seconds_from_call")
RESPONSE_COLUMNS = (
    "device",
    "seq",
    "at",
    "day",
    "month",
    "response",
    "source",
    "ticket",
    "service",
    "instrument",
    "project",
    "identity",
)
ANSWER_COLUMNS = ("response", "instrument", "item", "value")
REFUSED_COLUMNS = ("device", "at", "month", "code")
BAND_COLUMNS = tuple(f"{group}_{band}" for group, bands in forum.BANDS.items() for band, *_ in bands)
FORUM_COLUMNS = (
    "device", "session", "community", "place", "date", "projects", "instrument", "closed", "total",
    *BAND_COLUMNS, "forms", "voided", "signin",
)  # fmt: skip
VOTE_COLUMNS = ("device", "session", "community", "date", "agenda", "title", "votes")
STAFF_COLUMNS = (
    "device", "session", "instrument", "projects", "title", "date", "closed", "codes_issued", "codes_used",
    "responses",
)  # fmt: skip


@dataclass(frozen=True)
class DeviceEvidence:
    """What was read of one device: its seq range in the period and the chain hash of the last one."""

    device: str
    first_seq: int
    last_seq: int
    head: str
    events: int


@dataclass
class Evidence:
    devices: dict[str, DeviceEvidence] = field(default_factory=dict)
    digest: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "devices": {
                d: {"first_seq": e.first_seq, "last_seq": e.last_seq, "head": e.head, "events": e.events}
                for d, e in sorted(self.devices.items())
            },
        }


@dataclass
class Frames:
    tickets: pd.DataFrame
    calls: pd.DataFrame
    no_shows: pd.DataFrame
    responses: pd.DataFrame
    answers: pd.DataFrame
    refused: pd.DataFrame
    evidence: Evidence
    start: date
    end: date
    forums: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(FORUM_COLUMNS)))
    votes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(VOTE_COLUMNS)))
    staff: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(STAFF_COLUMNS)))
    complaints: pd.DataFrame = field(default_factory=complaints.empty_frame)


@dataclass
class _Forum:
    """A forum as its events so far say (the report's own small fold, by session id)."""

    device: str
    session: str
    community: str
    place: str
    day: str
    projects: tuple[int, ...]
    instrument: str
    agenda: list[tuple[str, str]]
    total: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: forum.full_counts({}))
    forms: dict[int, tuple[str, ...]] = field(default_factory=dict)  # seq → votes, forms not taken back
    voided: int = 0
    signin: int = 0
    closed: bool = False


@dataclass
class _Staff:
    device: str
    session: str
    instrument: str
    projects: tuple[int, ...]
    title: str
    day: str
    codes_issued: int
    codes_used: int = 0
    responses: int = 0
    closed: bool = False


@dataclass
class _Sessions:
    """Forums and staff surveys being folded, and their responses held back until the end (a form can be
    taken back by a later event)."""

    forums: dict[str, _Forum] = field(default_factory=dict)
    staff: dict[str, _Staff] = field(default_factory=dict)
    held: dict[tuple[str, int], tuple[tuple[Any, ...], dict[str, Any]]] = field(default_factory=dict)

    def apply(self, dev: str, seq: int, kind: str, at: str, body: dict[str, Any]) -> None:
        session = str(body.get("session", ""))
        if kind == forum.FORUM_OPENED:
            self.forums[session] = _Forum(
                dev, session, str(body.get("community", "")), str(body.get("place", "")),
                str(body.get("date") or at[:10]), tuple(int(p) for p in body.get("projects") or ()),
                str(body.get("instrument", "")),
                [(str(a.get("id")), str(a.get("title"))) for a in body.get("agenda") or ()],
            )  # fmt: skip
        elif kind == forum.STAFF_OPENED:
            self.staff[session] = _Staff(
                dev, session, str(body.get("instrument", "")),
                tuple(int(p) for p in body.get("projects") or ()), str(body.get("title", "")), at[:10],
                len(body.get("codes") or ()),
            )  # fmt: skip
        elif kind in (forum.FORUM_RESPONSE, forum.STAFF_RESPONSE):
            f = self.forums.get(session) if kind == forum.FORUM_RESPONSE else None
            s = self.staff.get(session) if kind == forum.STAFF_RESPONSE else None
            if f is not None:
                f.forms[seq] = tuple(str(v) for v in body.get("votes") or ())
            if s is not None:
                s.responses += 1
            projects = f.projects if f is not None else s.projects if s is not None else ()
            response = f"{dev}:{seq}"
            source = "forum" if kind == forum.FORUM_RESPONSE else "staff"
            instrument = str(body.get("instrument"))
            project = projects[0] if projects else None
            row = (dev, seq, at, response, source, None, None, instrument, project, response)
            self.held[(dev, seq)] = (row, dict(body.get("answers") or {}))
        elif kind == forum.FORUM_VOIDED:
            taken = int(body.get("response", 0))
            if self.held.pop((dev, taken), None) is not None:
                f = self.forums.get(session)
                if f is not None:
                    f.forms.pop(taken, None)
                    f.voided += 1
        elif kind == forum.FORUM_ATTENDANCE:
            f = self.forums.get(session)
            if f is not None:
                f.total, f.counts = int(body.get("total", 0)), forum.full_counts(body.get("counts") or {})
        elif kind == forum.FORUM_SIGNIN:
            f = self.forums.get(session)
            if f is not None:
                f.signin = int(body.get("count", 0))
        elif kind == forum.FORUM_CLOSED:
            f = self.forums.get(session)
            if f is not None:
                f.closed = True
        elif kind == forum.STAFF_CODE_USED:
            s = self.staff.get(session)
            if s is not None:
                s.codes_used += 1
        elif kind == forum.STAFF_CLOSED:
            s = self.staff.get(session)
            if s is not None:
                s.closed = True

    def forums_frame(self) -> pd.DataFrame:
        rows = [
            (f.device, f.session, f.community, f.place, date.fromisoformat(f.day), f.projects, f.instrument,
             f.closed, f.total, *(n for group in f.counts.values() for n in group.values()), len(f.forms),
             f.voided, f.signin)
            for f in self.forums.values()
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=list(FORUM_COLUMNS))

    def votes_frame(self) -> pd.DataFrame:
        rows = []
        for f in self.forums.values():
            tally = {item: 0 for item, _ in f.agenda}
            for picked in f.forms.values():
                for item in picked:
                    tally[item] = tally.get(item, 0) + 1
            titles, day = dict(f.agenda), date.fromisoformat(f.day)
            for item, votes in tally.items():
                rows.append((f.device, f.session, f.community, day, item, titles.get(item, item), votes))
        return pd.DataFrame(rows, columns=list(VOTE_COLUMNS))

    def staff_frame(self) -> pd.DataFrame:
        rows = [
            (s.device, s.session, s.instrument, s.projects, s.title, date.fromisoformat(s.day), s.closed,
             s.codes_issued, s.codes_used, s.responses)
            for s in self.staff.values()
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=list(STAFF_COLUMNS))


@dataclass
class _Ticket:
    device: str
    ticket: str
    number: str
    service: str
    origin: str
    priority: str | None
    reserved_at: str
    issued_at: str | None = None
    called_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    counter: int | None = None
    status: str = "waiting"
    recalls: int = 0
    transferred: bool = False
    rated: bool = False


def load_frames(
    store: CentralStore,
    start: date,
    end: date,
    *,
    include_demo: bool = False,
    progress: Any = None,
) -> Frames:
    """The period's events of ``store`` (``start`` … ``end``, Bangkok dates) as :class:`Frames`."""
    stop = (end + timedelta(days=1)).isoformat()
    counted = store.report_rows(KINDS, start.isoformat(), stop, include_demo)
    imported = store.report_rows((IMPORTED,), "0000-01-01", "9999-12-31", include_demo)
    return frames_from_rows(heapq.merge(counted, imported, key=lambda row: (row[0], row[1])), start, end)


def frames_from_rows(rows: Iterable[tuple[str, int, str, str, str, str]], start: date, end: date) -> Frames:
    """Fold ``(device, seq, kind, at, hash, line)`` rows (``line``: the event's JSON), in device and seq
    order, into frames."""
    digest = hashlib.sha256()
    evidence = Evidence()
    tickets: dict[tuple[str, str], _Ticket] = {}
    calls: list[tuple[Any, ...]] = []
    no_shows: list[tuple[Any, ...]] = []
    responses: list[tuple[Any, ...]] = []
    answer_response: list[int] = []  # the response's row in ``responses``
    answer_instrument: list[str] = []
    answer_item: list[str] = []
    answer_value: list[Any] = []
    refused: list[tuple[Any, ...]] = []
    first_calls: dict[tuple[str, str], str] = {}
    sessions = _Sessions()
    cases = complaints.Fold()
    first_day, last_day = start.isoformat(), end.isoformat()
    device = ""
    first = last = count = 0
    head = ""
    for dev, seq, kind, at, chain_hash, line in rows:
        if dev != device:
            if device:
                evidence.devices[device] = DeviceEvidence(device, first, last, head, count)
            device, first, count = dev, seq, 0
        last, head, count = seq, chain_hash, count + 1
        encoded = line.encode()
        digest.update(encoded + b"\n")  # the stored line names its device, seq and chain hash
        body = orjson.loads(encoded)["body"]
        ticket_id = body.get("ticket")
        key = (dev, ticket_id)
        if kind == "ticket.reserved":
            tickets[key] = _Ticket(
                dev, ticket_id, body["number"], body["service"], body["service"], body.get("priority"), at
            )
            continue
        if kind == "rating.given":
            response = f"{dev}:{seq}"
            instrument = str(body.get("instrument"))
            given = body.get("answers") or {}
            answer_response.extend([len(responses)] * len(given))
            answer_instrument.extend([instrument] * len(given))
            answer_item.extend(given.keys())
            answer_value.extend(given.values())
            responses.append(
                (dev, seq, at, response, "kiosk", ticket_id, body.get("service"), instrument, None, response)
            )
            known = tickets.get(key)
            if known is not None:
                known.rated = True
            continue
        if kind == IMPORTED:  # many responses of one file (analysis.answers.importing)
            instrument = str(body.get("instrument"))
            source = str(body.get("source") or "import")
            project = body.get("project")
            for position, one in enumerate(body.get("responses") or ()):
                answered = str(one.get("answered_at") or at)
                if not first_day <= answered[:10] <= last_day:
                    continue  # answered outside the period (the import day does not matter)
                given = one.get("answers") or {}
                answer_response.extend([len(responses)] * len(given))
                answer_instrument.extend([instrument] * len(given))
                answer_item.extend(given.keys())
                answer_value.extend(given.values())
                response = f"{dev}:{seq}:{position + 1}"
                identity = str(one.get("identity") or response)
                responses.append(
                    (dev, seq, answered, response, source, None, None, instrument, project, identity)
                )
            continue
        if kind in forum.KINDS:
            sessions.apply(dev, seq, kind, at, body)
            continue
        if kind == complaints.RATED:  # names no complaint: the instrument promises it
            response = f"{dev}:{seq}"
            instrument = str(body.get("instrument"))
            given = body.get("answers") or {}
            answer_response.extend([len(responses)] * len(given))
            answer_instrument.extend([instrument] * len(given))
            answer_item.extend(given.keys())
            answer_value.extend(given.values())
            responses.append(
                (dev, seq, at, response, "complaint", None, None, instrument, complaints.PROJECT, response)
            )
            continue
        if kind in complaints.KINDS:
            cases.apply(dev, kind, at, body)
            continue
        if kind == "rating.refused":
            refused.append((dev, at, body.get("code") or body.get("reason")))
            continue
        t = tickets.get(key)
        if t is None:  # its reservation lies before the period (or is missing): nothing to fold into
            continue
        if kind == "ticket.issued":
            t.issued_at = at
        elif kind == "ticket.called":
            counter = int(body["counter"])
            first_call = first_calls.setdefault(key, at)
            t.called_at, t.counter, t.status, t.recalls = first_call, counter, "called", 0
            calls.append(
                (dev, seq, at, t.ticket, t.number, t.service, counter, bool(body.get("in_order", True)),
                 body.get("reason"), body.get("approved"), t.priority)
            )  # fmt: skip
        elif kind == "ticket.recalled":
            t.recalls += 1
        elif kind == "ticket.started":
            t.started_at, t.status = at, "started"
        elif kind == "ticket.finished":
            t.finished_at, t.status = at, "served"
        elif kind == "ticket.no_show":
            t.status = "no_show"
            no_shows.append(
                (dev, at, t.ticket, t.number, t.service, int(body["counter"]), first_calls.get(key))
            )
        elif kind == "ticket.no_show_undone":
            t.status = "waiting"
            if no_shows and no_shows[-1][2] == t.ticket:
                no_shows.pop()
        elif kind == "ticket.transferred":
            t.service, t.transferred, t.status, t.counter = body["to_service"], True, "waiting", None
            t.called_at = t.started_at = None
            first_calls.pop(key, None)
    if device:
        evidence.devices[device] = DeviceEvidence(device, first, last, head, count)
    evidence.digest = "sha256:" + digest.hexdigest()
    for row, given in sessions.held.values():  # forms and staff responses still standing, in seq order
        answer_response.extend([len(responses)] * len(given))
        answer_instrument.extend([row[7]] * len(given))
        answer_item.extend(given.keys())
        answer_value.extend(given.values())
        responses.append(row)
    issued = [t for t in tickets.values() if t.issued_at is not None]
    return Frames(
        tickets=_tickets_frame(issued),
        calls=_with_days(pd.DataFrame(calls, columns=[c for c in CALL_COLUMNS if c not in ("day", "month")])),
        no_shows=_no_shows_frame(no_shows),
        responses=_responses_frame(responses),
        answers=_answers_frame(
            [r[3] for r in responses], answer_response, answer_instrument, answer_item, answer_value
        ),
        refused=_with_days(pd.DataFrame(refused, columns=["device", "at", "code"]), day=False),
        evidence=evidence,
        start=start,
        end=end,
        forums=sessions.forums_frame(),
        votes=sessions.votes_frame(),
        staff=sessions.staff_frame(),
        complaints=cases.frame(end),
    )


def load_forums(store: CentralStore, start: date, end: date, *, include_demo: bool = False) -> pd.DataFrame:
    """The ``forums`` frame alone of ``start`` … ``end`` (reads only the forum events: a year's comparison
    with the one before does not read that year's tickets)."""
    stop = (end + timedelta(days=1)).isoformat()
    rows = store.report_rows(forum.FORUM_KINDS, start.isoformat(), stop, include_demo)
    return frames_from_rows(rows, start, end).forums


def load_complaints(
    store: CentralStore, start: date, end: date, *, include_demo: bool = False
) -> pd.DataFrame:
    """The ``complaints`` frame alone of ``start`` … ``end`` (a year's count of complaints against the
    year before reads only the complaint events)."""
    stop = (end + timedelta(days=1)).isoformat()
    rows = store.report_rows(complaints.CASE_KINDS, start.isoformat(), stop, include_demo)
    return frames_from_rows(rows, start, end).complaints


def _responses_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    frame = _with_days(pd.DataFrame(rows, columns=[c for c in RESPONSE_COLUMNS if c not in ("day", "month")]))
    frame["project"] = frame["project"].astype("Int64")
    return frame


def _answers_frame(
    ids: list[str], rows: list[int], instruments: list[str], items: list[str], values: list[Any]
) -> pd.DataFrame:
    """The long answers table; ``response`` is categorical over the responses' ids (cheap to group and
    match), ``score`` the value as a number (NaN for text) for the arithmetic."""
    value = pd.Series(values, dtype=object)
    return pd.DataFrame(
        {
            "response": pd.Categorical.from_codes(rows, categories=pd.Index(ids, dtype=object))
            if ids
            else pd.Categorical([], categories=pd.Index([], dtype=object)),
            "instrument": pd.Categorical(instruments),
            "item": pd.Categorical(items),
            "value": value,
            "score": pd.to_numeric(value, errors="coerce").astype("float64"),
        },
        columns=[*ANSWER_COLUMNS, "score"],
    )


def _times(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="ISO8601", utc=True).dt.tz_convert(TZ)


def _with_days(frame: pd.DataFrame, *, day: bool = True) -> pd.DataFrame:
    """``at`` as Bangkok time, with its ``day`` (a date) and ``month`` ("YYYY-MM") beside it."""
    frame["at"] = _times(frame["at"])
    if day:
        frame.insert(frame.columns.get_loc("at") + 1, "day", frame["at"].dt.date)
    frame.insert(frame.columns.get_loc("at") + (2 if day else 1), "month", frame["at"].dt.strftime("%Y-%m"))
    return frame


def _no_shows_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["device", "at", "ticket", "number", "service", "counter", "called"])
    frame = _with_days(frame, day=False)
    called = _times(frame["called"])
    frame["seconds_from_call"] = (frame["at"] - called).dt.total_seconds()
    return frame.drop(columns=["called"])[list(NO_SHOW_COLUMNS)]


def _tickets_frame(tickets: list[_Ticket]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            (t.device, t.ticket, t.number, t.service, t.origin, t.priority, t.issued_at, t.called_at,
             t.started_at, t.finished_at, t.counter, t.status, t.recalls, t.transferred, t.rated)
            for t in tickets
        ],
        columns=["device", "ticket", "number", "service", "origin", "priority", "issued_at", "called_at",
                 "started_at", "finished_at", "counter", "status", "recalls", "transferred", "rated"],
    )  # fmt: skip
    for column in ("issued_at", "called_at", "started_at", "finished_at"):
        frame[column] = _times(frame[column])
    frame["counter"] = frame["counter"].astype("Int64")
    frame.insert(6, "day", frame["issued_at"].dt.date)
    frame.insert(7, "month", frame["issued_at"].dt.strftime("%Y-%m"))
    frame["later_served_before"] = _overtaken(frame)
    return frame[list(TICKET_COLUMNS)]


def _overtaken(frame: pd.DataFrame) -> pd.Series:
    """For each ticket, how many tickets of its service and day, issued after it, were called before it
    (a ticket never called counts those called at all)."""
    result = pd.Series(0, index=frame.index, dtype="int64")
    if frame.empty:
        return result
    never = pd.Timestamp("2200-01-01", tz=TZ)  # after every call: a ticket never called
    for _, group in frame.groupby(["device", "origin", "day"], sort=False):
        ordered = group.sort_values("issued_at")
        later_calls: list[pd.Timestamp] = []  # first-call times of the tickets issued after this one
        for index, called in zip(
            reversed(ordered.index), reversed(ordered["called_at"].tolist()), strict=True
        ):
            mine = never if pd.isna(called) else called
            result.at[index] = bisect_left(later_calls, mine)
            if not pd.isna(called):
                insort(later_calls, called)
    return result
