"""Small hand-built frames in the shape of ``analysis.frames`` (for the operations tests).

Times are written as Bangkok wall-clock strings ("2024-10-07 09:00"); ``utc=True`` reads them as UTC.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

BKK = "Asia/Bangkok"


def at(text: str | None, *, utc: bool = False) -> pd.Timestamp:
    if text is None:
        return pd.NaT
    stamp = pd.Timestamp(text)
    return stamp.tz_localize("UTC").tz_convert(BKK) if utc else stamp.tz_localize(BKK)


def ticket(
    number: str,
    issued: str,
    *,
    called: str | None = None,
    started: str | None = None,
    finished: str | None = None,
    counter: int | None = None,
    service: str = "registration",
    status: str | None = None,
    priority: str | None = None,
    rated: bool = False,
    device: str = "d1",
    utc: bool = False,
) -> dict[str, Any]:
    """One ``tickets`` row; the status follows from the times unless given."""
    if status is None:
        status = "served" if finished else "started" if started else "called" if called else "waiting"
    issued_at = at(issued, utc=utc)
    return {
        "device": device,
        "ticket": f"{device}-{number}-{issued}",
        "number": number,
        "service": service,
        "origin": service,
        "priority": priority,
        "day": issued_at.date(),
        "month": issued_at.strftime("%Y-%m"),
        "issued_at": issued_at,
        "called_at": at(called, utc=utc),
        "started_at": at(started, utc=utc),
        "finished_at": at(finished, utc=utc),
        "counter": counter,
        "status": status,
        "recalls": 0,
        "transferred": False,
        "rated": rated,
    }


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    if "counter" in df.columns:
        df["counter"] = df["counter"].astype("Int64")
    return df


def call(
    counter: int, when: str, *, in_order: bool = True, reason: str | None = None, ticket: str = "t"
) -> dict[str, Any]:
    moment = at(when)
    return {
        "device": "d1",
        "seq": 0,
        "at": moment,
        "day": moment.date(),
        "month": moment.strftime("%Y-%m"),
        "ticket": ticket,
        "number": "A001",
        "service": "registration",
        "counter": counter,
        "in_order": in_order,
        "reason": reason,
        "approved": None,
        "priority": None,
    }


def response(rid: str, ticket_row: dict[str, Any], when: str, service: str | None = None) -> dict[str, Any]:
    moment = at(when)
    return {
        "device": ticket_row["device"],
        "seq": 0,
        "at": moment,
        "day": moment.date(),
        "month": moment.strftime("%Y-%m"),
        "response": rid,
        "source": "kiosk",
        "ticket": ticket_row["ticket"],
        "service": service or ticket_row["service"],
        "instrument": "service-satisfaction",
    }
