"""Service statistics per service, counter and month (issue 10, item 5)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from analysis.operations.common import (
    RESPONSE_COLUMNS,
    CounterFrames,
    Satisfaction,
    Table,
    col,
    groups_of,
    make_table,
    median_of,
    minutes_p90,
    none_last,
    overall_scores,
    pct,
    prepare_tickets,
    satisfaction_of,
    service_name,
    service_order,
    with_columns,
)
from surveys.content.thaidate import format_date
from surveys.counter.settings import Settings

# ---------------------------------------------------------------------------------------------
# Service tables (issue 10, item 5)
# ---------------------------------------------------------------------------------------------


def _joined_responses(responses: pd.DataFrame | None, t: pd.DataFrame) -> pd.DataFrame | None:
    """The responses that rate a ticket of ``t``, with that ticket's service, counter and month: a rating
    counts in its ticket's row (None without responses)."""
    if responses is None or len(responses) == 0 or len(t) == 0:
        return None
    r = with_columns(responses, RESPONSE_COLUMNS)
    r = r[r["ticket"].notna()].drop(columns=["service"])
    return r.merge(t[["ticket", "service", "counter_key", "month_key"]], on="ticket", how="inner")


def _figures(t: pd.DataFrame, r: pd.DataFrame | None, satisfaction: Satisfaction | None) -> dict[str, Any]:
    served = int(t["is_served"].sum())
    called = int(t["is_called"].sum())
    no_shows = int(t["is_no_show"].sum())
    waits = t.loc[t["is_called"], "wait_min"]
    services = t.loc[t["is_served"], "service_min"]
    return {
        "issued": len(t),
        "served": served,
        "no_shows": no_shows,
        "no_show_pct": pct(no_shows, called),
        "wait_median": median_of(waits),
        "wait_p90": minutes_p90(waits),
        "service_median": median_of(services),
        "service_p90": minutes_p90(services),
        "rated_pct": pct(int(t["is_rated"].sum()), served),
        "satisfaction": satisfaction_of(r, satisfaction),
    }


def _service_columns(with_satisfaction: bool, month: bool = True) -> list[dict[str, str]]:
    columns = [
        col("service", "บริการ", "Service"),
        col("counter", "ช่องบริการ", "Counter"),
        *([col("month", "เดือน", "Month")] if month else []),
        col("issued", "จำนวนบัตรคิว", "Tickets issued"),
        col("served", "ให้บริการแล้ว", "Served"),
        col("no_shows", "ไม่มาตามเรียก", "No-shows"),
        col("no_show_pct", "ไม่มาตามเรียก (ร้อยละ)", "No-show rate (%)"),
        col("wait_median", "เวลารอ มัธยฐาน (นาที)", "Waiting time, median (min)"),
        col("wait_p90", "เวลารอ P90 (นาที)", "Waiting time, p90 (min)"),
        col("service_median", "เวลาให้บริการ มัธยฐาน (นาที)", "Service time, median (min)"),
        col("service_p90", "เวลาให้บริการ P90 (นาที)", "Service time, p90 (min)"),
        col("rated_pct", "ประเมินความพึงพอใจ (ร้อยละของผู้รับบริการ)", "Rated ÷ served (%)"),
    ]
    if with_satisfaction:
        columns.append(col("satisfaction", "ความพึงพอใจ (ร้อยละ)", "Satisfaction (%)"))
    return columns


def _service_rows(
    t: pd.DataFrame,
    r: pd.DataFrame | None,
    settings: Settings | None,
    satisfaction: Satisfaction | None,
    with_month: bool,
) -> list[dict[str, Any]]:
    """Rows per service × counter (× month), each service followed by its subtotal row; ``r`` from
    :func:`_joined_responses`."""
    keys = ["service", "counter_key", "month_key"] if with_month else ["service", "counter_key"]
    groups, by_response = groups_of(t, keys), groups_of(r, keys)
    services, per_service = groups_of(t, ["service"]), groups_of(r, ["service"])
    rows: list[dict[str, Any]] = []
    for service in service_order(settings, (k[0] for k in services)):
        mine = sorted((k for k in groups if k[0] == service), key=lambda k: [none_last(v) for v in k[1:]])
        for key in mine:
            row = _service_row(service, settings, key[1], key[2] if with_month else None, with_month)
            row.update(_figures(groups[key], by_response.get(key), satisfaction))
            rows.append(row)
        subtotal = _service_row(service, settings, None, None, with_month)
        subtotal["subtotal"] = True
        subtotal.update(_figures(services[(service,)], per_service.get((service,)), satisfaction))
        rows.append(subtotal)
    return rows


def _service_row(
    service: Any, settings: Settings | None, counter: Any, month: Any, with_month: bool
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "service": service_name(settings, service, "th"),
        "service_en": service_name(settings, service, "en"),
        "service_id": service,
        "counter": counter,
        "subtotal": False,
    }
    if with_month:
        row["month"] = month
    return row


def _total(t: pd.DataFrame, r: pd.DataFrame | None, satisfaction: Satisfaction | None) -> dict[str, Any]:
    total: dict[str, Any] = {"service": "รวม", "service_en": "Total", "service_id": None, "counter": None}
    total.update(_figures(t, r, satisfaction))
    return total


def service_table(
    tickets: pd.DataFrame,
    responses: pd.DataFrame | None = None,
    *,
    settings: Settings | None = None,
    satisfaction: Satisfaction | None = None,
) -> Table:
    """Service statistics per service × counter × month, with each service's subtotal and the total.

    ``tickets`` as :mod:`analysis.frames` makes it; ``responses`` (optional) to give the satisfaction
    column, either with a ``satisfaction`` column (:func:`overall_scores`) or through ``satisfaction``,
    a callback given each group's responses; ``settings`` for the services' names and order."""
    t = prepare_tickets(tickets)
    return _service_table(
        t, _joined_responses(responses, t), settings, satisfaction, _rates(responses, satisfaction)
    )


def _rates(responses: pd.DataFrame | None, satisfaction: Satisfaction | None) -> bool:
    """Whether the tables get a satisfaction column."""
    return satisfaction is not None or (responses is not None and "satisfaction" in responses.columns)


def _service_table(
    t: pd.DataFrame,
    r: pd.DataFrame | None,
    settings: Settings | None,
    satisfaction: Satisfaction | None,
    with_sat: bool,
) -> Table:
    rows = _service_rows(t, r, settings, satisfaction, with_month=True)
    total = _total(t, r, satisfaction)
    total["month"] = None
    return make_table(
        "สถิติการให้บริการ จำแนกตามบริการ ช่องบริการ และเดือน",
        "Service statistics by service, counter and month",
        _service_columns(with_sat),
        rows,
        total,
        "เวลาเป็นนาที มัธยฐานและ P90 (ร้อยละ 90 ของผู้รับบริการรอไม่เกินค่านี้) นับบัตรคิวเป็นหน่วย",
        "Times in minutes; median and p90 (9 in 10 waited no longer); a ticket is the unit",
    )


def service_month_tables(
    tickets: pd.DataFrame,
    responses: pd.DataFrame | None = None,
    *,
    settings: Settings | None = None,
    satisfaction: Satisfaction | None = None,
) -> dict[str, Table]:
    """One table per month (``"services-YYYY-MM"``), rows per service × counter, total for the month:
    the "service statistics" the integrity assessment asks for at 6 and 12 months. No month, no table."""
    t = prepare_tickets(tickets)
    return _month_tables(
        t, _joined_responses(responses, t), settings, satisfaction, _rates(responses, satisfaction)
    )


def _month_tables(
    t: pd.DataFrame,
    r: pd.DataFrame | None,
    settings: Settings | None,
    satisfaction: Satisfaction | None,
    with_sat: bool,
) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    months, month_responses = groups_of(t, ["month_key"]), groups_of(r, ["month_key"])
    for month in sorted(m[0] for m in months if isinstance(m[0], str)):
        mt, mr = months[(month,)], month_responses.get((month,))
        year, mon = (int(x) for x in month.split("-"))
        label_th = format_date(date(year, mon, 1), lang="th").split(" ", 1)[1]
        label_en = format_date(date(year, mon, 1), lang="en").split(" ", 1)[1]
        rows = _service_rows(mt, mr, settings, satisfaction, with_month=False)
        total = _total(mt, mr, satisfaction)
        tables[f"services-{month}"] = make_table(
            f"สถิติการให้บริการ เดือน{label_th}",
            f"Service statistics, {label_en}",
            _service_columns(with_sat, month=False),
            rows,
            total,
        )
    return tables


def service_tables(
    frames: CounterFrames,
    *,
    settings: Settings | None = None,
    satisfaction: Satisfaction | None = None,
    item: str = "overall",
) -> dict[str, Table]:
    """``{"services": <the whole period>, "services-YYYY-MM": <one per month>, ...}`` from the frames.

    Satisfaction is the overall item's mean as % of 5 (:func:`overall_scores` over ``frames.answers``)
    unless a ``satisfaction`` callback is given."""
    t = prepare_tickets(frames.tickets)
    r = _joined_responses(overall_scores(frames.responses, frames.answers, item), t)
    tables = {"services": _service_table(t, r, settings, satisfaction, True)}
    tables.update(_month_tables(t, r, settings, satisfaction, True))
    return tables
