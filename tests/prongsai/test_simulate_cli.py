"""`prongsai simulate`: a demo home only, one way to give the days, and refusals that write nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from prongsai.cli import cli
from surveys.log.device import load_device

FY_2568 = ("--fy", "2568")  # 1 Oct 2024 – 30 Sep 2025, long past


def run(home: Path, *args: str, lang: str = "en") -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), "--lang", lang, *args])
    return result.exit_code, result.output


def files(home: Path) -> dict[str, bytes]:
    if not home.exists():
        return {}
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def summary(out: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(out[out.index("{") :])
    return data


def test_a_new_home_becomes_a_demo_home(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    code, out = run(home, "simulate", "--from", "2025-01-06", "--to", "2025-01-10", "--per-day", "20")
    assert code == 0, out
    assert "made the demo home" in out and "Simulated 5 working days (2025-01-06 to 2025-01-10)" in out
    assert load_device(home).demo
    code, out = run(home, "device", "show")
    assert code == 0 and "demo device" in out
    code, out = run(home, "device", "show", "--json")
    assert json.loads(out)["demo"] is True


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_home_with_a_real_device_is_refused_and_left_alone(tmp_path: Path, lang: str) -> None:
    home = tmp_path / "real"
    assert run(home, "device", "show")[0] == 0  # the home's device: a real one
    before = files(home)
    code, out = run(home, "simulate", "--days", "30", lang=lang)
    assert code == 1
    assert ("อุปกรณ์จริง" if lang == "th" else "is a real device, not a demo device") in out
    assert "Traceback" not in out
    assert files(home) == before and not (home / "log").exists()


def test_a_second_run_continues_then_refuses_days_it_holds(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    assert run(home, "simulate", "--from", "2025-01-06", "--to", "2025-01-10", "--per-day", "20")[0] == 0
    code, out = run(
        home, "simulate", "--from", "2025-01-06", "--to", "2025-01-17", "--per-day", "20", "--json"
    )
    assert code == 0, out
    report = summary(out)
    assert (report["continued_after"], report["first_day"], report["days"]) == ("2025-01-10", "2025-01-11", 5)
    before = files(home)
    code, out = run(home, "simulate", "--from", "2025-01-13", "--to", "2025-01-17")
    assert code == 1 and "already covers the days up to 2025-01-17" in out
    assert files(home) == before


def test_a_period_without_a_working_day_says_so_and_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    code, out = run(home, "simulate", "--from", "2025-01-11", "--to", "2025-01-12", lang="th")
    assert code == 1 and "ไม่มีวันทำการ" in out
    assert not home.exists() or files(home) == {}


def test_a_whole_fiscal_year(tmp_path: Path) -> None:
    code, out = run(tmp_path / "demo", "simulate", *FY_2568, "--per-day", "1", "--json")
    assert code == 0, out
    report = summary(out)
    assert (report["first_day"], report["last_day"], report["days"]) == ("2024-10-01", "2025-09-30", 261)


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--days", "7", *FY_2568),
        ("--days", "7", "--from", "2025-01-06", "--to", "2025-01-10"),
        ("--from", "2025-01-06"),
    ],
)
def test_exactly_one_way_to_give_the_days(tmp_path: Path, args: tuple[str, ...]) -> None:
    code, out = run(tmp_path / "demo", "simulate", *args)
    assert code == 2 and "give exactly one of" in out
    assert not (tmp_path / "demo").exists()


def test_a_buddhist_era_day_gets_the_common_era_day_to_use(tmp_path: Path) -> None:
    code, out = run(tmp_path / "demo", "simulate", "--from", "2568-10-01", "--to", "2569-09-30")
    assert code == 1 and "give the C.E. day: --from 2025-10-01" in out
    code, out = run(tmp_path / "demo", "simulate", "--from", "1/10/2025", "--to", "2025-10-31")
    assert code == 1 and "YYYY-MM-DD" in out


def test_a_period_reaching_the_future_is_refused(tmp_path: Path) -> None:
    future = (date.today() + timedelta(days=400)).isoformat()
    code, out = run(tmp_path / "demo", "simulate", "--from", "2025-01-06", "--to", future)
    assert code == 1 and "ends yesterday" in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--from", "0001-01-01", "--to", "0001-01-10"), "starts on 2000-01-01 or later"),
        (("--from", "1999-12-30", "--to", "2000-01-05"), "starts on 2000-01-01 or later"),
        (("--from", "2025-03-10", "--to", "2025-03-01"), "is before the first"),
        (("--fy", "2400"), "2543<=x<=2800"),
    ],
)
def test_a_period_out_of_any_sense_is_refused_before_anything_is_written(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    code, out = run(tmp_path / "demo", "simulate", *args)
    assert code in (1, 2) and said in out and "Traceback" not in out
    assert not (tmp_path / "demo").exists()


def test_the_central_store_lists_a_demo_device_as_demo(tmp_path: Path) -> None:
    home, central = tmp_path / "demo", tmp_path / "central"
    assert run(home, "simulate", "--from", "2025-01-06", "--to", "2025-01-10", "--per-day", "5")[0] == 0
    enrol_file = tmp_path / "demo.enrol.json"
    code, out = run(home, "device", "export", "--out", str(enrol_file), "--no-qr")
    assert code == 0 and "demo device: simulated data only" in out
    assert run(central, "device", "enrol", str(enrol_file))[0] == 0
    code, out = run(central, "device", "list")
    assert code == 0 and "demo (not counted in reports)" in out and "1 demo" in out
    code, out = run(central, "device", "list", lang="th")
    assert "สาธิต (ไม่นับในรายงาน)" in out and "ลงทะเบียนเป็นอุปกรณ์สาธิต" in out
    code, out = run(central, "device", "list", "--json")
    assert json.loads(out)[0]["demo"] is True


def test_simulate_fills_a_log_that_verifies(tmp_path: Path) -> None:
    code, out = run(tmp_path, "simulate", "--days", "7", "--per-day", "60", "--json")
    assert code == 0, out
    report = json.loads(out[out.index("{") :])
    assert report["tickets"] > 100 and report["ratings"] > 10 and report["out_of_order"] >= 0
    code, out = run(tmp_path, "verify")
    assert code == 0 and "chain whole" in out


# -- --forums: a forum laptop's year -------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["th", "en"])
def test_forums_on_a_home_with_a_real_device_are_refused_and_left_alone(tmp_path: Path, lang: str) -> None:
    home = tmp_path / "real"
    assert run(home, "device", "show")[0] == 0
    before = files(home)
    code, out = run(home, "simulate", "--forums", *FY_2568, lang=lang)
    assert code == 1
    assert ("อุปกรณ์จริง" if lang == "th" else "is a real device, not a demo device") in out
    assert "Traceback" not in out
    assert files(home) == before and not (home / "log").exists()


def test_forums_make_a_demo_laptop_year_that_verifies_and_enrols_as_a_laptop(tmp_path: Path) -> None:
    home, central = tmp_path / "laptop", tmp_path / "central"
    code, out = run(home, "simulate", "--forums", *FY_2568)
    assert code == 0, out
    assert "made the demo home" in out
    assert "Simulated 9 community forums and 5 staff surveys (2024-10-01 to 2025-09-30)" in out
    assert "device export --role laptop" in out
    assert load_device(home).demo
    code, out = run(home, "verify")
    assert code == 0 and "chain whole" in out
    enrol_file = tmp_path / "laptop.enrol.json"
    code, out = run(home, "device", "export", "--role", "laptop", "--out", str(enrol_file), "--no-qr")
    assert code == 0 and "demo device: simulated data only" in out
    assert run(central, "device", "enrol", str(enrol_file))[0] == 0
    code, out = run(central, "device", "list", "--json")
    assert [(d["role"], d["demo"]) for d in json.loads(out)] == [("laptop", True)]


def test_forums_in_thai_continue_a_year_and_give_json(tmp_path: Path) -> None:
    home = tmp_path / "laptop"
    code, out = run(home, "simulate", "--forums", "--from", "2024-10-01", "--to", "2025-03-15", lang="th")
    assert code == 0 and "จำลองเวทีประชาคม" in out and "การสำรวจบุคลากร" in out
    code, out = run(home, "simulate", "--forums", *FY_2568, "--json")
    assert code == 0, out
    report = summary(out)
    assert (report["continued_after"], report["first_day"]) == ("2025-03-15", "2025-03-16")
    assert 0 < int(str(report["forums"])) < 9


def test_forums_without_a_forum_or_survey_in_the_period_say_so(tmp_path: Path) -> None:
    code, out = run(tmp_path / "laptop", "simulate", "--forums", "--from", "2024-12-02", "--to", "2024-12-20")
    assert code == 1 and "holds no community forum (held February to April)" in out
    assert not (tmp_path / "laptop").exists() or files(tmp_path / "laptop") == {}


def test_per_day_is_for_the_kiosk_only(tmp_path: Path) -> None:
    code, out = run(tmp_path / "laptop", "simulate", "--forums", *FY_2568, "--per-day", "5")
    assert code == 2 and "--per-day is for the kiosk's simulation" in out
    assert not (tmp_path / "laptop").exists()


# -- --complaints: the complaint desk's year -----------------------------------------------------------


@pytest.mark.parametrize("lang", ["th", "en"])
def test_complaints_on_a_home_with_a_real_device_are_refused_and_left_alone(
    tmp_path: Path, lang: str
) -> None:
    home = tmp_path / "real"
    assert run(home, "device", "show")[0] == 0
    before = files(home)
    code, out = run(home, "simulate", "--complaints", *FY_2568, lang=lang)
    assert code == 1
    assert ("อุปกรณ์จริง" if lang == "th" else "is a real device, not a demo device") in out
    assert "Traceback" not in out
    assert files(home) == before and not (home / "log").exists()


def test_complaints_make_a_demo_office_year_that_verifies_and_enrols_as_an_office_pc(tmp_path: Path) -> None:
    home, central = tmp_path / "office", tmp_path / "central"
    code, out = run(home, "simulate", "--complaints", *FY_2568)
    assert code == 0, out
    assert "made the demo home" in out
    # fiscal year 2568: 40 + 40 x 0.8^3 = 60.48, so 60 complaints (5 a month), and a few tips
    assert "Simulated 60 complaints and " in out and "corruption tips (2024-10-01 to 2025-09-30)" in out
    assert f"complaints reveal CODE --key {home / 'demo-officer' / 'officer.key'}" in out
    assert "device export --role office" in out
    assert load_device(home).demo and (home / "complaints-officer.pub").exists()
    code, out = run(home, "verify")
    assert code == 0 and "chain whole" in out
    enrol_file = tmp_path / "office.enrol.json"
    code, out = run(home, "device", "export", "--role", "office", "--out", str(enrol_file), "--no-qr")
    assert code == 0 and "demo device: simulated data only" in out
    assert run(central, "device", "enrol", str(enrol_file))[0] == 0
    code, out = run(central, "device", "list", "--json")
    assert [(d["role"], d["demo"]) for d in json.loads(out)] == [("office", True)]


def test_complaints_over_two_years_in_thai_say_fewer_the_second_and_give_json(tmp_path: Path) -> None:
    home = tmp_path / "office"
    code, out = run(home, "simulate", "--complaints", "--from", "2023-10-01", "--to", "2024-03-31", lang="th")
    assert code == 0 and "จำลองเรื่องร้องเรียน" in out and "เบาะแสการทุจริต" in out
    code, out = run(home, "simulate", "--complaints", "--from", "2023-10-01", "--to", "2025-09-30", "--json")
    assert code == 0, out
    report = summary(out)
    assert (report["continued_after"], report["first_day"]) == ("2024-03-31", "2024-04-01")
    years = report["by_fiscal_year"]
    assert isinstance(years, dict) and 60 + 2 <= years["2568"] <= 60 + 5  # the year's 60, and 2-5 tips


def test_complaints_cannot_go_into_a_kiosk_years_home(tmp_path: Path) -> None:
    home = tmp_path / "kiosk"
    assert run(home, "simulate", "--from", "2025-01-06", "--to", "2025-01-10", "--per-day", "5")[0] == 0
    before = files(home)
    code, out = run(home, "simulate", "--complaints", "--from", "2025-01-06", "--to", "2025-01-10")
    assert code == 1 and "already covers the days up to 2025-01-10" in out
    assert files(home) == before


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--complaints", "--forums"), "--forums and --complaints simulate different machines"),
        (
            ("--complaints", "--per-day", "5"),
            "--per-day is for the kiosk's simulation, not with --complaints",
        ),
    ],
)
def test_complaints_refuse_options_of_other_simulations(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    code, out = run(tmp_path / "office", "simulate", *args, *FY_2568)
    assert code == 2 and said in out
    assert not (tmp_path / "office").exists()
