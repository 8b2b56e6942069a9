"""The central store folded into frames: what each ticket went through, in Bangkok time."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from analysis.frames import frames_from_rows, load_frames
from kiosk.office.simulate import Period, simulate
from surveys.counter.settings import default_settings
from surveys.log.event import BANGKOK
from sync.central import CentralStore
from tests.support.devices import enrol, export

DEVICE = "dev-test"


class Rows:
    """Events of one device as the central store hands them to the report."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, str, str, str, str]] = []

    def add(self, kind: str, at: datetime, **body: object) -> None:
        seq = len(self.rows) + 1
        line = json.dumps({"kind": kind, "at": at.isoformat(), "body": body}, sort_keys=True)
        self.rows.append((DEVICE, seq, kind, at.isoformat(), f"hash{seq}", line))

    def ticket(self, ticket: str, number: str, at: datetime, service: str = "registration") -> None:
        self.add(
            "ticket.reserved", at, ticket=ticket, number=number, service=service, serial=1, priority=None
        )
        self.add("ticket.issued", at, ticket=ticket, number=number, service=service, printer="png")


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=BANGKOK)


def test_a_served_ticket_carries_its_call_start_finish_and_counter() -> None:
    rows = Rows()
    rows.ticket("t1", "A001", at(1, 9))
    rows.add("ticket.called", at(1, 9, 5), ticket="t1", number="A001", counter=2, in_order=True, reason=None)
    rows.add("ticket.started", at(1, 9, 6), ticket="t1", number="A001", counter=2)
    rows.add("ticket.finished", at(1, 9, 16), ticket="t1", number="A001", counter=2)
    frames = frames_from_rows(rows.rows, date(2024, 10, 1), date(2024, 10, 31))
    ticket = frames.tickets.iloc[0]
    assert ticket["status"] == "served" and ticket["counter"] == 2 and ticket["number"] == "A001"
    assert ticket["finished_at"] - ticket["started_at"] == timedelta(minutes=10)
    assert ticket["called_at"] - ticket["issued_at"] == timedelta(minutes=5)
    assert len(frames.calls) == 1 and bool(frames.calls.iloc[0]["in_order"])


def test_a_ticket_late_on_the_last_day_of_october_belongs_to_october_in_bangkok() -> None:
    rows = Rows()
    rows.ticket("t1", "A001", at(31, 23, 30))  # 16:30 UTC: still 31 October in Bangkok
    frames = frames_from_rows(rows.rows, date(2024, 10, 1), date(2024, 10, 31))
    assert frames.tickets.iloc[0]["month"] == "2024-10"
    assert frames.tickets.iloc[0]["day"] == date(2024, 10, 31)


def test_a_ticket_called_after_a_later_one_counts_how_many_went_before_it() -> None:
    rows = Rows()
    rows.ticket("t1", "A001", at(1, 9))
    rows.ticket("t2", "A002", at(1, 9, 1))
    rows.ticket("t3", "A003", at(1, 9, 2))
    for ticket, number, minute in (("t3", "A003", 10), ("t2", "A002", 11), ("t1", "A001", 12)):
        rows.add("ticket.called", at(1, 9, minute), ticket=ticket, number=number, counter=1, in_order=False,
                 reason="appointment")  # fmt: skip
    frames = frames_from_rows(rows.rows, date(2024, 10, 1), date(2024, 10, 31))
    overtaken = dict(zip(frames.tickets["number"], frames.tickets["later_served_before"], strict=True))
    assert overtaken == {"A001": 2, "A002": 1, "A003": 0}
    assert list(frames.calls["reason"]) == ["appointment"] * 3


def test_an_undone_no_show_is_not_a_no_show_and_a_transfer_keeps_the_origin() -> None:
    rows = Rows()
    rows.ticket("t1", "A001", at(1, 9))
    rows.add("ticket.called", at(1, 9, 5), ticket="t1", number="A001", counter=1, in_order=True)
    rows.add("ticket.no_show", at(1, 9, 9), ticket="t1", number="A001", counter=1)
    rows.add("ticket.no_show_undone", at(1, 9, 10), ticket="t1", number="A001", counter=1)
    rows.add("ticket.transferred", at(1, 9, 11), ticket="t1", number="A001", counter=1, to_service="tax")
    frames = frames_from_rows(rows.rows, date(2024, 10, 1), date(2024, 10, 31))
    ticket = frames.tickets.iloc[0]
    assert frames.no_shows.empty and ticket["status"] == "waiting"
    assert (ticket["service"], ticket["origin"], bool(ticket["transferred"])) == ("tax", "registration", True)


def test_a_no_show_says_how_long_after_the_first_call_it_came() -> None:
    rows = Rows()
    rows.ticket("t1", "A001", at(1, 9))
    rows.add("ticket.called", at(1, 9, 5), ticket="t1", number="A001", counter=1, in_order=True)
    rows.add("ticket.recalled", at(1, 9, 6), ticket="t1", number="A001", counter=1)
    rows.add("ticket.no_show", at(1, 9, 8), ticket="t1", number="A001", counter=1)
    frames = frames_from_rows(rows.rows, date(2024, 10, 1), date(2024, 10, 31))
    assert list(frames.no_shows["seconds_from_call"]) == [180.0]
    assert frames.tickets.iloc[0]["status"] == "no_show"


def test_ratings_become_responses_and_one_answer_row_per_item() -> None:
    rows = Rows()
    rows.ticket("t1", "A001", at(1, 9))
    rows.add("rating.given", at(1, 9, 30), ticket="t1", service="registration",
             instrument="service-satisfaction", answers={"overall": 5, "staff": 4})  # fmt: skip
    frames = frames_from_rows(rows.rows, date(2024, 10, 1), date(2024, 10, 31))
    assert list(frames.responses["response"]) == [f"{DEVICE}:3"]
    assert sorted(zip(frames.answers["item"], frames.answers["value"], strict=True)) == [
        ("overall", 5),
        ("staff", 4),
    ]
    assert bool(frames.tickets.iloc[0]["rated"])


def test_the_digest_changes_when_one_stored_line_changes() -> None:
    rows = Rows()
    rows.ticket("t1", "A001", at(1, 9))
    first = frames_from_rows(rows.rows, date(2024, 10, 1), date(2024, 10, 31)).evidence
    device, seq, kind, when, chain_hash, line = rows.rows[0]
    rows.rows[0] = (device, seq, kind, when, chain_hash, line.replace("A001", "A002"))
    second = frames_from_rows(rows.rows, date(2024, 10, 1), date(2024, 10, 31)).evidence
    assert first.digest != second.digest and first.digest.startswith("sha256:")
    assert first.devices[DEVICE].first_seq == 1 and first.devices[DEVICE].last_seq == 2


def test_nothing_in_the_period_gives_empty_frames_with_their_columns() -> None:
    frames = frames_from_rows([], date(2024, 10, 1), date(2024, 10, 31))
    assert frames.tickets.empty and "later_served_before" in frames.tickets.columns
    assert frames.responses.empty and "instrument" in frames.responses.columns
    assert frames.evidence.devices == {}


def test_a_demo_store_counts_only_when_asked(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    simulate(home, default_settings(), Period(date(2024, 10, 1), date(2024, 10, 2)), seed=7, per_day=40,
             today=date(2024, 11, 1))  # fmt: skip
    central = tmp_path / "central"
    enrol(central, home)
    with CentralStore.open(central) as store:
        assert store.import_bundle(export(home, tmp_path / "b.psb")).ok
        real = load_frames(store, date(2024, 10, 1), date(2024, 10, 31))
        demo = load_frames(store, date(2024, 10, 1), date(2024, 10, 31), include_demo=True)
        outside = load_frames(store, date(2024, 11, 1), date(2024, 11, 30), include_demo=True)
    assert real.tickets.empty and real.responses.empty
    assert len(demo.tickets) > 40 and not demo.responses.empty
    assert set(demo.tickets["day"]) <= {date(2024, 10, 1), date(2024, 10, 2)}
    assert outside.tickets.empty
