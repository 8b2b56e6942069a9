"""``prongsai simulate``: a believable office in a demo home's log."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from prongsai.commands._office import settings_of
from prongsai.context import CliContext, get, log_error
from surveys.log.event import BANGKOK

if TYPE_CHECKING:
    from kiosk.office.simulate_complaints import ComplaintSimulationReport
    from kiosk.office.simulate_forums import ForumSimulationReport


def _iso_day(cli: CliContext, option: str, text: str | None) -> date | None:
    """An ISO day (YYYY-MM-DD, C.E.); a B.E. year such as 2568-10-01 is refused with the C.E. day to use."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise click.ClickException(
            cli.t(
                f"{option} {text!r} ไม่ใช่วันที่แบบ ปปปป-ดด-วว (ค.ศ.) เช่น 2025-10-01",
                f"{option} {text!r} is not a day as YYYY-MM-DD (C.E.), e.g. 2025-10-01",
            )
        ) from None
    if day.year > 2400:  # a Buddhist Era year
        ce = day.replace(year=day.year - 543).isoformat()
        raise click.ClickException(
            cli.t(
                f"{option} {text} ดูเป็นปี พ.ศ. ให้ใช้วันที่แบบ ค.ศ.: {option} {ce}",
                f"{option} {text} looks like a Buddhist Era year; give the C.E. day: {option} {ce}",
            )
        )
    return day


@click.command()
@click.option(
    "--days", type=click.IntRange(1, 3660), help="How many calendar days to simulate, ending yesterday."
)
@click.option("--from", "from_", metavar="YYYY-MM-DD", help="First day to simulate (C.E.), with --to.")
@click.option(
    "--to", "to", metavar="YYYY-MM-DD", help="Last day to simulate (C.E.), yesterday at the latest."
)
@click.option(
    "--fy",
    type=click.IntRange(2543, 2800),
    help="A whole fiscal year, B.E. (2569: 1 Oct 2025 – 30 Sep 2026), up to yesterday.",
)
@click.option(
    "--seed", type=int, default=2568, show_default=True, help="Random seed (same seed, same office)."
)
@click.option(
    "--per-day", type=click.IntRange(1, 999), default=200, show_default=True, help="Visitors per day."
)
@click.option(
    "--forums",
    is_flag=True,
    help="A forum laptop's year instead: community forums and staff surveys, no queue.",
)
@click.option(
    "--complaints",
    is_flag=True,
    help="The complaint desk's year instead: complaints and corruption tips, their steps and ratings.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def simulate(
    ctx: click.Context,
    days: int | None,
    from_: str | None,
    to: str | None,
    fy: int | None,
    seed: int,
    per_day: int,
    forums: bool,
    complaints: bool,
    as_json: bool,
) -> None:
    """Fill a demo home's log with a believable office: tickets, calls, no-shows, ratings.

    Give exactly one of --days N (the N days ending yesterday), --from/--to, or --fy. Runs only in a
    demo home: a new folder becomes one; a home with a real device is refused, nothing written. A demo
    home's events never count in a report. A second run continues after the last day the log holds.
    --forums simulates a forum laptop's year; --complaints the complaint desk's, on an office PC's demo
    home of its own (a log never takes events into days it already holds, so not into a kiosk's year).
    """
    from kiosk.office.service import OfficeError
    from kiosk.office.simulate import Period, SimulationRefused
    from kiosk.office.simulate import simulate as run
    from kiosk.office.simulate_complaints import simulate_complaints
    from kiosk.office.simulate_forums import simulate_forums
    from surveys.log.device import DeviceError
    from surveys.log.device_log import LogError

    cli = get(ctx)
    ways = sum(x is not None for x in (days, fy)) + (from_ is not None or to is not None)
    if ways != 1 or (from_ is None) != (to is None):
        raise click.UsageError(
            cli.t(
                "ให้ระบุอย่างใดอย่างหนึ่ง: --days N หรือ --from วันที่ --to วันที่ หรือ --fy ปีงบประมาณ",
                "give exactly one of: --days N, --from DAY --to DAY, or --fy YEAR",
            )
        )
    if forums and complaints:
        raise click.UsageError(
            cli.t(
                "--forums และ --complaints จำลองคนละเครื่อง ให้เลือกอย่างใดอย่างหนึ่ง (คนละโฟลเดอร์ --home)",
                "--forums and --complaints simulate different machines: give one of them "
                "(each in its own --home)",
            )
        )
    other = "--forums" if forums else "--complaints"
    if (forums or complaints) and ctx.get_parameter_source("per_day") is ParameterSource.COMMANDLINE:
        raise click.UsageError(
            cli.t(
                f"--per-day ใช้กับการจำลองตู้บัตรคิวเท่านั้น ไม่ใช้กับ {other}",
                f"--per-day is for the kiosk's simulation, not with {other}",
            )
        )
    today = datetime.now(BANGKOK).date()
    first, last = _iso_day(cli, "--from", from_), _iso_day(cli, "--to", to)
    settings = settings_of(cli)
    started = time.perf_counter()
    try:
        if days is not None:
            period = Period.last_days(days, today)
        elif fy is not None:
            period = Period.fiscal_year(fy, today)
        else:
            assert first is not None and last is not None
            period = Period(first, last)
        with contextlib.ExitStack() as stack:
            bars: list[Any] = []  # click's progress bar, made on the first step

            def step(done: int, total: int) -> None:  # the bar shows once the checks have passed
                if not bars:
                    label = cli.t("กำลังจำลอง", "Simulating")
                    bars.append(
                        stack.enter_context(click.progressbar(length=total, label=label, file=sys.stderr))
                    )
                bars[0].update(done - bars[0].pos)

            if forums:
                laptop = simulate_forums(cli.home, settings, period, seed=seed, today=today, progress=step)
            elif complaints:
                desk = simulate_complaints(cli.home, settings, period, seed=seed, today=today, progress=step)
            else:
                report = run(
                    cli.home, settings, period, seed=seed, per_day=per_day, today=today, progress=step
                )
    except (SimulationRefused, OfficeError) as exc:
        raise click.ClickException(exc.text(cli.lang)) from None
    except LogError as exc:
        raise log_error(cli, exc) from None
    except DeviceError as exc:
        raise click.ClickException(str(exc)) from None
    seconds = time.perf_counter() - started
    if forums:
        _print_forums(cli, laptop, seconds, as_json)
        return
    if complaints:
        _print_complaints(cli, desk, seconds, as_json)
        return
    if as_json:
        click.echo(
            json.dumps({**report.to_dict(), "seconds": round(seconds, 2)}, ensure_ascii=False, indent=2)
        )
        return
    if report.new_demo_home:
        click.echo(
            cli.t(
                f"สร้างโฟลเดอร์สาธิต {cli.home} (อุปกรณ์สาธิต: ข้อมูลในนี้ไม่นับในรายงาน)",
                f"made the demo home {cli.home} (a demo device: its data never counts in a report)",
            )
        )
    if report.continued_after:
        click.echo(
            cli.t(
                f"บันทึกครอบคลุมถึงวันที่ {report.continued_after} แล้ว จึงจำลองต่อจากวันถัดไป",
                f"the log already covers the days up to {report.continued_after}: "
                "continuing from the day after",
            )
        )
    if report.clipped:
        click.echo(
            cli.t("ปีงบประมาณยังไม่จบ จำลองถึงเมื่อวาน", "the fiscal year is still running: up to yesterday")
        )
    click.echo(
        cli.t(
            f"จำลอง {report.days} วันทำการ ({report.first_day} ถึง {report.last_day}) ใน {seconds:.1f} วินาที",
            f"Simulated {report.days} working days ({report.first_day} to {report.last_day}) "
            f"in {seconds:.1f} s",
        )
    )
    click.echo(
        cli.t(
            f"  บัตรคิว {report.tickets} · ให้บริการ {report.served} · ไม่มาตามเรียก {report.no_shows} · "
            f"เรียกข้ามคิว (มีเหตุผล) {report.out_of_order} · โอน {report.transfers}",
            f"  tickets {report.tickets} · served {report.served} · no-shows {report.no_shows} · "
            f"out of order (with reason) {report.out_of_order} · transfers {report.transfers}",
        )
    )
    click.echo(
        cli.t(
            f"  ประเมิน {report.ratings} · ถูกปฏิเสธ {report.refused_ratings} · "
            f"พิมพ์ไม่สำเร็จ {report.print_failures} · เหตุการณ์ {report.events}",
            f"  ratings {report.ratings} · refused {report.refused_ratings} · "
            f"failed prints {report.print_failures} · events {report.events}",
        )
    )


def _print_start(cli: CliContext, report: ForumSimulationReport | ComplaintSimulationReport) -> None:
    """The lines every simulation's summary begins with: a new demo home, a continuation, a clipped year."""
    if report.new_demo_home:
        click.echo(
            cli.t(
                f"สร้างโฟลเดอร์สาธิต {cli.home} (อุปกรณ์สาธิต: ข้อมูลในนี้ไม่นับในรายงาน)",
                f"made the demo home {cli.home} (a demo device: its data never counts in a report)",
            )
        )
    if report.continued_after:
        click.echo(
            cli.t(
                f"บันทึกครอบคลุมถึงวันที่ {report.continued_after} แล้ว จึงจำลองต่อจากวันถัดไป",
                f"the log already covers the days up to {report.continued_after}: "
                "continuing from the day after",
            )
        )
    if report.clipped:
        click.echo(
            cli.t("ปีงบประมาณยังไม่จบ จำลองถึงเมื่อวาน", "the fiscal year is still running: up to yesterday")
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _print_complaints(
    cli: CliContext, report: ComplaintSimulationReport, seconds: float, as_json: bool
) -> None:
    if as_json:
        click.echo(
            json.dumps({**report.to_dict(), "seconds": round(seconds, 2)}, ensure_ascii=False, indent=2)
        )
        return
    _print_start(cli, report)
    general = report.complaints - report.tips
    click.echo(
        cli.t(
            f"จำลองเรื่องร้องเรียน {general} เรื่อง และเบาะแสการทุจริต {report.tips} เรื่อง "
            f"({report.first_day} ถึง {report.last_day}) ใน {seconds:.1f} วินาที",
            f"Simulated {_count(general, 'complaint')} and {_count(report.tips, 'corruption tip')} "
            f"({report.first_day} to {report.last_day}) in {seconds:.1f} s",
        )
    )
    years = report.by_fiscal_year or {}
    if len(years) > 1:
        th = " · ".join(f"ปีงบประมาณ {fy}: {n}" for fy, n in sorted(years.items()))
        en = " · ".join(f"fiscal year {fy}: {n}" for fy, n in sorted(years.items()))
        click.echo(cli.t(f"  รับเรื่อง (รวมเบาะแส) {th}", f"  received (tips included) {en}"))
    click.echo(
        cli.t(
            f"  ปิดเรื่อง {report.closed} (ชี้แจงเหตุผล {report.explained}) · ปิดเรื่องเกินกำหนด {report.late} · "
            f"ยังดำเนินการอยู่ {report.still_open} · ประเมินความพึงพอใจ {report.ratings} · "
            f"ประเมินซ้ำถูกปฏิเสธ {report.refused_ratings} · เหตุการณ์ {report.events}",
            f"  closed {report.closed} (explained {report.explained}) · closed late {report.late} · "
            f"still open {report.still_open} · ratings {report.ratings} · "
            f"second ratings refused {report.refused_ratings} · events {report.events}",
        )
    )
    if report.officer_key:
        click.echo(
            cli.t(
                f"  ข้อมูลติดต่อ (สมมติ) {report.with_contact} เรื่อง ปิดผนึกด้วยกุญแจของเจ้าหน้าที่ (สาธิต): "
                f"เปิดดูได้ด้วย prongsai --home {cli.home} complaints reveal รหัส --key {report.officer_key}",
                f"  {_count(report.with_contact, '(fictional) contact')} sealed to the demo officer's key: "
                f"open one with prongsai --home {cli.home} complaints reveal CODE --key {report.officer_key}",
            )
        )
    else:
        click.echo(
            cli.t(
                f"  ข้อมูลติดต่อ (สมมติ) {report.with_contact} เรื่อง ปิดผนึกด้วยกุญแจของเจ้าหน้าที่ที่ติดตั้งไว้ในโฟลเดอร์นี้",
                f"  {_count(report.with_contact, '(fictional) contact')} sealed to the officer key installed "
                "in this home",
            )
        )
    export = f"prongsai --home {cli.home} device export --role office --out office.enrol.json"
    click.echo(cli.t(f"  ลงทะเบียนเครื่องนี้เป็นเครื่องสำนักงาน: {export}", f"  enrol it as an office PC: {export}"))


def _print_forums(cli: CliContext, report: ForumSimulationReport, seconds: float, as_json: bool) -> None:
    if as_json:
        click.echo(
            json.dumps({**report.to_dict(), "seconds": round(seconds, 2)}, ensure_ascii=False, indent=2)
        )
        return
    _print_start(cli, report)
    click.echo(
        cli.t(
            f"จำลองเวทีประชาคม {report.forums} เวที และการสำรวจบุคลากร {report.staff_surveys} ครั้ง "
            f"({report.first_day} ถึง {report.last_day}) ใน {seconds:.1f} วินาที",
            f"Simulated {report.forums} community forums and {report.staff_surveys} staff surveys "
            f"({report.first_day} to {report.last_day}) in {seconds:.1f} s",
        )
    )
    click.echo(
        cli.t(
            f"  ผู้เข้าร่วม {report.attendance} คน · แก้ไขจำนวน {report.corrections} ครั้ง · "
            f"แบบฟอร์ม {report.forms} · ยกเลิก {report.voided} · เสียงโหวต {report.votes} · "
            f"ข้อเสนอแนะ {report.suggestions}",
            f"  attendance {report.attendance} · corrections {report.corrections} · "
            f"forms {report.forms} · taken back {report.voided} · votes {report.votes} · "
            f"suggestions {report.suggestions}",
        )
    )
    click.echo(
        cli.t(
            f"  รหัสที่แจกบุคลากร {report.codes} · ตอบแล้ว {report.staff_responses} · เหตุการณ์ {report.events}",
            f"  staff codes handed out {report.codes} · answered {report.staff_responses} · "
            f"events {report.events}",
        )
    )
    export = f"prongsai --home {cli.home} device export --role laptop --out laptop.enrol.json"
    click.echo(cli.t(f"  ลงทะเบียนเครื่องนี้เป็นแล็ปท็อป: {export}", f"  enrol it as a laptop: {export}"))
