"""``prongsai report``: the year-end report from this home's central store and plan; ``report check``."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from prongsai.commands._office import settings_of
from prongsai.context import CliContext, get

if TYPE_CHECKING:
    from sync.central import CentralStore

STEPS = ("read", "integrity", "targets", "json", "html", "pdf", "xlsx", "csv")
STEP_TH = {
    "read": "อ่านคลังข้อมูลกลาง",
    "integrity": "ตรวจความถูกต้องของข้อมูล",
    "targets": "คำนวณตัวชี้วัด",
    "json": "report.json",
    "html": "report.html",
    "pdf": "report.pdf",
    "xlsx": "report.xlsx",
    "csv": "tables/*.csv",
}


@click.group(invoke_without_command=True)
@click.option(
    "--fy",
    type=click.IntRange(2500, 2700),
    default=None,
    help="Fiscal year (B.E.), e.g. 2568; default: the plan's.",
)
@click.option(
    "--round",
    "round_",
    type=click.Choice(["6m", "12m"]),
    default=None,
    help="6m: the first half of the fiscal year (1 Oct – 31 Mar), the integrity assessment's round.",
)
@click.option(
    "--from",
    "date_from",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First day (YYYY-MM-DD, C.E.).",
)
@click.option(
    "--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day (YYYY-MM-DD, C.E.)."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder to write into (default ./report-<fy>).",
)
@click.option("--json", "as_json", is_flag=True, help="Also print report.json.")
@click.option(
    "--edition",
    type=click.Choice(["public", "staff"]),
    default="public",
    show_default=True,
    help="public: cells under 5 responses suppressed, no free text; staff: with the suggestions.",
)
@click.option(
    "--include-demo", is_flag=True, help="Count demo devices' simulated data too (the report says so)."
)
@click.option(
    "--figures",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="YAML file of figures entered by hand (the report writes a template: figures-template.yaml).",
)
@click.pass_context
def report(
    ctx: click.Context,
    fy: int | None,
    round_: str | None,
    date_from: Any,
    date_to: Any,
    out: Path | None,
    as_json: bool,
    edition: str,
    include_demo: bool,
    figures: Path | None,
) -> None:
    """The year-end report: every project of the plan, every target, met or not, with the numbers, their
    uncertainty and the integrity checks; written as report.html, report.pdf, report.xlsx, tables/*.csv
    and report.json. `prongsai report check DIR` derives it again and compares."""
    if ctx.invoked_subcommand is not None:
        return
    from analysis.figures import read_figures, template, unknown_targets
    from analysis.period import PeriodError, days_period, fiscal_period
    from analysis.report import ReportOptions, build_report, report_json, write_report
    from surveys.content.datafile import DataFileError

    cli = get(ctx)
    plan = _plan(cli)
    try:
        if date_from is not None or date_to is not None:
            if date_from is None or date_to is None or fy is not None or round_ is not None:
                raise click.UsageError(
                    cli.t(
                        "ใช้ --from คู่กับ --to (และไม่ใช้ร่วมกับ --fy/--round)",
                        "give --from with --to (and neither with --fy/--round)",
                    )
                )
            period = days_period(date_from.date(), date_to.date())
        else:
            period = fiscal_period(fy or plan.fiscal_year, round_)
    except PeriodError as exc:
        raise click.UsageError(cli.t(exc.th, exc.en)) from None
    chosen: dict[str, Any] = {}
    if figures is not None:
        try:
            chosen = read_figures(figures, cli.lang)
        except DataFileError as exc:
            raise click.ClickException(str(exc)) from None
        unknown = unknown_targets(chosen, plan)
        if unknown:
            raise click.ClickException(
                cli.t(
                    f"{figures}: ไม่มีตัวชี้วัดรหัส {', '.join(unknown)} ในแผน (ดู figures-template.yaml)",
                    f"{figures}: the plan has no target {', '.join(unknown)} (see figures-template.yaml)",
                )
            )
    folder = out or Path.cwd() / f"report-{period.fy or plan.fiscal_year}"
    options = ReportOptions(period, edition, include_demo, chosen, figures.name if figures else None)
    store = _store(cli)
    with store, _progress(cli) as step:
        data = build_report(store, plan, settings_of(cli), _instruments(cli), options, step)
        written = write_report(data, folder, step, lang=cli.lang)
    (folder / "figures-template.yaml").write_text(template(plan), encoding="utf-8")
    if as_json:
        click.echo(report_json(data), nl=False)
        return
    _summary(cli, data, folder, written)


@report.command("check")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def check(ctx: click.Context, folder: Path, as_json: bool) -> None:
    """Derive the report in FOLDER again from this home's central store and say whether every number and
    the digest of the events used match. Exit 1 when anything differs."""
    from analysis.report import check_report

    cli = get(ctx)
    if not (folder / "report.json").is_file():
        raise click.ClickException(
            cli.t(
                f"ไม่มี report.json ใน {folder}: ระบุโฟลเดอร์ที่ prongsai report เขียนรายงานไว้",
                f"there is no report.json in {folder}: give the folder prongsai report wrote",
            )
        )
    with _store(cli) as store:
        try:
            result = check_report(folder, store, _plan(cli), settings_of(cli), _instruments(cli))
        except (OSError, ValueError, KeyError) as exc:
            raise click.ClickException(
                cli.t(f"อ่านรายงานใน {folder} ไม่ได้: {exc}", f"can't read the report in {folder}: {exc}")
            ) from None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": result.ok,
                    "digest_ok": result.digest_ok,
                    "digest": result.digest,
                    "stored_digest": result.stored_digest,
                    "differences": result.differences,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif result.ok:
        click.echo(
            cli.t(
                f"✓ ตัวเลขทุกตัวและ digest ของเหตุการณ์ที่ใช้ตรงกับคลังข้อมูลกลาง ({result.digest})",
                f"✓ every number and the digest of the events used match the central store ({result.digest})",
            )
        )
    else:
        click.echo(cli.t("✗ รายงานไม่ตรงกับคลังข้อมูลกลาง:", "✗ the report does not match the central store:"))
        if not result.digest_ok:
            click.echo(
                cli.t(
                    f"  digest ของเหตุการณ์: ในรายงาน {result.stored_digest} แต่คลังให้ {result.digest}",
                    f"  digest of the events: the report says {result.stored_digest}, "
                    f"the store gives {result.digest}",
                )
            )
        for line in result.differences[:50]:
            click.echo(f"  - {line}")
        if len(result.differences) > 50:
            click.echo(
                cli.t(
                    f"  … และอีก {len(result.differences) - 50} จุด",
                    f"  … and {len(result.differences) - 50} more",
                )
            )
    sys.exit(0 if result.ok else 1)


def _plan(cli: CliContext) -> Any:
    from surveys.content.datafile import DataFileError
    from surveys.content.plan import builtin_plan_path, home_plan_path, load_plan

    own = home_plan_path(cli.home)
    path = own if own.exists() else builtin_plan_path()
    try:
        return load_plan(path, known_instruments=set(_instruments(cli)), lang=cli.lang)
    except DataFileError as exc:
        raise click.ClickException(str(exc)) from None


def _instruments(cli: CliContext) -> dict[str, Any]:
    from surveys.content.datafile import DataFileError
    from surveys.content.instruments import instruments_of

    try:
        return instruments_of(cli.home, cli.lang)
    except DataFileError as exc:
        raise click.ClickException(str(exc)) from None


def _store(cli: CliContext) -> CentralStore:
    from sync.central import FILE_NAME, CentralError, CentralStore

    if not (cli.home / FILE_NAME).exists():
        raise click.ClickException(
            cli.t(
                f"ไม่มีคลังข้อมูลกลางใน {cli.home}: นำเข้าชุดข้อมูลจากอุปกรณ์ก่อน (prongsai sync import หรือ sync serve)",
                f"there is no central store in {cli.home}: import the devices' bundles first "
                "(prongsai sync import, or sync serve)",
            )
        )
    try:
        return CentralStore.open(cli.home)
    except (CentralError, OSError, sqlite3.Error) as exc:
        raise click.ClickException(
            cli.t(
                f"เปิดคลังข้อมูลกลางใน {cli.home} ไม่ได้: {exc}",
                f"can't open the central store in {cli.home}: {exc}",
            )
        ) from None


class _progress:
    """A progress bar on stderr over the report's steps."""

    def __init__(self, cli: CliContext) -> None:
        self.cli = cli
        self.bar: Any = None

    def __enter__(self) -> Any:
        self.bar = click.progressbar(
            length=len(STEPS),
            label=self.cli.t("กำลังทำรายงาน", "making the report"),
            file=sys.stderr,
            item_show_func=lambda s: s,
        )
        self.bar.__enter__()

        def step(name: str) -> None:
            if name in STEPS:
                self.bar.update(1, STEP_TH[name] if self.cli.lang == "th" else name)

        return step

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)


VERDICT_TH = {"met": "บรรลุ", "not_met": "ไม่บรรลุ", "inconclusive": "ยังสรุปไม่ได้", "no_data": "ไม่มีข้อมูล"}


def _summary(cli: CliContext, data: dict[str, Any], folder: Path, written: list[Path]) -> None:
    counts: dict[str, int] = {}
    for project in data["projects"]:
        for target in project["targets"]:
            counts[target["verdict"]] = counts.get(target["verdict"], 0) + 1
    words = " · ".join(
        f"{VERDICT_TH[v] if cli.lang == 'th' else v.replace('_', ' ')} {counts[v]}"
        for v in ("met", "not_met", "inconclusive", "no_data")
        if v in counts
    )
    click.echo(
        cli.t(
            f"✓ เขียนรายงาน {data['period']['label_th']} ลงใน {folder}",
            f"✓ wrote the report for {data['period']['label_en']} into {folder}",
        )
    )
    click.echo(cli.t(f"  ตัวชี้วัด: {words}", f"  targets: {words}"))
    for warning in data["warnings"]:
        click.echo(f"  ! {warning['th'] if cli.lang == 'th' else warning['en']}")
    for path in written:
        if path.parent == folder:
            click.echo(f"  {path}")
    click.echo(f"  {folder / 'tables'}/ (CSV)")
    click.echo(
        cli.t(
            f"  แม่แบบตัวเลขที่กรอกเอง: {folder / 'figures-template.yaml'}",
            f"  template of figures entered by hand: {folder / 'figures-template.yaml'}",
        )
    )
