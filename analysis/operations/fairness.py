"""Fairness at the counter: calls out of order, no-shows, the priority share, tickets overtaken
(issue 10, item 6)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.operations.common import (
    CALL_COLUMNS,
    NO_SHOW_COLUMNS,
    CounterFrames,
    Table,
    as_key,
    bangkok,
    col,
    counters,
    day_of,
    flag,
    has_text,
    make_table,
    median_of,
    month_of,
    none_last,
    pct,
    prepare_tickets,
    with_columns,
)
from surveys.counter.settings import DEFAULT_REASONS, Choice, PriorityRule, Settings

# ---------------------------------------------------------------------------------------------
# Fairness (issue 10, item 6)
# ---------------------------------------------------------------------------------------------


def out_of_order_table(calls: pd.DataFrame, *, settings: Settings | None = None) -> Table:
    """Calls out of order per counter and month, with the count of each reason given.

    Columns: all calls, out of order, % out of order, then one column per reason (the settings' reasons
    in their order, then any other reason id found), and "no reason" — which should always be 0: the
    counter cannot call out of order without one (DESIGN invariant 3)."""
    c = with_columns(calls, CALL_COLUMNS).copy()
    c["month_key"] = month_of(c["at"])
    c["counter_key"] = counters(c["counter"])
    c["in_order_b"] = flag(c["in_order"])
    c["has_reason"] = has_text(c["reason"])
    known: Sequence[Choice] = settings.out_of_order_reasons if settings is not None else DEFAULT_REASONS
    out = c[~c["in_order_b"]]
    seen = {r for r in out.loc[out["has_reason"], "reason"]}
    reasons = [r.id for r in known if r.id in seen] + sorted(seen - {r.id for r in known})
    labels = {r.id: r for r in known}
    columns = [
        col("counter", "ช่องบริการ", "Counter"),
        col("month", "เดือน", "Month"),
        col("calls", "จำนวนการเรียกคิว", "Calls"),
        col("out_of_order", "เรียกข้ามคิว", "Out of order"),
        col("out_of_order_pct", "เรียกข้ามคิว (ร้อยละ)", "Out of order (%)"),
        *[
            col(f"reason:{r}", labels[r].th if r in labels else r, labels[r].en if r in labels else r)
            for r in reasons
        ],
        col("no_reason", "ไม่มีเหตุผล", "No reason recorded"),
    ]

    def figures(g: pd.DataFrame) -> dict[str, Any]:
        o = g[~g["in_order_b"]]
        row: dict[str, Any] = {
            "calls": len(g),
            "out_of_order": len(o),
            "out_of_order_pct": pct(len(o), len(g)),
        }
        for r in reasons:
            row[f"reason:{r}"] = int((o["reason"] == r).sum())
        row["no_reason"] = int((~o["has_reason"]).sum())
        return row

    rows = []
    groups = {as_key(k): g for k, g in c.groupby(["counter_key", "month_key"], dropna=False, sort=False)}
    for key in sorted(groups, key=lambda k: [none_last(v) for v in k]):
        rows.append({"counter": key[0], "month": key[1], **figures(groups[key])})
    total = {"counter": None, "month": None, **figures(c)} if len(c) else None
    return make_table(
        "การเรียกข้ามคิว จำแนกตามช่องบริการและเดือน พร้อมเหตุผล",
        "Calls out of order by counter and month, with their reasons",
        columns,
        rows,
        total,
    )


def no_show_table(no_shows: pd.DataFrame) -> Table:
    """No-shows per counter, with the time from the first call to the no-show (median and longest,
    minutes). Every ``ticket.no_show`` event counts, also one later undone."""
    n = with_columns(no_shows, NO_SHOW_COLUMNS).copy()
    n["counter_key"] = counters(n["counter"])
    n["minutes"] = pd.to_numeric(n["seconds_from_call"], errors="coerce") / 60

    def figures(g: pd.DataFrame) -> dict[str, Any]:
        minutes = g["minutes"].dropna()
        return {
            "no_shows": len(g),
            "minutes_median": median_of(minutes),
            "minutes_max": None if minutes.empty else float(minutes.max()),
        }

    rows, total = _per_counter(n, figures)
    return make_table(
        "ผู้ไม่มาตามเรียก จำแนกตามช่องบริการ และเวลาตั้งแต่เรียกจนบันทึกว่าไม่มา",
        "No-shows by counter, and the time from the call to the no-show",
        [
            col("counter", "ช่องบริการ", "Counter"),
            col("no_shows", "ไม่มาตามเรียก", "No-shows"),
            col("minutes_median", "เวลาจากเรียกถึงไม่มา มัธยฐาน (นาที)", "Call to no-show, median (min)"),
            col("minutes_max", "เวลาจากเรียกถึงไม่มา สูงสุด (นาที)", "Call to no-show, longest (min)"),
        ],
        rows,
        total,
    )


def priority_table(tickets: pd.DataFrame, *, rule: PriorityRule | None = None) -> Table:
    """The share of served tickets that were priority tickets, per month, beside the written policy.

    The policy (``settings.yaml``, ``priority.every_normal`` = N) calls one priority ticket after every N
    normal calls, so while priority tickets wait they get at most 1 in N + 1 calls: ``policy_max_pct``
    = 100 ÷ (N + 1). A share above it means priority tickets were called more often than the rule
    allows; a share below it only means fewer priority visitors came."""
    rule = rule or PriorityRule()
    t = prepare_tickets(tickets)
    t["is_priority"] = has_text(t["priority"])
    served = t[t["is_served"]]
    policy_max = 100.0 / (rule.every_normal + 1)

    def figures(g: pd.DataFrame) -> dict[str, Any]:
        priority = int(g["is_priority"].sum())
        return {
            "served": len(g),
            "priority_served": priority,
            "priority_pct": pct(priority, len(g)),
            "policy_max_pct": policy_max,
        }

    groups = {as_key(k): g for k, g in served.groupby("month_key", dropna=False, sort=False)}
    rows = [{"month": k[0], **figures(groups[k])} for k in sorted(groups, key=lambda k: none_last(k[0]))]
    return make_table(
        "สัดส่วนผู้รับบริการกลุ่มพิเศษ เทียบกับนโยบายที่ประกาศ",
        "The share of priority tickets among those served, against the written policy",
        [
            col("month", "เดือน", "Month"),
            col("served", "ให้บริการแล้ว", "Served"),
            col("priority_served", "กลุ่มพิเศษ", "Priority tickets"),
            col("priority_pct", "กลุ่มพิเศษ (ร้อยละ)", "Priority share (%)"),
            col("policy_max_pct", "สูงสุดตามนโยบาย (ร้อยละ)", "Policy maximum (%)"),
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
    t = with_columns(tickets, ("device", "service", "origin", "issued_at", "called_at"))
    result = pd.Series(0, index=t.index, dtype=int)
    if len(t) == 0:
        return result
    issued = bangkok(t["issued_at"])
    called = bangkok(t["called_at"])
    frame = pd.DataFrame(
        {
            "device": t["device"].astype(object).where(t["device"].notna(), ""),
            "queue": _queue_of(t),
            "day": day_of(t["issued_at"]),
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
    t = prepare_tickets(tickets)
    if "later_served_before" in t.columns and t["later_served_before"].notna().all():
        t["overtaken_by"] = pd.to_numeric(t["later_served_before"]).astype(int)
    else:
        t["overtaken_by"] = count_overtaken(t)

    def figures(g: pd.DataFrame) -> dict[str, Any]:
        by = g["overtaken_by"]
        return {
            "tickets": len(g),
            "overtaken": int((by > 0).sum()),
            "overtaken_pct": pct(int((by > 0).sum()), len(g)),
            "overtaken_mean": None if by.empty else float(by.mean()),
            "overtaken_max": None if by.empty else int(by.max()),
        }

    rows, total = _per_counter(t, figures)
    return make_table(
        "คิวที่ถูกแซง: บัตรคิวที่ออกทีหลังแต่ถูกเรียกก่อน จำแนกตามช่องบริการ",
        "Tickets overtaken: later tickets of the same service and day called first, by counter",
        [
            col("counter", "ช่องบริการ", "Counter"),
            col("tickets", "จำนวนบัตรคิว", "Tickets"),
            col("overtaken", "ถูกแซง", "Overtaken"),
            col("overtaken_pct", "ถูกแซง (ร้อยละ)", "Overtaken (%)"),
            col("overtaken_mean", "จำนวนคิวที่แซง เฉลี่ย", "Later tickets called first, mean"),
            col("overtaken_max", "จำนวนคิวที่แซง สูงสุด", "Later tickets called first, most"),
        ],
        rows,
        total,
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


def _per_counter(
    frame: pd.DataFrame, figures: Callable[[pd.DataFrame], dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One row of ``figures`` per counter (tickets never called last), and the total row (None when
    there is nothing)."""
    groups = {as_key(k): g for k, g in frame.groupby("counter_key", dropna=False, sort=False)}
    rows = [{"counter": k[0], **figures(groups[k])} for k in sorted(groups, key=lambda k: none_last(k[0]))]
    return rows, ({"counter": None, **figures(frame)} if len(frame) else None)
