"""The office's limits per terminal: rating codes, the staff PIN, unconfirmed reservations; and every
event a terminal causes names it (issue 8, findings 1, 2, 3, 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stdnum import damm

from kiosk.office.service import MAX_OPEN_RESERVATIONS, LocalOffice, OfficeError, RatingRefused, Reservation
from surveys.counter.settings import hash_pin
from tests.support.office import Clock, issue

ANSWERS = {"overall": 5, "staff": 4}


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], clock: Clock) -> LocalOffice:
    return make_office(clock=clock, min_answer_ms=500, staff_pin=hash_pin("2468"))


def served(office: LocalOffice) -> Reservation:
    reservation = issue(office, by="kiosk-1")
    office.call_next(1, by="counter1-a")
    office.start(1, by="counter1-a")
    office.finish(1, by="counter1-a")
    return reservation


def forged(code: str, attempt: int) -> str:
    """A well-formed code (right check digit) for the same number, with a wrong MAC."""
    digits = code.replace("-", "")[:12]
    mac = f"{(int(digits[4:12]) + attempt + 1) % 10**8:08d}"
    body = digits[:4] + mac
    return body + damm.calc_check_digit(body)


def test_wrong_codes_from_one_terminal_do_not_stop_another_terminals_right_code(
    office: LocalOffice, clock: Clock
) -> None:
    real = served(office)
    for attempt in range(6):
        with pytest.raises(RatingRefused) as refused:
            office.open_rating(forged(real.code, attempt), by="kiosk-evil")
        assert refused.value.code == ("unknown_code" if attempt < 5 else "locked")
    # the locked terminal can't try even the right code until its wait is over …
    with pytest.raises(RatingRefused) as locked:
        office.open_rating(real.code, by="kiosk-evil")
    assert locked.value.code == "locked" and "1 นาที" in locked.value.th and "1 min" in locked.value.en
    # … but the citizen at another kiosk rates with their real code
    session = office.open_rating(real.code, by="kiosk-1")
    clock.advance(seconds=2)
    office.submit_rating(session, ANSWERS, 2000, by="kiosk-1")
    assert [e.body["by"] for e in office.log.read() if e.kind == "rating.given"] == ["kiosk-1"]


def test_a_locked_terminal_waits_longer_at_each_lock(office: LocalOffice, clock: Clock) -> None:
    real = served(office)
    for lock in range(2):
        for attempt in range(5):
            with pytest.raises(RatingRefused):
                office.open_rating(forged(real.code, attempt), by="kiosk-evil")
        with pytest.raises(RatingRefused) as locked:
            office.open_rating(forged(real.code, 9), by="kiosk-evil")
        assert locked.value.code == "locked"
        clock.advance(minutes=2**lock, seconds=1)  # 1 minute, then 2
    with pytest.raises(RatingRefused) as again:
        office.open_rating(forged(real.code, 9), by="kiosk-evil")
    assert again.value.code == "unknown_code"  # the wait is over: tried (and wrong) again


def test_the_sixth_pin_try_within_the_lockout_is_refused_even_when_right_and_recorded(
    office: LocalOffice, clock: Clock
) -> None:
    for _ in range(5):
        assert office.check_pin("0000", by="counter2-x") is False
    with pytest.raises(OfficeError) as locked:
        office.check_pin("2468", by="counter2-x")
    assert locked.value.code == "pin_locked" and "30" in locked.value.th and "30 s" in locked.value.en
    with pytest.raises(OfficeError):  # changing the PIN is the same check
        office.change_pin("2468", "13579", by="counter2-x")
    assert office.check_pin("2468", by="counter1-a") is True  # another terminal is not locked
    pins = [e for e in office.log.read() if e.kind.startswith("pin.")]
    events = [(e.kind, e.body.get("reason"), e.body["by"]) for e in pins]
    assert events == [
        *[("pin.failed", "wrong", "counter2-x")] * 5,
        ("pin.locked", None, "counter2-x"),
        ("pin.failed", "locked", "counter2-x"),
        ("pin.failed", "locked", "counter2-x"),
    ]
    clock.advance(seconds=31)
    assert office.check_pin("2468", by="counter2-x") is True


def test_an_out_of_order_call_with_a_pin_counts_toward_the_lockout(office: LocalOffice) -> None:
    office.settings = office.settings.model_copy(update={"second_pin_for_out_of_order": True})
    issue(office, by="kiosk-1")
    second = issue(office, by="kiosk-1")
    for _ in range(5):
        with pytest.raises(OfficeError) as wrong:
            office.call_ticket(1, second.number, "appointment", "1111", by="counter1-a")
        assert wrong.value.code == "pin_required"
    with pytest.raises(OfficeError) as locked:
        office.call_ticket(1, second.number, "appointment", "2468", by="counter1-a")
    assert locked.value.code == "pin_locked"


def test_a_terminal_holds_only_a_few_unconfirmed_reservations(office: LocalOffice, clock: Clock) -> None:
    numbers = []
    for _ in range(50):  # a terminal trying to use up the day's 999 numbers without printing
        try:
            numbers.append(office.reserve_ticket("registration", by="kiosk-evil").number)
        except OfficeError as exc:
            assert exc.code == "too_many_reservations"
            assert "พิมพ์" in exc.th and "print" in exc.en
    assert len(numbers) == MAX_OPEN_RESERVATIONS
    assert issue(office, by="kiosk-1").number == f"A{MAX_OPEN_RESERVATIONS + 1:03d}"  # others still issue
    held = office.reserve_ticket("registration", by="kiosk-2")
    office.confirm_ticket(held.ticket, "test", by="kiosk-2")  # printed: it no longer counts
    for _ in range(MAX_OPEN_RESERVATIONS - 1):
        office.reserve_ticket("registration", by="kiosk-2")
    clock.advance(minutes=3)  # an abandoned reservation stops counting after a while
    assert office.reserve_ticket("registration", by="kiosk-evil").number.startswith("A")


def test_every_event_a_terminal_causes_names_it(office: LocalOffice, clock: Clock) -> None:
    reservation = office.reserve_ticket("registration", by="kiosk-1")
    office.ticket_print_failed(reservation.ticket, "paper jam", "test", by="kiosk-1")
    office.ticket_reprinted(reservation.ticket, "test", by="kiosk-1")
    office.confirm_ticket(reservation.ticket, "test", by="kiosk-1")
    issue(office, by="kiosk-1")
    office.call_next(1, by="counter1-a")
    office.recall(1, by="counter1-a")
    office.transfer(1, "tax", by="counter1-a")
    office.call_next(3, by="counter3-b")
    office.start(3, by="counter3-b")
    office.finish(3, by="counter3-b")
    office.call_next(1, by="counter1-a")
    office.recall(1, by="counter1-a")
    clock.advance(minutes=10)
    office.no_show(1, by="counter1-a")
    office.undo_no_show(1, "A002", by="counter1-a")
    with pytest.raises(RatingRefused):
        office.open_rating("0000-0000-0000", by="kiosk-1")
    session = office.open_rating(reservation.code, by="kiosk-1")
    clock.advance(seconds=2)
    office.submit_rating(session, ANSWERS, 2000, by="kiosk-1")
    office.check_pin("9999", by="counter3-b")
    events = list(office.log.read())
    assert len(events) > 15
    unnamed = [e.kind for e in events if "by" not in e.body]
    assert unnamed == []
    assert {e.body["by"] for e in events if e.kind.startswith("rating.")} == {"kiosk-1"}
    assert {e.body["by"] for e in events if e.kind == "ticket.started"} == {"counter3-b"}


def test_the_offices_own_process_names_no_terminal(office: LocalOffice) -> None:
    issue(office)
    assert all("by" not in e.body for e in office.log.read())


def test_one_pin_check_at_a_time(office: LocalOffice, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import kiosk.office.service
    from surveys.counter.settings import Settings

    checking, release = threading.Event(), threading.Event()
    real = Settings.pin_ok

    def slow(self: Settings, pin: str) -> bool:
        checking.set()
        release.wait(30)
        return real(self, pin)

    monkeypatch.setattr(Settings, "pin_ok", slow)
    monkeypatch.setattr(kiosk.office.service, "PIN_QUEUE_SECONDS", 0.05)
    first: list[bool] = []
    worker = threading.Thread(target=lambda: first.append(office.check_pin("2468", by="counter1-a")))
    worker.start()
    assert checking.wait(30)
    with pytest.raises(OfficeError) as busy:  # a second check while the first is running is refused
        office.check_pin("2468", by="counter2-x")
    assert busy.value.code == "pin_busy" and "ลองใหม่" in busy.value.th
    release.set()
    worker.join(30)
    assert first == [True]


def test_wrong_pins_sent_at_once_still_lock_the_terminal(office: LocalOffice) -> None:
    """Tries queued behind one another are each checked against the lockout as their turn comes: a
    burst of wrong PINs cannot slip past it, and the right PIN after the burst is refused."""
    import threading

    from kiosk.office.service import MAX_PIN_FAILURES

    office.settings = office.settings.model_copy(update={"staff_pin": hash_pin("7391")})
    answers: list[object] = []

    def wrong() -> None:
        try:
            answers.append(office.check_pin("1111", by="kiosk-a"))
        except OfficeError as exc:
            answers.append(exc.code)

    burst = [threading.Thread(target=wrong) for _ in range(12)]
    for thread in burst:
        thread.start()
    for thread in burst:
        thread.join(60)
    assert answers.count(False) <= MAX_PIN_FAILURES  # never more wrong PINs checked than the rule allows
    assert set(answers) <= {False, "pin_locked", "pin_busy"}
    with pytest.raises(OfficeError) as right:
        office.check_pin("7391", by="kiosk-a")
    assert right.value.code == "pin_locked"


def test_a_counter_undoes_only_a_no_show_of_a_service_it_serves(office: LocalOffice, clock: Clock) -> None:
    office.settings = office.settings.model_copy(update={"no_show_recalls": 0, "no_show_wait_seconds": 0})
    reservation = office.reserve_ticket("info")  # counter 4 serves info, counter 1 does not
    office.confirm_ticket(reservation.ticket, "test")
    office.call_next(4)
    office.no_show(4)
    with pytest.raises(OfficeError) as refused:
        office.undo_no_show(1, reservation.number, by="counter1-a")
    assert refused.value.code == "wrong_counter"
    assert office.undo_no_show(4, reservation.number, by="counter4-a").status == "waiting"


def test_a_pin_change_is_recorded_without_the_pin(office: LocalOffice) -> None:
    office.change_pin("2468", "7391", by="counter1-a")
    (changed,) = [e for e in office.log.read() if e.kind == "pin.changed"]
    assert changed.body == {"by": "counter1-a"}
