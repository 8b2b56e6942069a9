"""The simulator: only in a demo home, never into days that hold events, and a refusal writes nothing."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.office.service import LocalOffice
from kiosk.office.simulate import Period, SimulationRefused, simulate
from surveys.counter.settings import default_settings
from surveys.log.device import (
    DEMO_EVENT_KIND,
    IDENTITY_FILE,
    SIMULATED_PRINTER,
    load_device,
    load_or_create_device,
)
from surveys.log.device_log import read_events
from surveys.log.event import BANGKOK, Event
from surveys.log.home import log_dir

MONDAY = date(2025, 3, 10)  # "today" in these tests: a Monday


def run(home: Path, period: Period, today: date = MONDAY, per_day: int = 20) -> dict[str, object]:
    return simulate(home, default_settings(), period, today=today, per_day=per_day).to_dict()


def events(home: Path) -> list[Event]:
    return list(read_events(log_dir(home)))


def files(home: Path) -> dict[str, bytes]:
    """Every file under ``home`` and its bytes: what a refusal must leave as it was."""
    if not home.exists():
        return {}
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def refused(home: Path, period: Period, code: str, today: date = MONDAY) -> SimulationRefused:
    before = files(home)
    with pytest.raises(SimulationRefused) as caught:
        run(home, period, today)
    assert caught.value.code == code
    assert files(home) == before  # nothing written
    return caught.value


def real_kiosk_ticket(home: Path, when: datetime) -> None:
    office = LocalOffice(home, default_settings(), clock=lambda: when)
    try:
        reservation = office.reserve_ticket("registration")
        office.confirm_ticket(reservation.ticket, "usb:0416:5011")
    finally:
        office.close()


# -- demo homes --------------------------------------------------------------------------------------


def test_a_new_home_becomes_a_demo_home_and_its_data_is_marked(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    report = run(home, Period.last_days(7, MONDAY))
    assert report["new_demo_home"] is True and report["days"] == 5
    assert load_device(home).demo is True
    assert json.loads((home / IDENTITY_FILE).read_text())["demo"] is True
    log = events(home)
    assert log[0].kind == DEMO_EVENT_KIND
    assert log[0].body["first_day"] == "2025-03-03" and log[0].body["last_day"] == "2025-03-09"
    printers = {e.body["printer"] for e in log if e.kind in ("ticket.issued", "ticket.print_failed")}
    assert printers == {SIMULATED_PRINTER}


def test_a_home_with_a_real_device_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    home = tmp_path / "real"
    load_or_create_device(home)
    error = refused(home, Period.last_days(7, MONDAY), "real_device")
    assert "real device" in error.en and "อุปกรณ์จริง" in error.th
    real_kiosk_ticket(home, datetime(2025, 3, 10, 9, 0, tzinfo=BANGKOK))
    refused(home, Period.last_days(7, MONDAY), "real_device")  # with a log as well
    assert load_device(home).demo is False


def test_a_real_home_flagged_demo_by_hand_is_still_refused(tmp_path: Path) -> None:
    home = tmp_path / "real"
    real_kiosk_ticket(home, datetime(2025, 3, 3, 9, 0, tzinfo=BANGKOK))
    record = json.loads((home / IDENTITY_FILE).read_text())
    (home / IDENTITY_FILE).write_text(json.dumps({**record, "demo": True}))
    error = refused(home, Period.last_days(7, MONDAY + timedelta(days=7)), "real_events")
    assert "no simulation wrote" in error.en


def test_a_demo_home_used_by_a_kiosk_is_refused_afterwards(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    run(home, Period.last_days(7, MONDAY))
    real_kiosk_ticket(home, datetime(2025, 3, 10, 9, 0, tzinfo=BANGKOK))  # someone tries the kiosk
    refused(home, Period.last_days(3, MONDAY + timedelta(days=3)), "real_events", MONDAY + timedelta(days=3))


def test_a_log_without_a_device_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    run(home, Period.last_days(7, MONDAY))
    (home / IDENTITY_FILE).unlink()
    refused(home, Period.last_days(3, MONDAY + timedelta(days=3)), "orphan_log", MONDAY + timedelta(days=3))


# -- periods -----------------------------------------------------------------------------------------


def test_a_second_run_continues_after_the_last_simulated_day(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    run(home, Period.last_days(7, MONDAY))  # 3–9 March
    later = MONDAY + timedelta(days=7)  # a week on: the last 10 days overlap the first run
    report = run(home, Period.last_days(10, later), later)
    assert report["continued_after"] == "2025-03-09"
    assert (report["first_day"], report["last_day"]) == ("2025-03-10", "2025-03-16")
    times = [e.time for e in events(home)]
    assert times == sorted(times)  # never back in time
    assert [e.body["first_day"] for e in events(home) if e.kind == DEMO_EVENT_KIND] == [
        "2025-03-03",
        "2025-03-10",
    ]


def test_a_later_period_after_a_gap_is_not_said_to_continue(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    run(home, Period.last_days(7, MONDAY))  # 3–9 March
    later = MONDAY + timedelta(days=28)
    report = run(home, Period.last_days(7, later), later)
    assert (report["first_day"], report["continued_after"]) == ("2025-03-31", "")


def test_a_period_within_or_before_the_simulated_days_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    run(home, Period.last_days(7, MONDAY))
    error = refused(home, Period.last_days(7, MONDAY), "already_simulated")
    assert "2025-03-09" in error.en and "2025-03-09" in error.th
    refused(home, Period(date(2025, 1, 6), date(2025, 1, 10)), "already_simulated")


@pytest.mark.parametrize(
    ("period", "today"),
    [
        (Period.last_days(1, MONDAY), MONDAY),  # --days 1 on a Monday: yesterday was a Sunday
        (Period.last_days(2, MONDAY), MONDAY),  # --days 2 on a Monday: the weekend
        (Period(date(2025, 3, 8), date(2025, 3, 9)), MONDAY),
    ],
)
def test_a_period_without_a_working_day_says_so(tmp_path: Path, period: Period, today: date) -> None:
    error = refused(tmp_path / "demo", period, "no_working_day", today)
    assert "no working day" in error.en and "ไม่มีวันทำการ" in error.th
    assert not (tmp_path / "demo").exists()


def test_a_period_reaching_today_is_refused(tmp_path: Path) -> None:
    refused(tmp_path / "demo", Period(date(2025, 3, 3), MONDAY), "future")
    with pytest.raises(SimulationRefused) as backwards:  # refused as soon as it is asked for
        Period(date(2025, 3, 7), date(2025, 3, 3))
    assert backwards.value.code == "bad_period"


def test_a_fiscal_year_is_october_to_september_and_stops_at_yesterday() -> None:
    today = date(2026, 11, 30)
    assert Period.fiscal_year(2569, today) == Period(date(2025, 10, 1), date(2026, 9, 30))
    assert Period.fiscal_year(2570, today) == Period(date(2026, 10, 1), date(2026, 11, 29), clipped=True)
    with pytest.raises(SimulationRefused, match="Buddhist Era"):
        Period.fiscal_year(2026, today)


def test_a_whole_fiscal_year_is_simulated(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    report = run(home, Period.fiscal_year(2568, MONDAY), per_day=2)
    assert (report["first_day"], report["last_day"]) == ("2024-10-01", "2025-03-09")
    assert report["clipped"] is True and report["days"] == 114


# -- the office's rules ------------------------------------------------------------------------------


def test_a_no_show_is_recalled_first_and_marked_at_least_two_and_a_half_minutes_after_the_call(
    tmp_path: Path,
) -> None:
    home = tmp_path / "demo"
    report = run(home, Period.last_days(14, MONDAY), per_day=80)
    assert report["no_shows"] > 0
    called: dict[str, datetime] = {}
    recalled: dict[str, datetime] = {}
    checked = 0
    for event in events(home):
        ticket = str(event.body.get("ticket"))
        if event.kind == "ticket.called":
            called[ticket] = event.time
            recalled.pop(ticket, None)
        elif event.kind == "ticket.recalled":
            recalled[ticket] = event.time
        elif event.kind == "ticket.no_show":
            assert called[ticket] < recalled[ticket] < event.time
            assert event.time - called[ticket] >= timedelta(minutes=2, seconds=30)
            checked += 1
    assert checked == report["no_shows"]


def test_the_default_home_is_never_made_a_demo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "default"
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *args, **kwargs: str(home))
    error = refused(home, Period.last_days(7, MONDAY), "default_home")
    assert "--home" in error.en and "--home" in error.th
    assert not home.exists()


def test_the_simulated_no_shows_follow_the_settings_rule(tmp_path: Path) -> None:
    """An office that asks for two recalls and ten minutes still simulates (it used to crash half-way)."""
    home = tmp_path / "demo"
    settings = default_settings().model_copy(update={"no_show_recalls": 2, "no_show_wait_seconds": 600})
    report = simulate(home, settings, Period.last_days(14, MONDAY), today=MONDAY, per_day=80).to_dict()
    assert report["no_shows"] > 0
    called: dict[str, datetime] = {}
    recalls: dict[str, int] = {}
    for event in events(home):
        ticket = str(event.body.get("ticket"))
        if event.kind == "ticket.called":
            called[ticket], recalls[ticket] = event.time, 0
        elif event.kind == "ticket.recalled":
            recalls[ticket] += 1
        elif event.kind == "ticket.no_show":
            assert recalls[ticket] >= 2 and event.time - called[ticket] >= timedelta(minutes=10)
