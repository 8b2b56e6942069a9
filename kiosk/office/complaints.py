"""The complaint desk: complaints and corruption tips on the office's own log.

:class:`ComplaintDesk` is the one place that appends the complaint events (``surveys/complaints/cases``
lists them) to the office's log, under the office's lock, after checking each request against the folded
complaints: a known channel and category, steps that only go forward, a rating only once and only after
closing. A refusal is an :class:`OfficeError` in Thai and English, and nothing is written then, except
that a refused rating is itself recorded (``complaint.rating_refused``), like the kiosk's ``rating.refused``.

Privacy: contact details are sealed to the complaints officer's public key (``HOME/complaints-officer.pub``,
installed with ``prongsai complaints officer-key --install FILE``) and only the sealed bytes reach the
log. A tip (series ``T``) with contact details and no officer key installed is refused. A general
complaint's contact details with no key installed stay in ``HOME/private/complaint-contacts/CODE.txt`` on
the office PC only, never in the log. A rating holds no code: the instrument promises it is not linked.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kiosk.office.service import LocalOffice, OfficeError, RatingRefused
from surveys.complaints.cases import (
    CATEGORIES,
    CHANNELS,
    INSTRUMENT,
    RATED,
    RATING_REFUSED,
    RATING_USED,
    RECEIVED,
    STEP,
    Complaint,
    Complaints,
    fold_complaints,
    is_late,
    step_problem,
)
from surveys.complaints.codes import COMPLAINT, TIP, CodeError, format_plain, make_code, parse_code
from surveys.complaints.deadlines import CALENDAR, DAYS, due_date
from surveys.complaints.sealing import (
    SealingError,
    fingerprint,
    make_officer_key,
    read_private_key,
    read_public_key,
    seal,
    unseal,
)
from surveys.log.event import EventError, check_value

if TYPE_CHECKING:
    from surveys.content.instruments import Instrument
    from surveys.log.event import Event

__all__ = [
    "OFFICER_KEY_FILE",
    "ComplaintDesk",
    "install_officer_key",
    "make_officer_key",
    "officer_key_path",
    "reveal_contact",
]

T = TypeVar("T")
OFFICER_KEY_FILE = "complaints-officer.pub"
PRIVATE = "private"
CONTACTS_FOLDER = "complaint-contacts"
MAX_SUBJECT = 300
MAX_TEXT = 5000
COMPLAINTS_PROJECT = 9  # the plan's project whose deadline_days target sets the due dates
INSTALL_HINT = "prongsai complaints officer-key --install FILE"


def officer_key_path(home: Path) -> Path:
    """Where an office keeps the complaints officer's public key."""
    return home / OFFICER_KEY_FILE


def install_officer_key(home: Path, public_file: Path) -> str:
    """Install the officer's public key (``officer.pub``) in ``home``; returns its fingerprint. A private
    key given by mistake is refused (it must stay on the officer's machine)."""
    raw = _office_call(read_public_key, public_file)
    if public_file.name.endswith(".key"):
        raise OfficeError(
            "private_key_given",
            f"{public_file} ดูเหมือนกุญแจส่วนตัว: ติดตั้งเฉพาะไฟล์ officer.pub (กุญแจส่วนตัวต้องอยู่กับเจ้าหน้าที่เท่านั้น)",
            f"{public_file} looks like the private key: install officer.pub only (the private key stays "
            "with the officer)",
        )
    home.mkdir(parents=True, exist_ok=True)
    target = officer_key_path(home)
    temporary = target.with_suffix(".tmp")
    shutil.copyfile(public_file, temporary)
    os.replace(temporary, target)
    return fingerprint(raw)


def complaints_in_central_store(home: Path) -> Complaints | None:
    """The complaints in ``home``'s central store (after ``prongsai sync import``); None without a store.
    Only the complaint kinds are read (the store selects them), demo devices included."""
    import orjson

    from surveys.complaints.cases import KINDS
    from surveys.log.event import Event
    from sync.central import FILE_NAME, CentralStore

    path = home / FILE_NAME
    if not path.is_file():
        return None
    found = Complaints()
    with CentralStore(path) as store:
        for *_, line in store.report_rows(KINDS, "0001-01-01", "9999-12-31", include_demo=True):
            found.apply(Event.from_dict(orjson.loads(line)))
    return found


def reveal_contact(complaint: Complaint, private_key_file: Path) -> dict[str, str]:
    """The contact details of ``complaint``, opened with the officer's private key."""
    if complaint.contact is None:
        raise OfficeError(
            "no_contact",
            f"เรื่อง {format_plain(complaint.code)} ไม่มีข้อมูลติดต่อที่ปิดผนึกไว้ (ผู้แจ้งไม่ประสงค์ให้ข้อมูล)",
            f"{format_plain(complaint.code)} has no sealed contact details (none were given)",
        )
    private = _office_call(read_private_key, private_key_file)
    return _office_call(unseal, complaint.contact, private)


def _office_call(function: Callable[..., T], *args: Any) -> T:
    try:
        return function(*args)
    except SealingError as exc:
        raise OfficeError(exc.code, exc.th, exc.en) from None


def _plan_deadline(home: Path) -> tuple[int, str]:
    """Project 9's deadline (days, calendar|working) from the home's plan, else the built-in one."""
    from surveys.content.datafile import DataFileError
    from surveys.content.plan import DeadlineTarget, builtin_plan, home_plan_path, load_plan

    own = home_plan_path(home)
    try:
        plan = load_plan(own) if own.is_file() else builtin_plan()
    except (DataFileError, OSError):  # `prongsai plan check` names the problem; the promise is 15 days
        return DAYS, CALENDAR
    for project, target in plan.targets():
        if project.number == COMPLAINTS_PROJECT and isinstance(target, DeadlineTarget):
            return int(target.threshold), str(target.days)
    return DAYS, CALENDAR


class ComplaintDesk:
    """Complaints and tips on ``office``'s log (which must be this process's own office)."""

    def __init__(
        self,
        office: LocalOffice,
        instruments: Mapping[str, Instrument] | None = None,
        *,
        days: int | None = None,
        day_kind: str | None = None,
    ) -> None:
        self.office = office
        self._instruments = dict(instruments) if instruments is not None else None
        self._lock = threading.RLock()
        if days is None or day_kind is None:
            plan_days, plan_kind = _plan_deadline(office.home)
            days = plan_days if days is None else days
            day_kind = plan_kind if day_kind is None else day_kind
        self.days, self.day_kind = days, day_kind
        self.complaints: Complaints = fold_complaints(office.history())

    # -- plumbing ---------------------------------------------------------------------------------

    @property
    def home(self) -> Path:
        return self.office.home

    def _record(self, *items: tuple[str, dict[str, Any]]) -> list[Event]:
        events = self.office.record(*items)
        for event in events:
            self.complaints.apply(event)
        return events

    def _today(self) -> date:
        return self.office.now().date()

    def officer_key(self) -> bytes | None:
        """The installed officer's public key, or None."""
        path = officer_key_path(self.home)
        if not path.is_file():
            return None
        return _office_call(read_public_key, path)

    def install_officer_key(self, public_file: Path) -> str:
        return install_officer_key(self.home, public_file)

    def instrument(self) -> Instrument:
        if self._instruments is None:
            self._instruments = dict(self.office.instruments)
        found = self._instruments.get(INSTRUMENT)
        if found is None:
            raise OfficeError(
                "unknown_instrument", f"ไม่มีแบบสอบถาม {INSTRUMENT}", f"there is no instrument {INSTRUMENT!r}"
            )
        return found

    # -- intake -----------------------------------------------------------------------------------

    def receive(
        self,
        channel: str,
        category: str,
        subject: str,
        details: str = "",
        location: str = "",
        contact: str | Mapping[str, str] | None = None,
        tip: bool = False,
    ) -> Complaint:
        """Record a complaint (or, with ``tip``, a corruption tip: series T, category corruption)."""
        subject, details, location = subject.strip(), details.strip(), location.strip()
        if channel not in CHANNELS:
            raise OfficeError(
                "unknown_channel",
                f"ไม่มีช่องทาง “{channel}” (ใช้ได้: {', '.join(CHANNELS)})",
                f"there is no channel {channel!r} (one of: {', '.join(CHANNELS)})",
            )
        if tip:
            category = "corruption"
        if category not in CATEGORIES:
            raise OfficeError(
                "unknown_category",
                f"ไม่มีประเภท “{category}” (ใช้ได้: {', '.join(CATEGORIES)})",
                f"there is no category {category!r} (one of: {', '.join(CATEGORIES)})",
            )
        if not subject:
            raise OfficeError("subject_missing", "ใส่เรื่องที่ร้องเรียน", "give the subject of the complaint")
        if len(subject) > MAX_SUBJECT or len(details) > MAX_TEXT or len(location) > MAX_TEXT:
            raise OfficeError(
                "too_long",
                f"ข้อความยาวเกินไป (เรื่องไม่เกิน {MAX_SUBJECT} ตัวอักษร รายละเอียดไม่เกิน {MAX_TEXT})",
                f"too long (the subject at most {MAX_SUBJECT} characters, details at most {MAX_TEXT})",
            )
        given = _contact_of(contact)
        with self._lock:
            key = self.officer_key() if given else None
            if given and tip and key is None:
                raise OfficeError(
                    "no_officer_key",
                    "รับข้อมูลติดต่อของผู้แจ้งเบาะแสไม่ได้ เพราะยังไม่ได้ติดตั้งกุญแจของเจ้าหน้าที่ผู้รับผิดชอบ: "
                    f"ติดตั้งด้วยคำสั่ง {INSTALL_HINT} (หรือรับเบาะแสโดยไม่ระบุตัวตน)",
                    "an informant's contact details can't be taken: no complaints officer's key is "
                    f"installed. Install one with {INSTALL_HINT} (or take the tip anonymously)",
                )
            received = self._today()
            series = TIP if tip else COMPLAINT
            code = make_code(series, received)
            while code in self.complaints.by_code:
                code = make_code(series, received)
            body: dict[str, Any] = {
                "complaint": code,
                "series": series,
                "channel": channel,
                "category": category,
                "subject": subject,
                "details": details,
                "location": location,
                "due": due_date(received, self.days, self.day_kind).isoformat(),
                "contact": seal(given, key) if given and key is not None else None,
            }
            try:
                check_value(body)
            except EventError as exc:
                raise OfficeError("bad_text", f"ข้อความบันทึกไม่ได้: {exc}", f"can't be recorded: {exc}") from None
            if given and key is None:  # a general complaint: kept on this PC only, never logged
                body["contact_kept"] = True
                self._keep_contact(code, given)
            self._record((RECEIVED, body))
            return self.complaints.by_code[code]

    def _keep_contact(self, code: str, contact: Mapping[str, str]) -> None:
        folder = self.home / PRIVATE / CONTACTS_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{code}.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.writelines(f"{k}: {v}\n" for k, v in contact.items())

    # -- tracking ---------------------------------------------------------------------------------

    def status(self, code: str) -> Complaint:
        """The complaint of a typed or scanned code: mistyped, not a code, or not found → OfficeError."""
        try:
            plain = parse_code(code)
        except CodeError as exc:
            raise OfficeError(exc.code, exc.th, exc.en) from None
        found = self.complaints.by_code.get(plain)
        if found is None:
            raise OfficeError(
                "not_found",
                f"ไม่พบเรื่องรหัส {format_plain(plain)} กรุณาตรวจสอบรหัสกับใบรับเรื่อง หรือติดต่อเจ้าหน้าที่",
                f"there is no complaint {format_plain(plain)}: check the code on the receipt, or ask staff",
            )
        return found

    def step(self, code: str, to: str, note: str = "") -> Complaint:
        """Record the next step of a complaint (forward only; ``explained`` needs the note)."""
        note = note.strip()
        with self._lock:
            complaint = self.status(code)
            problem = step_problem(complaint, to)
            if problem is not None:
                raise OfficeError("bad_step", *problem)
            if to == "explained" and not note:
                raise OfficeError(
                    "note_missing",
                    "ใส่สรุปหนังสือชี้แจงเหตุผล (ผู้ร้องเรียนจะเห็นข้อความนี้)",
                    "give the summary of the letter of explanation (the complainant sees it)",
                )
            if len(note) > MAX_TEXT:
                raise OfficeError("too_long", "บันทึกยาวเกินไป", f"the note is too long (at most {MAX_TEXT})")
            self._record((STEP, {"complaint": complaint.code, "to": to, "note": note}))
            return complaint

    def list(self, overdue_only: bool = False, today: date | None = None) -> list[Complaint]:
        """Every complaint, the oldest due first; only those late (open past due, or closed late) if
        ``overdue_only``, as of ``today`` (the office's today if None)."""
        day = today or self._today()
        found = [c for c in self.complaints.all() if not overdue_only or is_late(c, day)]
        return sorted(found, key=lambda c: (c.closed, c.due, c.received_at))

    # -- rating after closing -------------------------------------------------------------------

    def _refuse(self, reason: str, code: str | None, th: str, en: str) -> RatingRefused:
        self._record((RATING_REFUSED, {"code": code, "reason": reason}))
        return RatingRefused(reason, th, en)

    def _rateable(self, code: str) -> Complaint:
        try:
            plain = parse_code(code)
        except CodeError as exc:
            raise self._refuse(exc.code, None, exc.th, exc.en) from None
        complaint = self.complaints.by_code.get(plain)
        if complaint is None:
            raise self._refuse(
                "not_found",
                plain,
                f"ไม่พบเรื่องรหัส {format_plain(plain)} กรุณาตรวจสอบรหัสกับใบรับเรื่อง",
                f"there is no complaint {format_plain(plain)}: please check the code on the receipt",
            )
        if complaint.rated:
            raise self._refuse(
                "already_rated",
                plain,
                "เรื่องนี้ประเมินความพึงพอใจแล้ว ขอบคุณค่ะ",
                "This complaint's handling has already been rated. Thank you!",
            )
        if not complaint.closed:
            raise self._refuse(
                "not_closed",
                plain,
                "ประเมินได้เมื่อดำเนินการเรื่องแล้วเสร็จหรือได้รับการชี้แจงแล้ว",
                "You can rate the handling once the complaint is done or explained.",
            )
        return complaint

    def open_rating(self, code: str) -> str:
        """Check that ``code``'s complaint may be rated now (closed, not yet rated): the instrument id."""
        with self._lock:
            self._rateable(code)
            return self.instrument().id

    def rate(self, code: str, answers: Mapping[str, Any]) -> None:
        """Record the rating of a closed complaint: ``rating_used`` (the code) and ``rated`` (the answers,
        no code), in one batch."""
        from surveys.content.answers import validate_answers

        with self._lock:
            complaint = self._rateable(code)
            instrument = self.instrument()
            problems = validate_answers(instrument, answers)
            if problems:
                raise OfficeError("bad_answers", problems[0].message_th, problems[0].message_en)
            try:
                check_value(dict(answers), "answers")
            except EventError as exc:
                raise OfficeError("bad_answers", f"คำตอบไม่ถูกต้อง: {exc}", f"invalid answers: {exc}") from None
            self._record(
                (RATING_USED, {"complaint": complaint.code}),
                (RATED, {"instrument": instrument.id, "answers": dict(answers)}),
            )

    # -- the officer's side ---------------------------------------------------------------------

    def reveal(self, code: str, private_key_file: Path) -> dict[str, str]:
        """The contact details of ``code``'s complaint, opened with the officer's private key."""
        return reveal_contact(self.status(code), private_key_file)


def _contact_of(contact: str | Mapping[str, str] | None) -> dict[str, str] | None:
    if contact is None:
        return None
    if isinstance(contact, str):
        return {"contact": contact.strip()} if contact.strip() else None
    given = {str(k): str(v).strip() for k, v in contact.items() if str(v).strip()}
    return given or None
