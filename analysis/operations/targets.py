"""The plan's targets the queue measures: calls in order, citizens served, summaries (issue 10, item 4)."""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd

from analysis.operations.common import (
    CALL_COLUMNS,
    RESPONSE_COLUMNS,
    TICKET_COLUMNS,
    CounterFrames,
    Satisfaction,
    day_of,
    flag,
    groups_of,
    has_text,
    overall_scores,
    pct,
    satisfaction_of,
    with_columns,
)
from surveys.content.plan import ComplianceTarget, FrequencyTarget, HeadCountTarget
from surveys.content.thaidate import BE_OFFSET, format_date

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
    c = with_columns(calls, CALL_COLUMNS)
    in_order = flag(c["in_order"])
    reason = has_text(c["reason"])
    n = len(c)
    ok = int(in_order.sum())
    with_reason = int((~in_order & reason).sum())
    return {
        "calls": n,
        "in_order": ok,
        "with_reason": with_reason,
        "without_reason": n - ok - with_reason,
        "in_order_pct": pct(ok, n),
        "in_order_or_reason_pct": pct(ok + with_reason, n),
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
    t = with_columns(frames.tickets, TICKET_COLUMNS)
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
    t = with_columns(tickets, TICKET_COLUMNS)
    r = with_columns(responses, RESPONSE_COLUMNS)
    if services is not None:
        t = t[t["service"].isin(list(services))]
        r = r[r["service"].isin(list(services))]
    t_days, r_days = day_of(t["issued_at"]), day_of(r["at"])
    spans: dict[str, tuple[date, date]] = {}
    keys: dict[pd.Timestamp, str] = {}
    for day in set(t_days.dropna().unique()) | set(r_days.dropna().unique()):
        key, start, end = _period(pd.Timestamp(day).date(), every)
        keys[day], spans[key] = key, (start, end)
    tickets_per = t_days.map(keys).value_counts().to_dict() if len(t_days) else {}
    responses_per = groups_of(r.assign(period_key=r_days.map(keys)), ["period_key"])
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
                "mean_pct": satisfaction_of(mine, satisfaction),
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
    value = pct(len(due) - len(missing), len(due))
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
