"""The queue audit finds every call the written policy does not account for, and duplicate numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.office.service import LocalOffice
from surveys.counter.audit import CallProblem, audit_calls, audit_numbers
from surveys.counter.settings import Settings, default_settings
from surveys.log.event import BANGKOK, Event
from tests.support.office import issue


@pytest.fixture
def office(make_office: Callable[..., LocalOffice]) -> LocalOffice:
    # no-shows at once (their wait is the office's rule, tested there): this audits calls
    return make_office(no_show_recalls=0, no_show_wait_seconds=0)


def events(office: LocalOffice) -> list[Event]:
    return list(office.log.read())


def calls(office: LocalOffice, settings: Settings | None = None) -> list[CallProblem]:
    return audit_calls(events(office), settings or office.settings)


def lie(office: LocalOffice, ticket: str, counter: int, **body: Any) -> Event:
    """A ticket.called event written past the office, as a tampering tool would."""
    number = office.state.tickets[ticket].number
    record = {"ticket": ticket, "number": number, "counter": counter, "expected": None, "in_order": True,
              "reason": None, "approved": None, **body}  # fmt: skip
    return office.log.append("ticket.called", record)


def test_calls_in_policy_order_and_reasoned_skips_are_accounted_for(office: LocalOffice) -> None:
    for service in ("registration", "registration", "registration", "tax", "info"):
        issue(office, service)
    issue(office, "registration", "elderly")
    issue(office, "registration", "pregnant")
    office.call_next(1)  # A001
    office.start(1)
    office.finish(1)
    office.call_ticket(2, "A003", "appointment")  # skips A002, with a reason
    office.no_show(2)
    office.call_next(1)  # two normal calls so far: the elderly ticket's turn
    office.start(1)
    office.transfer(1, "tax")
    office.call_next(3)
    office.call_ticket(4, "D001", None)  # the next anyway: no reason needed
    assert calls(office) == []
    assert audit_numbers(events(office)) == []


def test_a_call_flagged_in_order_for_the_wrong_ticket_is_found(office: LocalOffice) -> None:
    issue(office, "registration")
    later = issue(office, "registration").ticket
    event = lie(office, later, 1)  # A001 was next
    (problem,) = calls(office)
    assert (problem.seq, problem.number, problem.counter) == (event.seq, "A002", 1)
    assert "marked in order" in problem.en and "A001" in problem.en
    assert "ตามลำดับ" in problem.text("th") and "A001" in problem.th


@pytest.mark.parametrize("reason", [None, "friend-of-the-mayor", 3])
def test_an_out_of_order_call_without_a_listed_reason_is_found(office: LocalOffice, reason: object) -> None:
    issue(office, "tax")
    later = issue(office, "tax").ticket
    lie(office, later, 3, in_order=False, reason=reason)
    (problem,) = calls(office)
    assert problem.number == "B002" and "without a reason" in problem.en and "B001" in problem.en


def test_the_priority_rule_is_part_of_the_policy(office: LocalOffice) -> None:
    normal = [issue(office, "registration").ticket for _ in range(3)]
    issue(office, "registration", "elderly")
    for _ in range(2):
        office.call_next(1)
        office.start(1)
        office.finish(1)
    lie(office, normal[2], 1)
    (problem,) = calls(office)
    assert problem.number == "A003" and "A004" in problem.en  # after two normal calls, the elderly


def test_calling_a_ticket_that_is_not_waiting_or_of_another_service_is_found(office: LocalOffice) -> None:
    done = issue(office, "info").ticket
    office.call_next(4)
    office.start(4)
    office.finish(4)
    lie(office, done, 4, in_order=False, reason="returning")
    tax = issue(office, "tax").ticket
    lie(office, tax, 1, in_order=False, reason="specialist")  # counter 1 does not serve tax
    first, second = calls(office)
    assert first.number == "D001" and "not waiting" in first.en
    assert second.number == "B001" and "does not serve" in second.en


def test_a_second_pin_is_checked_when_the_settings_ask_for_one(office: LocalOffice) -> None:
    issue(office, "tax")
    later = issue(office, "tax").ticket
    lie(office, later, 3, in_order=False, reason="emergency")
    assert calls(office) == []
    strict = office.settings.model_copy(update={"second_pin_for_out_of_order": True})
    (problem,) = calls(office, strict)
    assert "PIN" in problem.en and "PIN" in problem.th


def test_each_bangkok_day_has_its_own_queue(tmp_path: Path) -> None:
    now = [datetime(2025, 1, 15, 16, 0, tzinfo=BANGKOK)]
    office = LocalOffice(tmp_path, default_settings(), clock=lambda: now[0])
    try:
        issue(office, "tax")  # B001 of the 15th, never called
        now[0] += timedelta(days=1)
        issue(office, "tax")  # B001 of the 16th
        assert office.call_next(3) is not None
        assert calls(office) == []
        assert audit_numbers(events(office)) == []  # the same number on two days is fine
    finally:
        office.close()


def test_a_number_given_out_twice_on_one_day_is_found(office: LocalOffice) -> None:
    first = office.reserve_ticket("permits")
    body = {"ticket": "forged", "service": "permits", "number": first.number, "serial": 1, "priority": None}
    copy = office.log.append("ticket.reserved", body)
    office.reserve_ticket("tax")
    (line,) = audit_numbers(events(office))
    assert "permits C001" in line and "2 times" in line and f"seq 1, {copy.seq}" in line


def test_a_ticket_back_from_a_mistaken_no_show_is_called_in_order(office: LocalOffice) -> None:
    first = issue(office, "registration").ticket
    issue(office, "registration")
    office.call_next(1)
    office.no_show(1)
    office.undo_no_show(1, office.state.tickets[first].number)
    called = office.call_next(2)  # A001 again, in its old place before A002
    assert called is not None and called.id == first
    office.start(2)
    office.finish(2)
    office.call_next(1)  # A002
    assert [e.kind for e in events(office)].count("ticket.no_show_undone") == 1
    assert calls(office) == []


def test_a_no_show_written_too_soon_is_found(office: LocalOffice) -> None:
    ticket = issue(office, "registration").ticket
    office.call_next(1)
    office.no_show(1)  # this office allows it at once (see the fixture)
    assert calls(office) == []
    (problem,) = calls(office, default_settings())  # the default rule: one recall and two minutes
    assert (problem.number, problem.counter) == (office.state.tickets[ticket].number, 1)
    assert "too soon: 0 recalls" in problem.en and "เร็วเกินไป" in problem.th
