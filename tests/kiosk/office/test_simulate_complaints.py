"""The complaint desk's simulated years: believable, consistent, sealed, reproducible, demo only."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.office.complaints import ComplaintDesk, install_officer_key, make_officer_key
from kiosk.office.service import LocalOffice
from kiosk.office.simulate import Period, SimulationRefused
from kiosk.office.simulate_complaints import month_quotas, simulate_complaints, year_intake
from surveys.complaints.cases import Complaints, fold_complaints
from surveys.counter.settings import default_settings
from surveys.log.chain import verify_log
from surveys.log.device import DEMO_EVENT_KIND, load_device, load_or_create_device
from surveys.log.device_log import read_events
from surveys.log.event import BANGKOK, Event
from surveys.log.home import log_dir

TODAY = date(2026, 1, 1)
TWO_YEARS = Period(date(2023, 10, 1), date(2025, 9, 30))  # fiscal years 2567 and 2568
FY_2568 = Period(date(2024, 10, 1), date(2025, 9, 30))
THAI = re.compile("[\u0e00-\u0e7f]")
RAINY_TOPICS = ("ถนน", "น้ำท่วม", "ท่อระบายน้ำ", "รางระบายน้ำ", "ไฟฟ้าส่องสว่าง", "ไฟกิ่ง")
Year = tuple[Path, dict[str, Any], list[Event], Complaints]


def run(home: Path, period: Period = TWO_YEARS, seed: int = 2568) -> dict[str, Any]:
    return simulate_complaints(home, default_settings(), period, seed=seed, today=TODAY).to_dict()


def events(home: Path) -> list[Event]:
    return list(read_events(log_dir(home)))


def files(home: Path) -> dict[str, bytes]:
    if not home.exists():
        return {}
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def fiscal_year(complaint_day: date) -> int:
    return complaint_day.year + 543 + (1 if complaint_day.month >= 10 else 0)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    home = tmp_path_factory.mktemp("office")
    report = run(home)
    log = events(home)
    return home, report, log, fold_complaints(log)


def test_a_few_complaints_a_month_and_fewer_than_the_year_before(year: Year) -> None:
    _, report, log, folded = year
    general = [c for c in folded.all() if not c.tip]
    by_year = Counter(fiscal_year(c.received_on) for c in general)
    # 40 + 40 x 0.8^(fy - 2565), rounded: 66 in 2567, 60 in 2568 (5.5 and 5 a month)
    assert by_year == {2567: 66, 2568: 60}
    assert all(3 * 12 <= n <= 8 * 12 for n in by_year.values())
    assert (
        report["complaints"]
        == len(folded.all())
        == report["by_fiscal_year"]["2567"] + report["by_fiscal_year"]["2568"]
    )
    assert log[0].kind == DEMO_EVENT_KIND and log[0].body["what"] == "complaints"


def test_three_to_eight_a_month_more_in_the_rainy_season(year: Year) -> None:
    _, _, _, folded = year
    # weights: 1.6 in August and September, 0.8 in December to February, 13.8 in all:
    # 60 x 1.6 / 13.8 = 6.96 -> 7 in August 2025; 60 x 0.8 / 13.8 = 3.48 -> 3 in January 2025
    assert month_quotas(60)[8] == 7 and month_quotas(60)[1] == 3 and sum(month_quotas(60).values()) == 60
    months = Counter((c.received_on.year, c.received_on.month) for c in folded.all() if not c.tip)
    assert len(months) == 24 and all(3 <= n <= 8 for n in months.values())
    assert (months[(2025, 8)], months[(2025, 1)]) == (7, 3)


def test_more_roads_drainage_and_lights_in_the_rainy_season(year: Year) -> None:
    _, _, _, folded = year
    rain = [c for c in folded.all() if any(t in c.subject for t in RAINY_TOPICS)]
    wet = sum(1 for c in rain if 5 <= c.received_on.month <= 10)
    dry = len(rain) - wet
    assert wet > 1.5 * dry  # six months each


def test_channels_and_categories_mostly_general_and_tips_their_own_series(year: Year) -> None:
    _, report, _, folded = year
    general = [c for c in folded.all() if not c.tip]
    tips = [c for c in folded.all() if c.tip]
    assert {c.channel for c in general} == {
        "counter",
        "phone",
        "letter",
        "facebook",
        "damrongdhama",
        "walk_in",
    }
    categories = Counter(c.category for c in general)
    assert categories["general"] > 0.75 * len(general) and categories["corruption"] == 0
    # a few about staff conduct and procurement, one fewer each year (projects 4 and 6)
    by_year = Counter((fiscal_year(c.received_on), c.category) for c in general)
    assert (by_year[(2567, "misconduct")], by_year[(2568, "misconduct")]) == (6, 5)
    assert (by_year[(2567, "procurement")], by_year[(2568, "procurement")]) == (5, 4)
    assert all(c.series == "T" and c.category == "corruption" for c in tips)
    assert all(c.series == "C" for c in general)
    per_year = Counter(fiscal_year(c.received_on) for c in tips)
    assert set(per_year) == {2567, 2568} and all(2 <= n <= 5 for n in per_year.values())
    assert report["tips"] == len(tips)
    assert all(THAI.search(c.subject) and THAI.search(c.details) for c in folded.all())
    for fy in (2567, 2568):  # some anonymous, some with a contact, each year
        contact = [c.has_contact for c in tips if fiscal_year(c.received_on) == fy]
        assert any(contact) and not all(contact)


def test_steps_in_order_due_in_15_days_most_on_time_some_late_a_few_explained(year: Year) -> None:
    _, report, _, folded = year
    order = ["received", "assigned", "in_progress"]
    for c in folded.all():
        assert c.due == c.received_on + timedelta(days=15)
        kinds = [s.to for s in c.steps]
        assert kinds[: min(len(kinds), 3)] == order[: min(len(kinds), 3)], kinds
        assert len(kinds) <= 4 and all(k in ("done", "explained") for k in kinds[3:])
        times = [datetime.fromisoformat(s.at) for s in c.steps]
        assert times == sorted(times)
    closed = [c for c in folded.all() if c.closed]
    late = [c for c in closed if c.closed_on is not None and c.closed_on > c.due]
    explained = [c for c in closed if c.status == "explained"]
    assert len(closed) >= 0.95 * len(folded.all())
    assert 0.04 * len(closed) <= len(late) <= 0.18 * len(closed)  # about one in ten
    assert 0.02 * len(closed) <= len(explained) <= 0.14 * len(closed)
    assert all(THAI.search(c.steps[-1].note) for c in explained)
    assert (report["closed"], report["late"], report["explained"]) == (len(closed), len(late), len(explained))
    still_open = [c for c in folded.all() if not c.closed]
    assert all(c.received_on >= date(2025, 8, 1) for c in still_open)  # only those near the end
    assert report["still_open"] == len(still_open)


def test_ratings_after_closing_for_a_third_to_a_half_mostly_satisfied(year: Year) -> None:
    _, report, log, folded = year
    closed = [c for c in folded.all() if c.closed and not c.tip]
    rated = [e for e in log if e.kind == "complaint.rated"]
    used = [e for e in log if e.kind == "complaint.rating_used"]
    assert len(rated) == len(used) == report["ratings"] <= len(closed)
    assert 0.25 * len(closed) <= len(rated) <= 0.55 * len(closed)
    assert all("complaint" not in e.body and "code" not in e.body for e in rated)  # not linked
    assert all(e.body["instrument"] == "complaint-satisfaction" for e in rated)
    overall = [e.body["answers"]["overall"] for e in rated]
    assert sum(1 for o in overall if o >= 4) > 0.6 * len(overall)
    for e in used:  # a rating only after closing
        complaint = folded.get(e.body["complaint"])
        assert complaint is not None and complaint.closed_at is not None
        assert e.at > complaint.closed_at


def test_a_tips_contact_never_reaches_the_log_in_clear_and_the_officer_key_opens_it(year: Year) -> None:
    home, report, _, folded = year
    assert report["with_contact"] > 0
    log_bytes = b"".join(p.read_bytes() for p in sorted(log_dir(home).rglob("*")) if p.is_file())
    assert b"example.invalid" not in log_bytes and "ข้อมูลสมมติ".encode() not in log_bytes
    assert "ข้อมูลสมมติ".encode("unicode_escape") not in log_bytes
    assert not (home / "private" / "complaint-contacts").exists()
    tip = next(c for c in folded.all() if c.tip and c.has_contact)
    office = LocalOffice(home, default_settings())
    try:
        revealed = ComplaintDesk(office).reveal(tip.code, Path(report["officer_key"]))
    finally:
        office.close()
    assert "example.invalid" in json.dumps(revealed, ensure_ascii=False)


def test_events_happen_on_working_days_in_office_hours_in_time_order(year: Year) -> None:
    home, _, log, _ = year
    for event in log:
        moment = event.time.astimezone(BANGKOK)
        if event.kind != DEMO_EVENT_KIND:
            assert moment.weekday() < 5 and time(8, 30) <= moment.time() <= time(16, 30), event
    assert [e.time for e in log] == sorted(e.time for e in log)
    assert load_device(home).demo and verify_log(log_dir(home)).ok


def _comparable(log: list[Event]) -> list[tuple[str, str, str]]:
    """What a run decides, without what no seed fixes: tracking codes, sealed contacts, run time."""
    hidden = {"complaint", "code", "contact", "run_at"}
    return [
        (e.kind, e.at, json.dumps({k: v for k, v in e.body.items() if k not in hidden}, sort_keys=True))
        for e in log
    ]


def test_the_same_seed_gives_the_same_years_and_another_seed_others(tmp_path: Path, year: Year) -> None:
    _, report, log, _ = year
    again = run(tmp_path / "again")
    assert _comparable(events(tmp_path / "again")) == _comparable(log)
    keep = ("complaints", "tips", "closed", "late", "explained", "ratings", "by_fiscal_year")
    assert {k: again[k] for k in keep} == {k: report[k] for k in keep}
    assert year_intake(7, 2568) != year_intake(2568, 2568)


def test_a_year_in_two_runs_closes_what_the_first_left_open(tmp_path: Path) -> None:
    home = tmp_path / "two-runs"
    first = run(home, Period(date(2024, 10, 1), date(2025, 3, 15)))
    assert first["still_open"] > 0
    left_open = {c.code for c in fold_complaints(events(home)).all() if not c.closed}
    second = run(home, FY_2568)
    assert second["continued_after"] == "2025-03-15" and second["first_day"] == "2025-03-16"
    folded = fold_complaints(events(home))
    assert all(folded.get(code) is not None and folded.get(code).closed for code in left_open)  # type: ignore[union-attr]
    assert first["complaints"] + second["complaints"] == len(folded.all())
    assert len([c for c in folded.all() if not c.tip]) == 60  # the year's complaints, as in one run
    assert verify_log(log_dir(home)).ok


def test_a_real_home_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    home = tmp_path / "real"
    load_or_create_device(home)
    before = files(home)
    with pytest.raises(SimulationRefused) as caught:
        run(home)
    assert caught.value.code == "real_device" and "is a real device, not a demo device" in caught.value.en
    assert files(home) == before


def test_an_officer_key_installed_by_hand_is_the_one_contacts_are_sealed_to(tmp_path: Path) -> None:
    home, officer = tmp_path / "office", tmp_path / "officer"
    private, public = make_officer_key(officer)
    install_officer_key(home, public)
    report = run(home, FY_2568)
    assert report["officer_key"] == "" and not (home / "demo-officer").exists()
    tip = next(c for c in fold_complaints(events(home)).all() if c.tip and c.has_contact)
    office = LocalOffice(home, default_settings())
    try:
        assert "example.invalid" in ComplaintDesk(office).reveal(tip.code, private)["contact"]
    finally:
        office.close()
