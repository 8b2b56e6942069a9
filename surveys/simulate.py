"""A believable office, driven through the same office calls as the screens.

Weekdays from 08:30 to 16:30; arrivals follow a morning peak and a smaller one after lunch; each
service has its own share and service time; some people are elderly, disabled or pregnant; some
don't answer when called; a clerk now and then calls out of order (with a reason) or transfers a
ticket; about a third of those served rate the service a few minutes later, mostly well. A failed
print happens now and then and the person takes another ticket.

The simulation keeps its own clock, so a year takes seconds: it runs inside the log's
``deferred_sync`` block (one sync at the end) since a simulation can always be run again.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path

from surveys.event import BANGKOK, JsonValue
from surveys.office import LocalOffice, OfficeError
from surveys.settings import Settings

OPEN, CLOSE = time(8, 30), time(16, 30)
SERVICE_WEIGHTS = {"registration": 0.38, "tax": 0.24, "permits": 0.08, "info": 0.18, "complaints": 0.12}
SERVICE_MINUTES = {"registration": 7.0, "tax": 4.0, "permits": 12.0, "info": 5.0, "complaints": 10.0}
OVERALL = (5, 4, 3, 2, 1)
OVERALL_WEIGHTS = (0.44, 0.36, 0.14, 0.04, 0.02)


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

    def to_dict(self) -> dict[str, JsonValue]:
        return dict(self.__dict__)


@dataclass(order=True)
class _Happening:
    at: datetime
    order: int
    action: Callable[[], None] = field(compare=False)


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def _arrival_rate(minute_of_day: float) -> float:
    """Relative arrivals per minute: a peak at 09:30, a smaller one at 13:30, quiet at lunch."""
    morning = math.exp(-(((minute_of_day - 570) / 70) ** 2))
    afternoon = 0.6 * math.exp(-(((minute_of_day - 810) / 60) ** 2))
    lunch = 0.5 if 720 <= minute_of_day < 780 else 1.0
    return (0.25 + morning + afternoon) * lunch


def simulate(
    home: Path,
    settings: Settings,
    days: int,
    *,
    seed: int = 2568,
    end: date | None = None,
    per_day: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationReport:
    """Simulate ``days`` calendar days ending the day before ``end`` (default: today, Bangkok)."""
    rng = random.Random(seed)
    last = (end or datetime.now(BANGKOK).date()) - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    clock = _Clock(datetime.combine(first, OPEN, BANGKOK))
    office = LocalOffice(home, settings, clock=clock, fold_every=4096)
    report = SimulationReport(first_day=first.isoformat(), last_day=last.isoformat())
    start_seq = office.log.head[0]
    try:
        with office.log.deferred_sync():
            for index in range(days):
                day = first + timedelta(days=index)
                if day.weekday() < 5:
                    _Day(office, clock, rng, day, per_day, report).run()
                    report.days += 1
                if progress:
                    progress(index + 1, days)
    finally:
        report.events = office.log.head[0] - start_seq
        office.close()
    return report


class _Day:
    def __init__(
        self,
        office: LocalOffice,
        clock: _Clock,
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
            self.office.ticket_print_failed(reservation.ticket, "paper out (simulated)", "simulated")
            self.report.print_failures += 1
            self.at(self.clock.now + timedelta(minutes=2), self._arrive)
            return
        self.office.confirm_ticket(reservation.ticket, "simulated")
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
            self.office.submit_rating(session, answers, int(self.rng.uniform(4000, 40000)))
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
        if rng.random() < 0.04:
            self.at(self.clock.now + timedelta(minutes=2), lambda: self._no_show(counter))
            return
        self.at(
            self.clock.now + timedelta(seconds=rng.uniform(20, 90)),
            lambda: self._start(counter, ticket.service),
        )

    def _out_of_order_candidate(self, counter: int) -> str | None:
        waiting = self.office.state.waiting(self.settings.services_of_counter(counter), self.day.isoformat())
        return waiting[1].number if len(waiting) > 1 else None

    def _no_show(self, counter: int) -> None:
        self.office.recall(counter)
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
