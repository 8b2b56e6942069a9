"""The year-end report's complaints and corruption tips, from central-store rows built by hand: every
expected number below is worked out by hand from the rows (issue 13, item 8).

The year (fiscal 2568, 1 Oct 2024 – 30 Sep 2025), due dates 15 calendar days after the day received:

    #   received     category     channel       steps                               on time?
    1-6 1 Nov 2024   general      counter×3, phone×2, facebook
                                                assigned 5 Nov, done 10 Nov          yes (due 16 Nov)
    7   2 Dec 2024   procurement  facebook      explained 17 Dec (the due day)      yes: explained counts
    8   6 Jan 2025   misconduct   letter        done 25 Jan                          late (due 21 Jan)
    9   3 Feb 2025   procurement  damrongdhama  explained 1 Mar                      late (due 18 Feb)
    10  3 Mar 2025   general      walk_in       assigned 5 Mar, still open           late (due 18 Mar)
    11  25 Sep 2025  general      kiosk         none                                 not due yet (10 Oct)
    T1  20 Sep 2025  corruption   phone         assigned 22 Sep                      not due yet (5 Oct)

→ 10 complaints due, 7 on time: 70 %; 2 closed late, 1 open past its due date.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pypdf
import pytest

from analysis.figures import Figure
from analysis.frames import Frames, frames_from_rows
from analysis.period import fiscal_period
from analysis.render.charts import percent_targets
from analysis.render.html import render_html
from analysis.report import ReportOptions, assemble, figures_of, report_json, write_report
from surveys.content.instruments import builtin_instruments
from surveys.content.plan import builtin_plan
from surveys.counter.settings import default_settings
from surveys.log.event import BANGKOK

FY = fiscal_period(2568)
LAST_YEAR = (date(2023, 10, 1), date(2024, 9, 30))
DESK = "office-1"
INTEGRITY: dict[str, Any] = {"devices": [], "cannot_see_th": "", "cannot_see_en": ""}
TIP_SUBJECT = "ปลัดเรียกรับเงินงานถนนสายบ้านโคก"
TIP_DETAILS = "มีผู้รับเหมาเล่าว่าต้องจ่ายเงินก่อนตรวจรับงาน"
COMPLAINT_SUBJECT = "ไฟถนนดับหน้าบ้านเลขที่ 12"
SEALED = "c2VhbGVkLWNvbnRhY3Q="


class Rows:
    """Events of the office's log as the central store hands them to the report (device and seq order)."""

    def __init__(self, device: str = DESK) -> None:
        self.device = device
        self.rows: list[tuple[str, int, str, str, str, str]] = []
        self.codes = 0

    def add(self, kind: str, at: datetime, **body: object) -> int:
        seq = len(self.rows) + 1
        line = json.dumps({"kind": kind, "at": at.isoformat(), "body": body}, sort_keys=True)
        self.rows.append((self.device, seq, kind, at.isoformat(), f"hash{seq}", line))
        return seq

    def receive(
        self, day: datetime, category: str = "general", channel: str = "counter", *, tip: bool = False,
        subject: str = COMPLAINT_SUBJECT, details: str = "", contact: object = None,
    ) -> str:  # fmt: skip
        self.codes += 1
        series = "T" if tip else "C"
        code = f"{series}68-{self.codes:06d}-X"
        due = (day.date() + timedelta(days=15)).isoformat()
        self.add(
            "complaint.received", day, complaint=code, series=series, channel=channel,
            category="corruption" if tip else category, subject=subject, details=details, location="",
            due=due, contact=contact,
        )  # fmt: skip
        return code

    def step(self, code: str, to: str, day: datetime, note: str = "") -> None:
        self.add("complaint.step", day, complaint=code, to=to, note=note)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BANGKOK)


def the_year() -> Rows:
    rows = Rows()
    for channel in ("counter", "counter", "counter", "phone", "phone", "facebook"):
        code = rows.receive(at(2024, 11, 1), "general", channel)
        rows.step(code, "assigned", at(2024, 11, 5))
        rows.step(code, "done", at(2024, 11, 10), "ซ่อมแล้ว")
    seven = rows.receive(at(2024, 12, 2), "procurement", "facebook")
    rows.step(seven, "explained", at(2024, 12, 17, 16), "รอผลการตรวจสอบจากสำนักงานตรวจเงินแผ่นดิน")
    eight = rows.receive(at(2025, 1, 6), "misconduct", "letter")
    rows.step(eight, "done", at(2025, 1, 25))
    nine = rows.receive(at(2025, 2, 3), "procurement", "damrongdhama")
    rows.step(nine, "explained", at(2025, 3, 1))
    ten = rows.receive(at(2025, 3, 3), "general", "walk_in")
    rows.step(ten, "assigned", at(2025, 3, 5))
    rows.step(ten, "in_progress", at(2025, 3, 4))  # backwards in time is fine; the order is what counts
    rows.step(ten, "assigned", at(2025, 3, 6))  # a step backwards: the desk refuses it, the report too
    rows.receive(at(2025, 9, 25), "general", "kiosk", contact={"sealed": SEALED, "to": "fp1"})
    tip = rows.receive(
        at(2025, 9, 20), channel="phone", tip=True, subject=TIP_SUBJECT, details=TIP_DETAILS,
        contact={"sealed": SEALED, "to": "fp1"},
    )  # fmt: skip
    rows.step(tip, "assigned", at(2025, 9, 22))
    # three ratings of closed complaints: none names its complaint
    for score in (4, 4, 5):
        rows.add("complaint.rating_used", at(2024, 11, 12), complaint="C68-000001-X")
        answers = {i: score for i in ("timeliness", "clarity", "tracking", "fairness", "overall")}
        rows.add("complaint.rated", at(2024, 11, 12), instrument="complaint-satisfaction", answers=answers)
    rows.add("complaint.rating_refused", at(2024, 11, 13), code="C68-000001-X", reason="rated")
    return rows


def last_year() -> Rows:
    """FY 2567: 4 procurement complaints, 3 about misconduct and a tip: 8 in all."""
    rows = Rows()
    for category in ("procurement",) * 4 + ("misconduct",) * 3:
        rows.receive(at(2024, 2, 5), category)
    rows.receive(at(2024, 3, 1), tip=True)
    return rows


def frames_of(rows: Rows, start: date = FY.start, end: date = FY.end) -> Frames:
    return frames_from_rows(rows.rows, start, end)


def report_of(
    rows: Rows, edition: str = "public", earlier: Rows | None = None, figures: dict[str, Figure] | None = None
) -> dict[str, Any]:
    before = frames_of(earlier, *LAST_YEAR).complaints if earlier is not None else None
    data = assemble(
        frames_of(rows), builtin_plan(), default_settings(), builtin_instruments(),
        ReportOptions(FY, edition=edition, figures=figures or {}), INTEGRITY, earlier_complaints=before,
    )  # fmt: skip
    return dict(json.loads(report_json(data)))


def target(report: dict[str, Any], target_id: str) -> dict[str, Any]:
    return next(t for p in report["projects"] for t in p["targets"] if t["id"] == target_id)


@pytest.fixture(scope="module")
def public() -> dict[str, Any]:
    return report_of(the_year(), earlier=last_year())


@pytest.fixture(scope="module")
def staff_edition() -> dict[str, Any]:
    return report_of(the_year(), "staff", earlier=last_year())


def test_one_row_per_complaint_with_its_lateness_at_the_periods_end() -> None:
    frame = frames_of(the_year()).complaints.set_index("code")
    assert len(frame) == 12
    assert frame["late"].sum() == 3
    ten = frame.loc["C68-000010-X"]
    assert (ten["status"], ten["steps"], bool(ten["late"])) == ("in_progress", 2, True)
    assert pd.isna(ten["closed_by"]) and pd.isna(ten["days_to_close"])
    seven = frame.loc["C68-000007-X"]
    assert (seven["closed_by"], bool(seven["late"]), seven["days_to_close"]) == ("explained", False, 15)
    assert frame.loc["C68-000008-X", "days_to_close"] == 19  # 6 → 25 January
    assert frame.loc["T68-000012-X", "category"] == "corruption"
    assert "contact" not in frame.columns


def test_7_of_10_due_complaints_on_time_is_70_percent_and_not_met(public: dict[str, Any]) -> None:
    row = target(public, "p9-resolve-15-days")
    assert (row["n"], row["on_time"], row["value"]) == (10, 7, 70)
    assert (row["done_on_time"], row["explained_on_time"]) == (6, 1)  # the explanation on the due day counts
    assert (row["closed_late"], row["open_late"], row["not_yet_due"]) == (2, 1, 2)
    # the plan says no share: every complaint, 100 %
    assert (row["threshold"], row["days"], row["unit"]) == (100, 15, "percent")
    assert (row["verdict"], row["certainty"]) == ("not_met", "clear")
    # Wilson 95 % of 7/10, by hand: centre (0.7 + 1.9208/10)/1.38416 = 0.6445, half-width 0.2477
    assert row["interval"]["low"] == pytest.approx(39.68, abs=0.01)
    assert row["interval"]["high"] == pytest.approx(89.22, abs=0.01)


def test_every_complaint_on_time_meets_the_15_days() -> None:
    rows = Rows()
    for day in (1, 2, 3):
        code = rows.receive(at(2025, 4, day))
        rows.step(code, "explained" if day == 3 else "done", at(2025, 4, day + 10))
    row = target(report_of(rows), "p9-resolve-15-days")
    assert (row["n"], row["value"], row["verdict"]) == (3, 100, "met")


def test_the_complainant_told_of_progress(public: dict[str, Any]) -> None:
    # counted: 1-10 (closed or due) and the tip (a step already); #11, due later and untouched, is not
    row = target(public, "p9-progress-notice")
    assert (row["n"], row["told"], row["value"], row["verdict"]) == (11, 11, 100, "met")
    rows = the_year()
    rows.receive(at(2025, 6, 2))  # due 17 June, never a step: not told
    row = target(report_of(rows), "p9-progress-notice")
    assert (row["n"], row["told"], row["not_told"], row["verdict"]) == (12, 11, 1, "not_met")


def test_complaints_and_tips_from_citizens(public: dict[str, Any]) -> None:
    for target_id in ("p11-citizen-watch", "p19-citizen-watch"):
        row = target(public, target_id)
        assert (row["value"], row["complaints"], row["tips"], row["verdict"]) == (12, 11, 1, "met")
        assert row["entered_by_hand"] is False
    empty = report_of(Rows())
    assert target(empty, "p11-citizen-watch")["verdict"] == "no_data"


def test_the_ratings_are_project_9s_satisfaction(public: dict[str, Any]) -> None:
    row = target(public, "p9-satisfaction")
    # 4, 4, 5 on every item: mean 13/3 = 4.3333, as % of 5: 86.67; 3 < 30 ratings: inconclusive
    assert row["n"] == 3
    assert row["mean_pct"] == pytest.approx(86.6667, abs=1e-3)
    assert row["verdict"] == "inconclusive"


def test_complaints_fall_or_rise_against_the_year_before(public: dict[str, Any]) -> None:
    p6 = target(public, "p6-complaints-down")  # procurement: 4 → 2 (#7, #9), −50 %
    assert (p6["before"], p6["after"], p6["value"], p6["verdict"]) == (4, 2, -50, "met")
    p4 = target(public, "p4-complaints-down")  # corruption and misconduct: 3 + the tip → #8 + the tip
    assert (p4["before"], p4["after"], p4["value"], p4["verdict"]) == (4, 2, -50, "met")
    p16 = target(public, "p16-complaints-down")  # every category: 8 → 12, +50 %
    assert (p16["before"], p16["after"], p16["value"], p16["verdict"]) == (8, 12, 50, "not_met")
    assert p16["before_from"] == "store"
    html = render_html(public)
    row = html[html.index('id="th-target-p6-complaints-down"') :]
    assert "ช่วงเดียวกันของปีก่อน 4 → ช่วงนี้ 2" in row[: row.index("</tr>", row.index("detail"))]
    p6_project = next(p for p in public["projects"] if p["number"] == 6)
    assert percent_targets(p6_project) == []  # a change of −50 % is no bar on a 0–100 axis


def test_without_last_year_the_figures_file_gives_its_count_else_no_data() -> None:
    alone = report_of(the_year())
    row = target(alone, "p6-complaints-down")
    assert (
        row["verdict"] == "no_data" and "2023-10-01" in row["reason_en"] and "--figures" in row["reason_en"]
    )
    given = {"p6-complaints-down": Figure(value=1, note="ทะเบียนรับเรื่องปี 2567")}
    with_figure = report_of(the_year(), figures=given)
    row = target(with_figure, "p6-complaints-down")  # 1 → 2: +100 %
    assert (row["before"], row["before_from"], row["value"], row["verdict"]) == (1, "figures", 100, "not_met")
    assert row["entered_by_hand"] is True
    assert figures_of(with_figure)["p6-complaints-down"].value == 1  # report check derives it again
    assert target(alone, "p17-complaints-down")["verdict"] == "no_data"  # the plan names no category


def test_the_section_counts_received_done_in_progress_and_late(public: dict[str, Any]) -> None:
    assert public["complaints"] == [
        "complaints-summary",
        "complaints-by-month",
        "complaints-by-channel",
        "complaints-by-category",
    ]
    summary = public["tables"]["complaints-summary"]
    complaints, tips = summary["rows"]
    assert (complaints["received"], complaints["done"], complaints["explained"]) == (11, 7, 2)
    assert (complaints["in_progress"], complaints["late"], complaints["due"]) == (2, 3, 10)
    assert (complaints["on_time"], complaints["on_time_pct"]) == (7, 70)
    assert (tips["received"], tips["in_progress"], tips["late"], tips["on_time_pct"]) == (1, 1, 0, None)
    assert (summary["total"]["received"], summary["total"]["on_time_pct"]) == (12, 70)
    months = [(r["month"], r["complaints"], r["tips"], r["late"]) for r in
              public["tables"]["complaints-by-month"]["rows"]]  # fmt: skip
    assert months == [
        ("พฤศจิกายน 2567", 6, 0, 0),
        ("ธันวาคม 2567", 1, 0, 0),
        ("มกราคม 2568", 1, 0, 1),
        ("กุมภาพันธ์ 2568", 1, 0, 1),
        ("มีนาคม 2568", 1, 0, 1),
        ("กันยายน 2568", 1, 1, 0),
    ]
    channels = {r["channel_en"]: (r["complaints"], r["tips"]) for r in
                public["tables"]["complaints-by-channel"]["rows"]}  # fmt: skip
    assert channels == {
        "Service counter": (3, 0),
        "In person": (1, 0),
        "Telephone": (2, 1),
        "Facebook": (2, 0),
        "Letter": (1, 0),
        "Damrongdhama Centre": (1, 0),
        "Kiosk": (1, 0),
    }
    categories = {r["category_en"]: r["received"] for r in public["tables"]["complaints-by-category"]["rows"]}
    assert categories == {"General": 8, "Misconduct": 1, "Procurement": 2, "Corruption": 1}


def cells(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)


def test_a_tips_words_only_in_the_staff_edition_and_no_contact_ever(
    public: dict[str, Any], staff_edition: dict[str, Any], tmp_path: Path
) -> None:
    write_report(public, tmp_path / "public")
    write_report(staff_edition, tmp_path / "staff")

    def pdf_text(folder: Path) -> str:
        pages = pypdf.PdfReader(folder / "report.pdf").pages
        return "".join(c for page in pages for c in page.extract_text() or "" if c.isprintable())

    for text in (TIP_SUBJECT, TIP_DETAILS, COMPLAINT_SUBJECT):
        assert text not in report_json(public) and text not in render_html(public)
        assert text not in cells(tmp_path / "public" / "report.xlsx")
        assert text in cells(tmp_path / "staff" / "report.xlsx")
        assert text in render_html(staff_edition)
    assert "ปลัดเรียกรับเงิน" not in pdf_text(tmp_path / "public")
    assert "ปลัดเรียกรับเงิน" in pdf_text(tmp_path / "staff")
    assert not (tmp_path / "public" / "tables" / "complaints-register.csv").exists()
    register = (tmp_path / "staff" / "tables" / "complaints-register.csv").read_text(encoding="utf-8-sig")
    assert TIP_SUBJECT in register and TIP_DETAILS in register
    statuses = {r["code"]: r["status"] for r in staff_edition["tables"]["complaints-register"]["rows"]}
    assert statuses["C68-000010-X"] == "อยู่ระหว่างดำเนินการ (เกินกำหนด)"
    assert statuses["C68-000007-X"] == "ชี้แจงเหตุผลแล้ว"  # explained on the due day: in time
    for folder in ("public", "staff"):
        for name in ("report.json", "report.html"):
            assert SEALED not in (tmp_path / folder / name).read_text(encoding="utf-8")
    html = render_html(public)
    start = html.index('id="th-complaints"')
    section = html[start : html.index("</section>\n", html.index("complaints-by-category", start))]
    assert "เรื่องร้องเรียนและเบาะแสการทุจริต" in section and "ศูนย์ดำรงธรรม" in section


def test_the_report_counts_last_years_complaints_from_the_central_store(tmp_path: Path) -> None:
    """An office records 3 procurement complaints in FY 2567 and 1 in FY 2568 (with a rating); the
    report of FY 2568 reads last year's from the store: (1 − 3) / 3 = −66.67 %, met."""
    from analysis.report import build_report
    from kiosk.office.service import LocalOffice
    from sync.central import CentralStore
    from tests.support.devices import enrol, export

    now = [at(2024, 2, 5)]
    home = tmp_path / "office"
    office = LocalOffice(home, default_settings(), clock=lambda: now[0])
    for n, day in enumerate((at(2024, 2, 5), at(2024, 3, 4), at(2024, 5, 6), at(2025, 1, 6)), start=1):
        now[0] = day
        code = f"C6{7 if day.year == 2024 else 8}-00000{n}-X"
        body = {
            "complaint": code, "series": "C", "channel": "letter", "category": "procurement",
            "subject": COMPLAINT_SUBJECT, "details": "", "location": "", "contact": None,
            "due": (day.date() + timedelta(days=15)).isoformat(),
        }  # fmt: skip
        office.record(("complaint.received", body))
        now[0] = day + timedelta(days=3)
        office.record(("complaint.step", {"complaint": code, "to": "done", "note": ""}))
    office.record(
        ("complaint.rating_used", {"complaint": "C68-000004-X"}),
        ("complaint.rated", {"instrument": "complaint-satisfaction", "answers": {"overall": 5}}),
    )
    office.close()
    central = tmp_path / "central"
    enrol(central, home)
    with CentralStore.open(central) as store:
        assert store.import_bundle(export(home, tmp_path / "office.psb")).ok
        data = build_report(
            store, builtin_plan(), default_settings(), builtin_instruments(), ReportOptions(FY)
        )
    row = target(data, "p6-complaints-down")
    assert (row["before"], row["after"], row["before_from"], row["verdict"]) == (3, 1, "store", "met")
    assert row["value"] == pytest.approx(-200 / 3)
    assert target(data, "p9-resolve-15-days")["value"] == 100
    assert target(data, "p9-satisfaction")["n"] == 1
    assert data["tables"]["complaints-summary"]["total"]["received"] == 1
