"""A newcomer's tour (``prongsai demo``): two demo kiosks, a demo forum laptop and a demo office PC (the
complaint desk: this fiscal year and the one before, so the year-on-year change shows) simulate a past
fiscal year, carry their signed bundles to a central store, and the year-end report is written from it — the
whole path of the kit, on simulated data that says so everywhere.

It sits above the packages (it drives the office's simulation, the sync path and the analysis), so it
lives beside the command line; the command only parses options and prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analysis.period import fiscal_period
from analysis.report import ReportOptions, build_report, write_report
from kiosk.office.simulate import Period, simulate
from kiosk.office.simulate_complaints import simulate_complaints
from kiosk.office.simulate_forums import simulate_forums
from surveys.content.instruments import builtin_instruments
from surveys.content.plan import builtin_plan
from surveys.counter.settings import default_settings
from surveys.log.device import load_or_create_device
from surveys.log.home import log_dir
from sync.bundle import write_bundle
from sync.central import CentralStore
from sync.enrolment import make_enrolment

KIOSKS = (("kiosk-1", "ตู้บัตรคิว ชั้น 1", 2568), ("kiosk-2", "ตู้บัตรคิว ศูนย์ข้อมูลข่าวสาร", 2569))
LAPTOP = ("laptop-1", "แล็ปท็อปเวทีประชาคมและการสำรวจบุคลากร", 2568)  # its forums and staff surveys
OFFICE = ("office-1", "เครื่องรับเรื่องร้องเรียน สำนักปลัด", 2568)  # the complaint desk, two fiscal years
PER_DAY = 40  # tickets a day at each kiosk: enough for every table, quick on a small PC

Say = Callable[[str, str], None]


@dataclass(frozen=True)
class Tour:
    folder: Path
    central: Path
    report: Path
    kiosks: tuple[Path, ...]
    events: int
    laptop: Path
    office: Path


def run_tour(folder: Path, say: Say, today: date | None = None, per_day: int = PER_DAY) -> Tour:
    """Everything under ``folder`` (made if missing; a folder already holding a tour is refused by the
    simulation, which never writes into a home with other data)."""
    plan = builtin_plan()
    period = fiscal_period(plan.fiscal_year)
    settings = default_settings()
    central = folder / "central"
    bundles = folder / "bundles"
    bundles.mkdir(parents=True, exist_ok=True)
    homes: list[Path] = []
    events = 0
    with CentralStore.open(central) as store:
        for name, place, seed in KIOSKS:
            home = folder / name
            say(
                f"จำลอง {name}: ปีงบประมาณ พ.ศ. {plan.fiscal_year}",
                f"simulating {name}: fiscal year {plan.fiscal_year}",
            )
            result = simulate(
                home,
                settings,
                Period(period.start, period.end),
                seed=seed,
                per_day=per_day,
                today=today or date.today(),
            )
            events += result.events
            _carry(store, home, name, "kiosk", place, bundles, say)
            homes.append(home)
        name, place, seed = LAPTOP
        laptop = folder / name
        say(
            f"จำลอง {name}: เวทีประชาคมและการสำรวจบุคลากร ปีงบประมาณ พ.ศ. {plan.fiscal_year}",
            f"simulating {name}: community forums and staff surveys, fiscal year {plan.fiscal_year}",
        )
        forums = simulate_forums(
            laptop, settings, Period(period.start, period.end), seed=seed, today=today or date.today()
        )
        events += forums.events
        _carry(store, laptop, name, "laptop", place, bundles, say)
        name, place, seed = OFFICE
        office = folder / name
        before = fiscal_period(plan.fiscal_year - 1)
        say(
            f"จำลอง {name}: เรื่องร้องเรียนและเบาะแสการทุจริต ปีงบประมาณ พ.ศ. {plan.fiscal_year - 1} "
            f"และ {plan.fiscal_year}",
            f"simulating {name}: complaints and corruption tips, fiscal years {plan.fiscal_year - 1} "
            f"and {plan.fiscal_year}",
        )
        desk = simulate_complaints(
            office, settings, Period(before.start, period.end), seed=seed, today=today or date.today()
        )
        events += desk.events
        _carry(store, office, name, "office", place, bundles, say)
        say("ทำรายงาน (รวมข้อมูลจำลอง)", "writing the report (simulated data included)")
        options = ReportOptions(period, "staff", include_demo=True)
        data = build_report(store, plan, settings, builtin_instruments(), options)
    out = folder / f"report-{plan.fiscal_year}"
    write_report(data, out)
    return Tour(folder, central, out, tuple(homes), events, laptop, office)


def _carry(
    store: CentralStore, home: Path, name: str, role: str, place: str, bundles: Path, say: Say
) -> None:
    """Enrol the demo device of ``home`` in ``role`` and import its whole log as one signed bundle."""
    device = load_or_create_device(home, demo=True)
    store.enrol(make_enrolment(device, name, role, place))
    bundle = bundles / f"{name}.psb"
    write_bundle(device, log_dir(home), bundle, 1)
    say(f"นำเข้าชุดข้อมูลของ {name}", f"importing {name}'s bundle")
    imported = store.import_bundle(bundle)
    if not imported.ok:
        raise RuntimeError(f"the demo bundle {bundle} was refused: {imported.refused}")
