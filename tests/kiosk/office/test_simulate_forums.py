"""The forum laptop's simulated year: believable, consistent, closed, nameless, reproducible, demo only."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from kiosk.office.simulate import Period, SimulationRefused
from kiosk.office.simulate_forums import COMMUNITIES, FACILITATORS, simulate_forums
from surveys.counter.settings import default_settings
from surveys.forum.sessions import BANDS, Sessions, fold_sessions
from surveys.log.chain import verify_log
from surveys.log.device import DEMO_EVENT_KIND, load_device, load_or_create_device
from surveys.log.device_log import read_events
from surveys.log.event import BANGKOK, Event
from surveys.log.home import log_dir

TODAY = date(2026, 1, 1)
FY_2568 = Period(date(2024, 10, 1), date(2025, 9, 30))
THAI = re.compile("[\u0e00-\u0e7f]")


def run(home: Path, period: Period = FY_2568, seed: int = 2568) -> dict[str, Any]:
    return simulate_forums(home, default_settings(), period, seed=seed, today=TODAY).to_dict()


def events(home: Path) -> list[Event]:
    return list(read_events(log_dir(home)))


def files(home: Path) -> dict[str, bytes]:
    if not home.exists():
        return {}
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], list[Event], Sessions]:
    home = tmp_path_factory.mktemp("laptop")
    report = run(home)
    log = events(home)
    return home, report, log, fold_sessions(log)


def test_every_community_holds_one_forum_in_the_season_and_every_session_is_closed(
    year: tuple[Path, dict[str, Any], list[Event], Sessions],
) -> None:
    home, report, log, sessions = year
    forums = list(sessions.forums.values())
    assert len(forums) == len(COMMUNITIES) == report["forums"]
    assert sorted(f.community for f in forums) == sorted(f"หมู่ที่ {n} {v}" for n, v, _ in COMMUNITIES)
    assert all("2025-02-01" <= f.date <= "2025-04-30" for f in forums)
    assert all(f.closed for f in forums) and all(s.closed for s in sessions.staff.values())
    assert log[0].kind == DEMO_EVENT_KIND and log[0].body["what"] == "forums"
    assert load_device(home).demo and verify_log(log_dir(home)).ok


def test_attendance_adds_up_by_every_band_and_forms_never_outnumber_those_there(
    year: tuple[Path, dict[str, Any], list[Event], Sessions],
) -> None:
    _, report, log, sessions = year
    for event in (e for e in log if e.kind == "forum.attendance"):
        total, counts = event.body["total"], event.body["counts"]
        assert set(counts) == set(BANDS)
        assert all(sum(counts[group].values()) == total for group in BANDS)
    for forum in sessions.forums.values():
        assert 30 <= forum.total <= 80
        assert forum.counts["role"]["resident"] > forum.total / 2  # mostly residents
        assert len(forum.responses) <= forum.total
        assert 0.5 * forum.total <= len(forum.forms) <= 0.8 * forum.total
        assert 5 <= len(forum.agenda) <= 8
        agenda = {item.id for item in forum.agenda}
        assert all(set(form.votes) <= agenda and len(form.votes) <= 3 for form in forum.forms)
        closing = forum.closing or {}
        assert (closing["total"], closing["forms"]) == (forum.total, len(forum.forms))
        assert set(forum.facilitators) <= set(FACILITATORS)
    assert report["attendance"] == sum(f.total for f in sessions.forums.values())


def test_now_and_then_a_recount_a_form_taken_back_and_a_suggestion_all_in_thai(
    year: tuple[Path, dict[str, Any], list[Event], Sessions],
) -> None:
    _, report, log, sessions = year
    corrections = [e for e in log if e.kind == "forum.attendance" and e.body["replaces"] is not None]
    assert 1 <= len(corrections) < len(sessions.forums)
    assert all(THAI.search(e.body["reason"]) for e in corrections)
    voided = [e for e in log if e.kind == "forum.response.voided"]
    assert voided and all(THAI.search(e.body["reason"]) for e in voided) and len(voided) == report["voided"]
    modes = Counter(f.mode for forum in sessions.forums.values() for f in forum.forms)
    assert modes["self"] > 0 and modes["clerk"] > modes["self"]
    suggestions = [
        f.answers["suggestion"]
        for forum in sessions.forums.values()
        for f in forum.forms
        if "suggestion" in f.answers
    ]
    assert suggestions and all(THAI.search(s) for s in suggestions)


def test_staff_surveys_of_projects_13_15_and_17_one_code_each_most_answering(
    year: tuple[Path, dict[str, Any], list[Event], Sessions],
) -> None:
    _, report, log, sessions = year
    surveys = list(sessions.staff.values())
    assert Counter(s.projects for s in surveys) == {(13,): 1, (15,): 2, (17,): 2}
    for survey in surveys:
        assert 30 <= len(survey.codes) <= 45
        assert survey.responses == len(survey.used) <= len(survey.codes)
        assert 0.85 * len(survey.codes) - 1 <= survey.responses <= 0.95 * len(survey.codes) + 1
    answers = [e.body["answers"] for e in log if e.kind == "staff_survey.response"]
    assert len(answers) == report["staff_responses"]
    nogift = [a for a in answers if "received" in a]
    compliant = [a for a in nogift if a["received"] == "no" and a["gave"] == "no"]
    assert 0.8 * len(nogift) <= len(compliant) < len(nogift)  # mostly, not all
    overall = [a["overall"] for a in answers if "overall" in a]
    satisfied = [o for o in overall if o >= 4]
    assert 0.6 * len(overall) <= len(satisfied) < len(overall)


def test_events_happen_on_working_days_at_times_of_day_a_forum_or_survey_would(
    year: tuple[Path, dict[str, Any], list[Event], Sessions],
) -> None:
    _, _, log, _ = year
    for event in log[1:]:
        moment = event.time.astimezone(BANGKOK)
        assert moment.weekday() < 5 and time(8, 0) <= moment.time() <= time(17, 30), event
    assert [e.time for e in log] == sorted(e.time for e in log)


def test_no_name_anywhere_in_the_log(year: tuple[Path, dict[str, Any], list[Event], Sessions]) -> None:
    home, _, log, _ = year
    text = "\n".join(json.dumps(e.to_dict(), ensure_ascii=False) for e in log)
    assert not any(title in text for title in ("นาย", "นาง", "น.ส.", "ด.ช.", "ด.ญ."))
    assert all(not e.body.get("signin") for e in log if e.kind == "forum.opened")
    assert not (home / "private").exists()


def _comparable(log: list[Event]) -> list[tuple[str, str, str]]:
    """What a run decides (kinds, times, bodies), without what no seed fixes: ids, codes' hashes, run time."""
    hidden = {"session", "codes", "code", "head", "run_at", "response"}
    return [
        (e.kind, e.at, json.dumps({k: v for k, v in e.body.items() if k not in hidden}, sort_keys=True))
        for e in log
    ]


def test_the_same_seed_gives_the_same_year_and_another_seed_another(
    tmp_path: Path, year: tuple[Path, dict[str, Any], list[Event], Sessions]
) -> None:
    _, report, log, _ = year
    again = run(tmp_path / "again")
    assert _comparable(events(tmp_path / "again")) == _comparable(log)
    assert {k: v for k, v in again.items() if k != "new_demo_home"} == {
        k: v for k, v in report.items() if k != "new_demo_home"
    }
    run(tmp_path / "other", seed=7)
    other = events(tmp_path / "other")
    assert _comparable(other) != _comparable(log)
    assert [e.time for e in other] == sorted(e.time for e in other)


def test_a_year_in_two_runs_holds_the_same_forums_as_in_one(
    tmp_path: Path, year: tuple[Path, dict[str, Any], list[Event], Sessions]
) -> None:
    _, _, _, whole = year
    home = tmp_path / "two-runs"
    first = run(home, Period(date(2024, 10, 1), date(2025, 3, 15)))
    second = run(home, FY_2568)
    assert second["continued_after"] == "2025-03-15" and second["first_day"] == "2025-03-16"
    assert first["forums"] + second["forums"] == 9
    split = fold_sessions(events(home))
    assert sorted((f.community, f.date, f.total) for f in split.forums.values()) == sorted(
        (f.community, f.date, f.total) for f in whole.forums.values()
    )
    assert verify_log(log_dir(home)).ok


def test_a_real_home_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    home = tmp_path / "real"
    load_or_create_device(home)
    before = files(home)
    with pytest.raises(SimulationRefused) as caught:
        run(home)
    assert caught.value.code == "real_device" and "is a real device, not a demo device" in caught.value.en
    assert files(home) == before


def test_a_period_without_a_forum_or_staff_survey_says_so_and_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    with pytest.raises(SimulationRefused) as caught:
        run(home, Period(date(2024, 12, 2), date(2024, 12, 20)))
    assert caught.value.code == "no_session" and "holds no community forum" in caught.value.en
    assert "ไม่มีเวทีประชาคม" in caught.value.th
    assert files(home) == {}
