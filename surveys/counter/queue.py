"""The visit lifecycle: the state of the queue as a fold over events, and the calling policy.

Event kinds (bodies hold ids, numbers and codes, never personal data)::

    ticket.reserved     {ticket, service, number, serial, priority}   a number is taken before printing
    ticket.issued       {ticket, service, number, printer}    the print succeeded: the ticket counts
    ticket.print_failed {ticket, service, number, error}
    ticket.reprinted    {ticket, printer}
    ticket.called       {ticket, counter, expected, in_order, reason, approved}
    ticket.recalled     {ticket, counter}
    ticket.no_show      {ticket, counter}
    ticket.no_show_undone {ticket, counter}   the no-show was a mistake: it waits again, in its old place
    ticket.started      {ticket, counter}
    ticket.finished     {ticket, counter}
    ticket.transferred  {ticket, counter, to_service}
    rating.given        {ticket, service, instrument, answers, elapsed_ms}
    rating.refused      {reason, ticket}

The policy is first come, first served within the services a counter serves, with one priority
ticket (elderly, disabled, pregnant) after every N normal calls office-wide. Any other call is out of
order and must carry a reason. Numbers restart each Bangkok day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from surveys.counter.settings import Settings
from surveys.log.event import BANGKOK, Event

WAITING, CALLED, SERVING, DONE, NO_SHOW = "waiting", "called", "serving", "done", "no_show"


@dataclass(frozen=True)
class Ticket:
    id: str
    service: str  # the service it waits for now (transfers change it)
    origin: str  # the service it was issued for (its code says this one)
    number: str  # "A001"
    serial: int  # 1 for A001
    day: str  # Bangkok date, YYYY-MM-DD
    priority: str | None
    reserved_at: str
    issued: bool = False
    status: str = WAITING
    queued_at: str = ""  # when it joined its current service's queue (issue, or transfer)
    queued_seq: int = 0
    counter: int | None = None
    called_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    rated: bool = False
    transferred_from: str | None = None
    recalls: int = 0  # recalls since it was last called


@dataclass(frozen=True)
class Call:
    ticket: str
    number: str
    service: str
    counter: int
    at: str
    in_order: bool
    recall: bool = False


@dataclass
class QueueState:
    """Everything the counters, the board and the rating screen need, folded from events."""

    tickets: dict[str, Ticket] = field(default_factory=dict)
    open: dict[str, Ticket] = field(default_factory=dict)  # issued and not yet done or no-show
    used_numbers: dict[tuple[str, str], int] = field(default_factory=dict)  # (day, service) → highest
    normal_since_priority: int = 0  # normal calls since the last priority call, today
    calls_day: str = ""
    calls: list[Call] = field(default_factory=list)  # newest last
    version: int = 0  # seq of the last event folded in

    def apply(self, event: Event) -> None:
        body = event.body
        kind = event.kind
        self.version = max(self.version, event.seq)
        if kind == "ticket.reserved":
            day = event.time.astimezone(BANGKOK).date().isoformat()
            serial = int(body["serial"])
            key = (day, str(body["service"]))
            self.used_numbers[key] = max(self.used_numbers.get(key, 0), serial)
            self.tickets[str(body["ticket"])] = Ticket(
                id=str(body["ticket"]),
                service=str(body["service"]),
                origin=str(body["service"]),
                number=str(body["number"]),
                serial=serial,
                day=day,
                priority=body.get("priority"),
                reserved_at=event.at,
            )
            return
        if kind == "rating.refused":  # a refusal changes no ticket
            return
        ticket = self.tickets.get(str(body.get("ticket")))
        if ticket is None:
            return
        counter = int(body.get("counter") or 0)
        if kind == "ticket.issued":
            ticket = replace(ticket, issued=True, queued_at=event.at, queued_seq=event.seq)
        elif kind == "ticket.called":
            ticket = replace(ticket, status=CALLED, counter=counter, called_at=event.at, recalls=0)
            call_day = event.time.astimezone(BANGKOK).date().isoformat()
            if call_day != self.calls_day:  # the count starts afresh each day
                self.calls_day, self.normal_since_priority = call_day, 0
            if ticket.priority:
                self.normal_since_priority = 0
            else:
                self.normal_since_priority += 1
            self._remember(Call(ticket.id, ticket.number, ticket.service, int(counter), event.at,
                                bool(body.get("in_order"))))  # fmt: skip
        elif kind == "ticket.recalled":
            ticket = replace(ticket, recalls=ticket.recalls + 1)
            self._remember(Call(ticket.id, ticket.number, ticket.service, int(counter), event.at, True, True))
        elif kind == "ticket.started":
            ticket = replace(ticket, status=SERVING, started_at=event.at)
        elif kind == "ticket.finished":
            ticket = replace(ticket, status=DONE, finished_at=event.at)
        elif kind == "ticket.no_show":
            ticket = replace(ticket, status=NO_SHOW, finished_at=event.at)
        elif kind == "ticket.no_show_undone":  # back in its old place: queued_seq is kept
            ticket = replace(
                ticket, status=WAITING, counter=None, called_at=None, finished_at=None, recalls=0
            )
        elif kind == "ticket.transferred":
            ticket = replace(
                ticket, status=WAITING, service=str(body["to_service"]), counter=None, queued_at=event.at,
                queued_seq=event.seq, transferred_from=ticket.service, called_at=None, started_at=None,
            )  # fmt: skip
        elif kind == "rating.given":
            ticket = replace(ticket, rated=True)
        self.tickets[ticket.id] = ticket
        if ticket.issued and ticket.status in (WAITING, CALLED, SERVING):
            self.open[ticket.id] = ticket
        else:
            self.open.pop(ticket.id, None)

    def _remember(self, call: Call) -> None:
        self.calls.append(call)
        del self.calls[:-50]

    # -- queries ------------------------------------------------------------------------------

    def waiting(self, services: Iterable[str], day: str) -> list[Ticket]:
        """Issued tickets of ``day`` waiting for one of ``services``, in order of joining the queue."""
        wanted = set(services)
        found = [
            t for t in self.open.values()
            if t.issued and t.status == WAITING and t.day == day and t.service in wanted
        ]  # fmt: skip
        return sorted(found, key=lambda t: t.queued_seq)

    def at_counter(self, counter: int) -> Ticket | None:
        """The ticket a counter has called or is serving, if any."""
        # Not only today's: a ticket still open at midnight stays the counter's until it is closed.
        for ticket in self.open.values():
            if ticket.counter == counter and ticket.status in (CALLED, SERVING):
                return ticket
        return None

    def find_number(self, number: str, day: str) -> Ticket | None:
        for ticket in self.tickets.values():
            if ticket.number == number.upper() and ticket.day == day and ticket.issued:
                return ticket
        return None

    def prune(self, before_day: str) -> None:
        """Forget tickets of days before ``before_day`` (past the rating window: nothing changes them)."""
        self.tickets = {k: t for k, t in self.tickets.items() if t.day >= before_day}
        self.open = {k: t for k, t in self.open.items() if t.day >= before_day}
        self.used_numbers = {k: v for k, v in self.used_numbers.items() if k[0] >= before_day}

    def next_serial(self, service: str, day: str) -> int:
        return self.used_numbers.get((day, service), 0) + 1


def fold(events: Iterable[Event], state: QueueState | None = None) -> QueueState:
    state = state or QueueState()
    for event in events:
        state.apply(event)
    return state


def expected_next(state: QueueState, settings: Settings, counter: int, day: str) -> Ticket | None:
    """The ticket the written policy says ``counter`` calls next (None if nobody waits for it)."""
    waiting = state.waiting(settings.services_of_counter(counter), day)
    priority = [t for t in waiting if t.priority]
    normal = [t for t in waiting if not t.priority]
    since = state.normal_since_priority if state.calls_day == day else 0
    if _priority_turn(priority, normal, since, settings):
        return priority[0]
    return normal[0] if normal else None


def _priority_turn(priority: list[Ticket], normal: list[Ticket], since: int, settings: Settings) -> bool:
    """The written priority rule: a priority ticket is next when no normal one waits, or after every
    ``every_normal`` normal calls (``since`` of them so far)."""
    return bool(priority) and (not normal or since >= settings.priority.every_normal)


def ahead_of(state: QueueState, settings: Settings, ticket: Ticket, day: str) -> tuple[int, bool]:
    """How many waiting tickets the policy calls before ``ticket``, and whether that count is exact.

    The tickets waiting for the services of the counters that serve ``ticket`` are called in the
    policy's order (first come, first served, a priority ticket after every N normal calls) until
    ``ticket``'s turn. The count is exact only when those counters form one line (they all serve the
    same services) and the priority rule plays no part (no priority ticket in that line): otherwise
    calls at other counters move the office-wide priority count, and it is an estimate.
    """
    counters = [
        c.number for c in settings.counters if ticket.service in settings.services_of_counter(c.number)
    ]
    lines = {frozenset(settings.services_of_counter(c)) for c in counters}
    services = set().union(*lines) if lines else {ticket.service}
    if not ticket.issued:  # reserved, being printed: it joins at the end
        ticket = replace(ticket, queued_seq=state.version + 1)
    waiting = [t for t in state.waiting(services, day) if t.id != ticket.id]
    waiting = sorted([*waiting, ticket], key=lambda t: t.queued_seq)
    priority = [t for t in waiting if t.priority]
    normal = [t for t in waiting if not t.priority]
    exact = len(lines) == 1 and not priority
    since = state.normal_since_priority if state.calls_day == day else 0
    ahead = 0
    while priority or normal:
        if _priority_turn(priority, normal, since, settings):
            nxt, since = priority.pop(0), 0
        else:
            nxt, since = normal.pop(0), since + 1
        if nxt.id == ticket.id:
            break
        ahead += 1
    return ahead, exact
