"""Complaints and corruption tips in the year-end report: the report's own fold of the complaint events,
the arithmetic of the targets of projects 4, 6, 9, 11, 16 and 19, and the tables of the complaints section
(the integrity assessment's open-data items on complaints).

The events are those of the complaint desk (``docs/architecture.md``; issue 13): ``complaint.received``
(with its ``due`` date, worked out when it was received), ``complaint.step`` (``assigned``,
``in_progress``, ``done`` or ``explained``; the last two close it), ``complaint.rated`` (a rating that
names no complaint). The report reads them itself, so that it counts the same whichever version of the desk
wrote them; it never reads a contact (sealed to the officer's key anyway).

Conventions (``docs/report-json.md``):

- A complaint is **late** when it was closed (done or explained) after its ``due`` date, or is still open
  after it at the period's end. A letter of explanation (``explained``) on or before the due date is a
  complaint handled in time: the plan asks for the matter to be resolved within 15 days *or* the
  complainant told why not.
- **Due** complaints (the denominator of the 15-day share): received in the period and either closed, or
  open with their due date before the period's end. One received a week before the end and still open
  is neither on time nor late yet, and is not counted (``not_yet_due``).
- Every complaint of the period is counted, none sampled: the verdict is a plain comparison with the
  threshold (certainty ``clear``); the Wilson interval is shown for readers who take the year as a sample
  of how the office works.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from scipy import stats as scipy_stats

from analysis.figures import Figure
from analysis.operations.common import col
from analysis.stats import Interval
from surveys.complaints.cases import RATED as RATED  # re-exported: the frames fold the ratings
from surveys.complaints.cases import RATING_REFUSED, RATING_USED, RECEIVED, STEP
from surveys.content.thaidate import BANGKOK, format_date

CASE_KINDS = (RECEIVED, STEP)
KINDS = (RECEIVED, STEP, RATING_USED, RATED, RATING_REFUSED)
PROJECT = 9
"""The plan project a complaint rating counts for (the complaint-handling measure)."""

ORDER = ("received", "assigned", "in_progress", "done", "explained")
CLOSING = ("done", "explained")
COLUMNS = (
    "device", "code", "series", "channel", "category", "received_at", "day", "month", "due", "status",
    "steps", "closed_at", "closed_by", "late", "days_to_close", "subject", "details",
)  # fmt: skip

SERIES = {"C": ("เรื่องร้องเรียน", "Complaints"), "T": ("เบาะแสการทุจริต", "Corruption tips")}
CHANNELS = {
    "counter": ("เคาน์เตอร์บริการ", "Service counter"),
    "walk_in": ("ยื่นด้วยตนเอง", "In person"),
    "phone": ("โทรศัพท์", "Telephone"),
    "letter": ("หนังสือ/จดหมาย", "Letter"),
    "facebook": ("เฟซบุ๊ก", "Facebook"),
    "damrongdhama": ("ศูนย์ดำรงธรรม", "Damrongdhama Centre"),
    "kiosk": ("ตู้รับเรื่อง", "Kiosk"),
}
CATEGORIES = {
    "general": ("เรื่องร้องเรียนทั่วไป", "General"),
    "misconduct": ("การปฏิบัติหน้าที่มิชอบ", "Misconduct"),
    "procurement": ("การจัดซื้อจัดจ้าง", "Procurement"),
    "corruption": ("การทุจริต", "Corruption"),
}
STATUSES = {
    "received": ("รับเรื่องแล้ว", "received"),
    "assigned": ("มอบหมายผู้รับผิดชอบแล้ว", "assigned"),
    "in_progress": ("อยู่ระหว่างดำเนินการ", "in progress"),
    "done": ("ดำเนินการแล้วเสร็จ", "done"),
    "explained": ("ชี้แจงเหตุผลแล้ว", "explained"),
}
NO_COMPLAINTS = (
    "ไม่มีเรื่องร้องเรียนหรือเบาะแสที่บันทึกด้วยชุดเครื่องมือในช่วงเวลานี้",
    "no complaint or tip was recorded with the kit in this period",
)


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame(columns=list(COLUMNS))


# -- the fold -----------------------------------------------------------------------------------------


def _day(at: str) -> date:
    return datetime.fromisoformat(at).astimezone(BANGKOK).date()


@dataclass
class _Case:
    device: str
    code: str
    series: str
    channel: str
    category: str
    received_at: str
    due: date
    subject: str
    details: str
    status: str = "received"
    steps: int = 0
    closed_at: str | None = None


@dataclass
class Fold:
    """Complaints being folded from their events (by code; a step of a complaint received before the
    period, a step backwards or one after closing changes nothing: the desk refuses those)."""

    cases: dict[str, _Case] = field(default_factory=dict)

    def apply(self, device: str, kind: str, at: str, body: Mapping[str, Any]) -> None:
        code = str(body.get("complaint", ""))
        if kind == RECEIVED and code and code not in self.cases:
            series = str(body.get("series") or code[:1])
            received = _day(at)
            due = (  # the desk always writes it; without it, 15 calendar days
                date.fromisoformat(str(body["due"])) if body.get("due") else received + timedelta(days=15)
            )
            self.cases[code] = _Case(
                device, code, series, str(body.get("channel", "")),
                "corruption" if series == "T" else str(body.get("category", "general")), at, due,
                str(body.get("subject") or ""), str(body.get("details") or ""),
            )  # fmt: skip
        elif kind == STEP:
            case = self.cases.get(code)
            to = str(body.get("to", ""))
            if case is None or case.status in CLOSING or to not in ORDER:
                return
            if ORDER.index(to) <= ORDER.index(case.status):
                return
            case.status, case.steps = to, case.steps + 1
            if to in CLOSING:
                case.closed_at = at

    def frame(self, end: date) -> pd.DataFrame:
        """One row per complaint; ``late`` and ``days_to_close`` as at ``end`` (the period's last day)."""
        rows = []
        for c in self.cases.values():
            received = _day(c.received_at)
            closed = _day(c.closed_at) if c.closed_at else None
            late = closed > c.due if closed is not None else end > c.due
            rows.append(
                (c.device, c.code, c.series, c.channel, c.category, c.received_at, received,
                 received.strftime("%Y-%m"), c.due, c.status, c.steps, c.closed_at,
                 c.status if c.status in CLOSING else None, late,
                 (closed - received).days if closed is not None else None, c.subject, c.details)
            )  # fmt: skip
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        for column in ("received_at", "closed_at"):
            frame[column] = pd.to_datetime(frame[column], format="ISO8601", utc=True).dt.tz_convert(BANGKOK)
        frame["late"] = frame["late"].astype(bool)
        frame["days_to_close"] = frame["days_to_close"].astype("Int64")
        frame["steps"] = frame["steps"].astype("int64")
        return frame


# -- the arithmetic -----------------------------------------------------------------------------------


def closed(complaints: pd.DataFrame) -> pd.Series:
    return complaints["status"].isin(CLOSING)


def due_by(complaints: pd.DataFrame, end: date) -> pd.DataFrame:
    """The complaints that count for the 15-day share: closed, or open with their due date before
    ``end`` (one still within its 15 days at the period's end is neither on time nor late yet)."""
    if complaints.empty:
        return complaints
    return complaints[closed(complaints) | (complaints["due"] < end)]


def on_time(complaints: pd.DataFrame) -> pd.Series:
    """Closed (done or explained) on or before the due date."""
    return closed(complaints) & ~complaints["late"].astype(bool)


def wilson(k: int, n: int) -> Interval | None:
    """The Wilson 95 % interval of k out of n complaints, in percent (None when n = 0)."""
    if n == 0:
        return None
    ci = scipy_stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return Interval(
        float(ci.low) * 100,
        float(ci.high) * 100,
        "Wilson 95 % over the complaints counted",
        "ช่วงความเชื่อมั่น 95 % แบบ Wilson จากจำนวนเรื่องที่นับ",
    )


def _share_row(row: dict[str, Any], k: int, n: int, threshold: float, **extra: Any) -> dict[str, Any]:
    value = k / n * 100
    interval = wilson(k, n)
    met = value >= threshold if row.get("comparison", ">=") == ">=" else value > threshold
    return {
        **row,
        **extra,
        "n": n,
        "value": value,
        "interval": interval.to_dict() if interval is not None else None,
        "verdict": "met" if met else "not_met",
        "certainty": "clear",
    }


def _no_data(row: dict[str, Any], reason: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {
        **row,
        **extra,
        "value": None,
        "verdict": "no_data",
        "certainty": None,
        "reason_th": reason[0],
        "reason_en": reason[1],
    }


def resolve_target(
    row: dict[str, Any], complaints: pd.DataFrame, end: date, days: int, share: float | None
) -> dict[str, Any]:
    """``p9-resolve-15-days``: the % of due complaints (:func:`due_by`) closed — done or explained — on
    or before their due date, against ``share`` (the plan's share of complaints; none said: 100 %, every
    complaint). ``days`` is the plan's figure, said in the row (the due dates were set when received)."""
    wanted = 100.0 if share is None else float(share)
    row = {**row, "days": days, "threshold": wanted, "comparison": ">=", "unit": "percent"}
    if complaints.empty:
        return _no_data(row, NO_COMPLAINTS)
    counted = due_by(complaints, end)
    timely = on_time(counted)
    extra = {
        "received": len(complaints),
        "on_time": int(timely.sum()),
        "done_on_time": int((timely & (counted["status"] == "done")).sum()),
        "explained_on_time": int((timely & (counted["status"] == "explained")).sum()),
        "closed_late": int((closed(counted) & counted["late"]).sum()),
        "open_late": int((~closed(counted)).sum()),
        "not_yet_due": len(complaints) - len(counted),
        "note_th": (f"นับเรื่องที่ครบกำหนด {days} วันแล้วหรือปิดเรื่องแล้ว การชี้แจงเหตุผลภายในกำหนดนับเป็นการดำเนินการทันเวลา"),
        "note_en": (
            f"counts complaints whose {days} days are up or that are closed; a letter of explanation "
            "within the time counts as handled in time"
        ),
    }
    if counted.empty:
        return _no_data(
            row,
            (
                "ยังไม่มีเรื่องร้องเรียนที่ครบกำหนดหรือปิดเรื่องแล้วในช่วงเวลานี้",
                "no complaint of this period is closed or past its due date yet",
            ),
            **extra,
        )
    return _share_row(row, int(timely.sum()), len(counted), wanted, **extra)


def progress_target(row: dict[str, Any], complaints: pd.DataFrame, end: date) -> dict[str, Any]:
    """``p9-progress-notice``: the % of complaints whose complainant was told of progress — at least one
    step after received (assigned, in progress, done or explained: each shows, dated, when the tracking
    code is looked up) — among those closed, past their due date, or with a step already."""
    if complaints.empty:
        return _no_data(row, NO_COMPLAINTS)
    counted = complaints[(complaints["steps"] > 0) | complaints.index.isin(due_by(complaints, end).index)]
    told = int((counted["steps"] > 0).sum())
    extra = {"told": told, "not_told": len(counted) - told}
    if counted.empty:
        return _no_data(
            row,
            ("ยังไม่มีเรื่องร้องเรียนที่ครบกำหนดในช่วงเวลานี้", "no complaint of this period is due yet"),
            **extra,
        )
    return _share_row(row, told, len(counted), float(row["threshold"]), **extra)


def citizen_watch_target(row: dict[str, Any], complaints: pd.DataFrame) -> dict[str, Any]:
    """``p11-citizen-watch``/``p19-citizen-watch``: complaints and tips received from citizens in the
    period (both counted: the plan judges by "the number of complaints and of tips"), against the
    threshold."""
    if complaints.empty:
        return _no_data(row, NO_COMPLAINTS)
    tips = int((complaints["series"] == "T").sum())
    value = len(complaints)
    threshold = row["threshold"] if row["threshold"] is not None else 1
    return {
        **row,
        "unit": "count",
        "n": value,
        "value": value,
        "complaints": value - tips,
        "tips": tips,
        "corruption": int(complaints["category"].isin(("corruption", "misconduct")).sum()),
        "verdict": "met" if value >= threshold else "not_met",
        "certainty": "clear",
    }


def counted_in(complaints: pd.DataFrame | None, categories: Iterable[str]) -> int:
    if complaints is None or complaints.empty:
        return 0
    return int(complaints["category"].isin(list(categories)).sum())


def change_target(
    row: dict[str, Any],
    categories: Iterable[str] | None,
    complaints: pd.DataFrame,
    earlier: pd.DataFrame | None,
    earlier_period: dict[str, str],
    figure: Figure | None,
) -> dict[str, Any]:
    """A count of complaints of ``categories`` that must fall (or rise): this period's against the same
    period a year before, from the central store; when the store holds no complaint of that period, the
    figures file's value for the target is the previous year's count (marked ``before_from: figures``)."""
    if categories is None:
        return _no_data(
            row,
            (
                "แผนไม่ได้ระบุว่านับเรื่องร้องเรียนประเภทใด (categories) จึงนับให้ไม่ได้",
                "the plan does not say which complaints count (categories)",
            ),
        )
    cats = sorted(categories)
    after = counted_in(complaints, cats)
    extra: dict[str, Any] = {"categories": cats, "after": after, "earlier_period": earlier_period}
    if earlier is not None and not earlier.empty:
        before, source = counted_in(earlier, cats), "store"
    elif figure is not None and figure.value is not None:
        before, source = int(figure.value), "figures"
        extra["note"] = figure.note
    else:
        return _no_data(
            row,
            (
                f"ไม่มีเรื่องร้องเรียนในช่วงเดียวกันของปีก่อน ({earlier_period['from']} ถึง "
                f"{earlier_period['to']}) ในคลังข้อมูลกลาง และไม่ได้กรอกจำนวนของปีก่อนในไฟล์ตัวเลขที่กรอกเอง "
                "(prongsai report --figures) จึงเทียบไม่ได้",
                f"no complaint in the same period a year before ({earlier_period['from']} to "
                f"{earlier_period['to']}) in the central store, and no previous year's count in the figures "
                "file (prongsai report --figures): nothing to compare with",
            ),
            **extra,
        )
    extra |= {"before": before, "before_from": source, "entered_by_hand": source == "figures"}
    decrease = row.get("direction") == "decrease"
    if before == 0:
        if after == 0:
            return _no_data(
                row,
                (
                    "ไม่มีเรื่องร้องเรียนประเภทนี้ทั้งปีนี้และปีก่อน จึงวัดการลดลงหรือเพิ่มขึ้นไม่ได้",
                    "no complaint of these categories in either year: no change to measure",
                ),
                **extra,
            )
        return {**row, **extra, "value": None, "verdict": "met" if not decrease else "not_met",
                "certainty": "clear"}  # fmt: skip
    change = (after - before) / before * 100
    threshold = row.get("threshold")
    if decrease:
        met = -change >= threshold if threshold is not None else after < before
    else:
        met = change >= threshold if threshold is not None else after > before
    return {
        **row,
        **extra,
        "value": change,
        "verdict": "met" if met else "not_met",
        "certainty": "clear",
    }


# -- the section's tables -----------------------------------------------------------------------------


def _month(key: str, lang: str = "th") -> str:
    year, month = (int(p) for p in key.split("-"))
    return format_date(date(year, month, 1), lang=lang).split(" ", 1)[1]


def _counts(group: pd.DataFrame, end: date) -> dict[str, Any]:
    counted = due_by(group, end)
    timely = int(on_time(counted).sum()) if not counted.empty else 0
    return {
        "received": len(group),
        "done": int((group["status"] == "done").sum()),
        "explained": int((group["status"] == "explained").sum()),
        "in_progress": int((~closed(group)).sum()),
        "late": int(group["late"].sum()),
        "due": len(counted),
        "on_time": timely,
        "on_time_pct": timely / len(counted) * 100 if len(counted) else None,
    }


COUNT_COLUMNS = [
    col("received", "รับเรื่อง", "Received"),
    col("done", "ดำเนินการแล้วเสร็จ", "Done"),
    col("explained", "ชี้แจงเหตุผลแล้ว", "Explained"),
    col("in_progress", "อยู่ระหว่างดำเนินการ", "In progress"),
    col("late", "เกินกำหนด", "Late"),
    col("due", "ครบกำหนดแล้ว", "Due"),
    col("on_time", "ทันกำหนด", "On time"),
    col("on_time_pct", "ร้อยละที่ทันกำหนด", "% on time"),
]


def summary_table(complaints: pd.DataFrame, end: date, days: int) -> dict[str, Any]:
    rows = []
    for series, (th, en) in SERIES.items():
        rows.append(
            {"series": th, "series_en": en, **_counts(complaints[complaints["series"] == series], end)}
        )
    return {
        "title_th": f"เรื่องร้องเรียนและเบาะแสการทุจริต: การดำเนินการภายใน {days} วัน",
        "title_en": f"Complaints and corruption tips: handled within {days} days",
        "columns": [col("series", "ประเภท", "Kind"), *COUNT_COLUMNS],
        "rows": rows,
        "total": {"series": "รวม", "series_en": "total", **_counts(complaints, end)},
        "suppressed": False,
        "note_th": (
            "เกินกำหนด: ปิดเรื่องหลังวันครบกำหนด หรือยังไม่ปิดเมื่อสิ้นช่วงรายงานทั้งที่เลยวันครบกำหนดแล้ว "
            "ครบกำหนดแล้ว: ปิดเรื่องแล้ว หรือเลยวันครบกำหนดแล้ว การชี้แจงเหตุผลภายในกำหนดนับเป็นการดำเนินการทันกำหนด"
        ),
        "note_en": (
            "late: closed after the due date, or still open past it at the period's end; due: closed, or "
            "past the due date; a letter of explanation within the time counts as handled on time"
        ),
    }


def month_table(complaints: pd.DataFrame, end: date) -> dict[str, Any]:
    rows = []
    for month, group in sorted(complaints.groupby("month"), key=lambda p: str(p[0])):
        counts = _counts(group, end)
        rows.append(
            {
                "month": _month(str(month)),
                "month_en": _month(str(month), "en"),
                "complaints": int((group["series"] == "C").sum()),
                "tips": int((group["series"] == "T").sum()),
                **{k: counts[k] for k in ("received", "in_progress", "late", "on_time_pct")},
            }
        )
    total = _counts(complaints, end)
    return {
        "title_th": "เรื่องร้องเรียนและเบาะแสรายเดือน (ตามเดือนที่รับเรื่อง)",
        "title_en": "Complaints and tips by month received",
        "columns": [
            col("month", "เดือน", "Month"),
            col("complaints", "เรื่องร้องเรียน", "Complaints"),
            col("tips", "เบาะแส", "Tips"),
            col("received", "รวม", "Total"),
            col("in_progress", "อยู่ระหว่างดำเนินการ", "In progress"),
            col("late", "เกินกำหนด", "Late"),
            col("on_time_pct", "ร้อยละที่ทันกำหนด", "% on time"),
        ],
        "rows": rows,
        "total": {
            "month": "รวม",
            "complaints": int((complaints["series"] == "C").sum()),
            "tips": int((complaints["series"] == "T").sum()),
            **{k: total[k] for k in ("received", "in_progress", "late", "on_time_pct")},
        },
        "suppressed": False,
    }


def _by(complaints: pd.DataFrame, column: str, names: Mapping[str, tuple[str, str]], end: date) -> list[Any]:
    rows = []
    known = list(names) + sorted(set(complaints[column].astype(str)) - set(names))
    for key in known:
        group = complaints[complaints[column] == key]
        if group.empty:
            continue
        th, en = names.get(key, (key, key))
        counts = _counts(group, end)
        rows.append(
            {
                column: th,
                f"{column}_en": en,
                "complaints": int((group["series"] == "C").sum()),
                "tips": int((group["series"] == "T").sum()),
                **{k: counts[k] for k in ("received", "in_progress", "late")},
            }
        )
    return rows


def channel_table(complaints: pd.DataFrame, end: date) -> dict[str, Any]:
    return {
        "title_th": "เรื่องร้องเรียนและเบาะแสตามช่องทางที่รับเรื่อง",
        "title_en": "Complaints and tips by channel",
        "columns": [
            col("channel", "ช่องทาง", "Channel"),
            col("complaints", "เรื่องร้องเรียน", "Complaints"),
            col("tips", "เบาะแส", "Tips"),
            col("received", "รวม", "Total"),
            col("in_progress", "อยู่ระหว่างดำเนินการ", "In progress"),
            col("late", "เกินกำหนด", "Late"),
        ],
        "rows": _by(complaints, "channel", CHANNELS, end),
        "total": None,
        "suppressed": False,
    }


def category_table(complaints: pd.DataFrame, end: date) -> dict[str, Any]:
    return {
        "title_th": "เรื่องร้องเรียนและเบาะแสตามประเภทเรื่อง",
        "title_en": "Complaints and tips by category",
        "columns": [
            col("category", "ประเภทเรื่อง", "Category"),
            col("complaints", "เรื่องร้องเรียน", "Complaints"),
            col("tips", "เบาะแส", "Tips"),
            col("received", "รวม", "Total"),
            col("in_progress", "อยู่ระหว่างดำเนินการ", "In progress"),
            col("late", "เกินกำหนด", "Late"),
        ],
        "rows": _by(complaints, "category", CATEGORIES, end),
        "total": None,
        "suppressed": False,
        "note_th": "เบาะแสการทุจริตทุกเรื่องเป็นประเภทการทุจริต ฉบับเผยแพร่แสดงเฉพาะจำนวน ไม่แสดงเนื้อหา",
        "note_en": "every corruption tip is of the corruption category; the public edition counts them only",
    }


def register_table(complaints: pd.DataFrame) -> dict[str, Any]:
    """The staff edition's list: every complaint and tip (its code starts with C or T) with its subject and
    details as written."""
    ordered = complaints.sort_values(["received_at", "code"])
    rows = [
        {
            "code": c.code,
            "received": format_date(c.day, style="short"),
            "channel": CHANNELS.get(c.channel, (c.channel,))[0],
            "category": CATEGORIES.get(c.category, (c.category,))[0],
            "subject": c.subject,
            "details": c.details,
            "due": format_date(c.due, style="short"),
            "status": STATUSES.get(c.status, (c.status,))[0] + (" (เกินกำหนด)" if c.late else ""),
        }
        for c in ordered.itertuples()
    ]
    return {
        "title_th": "ทะเบียนเรื่องร้องเรียนและเบาะแส (เฉพาะฉบับเจ้าหน้าที่ ห้ามเผยแพร่)",
        "title_en": "Register of complaints and tips (staff edition only; not for publication)",
        "columns": [
            col("code", "เลขติดตาม", "Tracking code"),
            col("received", "วันที่รับ", "Received"),
            col("channel", "ช่องทาง", "Channel"),
            col("category", "ประเภทเรื่อง", "Category"),
            col("subject", "เรื่อง", "Subject"),
            col("details", "รายละเอียด", "Details"),
            col("due", "ครบกำหนด", "Due"),
            col("status", "สถานะ (เกินกำหนดหรือไม่)", "Status (late or not)"),
        ],
        "rows": rows,
        "total": None,
        "suppressed": False,
        "note_th": "ไม่มีชื่อหรือช่องทางติดต่อผู้ร้องเรียน (ปิดผนึกด้วยกุญแจของเจ้าหน้าที่ผู้รับผิดชอบ)",
        "note_en": "no complainant's name or contact (sealed to the responsible officer's key)",
    }


def complaints_section(complaints: pd.DataFrame, end: date, public: bool, days: int) -> dict[str, Any]:
    """The section's tables by id; the register (subjects and details) only in the staff edition."""
    if complaints.empty:
        return {}
    tables: dict[str, Any] = {
        "complaints-summary": summary_table(complaints, end, days),
        "complaints-by-month": month_table(complaints, end),
        "complaints-by-channel": channel_table(complaints, end),
        "complaints-by-category": category_table(complaints, end),
    }
    if not public:
        tables["complaints-register"] = register_table(complaints)
    return tables
