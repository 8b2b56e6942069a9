"""The queue audit: replays a device's events and checks every call against the written policy.

Invariant 3 of the design: every call of a ticket is next in line by the policy, or is recorded as
out of order with a reason from the list. :func:`audit_calls` folds the events as the office did
and, before each ``ticket.called``, asks :func:`~surveys.counter.queue.expected_next` who was next for that
counter on that Bangkok day. A call flagged ``in_order`` for a ticket that was not next is a problem
(a lying flag), as is an out-of-order call without a listed reason (or without the second PIN when
the settings require one), and a call of a ticket that was not waiting for that counter at all.
A no-show before the recalls and the wait the settings ask for is a problem too: it would be an
out-of-order call without a reason by another name. A no-show undone (``ticket.no_show_undone``) puts
the ticket back in its old place, as the office's fold does.
:func:`audit_numbers` finds a ticket number given out twice on one day for one service.

Pure: events in, problems out. The settings must be those in force when the events were written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from surveys.bilingual import pick
from surveys.counter.queue import WAITING, QueueState, expected_next
from surveys.counter.settings import Settings
from surveys.log.event import BANGKOK, Event


@dataclass(frozen=True)
class CallProblem:
    seq: int  # the ticket.called event
    number: str  # the ticket number called, "A004"
    counter: int
    th: str
    en: str

    def text(self, lang: str) -> str:
        return pick(lang, self.th, self.en)


def _day(event: Event) -> str:
    return event.time.astimezone(BANGKOK).date().isoformat()


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def audit_calls(events: Iterable[Event], settings: Settings) -> list[CallProblem]:
    """Every call that the policy does not account for, in log order (one device's events)."""
    state = QueueState()
    problems: list[CallProblem] = []
    current = ""
    for event in events:
        day = _day(event)
        if day != current:
            current = day
            _forget_before(state, (date.fromisoformat(day) - timedelta(days=1)).isoformat())
        if event.kind == "ticket.called":
            problems.extend(_check_call(state, settings, event, day))
        elif event.kind == "ticket.no_show":
            problems.extend(_check_no_show(state, settings, event))
        state.apply(event)
    return problems


def _forget_before(state: QueueState, day: str) -> None:
    """Drop tickets of days before ``day``: no call can be in order for them, and a year is long."""
    for ticket_id in [t.id for t in state.tickets.values() if t.day < day]:
        del state.tickets[ticket_id]


def _check_call(state: QueueState, settings: Settings, event: Event, day: str) -> list[CallProblem]:
    body = event.body
    counter = _int(body.get("counter"))
    ticket = state.tickets.get(str(body.get("ticket")))
    number = ticket.number if ticket else str(body.get("number") or "?")
    problems: list[CallProblem] = []

    def problem(th: str, en: str) -> None:
        problems.append(CallProblem(event.seq, number, counter, th, en))

    if ticket is None or not ticket.issued or ticket.status != WAITING or ticket.day != day:
        problem(
            f"เรียกคิว {number} ที่ช่อง {counter} ทั้งที่คิวนี้ไม่ได้รออยู่",
            f"ticket {number} was called at counter {counter} but it was not waiting",
        )
        return problems
    if ticket.service not in settings.services_of_counter(counter):
        problem(
            f"ช่อง {counter} เรียกคิว {number} ของบริการที่ช่องนี้ไม่ได้ให้บริการ ({ticket.service})",
            f"counter {counter} called {number}, a ticket of a service it does not serve ({ticket.service})",
        )
    expected = expected_next(state, settings, counter, day)
    if expected is not None and expected.id == ticket.id:
        return problems
    due = expected.number if expected else "-"
    if body.get("in_order") is True:
        problem(
            f"บันทึกว่าเรียกคิว {number} ตามลำดับ แต่ตามนโยบายคิวถัดไปของช่อง {counter} คือ {due}",
            f"the call of {number} is marked in order, but the policy's next for counter {counter} was {due}",
        )
        return problems
    reason = body.get("reason")
    if not isinstance(reason, str) or settings.reason(reason) is None:
        problem(
            f"เรียกคิว {number} ข้ามคิว {due} โดยไม่มีเหตุผลจากรายการ",
            f"{number} was called before {due} without a reason from the list (got {reason!r})",
        )
    elif settings.second_pin_for_out_of_order and body.get("approved") != "pin":
        problem(
            f"เรียกคิว {number} ข้ามคิว {due} โดยไม่มี PIN ของเจ้าหน้าที่อีกคน",
            f"{number} was called before {due} without a second staff member's PIN",
        )
    return problems


def _check_no_show(state: QueueState, settings: Settings, event: Event) -> list[CallProblem]:
    ticket = state.tickets.get(str(event.body.get("ticket")))
    if ticket is None or ticket.called_at is None:
        return []  # a ticket of a forgotten day, or never called: the call's own check speaks
    counter = _int(event.body.get("counter"))
    waited = (event.time - datetime.fromisoformat(ticket.called_at)).total_seconds()
    if ticket.recalls >= settings.no_show_recalls and waited >= settings.no_show_wait_seconds:
        return []
    return [
        CallProblem(
            event.seq,
            ticket.number,
            counter,
            f"บันทึก {ticket.number} ไม่มาตามเรียกที่ช่อง {counter} เร็วเกินไป: เรียกซ้ำ {ticket.recalls} ครั้ง"
            f" หลังเรียก {int(waited)} วินาที (ต้องเรียกซ้ำ {settings.no_show_recalls} ครั้ง"
            f" และรอ {settings.no_show_wait_seconds} วินาที)",
            f"{ticket.number} was marked a no-show at counter {counter} too soon: {ticket.recalls} recalls,"
            f" {int(waited)} s after the call (the rule: {settings.no_show_recalls} recalls and"
            f" {settings.no_show_wait_seconds} s)",
        )
    ]


def audit_numbers(events: Iterable[Event]) -> list[str]:
    """A line for each ticket number reserved more than once for the same service on the same day."""
    seen: dict[tuple[str, str, str], list[int]] = {}
    for event in events:
        if event.kind == "ticket.reserved":
            key = (_day(event), str(event.body.get("service")), str(event.body.get("number")))
            seen.setdefault(key, []).append(event.seq)
    return [
        f"{day} {service} {number}: ออกหมายเลขซ้ำ {len(seqs)} ครั้ง / given out {len(seqs)} times "
        f"(seq {', '.join(map(str, seqs))})"
        for (day, service, number), seqs in seen.items()
        if len(seqs) > 1
    ]
