"""The counter's own figures: service statistics, fairness, and the targets the queue measures.

Functions over the tidy frames of :mod:`analysis.frames` (``tickets``, ``calls``, ``no_shows``,
``responses``, ``answers``; columns in ``docs/``). The entry points the report calls take the frames
object (``load_frames(...)``, or :class:`Frames` built by hand); the functions under them take single
DataFrames. Each returns a table dict (``title_th/en``, ``columns`` with Thai and English headers,
``rows``, ``total``, ``note_th/en``) or a target dict — the shapes ``report.json`` holds — so a notebook
gets the report's own numbers::

    from analysis import operations as ops
    frames = load_frames(CentralStore.open(home), date(2024, 10, 1), date(2025, 9, 30))
    tables = ops.service_tables(frames, settings=load_settings(home))
    tables["services"]["total"]["wait_median"]       # minutes, all services, the whole period
    ops.fairness_tables(frames, settings)["fairness-out-of-order"]["rows"]
    ops.counter_target(frames, target)                # a row for the targets the queue measures

Tables: :func:`service_tables` (``services`` and ``services-YYYY-MM``), :func:`fairness_tables`
(``fairness-out-of-order``, ``-no-shows``, ``-priority``, ``-overtaken``). Targets:
:func:`queue_order_target`, :func:`citizens_served_target`, :func:`summary_frequency_target`.

How the figures are counted (the same everywhere in this module):

- **Month and day are Bangkok time**, taken from the timestamps themselves: a ticket issued at 23:30
  on 31 October in Bangkok (16:30 UTC) is October's, and one at 00:30 on 1 November Bangkok (still
  31 October in UTC) is November's.
  A ticket belongs to the month it was *issued*; a call to the month it was *made*.
- **Waiting time** = first call − issue, over tickets that were called; **service time** = finish − start,
  over tickets served. Both in minutes; **median** is the ordinary median (the mean of the two middle
  values when their number is even); **p90** is the *nearest-rank* 90th percentile: the smallest
  observed value that at least 90 % of the values do not exceed (rank ⌈0.9 n⌉ in ascending order), so
  "9 in 10 waited no longer than p90" is true as written and p90 is always a wait someone had.
- **No-show rate** = tickets whose final status is no-show ÷ tickets called, × 100 (a no-show that was
  undone and then served counts as served).
- **Rated ÷ served** = served tickets that were rated ÷ served tickets, × 100.
- **Satisfaction** (optional): the mean score of the overall item as % of 5, over the ratings of the
  group's tickets — from a ``satisfaction`` column of ``responses`` (see :func:`overall_scores`) or a
  callback given the group's responses.
- A **ticket is the unit** of people served: the kit holds no identity, so one person with two tickets
  counts twice and a family served on one ticket counts once.
- A ticket whose counter is unknown (never called) is shown with counter ``None``; subtotal rows of a
  service carry ``"subtotal": True`` with counter and month ``None``; the table's ``total`` is the
  whole table. Totals are computed from the pooled tickets, never by averaging the rows' medians.
- An empty frame gives a table with no rows, ``total`` ``None`` and a note saying there is no data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from surveys.content.plan import ComplianceTarget, FrequencyTarget, HeadCountTarget
from surveys.content.thaidate import BANGKOK, BE_OFFSET, format_date
from surveys.counter.settings import DEFAULT_REASONS, Choice, PriorityRule, Settings

__all__ = [
    "CounterFrames",
    "Frames",
    "Satisfaction",
    "Table",
    "citizens_served",
    "citizens_served_target",
    "count_overtaken",
    "counter_target",
    "fairness_tables",
    "minutes_p90",
    "no_show_table",
    "out_of_order_table",
    "overall_scores",
    "overtaking_table",
    "priority_table",
    "queue_order_figures",
    "queue_order_target",
    "service_month_tables",
    "service_table",
    "service_tables",
    "summary_frequency_target",
    "summary_periods",
]

Table = dict[str, Any]
"""A table as ``report.json`` holds it (see ``docs/``)."""
Satisfaction = Callable[[pd.DataFrame], float | None]
"""Given the ``responses`` rows of a group, their satisfaction as a percentage (None: cannot say)."""


class CounterFrames(Protocol):
    """What this module reads: :class:`analysis.frames.Frames` is one; so is :class:`Frames` below."""

    @property
    def tickets(self) -> pd.DataFrame: ...
    @property
    def calls(self) -> pd.DataFrame: ...
    @property
    def no_shows(self) -> pd.DataFrame: ...
    @property
    def responses(self) -> pd.DataFrame: ...
    @property
    def answers(self) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Frames:
    """Hand-made frames for a notebook or a test (any left out are empty)."""

    tickets: pd.DataFrame = field(default_factory=pd.DataFrame)
    calls: pd.DataFrame = field(default_factory=pd.DataFrame)
    no_shows: pd.DataFrame = field(default_factory=pd.DataFrame)
    responses: pd.DataFrame = field(default_factory=pd.DataFrame)
    answers: pd.DataFrame = field(default_factory=pd.DataFrame)


NO_DATA_TH = "ไม่มีข้อมูลในช่วงเวลานี้"
NO_DATA_EN = "No data in this period"

TICKET_COLUMNS = (
    "device", "ticket", "service", "origin", "priority", "issued_at", "called_at", "started_at",
    "finished_at", "counter", "status", "rated",
)  # fmt: skip
CALL_COLUMNS = ("device", "at", "ticket", "service", "counter", "in_order", "reason", "priority")
NO_SHOW_COLUMNS = ("device", "at", "ticket", "service", "counter", "seconds_from_call")
RESPONSE_COLUMNS = ("response", "ticket", "service", "at")
PREPARED_COLUMNS = (
    "device", "ticket", "service", "origin", "priority", "issued_at", "called_at", "month_key",
    "counter_key", "wait_min", "service_min", "is_called", "is_served", "is_no_show", "is_rated",
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _col(col_id: str, th: str, en: str) -> dict[str, str]:
    return {"id": col_id, "th": th, "en": en}


def _table(
    title_th: str,
    title_en: str,
    columns: list[dict[str, str]],
    rows: list[dict[str, Any]],
    total: dict[str, Any] | None,
    note_th: str | None = None,
    note_en: str | None = None,
) -> Table:
    if not rows:
        total = None
        note_th = NO_DATA_TH + (f" — {note_th}" if note_th else "")
        note_en = NO_DATA_EN + (f" — {note_en}" if note_en else "")
    return {
        "title_th": title_th,
        "title_en": title_en,
        "columns": columns,
        "rows": rows,
        "total": total,
        "suppressed": False,
        "note_th": note_th,
        "note_en": note_en,
    }


def _with_columns(frame: pd.DataFrame | None, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with every one of ``columns`` (missing ones all NA): an empty frame never raises."""
    frame = pd.DataFrame() if frame is None else frame
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        frame = frame.assign(
            **{c: pd.Series([None] * len(frame), index=frame.index, dtype=object) for c in missing}
        )
    return frame


def _bangkok(values: pd.Series) -> pd.Series:
    """Timestamps as aware Bangkok times (naive ones are taken as Bangkok already)."""
    times = pd.to_datetime(values)
    if times.dt.tz is None:
        return times.dt.tz_localize(BANGKOK)
    return times.dt.tz_convert(BANGKOK)


def _month(values: pd.Series) -> pd.Series:
    """``"YYYY-MM"`` of each timestamp in Bangkok time (None where there is none)."""
    times = _bangkok(values)
    number = times.dt.year * 100 + times.dt.month
    labels = {v: f"{int(v) // 100:04d}-{int(v) % 100:02d}" for v in number.dropna().unique()}
    return number.map(labels).astype(object).where(number.notna(), None)


def _day(values: pd.Series) -> pd.Series:
    """The Bangkok day of each timestamp, as a naive midnight timestamp (NaT where there is none)."""
    return _bangkok(values).dt.tz_localize(None).dt.normalize()


def _counter(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _counters(values: pd.Series) -> pd.Series:
    """Counter numbers as Python ints (None where unknown), so that rows say 1, never 1.0."""
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers.astype("Int64").astype(object).where(numbers.notna(), None)


def _pct(part: float, whole: float) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def minutes_p90(values: Sequence[float] | np.ndarray | pd.Series) -> float | None:
    """The nearest-rank 90th percentile: the value at rank ⌈0.9 n⌉ of the sorted values (None if none).

    Waits of 2, 4 and 10 minutes: rank ⌈2.7⌉ = 3, so p90 = 10 (a linear interpolation would say 8.8,
    a wait nobody had)."""
    data = np.sort(np.asarray(pd.Series(values, dtype=float).dropna()))
    if data.size == 0:
        return None
    rank = math.ceil(0.9 * data.size)
    return float(data[rank - 1])


def _median(values: pd.Series) -> float | None:
    data = values.dropna()
    return None if data.empty else float(data.median())


def _service_name(settings: Settings | None, service: Any, lang: str) -> str | None:
    if service is None or (not isinstance(service, str) and pd.isna(service)):
        return None
    if settings is not None and service in settings.by_id:
        return settings.by_id[service].name(lang)
    return str(service)


def _service_order(settings: Settings | None, services: Iterable[Any]) -> list[Any]:
    known = [s.id for s in settings.services] if settings is not None else []
    present = {s for s in services if isinstance(s, str)}
    return [s for s in known if s in present] + sorted(present - set(known))


def _has_reason(values: pd.Series) -> pd.Series:
    """True where a non-blank text is given (a reason; a priority group)."""
    text = values.astype("string")
    return (text.str.strip().fillna("") != "").astype(bool)


def _flag(values: pd.Series) -> pd.Series:
    """Booleans with NA as False."""
    return values.astype("boolean").fillna(False).astype(bool)


def _sort_key(value: Any) -> tuple[int, Any]:
    """Sorts ``None`` (an unknown counter or month) after every real value."""
    return (1, 0) if value is None else (0, value)


# ---------------------------------------------------------------------------------------------
# Service tables (issue 10, item 5)
# ---------------------------------------------------------------------------------------------


def overall_scores(responses: pd.DataFrame, answers: pd.DataFrame, item: str = "overall") -> pd.DataFrame:
    """``responses`` with a ``satisfaction`` column: the answer to ``item`` (1–5) as % of 5.

    Responses that did not answer ``item`` (or answered it with a non-number) get NA; pass the result
    to :func:`service_tables` to fill its satisfaction column."""
    responses = _with_columns(responses, RESPONSE_COLUMNS)
    answers = _with_columns(answers, ("response", "item", "value"))
    mine = answers[answers["item"] == item]
    values = pd.to_numeric(mine["value"], errors="coerce")
    score = pd.Series((values / 5 * 100).to_numpy(), index=mine["response"].to_numpy())
    score = score[~score.index.duplicated(keep="first")]
    return responses.assign(satisfaction=responses["response"].map(score))


def _prepare_tickets(tickets: pd.DataFrame) -> pd.DataFrame:
    """The ticket columns every table of this module groups on, computed once."""
    t = _with_columns(tickets, TICKET_COLUMNS).copy()
    t["month_key"] = _month(t["issued_at"])
    t["counter_key"] = _counters(t["counter"])
    called, issued = _bangkok(t["called_at"]), _bangkok(t["issued_at"])
    started, finished = _bangkok(t["started_at"]), _bangkok(t["finished_at"])
    t["wait_min"] = (called - issued).dt.total_seconds() / 60
    t["service_min"] = (finished - started).dt.total_seconds() / 60
    t["is_called"] = called.notna()
    t["is_served"] = t["status"].eq("served")
    t["is_no_show"] = t["status"].eq("no_show")
    t["is_rated"] = t["is_served"] & _flag(t["rated"])
    # only what the tables read: grouping copies every column, and a year holds millions of tickets
    keep = [*PREPARED_COLUMNS, *(["later_served_before"] if "later_served_before" in t.columns else [])]
    return t[keep]


def _joined_responses(responses: pd.DataFrame | None, t: pd.DataFrame) -> pd.DataFrame | None:
    """The responses that rate a ticket of ``t``, with that ticket's service, counter and month: a rating
    counts in its ticket's row (None without responses)."""
    if responses is None or len(responses) == 0 or len(t) == 0:
        return None
    r = _with_columns(responses, RESPONSE_COLUMNS)
    r = r[r["ticket"].notna()].drop(columns=["service"])
    return r.merge(t[["ticket", "service", "counter_key", "month_key"]], on="ticket", how="inner")


def _groups(frame: pd.DataFrame | None, keys: list[str]) -> dict[tuple[Any, ...], pd.DataFrame]:
    if frame is None or len(frame) == 0:
        return {}
    return {_as_tuple(k): g for k, g in frame.groupby(keys, dropna=False, sort=False)}


def _as_tuple(key: Hashable) -> tuple[Any, ...]:
    values = key if isinstance(key, tuple) else (key,)
    return tuple(_plain_key(v) for v in values)


def _plain_key(value: Any) -> Any:
    """A group key as plain Python: None for NA, int for a whole number (a counter), else as is."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _satisfaction(group: pd.DataFrame | None, satisfaction: Satisfaction | None) -> float | None:
    if group is None or len(group) == 0:
        return None
    if satisfaction is not None:
        value = satisfaction(group)
        return None if value is None else float(value)
    if "satisfaction" in group.columns:
        scores = pd.to_numeric(group["satisfaction"], errors="coerce").dropna()
        return None if scores.empty else float(scores.mean())
    return None


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
        "no_show_pct": _pct(no_shows, called),
        "wait_median": _median(waits),
        "wait_p90": minutes_p90(waits),
        "service_median": _median(services),
        "service_p90": minutes_p90(services),
        "rated_pct": _pct(int(t["is_rated"].sum()), served),
        "satisfaction": _satisfaction(r, satisfaction),
    }


def _service_columns(with_satisfaction: bool, month: bool = True) -> list[dict[str, str]]:
    columns = [
        _col("service", "บริการ", "Service"),
        _col("counter", "ช่องบริการ", "Counter"),
        *([_col("month", "เดือน", "Month")] if month else []),
        _col("issued", "จำนวนบัตรคิว", "Tickets issued"),
        _col("served", "ให้บริการแล้ว", "Served"),
        _col("no_shows", "ไม่มาตามเรียก", "No-shows"),
        _col("no_show_pct", "ไม่มาตามเรียก (ร้อยละ)", "No-show rate (%)"),
        _col("wait_median", "เวลารอ มัธยฐาน (นาที)", "Waiting time, median (min)"),
        _col("wait_p90", "เวลารอ P90 (นาที)", "Waiting time, p90 (min)"),
        _col("service_median", "เวลาให้บริการ มัธยฐาน (นาที)", "Service time, median (min)"),
        _col("service_p90", "เวลาให้บริการ P90 (นาที)", "Service time, p90 (min)"),
        _col("rated_pct", "ประเมินความพึงพอใจ (ร้อยละของผู้รับบริการ)", "Rated ÷ served (%)"),
    ]
    if with_satisfaction:
        columns.append(_col("satisfaction", "ความพึงพอใจ (ร้อยละ)", "Satisfaction (%)"))
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
    groups, by_response = _groups(t, keys), _groups(r, keys)
    services, per_service = _groups(t, ["service"]), _groups(r, ["service"])
    rows: list[dict[str, Any]] = []
    for service in _service_order(settings, (k[0] for k in services)):
        mine = sorted((k for k in groups if k[0] == service), key=lambda k: [_sort_key(v) for v in k[1:]])
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
        "service": _service_name(settings, service, "th"),
        "service_en": _service_name(settings, service, "en"),
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
    t = _prepare_tickets(tickets)
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
    return _table(
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
    t = _prepare_tickets(tickets)
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
    months, month_responses = _groups(t, ["month_key"]), _groups(r, ["month_key"])
    for month in sorted(m[0] for m in months if isinstance(m[0], str)):
        mt, mr = months[(month,)], month_responses.get((month,))
        year, mon = (int(x) for x in month.split("-"))
        label_th = format_date(date(year, mon, 1), lang="th").split(" ", 1)[1]
        label_en = format_date(date(year, mon, 1), lang="en").split(" ", 1)[1]
        rows = _service_rows(mt, mr, settings, satisfaction, with_month=False)
        total = _total(mt, mr, satisfaction)
        tables[f"services-{month}"] = _table(
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
    t = _prepare_tickets(frames.tickets)
    r = _joined_responses(overall_scores(frames.responses, frames.answers, item), t)
    tables = {"services": _service_table(t, r, settings, satisfaction, True)}
    tables.update(_month_tables(t, r, settings, satisfaction, True))
    return tables


# ---------------------------------------------------------------------------------------------
# Fairness (issue 10, item 6)
# ---------------------------------------------------------------------------------------------


def out_of_order_table(calls: pd.DataFrame, *, settings: Settings | None = None) -> Table:
    """Calls out of order per counter and month, with the count of each reason given.

    Columns: all calls, out of order, % out of order, then one column per reason (the settings' reasons
    in their order, then any other reason id found), and "no reason" — which should always be 0: the
    counter cannot call out of order without one (DESIGN invariant 3)."""
    c = _with_columns(calls, CALL_COLUMNS).copy()
    c["month_key"] = _month(c["at"])
    c["counter_key"] = _counters(c["counter"])
    c["in_order_b"] = _flag(c["in_order"])
    c["has_reason"] = _has_reason(c["reason"])
    known: Sequence[Choice] = settings.out_of_order_reasons if settings is not None else DEFAULT_REASONS
    out = c[~c["in_order_b"]]
    seen = {r for r in out.loc[out["has_reason"], "reason"]}
    reasons = [r.id for r in known if r.id in seen] + sorted(seen - {r.id for r in known})
    labels = {r.id: r for r in known}
    columns = [
        _col("counter", "ช่องบริการ", "Counter"),
        _col("month", "เดือน", "Month"),
        _col("calls", "จำนวนการเรียกคิว", "Calls"),
        _col("out_of_order", "เรียกข้ามคิว", "Out of order"),
        _col("out_of_order_pct", "เรียกข้ามคิว (ร้อยละ)", "Out of order (%)"),
        *[
            _col(f"reason:{r}", labels[r].th if r in labels else r, labels[r].en if r in labels else r)
            for r in reasons
        ],
        _col("no_reason", "ไม่มีเหตุผล", "No reason recorded"),
    ]

    def figures(g: pd.DataFrame) -> dict[str, Any]:
        o = g[~g["in_order_b"]]
        row: dict[str, Any] = {
            "calls": len(g),
            "out_of_order": len(o),
            "out_of_order_pct": _pct(len(o), len(g)),
        }
        for r in reasons:
            row[f"reason:{r}"] = int((o["reason"] == r).sum())
        row["no_reason"] = int((~o["has_reason"]).sum())
        return row

    rows = []
    groups = {_as_tuple(k): g for k, g in c.groupby(["counter_key", "month_key"], dropna=False, sort=False)}
    for key in sorted(groups, key=lambda k: [_sort_key(v) for v in k]):
        rows.append({"counter": key[0], "month": key[1], **figures(groups[key])})
    total = {"counter": None, "month": None, **figures(c)} if len(c) else None
    return _table(
        "การเรียกข้ามคิว จำแนกตามช่องบริการและเดือน พร้อมเหตุผล",
        "Calls out of order by counter and month, with their reasons",
        columns,
        rows,
        total,
    )


def no_show_table(no_shows: pd.DataFrame) -> Table:
    """No-shows per counter, with the time from the first call to the no-show (median and longest,
    minutes). Every ``ticket.no_show`` event counts, also one later undone."""
    n = _with_columns(no_shows, NO_SHOW_COLUMNS).copy()
    n["counter_key"] = _counters(n["counter"])
    n["minutes"] = pd.to_numeric(n["seconds_from_call"], errors="coerce") / 60

    def figures(g: pd.DataFrame) -> dict[str, Any]:
        minutes = g["minutes"].dropna()
        return {
            "no_shows": len(g),
            "minutes_median": _median(minutes),
            "minutes_max": None if minutes.empty else float(minutes.max()),
        }

    groups = {_as_tuple(k): g for k, g in n.groupby("counter_key", dropna=False, sort=False)}
    rows = [{"counter": k[0], **figures(groups[k])} for k in sorted(groups, key=lambda k: _sort_key(k[0]))]
    return _table(
        "ผู้ไม่มาตามเรียก จำแนกตามช่องบริการ และเวลาตั้งแต่เรียกจนบันทึกว่าไม่มา",
        "No-shows by counter, and the time from the call to the no-show",
        [
            _col("counter", "ช่องบริการ", "Counter"),
            _col("no_shows", "ไม่มาตามเรียก", "No-shows"),
            _col("minutes_median", "เวลาจากเรียกถึงไม่มา มัธยฐาน (นาที)", "Call to no-show, median (min)"),
            _col("minutes_max", "เวลาจากเรียกถึงไม่มา สูงสุด (นาที)", "Call to no-show, longest (min)"),
        ],
        rows,
        {"counter": None, **figures(n)} if len(n) else None,
    )


def priority_table(tickets: pd.DataFrame, *, rule: PriorityRule | None = None) -> Table:
    """The share of served tickets that were priority tickets, per month, beside the written policy.

    The policy (``settings.yaml``, ``priority.every_normal`` = N) calls one priority ticket after every N
    normal calls, so while priority tickets wait they get at most 1 in N + 1 calls: ``policy_max_pct``
    = 100 ÷ (N + 1). A share above it means priority tickets were called more often than the rule
    allows; a share below it only means fewer priority visitors came."""
    rule = rule or PriorityRule()
    t = _prepare_tickets(tickets)
    t["is_priority"] = _has_reason(t["priority"])
    served = t[t["is_served"]]
    policy_max = 100.0 / (rule.every_normal + 1)

    def figures(g: pd.DataFrame) -> dict[str, Any]:
        priority = int(g["is_priority"].sum())
        return {
            "served": len(g),
            "priority_served": priority,
            "priority_pct": _pct(priority, len(g)),
            "policy_max_pct": policy_max,
        }

    groups = {_as_tuple(k): g for k, g in served.groupby("month_key", dropna=False, sort=False)}
    rows = [{"month": k[0], **figures(groups[k])} for k in sorted(groups, key=lambda k: _sort_key(k[0]))]
    return _table(
        "สัดส่วนผู้รับบริการกลุ่มพิเศษ เทียบกับนโยบายที่ประกาศ",
        "The share of priority tickets among those served, against the written policy",
        [
            _col("month", "เดือน", "Month"),
            _col("served", "ให้บริการแล้ว", "Served"),
            _col("priority_served", "กลุ่มพิเศษ", "Priority tickets"),
            _col("priority_pct", "กลุ่มพิเศษ (ร้อยละ)", "Priority share (%)"),
            _col("policy_max_pct", "สูงสุดตามนโยบาย (ร้อยละ)", "Policy maximum (%)"),
        ],
        rows,
        {"month": None, **figures(served)} if len(served) else None,
        f"นโยบาย: {rule.text('th')} (ไม่เกินร้อยละ {policy_max:.2f} ของการเรียกคิวเมื่อมีกลุ่มพิเศษรออยู่)",
        f"Policy: {rule.text('en')} (at most {policy_max:.2f} % of calls while priority tickets wait)",
    )


def count_overtaken(tickets: pd.DataFrame) -> pd.Series:
    """For each ticket, how many later tickets were called before it.

    "Later" = the same device, the same queue and the same Bangkok day, issued after it — the queue is
    the service the ticket was issued for (``origin``: a ticket transferred later waited for its first
    call there; ``service`` when the frame has no origin); "before it" = called earlier than its first
    call, or called at all if it never was
    (a ticket left waiting or a no-show is overtaken by every later ticket called). Priority tickets
    overtake by policy: they are counted all the same; :func:`priority_table` shows how many there were.
    Returns an int Series aligned on ``tickets``' index."""
    t = _with_columns(tickets, ("device", "service", "origin", "issued_at", "called_at"))
    result = pd.Series(0, index=t.index, dtype=int)
    if len(t) == 0:
        return result
    issued = _bangkok(t["issued_at"])
    called = _bangkok(t["called_at"])
    frame = pd.DataFrame(
        {
            "device": t["device"].astype(object).where(t["device"].notna(), ""),
            "queue": _queue_of(t),
            "day": _day(t["issued_at"]),
            "issued": issued,
            "called": called,
        },
        index=t.index,
    )
    for _key, g in frame.groupby(["device", "queue", "day"], dropna=False, sort=False):
        iss = _utc_naive(g["issued"])
        cal = _utc_naive(g["called"])
        never = np.isnat(cal)
        # pairwise within one day's queue of one service (a few hundred tickets at most)
        later = iss[None, :] > iss[:, None]  # [i, j]: j was issued after i
        j_called = ~never[None, :]
        before = np.where(never[:, None], True, cal[None, :] < cal[:, None])
        counts = (later & j_called & before).sum(axis=1)
        result.loc[g.index] = counts
    return result


def _queue_of(t: pd.DataFrame) -> pd.Series:
    queue = t["origin"].astype(object).where(t["origin"].notna(), t["service"].astype(object))
    return queue.where(queue.notna(), "")


def _utc_naive(times: pd.Series) -> np.ndarray:
    return np.asarray(times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]"))


def overtaking_table(tickets: pd.DataFrame) -> Table:
    """Per counter (the one that called the ticket; ``None`` for tickets never called): tickets, how many
    were overtaken by at least one later ticket, and the mean and largest number of later tickets called
    before one. Uses the ``later_served_before`` column of the frame when present, else
    :func:`count_overtaken`."""
    t = _prepare_tickets(tickets)
    if "later_served_before" in t.columns and t["later_served_before"].notna().all():
        t["overtaken_by"] = pd.to_numeric(t["later_served_before"]).astype(int)
    else:
        t["overtaken_by"] = count_overtaken(t)

    def figures(g: pd.DataFrame) -> dict[str, Any]:
        by = g["overtaken_by"]
        return {
            "tickets": len(g),
            "overtaken": int((by > 0).sum()),
            "overtaken_pct": _pct(int((by > 0).sum()), len(g)),
            "overtaken_mean": None if by.empty else float(by.mean()),
            "overtaken_max": None if by.empty else int(by.max()),
        }

    groups = {_as_tuple(k): g for k, g in t.groupby("counter_key", dropna=False, sort=False)}
    rows = [{"counter": k[0], **figures(groups[k])} for k in sorted(groups, key=lambda k: _sort_key(k[0]))]
    return _table(
        "คิวที่ถูกแซง: บัตรคิวที่ออกทีหลังแต่ถูกเรียกก่อน จำแนกตามช่องบริการ",
        "Tickets overtaken: later tickets of the same service and day called first, by counter",
        [
            _col("counter", "ช่องบริการ", "Counter"),
            _col("tickets", "จำนวนบัตรคิว", "Tickets"),
            _col("overtaken", "ถูกแซง", "Overtaken"),
            _col("overtaken_pct", "ถูกแซง (ร้อยละ)", "Overtaken (%)"),
            _col("overtaken_mean", "จำนวนคิวที่แซง เฉลี่ย", "Later tickets called first, mean"),
            _col("overtaken_max", "จำนวนคิวที่แซง สูงสุด", "Later tickets called first, most"),
        ],
        rows,
        {"counter": None, **figures(t)} if len(t) else None,
        "บัตรคิวกลุ่มพิเศษที่เรียกก่อนตามนโยบายนับรวมด้วย",
        "Priority tickets called first by the policy are counted too",
    )


def fairness_tables(frames: CounterFrames, settings: Settings | None = None) -> dict[str, Table]:
    """The four fairness tables, keyed ``fairness-out-of-order``, ``-no-shows``, ``-priority``,
    ``-overtaken`` (the order ``report["fairness"]`` lists them). ``settings`` name the reasons and give
    the priority rule (the defaults without)."""
    return {
        "fairness-out-of-order": out_of_order_table(frames.calls, settings=settings),
        "fairness-no-shows": no_show_table(frames.no_shows),
        "fairness-priority": priority_table(frames.tickets, rule=settings.priority if settings else None),
        "fairness-overtaken": overtaking_table(frames.tickets),
    }


# ---------------------------------------------------------------------------------------------
# Targets measured by the counter (issue 10, item 4)
# ---------------------------------------------------------------------------------------------


def _compare(value: float, comparison: str, threshold: float) -> bool:
    return {
        ">=": value >= threshold,
        ">": value > threshold,
        "<=": value <= threshold,
        "<": value < threshold,
        "=": math.isclose(value, threshold),
    }[comparison]


def _target_row(target: Any, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": target.id,
        "kind": target.kind,
        "section": target.section,
        "text_th": " ".join(target.text_th.split()),
        "text_en": " ".join(target.text_en.split()),
        "threshold": float(target.threshold) if target.threshold is not None else None,
        "comparison": getattr(target, "comparison", ">="),
        "value": None,
        "unit": "percent",
        "verdict": "no_data",
        "certainty": None,
        "reason_th": None,
        "reason_en": None,
        "source": target.measured_by,
        "entered_by_hand": False,
    }
    row.update(fields)
    if row["verdict"] in ("met", "not_met"):
        row["certainty"] = "clear"  # every call, ticket or period counts: an exact figure, no sample
    return row


def queue_order_figures(calls: pd.DataFrame) -> dict[str, Any]:
    """How calls followed the queue: ``calls``, ``in_order``, ``with_reason`` (out of order, reason
    recorded), ``without_reason`` (out of order, none — should not exist), ``in_order_pct`` and
    ``in_order_or_reason_pct`` (None when there are no calls)."""
    c = _with_columns(calls, CALL_COLUMNS)
    in_order = _flag(c["in_order"])
    reason = _has_reason(c["reason"])
    n = len(c)
    ok = int(in_order.sum())
    with_reason = int((~in_order & reason).sum())
    return {
        "calls": n,
        "in_order": ok,
        "with_reason": with_reason,
        "without_reason": n - ok - with_reason,
        "in_order_pct": _pct(ok, n),
        "in_order_or_reason_pct": _pct(ok + with_reason, n),
    }


def queue_order_target(frames: CounterFrames, target: ComplianceTarget) -> dict[str, Any]:
    """A compliance target measured by tickets (``p10-queue-order``): the share of calls made as the
    plan allows — next in line by the written policy, or out of order *with a recorded reason* (the
    plan's "in order of arrival" admits an emergency or an appointment, so long as it is written down).
    ``value`` is that share; ``in_order_pct`` (strictly next in line) is shown beside it. A call out of
    order without a reason should not exist (the counter refuses it); each one found lowers the value.
    The verdict is a plain comparison with the threshold: every call counts, there is no sample."""
    figures = queue_order_figures(frames.calls)
    if figures["calls"] == 0:
        return _target_row(
            target,
            n=0,
            **figures,
            reason_th="ไม่มีการเรียกคิวในช่วงเวลานี้",
            reason_en="No ticket was called in this period",
        )
    value = figures["in_order_or_reason_pct"]
    met = _compare(value, target.comparison, target.threshold)
    return _target_row(
        target, n=figures["calls"], **figures, value=value, verdict="met" if met else "not_met"
    )


def citizens_served(frames: CounterFrames) -> int:
    """Citizens served = distinct tickets served (final status ``served``; a ticket seen twice counts
    once). A ticket is the unit: the kit holds no identity, so one person with two tickets counts twice
    and a family served on one ticket counts once."""
    t = _with_columns(frames.tickets, TICKET_COLUMNS)
    served = t[t["status"] == "served"]
    return len(served.drop_duplicates(["device", "ticket"]))


def citizens_served_target(frames: CounterFrames, target: HeadCountTarget) -> dict[str, Any]:
    """A head count of citizens served (:func:`citizens_served`) against the plan's threshold (at
    least). ``no_data`` when the period has no ticket at all."""
    unit = {
        "unit": "count",
        "comparison": ">=",
        "note_th": "นับบัตรคิวที่ได้รับบริการแล้ว 1 บัตร = 1 คน (ระบบไม่เก็บข้อมูลระบุตัวบุคคล)",
        "note_en": "One served ticket = one person (the kit keeps no identity)",
    }
    if len(frames.tickets) == 0:
        return _target_row(
            target,
            **unit,
            reason_th="ไม่มีบัตรคิวในช่วงเวลานี้",
            reason_en="No ticket was issued in this period",
        )
    value = citizens_served(frames)
    met = value >= target.threshold
    return _target_row(target, **unit, value=value, n=value, verdict="met" if met else "not_met")


Every = Literal["weekly", "monthly", "quarterly", "yearly"]


def _period(day: date, every: str) -> tuple[str, date, date]:
    """The period a Bangkok day falls in: ``(key, first day, last day)``. Weeks run Monday–Sunday,
    quarters and years are the fiscal ones (FY 2568 = 1 Oct 2567 – 30 Sep 2568; its Q1 is Oct–Dec)."""
    if every == "weekly":
        start = day - timedelta(days=day.weekday())
        return start.isoformat(), start, start + timedelta(days=6)
    if every == "monthly":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return start.strftime("%Y-%m"), start, end
    fy = day.year + (1 if day.month >= 10 else 0)
    if every == "quarterly":
        q = ((day.month - 10) % 12) // 3 + 1
        first_month = (10 + 3 * (q - 1) - 1) % 12 + 1
        start = date(fy - 1 if first_month >= 10 else fy, first_month, 1)
        end = (date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)) - timedelta(days=1)
        return f"{fy + BE_OFFSET}-Q{q}", start, end
    return str(fy + BE_OFFSET), date(fy - 1, 10, 1), date(fy, 9, 30)


def _period_label(every: str, key: str, start: date, end: date, lang: str) -> str:
    if every == "weekly":
        return (
            f"{format_date(start, lang=lang, style='short')} – {format_date(end, lang=lang, style='short')}"
        )
    if every == "monthly":
        return format_date(start, lang=lang).split(" ", 1)[1]
    if every == "quarterly":
        fy, q = key.split("-Q")
        return f"ไตรมาส {q}/{fy}" if lang == "th" else f"Q{q} of FY {int(fy) - BE_OFFSET} (B.E. {fy})"
    return f"ปีงบประมาณ {key}" if lang == "th" else f"FY {int(key) - BE_OFFSET} (B.E. {key})"


def summary_periods(
    tickets: pd.DataFrame,
    responses: pd.DataFrame | None,
    every: str,
    *,
    measured_by: str = "ratings",
    services: Collection[str] | None = None,
    satisfaction: Satisfaction | None = None,
) -> list[dict[str, Any]]:
    """Each week/month/quarter/fiscal year that had any ticket or rating, with what its summary would show.

    Per period: ``period`` (key: the Monday ``YYYY-MM-DD``, ``YYYY-MM``, ``2568-Q1`` or ``2568``),
    ``from``/``to`` (ISO days), ``label_th/en``, ``tickets``, ``n`` (ratings), ``mean_pct`` (satisfaction,
    when given — see :func:`service_table`), and ``has_data``: ratings exist (``measured_by="ratings"``)
    or tickets exist (``measured_by="tickets"``: a summary of service statistics). ``services`` limits
    both to those services (a project's own)."""
    t = _with_columns(tickets, TICKET_COLUMNS)
    r = _with_columns(responses, RESPONSE_COLUMNS)
    if services is not None:
        t = t[t["service"].isin(list(services))]
        r = r[r["service"].isin(list(services))]
    t_days, r_days = _day(t["issued_at"]), _day(r["at"])
    spans: dict[str, tuple[date, date]] = {}
    keys: dict[pd.Timestamp, str] = {}
    for day in set(t_days.dropna().unique()) | set(r_days.dropna().unique()):
        key, start, end = _period(pd.Timestamp(day).date(), every)
        keys[day], spans[key] = key, (start, end)
    tickets_per = t_days.map(keys).value_counts().to_dict() if len(t_days) else {}
    responses_per = _groups(r.assign(period_key=r_days.map(keys)), ["period_key"])
    periods = []
    for key in sorted(spans):
        start, end = spans[key]
        n_tickets = int(tickets_per.get(key, 0))
        mine = responses_per.get((key,))
        n = 0 if mine is None else len(mine)
        has_data = n > 0 if measured_by != "tickets" else n_tickets > 0
        periods.append(
            {
                "period": key,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "label_th": _period_label(every, key, start, end, "th"),
                "label_en": _period_label(every, key, start, end, "en"),
                "tickets": n_tickets,
                "n": n,
                "mean_pct": _satisfaction(mine, satisfaction),
                "has_data": has_data,
            }
        )
    return periods


def summary_frequency_target(
    frames: CounterFrames,
    target: FrequencyTarget,
    *,
    services: Collection[str] | None = None,
    satisfaction: Satisfaction | None = None,
    item: str = "overall",
) -> dict[str, Any]:
    """A frequency target for summary reports (``activity: summary_report``), weekly/monthly/….

    The kit makes the summaries (``prongsai summary``), so what the data can fail is this: every period
    that had any ticket must have data to summarise. ``value`` = % of the periods with tickets that
    have it, against 100; ``missing`` lists those without; ``summaries`` gives every period's figures
    (:func:`summary_periods`; ``mean_pct`` is the overall item's mean as % of 5 unless a ``satisfaction``
    callback is given). ``no_data`` when no period had a ticket."""
    periods = summary_periods(
        frames.tickets,
        overall_scores(frames.responses, frames.answers, item),
        target.every,
        measured_by=target.measured_by,
        services=services,
        satisfaction=satisfaction,
    )
    due = [p for p in periods if p["tickets"] > 0]
    missing = [p for p in due if not p["has_data"]]
    extra = {
        "threshold": 100.0,
        "comparison": ">=",
        "times_per_period": target.threshold,
        "every": target.every,
        "periods": len(due),
        "periods_with_data": len(due) - len(missing),
        "missing": [{k: p[k] for k in ("period", "label_th", "label_en", "tickets")} for p in missing],
        "summaries": periods,
    }
    if not due:
        return _target_row(
            target,
            **extra,
            reason_th="ไม่มีบัตรคิวในช่วงเวลานี้ จึงไม่มีช่วงใดที่ต้องสรุปผล",
            reason_en="No ticket in this period, so no summary was due",
        )
    value = _pct(len(due) - len(missing), len(due))
    return _target_row(target, **extra, value=value, verdict="met" if not missing else "not_met")


def counter_target(
    frames: CounterFrames,
    target: Any,
    *,
    services: Collection[str] | None = None,
    satisfaction: Satisfaction | None = None,
) -> dict[str, Any] | None:
    """The row of a target this module measures, or None for any other target:
    compliance by tickets, head count of citizens served, summary-report frequency."""
    if isinstance(target, ComplianceTarget) and target.measured_by == "tickets":
        return queue_order_target(frames, target)
    if isinstance(target, HeadCountTarget) and target.counts == "citizens_served":
        return citizens_served_target(frames, target)
    if isinstance(target, FrequencyTarget) and target.activity == "summary_report":
        return summary_frequency_target(frames, target, services=services, satisfaction=satisfaction)
    return None
