"""A believable office, driven through the same office calls as the screens.

Weekdays from 08:30 to 16:30; arrivals follow a morning peak and a smaller one after lunch; each
service has its own share and service time; some people are elderly, disabled or pregnant; some
don't answer when called; a clerk now and then calls out of order (with a reason) or transfers a
ticket; about a third of those served rate the service a few minutes later, mostly well. A failed
print happens now and then and the person takes another ticket.

The simulation keeps its own clock, so a year takes seconds: it runs inside the log's
``deferred_sync`` block (one sync at the end) since a simulation can always be run again.

Simulated data must never pass for real data, so a simulation runs only in a *demo home*: one whose
device is a demo device (:attr:`surveys.log.device.Device.demo`), made by the first simulation of a new home.
A home whose device is real, or whose log holds anything a simulation did not write, is refused before
anything is written. Each run begins with a ``demo.simulation`` event naming its days, and its tickets
are printed on the ``simulated`` printer: both sit under the hash chain, so the central store sees
simulated data for what it is whatever ``device.json`` says (:meth:`sync.central.CentralStore.enrol`).
A run continues after the last day the log holds: it never writes into a day that holds events, nor
into today (a log's times never go backwards).
"""

from __future__ import annotations

import contextlib
import heapq
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path

from kiosk.office.service import LocalOffice, OfficeError, RatingSession
from surveys.counter.settings import Settings
from surveys.log.device import (
    DEMO_EVENT_KIND,
    IDENTITY_FILE,
    SIMULATED_PRINTER,
    load_device,
    load_or_create_device,
)
from surveys.log.device_log import DAYS, JOURNAL, read_events
from surveys.log.event import BANGKOK, Event, JsonValue, now_iso
from surveys.log.home import default_home, log_dir

OPEN, CLOSE = time(8, 30), time(16, 30)
EARLIEST = date(2000, 1, 1)  # B.E. 2543: a simulated office before it is no demo of anything
MARK = time(8, 0)  # when a run's demo.simulation event is stamped, on its first day
# Nobody comes: the clerk calls the number again a minute after the call (as often as the settings'
# no_show_recalls ask), and marks a no-show once their no_show_wait_seconds have passed, and a little more.
NO_SHOW_RECALL = timedelta(minutes=1)
NO_SHOW_GRACE = timedelta(seconds=30)  # after the settings' wait, before the no-show
SERVICE_WEIGHTS = {"registration": 0.38, "tax": 0.24, "permits": 0.08, "info": 0.18, "complaints": 0.12}
SERVICE_MINUTES = {"registration": 7.0, "tax": 4.0, "permits": 12.0, "info": 5.0, "complaints": 10.0}
OVERALL = (5, 4, 3, 2, 1)
OVERALL_WEIGHTS = (0.44, 0.36, 0.14, 0.04, 0.02)


class SimulationRefused(OfficeError):
    """This home or this period can't take a simulation; nothing was written. ``code``:

    ``real_device`` (the home's device is not a demo device), ``default_home`` (a new home that is the
    platform's default one), ``real_events`` (the log holds events no simulation wrote),
    ``orphan_log`` (a log but no device), ``already_simulated`` (the period lies
    within or before the days the log holds), ``future`` (the period reaches today or later),
    ``no_working_day``, ``bad_period``, ``changed`` (the log grew while it was being checked).
    """


@dataclass(frozen=True)
class Period:
    """The calendar days asked for, first to last inclusive."""

    first: date
    last: date
    clipped: bool = False  # the end was brought back to yesterday (a fiscal year still running)

    def __post_init__(self) -> None:
        if self.first < EARLIEST:
            raise SimulationRefused(
                "bad_period",
                f"จำลองได้ตั้งแต่ {EARLIEST.isoformat()} (พ.ศ. {EARLIEST.year + 543}) เป็นต้นไป "
                f"ไม่ใช่ {self.first.isoformat()}",
                f"a simulation starts on {EARLIEST.isoformat()} or later, not {self.first.isoformat()}",
            )
        if self.last < self.first:
            raise SimulationRefused(
                "bad_period",
                f"วันสุดท้าย ({self.last.isoformat()}) อยู่ก่อนวันแรก ({self.first.isoformat()})",
                f"the last day ({self.last.isoformat()}) is before the first ({self.first.isoformat()})",
            )

    @classmethod
    def last_days(cls, days: int, today: date) -> Period:
        """The ``days`` calendar days that end yesterday."""
        if days < 1:
            raise SimulationRefused(
                "bad_period", "จำนวนวันต้องมากกว่า 0", "the number of days must be at least 1"
            )
        last = today - timedelta(days=1)
        return cls(last - timedelta(days=days - 1), last)

    @classmethod
    def fiscal_year(cls, fy_be: int, today: date) -> Period:
        """A fiscal year (B.E.: 2569 is 1 Oct 2025 – 30 Sep 2026), up to yesterday if it is still running."""
        from surveys.content.thaidate import fiscal_year_bounds

        try:
            first, last = fiscal_year_bounds(fy_be)
        except ValueError:
            raise SimulationRefused(
                "bad_period",
                f"ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2569 (ไม่ใช่ {fy_be})",
                f"the fiscal year is a Buddhist Era year such as 2569 (not {fy_be})",
            ) from None
        yesterday = today - timedelta(days=1)
        if first <= yesterday < last:
            return cls(first, yesterday, clipped=True)
        return cls(first, last)

    def working_days(self) -> int:
        return sum(1 for d in _days(self.first, self.last) if d.weekday() < 5)


@dataclass(frozen=True)
class DemoHome:
    """What a home holds, as far as a simulation cares."""

    new: bool  # no device yet: the simulation makes a demo one
    events: int  # in the log
    last_day: date | None  # the last day holding an event or covered by a simulation run


@dataclass
class SimulationReport:
    days: int = 0
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    out_of_order: int = 0
    transfers: int = 0
    ratings: int = 0
    refused_ratings: int = 0
    print_failures: int = 0
    events: int = 0
    first_day: str = ""
    last_day: str = ""
    continued_after: str = ""  # the period was cut to start after this day, the last the log held
    clipped: bool = False  # the period was brought back to end yesterday
    new_demo_home: bool = False  # this run made the home's demo device

    def to_dict(self) -> dict[str, JsonValue]:
        return dict(self.__dict__)


@dataclass(order=True)
class _Happening:
    at: datetime
    order: int
    action: Callable[[], None] = field(compare=False)


class SimulatedClock:
    """The office's clock in a simulation: it says what ``now`` was set to (the simulation moves it)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    session: Iterator[datetime] = field(compare=False)


def run_interleaved(
    sessions: list[Iterator[datetime]], clock: SimulatedClock, progress: Callable[[int, int], None] | None
) -> None:
    """Run the sessions' steps in time order, the office's clock at each step's time. A session is a
    generator that does a step and yields when its next step is due (the forum and complaint simulations)."""
    queue: list[_Step] = []
    for order, session in enumerate(sessions):
        when = next(session, None)
        if when is not None:
            heapq.heappush(queue, _Step(when, order, session))
    done, total = 0, len(sessions)
    while queue:
        step = heapq.heappop(queue)
        clock.now = step.at
        when = next(step.session, None)
        if when is None:
            done += 1
            if progress:
                progress(done, total)
            continue
        heapq.heappush(queue, _Step(when, step.order, step.session))


def _arrival_rate(minute_of_day: float) -> float:
    """Relative arrivals per minute: a peak at 09:30, a smaller one at 13:30, quiet at lunch."""
    morning = math.exp(-(((minute_of_day - 570) / 70) ** 2))
    afternoon = 0.6 * math.exp(-(((minute_of_day - 810) / 60) ** 2))
    lunch = 0.5 if 720 <= minute_of_day < 780 else 1.0
    return (0.25 + morning + afternoon) * lunch


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def inspect_home(home: Path) -> DemoHome:
    """Check that ``home`` is new or a demo home holding only simulated events; writes nothing.

    Every event of a demo home's log must belong to a simulation run: the log begins with a
    ``demo.simulation`` event, every event falls within the days of the run it follows, and every
    ticket was printed on the ``simulated`` printer. Anything else was recorded by a real kiosk.
    The platform's default home is never made a demo home: it is where a real installation lives.
    """
    if not (home / IDENTITY_FILE).exists():
        folder = log_dir(home)
        days = folder / DAYS
        journal = folder / JOURNAL
        if (days.is_dir() and any(days.iterdir())) or (journal.is_file() and journal.stat().st_size):
            raise SimulationRefused(
                "orphan_log",
                f"โฟลเดอร์ {home} มีบันทึกเหตุการณ์แต่ไม่มีอุปกรณ์ (device.json) จึงไม่จำลองข้อมูลลงไป "
                "ให้ใช้โฟลเดอร์ใหม่สำหรับข้อมูลจำลอง (--home)",
                f"{home} holds an event log but no device (device.json), so nothing is simulated into it; "
                "use a new folder for simulated data (--home)",
            )
        if home.absolute() == default_home().absolute():
            raise SimulationRefused(
                "default_home",
                f"โฟลเดอร์ข้อมูลปกติ ({home}) มีไว้สำหรับข้อมูลจริงของเครื่องนี้ จึงไม่จำลองข้อมูลลงไป "
                "ให้จำลองในโฟลเดอร์ของมันเอง เช่น prongsai --home ~/prongsai-demo simulate --days 30",
                f"the default home ({home}) is for this installation's real data, so nothing is "
                "simulated into it; simulate in a folder of its own, "
                "e.g. prongsai --home ~/prongsai-demo simulate --days 30",
            )
        return DemoHome(new=True, events=0, last_day=None)
    device = load_device(home)
    if not device.demo:
        raise SimulationRefused(
            "real_device",
            f"อุปกรณ์ของโฟลเดอร์ {home} ({device.id}) เป็นอุปกรณ์จริง ไม่ใช่อุปกรณ์สาธิต "
            "ข้อมูลจำลองต้องไม่ปนกับข้อมูลจริง จึงไม่ได้เขียนอะไรลงไป "
            "ให้จำลองในโฟลเดอร์ใหม่ เช่น prongsai --home ~/prongsai-demo simulate --days 30",
            f"the device of {home} ({device.id}) is a real device, not a demo device: simulated data must "
            "never mix with real data, so nothing was written. Simulate in a new folder, e.g. "
            "prongsai --home ~/prongsai-demo simulate --days 30",
        )
    count, last_day = 0, None
    run: tuple[str, str] | None = None
    for event in read_events(log_dir(home)):
        count += 1
        day = event.time.astimezone(BANGKOK).date()
        if event.kind == DEMO_EVENT_KIND:
            run = (str(event.body.get("first_day", "")), str(event.body.get("last_day", "")))
            with contextlib.suppress(ValueError):  # a run covers its last day, events or not
                covered = date.fromisoformat(run[1])
                last_day = covered if last_day is None or covered > last_day else last_day
        elif not _simulated(event, day, run):
            raise SimulationRefused(
                "real_events",
                f"บันทึกของโฟลเดอร์ {home} มีเหตุการณ์ที่ไม่ได้มาจากการจำลอง (ลำดับที่ {event.seq}, "
                f"{event.kind}, {event.at[:16]}) เช่น จากตู้บริการที่ใช้งานจริง จึงไม่จำลองข้อมูลเพิ่ม "
                "ให้ใช้โฟลเดอร์ใหม่สำหรับข้อมูลจำลอง (--home)",
                f"the log of {home} holds an event no simulation wrote (seq {event.seq}, {event.kind}, "
                f"{event.at[:16]}), recorded by a kiosk in use, say; nothing more is simulated into it. "
                "Use a new folder for simulated data (--home)",
            )
        last_day = day if last_day is None or day > last_day else last_day
    return DemoHome(new=False, events=count, last_day=last_day)


def _simulated(event: Event, day: date, run: tuple[str, str] | None) -> bool:
    if run is None or not run[0] <= day.isoformat() <= run[1]:
        return False
    printer = event.body.get("printer")
    return printer is None or printer == SIMULATED_PRINTER


def plan_run(period: Period, home: DemoHome, today: date) -> Period:
    """The days this run simulates: ``period`` (a valid one: :class:`Period` checks itself), after the
    days the log holds; refuses what can't be."""
    yesterday = today - timedelta(days=1)
    if period.last > yesterday:
        raise SimulationRefused(
            "future",
            f"จำลองได้ถึงเมื่อวาน ({yesterday}) เท่านั้น ช่วงที่ขอสิ้นสุด {period.last}",
            f"a simulation ends yesterday ({yesterday}) at the latest; "
            f"the period asked for ends {period.last}",
        )
    first = period.first
    if home.last_day is not None and home.last_day >= first:
        if home.last_day >= period.last:
            raise SimulationRefused(
                "already_simulated",
                f"บันทึกนี้ครอบคลุมถึงวันที่ {home.last_day} แล้ว ช่วง {period.first} ถึง {period.last} "
                "อยู่ก่อนหรือทับวันเหล่านั้น การจำลองจะไม่แทรกเหตุการณ์ลงในวันที่มีอยู่แล้ว "
                f"ให้ขอช่วงที่เริ่มหลัง {home.last_day} หรือใช้โฟลเดอร์ใหม่ (--home)",
                f"this log already covers the days up to {home.last_day}; "
                f"{period.first} to {period.last} lies within or before those days, "
                "and a simulation never puts events into days that hold some. "
                f"Ask for days after {home.last_day}, or use a new folder (--home)",
            )
        first = home.last_day + timedelta(days=1)
    planned = Period(first, period.last, period.clipped)
    if planned.working_days() == 0:
        raise SimulationRefused(
            "no_working_day",
            f"ช่วง {planned.first} ถึง {planned.last} ไม่มีวันทำการ (จันทร์–ศุกร์) จึงไม่มีอะไรให้จำลอง "
            "ให้ขอช่วงที่ยาวขึ้น เช่น --days 7",
            f"{planned.first} to {planned.last} holds no working day (Monday–Friday), so there is nothing "
            "to simulate; ask for a longer period, e.g. --days 7",
        )
    return planned


def simulate(
    home: Path,
    settings: Settings,
    period: Period,
    *,
    seed: int = 2568,
    today: date | None = None,
    per_day: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationReport:
    """Simulate the working days of ``period`` in the demo home ``home`` (a new home becomes one).

    Raises :class:`SimulationRefused`, having written nothing, for a home that isn't a demo home or a
    period that can't be simulated (see :func:`inspect_home` and :func:`plan_run`).
    """
    today = today or datetime.now(BANGKOK).date()
    found = inspect_home(home)
    planned = plan_run(period, found, today)
    first, last = planned.first, planned.last
    if not load_or_create_device(home, demo=True).demo:  # made by another process since the check
        raise SimulationRefused(
            "changed",
            "อุปกรณ์ของโฟลเดอร์ถูกสร้างขึ้นระหว่างการตรวจ (มีโปรแกรมอื่นใช้โฟลเดอร์นี้) ไม่ได้เขียนอะไร",
            "the home's device was made while it was being checked (another program uses this "
            "folder); nothing was written",
        )
    rng = random.Random(seed)
    clock = SimulatedClock(datetime.combine(first, OPEN, BANGKOK))
    office = LocalOffice(home, settings, clock=clock, fold_every=4096)
    report = SimulationReport(
        first_day=first.isoformat(),
        last_day=last.isoformat(),
        continued_after=found.last_day.isoformat() if found.last_day and first > period.first else "",
        clipped=planned.clipped,
        new_demo_home=found.new,
    )
    start_seq = office.log.head[0]
    try:
        if start_seq != found.events:  # another process wrote between the check and now
            raise SimulationRefused(
                "changed",
                "บันทึกเปลี่ยนระหว่างการตรวจ (มีโปรแกรมอื่นเขียนอยู่) ไม่ได้เขียนอะไร ลองใหม่อีกครั้ง",
                "the log changed while it was being checked (another program writes it); "
                "nothing was written, try again",
            )
        calendar = _days(first, last)
        with office.log.deferred_sync():
            office.log.append(
                DEMO_EVENT_KIND,
                {
                    "first_day": first.isoformat(),
                    "last_day": last.isoformat(),
                    "seed": seed,
                    "per_day": per_day,
                    "run_at": now_iso("seconds"),
                },
                at=datetime.combine(first, MARK, BANGKOK),
            )
            for index, day in enumerate(calendar):
                if day.weekday() < 5:
                    _Day(office, clock, rng, day, per_day, report).run()
                    report.days += 1
                if progress:
                    progress(index + 1, len(calendar))
    finally:
        report.events = office.log.head[0] - start_seq
        office.close()
    return report


class _Day:
    def __init__(
        self,
        office: LocalOffice,
        clock: SimulatedClock,
        rng: random.Random,
        day: date,
        per_day: int,
        report: SimulationReport,
    ) -> None:
        self.office, self.clock, self.rng, self.day, self.report = office, clock, rng, day, report
        self.settings = office.settings
        self.queue: list[_Happening] = []
        self.order = 0
        self.codes: dict[str, str] = {}
        weekday_factor = (1.25, 1.0, 0.95, 1.0, 1.1)[day.weekday()]
        self.arrivals = max(1, int(rng.gauss(per_day * weekday_factor, per_day * 0.12)))

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        self.order += 1
        heapq.heappush(self.queue, _Happening(when, self.order, action))

    def run(self) -> None:
        opening = datetime.combine(self.day, OPEN, BANGKOK)
        span = (datetime.combine(self.day, CLOSE, BANGKOK) - opening).total_seconds() / 60
        minutes = self._arrival_minutes(span)
        for minute in minutes:
            self.at(opening + timedelta(minutes=minute), self._arrive)
        for counter in self.settings.counters:
            self.at(opening + timedelta(minutes=self.rng.uniform(0, 3)), partial(self._free, counter.number))
        closing = datetime.combine(self.day, CLOSE, BANGKOK) + timedelta(minutes=45)
        while self.queue:
            happening = heapq.heappop(self.queue)
            if happening.at > closing:
                break
            self.clock.now = happening.at
            happening.action()

    def _arrival_minutes(self, span: float) -> list[float]:
        weights = [_arrival_rate(510 + m) for m in range(int(span))]
        picks = self.rng.choices(range(int(span)), weights=weights, k=self.arrivals)
        return sorted(m + self.rng.random() for m in picks)

    # -- citizens -----------------------------------------------------------------------------

    def _arrive(self) -> None:
        names = [s.id for s in self.settings.services]
        weights = [SERVICE_WEIGHTS.get(n, 0.1) for n in names]
        service = self.rng.choices(names, weights=weights)[0]
        groups = [g.id for g in self.settings.priority.groups]
        priority = self.rng.choices([None, *groups], weights=[0.84, 0.1, 0.03, 0.03][: len(groups) + 1])[0]
        reservation = self.office.reserve_ticket(service, priority)
        if self.rng.random() < 0.003:
            self.office.ticket_print_failed(reservation.ticket, "paper out (simulated)", SIMULATED_PRINTER)
            self.report.print_failures += 1
            self.at(self.clock.now + timedelta(minutes=2), self._arrive)
            return
        self.office.confirm_ticket(reservation.ticket, SIMULATED_PRINTER)
        self.codes[reservation.ticket] = reservation.code
        self.report.tickets += 1

    def _rate(self, ticket_id: str) -> None:
        code = self.codes.pop(ticket_id, None)
        if code is None:
            return
        try:
            session = self.office.open_rating(code)
            answers: dict[str, JsonValue] = {"overall": self.rng.choices(OVERALL, OVERALL_WEIGHTS)[0]}
            mood = int(answers["overall"])
            for item in ("process", "channels", "staff", "facilities"):
                if self.rng.random() < 0.7:
                    answers[item] = max(1, min(5, mood + self.rng.choice((-1, 0, 0, 0, 1))))
            if session.instrument != "service-satisfaction":
                answers = {"overall": mood}
        except OfficeError:
            self.report.refused_ratings += 1
            return
        elapsed_ms = int(self.rng.uniform(4000, 40000))  # answering takes time on the office's clock too
        self.at(
            self.clock.now + timedelta(milliseconds=elapsed_ms),
            partial(self._submit, code, session, answers, elapsed_ms),
        )

    def _submit(
        self, code: str, session: RatingSession, answers: dict[str, JsonValue], elapsed_ms: int
    ) -> None:
        try:
            self.office.submit_rating(session, answers, elapsed_ms)
            self.report.ratings += 1
            if self.rng.random() < 0.02:  # someone tries to rate the same visit again
                self.office.open_rating(code)
        except OfficeError:
            self.report.refused_ratings += 1

    # -- clerks -------------------------------------------------------------------------------

    def _free(self, counter: int) -> None:
        office, rng = self.office, self.rng
        snapshot_next = None
        if rng.random() < 0.03:
            snapshot_next = self._out_of_order_candidate(counter)
        try:
            if snapshot_next is not None:
                reason = rng.choice(self.settings.out_of_order_reasons).id
                ticket = office.call_ticket(counter, snapshot_next, reason)
                self.report.out_of_order += 1
            else:
                called = office.call_next(counter)
                if called is None:
                    if self.clock.now.time() < CLOSE:
                        self.at(self.clock.now + timedelta(minutes=1), lambda: self._free(counter))
                    return
                ticket = called
        except OfficeError:
            self.at(self.clock.now + timedelta(minutes=1), lambda: self._free(counter))
            return
        if rng.random() < 0.04:  # nobody comes: called again as the settings ask, then marked a no-show
            called_at = self.clock.now
            recalls = max(self.settings.no_show_recalls, 1)
            for n in range(1, recalls + 1):
                self.at(called_at + n * NO_SHOW_RECALL, partial(self._recall, counter))
            wait = max(timedelta(seconds=self.settings.no_show_wait_seconds), recalls * NO_SHOW_RECALL)
            self.at(
                called_at + wait + NO_SHOW_GRACE + timedelta(seconds=rng.uniform(0, 60)),
                lambda: self._no_show(counter),
            )
            return
        self.at(
            self.clock.now + timedelta(seconds=rng.uniform(20, 90)),
            lambda: self._start(counter, ticket.service),
        )

    def _out_of_order_candidate(self, counter: int) -> str | None:
        waiting = self.office.state.waiting(self.settings.services_of_counter(counter), self.day.isoformat())
        return waiting[1].number if len(waiting) > 1 else None

    def _recall(self, counter: int) -> None:
        self.office.recall(counter)

    def _no_show(self, counter: int) -> None:
        self.office.no_show(counter)
        self.report.no_shows += 1
        self._free(counter)

    def _start(self, counter: int, service: str) -> None:
        self.office.start(counter)
        mean = SERVICE_MINUTES.get(service, 6.0)
        minutes = self.rng.lognormvariate(math.log(mean), 0.45)
        self.at(self.clock.now + timedelta(minutes=minutes), lambda: self._finish(counter))

    def _finish(self, counter: int) -> None:
        rng = self.rng
        if rng.random() < 0.02:
            others = [s.id for s in self.settings.services if counter not in s.counters]
            if others:
                ticket = self.office.transfer(counter, rng.choice(others))
                self.report.transfers += 1
                self._free(counter)
                return
        ticket = self.office.finish(counter)
        self.report.served += 1
        if rng.random() < 0.35:
            self.at(self.clock.now + timedelta(minutes=rng.uniform(0.5, 6)), partial(self._rate, ticket.id))
        self.at(self.clock.now + timedelta(seconds=rng.uniform(5, 40)), lambda: self._free(counter))
