"""The office's rules, as the clerk and the citizen meet them."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from surveys.chain import verify_log
from surveys.event import BANGKOK
from surveys.home import log_dir
from surveys.office import LocalOffice, OfficeError, RatingRefused, Reservation
from surveys.settings import default_settings


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 1, 15, 9, 0, tzinfo=BANGKOK)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def office(tmp_path: Path, clock: Clock) -> LocalOffice:
    return LocalOffice(tmp_path, default_settings().model_copy(update={"min_answer_ms": 500}), clock=clock)


def issue(office: LocalOffice, service: str = "registration", priority: str | None = None) -> Reservation:
    reservation = office.reserve_ticket(service, priority)
    office.confirm_ticket(reservation.ticket, "test")
    return reservation


def serve(office: LocalOffice, counter: int = 1) -> str:
    ticket = office.call_next(counter)
    assert ticket is not None
    office.start(counter)
    office.finish(counter)
    return ticket.number


def kinds(office: LocalOffice) -> list[str]:
    return [e.kind for e in office.log.read()]


def test_numbers_count_per_service_and_restart_each_day(office: LocalOffice, clock: Clock) -> None:
    assert [issue(office).number for _ in range(3)] == ["A001", "A002", "A003"]
    assert issue(office, "tax").number == "B001"
    assert issue(office).ahead == 3
    clock.advance(days=1)
    assert issue(office).number == "A001"


def test_first_come_first_served_with_one_priority_after_every_two(office: LocalOffice) -> None:
    for _ in range(4):
        issue(office)
    issue(office, priority="elderly")  # A005
    assert [serve(office) for _ in range(5)] == ["A001", "A002", "A005", "A003", "A004"]


def test_a_counter_only_calls_its_own_services(office: LocalOffice) -> None:
    issue(office, "tax")
    assert office.call_next(1) is None
    called = office.call_next(3)
    assert called is not None and called.number == "B001"


def test_calling_out_of_order_needs_a_reason_and_is_recorded(office: LocalOffice) -> None:
    issue(office)
    issue(office)
    with pytest.raises(OfficeError) as refused:
        office.call_ticket(1, "A002", None)
    assert refused.value.code == "reason_required" and "A001" in refused.value.th
    assert kinds(office).count("ticket.called") == 0
    office.call_ticket(1, "A002", "emergency")
    called = [e for e in office.log.read() if e.kind == "ticket.called"]
    assert called[-1].body["in_order"] is False and called[-1].body["reason"] == "emergency"
    office.finish(1)
    office.call_ticket(1, "A001", None)  # now it is the next one: no reason needed
    assert [e.body["in_order"] for e in office.log.read() if e.kind == "ticket.called"] == [False, True]


def test_a_second_pin_can_be_required_for_out_of_order_calls(tmp_path: Path, clock: Clock) -> None:
    settings = default_settings().model_copy(update={"second_pin_for_out_of_order": True})
    office = LocalOffice(tmp_path, settings, clock=clock)
    issue(office)
    issue(office)
    with pytest.raises(OfficeError, match="PIN"):
        office.call_ticket(1, "A002", "emergency", pin="0000")
    office.call_ticket(1, "A002", "emergency", pin="2568")
    assert [e.body["approved"] for e in office.log.read() if e.kind == "ticket.called"] == ["pin"]


def test_an_open_ticket_must_be_closed_before_the_next_call(office: LocalOffice) -> None:
    issue(office)
    issue(office)
    office.call_next(1)
    with pytest.raises(OfficeError) as busy:
        office.call_next(1)
    assert busy.value.code == "counter_busy"
    office.no_show(1)
    called = office.call_next(1)
    assert called is not None and called.number == "A002"


def test_a_transferred_ticket_joins_the_other_queue(office: LocalOffice) -> None:
    issue(office)
    office.call_next(1)
    office.transfer(1, "tax")
    assert office.snapshot().waiting["tax"] == (("A001", None),)
    called = office.call_next(3)
    assert called is not None and called.number == "A001"


def test_a_failed_print_never_counts_and_its_number_is_not_reused(office: LocalOffice) -> None:
    failed = office.reserve_ticket("registration")
    office.ticket_print_failed(failed.ticket, "paper out", "png")
    assert office.snapshot().waiting["registration"] == ()
    assert issue(office).number == "A002"
    assert office.snapshot().issued_today == 1


def test_a_rating_needs_a_served_ticket_once_within_the_window(office: LocalOffice, clock: Clock) -> None:
    first, second = issue(office), issue(office)
    with pytest.raises(RatingRefused) as early:
        office.open_rating(first.code)
    assert early.value.code == "not_served"
    serve(office)
    session = office.open_rating(first.code)
    with pytest.raises(RatingRefused) as fast:
        office.submit_rating(session, {"overall": 5}, elapsed_ms=100)
    assert fast.value.code == "too_fast"
    office.submit_rating(session, {"overall": 5, "staff": 4}, elapsed_ms=3000)
    with pytest.raises(RatingRefused) as again:
        office.open_rating(first.code)
    assert again.value.code == "already_rated"
    serve(office)
    clock.advance(minutes=121)
    with pytest.raises(RatingRefused) as late:
        office.open_rating(second.code)
    assert late.value.code == "expired" and "120" in late.value.th
    refused = [e.body["reason"] for e in office.log.read() if e.kind == "rating.refused"]
    assert refused == ["not_served", "too_fast", "already_rated", "expired"]
    given = [e for e in office.log.read() if e.kind == "rating.given"]
    assert len(given) == 1 and given[0].body["answers"] == {"overall": 5, "staff": 4}


def test_forged_codes_are_refused_logged_and_then_locked(office: LocalOffice) -> None:
    from stdnum import damm

    real = issue(office)
    serve(office)
    digits = real.code.replace("-", "")[:12]
    for attempt in range(6):
        mac = f"{(int(digits[4:12]) + attempt + 1) % 10**8:08d}"
        forged = digits[:4] + mac
        with pytest.raises(RatingRefused) as refused:
            office.open_rating(forged + damm.calc_check_digit(forged))
        assert refused.value.code == ("unknown_code" if attempt < 5 else "locked")
    with pytest.raises(RatingRefused) as locked:
        office.open_rating(real.code)
    assert locked.value.code == "locked"


def test_answers_are_checked_against_the_instrument(office: LocalOffice) -> None:
    real = issue(office)
    serve(office)
    session = office.open_rating(real.code)
    with pytest.raises(OfficeError) as bad:
        office.submit_rating(session, {"overall": 9}, elapsed_ms=3000)
    assert bad.value.code == "bad_answers"
    with pytest.raises(OfficeError):
        office.submit_rating(session, {"staff": 4}, elapsed_ms=3000)  # overall is required


def test_the_complaints_desk_rates_with_its_own_instrument(office: LocalOffice) -> None:
    real = issue(office, "complaints")
    serve(office, 4)
    assert office.open_rating(real.code).instrument == "complaint-satisfaction"


def test_a_restarted_office_picks_up_where_it_was(tmp_path: Path, clock: Clock) -> None:
    office = LocalOffice(tmp_path, default_settings(), clock=clock)
    first = issue(office)
    issue(office)
    serve(office)
    office.close()
    again = LocalOffice(tmp_path, default_settings(), clock=clock)
    assert issue(again).number == "A003"
    assert again.snapshot().waiting["registration"] == (("A002", None), ("A003", None))
    assert again.open_rating(first.code).number == "A001"
    again.close()
    assert verify_log(log_dir(tmp_path), again.device.id).ok


def test_a_request_reads_the_clock_once_even_at_midnight(tmp_path: Path) -> None:
    """A call decided just before midnight must be stamped with that day, however long it takes."""
    from surveys.audit import audit_calls

    before = datetime(2025, 1, 15, 23, 59, 59, 999000, tzinfo=BANGKOK)
    reads: list[datetime] = []
    crossing = False

    def clock() -> datetime:
        # While "crossing", the first reading is before midnight and every later one after it.
        now = before if not crossing or not reads else before + timedelta(milliseconds=2)
        if crossing:
            reads.append(now)
        return now

    office = LocalOffice(tmp_path, default_settings(), clock=clock)
    try:
        issue(office)
        crossing = True
        called = office.call_next(1)
        assert called is not None and called.number == "A001"
        events = list(office.log.read())
        assert events[-1].kind == "ticket.called" and events[-1].at.startswith("2025-01-15")
        assert audit_calls(events, office.settings) == []
    finally:
        office.close()


def test_a_ticket_still_open_at_midnight_can_be_finished_next_day(office: LocalOffice, clock: Clock) -> None:
    issue(office)
    office.call_next(1)
    office.start(1)
    clock.advance(hours=16)  # past midnight, the clerk still serving
    assert office.snapshot().counters[0].number == "A001"
    with pytest.raises(OfficeError) as busy:
        office.call_next(1)
    assert busy.value.code == "counter_busy"
    assert office.finish(1).status == "done"
