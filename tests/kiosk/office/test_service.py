"""The office's rules, as the clerk and the citizen meet them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.office.service import LocalOffice, OfficeError, RatingRefused
from surveys.counter.settings import default_settings
from surveys.log.chain import verify_log
from surveys.log.event import BANGKOK
from surveys.log.home import log_dir
from tests.support.office import Clock, issue


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], clock: Clock) -> LocalOffice:
    return make_office(clock=clock, min_answer_ms=500)


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
    office.start(1)
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


def test_an_open_ticket_must_be_closed_before_the_next_call(office: LocalOffice, clock: Clock) -> None:
    issue(office)
    issue(office)
    office.call_next(1)
    with pytest.raises(OfficeError) as busy:
        office.call_next(1)
    assert busy.value.code == "counter_busy"
    office.recall(1)
    clock.advance(minutes=2)
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
    clock.advance(seconds=3)  # too fast or not is the office's clock's say
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


def test_answers_are_checked_against_the_instrument(office: LocalOffice, clock: Clock) -> None:
    real = issue(office)
    serve(office)
    session = office.open_rating(real.code)
    clock.advance(seconds=3)
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
    from surveys.counter.audit import audit_calls

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


def test_a_no_show_needs_a_recall_and_two_minutes_and_says_how_long_is_left(
    office: LocalOffice, clock: Clock
) -> None:
    issue(office)
    office.call_next(1)
    clock.advance(seconds=5)
    with pytest.raises(OfficeError) as early:
        office.no_show(1)  # seconds after the call, no recall: refused
    assert early.value.code == "no_show_too_soon"
    assert "เรียกซ้ำ" in early.value.th and "recall A001 first" in early.value.en
    office.recall(1)
    clock.advance(seconds=35)  # 40 s since the first call
    with pytest.raises(OfficeError) as waiting:
        office.no_show(1)
    assert "รออีก 1 นาที 20 วินาที" in waiting.value.th
    assert "wait 1 min 20 s more" in waiting.value.en
    assert "ticket.no_show" not in kinds(office)
    clock.advance(seconds=80)
    assert office.no_show(1).status == "no_show"


def test_the_no_show_rule_is_a_setting(tmp_path: Path, clock: Clock) -> None:
    settings = default_settings().model_copy(update={"no_show_recalls": 2, "no_show_wait_seconds": 30})
    office = LocalOffice(tmp_path, settings, clock=clock)
    issue(office)
    office.call_next(1)
    office.recall(1)
    clock.advance(minutes=5)
    with pytest.raises(OfficeError, match="at least 2 times"):
        office.no_show(1)
    office.recall(1)
    assert office.no_show(1).status == "no_show"


def test_undoing_a_no_show_puts_the_ticket_back_in_its_old_place(office: LocalOffice, clock: Clock) -> None:
    for _ in range(3):
        issue(office)
    office.call_next(1)  # A001
    office.recall(1)
    clock.advance(minutes=3)
    office.no_show(1)
    assert office.snapshot().waiting["registration"] == (("A002", None), ("A003", None))
    with pytest.raises(OfficeError) as not_one:
        office.undo_no_show(1, "A002")
    assert not_one.value.code == "not_no_show"
    back = office.undo_no_show(1, "A001")
    assert back.status == "waiting"
    assert kinds(office)[-1] == "ticket.no_show_undone"
    # by its original issue order, not at the end
    assert office.snapshot().waiting["registration"] == (("A001", None), ("A002", None), ("A003", None))
    called = office.call_next(2)
    assert called is not None and called.number == "A001"
    assert verify_log(log_dir(office.home), office.device.id).ok


def test_waiting_before_you_follows_the_priority_rule(office: LocalOffice) -> None:
    for _ in range(4):
        issue(office)  # A001-A004
    elderly = issue(office, priority="elderly")  # called after two normal calls: third
    assert elderly.ahead == 2
    assert not elderly.ahead_exact  # counters 1 and 2 share the line, other counters move the count
    normal = issue(office)  # A006: after the four normal ones and the elderly one
    assert normal.ahead == 5
    assert issue(office, "info").ahead == 0


def test_waiting_before_you_is_exact_for_one_line_without_priority(office: LocalOffice) -> None:
    issue(office)
    second = issue(office)
    assert (second.ahead, second.ahead_exact) == (1, True)
    tax = issue(office, "tax")  # counter 3 serves tax and permits: one line
    assert (tax.ahead, tax.ahead_exact) == (0, True)


def test_the_view_carries_waiting_times_and_since_when_a_counter_has_its_ticket(
    office: LocalOffice, clock: Clock
) -> None:
    issue(office)
    clock.advance(minutes=3)
    issue(office)
    clock.advance(minutes=1)
    office.call_next(1)
    view = office.snapshot()
    ((at, _seq),) = view.queued.values()
    assert list(view.queued) == ["A002"] and at.startswith("2025-01-15T09:03:00")
    counter = next(c for c in view.counters if c.counter == 1)
    assert counter.since is not None and counter.since.startswith("2025-01-15T09:04:00")


def test_the_default_pin_must_be_changed_to_a_pin_of_ones_own(tmp_path: Path, clock: Clock) -> None:
    office = LocalOffice(tmp_path, default_settings(), clock=clock)
    assert office.default_pin_in_force()
    for bad, said in [("2568", "ห้ามใช้ PIN ตั้งต้น"), ("12", "4–12"), ("12ab", "4–12")]:
        with pytest.raises(OfficeError) as refused:
            office.change_pin("2568", bad)
        assert said in refused.value.th and refused.value.code == "bad_pin"
    with pytest.raises(OfficeError) as wrong:
        office.change_pin("1111", "4821")
    assert wrong.value.code == "wrong_pin"
    office.change_pin("2568", "4821")
    assert not office.default_pin_in_force()
    assert office.check_pin("4821") and not office.check_pin("2568")
    from surveys.counter.settings import load_settings

    assert load_settings(tmp_path).pin_ok("4821")  # stored in the home, as a hash
    assert "4821" not in (tmp_path / "settings.yaml").read_text(encoding="utf-8")


def test_a_called_ticket_cannot_be_passed_off_as_served_or_sent_to_the_back(office: LocalOffice) -> None:
    """Two skips without a reason that the no-show rule alone did not close: finishing a ticket nobody
    was served for, and 'transferring' it to its own service (the back of the line it was called from)."""
    first, second = issue(office), issue(office)
    office.call_next(1)
    with pytest.raises(OfficeError) as finished:
        office.finish(1)
    assert finished.value.code == "not_started" and "กด s" in finished.value.th
    with pytest.raises(OfficeError) as sent_back:
        office.transfer(1, "registration")
    assert sent_back.value.code == "same_service"
    assert kinds(office).count("ticket.finished") == kinds(office).count("ticket.transferred") == 0
    assert office.state.tickets[first.ticket].status == "called"  # still this counter's, nothing recorded
    office.transfer(1, "tax")  # another service: allowed
    assert office.call_next(1).number == second.number
    office.start(1)
    assert office.finish(1).status == "done"
