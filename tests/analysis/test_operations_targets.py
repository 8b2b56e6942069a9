"""The plan's targets the counter measures (issue 10, item 4): calls in order, citizens served, summaries."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from analysis.operations import (
    Frames,
    citizens_served_target,
    counter_target,
    queue_order_figures,
    queue_order_target,
    summary_frequency_target,
    summary_periods,
)
from surveys.content.plan import builtin_plan
from tests.support.operations_frames import call, frame, response, ticket


def _target(target_id: str) -> Any:
    return next(t for _, t in builtin_plan().targets() if t.id == target_id)


def _calls(*, without_reason: int = 0) -> pd.DataFrame:
    rows = [call(1, f"2024-10-07 09:0{i}") for i in range(4)]
    rows += [
        call(1, "2024-10-07 10:00", in_order=False, reason="emergency"),
        call(2, "2024-10-07 10:05", in_order=False, reason="appointment"),
    ]
    rows += [call(2, "2024-10-07 11:00", in_order=False, reason=None)] * without_reason
    return pd.DataFrame(rows)


def test_queue_order_counts_calls_in_order_or_with_a_reason() -> None:
    # 7 calls: 4 in order, 2 out of order with a reason, 1 without → 57.14 % in order, 85.71 % allowed
    figures = queue_order_figures(_calls(without_reason=1))
    assert (figures["calls"], figures["in_order"], figures["with_reason"], figures["without_reason"]) == (
        7,
        4,
        2,
        1,
    )
    assert figures["in_order_pct"] == pytest.approx(400 / 7)
    assert figures["in_order_or_reason_pct"] == pytest.approx(600 / 7)


def test_p10_queue_order_is_met_when_every_out_of_order_call_has_a_reason() -> None:
    row = queue_order_target(Frames(calls=_calls()), _target("p10-queue-order"))
    assert (row["id"], row["kind"], row["threshold"], row["comparison"]) == (
        "p10-queue-order",
        "compliance",
        100.0,
        ">=",
    )
    assert (row["value"], row["verdict"], row["certainty"]) == (100, "met", "clear")
    assert row["in_order_pct"] == pytest.approx(400 / 6)  # shown beside it
    assert row["source"] == "tickets" and row["entered_by_hand"] is False


def test_p10_queue_order_is_not_met_with_one_call_out_of_order_without_reason() -> None:
    row = queue_order_target(Frames(calls=_calls(without_reason=1)), _target("p10-queue-order"))
    assert row["value"] == pytest.approx(600 / 7)
    assert row["verdict"] == "not_met"
    assert row["without_reason"] == 1


def test_p10_queue_order_without_calls_is_no_data_with_a_reason() -> None:
    row = queue_order_target(Frames(), _target("p10-queue-order"))
    assert row["verdict"] == "no_data" and row["value"] is None
    assert row["reason_th"] == "ไม่มีการเรียกคิวในช่วงเวลานี้"
    assert row["reason_en"] == "No ticket was called in this period"


def _tickets(served: int, waiting: int = 0, when: str = "2024-10-07 09:00") -> list[dict[str, Any]]:
    rows = [
        ticket(f"A{i:03d}", when, called=when, started=when, finished=when, counter=1) for i in range(served)
    ]
    rows += [ticket(f"B{i:03d}", when, service="tax") for i in range(waiting)]
    return rows


def test_citizens_served_counts_distinct_served_tickets() -> None:
    target = _target("p10-citizens-served")  # at least 50
    rows = _tickets(served=3, waiting=2)
    row = citizens_served_target(
        Frames(tickets=frame(rows + rows[:1])), target
    )  # a ticket seen twice counts once
    assert (row["value"], row["threshold"], row["unit"], row["verdict"]) == (3, 50.0, "count", "not_met")
    assert "1 บัตร = 1 คน" in row["note_th"]
    assert citizens_served_target(Frames(tickets=frame(_tickets(served=50))), target)["verdict"] == "met"
    empty = citizens_served_target(Frames(), target)
    assert empty["verdict"] == "no_data" and empty["reason_th"] == "ไม่มีบัตรคิวในช่วงเวลานี้"


def _month_data() -> Frames:
    # tickets in October and November 2024 (Bangkok); ratings only in October
    t_oct = ticket("A001", "2024-10-31 23:30", called="2024-10-31 23:31", finished="2024-10-31 23:40")
    t_oct2 = ticket("A002", "2024-10-07 09:00", called="2024-10-07 09:01", finished="2024-10-07 09:05")
    t_nov = ticket("A003", "2024-11-04 09:00", called="2024-11-04 09:01", finished="2024-11-04 09:05")
    responses = pd.DataFrame(
        [response("d1:1", t_oct, "2024-10-31 23:45"), response("d1:2", t_oct2, "2024-10-07 09:06")]
    )
    answers = pd.DataFrame(
        [
            {"response": "d1:1", "instrument": "service-satisfaction", "item": "overall", "value": 5},
            {"response": "d1:2", "instrument": "service-satisfaction", "item": "overall", "value": 4},
            {"response": "d1:2", "instrument": "service-satisfaction", "item": "staff", "value": 1},
        ]
    )
    return Frames(tickets=frame([t_oct, t_oct2, t_nov]), responses=responses, answers=answers)


def test_monthly_summaries_list_the_months_with_tickets_but_no_ratings() -> None:
    row = summary_frequency_target(_month_data(), _target("p10-summary-monthly"))
    assert (row["periods"], row["periods_with_data"], row["value"], row["verdict"]) == (2, 1, 50, "not_met")
    assert [m["period"] for m in row["missing"]] == ["2024-11"]
    assert row["missing"][0]["label_th"] == "พฤศจิกายน 2567"
    october = row["summaries"][0]
    assert (october["period"], october["tickets"], october["n"], october["mean_pct"]) == ("2024-10", 2, 2, 90)
    assert (october["from"], october["to"]) == ("2024-10-01", "2024-10-31")


def test_weekly_summaries_run_monday_to_sunday() -> None:
    data = _month_data()
    periods = summary_periods(data.tickets, data.responses, "weekly")
    # 7 Oct 2024 is a Monday; 31 Oct a Thursday (week of 28 Oct); 4 Nov a Monday
    assert [(p["period"], p["to"], p["n"], p["has_data"]) for p in periods] == [
        ("2024-10-07", "2024-10-13", 1, True),
        ("2024-10-28", "2024-11-03", 1, True),
        ("2024-11-04", "2024-11-10", 0, False),
    ]
    assert periods[0]["label_th"] == "7 ต.ค. 67 – 13 ต.ค. 67"


def test_summaries_met_when_every_week_with_tickets_has_ratings() -> None:
    data = _month_data()
    tickets = data.tickets[data.tickets["number"] != "A003"]
    row = summary_frequency_target(replace(data, tickets=tickets), _target("p10-summary-weekly"))
    assert (row["value"], row["verdict"], row["missing"]) == (100, "met", [])


def test_a_yearly_report_of_tickets_needs_only_tickets() -> None:
    row = summary_frequency_target(Frames(tickets=_month_data().tickets), _target("p1-service-report"))
    assert row["verdict"] == "met"
    assert [p["label_th"] for p in row["summaries"]] == ["ปีงบประมาณ 2568"]


def test_summaries_without_tickets_are_no_data() -> None:
    row = summary_frequency_target(Frames(), _target("p10-summary-monthly"))
    assert row["verdict"] == "no_data" and row["summaries"] == []
    assert row["reason_en"] == "No ticket in this period, so no summary was due"


def test_counter_target_answers_only_for_the_targets_it_measures() -> None:
    frames = replace(_month_data(), calls=_calls())
    for target_id in ("p10-queue-order", "p10-citizens-served", "p10-summary-weekly", "p1-service-report"):
        row = counter_target(frames, _target(target_id))
        assert row is not None and row["id"] == target_id
    for target_id in ("p10-satisfaction", "p9-progress-notice", "p5-forum", "p15-compliance"):
        assert counter_target(frames, _target(target_id)) is None


def test_quarters_and_years_are_the_fiscal_ones() -> None:
    tickets = frame([ticket("A001", "2024-11-03 09:00"), ticket("A002", "2025-08-01 09:00")])
    quarters = summary_periods(tickets, None, "quarterly", measured_by="tickets")
    assert [(p["period"], p["from"], p["to"], p["label_th"]) for p in quarters] == [
        ("2568-Q1", "2024-10-01", "2024-12-31", "ไตรมาส 1/2568"),
        ("2568-Q4", "2025-07-01", "2025-09-30", "ไตรมาส 4/2568"),
    ]
    (year,) = summary_periods(tickets, None, "yearly", measured_by="tickets")
    assert (year["period"], year["from"], year["to"], year["tickets"]) == (
        "2568",
        "2024-10-01",
        "2025-09-30",
        2,
    )
