"""The forum desk: community forums and anonymous staff surveys, run by the laptop's own office.

:class:`ForumDesk` is the one place that appends the forum and staff-survey events (``surveys/forum``
lists them) to the office's log, under the office's lock, after checking each request against the
folded sessions: attendance that adds up, answers the instrument accepts, votes for the session's
agenda, a code that was handed out and not used. A refusal is an :class:`OfficeError` in Thai and
English; nothing is written then.

Privacy: a sign-in list (off unless the session was opened with it) is written only to
``HOME/private/forum-signin/SESSION.csv`` on this laptop; the log records how many signed. A staff
survey's codes are stored as hashes, used codes in their own event, and a response carries neither a
code nor a name nor the terminal that sent it.
"""

from __future__ import annotations

import csv
import io
import secrets
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.office.service import LocalOffice, OfficeError
from surveys.content.answers import validate_answers
from surveys.content.instruments import Instrument, instruments_of
from surveys.forum.sessions import (
    CLERK,
    FORUM_ATTENDANCE,
    FORUM_CLOSED,
    FORUM_OPENED,
    FORUM_RESPONSE,
    FORUM_SIGNIN,
    FORUM_VOIDED,
    MAX_AGENDA,
    MAX_VOTES,
    MODES,
    STAFF_CLOSED,
    STAFF_CODE_USED,
    STAFF_OPENED,
    STAFF_RESPONSE,
    FormResponse,
    Forum,
    Sessions,
    StaffSurvey,
    attendance_problem,
    code_hash,
    fold_sessions,
    full_counts,
    normalise_code,
)
from surveys.log.event import EventError, check_value

if TYPE_CHECKING:
    from surveys.log.event import Event

CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read right off a paper slip
CODE_LENGTH = 6
MAX_CODES = 2000
PRIVATE = "private"
SIGNIN_FOLDER = "forum-signin"
SIGNIN_RETENTION_DAYS = 365  # said in the PDPA notice; the README tells how to delete older lists


def new_session_id() -> str:
    import uuid6

    return str(uuid6.uuid7())


def format_code(code: str) -> str:
    """A code as printed on a slip: ``ACD-479``."""
    plain = normalise_code(code)
    return f"{plain[:3]}-{plain[3:]}"


def read_agenda_csv(path: Path) -> list[str]:
    """Agenda items from a CSV: a column named ``title`` (or ``รายการ``/``เรื่อง``), else the first column;
    UTF-8 with or without BOM. Blank rows are skipped."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise OfficeError(
            "agenda_file",
            f"อ่านไฟล์ {path} ไม่ได้: {exc.strerror or exc}",
            f"{path} can't be read: {exc.strerror or exc}",
        ) from None
    except UnicodeDecodeError:
        raise OfficeError(
            "agenda_file",
            f"ไฟล์ {path} ไม่ใช่ UTF-8 (บันทึกเป็น CSV UTF-8 แล้วลองอีกครั้ง)",
            f"{path} is not UTF-8 (save it as CSV UTF-8 and try again)",
        ) from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().casefold() for cell in rows[0]]
    column = next((header.index(n) for n in ("title", "รายการ", "เรื่อง") if n in header), None)
    body = rows[1:] if column is not None else rows
    column = column or 0
    return [row[column].strip() for row in body if len(row) > column and row[column].strip()]


class ForumDesk:
    """Forums and staff surveys on ``office``'s log (which must be this process's own office)."""

    def __init__(self, office: LocalOffice, instruments: Mapping[str, Instrument] | None = None) -> None:
        self.office = office
        self._instruments = dict(instruments) if instruments is not None else None
        self._lock = threading.RLock()
        self.sessions: Sessions = fold_sessions(office.history())

    # -- plumbing ---------------------------------------------------------------------------------

    @property
    def instruments(self) -> dict[str, Instrument]:
        if self._instruments is None:
            self._instruments = instruments_of(self.office.home)
        return self._instruments

    def instrument(self, instrument_id: str) -> Instrument:
        found = self.instruments.get(instrument_id)
        if found is None:
            raise OfficeError(
                "unknown_instrument",
                f"ไม่มีแบบสอบถาม {instrument_id}",
                f"there is no instrument {instrument_id!r}",
            )
        return found

    def _record(self, *items: tuple[str, dict[str, Any]]) -> list[Event]:
        """Append ``(kind, body)`` events in one batch (stamped by the office's clock, naming no user)."""
        events = self.office.record(*items)
        for event in events:
            self.sessions.apply(event)
        return events

    def forum(self, session: str) -> Forum:
        found = self.sessions.forums.get(session)
        if found is None:
            raise OfficeError("unknown_session", f"ไม่พบเวที {session}", f"there is no forum {session!r}")
        return found

    def _open_forum(self, session: str) -> Forum:
        forum = self.forum(session)
        if forum.closed:
            raise OfficeError(
                "forum_closed",
                f"ปิดเวทีที่{forum.community}แล้ว บันทึกเพิ่มไม่ได้",
                f"the forum at {forum.community} is closed: nothing more can be recorded",
            )
        return forum

    def survey(self, session: str) -> StaffSurvey:
        found = self.sessions.staff.get(session)
        if found is None:
            raise OfficeError(
                "unknown_session", f"ไม่พบการสำรวจ {session}", f"there is no staff survey {session!r}"
            )
        return found

    def open_forums(self) -> list[Forum]:
        return [f for f in self.sessions.forums.values() if not f.closed]

    def open_surveys(self) -> list[StaffSurvey]:
        return [s for s in self.sessions.staff.values() if not s.closed]

    # -- forums -----------------------------------------------------------------------------------

    def open_forum(
        self,
        community: str,
        place: str,
        day: date,
        projects: Sequence[int],
        facilitators: Sequence[str],
        agenda: Iterable[str],
        *,
        instrument: str = "forum-feedback",
        signin: bool = False,
    ) -> Forum:
        """Open a forum; ``agenda`` are the development-plan items put to it (titles, in order)."""
        community, place = community.strip(), place.strip()
        if not community:
            raise OfficeError(
                "community_missing", "ใส่ชื่อชุมชนหรือหมู่ที่", "give the community (village number or name)"
            )
        if not place:
            raise OfficeError("place_missing", "ใส่สถานที่จัดเวที", "give the place of the forum")
        titles = [t.strip() for t in agenda if t.strip()]
        if len(titles) > MAX_AGENDA:
            raise OfficeError(
                "agenda_too_long", f"วาระได้ไม่เกิน {MAX_AGENDA} เรื่อง", f"at most {MAX_AGENDA} agenda items"
            )
        if len(set(titles)) != len(titles):
            raise OfficeError("agenda_repeated", "มีเรื่องในวาระซ้ำกัน", "an agenda item is repeated")
        self.instrument(instrument)
        if any(not isinstance(p, int) or p < 1 for p in projects):
            raise OfficeError(
                "bad_project", "เลขโครงการต้องเป็นจำนวนเต็มบวก", "project numbers are positive whole numbers"
            )
        body: dict[str, Any] = {
            "session": new_session_id(),
            "community": community,
            "place": place,
            "date": day.isoformat(),
            "projects": sorted(set(projects)),
            "facilitators": [f.strip() for f in facilitators if f.strip()],
            "agenda": [{"id": f"a{i}", "title": t} for i, t in enumerate(titles, start=1)],
            "instrument": instrument,
            "signin": bool(signin),
        }
        with self._lock:
            self._record((FORUM_OPENED, body))
            return self.forum(body["session"])

    def record_attendance(
        self, session: str, total: int, counts: Mapping[str, Mapping[str, int]], reason: str | None = None
    ) -> Forum:
        """Head counts by band; a second call corrects the first and must say why (``reason``)."""
        problem = attendance_problem(total, counts)
        if problem is not None:
            raise OfficeError("attendance_sum", *problem)
        with self._lock:
            forum = self._open_forum(session)
            why = (reason or "").strip()
            if forum.attendance_seq is not None and not why:
                raise OfficeError(
                    "reason_required",
                    "การแก้ไขจำนวนผู้เข้าร่วมต้องระบุเหตุผล",
                    "a correction of the attendance needs a reason",
                )
            self._record(
                (
                    FORUM_ATTENDANCE,
                    {
                        "session": session,
                        "total": int(total),
                        "counts": full_counts(counts),
                        "replaces": forum.attendance_seq,
                        "reason": why or None,
                    },
                )
            )
            return forum

    def signin_path(self, session: str) -> Path:
        return self.office.home / PRIVATE / SIGNIN_FOLDER / f"{session}.csv"

    def purge_signin_lists(self, today: date) -> list[str]:
        """Delete the sign-in lists kept longer than the notice promised (:data:`SIGNIN_RETENTION_DAYS`
        after the forum's day); returns the sessions whose list was deleted. The log keeps the counts."""
        purged: list[str] = []
        for forum in self.sessions.forums.values():
            path = self.signin_path(forum.session)
            if not forum.signin or not path.exists():
                continue
            if (today - date.fromisoformat(forum.date)).days <= SIGNIN_RETENTION_DAYS:
                continue
            try:
                path.unlink()
            except OSError as exc:
                raise OfficeError(
                    "signin_purge",
                    f"ลบรายชื่อผู้ลงทะเบียนที่เก็บครบกำหนดแล้วไม่ได้ ({path}): {exc.strerror or exc}",
                    f"a sign-in list past its keeping time can't be deleted ({path}): {exc.strerror or exc}",
                ) from None
            purged.append(forum.session)
        return purged

    def sign_in(self, session: str, name: str) -> int:
        """Add one name to the forum's sign-in list (kept on this laptop only); returns how many signed."""
        name = " ".join(name.split())
        if not name:
            raise OfficeError("name_missing", "ใส่ชื่อ", "give a name")
        with self._lock:
            forum = self._open_forum(session)
            if not forum.signin:
                raise OfficeError(
                    "signin_off", "เวทีนี้ไม่ได้เปิดรายชื่อผู้ลงทะเบียน", "this forum keeps no sign-in list"
                )
            path = self.signin_path(session)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("a", encoding="utf-8", newline="") as handle:
                    csv.writer(handle).writerow([name])
            except OSError as exc:
                raise OfficeError(
                    "signin_write",
                    f"บันทึกรายชื่อไม่ได้: {exc.strerror or exc}",
                    f"the sign-in list can't be written: {exc.strerror or exc}",
                ) from None
            count = forum.signed_in + 1
            self._record((FORUM_SIGNIN, {"session": session, "count": count}))
            return count

    def submit_form(
        self, session: str, answers: Mapping[str, Any], votes: Sequence[str] = (), mode: str = CLERK
    ) -> FormResponse:
        """One participant's form (answers to the forum's instrument) and their votes on the agenda."""
        if mode not in MODES:
            raise OfficeError("bad_mode", f"ไม่รู้จักวิธีกรอก {mode}", f"unknown entry mode {mode!r}")
        with self._lock:
            forum = self._open_forum(session)
            clean = self._checked_answers(forum.instrument, answers)
            picked = list(dict.fromkeys(votes))
            if len(picked) != len(votes):
                raise OfficeError(
                    "vote_repeated",
                    "เลือกเรื่องเดิมซ้ำ",
                    "the same agenda item was picked twice",
                )
            if len(picked) > MAX_VOTES:
                raise OfficeError(
                    "too_many_votes",
                    f"เลือกได้ไม่เกิน {MAX_VOTES} เรื่อง",
                    f"at most {MAX_VOTES} agenda items may be picked",
                )
            unknown = [v for v in picked if forum.agenda_item(v) is None]
            if unknown:
                raise OfficeError(
                    "unknown_vote", f"ไม่มีเรื่อง {unknown[0]} ในวาระ", f"{unknown[0]!r} is not on the agenda"
                )
            [event] = self._record(
                (
                    FORUM_RESPONSE,
                    {
                        "session": session,
                        "instrument": forum.instrument,
                        "mode": mode,
                        "answers": clean,
                        "votes": picked,
                    },
                )
            )
            return forum.responses[event.seq]

    def void_last_form(self, session: str, reason: str) -> FormResponse:
        """Take back the last form that counts (a correction event; the form stays in the log)."""
        why = reason.strip()
        if not why:
            raise OfficeError(
                "reason_required", "การยกเลิกแบบฟอร์มต้องระบุเหตุผล", "taking a form back needs a reason"
            )
        with self._lock:
            forum = self._open_forum(session)
            last = forum.last_form()
            if last is None:
                raise OfficeError("no_form", "ยังไม่มีแบบฟอร์มให้ยกเลิก", "there is no form to take back")
            self._record((FORUM_VOIDED, {"session": session, "response": last.seq, "reason": why}))
            return last

    def close_forum(self, session: str) -> Forum:
        """Close the forum: its final counts and the log's head are recorded; nothing is added after."""
        with self._lock:
            forum = self._open_forum(session)
            if forum.attendance_seq is None:
                raise OfficeError(
                    "attendance_missing",
                    "บันทึกจำนวนผู้เข้าร่วมก่อนปิดเวที",
                    "record the attendance before closing the forum",
                )
            seq, digest = self.office.head()
            self._record(
                (
                    FORUM_CLOSED,
                    {
                        "session": session,
                        "total": forum.total,
                        "counts": forum.counts,
                        "forms": len(forum.forms),
                        "voided": forum.voided,
                        "votes": dict(forum.votes()),
                        "signin": forum.signed_in,
                        "head": {"seq": seq, "hash": digest},
                    },
                )
            )
            return forum

    # -- staff surveys ----------------------------------------------------------------------------

    def open_staff_survey(
        self, instrument: str, projects: Sequence[int], title: str, codes: int
    ) -> tuple[StaffSurvey, list[str]]:
        """Open an anonymous staff survey with ``codes`` one-time codes; returns the codes to print on
        slips (they are never stored: the log keeps their hashes)."""
        self.instrument(instrument)
        if not 1 <= codes <= MAX_CODES:
            raise OfficeError(
                "bad_code_count",
                f"จำนวนรหัสต้องอยู่ระหว่าง 1 ถึง {MAX_CODES}",
                f"the number of codes must be 1 to {MAX_CODES}",
            )
        session = new_session_id()
        plain: set[str] = set()
        while len(plain) < codes:
            plain.add("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
        printed = sorted(plain)
        body = {
            "session": session,
            "instrument": instrument,
            "projects": sorted(set(projects)),
            "title": title.strip(),
            "codes": sorted(code_hash(session, c) for c in printed),
        }
        with self._lock:
            self._record((STAFF_OPENED, body))
            return self.survey(session), [format_code(c) for c in printed]

    def check_code(self, session: str, code: str) -> None:
        """Refuse (OfficeError) a code that was not handed out for this survey, or was used."""
        survey = self.survey(session)
        digest = code_hash(session, code)
        if digest not in survey.codes:
            raise OfficeError(
                "unknown_code",
                "รหัสนี้ไม่ใช่รหัสของการสำรวจนี้ ตรวจสอบตัวอักษรบนใบรหัสอีกครั้ง",
                "this code is not one of this survey's: check the letters on the slip",
            )
        if digest in survey.used:
            raise OfficeError(
                "code_used",
                "รหัสนี้ใช้ตอบไปแล้ว หนึ่งรหัสตอบได้ครั้งเดียว",
                "this code has been used: each code answers once",
            )

    def submit_staff_response(self, session: str, code: str, answers: Mapping[str, Any]) -> StaffSurvey:
        """One anonymous response, let in by an unused code (the code is recorded apart, as a hash)."""
        with self._lock:
            survey = self.survey(session)
            if survey.closed:
                raise OfficeError("survey_closed", "ปิดการสำรวจนี้แล้ว", "this survey is closed")
            self.check_code(session, code)
            clean = self._checked_answers(survey.instrument, answers)
            self._record(
                (STAFF_CODE_USED, {"session": session, "code": code_hash(session, code)}),
                (STAFF_RESPONSE, {"session": session, "instrument": survey.instrument, "answers": clean}),
            )
            return survey

    def close_staff_survey(self, session: str) -> StaffSurvey:
        with self._lock:
            survey = self.survey(session)
            if survey.closed:
                raise OfficeError("survey_closed", "ปิดการสำรวจนี้แล้ว", "this survey is closed")
            seq, digest = self.office.head()
            self._record(
                (
                    STAFF_CLOSED,
                    {
                        "session": session,
                        "responses": survey.responses,
                        "codes_issued": len(survey.codes),
                        "codes_used": len(survey.used),
                        "head": {"seq": seq, "hash": digest},
                    },
                )
            )
            return survey

    # -- answers ----------------------------------------------------------------------------------

    def _checked_answers(self, instrument_id: str, answers: Mapping[str, Any]) -> dict[str, Any]:
        instrument = self.instrument(instrument_id)
        problems = validate_answers(instrument, answers)
        if problems:
            first = problems[0]
            item = instrument.item(first.item_id)
            th, en = (item.label_th, item.label_en) if item is not None else (first.item_id, first.item_id)
            raise OfficeError(
                "bad_answers",
                f"ข้อ “{th}”: {first.message_th}",
                f"question “{en}” ({first.item_id}): {first.message_en}",
            )
        clean = {k: v for k, v in answers.items() if v not in (None, "", [])}
        try:
            check_value(clean, "answers")
        except EventError as exc:
            raise OfficeError("bad_answers", f"คำตอบไม่ถูกต้อง: {exc}", f"invalid answers: {exc}") from None
        return clean
