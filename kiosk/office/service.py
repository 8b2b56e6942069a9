"""The office: the one process that owns a device's log and runs the queue on it.

The kiosk, the counter consoles and the board call these methods, in the same process (all-in-one
mode) or over the office LAN through ``kiosk.office.server`` (each terminal a separate process, never
a second writer). Every method checks the request against the folded state and the written policy,
appends the events that record it, and returns a plain value; a request that can't be done raises
:class:`OfficeError` with a code and a message in Thai and English.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kiosk.office.throttle import Throttle, wait_text
from surveys.bilingual import UserError
from surveys.counter.queue import (
    CALLED,
    DONE,
    NO_SHOW,
    SERVING,
    WAITING,
    Call,
    QueueState,
    Ticket,
    ahead_of,
    expected_next,
    fold,
)
from surveys.counter.settings import Settings, new_pin_problem
from surveys.counter.token import CodeError, code_matches, make_code, parse_code, token_key
from surveys.log.device import load_or_create_device
from surveys.log.device_log import DeviceLog, Draft
from surveys.log.event import BANGKOK, Event, EventError, JsonValue, check_value
from surveys.log.home import log_dir

if TYPE_CHECKING:
    from kiosk.office.complaints import ComplaintDesk
    from surveys.complaints.cases import Complaint
    from surveys.content.instruments import Instrument

# The office's limits, counted per terminal (never per ticket: a stranger must not be able to lock a
# citizen's rating by typing wrong codes for their number).
MAX_FAILED_CODES = 5  # rating codes matching no ticket, in a row, before the terminal must wait
CODE_WAIT = timedelta(minutes=1)  # the first wait; doubled at each further lock
MAX_PIN_FAILURES = 5  # wrong staff PINs in a row before the terminal must wait
PIN_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=30)
PIN_QUEUE_SECONDS = 2.0  # one PIN check at a time (scrypt is costly); a try waits this long at most
MAX_OPEN_RESERVATIONS = 3  # reserved, not yet printed (confirmed) tickets per terminal
RESERVATION_HOLD = timedelta(minutes=2)  # an unconfirmed reservation counts this long
MAX_OPEN_RATINGS = 1024  # rating sessions whose opening time is remembered (the oldest forgotten first)


class OfficeError(UserError):
    """The office refused or could not do what was asked (``code``, ``th``, ``en``; see UserError)."""


class RatingRefused(OfficeError):
    """A rating attempt that is refused and logged (unknown code, second rating, too fast …)."""


@dataclass(frozen=True)
class Reservation:
    ticket: str
    service: str
    number: str
    priority: str | None
    code: str
    at: str
    ahead: int  # waiting tickets the policy calls before this one
    ahead_exact: bool = False  # False: an estimate (parallel counters, the priority rule)


@dataclass(frozen=True)
class CounterView:
    counter: int
    ticket: str | None
    number: str | None
    service: str | None
    status: str | None  # called / serving
    since: str | None = None  # when it was called (status called) or started (serving)


@dataclass(frozen=True)
class OfficeView:
    """A snapshot for screens: who waits, who is at which counter, the last calls."""

    version: int
    day: str
    waiting: Mapping[str, tuple[tuple[str, str | None], ...]]  # service → ((number, priority group), …)
    counters: tuple[CounterView, ...]
    last_calls: tuple[Call, ...]
    issued_today: int
    served_today: int
    next_by_counter: Mapping[int, str | None] = field(default_factory=dict)
    # each waiting number → (when it joined its queue, its place in the log): waited minutes, and the
    # order of a counter's merged services, for any terminal (over the LAN too)
    queued: Mapping[str, tuple[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class RatingSession:
    ticket: str
    number: str
    service: str
    instrument: str
    opened_at: str


@dataclass(frozen=True)
class ComplaintStepView:
    """One dated step of a complaint as its complainant may read it: ``to`` (received, assigned,
    in_progress, done, explained), the day (ISO date), the label in Thai and English, and the note
    (only on ``explained``: the letter of explanation's summary; never a staff name)."""

    to: str
    on: str
    th: str
    en: str
    note: str = ""


@dataclass(frozen=True)
class ComplaintView:
    """What anyone holding a tracking code may see of its complaint: the code as printed, the status
    and its dated steps, the due date (ISO). No contact details, no details; no subject for a tip
    (``subject`` None). ``can_rate``: closed and not rated yet (the kiosk then offers the rating)."""

    code: str
    tip: bool
    status: str
    status_th: str
    status_en: str
    steps: tuple[ComplaintStepView, ...]
    due: str
    closed: bool
    overdue: bool
    can_rate: bool
    subject: str | None = None
    rated: bool = False  # its handling has been rated (from this code, once)


@dataclass(frozen=True)
class ComplaintEntry:
    """A complaint as the complaint desk's staff see it (``prongsai complaints add|step|list``): the
    code as printed, what it is about and where it stands. Never its contact details: only whether some
    were given (``has_contact``) and whether they are sealed to the officer's key (``sealed``)."""

    code: str
    series: str
    channel: str
    category: str
    subject: str
    status: str
    received: str  # ISO 8601, +07:00
    due: str  # ISO date
    closed: bool
    late: bool  # open past its due date, or closed after it
    rated: bool
    has_contact: bool
    sealed: bool
    closed_at: str | None = None


class Office(Protocol):
    """What the screens use: :class:`LocalOffice` in one process, ``kiosk.office.client.RemoteOffice``
    over the LAN. Every method may raise :class:`OfficeError` (or :class:`RatingRefused`)."""

    settings: Settings

    def snapshot(self) -> OfficeView: ...
    def wait_for_change(self, version: int, timeout: float) -> OfficeView: ...
    def reserve_ticket(self, service: str, priority: str | None = None) -> Reservation: ...
    def confirm_ticket(self, ticket_id: str, printer: str) -> Ticket: ...
    def ticket_print_failed(self, ticket_id: str, error: str, printer: str) -> None: ...
    def ticket_reprinted(self, ticket_id: str, printer: str) -> None: ...
    def ticket_code(self, ticket_id: str) -> str: ...
    def call_next(self, counter: int) -> Ticket | None: ...
    def call_ticket(
        self, counter: int, number: str, reason: str | None, pin: str | None = None
    ) -> Ticket: ...
    def recall(self, counter: int) -> Ticket: ...
    def no_show(self, counter: int) -> Ticket: ...
    def undo_no_show(self, counter: int, number: str) -> Ticket: ...
    def start(self, counter: int) -> Ticket: ...
    def finish(self, counter: int) -> Ticket: ...
    def transfer(self, counter: int, to_service: str) -> Ticket: ...
    def open_rating(self, typed: str) -> RatingSession: ...
    def submit_rating(
        self, session: RatingSession, answers: Mapping[str, JsonValue], elapsed_ms: int
    ) -> None: ...
    def complaint_status(self, code: str) -> ComplaintView: ...
    def open_complaint_rating(self, code: str) -> str: ...
    def submit_complaint_rating(self, code: str, answers: Mapping[str, JsonValue]) -> None: ...
    def receive_complaint(
        self,
        channel: str,
        category: str,
        subject: str,
        details: str = "",
        location: str = "",
        contact: str | None = None,
        tip: bool = False,
    ) -> ComplaintEntry: ...
    def complaint_step(self, code: str, to: str, note: str = "") -> ComplaintEntry: ...
    def complaint_list(self, overdue: bool = False) -> tuple[ComplaintEntry, ...]: ...
    def check_pin(self, pin: str) -> bool: ...
    def default_pin_in_force(self) -> bool: ...
    def change_pin(self, old: str, new: str) -> None: ...
    def close(self) -> None: ...


class LocalOffice:
    """Owns the device log of ``home`` (the only writer) and keeps the queue state in memory."""

    def __init__(
        self,
        home: Path,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        fold_every: int = 64,
    ) -> None:
        self.home = home
        self.settings = settings
        self._clock = clock or (lambda: datetime.now(BANGKOK))
        self._moments = threading.local()
        self.device = load_or_create_device(home)
        self._key = token_key(self.device)
        self._log = DeviceLog(log_dir(home), self.device.id, fold_every=fold_every)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self.state: QueueState = fold(self._log.read_days(self._horizon()))
        self._state_day = self._day()
        self._code_tries = Throttle(MAX_FAILED_CODES, CODE_WAIT, LONGEST_WAIT)
        self._complaints: ComplaintDesk | None = None  # the kiosk's desk, made at the first look-up
        self._complaints_seen = 0  # the log's seq that desk has seen
        self._pin_tries = Throttle(MAX_PIN_FAILURES, PIN_WAIT, LONGEST_WAIT)
        self._pin_check = threading.Lock()  # scrypt is costly: one PIN check at a time
        self._held: dict[str, list[str]] = {}  # terminal → its reservations not known to be printed
        self._rating_opened: dict[str, datetime] = {}  # ticket id → when open_rating let it in (this clock)
        self._view: OfficeView | None = None

    # -- plumbing -----------------------------------------------------------------------------

    def _now(self) -> datetime:
        moment: datetime | None = getattr(self._moments, "now", None)
        return moment or self._clock().astimezone(BANGKOK)

    @contextlib.contextmanager
    def _moment(self, by: str | None = None) -> Iterator[None]:
        """One reading of the clock for a whole request: the day it is decided for is the day it is
        stamped with (a call at midnight is not decided on one day and recorded on the next). ``by``
        is the terminal making the request: every event it causes names it."""
        if getattr(self._moments, "now", None) is not None:  # nested: the outer request's moment stands
            yield
            return
        self._moments.now = self._clock().astimezone(BANGKOK)  # per thread: a waiting board keeps none
        self._moments.by = by
        try:
            yield
        finally:
            self._moments.now = None
            self._moments.by = None

    def _day(self) -> str:
        return self._now().date().isoformat()

    def _horizon(self) -> str:
        """The first day whose tickets can still change (be served, rated): older ones are not kept."""
        window = timedelta(minutes=self.settings.rating_window_minutes) + timedelta(days=1)
        return (self._now() - window).date().isoformat()

    def _append(self, *drafts: Draft) -> list[Event]:
        day = self._day()
        if day != self._state_day:  # a new day: drop tickets past any rating window
            self.state.prune(self._horizon())
            self._state_day = day
        events = self._log.append_many(drafts)
        for event in events:
            self.state.apply(event)
        self._changed.notify_all()
        return events

    def _draft(self, kind: str, body: dict[str, JsonValue]) -> Draft:
        by: str | None = getattr(self._moments, "by", None)
        return Draft(kind, body if by is None else {**body, "by": by}, self._now())

    def close(self) -> None:
        with self._lock, self._moment():
            self._log.close()

    # -- for the other desks of this office (kiosk/office/forum.py) ---------------------------

    def record(self, *items: tuple[str, dict[str, JsonValue]]) -> list[Event]:
        """Append ``(kind, body)`` events as one batch, stamped with this office's clock."""
        with self._lock, self._moment():
            return self._append(*(self._draft(kind, body) for kind, body in items))

    def now(self) -> datetime:
        """This office's clock now (Bangkok): what the other desks date their requests by."""
        return self._now()

    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the log's last event."""
        with self._lock:
            return self._log.head

    def history(self) -> Iterator[Event]:
        """Every event of the log, in order (read a day file at a time)."""
        return self._log.read()

    def check_pin(self, pin: str, *, by: str | None = None) -> bool:
        """Is ``pin`` the staff PIN? (Terminals ask the office: the PIN's hash never leaves it.)

        Wrong PINs are recorded (``pin.failed``); after :data:`MAX_PIN_FAILURES` in a row the terminal
        is locked (``pin.locked``), with a wait that doubles at each lock, and every try meanwhile is
        refused unchecked (:class:`OfficeError` ``pin_locked``), even the right PIN."""
        with self._moment(by):
            return self._pin_try(pin, by)

    def _pin_try(self, pin: str, by: str | None) -> bool:
        """Check ``pin`` for terminal ``by`` under the lockout rule (inside a :meth:`_moment`).

        One try at a time: the lock is looked at, the PIN checked and a failure counted all while the
        PIN check is held, so tries sent at once are refused as soon as the lockout begins."""
        if not self._pin_check.acquire(timeout=PIN_QUEUE_SECONDS):
            raise OfficeError(
                "pin_busy",
                "เครื่องแม่ข่ายกำลังตรวจ PIN อื่นอยู่ กรุณาลองใหม่อีกครั้ง",
                "the office is checking another PIN: try again in a moment",
            )
        try:
            now = self._now()
            until = self._pin_tries.locked_until(by, now)
            if until is not None:
                with self._lock:
                    self._append(self._draft("pin.failed", {"reason": "locked"}))
                raise self._pin_locked(until, now)
            if self.settings.pin_ok(pin):
                self._pin_tries.succeeded(by)
                return True
            with self._lock:
                self._append(self._draft("pin.failed", {"reason": "wrong"}))
                until = self._pin_tries.failed(by, now)
                if until is not None:
                    self._append(self._draft("pin.locked", {"until": until.isoformat()}))
            return False
        finally:
            self._pin_check.release()

    def _pin_locked(self, until: datetime, now: datetime) -> OfficeError:
        th, en = wait_text(until, now)
        return OfficeError(
            "pin_locked",
            f"ใส่ PIN ผิดหลายครั้งเกินไป เครื่องนี้ต้องรออีก {th} ก่อนลองใหม่",
            f"too many wrong PINs: this terminal must wait {en} before trying again",
        )

    def default_pin_in_force(self) -> bool:
        """Is the staff PIN still the default one printed in the README?"""
        return self.settings.staff_pin is None

    def change_pin(self, old: str, new: str, *, by: str | None = None) -> None:
        """Replace the staff PIN ``old`` by ``new`` (4–12 digits, not the default), stored only as a
        hash in the home's settings. ``old`` is checked under the lockout rule of :meth:`check_pin`."""
        from surveys.counter.settings import hash_pin, set_staff_pin

        with self._moment(by):
            right = self._pin_try(old, by)
        if not right:
            raise OfficeError("wrong_pin", "PIN เดิมไม่ถูกต้อง", "the current PIN is wrong")
        problem = new_pin_problem(new)
        if problem is not None:
            raise OfficeError("bad_pin", *problem)
        with self._lock, self._moment(by):
            set_staff_pin(self.home, new)
            self.settings = self.settings.model_copy(update={"staff_pin": hash_pin(new)})
            self._append(self._draft("pin.changed", {}))  # who and when, never the PIN

    @property
    def log(self) -> DeviceLog:
        return self._log

    @cached_property
    def instruments(self) -> dict[str, Instrument]:
        """The built-in instruments by id, read (six YAML files) at the first rating, not at start."""
        from surveys.content.instruments import (
            builtin_instruments,  # with pydantic models to build: not at start
        )

        return builtin_instruments()

    # -- screens ------------------------------------------------------------------------------

    def snapshot(self) -> OfficeView:
        with self._lock, self._moment():
            day = self._day()
            # Unchanged state, same day: the last view stands (a board woken by its timeout costs nothing).
            if self._view is None or (self._view.version, self._view.day) != (self.state.version, day):
                self._view = self._build_view(day)
            return self._view

    def _build_view(self, day: str) -> OfficeView:
        """The view of ``day`` from the folded state (the caller holds the lock)."""
        state = self.state
        waiting = {
            s.id: tuple((t.number, t.priority) for t in state.waiting([s.id], day))
            for s in self.settings.services
        }
        counters = []
        nexts: dict[int, str | None] = {}
        for counter in self.settings.counters:
            at = state.at_counter(counter.number)
            counters.append(
                CounterView(
                    counter.number,
                    at.id if at else None,
                    at.number if at else None,
                    at.service if at else None,
                    at.status if at else None,
                    (at.started_at if at.status == SERVING else at.called_at) if at else None,
                )
            )
            nxt = expected_next(state, self.settings, counter.number, day)
            nexts[counter.number] = nxt.number if nxt else None
        todays = [t for t in state.tickets.values() if t.day == day and t.issued]
        return OfficeView(
            version=state.version,
            day=day,
            waiting=waiting,
            counters=tuple(counters),
            last_calls=tuple(c for c in state.calls[-10:] if c.at[:10] == day),
            issued_today=len(todays),
            served_today=sum(1 for t in todays if t.status == DONE),
            next_by_counter=nexts,
            queued={
                t.number: (t.queued_at, t.queued_seq)
                for s in self.settings.services
                for t in state.waiting([s.id], day)
            },
        )

    def wait_for_change(self, version: int, timeout: float) -> OfficeView:
        """Block until the state moves past ``version`` (or ``timeout`` seconds), then snapshot."""
        with self._lock:
            self._changed.wait_for(lambda: self.state.version > version, timeout=timeout)
            return self.snapshot()

    # -- the kiosk ----------------------------------------------------------------------------

    def reserve_ticket(
        self, service: str, priority: str | None = None, *, by: str | None = None
    ) -> Reservation:
        """Take the next number of the day for ``service`` (durably) before the ticket is printed.

        A terminal (``by``) holds at most :data:`MAX_OPEN_RESERVATIONS` unconfirmed reservations of the
        last :data:`RESERVATION_HOLD`: one terminal can't use up the day's numbers without printing."""
        if service not in self.settings.by_id:
            raise OfficeError("unknown_service", f"ไม่มีบริการ {service}", f"there is no service {service!r}")
        if priority is not None and priority not in {g.id for g in self.settings.priority.groups}:
            raise OfficeError(
                "unknown_priority", f"ไม่มีกลุ่ม {priority}", f"unknown priority group {priority!r}"
            )
        with self._lock, self._moment(by):
            day = self._day()
            held = self._open_reservations(by)
            serial = self.state.next_serial(service, day)
            if serial > 999:
                raise OfficeError(
                    "numbers_exhausted",
                    "บัตรคิวของบริการนี้หมดแล้วสำหรับวันนี้ (999 ใบ)",
                    "this service has issued all 999 numbers today",
                )
            spec = self.settings.service(service)
            import uuid6  # not at start-up (it loads importlib.metadata)

            ticket_id = str(uuid6.uuid7())
            number = f"{spec.prefix}{serial:03d}"
            (event,) = self._append(
                self._draft(
                    "ticket.reserved",
                    {
                        "ticket": ticket_id,
                        "service": service,
                        "number": number,
                        "serial": serial,
                        "priority": priority,
                    },
                )
            )
            code = make_code(self._key, ticket_id, self.settings.service_digit(service), serial)
            if held is not None:
                held.append(ticket_id)
            ahead, exact = ahead_of(self.state, self.settings, self.state.tickets[ticket_id], day)
            return Reservation(ticket_id, service, number, priority, str(code), event.at, ahead, exact)

    def _open_reservations(self, by: str | None) -> list[str] | None:
        """Terminal ``by``'s unconfirmed reservations of the last :data:`RESERVATION_HOLD` (the caller
        holds the lock); refused when it already holds the most it may. The office's own process
        (``by`` None) is not capped."""
        if by is None:
            return None
        since = self._now() - RESERVATION_HOLD
        held = [
            t for t in self._held.get(by, [])
            if (ticket := self.state.tickets.get(t)) is not None and not ticket.issued
            and datetime.fromisoformat(ticket.reserved_at) > since
        ]  # fmt: skip
        self._held[by] = held
        if len(held) >= MAX_OPEN_RESERVATIONS:
            raise OfficeError(
                "too_many_reservations",
                f"เครื่องนี้จองคิวไว้ {len(held)} ใบที่ยังไม่ได้พิมพ์ กรุณาพิมพ์บัตรเหล่านั้นให้เสร็จ"
                f" หรือรอ {int(RESERVATION_HOLD.total_seconds() // 60)} นาที",
                f"this terminal holds {len(held)} reserved tickets not yet printed: print them, or wait "
                f"{int(RESERVATION_HOLD.total_seconds() // 60)} minutes",
            )
        return held

    def confirm_ticket(self, ticket_id: str, printer: str, *, by: str | None = None) -> Ticket:
        """The ticket was printed: from now on it counts and waits in the queue."""
        with self._lock, self._moment(by):
            ticket = self._ticket(ticket_id)
            if ticket.issued:
                raise OfficeError("already_issued", "บัตรนี้ออกแล้ว", "this ticket was already issued")
            self._append(
                self._draft(
                    "ticket.issued",
                    {
                        "ticket": ticket_id,
                        "service": ticket.service,
                        "number": ticket.number,
                        "printer": printer,
                    },
                )
            )
            return self.state.tickets[ticket_id]

    def ticket_print_failed(self, ticket_id: str, error: str, printer: str, *, by: str | None = None) -> None:
        with self._lock, self._moment(by):
            ticket = self._ticket(ticket_id)
            self._append(
                self._draft(
                    "ticket.print_failed",
                    {
                        "ticket": ticket_id,
                        "service": ticket.service,
                        "number": ticket.number,
                        "error": error[:500],
                        "printer": printer,
                    },
                )
            )

    def ticket_reprinted(self, ticket_id: str, printer: str, *, by: str | None = None) -> None:
        with self._lock, self._moment(by):
            self._ticket(ticket_id)
            self._append(self._draft("ticket.reprinted", {"ticket": ticket_id, "printer": printer}))

    def ticket_code(self, ticket_id: str) -> str:
        with self._lock, self._moment():
            ticket = self._ticket(ticket_id)
            return str(make_code(self._key, ticket.id, self._digit_of(ticket), ticket.serial))

    def _ticket(self, ticket_id: str) -> Ticket:
        ticket = self.state.tickets.get(ticket_id)
        if ticket is None:
            raise OfficeError("unknown_ticket", "ไม่พบบัตรคิวนี้", f"no ticket {ticket_id}")
        return ticket

    # -- the counters -------------------------------------------------------------------------

    def _check_counter(self, counter: int) -> None:
        if counter not in {c.number for c in self.settings.counters}:
            raise OfficeError("unknown_counter", f"ไม่มีช่องบริการที่ {counter}", f"there is no counter {counter}")

    def _current(self, counter: int) -> Ticket:
        ticket = self.state.at_counter(counter)
        if ticket is None:
            raise OfficeError("no_ticket", "ยังไม่ได้เรียกคิว", "no ticket has been called at this counter")
        return ticket

    def _free(self, counter: int) -> None:
        current = self.state.at_counter(counter)
        if current is not None:
            raise OfficeError(
                "counter_busy",
                f"คิว {current.number} ยังค้างอยู่ กด เสร็จสิ้น / ไม่มาตามเรียก / โอน ก่อนเรียกคิวใหม่",
                f"ticket {current.number} is still open: finish it, mark it no-show or transfer it first",
            )

    def call_next(self, counter: int, *, by: str | None = None) -> Ticket | None:
        """Call the ticket the policy puts next for this counter (None when nobody waits)."""
        with self._lock, self._moment(by):
            self._check_counter(counter)
            self._free(counter)
            nxt = expected_next(self.state, self.settings, counter, self._day())
            if nxt is None:
                return None
            return self._called(nxt, counter, nxt, None, None)

    def call_ticket(
        self, counter: int, number: str, reason: str | None, pin: str | None = None, *, by: str | None = None
    ) -> Ticket:
        """Call a given ticket. If it is not the policy's next, a reason (and maybe a PIN) is required."""
        pin_right = False
        if pin and self.settings.second_pin_for_out_of_order:
            with self._moment(by):  # before the office lock: a PIN check never holds up other terminals
                pin_right = self._pin_try(pin, by)
        with self._lock, self._moment(by):
            self._check_counter(counter)
            self._free(counter)
            day = self._day()
            ticket = self.state.find_number(number, day)
            if ticket is None or ticket.status != WAITING:
                raise OfficeError("not_waiting", f"คิว {number} ไม่ได้รออยู่", f"ticket {number} is not waiting")
            if ticket.service not in self.settings.services_of_counter(counter):
                raise OfficeError(
                    "wrong_counter",
                    f"ช่องบริการ {counter} ไม่ได้ให้บริการ {ticket.number}",
                    f"counter {counter} does not serve ticket {ticket.number}'s service",
                )
            nxt = expected_next(self.state, self.settings, counter, day)
            in_order = nxt is not None and nxt.id == ticket.id
            approved = None
            if not in_order:
                if reason is None or self.settings.reason(reason) is None:
                    raise OfficeError(
                        "reason_required",
                        f"คิวถัดไปตามลำดับคือ {nxt.number if nxt else '-'}: การเรียกข้ามคิวต้องเลือกเหตุผล",
                        f"the next ticket in order is {nxt.number if nxt else '-'}: calling out of order "
                        "needs a reason from the list",
                    )
                if self.settings.second_pin_for_out_of_order:
                    if not pin_right:
                        raise OfficeError(
                            "pin_required",
                            "การเรียกข้ามคิวต้องใช้ PIN ของเจ้าหน้าที่อีกคน",
                            "calling out of order needs a second staff member's PIN",
                        )
                    approved = "pin"
            return self._called(ticket, counter, nxt, None if in_order else reason, approved)

    def _called(
        self, ticket: Ticket, counter: int, expected: Ticket | None, reason: str | None, approved: str | None
    ) -> Ticket:
        """Record the call of ``ticket``; it is in order when it is the policy's ``expected`` one."""
        self._append(
            self._draft(
                "ticket.called",
                {
                    "ticket": ticket.id,
                    "number": ticket.number,
                    "counter": counter,
                    "expected": expected.id if expected else None,
                    "in_order": expected is not None and expected.id == ticket.id,
                    "reason": reason,
                    "approved": approved,
                },
            )
        )
        return self.state.tickets[ticket.id]

    def _step(
        self, counter: int, kind: str, allowed: tuple[str, ...], extra: dict[str, JsonValue], by: str | None
    ) -> Ticket:
        with self._lock, self._moment(by):
            self._check_counter(counter)
            ticket = self._current(counter)
            if ticket.status not in allowed:
                raise OfficeError(
                    "wrong_step",
                    f"คิว {ticket.number} อยู่ในสถานะ {ticket.status}",
                    f"ticket {ticket.number} is {ticket.status}",
                )
            self._append(self._draft(kind, {"ticket": ticket.id, "number": ticket.number, "counter": counter,
                                            **extra}))  # fmt: skip
            return self.state.tickets[ticket.id]

    def recall(self, counter: int, *, by: str | None = None) -> Ticket:
        return self._step(counter, "ticket.recalled", (CALLED,), {}, by)

    def no_show(self, counter: int, *, by: str | None = None) -> Ticket:
        """The called person did not come: only after the recalls and the wait the settings ask for
        (else a no-show would be an out-of-order call without a reason by another name)."""
        with self._lock, self._moment(by):
            self._check_counter(counter)
            ticket = self._current(counter)
            if ticket.status == CALLED and ticket.called_at is not None:
                self._check_no_show(ticket)
            return self._step(counter, "ticket.no_show", (CALLED,), {}, by)

    def _check_no_show(self, ticket: Ticket) -> None:
        settings = self.settings
        if ticket.recalls < settings.no_show_recalls:
            raise OfficeError(
                "no_show_too_soon",
                f"ยังบันทึกไม่มาตามเรียกไม่ได้: กด r เรียกซ้ำ {ticket.number} ก่อน"
                f" (อย่างน้อย {settings.no_show_recalls} ครั้ง)",
                f"not a no-show yet: recall {ticket.number} first (press r; at least "
                f"{settings.no_show_recalls} time{'s' if settings.no_show_recalls > 1 else ''})",
            )
        assert ticket.called_at is not None
        now = self._now()
        wait = timedelta(seconds=settings.no_show_wait_seconds)
        allowed = datetime.fromisoformat(ticket.called_at) + wait
        if allowed > now:
            th, en = wait_text(allowed, now)
            th_rule, en_rule = wait_text(now + wait, now)
            raise OfficeError(
                "no_show_too_soon",
                f"ยังบันทึกไม่มาตามเรียกไม่ได้: รออีก {th} (ต้องรอ {th_rule} นับจากเรียกครั้งแรก)",
                f"not a no-show yet: wait {en} more ({en_rule} from the first call)",
            )

    def undo_no_show(self, counter: int, number: str, *, by: str | None = None) -> Ticket:
        """A no-show marked by mistake: ``number`` waits again, in its old place in the queue."""
        with self._lock, self._moment(by):
            self._check_counter(counter)
            ticket = self.state.find_number(number, self._day())
            if ticket is None or ticket.status != NO_SHOW:
                raise OfficeError(
                    "not_no_show",
                    f"คิว {number} ไม่ได้ถูกบันทึกว่าไม่มาตามเรียก (วันนี้)",
                    f"ticket {number} was not marked as a no-show today",
                )
            if ticket.service not in self.settings.services_of_counter(counter):
                raise OfficeError(
                    "wrong_counter",
                    f"ช่องบริการ {counter} ไม่ได้ให้บริการคิว {ticket.number}: ให้ช่องที่ให้บริการนั้นเป็นผู้ยกเลิก",
                    f"counter {counter} does not serve ticket {ticket.number}'s service: "
                    "a counter that serves it may undo it",
                )
            body: dict[str, JsonValue] = {"ticket": ticket.id, "number": ticket.number, "counter": counter}
            self._append(self._draft("ticket.no_show_undone", body))
            return self.state.tickets[ticket.id]

    def start(self, counter: int, *, by: str | None = None) -> Ticket:
        return self._step(counter, "ticket.started", (CALLED,), {}, by)

    def finish(self, counter: int, *, by: str | None = None) -> Ticket:
        """Served: only a ticket whose service was started (a called ticket nobody came for is a no-show,
        with its recall and wait; finishing it would pass it off as served)."""
        with self._lock, self._moment(by):
            self._check_counter(counter)
            ticket = self._current(counter)
            if ticket.status == CALLED:
                raise OfficeError(
                    "not_started",
                    f"คิว {ticket.number} ยังไม่ได้เริ่มให้บริการ: กด s เริ่มให้บริการก่อน "
                    "(ถ้าผู้รับบริการไม่มา ให้เรียกซ้ำแล้วบันทึกไม่มาตามเรียก)",
                    f"ticket {ticket.number} was not started: press s to start the service first "
                    "(if nobody came, recall it and mark a no-show)",
                )
            return self._step(counter, "ticket.finished", (SERVING,), {}, by)

    def transfer(self, counter: int, to_service: str, *, by: str | None = None) -> Ticket:
        """Send the ticket at ``counter`` to another service's queue (never its own: that would put the
        citizen at the back of the line they were called from, a skip without a reason)."""
        if to_service not in self.settings.by_id:
            raise OfficeError(
                "unknown_service", f"ไม่มีบริการ {to_service}", f"there is no service {to_service!r}"
            )
        with self._lock, self._moment(by):
            self._check_counter(counter)
            current = self._current(counter)
            if current.service == to_service:
                raise OfficeError(
                    "same_service",
                    f"คิว {current.number} อยู่ในบริการนี้อยู่แล้ว: โอนได้เฉพาะไปบริการอื่น",
                    f"ticket {current.number} is already in this service: transfer only to another one",
                )
            return self._step(
                counter, "ticket.transferred", (CALLED, SERVING), {"to_service": to_service}, by
            )

    # -- ratings ------------------------------------------------------------------------------

    def _refuse(self, reason: str, ticket: str | None, th: str, en: str) -> RatingRefused:
        self._append(self._draft("rating.refused", {"reason": reason, "ticket": ticket}))
        return RatingRefused(reason, th, en)

    def open_rating(self, typed: str, *, by: str | None = None) -> RatingSession:
        """Check a scanned or typed code: only a served, unrated ticket within the window opens.

        Codes that match no ticket are counted per terminal (``by``), never per ticket number: after
        :data:`MAX_FAILED_CODES` in a row the terminal waits (longer at each lock)."""
        with self._lock, self._moment(by):
            try:
                code = parse_code(typed)
            except CodeError as exc:
                raise self._refuse(
                    "bad_code",
                    None,
                    "รหัสไม่ถูกต้อง กรุณาตรวจสอบตัวเลขใต้คิวอาร์โค้ดอีกครั้ง",
                    "That code is not right. Please check the digits under the QR code.",
                ) from exc
            now = self._now()
            until = self._code_tries.locked_until(by, now)
            if until is not None:
                th, en = wait_text(until, now)
                raise self._refuse(
                    "locked",
                    None,
                    f"ใส่รหัสไม่ถูกต้องหลายครั้งเกินไป กรุณารอ {th} หรือติดต่อเจ้าหน้าที่",
                    f"Too many codes that match no ticket. Please wait {en}, or ask a member of staff.",
                )
            candidates = [
                t for t in self.state.tickets.values()
                if t.issued and t.serial == code.number and self._digit_of(t) == code.service_digit
            ]  # fmt: skip
            ticket = next((t for t in candidates if code_matches(self._key, t.id, code)), None)
            if ticket is None:
                self._code_tries.failed(by, now)
                raise self._refuse(
                    "unknown_code",
                    None,
                    "ไม่พบบัตรคิวนี้ กรุณาติดต่อเจ้าหน้าที่",
                    "We can't find this ticket. Please ask a member of staff.",
                )
            self._code_tries.succeeded(by)
            self._check_rateable(ticket, now, grace=timedelta(0))
            instrument = self.settings.service(ticket.service).instrument
            self._rating_opened.pop(ticket.id, None)  # opened again: the time to answer starts again
            self._rating_opened[ticket.id] = now
            while len(self._rating_opened) > MAX_OPEN_RATINGS:
                del self._rating_opened[next(iter(self._rating_opened))]
            return RatingSession(ticket.id, ticket.number, ticket.service, instrument, now.isoformat())

    def _check_rateable(self, ticket: Ticket, now: datetime, grace: timedelta) -> None:
        """Refuse (and log) unless ``ticket`` was served, is not rated yet and is within the window."""
        if ticket.rated:
            raise self._refuse(
                "already_rated",
                ticket.id,
                "บัตรคิวนี้ประเมินแล้ว ขอบคุณที่ใช้บริการ",
                "This ticket has already been rated. Thank you!",
            )
        if ticket.status != DONE or ticket.finished_at is None:
            raise self._refuse(
                "not_served",
                ticket.id,
                "ประเมินได้หลังจากรับบริการเสร็จแล้ว",
                "You can rate the service once it has been completed.",
            )
        minutes = self.settings.rating_window_minutes
        if now - datetime.fromisoformat(ticket.finished_at) > timedelta(minutes=minutes) + grace:
            raise self._refuse(
                "expired",
                ticket.id,
                f"เลยเวลาประเมินแล้ว (ประเมินได้ภายใน {minutes} นาทีหลังรับบริการ)",
                f"The time to rate has passed (within {minutes} minutes of service).",
            )

    def _digit_of(self, ticket: Ticket) -> int:
        return self.settings.service_digit(ticket.origin) if ticket.origin in self.settings.by_id else 0

    def submit_rating(
        self,
        session: RatingSession,
        answers: Mapping[str, JsonValue],
        elapsed_ms: int,
        *,
        by: str | None = None,
    ) -> None:
        """Record a rating for a session opened by :meth:`open_rating`.

        Too fast is decided by this office's clock, from when :meth:`open_rating` let the ticket in;
        ``elapsed_ms`` is the terminal's own figure, recorded beside the rating but never trusted.
        """
        with self._lock, self._moment(by):
            ticket = self._ticket(session.ticket)
            # The session is only the caller's word: check the ticket again (a few minutes' grace
            # for someone still answering when the window closes).
            self._check_rateable(ticket, self._now(), grace=timedelta(minutes=10))
            opened = self._rating_opened.get(ticket.id)
            if opened is None:
                raise self._refuse(
                    "unknown_session",
                    ticket.id,
                    "ไม่พบการเปิดแบบประเมินนี้ กรุณาสแกนบัตรคิวอีกครั้ง",
                    "This rating was not opened on the office server. Please scan the ticket again.",
                )
            if self._now() - opened < timedelta(milliseconds=self.settings.min_answer_ms):
                raise self._refuse(
                    "too_fast",
                    ticket.id,
                    "กรุณาอ่านคำถามก่อนเลือกคำตอบ",
                    "Please read the question before choosing an answer.",
                )
            from surveys.content.answers import (
                validate_answers,  # imported with the instruments, at the first rating
            )

            instrument_id = self.settings.service(ticket.service).instrument
            problems = validate_answers(self.instruments[instrument_id], answers)
            if problems:
                first = problems[0]
                raise OfficeError("bad_answers", first.message_th, first.message_en)
            try:
                check_value(dict(answers), "answers")
            except EventError as exc:
                raise OfficeError("bad_answers", f"คำตอบไม่ถูกต้อง: {exc}", f"invalid answers: {exc}") from None
            self._append(
                self._draft(
                    "rating.given",
                    {
                        "ticket": ticket.id,
                        "service": ticket.service,
                        "instrument": instrument_id,
                        "answers": dict(answers),
                        "elapsed_ms": int(elapsed_ms),
                    },
                )
            )

    # -- complaints, for the kiosk (the desk itself is kiosk/office/complaints.py) ---------------

    @contextlib.contextmanager
    def _complaint_desk(self) -> Iterator[ComplaintDesk]:
        """This office's complaint desk for the kiosk's calls, caught up with the log first: another
        desk on this office (staff's, in this process) may have recorded steps since. Held under the
        office's lock, so that what the desk records itself is not applied twice."""
        from kiosk.office.complaints import ComplaintDesk  # imported at the first complaint looked up
        from surveys.complaints.cases import KINDS

        with self._lock:
            if self._complaints is None:
                self._complaints = ComplaintDesk(self)  # folds the whole log
            else:
                for event in self._log.read(self._complaints_seen + 1):
                    if event.kind in KINDS:
                        self._complaints.complaints.apply(event)
            try:
                yield self._complaints
            finally:
                self._complaints_seen = self._log.head[0]

    @contextlib.contextmanager
    def _complaint_refusals(self, refused: type[OfficeError] = OfficeError) -> Iterator[None]:
        """The desk's refusals (and a mistyped code's), for the kiosk: their codes start with
        ``complaint_``, which tells the kiosk they are meant for the citizen."""
        try:
            yield
        except UserError as exc:
            code = exc.code if exc.code.startswith("complaint_") else f"complaint_{exc.code}"
            raise refused(code, exc.th, exc.en) from exc

    def complaint_status(self, code: str, *, by: str | None = None) -> ComplaintView:
        """What the holder of a tracking code may see of its complaint (see :class:`ComplaintView`).

        Well-formed codes that match no complaint are counted per terminal (``by``), as the rating codes
        are: after :data:`MAX_FAILED_CODES` in a row the terminal waits (longer at each lock)."""
        with self._lock, self._moment(by):
            now = self._now()
            until = self._code_tries.locked_until(by, now)
            if until is not None:
                th, en = wait_text(until, now)
                raise OfficeError(
                    "complaint_locked",
                    f"ใส่รหัสที่ไม่พบหลายครั้งเกินไป กรุณารอ {th} หรือติดต่อเจ้าหน้าที่",
                    f"Too many codes that match no complaint. Please wait {en}, or ask a member of staff.",
                )
            try:
                with self._complaint_refusals(), self._complaint_desk() as desk:
                    complaint = desk.status(code)
            except OfficeError as exc:
                if "not_found" in exc.code:
                    self._code_tries.failed(by, now)
                raise
            self._code_tries.succeeded(by)
            return complaint_view(complaint, now.date())

    def open_complaint_rating(self, code: str, *, by: str | None = None) -> str:
        """Let a closed, not yet rated complaint's code rate its handling: the instrument's id."""
        with self._moment(by), self._complaint_refusals(RatingRefused), self._complaint_desk() as desk:
            return desk.open_rating(code)

    def submit_complaint_rating(
        self, code: str, answers: Mapping[str, JsonValue], *, by: str | None = None
    ) -> None:
        """Record the rating of a complaint's handling (once per code; the rating names no complaint)."""
        with self._moment(by), self._complaint_refusals(RatingRefused), self._complaint_desk() as desk:
            desk.rate(code, answers)

    # -- complaints, for the complaint desk's staff (prongsai complaints add|step|list) ----------

    def receive_complaint(
        self,
        channel: str,
        category: str,
        subject: str,
        details: str = "",
        location: str = "",
        contact: str | None = None,
        tip: bool = False,
        *,
        by: str | None = None,
    ) -> ComplaintEntry:
        """Record a complaint (a corruption tip with ``tip``): its contact details are sealed here, by
        the office, to the complaints officer's key (see :class:`~kiosk.office.complaints.ComplaintDesk`)."""
        with self._moment(by), self._complaint_desk() as desk:
            complaint = desk.receive(channel, category, subject, details, location, contact, tip)
            return complaint_entry(complaint, self._now().date())

    def complaint_step(self, code: str, to: str, note: str = "", *, by: str | None = None) -> ComplaintEntry:
        """Record the next step of a complaint (forward only; ``explained`` needs the note)."""
        with self._moment(by), self._complaint_desk() as desk:
            return complaint_entry(desk.step(code, to, note), self._now().date())

    def complaint_list(self, overdue: bool = False, *, by: str | None = None) -> tuple[ComplaintEntry, ...]:
        """Every complaint, open ones first and the earliest due first (only the late ones if ``overdue``)."""
        with self._moment(by), self._complaint_desk() as desk:
            today = self._now().date()
            return tuple(complaint_entry(c, today) for c in desk.list(overdue_only=overdue, today=today))


def complaint_entry(complaint: Complaint, today: date) -> ComplaintEntry:
    """The staff's view of ``complaint`` on ``today`` (no contact details)."""
    from surveys.complaints.cases import is_late
    from surveys.complaints.codes import format_plain

    return ComplaintEntry(
        code=format_plain(complaint.code),
        series=complaint.series,
        channel=complaint.channel,
        category=complaint.category,
        subject=complaint.subject,
        status=complaint.status,
        received=complaint.received_at,
        due=complaint.due.isoformat(),
        closed=complaint.closed,
        late=is_late(complaint, today),
        rated=complaint.rated,
        has_contact=complaint.has_contact,
        sealed=complaint.contact is not None,
        closed_at=complaint.closed_at,
    )


def complaint_view(complaint: Complaint, today: date) -> ComplaintView:
    """The citizen's view of ``complaint`` on ``today``: no contact, no details, no staff names; no
    subject for a tip; a step's note only when it explains (the letter of explanation's summary)."""
    from surveys.complaints.cases import EXPLAINED, STEPS, is_late
    from surveys.complaints.codes import format_plain

    steps = tuple(
        ComplaintStepView(
            to=step.to,
            on=datetime.fromisoformat(step.at).astimezone(BANGKOK).date().isoformat(),
            th=STEPS[step.to][0],
            en=STEPS[step.to][1],
            note=step.note if step.to == EXPLAINED else "",
        )
        for step in complaint.steps
    )
    th, en = STEPS[complaint.status]
    return ComplaintView(
        code=format_plain(complaint.code),
        tip=complaint.tip,
        status=complaint.status,
        status_th=th,
        status_en=en,
        steps=steps,
        due=complaint.due.isoformat(),
        closed=complaint.closed,
        overdue=not complaint.closed and is_late(complaint, today),
        can_rate=complaint.closed and not complaint.rated,
        subject=None if complaint.tip else complaint.subject,
        rated=complaint.rated,
    )
