"""Fairness (issue 10, item 6): out-of-order calls, no-shows, the priority share, tickets overtaken."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.operations import (
    Frames,
    count_overtaken,
    fairness_tables,
    no_show_table,
    out_of_order_table,
    overtaking_table,
    priority_table,
)
from surveys.counter.settings import PriorityRule, default_settings
from tests.support.operations_frames import call, frame, ticket


def _calls() -> pd.DataFrame:
    # counter 1 in October: 3 in order, one emergency, one appointment;
    # counter 2 in November: 1 in order, 1 out of order with no reason (should never happen)
    return pd.DataFrame(
        [
            call(1, "2024-10-07 09:00"),
            call(1, "2024-10-07 09:05"),
            call(1, "2024-10-07 09:10"),
            call(1, "2024-10-07 09:15", in_order=False, reason="emergency"),
            call(1, "2024-10-08 10:00", in_order=False, reason="appointment"),
            call(2, "2024-11-01 00:10"),
            call(2, "2024-11-01 09:00", in_order=False, reason=None),
        ]
    )


def test_out_of_order_calls_per_counter_and_month_with_their_reasons() -> None:
    table = out_of_order_table(_calls(), settings=default_settings())
    headers = {c["id"]: c["th"] for c in table["columns"]}
    assert headers["reason:emergency"] == "เหตุฉุกเฉิน/เจ็บป่วย"
    assert headers["reason:appointment"] == "มีนัดหมายล่วงหน้า"
    assert "reason:returning" not in headers  # only the reasons that were used
    first, second = table["rows"]
    assert (first["counter"], first["month"], first["calls"], first["out_of_order"]) == (1, "2024-10", 5, 2)
    assert first["out_of_order_pct"] == 40
    assert (first["reason:emergency"], first["reason:appointment"], first["no_reason"]) == (1, 1, 0)
    # 00:10 on 1 Nov in Bangkok is November
    assert (second["counter"], second["month"], second["calls"], second["no_reason"]) == (2, "2024-11", 2, 1)
    assert table["total"]["calls"] == 7 and table["total"]["out_of_order"] == 3


def test_no_shows_per_counter_with_the_minutes_from_call() -> None:
    no_shows = pd.DataFrame(
        [
            {"device": "d1", "ticket": "a", "service": "tax", "counter": 1, "seconds_from_call": 120.0},
            {"device": "d1", "ticket": "b", "service": "tax", "counter": 1, "seconds_from_call": 300.0},
            {"device": "d1", "ticket": "c", "service": "tax", "counter": 3, "seconds_from_call": 600.0},
        ]
    )  # fmt: skip
    table = no_show_table(no_shows)
    one, three = table["rows"]
    assert (one["counter"], one["no_shows"], one["minutes_median"], one["minutes_max"]) == (1, 2, 3.5, 5)
    assert (three["counter"], three["no_shows"], three["minutes_max"]) == (3, 1, 10)
    assert table["total"]["no_shows"] == 3 and table["total"]["minutes_median"] == 5


def _served(number: str, priority: str | None = None, when: str = "2024-10-07 09:00") -> dict:
    return ticket(number, when, called=when, started=when, finished=when, counter=1, priority=priority)


def test_priority_share_is_shown_beside_the_written_policy() -> None:
    # 6 served, 2 of them priority: 33.33 %; the rule "one after every 2 normal" allows at most 1 in 3
    tickets = frame(
        [
            _served("A001"),
            _served("A002"),
            _served("A003", "elderly"),
            _served("A004"),
            _served("A005"),
            _served("A006", "pregnant"),
            ticket("A007", "2024-10-07 09:00", priority="elderly"),  # still waiting: not served
        ]
    )
    table = priority_table(tickets)
    (row,) = table["rows"]
    assert (row["served"], row["priority_served"]) == (6, 2)
    assert row["priority_pct"] == pytest.approx(100 / 3)
    assert row["policy_max_pct"] == pytest.approx(100 / 3)
    assert "ทุก ๆ 2 คิวปกติ" in table["note_th"] and "33.33" in table["note_th"]
    assert "every 2 normal tickets" in table["note_en"]
    looser = priority_table(tickets, rule=PriorityRule(every_normal=3))
    assert looser["rows"][0]["policy_max_pct"] == 25
    assert "ทุก ๆ 3 คิวปกติ" in looser["note_th"]


def _queue() -> pd.DataFrame:
    # one day's queue of registration: A004 issued first but never called; A003 called before A001, A002
    return frame(
        [
            ticket("A004", "2024-10-07 08:59"),
            ticket("A001", "2024-10-07 09:00", called="2024-10-07 09:06", counter=1),
            ticket("A002", "2024-10-07 09:01", called="2024-10-07 09:07", counter=2),
            ticket("A003", "2024-10-07 09:02", called="2024-10-07 09:05", counter=1),
            # another service and another day never overtake registration on 7 Oct
            ticket("B001", "2024-10-07 09:03", called="2024-10-07 09:04", counter=3, service="tax"),
            ticket("A001", "2024-10-08 09:03", called="2024-10-08 09:04", counter=1),
        ]
    )


def test_count_overtaken_counts_later_tickets_called_first() -> None:
    assert count_overtaken(_queue()).tolist() == [3, 1, 1, 0, 0, 0]


def test_overtaking_summarised_per_counter() -> None:
    table = overtaking_table(_queue())
    rows = {r["counter"]: r for r in table["rows"]}
    assert list(rows) == [1, 2, 3, None]
    assert all(type(r["counter"]) is int for r in table["rows"][:3])  # 1, never 1.0
    # counter 1 called A001 (overtaken by 1), A003 (0) and A001 of 8 Oct (0)
    assert (rows[1]["tickets"], rows[1]["overtaken"], rows[1]["overtaken_max"]) == (3, 1, 1)
    assert rows[1]["overtaken_mean"] == pytest.approx(1 / 3)
    assert (rows[2]["overtaken"], rows[2]["overtaken_mean"]) == (1, 1)
    assert (rows[None]["tickets"], rows[None]["overtaken_max"]) == (1, 3)
    assert table["total"]["overtaken"] == 3 and table["total"]["overtaken_max"] == 3


def test_a_transferred_ticket_is_overtaken_in_the_queue_it_was_issued_for() -> None:
    # A001 issued for registration, called at 09:10 and sent on to tax; A002 (registration, later)
    # was called at 09:05: it overtook A001 in the registration queue, whatever A001's last service
    moved = ticket("A001", "2024-10-07 09:00", called="2024-10-07 09:10", counter=1, service="tax")
    moved["origin"] = "registration"
    tickets = frame([moved, ticket("A002", "2024-10-07 09:01", called="2024-10-07 09:05", counter=2)])
    assert count_overtaken(tickets).tolist() == [1, 0]


def test_overtaking_uses_the_frames_own_count_when_it_has_one() -> None:
    tickets = _queue().assign(later_served_before=[0, 0, 0, 0, 0, 7])
    rows = {r["counter"]: r for r in overtaking_table(tickets)["rows"]}
    assert rows[1]["overtaken_max"] == 7


def test_empty_frames_give_four_empty_fairness_tables() -> None:
    tables = fairness_tables(Frames(), default_settings())
    assert list(tables) == [
        "fairness-out-of-order",
        "fairness-no-shows",
        "fairness-priority",
        "fairness-overtaken",
    ]
    for table in tables.values():
        assert table["rows"] == [] and table["total"] is None
        assert table["note_th"].startswith("ไม่มีข้อมูล")
    assert "ทุก ๆ 2 คิวปกติ" in tables["fairness-priority"]["note_th"]  # the policy is still stated
