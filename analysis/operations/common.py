"""What the operations modules share: the frames they read, table dicts, Bangkok months, quantiles."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from surveys.content.thaidate import BANGKOK
from surveys.counter.settings import Settings

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


def col(col_id: str, th: str, en: str) -> dict[str, str]:
    return {"id": col_id, "th": th, "en": en}


def make_table(
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


def with_columns(frame: pd.DataFrame | None, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with every one of ``columns`` (missing ones all NA): an empty frame never raises."""
    frame = pd.DataFrame() if frame is None else frame
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        frame = frame.assign(
            **{c: pd.Series([None] * len(frame), index=frame.index, dtype=object) for c in missing}
        )
    return frame


def bangkok(values: pd.Series) -> pd.Series:
    """Timestamps as aware Bangkok times (naive ones are taken as Bangkok already)."""
    times = pd.to_datetime(values)
    if times.dt.tz is None:
        return times.dt.tz_localize(BANGKOK)
    return times.dt.tz_convert(BANGKOK)


def month_of(values: pd.Series) -> pd.Series:
    """``"YYYY-MM"`` of each timestamp in Bangkok time (None where there is none)."""
    times = bangkok(values)
    number = times.dt.year * 100 + times.dt.month
    labels = {v: f"{int(v) // 100:04d}-{int(v) % 100:02d}" for v in number.dropna().unique()}
    return number.map(labels).astype(object).where(number.notna(), None)


def day_of(values: pd.Series) -> pd.Series:
    """The Bangkok day of each timestamp, as a naive midnight timestamp (NaT where there is none)."""
    return bangkok(values).dt.tz_localize(None).dt.normalize()


def counters(values: pd.Series) -> pd.Series:
    """Counter numbers as Python ints (None where unknown), so that rows say 1, never 1.0."""
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers.astype("Int64").astype(object).where(numbers.notna(), None)


def pct(part: float, whole: float) -> float | None:
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


def median_of(values: pd.Series) -> float | None:
    data = values.dropna()
    return None if data.empty else float(data.median())


def service_name(settings: Settings | None, service: Any, lang: str) -> str | None:
    if service is None or (not isinstance(service, str) and pd.isna(service)):
        return None
    if settings is not None and service in settings.by_id:
        return settings.by_id[service].name(lang)
    return str(service)


def service_order(settings: Settings | None, services: Iterable[Any]) -> list[Any]:
    known = [s.id for s in settings.services] if settings is not None else []
    present = {s for s in services if isinstance(s, str)}
    return [s for s in known if s in present] + sorted(present - set(known))


def has_text(values: pd.Series) -> pd.Series:
    """True where a non-blank text is given (a reason; a priority group)."""
    text = values.astype("string")
    return (text.str.strip().fillna("") != "").astype(bool)


def flag(values: pd.Series) -> pd.Series:
    """Booleans with NA as False."""
    return values.astype("boolean").fillna(False).astype(bool)


def none_last(value: Any) -> tuple[int, Any]:
    """Sorts ``None`` (an unknown counter or month) after every real value."""
    return (1, 0) if value is None else (0, value)


def overall_scores(responses: pd.DataFrame, answers: pd.DataFrame, item: str = "overall") -> pd.DataFrame:
    """``responses`` with a ``satisfaction`` column: the answer to ``item`` (1–5) as % of 5.

    Responses that did not answer ``item`` (or answered it with a non-number) get NA; pass the result
    to :func:`service_tables` to fill its satisfaction column."""
    responses = with_columns(responses, RESPONSE_COLUMNS)
    answers = with_columns(answers, ("response", "item", "value"))
    mine = answers[answers["item"] == item]
    values = pd.to_numeric(mine["value"], errors="coerce")
    score = pd.Series((values / 5 * 100).to_numpy(), index=mine["response"].to_numpy())
    score = score[~score.index.duplicated(keep="first")]
    return responses.assign(satisfaction=responses["response"].map(score))


def prepare_tickets(tickets: pd.DataFrame) -> pd.DataFrame:
    """The ticket columns every table of this module groups on, computed once."""
    t = with_columns(tickets, TICKET_COLUMNS).copy()
    t["month_key"] = month_of(t["issued_at"])
    t["counter_key"] = counters(t["counter"])
    called, issued = bangkok(t["called_at"]), bangkok(t["issued_at"])
    started, finished = bangkok(t["started_at"]), bangkok(t["finished_at"])
    t["wait_min"] = (called - issued).dt.total_seconds() / 60
    t["service_min"] = (finished - started).dt.total_seconds() / 60
    t["is_called"] = called.notna()
    t["is_served"] = t["status"].eq("served")
    t["is_no_show"] = t["status"].eq("no_show")
    t["is_rated"] = t["is_served"] & flag(t["rated"])
    # only what the tables read: grouping copies every column, and a year holds millions of tickets
    keep = [*PREPARED_COLUMNS, *(["later_served_before"] if "later_served_before" in t.columns else [])]
    return t[keep]


def groups_of(frame: pd.DataFrame | None, keys: list[str]) -> dict[tuple[Any, ...], pd.DataFrame]:
    if frame is None or len(frame) == 0:
        return {}
    return {as_key(k): g for k, g in frame.groupby(keys, dropna=False, sort=False)}


def as_key(key: Hashable) -> tuple[Any, ...]:
    values = key if isinstance(key, tuple) else (key,)
    return tuple(plain_key(v) for v in values)


def plain_key(value: Any) -> Any:
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


def satisfaction_of(group: pd.DataFrame | None, satisfaction: Satisfaction | None) -> float | None:
    if group is None or len(group) == 0:
        return None
    if satisfaction is not None:
        value = satisfaction(group)
        return None if value is None else float(value)
    if "satisfaction" in group.columns:
        scores = pd.to_numeric(group["satisfaction"], errors="coerce").dropna()
        return None if scores.empty else float(scores.mean())
    return None
