"""Service statistics (issue 10, item 5): the numbers worked by hand from small frames."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.operations import (
    Frames,
    minutes_p90,
    overall_scores,
    service_month_tables,
    service_table,
    service_tables,
)
from surveys.counter.settings import default_settings
from tests.support.operations_frames import frame, response, ticket


def _rows(table: dict, **match: object) -> list[dict]:
    return [r for r in table["rows"] if all(r.get(k) == v for k, v in match.items())]


def test_waits_of_2_4_and_10_minutes_give_median_4_and_p90_10() -> None:
    # p90 by nearest rank: ⌈0.9 × 3⌉ = 3rd smallest = 10 (a wait someone actually had)
    tickets = frame(
        [
            ticket("A001", "2024-10-07 09:00", called="2024-10-07 09:02", counter=1),
            ticket("A002", "2024-10-07 09:00", called="2024-10-07 09:04", counter=1),
            ticket("A003", "2024-10-07 09:00", called="2024-10-07 09:10", counter=1),
        ]
    )
    table = service_table(tickets)
    (row,) = _rows(table, counter=1)
    assert row["wait_median"] == 4
    assert row["wait_p90"] == 10
    assert row["month"] == "2024-10"
    assert table["total"]["wait_median"] == 4


def test_p90_by_nearest_rank_on_ten_values_is_the_ninth() -> None:
    assert minutes_p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]) == 9
    assert minutes_p90([7]) == 7
    assert minutes_p90([]) is None


def test_issued_served_no_show_rate_and_rated_share() -> None:
    # 5 issued; 4 called (one still waiting); 1 of the 4 a no-show → 25 %; 3 served, 2 rated → 66.67 %
    tickets = frame(
        [
            ticket(
                "A001", "2024-10-07 09:00", called="2024-10-07 09:01", started="2024-10-07 09:01",
                finished="2024-10-07 09:04", counter=1, rated=True,
            ),
            ticket(
                "A002", "2024-10-07 09:00", called="2024-10-07 09:05", started="2024-10-07 09:05",
                finished="2024-10-07 09:10", counter=1, rated=True,
            ),
            ticket(
                "A003", "2024-10-07 09:00", called="2024-10-07 09:11", started="2024-10-07 09:11",
                finished="2024-10-07 09:23", counter=1,
            ),
            ticket("A004", "2024-10-07 09:00", called="2024-10-07 09:12", counter=1, status="no_show"),
            ticket("A005", "2024-10-07 09:30"),
        ]
    )  # fmt: skip
    table = service_table(tickets, settings=default_settings())
    counter_row = _rows(table, counter=1)[0]
    assert counter_row["service"] == "งานทะเบียนราษฎร"
    assert counter_row["service_en"] == "Civil registration"
    assert (counter_row["issued"], counter_row["served"], counter_row["no_shows"]) == (4, 3, 1)
    assert counter_row["no_show_pct"] == 25
    assert counter_row["rated_pct"] == pytest.approx(200 / 3)
    # service times 3, 5, 12 minutes: median 5, p90 12
    assert (counter_row["service_median"], counter_row["service_p90"]) == (5, 12)
    never_called = _rows(table, counter=None, subtotal=False)[0]
    assert never_called["issued"] == 1 and never_called["wait_median"] is None
    subtotal = _rows(table, subtotal=True)[0]
    assert (subtotal["issued"], subtotal["served"], subtotal["no_show_pct"]) == (5, 3, 25)
    assert table["total"]["issued"] == 5


def test_totals_pool_the_tickets_rather_than_average_the_medians() -> None:
    # counter 1 waits 1, 2, 3 (median 2); counter 2 waits 10 (median 10): pooled median 2.5, not 6
    tickets = frame(
        [
            ticket("A001", "2024-10-07 09:00", called="2024-10-07 09:01", counter=1),
            ticket("A002", "2024-10-07 09:00", called="2024-10-07 09:02", counter=1),
            ticket("A003", "2024-10-07 09:00", called="2024-10-07 09:03", counter=1),
            ticket("A004", "2024-10-07 09:00", called="2024-10-07 09:10", counter=2),
        ]
    )
    table = service_table(tickets)
    assert [r["wait_median"] for r in _rows(table, subtotal=False)] == [2, 10]
    assert table["total"]["wait_median"] == 2.5
    assert table["total"]["wait_p90"] == 10


def test_a_ticket_at_23_30_on_31_october_bangkok_is_october() -> None:
    # 16:30 UTC on 31 Oct = 23:30 Bangkok → October; 17:30 UTC = 00:30 on 1 Nov Bangkok → November
    tickets = frame(
        [
            ticket("A001", "2024-10-31 16:30", utc=True),
            ticket("A002", "2024-10-31 17:30", utc=True),
        ]
    )
    table = service_table(tickets)
    assert [r["month"] for r in _rows(table, subtotal=False)] == ["2024-10", "2024-11"]
    months = service_month_tables(tickets)
    assert sorted(months) == ["services-2024-10", "services-2024-11"]
    assert months["services-2024-10"]["total"]["issued"] == 1
    assert months["services-2024-10"]["title_th"] == "สถิติการให้บริการ เดือนตุลาคม 2567"
    assert months["services-2024-11"]["title_en"] == "Service statistics, November 2024"


def test_services_follow_the_settings_order_each_with_its_subtotal() -> None:
    tickets = frame(
        [
            ticket("D001", "2024-10-07 09:00", service="info", called="2024-10-07 09:01", counter=4),
            ticket("A001", "2024-10-07 09:00", called="2024-10-07 09:01", counter=2),
            ticket("A002", "2024-10-07 09:00", called="2024-10-07 09:05", counter=1),
        ]
    )
    table = service_table(tickets, settings=default_settings())
    assert [type(r["counter"]) for r in table["rows"] if not r["subtotal"]] == [int, int, int]
    assert [(r["service_id"], r["counter"], r["subtotal"]) for r in table["rows"]] == [
        ("registration", 1, False),
        ("registration", 2, False),
        ("registration", None, True),
        ("info", 4, False),
        ("info", None, True),
    ]
    assert table["columns"][0] == {"id": "service", "th": "บริการ", "en": "Service"}


def test_satisfaction_is_the_mean_overall_score_as_percent_of_5() -> None:
    served = dict(called="2024-10-07 09:01", started="2024-10-07 09:01", finished="2024-10-07 09:05")
    t1 = ticket("A001", "2024-10-07 09:00", counter=1, rated=True, **served)
    t2 = ticket("A002", "2024-10-07 09:00", counter=1, rated=True, **served)
    t3 = ticket("A003", "2024-10-07 09:00", counter=2, rated=True, **served)
    responses = pd.DataFrame(
        [
            response("d1:1", t1, "2024-10-07 09:06"),
            response("d1:2", t2, "2024-10-07 09:06"),
            response("d1:3", t3, "2024-10-07 09:06"),
        ]
    )
    answers = pd.DataFrame(
        [
            {"response": "d1:1", "instrument": "service-satisfaction", "item": "overall", "value": 5},
            {"response": "d1:1", "instrument": "service-satisfaction", "item": "staff", "value": 1},
            {"response": "d1:2", "instrument": "service-satisfaction", "item": "overall", "value": 4},
            {"response": "d1:3", "instrument": "service-satisfaction", "item": "overall", "value": 3},
        ]
    )
    table = service_table(frame([t1, t2, t3]), overall_scores(responses, answers))
    assert table["columns"][-1]["id"] == "satisfaction"
    assert _rows(table, counter=1)[0]["satisfaction"] == 90  # (5 + 4) / 2 / 5 × 100
    assert _rows(table, counter=2)[0]["satisfaction"] == 60
    assert table["total"]["satisfaction"] == 80  # (5 + 4 + 3) / 3 / 5 × 100
    # or through a callback given each group's responses
    by_count = service_table(frame([t1, t2, t3]), responses, satisfaction=lambda r: float(len(r)))
    assert _rows(by_count, counter=1)[0]["satisfaction"] == 2


def test_without_satisfaction_there_is_no_satisfaction_column() -> None:
    table = service_table(frame([ticket("A001", "2024-10-07 09:00")]))
    assert "satisfaction" not in [c["id"] for c in table["columns"]]


@pytest.mark.parametrize("tickets", [pd.DataFrame(), frame([ticket("A001", "2024-10-07 09:00")]).iloc[0:0]])
def test_no_tickets_gives_empty_tables_with_a_note(tickets: pd.DataFrame) -> None:
    table = service_table(tickets, pd.DataFrame())
    assert table["rows"] == [] and table["total"] is None
    assert "ไม่มีข้อมูล" in table["note_th"] and "No data" in table["note_en"]
    assert service_month_tables(tickets) == {}


def test_service_tables_from_the_frames_take_satisfaction_from_the_overall_answers() -> None:
    served = dict(called="2024-10-07 09:01", started="2024-10-07 09:01", finished="2024-10-07 09:05")
    t1 = ticket("A001", "2024-10-07 09:00", counter=1, rated=True, **served)
    t2 = ticket("A002", "2024-11-04 09:00", counter=1)
    frames = Frames(
        tickets=frame([t1, t2]),
        responses=pd.DataFrame([response("d1:1", t1, "2024-10-07 09:06")]),
        answers=pd.DataFrame(
            [{"response": "d1:1", "instrument": "service-satisfaction", "item": "overall", "value": 4}]
        ),
    )
    tables = service_tables(frames, settings=default_settings())
    assert list(tables) == ["services", "services-2024-10", "services-2024-11"]
    assert tables["services"]["total"]["satisfaction"] == 80
    assert tables["services-2024-10"]["rows"][0]["satisfaction"] == 80
    assert tables["services-2024-11"]["rows"][0]["satisfaction"] is None  # no rating that month
    assert tables["services-2024-11"]["rows"][0]["rated_pct"] is None  # nobody served yet
