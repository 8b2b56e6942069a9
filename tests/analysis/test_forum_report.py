"""The year-end report's forums and staff surveys, from central-store rows built by hand: every expected
number below is worked out by hand from the rows (issue 12, item 8)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from analysis.forums import word_frequencies
from analysis.frames import Frames, frames_from_rows
from analysis.period import fiscal_period
from analysis.render.html import render_html
from analysis.report import ReportOptions, assemble, report_json, write_report
from surveys.content.instruments import builtin_instruments
from surveys.content.plan import builtin_plan
from surveys.counter.settings import default_settings
from surveys.log.event import BANGKOK

FY = fiscal_period(2568)  # 1 October 2024 – 30 September 2025
LAPTOP = "laptop-1"
SUGGESTIONS = ("อยากให้ซ่อมถนนในหมู่บ้าน", "ถนนชำรุดมาก ควรซ่อมถนนด่วน 2 จุด", "ขอไฟฟ้าส่องสว่างและซ่อมถนน")
VOIDED_TEXT = "ข้อความในแบบที่ถูกยกเลิก"
INTEGRITY: dict[str, Any] = {"devices": [], "cannot_see_th": "", "cannot_see_en": ""}
LIKERT = {"spoke": 5, "info_clear": 4, "opinion_used": 4, "overall": 5}


class Rows:
    """Events of one laptop as the central store hands them to the report (device and seq order)."""

    def __init__(self, device: str = LAPTOP) -> None:
        self.device = device
        self.rows: list[tuple[str, int, str, str, str, str]] = []

    def add(self, kind: str, at: datetime, **body: object) -> int:
        seq = len(self.rows) + 1
        line = json.dumps({"kind": kind, "at": at.isoformat(), "body": body}, sort_keys=True)
        self.rows.append((self.device, seq, kind, at.isoformat(), f"hash{seq}", line))
        return seq


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BANGKOK)


def forum(rows: Rows, session: str, community: str, day: datetime, agenda: list[str], total: int) -> None:
    rows.add(
        "forum.opened", day, session=session, community=community, place="ศาลาประชาคม",
        date=day.date().isoformat(), projects=[5], facilitators=["ปลัด"],
        agenda=[{"id": f"a{i}", "title": t} for i, t in enumerate(agenda, start=1)],
        instrument="forum-feedback", signin=False,
    )  # fmt: skip
    half = total // 2
    counts = {
        "gender": {"male": half, "female": total - half},
        "age": {"30-44": total},
        "role": {"resident": total},
    }
    rows.add("forum.attendance", day, session=session, total=total, counts=counts, replaces=None, reason=None)


def form(rows: Rows, session: str, day: datetime, votes: list[str], suggestion: str | None = None) -> int:
    answers: dict[str, Any] = dict(LIKERT)
    if suggestion:
        answers["suggestion"] = suggestion
    return rows.add(
        "forum.response", day, session=session, instrument="forum-feedback", mode="clerk", answers=answers,
        votes=votes,
    )  # fmt: skip


def staff(rows: Rows, session: str, instrument: str, project: int, answers: list[dict[str, Any]]) -> None:
    day = at(2025, 3, 3)
    rows.add("staff_survey.opened", day, session=session, instrument=instrument, projects=[project],
             title=f"สำรวจ {instrument}", codes=[f"h{i}" for i in range(len(answers) + 2)])  # fmt: skip
    for i, given in enumerate(answers):
        rows.add("staff_survey.code_used", day, session=session, code=f"h{i}")
        rows.add("staff_survey.response", day, session=session, instrument=instrument, answers=given)
    issued, used = len(answers) + 2, len(answers)
    rows.add("staff_survey.closed", day, session=session, responses=used, codes_issued=issued,
             codes_used=used, head={"seq": 1, "hash": "x"})  # fmt: skip


def the_year() -> Rows:
    """Two forums (45 and 60 people, one form taken back) and three staff surveys."""
    rows = Rows()
    one, two = at(2024, 11, 10), at(2024, 12, 5)
    forum(rows, "f1", "หมู่ 1 บ้านหนองบัว", one, ["ซ่อมถนน", "ประปา", "ไฟฟ้าส่องสว่าง"], 45)
    form(rows, "f1", one, ["a1", "a2"], SUGGESTIONS[0])
    form(rows, "f1", one, ["a1"], SUGGESTIONS[1])
    taken = form(rows, "f1", one, ["a3"], VOIDED_TEXT)
    rows.add("forum.response.voided", one, session="f1", response=taken, reason="กรอกซ้ำ")
    rows.add("forum.closed", one, session="f1", total=45, counts={}, forms=2, voided=1, votes={}, signin=0,
             head={"seq": 1, "hash": "x"})  # fmt: skip
    forum(rows, "f2", "หมู่ 2 บ้านโคก", two, ["ซ่อมถนน", "ขุดลอกคลอง"], 50)
    rows.add("forum.attendance", two, session="f2", total=60,
             counts={"gender": {"male": 30, "female": 30}, "age": {"30-44": 60}, "role": {"resident": 60}},
             replaces=8, reason="นับตกหล่น")  # fmt: skip
    form(rows, "f2", two, ["a1"], SUGGESTIONS[2])
    form(rows, "f2", two, ["a2"])
    # NO Gift Policy: 10 respondents, one took a gift; by division 6 finance, 3 engineering, 1 clerk's office
    divisions = ["finance"] * 6 + ["engineering"] * 3 + ["clerk-office"]
    nogift = [
        {"received": "yes" if i == 0 else "no", "gave": "no", "knows_policy": "yes", "division": d}
        for i, d in enumerate(divisions)
    ]
    staff(rows, "s1", "staff-nogift", 15, nogift)
    staff(rows, "s2", "staff-internal-control", 13, [{"overall": v} for v in (5, 4, 4, 4, 3, 2)])
    staff(rows, "s3", "staff-promotion", 17, [{"overall": v} for v in (5, 4, 4, 3, 4)])
    return rows


def frames_of(rows: Rows, start: date = FY.start, end: date = FY.end) -> Frames:
    return frames_from_rows(rows.rows, start, end)


def report_of(rows: Rows, edition: str = "public", earlier: Rows | None = None) -> dict[str, Any]:
    earlier_forums = frames_of(earlier, date(2023, 10, 1), date(2024, 9, 30)).forums if earlier else None
    data = assemble(frames_of(rows), builtin_plan(), default_settings(), builtin_instruments(),
                    ReportOptions(FY, edition=edition), INTEGRITY, earlier_forums=earlier_forums)  # fmt: skip
    return dict(json.loads(report_json(data)))


def target(report: dict[str, Any], target_id: str) -> dict[str, Any]:
    return next(t for p in report["projects"] for t in p["targets"] if t["id"] == target_id)


@pytest.fixture(scope="module")
def public() -> dict[str, Any]:
    return report_of(the_year())


@pytest.fixture(scope="module")
def staff_edition() -> dict[str, Any]:
    return report_of(the_year(), "staff")


def test_forms_and_staff_responses_are_responses_with_their_sessions_project() -> None:
    frames = frames_of(the_year())
    forms = frames.responses[frames.responses["source"] == "forum"]
    assert len(forms) == 4  # 3 + 2 forms, one taken back
    assert set(forms["project"]) == {5}
    by_source = frames.responses.groupby("source").size().to_dict()
    assert by_source == {"forum": 4, "staff": 21}
    assert VOIDED_TEXT not in set(frames.answers["value"].astype(str))
    row = frames.forums.set_index("session").loc["f1"]
    assert (row["total"], row["forms"], row["voided"], row["gender_male"], row["closed"]) == (
        45,
        2,
        1,
        22,
        True,
    )
    assert frames.forums.set_index("session").loc["f2", "total"] == 60  # the correction counts


def test_two_forums_of_45_and_60_people_meet_the_100_citizens(public: dict[str, Any]) -> None:
    row = target(public, "p5-forum-attendance")
    assert (row["value"], row["verdict"], row["certainty"]) == (105, "met", "clear")
    assert row["bands"]["gender"] == {"male": 22 + 30, "female": 23 + 30, "unspecified": 0}
    held = target(public, "p5-forum")
    assert (held["value"], held["verdict"]) == (2, "met")
    attendance = public["tables"]["forum-attendance"]
    assert attendance["total"]["count"] == 105
    sessions = public["tables"]["forum-sessions"]
    assert [(r["community"], r["total"], r["forms"], r["voided"]) for r in sessions["rows"]] == [
        ("หมู่ 1 บ้านหนองบัว", 45, 2, 1),
        ("หมู่ 2 บ้านโคก", 60, 2, 0),
    ]
    assert (sessions["total"]["total"], sessions["total"]["forms"]) == (105, 4)


def test_votes_are_ranked_over_the_period_and_per_forum_without_the_voided_form(
    public: dict[str, Any],
) -> None:
    overall = [(r["rank"], r["title"], r["votes"]) for r in public["tables"]["forum-votes"]["rows"]]
    # ซ่อมถนน 2 (f1) + 1 (f2); ประปา 1; ขุดลอกคลอง 1; ไฟฟ้าส่องสว่าง only on the voided form: 0
    assert overall == [(1, "ซ่อมถนน", 3), (2, "ขุดลอกคลอง", 1), (2, "ประปา", 1), (4, "ไฟฟ้าส่องสว่าง", 0)]
    first = [
        (r["rank"], r["title"], r["votes"])
        for r in public["tables"]["forum-votes-by-forum"]["rows"]
        if r["community"] == "หมู่ 1 บ้านหนองบัว"
    ]
    assert first == [(1, "ซ่อมถนน", 2), (2, "ประปา", 1), (3, "ไฟฟ้าส่องสว่าง", 0)]


def test_nine_of_ten_complying_is_90_percent_and_not_met(public: dict[str, Any]) -> None:
    row = target(public, "p15-compliance")
    assert (row["n"], row["complying"], row["value"]) == (10, 9, 90)
    # Wilson 95 % of 9/10, by hand: centre (0.9 + 1.92/10)/1.3841 = 0.7890, half-width 0.1931
    assert row["interval"]["low"] == pytest.approx(59.58, abs=0.01)
    assert row["interval"]["high"] == pytest.approx(98.21, abs=0.01)
    assert (row["verdict"], row["certainty"]) == ("not_met", "clear")


def test_staff_satisfaction_targets_count_the_staff_responses(public: dict[str, Any]) -> None:
    p13 = target(public, "p13-satisfaction")
    assert (p13["n"], p13["verdict"]) == (6, "inconclusive")  # fewer than 30
    assert p13["top2_pct"] == pytest.approx(4 / 6 * 100, abs=1e-4)  # 5, 4, 4, 4 of 5, 4, 4, 4, 3, 2
    p17 = target(public, "p17-satisfaction")
    assert (p17["n"], p17["mean"], p17["mean_pct"]) == (5, 4, 80)  # (5 + 4 + 4 + 3 + 4) / 5 = 4.0


def test_participation_is_compared_with_the_same_period_a_year_before(public: dict[str, Any]) -> None:
    row = target(public, "p5-participation-up")
    assert row["verdict"] == "no_data" and "2023-10-01" in row["reason_en"]
    earlier = Rows()
    forum(earlier, "old", "หมู่ 1 บ้านหนองบัว", at(2023, 11, 12), ["ซ่อมถนน"], 84)
    row = target(report_of(the_year(), earlier=earlier), "p5-participation-up")
    # 105 against 84: (105 − 84) / 84 = +25 %
    assert (row["before"], row["after"], row["value"], row["verdict"]) == (84, 105, 25, "met")


def test_suggestions_as_written_only_in_the_staff_edition(
    public: dict[str, Any], staff_edition: dict[str, Any], tmp_path: Path
) -> None:
    public_html = render_html(public)
    staff_html = render_html(staff_edition)
    for text in SUGGESTIONS:
        assert text not in report_json(public) and text not in public_html
        assert text in staff_edition["forum_suggestions"] and text in staff_html
    assert "forum_suggestions" not in public
    assert VOIDED_TEXT not in staff_html


def test_a_staff_band_under_5_never_shows_its_number(
    public: dict[str, Any], staff_edition: dict[str, Any]
) -> None:
    for report in (public, staff_edition):
        rows = {r["band_en"]: r for r in report["tables"]["staff-staff-nogift-bands"]["rows"]}
        assert (rows["Finance Division"]["n"], rows["Finance Division"]["pct"]) == (6, pytest.approx(500 / 6))
        for hidden in ("Engineering Division", "Office of the Clerk"):  # 3 and 1 respondents
            assert (rows[hidden]["n"], rows[hidden]["pct"]) == ("<5", "<5")
    html = render_html(staff_edition)
    start = html.index("ผลจำแนกตามข้อมูลทั่วไปของผู้ตอบ: แบบสำรวจการปฏิบัติตาม")
    section = html[start : html.index("</section>", start)]
    assert "กองช่าง" in section and ">3<" not in section and ">1<" not in section


def test_the_most_frequent_words_of_thai_suggestions() -> None:
    # by hand: ถนน 1 + 2 + 1, ซ่อม in all three; อยาก ให้ ใน มาก ควร ขอ และ are stop words; "2" is a number
    found = word_frequencies(SUGGESTIONS)
    assert found[:2] == [("ถนน", 4, 3), ("ซ่อม", 3, 3)]
    assert {w for w, *_ in found[2:]} == {"หมู่บ้าน", "ชำรุด", "ด่วน", "จุด", "ไฟฟ้า", "ส่องสว่าง"}
    assert not {"ให้", "และ", "2", " "} & {w for w, *_ in found}


def test_the_public_word_table_lists_only_words_of_5_suggestions_or_more(
    public: dict[str, Any], staff_edition: dict[str, Any]
) -> None:
    assert public["tables"]["forum-words"]["rows"] == []  # ถนน is in 3 suggestions only
    assert staff_edition["tables"]["forum-words"]["rows"][0]["word"] == "ถนน"


def test_the_report_with_forums_writes_every_file(staff_edition: dict[str, Any], tmp_path: Path) -> None:
    written = write_report(staff_edition, tmp_path)
    names = {p.name for p in written}
    assert {"report.json", "report.html", "report.pdf", "report.xlsx", "forum-votes.csv"} <= names
    csv = (tmp_path / "tables" / "forum-attendance.csv").read_text(encoding="utf-8-sig")
    assert "105" in csv


def test_the_report_compares_attendance_with_the_year_before_from_the_central_store(tmp_path: Path) -> None:
    """A laptop records a forum in November 2023 (84 people) and one in March 2025 (105 people); the
    report of FY 2568 reads last year's from the store: (105 − 84) / 84 = +25 %."""
    from kiosk.office.forum import ForumDesk
    from kiosk.office.service import LocalOffice
    from sync.central import CentralStore
    from tests.support.devices import enrol, export

    now = [at(2023, 11, 12)]
    home = tmp_path / "laptop"
    office = LocalOffice(home, default_settings(), clock=lambda: now[0])
    desk = ForumDesk(office)
    for day, total in ((at(2023, 11, 12), 84), (at(2025, 3, 8), 105)):
        now[0] = day
        session = desk.open_forum("หมู่ 1", "ศาลาประชาคม", day.date(), [5], [], ["ซ่อมถนน"]).session
        counts = {
            "gender": {"unspecified": total},
            "age": {"unspecified": total},
            "role": {"resident": total},
        }
        desk.record_attendance(session, total, counts)
        desk.close_forum(session)
    office.close()
    central = tmp_path / "central"
    enrol(central, home)
    with CentralStore.open(central) as store:
        assert store.import_bundle(export(home, tmp_path / "laptop.psb")).ok
        from analysis.report import build_report

        data = build_report(
            store, builtin_plan(), default_settings(), builtin_instruments(), ReportOptions(FY)
        )
    row = target(data, "p5-participation-up")
    assert (row["before"], row["after"], row["value"], row["verdict"]) == (84, 105, 25, "met")
    assert target(data, "p5-forum-attendance")["value"] == 105


def test_words_count_every_form_so_a_word_on_5_forms_is_published() -> None:
    rows = Rows()
    day = at(2024, 11, 10)
    forum(rows, "f1", "หมู่ 1", day, ["ซ่อมถนน"], 20)
    for _ in range(5):  # the same text on five forms: ถนน in 5 suggestions, หมู่บ้าน too
        form(rows, "f1", day, ["a1"], SUGGESTIONS[0])
    form(rows, "f1", day, [], SUGGESTIONS[2])
    public = report_of(rows)
    words = {r["word"]: (r["count"], r["texts"]) for r in public["tables"]["forum-words"]["rows"]}
    assert words == {"ถนน": (6, 6), "ซ่อม": (6, 6), "หมู่บ้าน": (5, 5)}  # ไฟฟ้า, ส่องสว่าง: 1 suggestion
    assert report_of(rows, "staff")["forum_suggestions"] == sorted({SUGGESTIONS[0], SUGGESTIONS[2]})
