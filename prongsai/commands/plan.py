"""``prongsai plan``: show the anti-corruption plan the kit measures, and check a plan file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click
from rich.cells import cell_len

from prongsai.context import CliContext, get, pad
from surveys.content.datafile import DataFileError, Problem
from surveys.content.instruments import instruments_of
from surveys.content.plan import (
    ChannelCountTarget,
    ComplianceTarget,
    CountChangeTarget,
    DeadlineTarget,
    FrequencyTarget,
    HeadCountTarget,
    ManualTarget,
    Municipality,
    Plan,
    Project,
    SatisfactionTarget,
    Target,
    builtin_plan_path,
    home_plan_path,
    load_plan,
    plan_to_dict,
)


@click.group()
def plan() -> None:
    """The anti-corruption plan (แผนปฏิบัติการป้องกันการทุจริต): show it, check a plan file."""


@plan.command()
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A plan file to show (else plan.yaml in the home folder, else the built-in plan).",
)
@click.pass_context
def show(ctx: click.Context, as_json: bool, file: Path | None) -> None:
    """Show the plan: every project and its targets.

    Without --file, the home folder's plan.yaml is used if it exists, else the built-in plan
    (Chorakhe Hin Subdistrict Municipality, fiscal year 2568).
    """
    cli = get(ctx)
    path, origin = _choose(cli, file)
    try:
        chosen = load_plan(path, known_instruments=_known_instruments(cli), lang=cli.lang)
    except DataFileError as exc:
        click.echo(cli.t(f"ใช้แผนไม่ได้: {origin}", f"cannot use the plan: {origin}"), err=True)
        _echo_problems(exc.problems, err=True)
        ctx.exit(1)
    if as_json:
        click.echo(origin, err=True)
        click.echo(json.dumps(plan_to_dict(chosen), ensure_ascii=False, indent=2))
        return
    for line in _plan_lines(cli, chosen, origin):
        click.echo(line)


@plan.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def check(ctx: click.Context, file: Path) -> None:
    """Check a plan file: print every problem with its line, or one line of OK.

    Exits with status 1 if there is any problem.
    """
    cli = get(ctx)
    try:
        found = load_plan(file, known_instruments=_known_instruments(cli), lang=cli.lang)
    except DataFileError as exc:
        _echo_problems(list(exc.problems))
        click.echo(cli.t(f"พบปัญหา {len(exc.problems)} ข้อ", f"{len(exc.problems)} problem(s) found"))
        ctx.exit(1)
    projects, targets = len(found.projects), sum(1 for _ in found.targets())
    click.echo(
        cli.t(
            f"OK: {file} ({projects} โครงการ, {targets} ตัวชี้วัด)",
            f"OK: {file} ({projects} projects, {targets} targets)",
        )
    )


# ---------------------------------------------------------------------------------------------


def _known_instruments(cli: CliContext) -> set[str]:
    """The built-in instruments and those imported into the home (as the report knows them)."""
    try:
        return set(instruments_of(cli.home, cli.lang))
    except DataFileError as exc:
        raise click.ClickException(str(exc)) from None


def _choose(cli: CliContext, file: Path | None) -> tuple[Path, str]:
    """The plan file to use and words saying which one it is."""
    if file is not None:
        return file, cli.t(f"แผนจากไฟล์: {file}", f"plan from file: {file}")
    own = home_plan_path(cli.home)
    if own.exists():
        return own, cli.t(f"แผนจากโฟลเดอร์ข้อมูล: {own}", f"plan from the home folder: {own}")
    builtin = builtin_plan_path()
    return builtin, cli.t(
        f"แผนในตัวโปรแกรม: {builtin}\n(ถ้าจะใช้แผนของท่าน คัดลอกไฟล์นี้ไปแก้ไขที่ {own})",
        f"built-in plan: {builtin}\n(to use your own plan, copy this file to {own} and edit it)",
    )


def _echo_problems(problems: Sequence[Problem], err: bool = False) -> None:
    for problem in problems:
        click.echo(str(problem), err=err)


_KIND: dict[str, tuple[str, str]] = {
    "satisfaction": ("ความพึงพอใจ", "satisfaction"),
    "compliance": ("การปฏิบัติตาม", "compliance"),
    "head_count": ("จำนวนคน", "head count"),
    "deadline_days": ("ทันกำหนด", "deadline"),
    "frequency": ("ความถี่", "frequency"),
    "channel_count": ("จำนวนช่องทาง", "channels"),
    "count_change": ("จำนวนเพิ่ม/ลด", "count change"),
    "manual": ("ตัวเลขภายนอก", "outside figure"),
}
_SOURCE: dict[str, tuple[str, str]] = {
    "ratings": ("ประเมินหลังรับบริการ", "counter ratings"),
    "tickets": ("บัตรคิว", "queue tickets"),
    "forum": ("เวทีประชาคม", "forums"),
    "staff_survey": ("แบบสำรวจบุคลากร", "staff survey"),
    "citizen_survey": ("แบบสำรวจประชาชน", "citizen survey"),
    "complaints": ("เรื่องร้องเรียน", "complaints"),
    "tips": ("เบาะแส", "tips"),
    "manual": ("กรอกเอง", "by hand"),
}
_COUNTS: dict[str, tuple[str, str]] = {
    "forum_attendance": ("ผู้เข้าร่วมเวที", "forum attendance"),
    "citizens_served": ("ผู้รับบริการ", "citizens served"),
    "honoured": ("ผู้ได้รับการยกย่อง", "honoured"),
    "committee_members": ("กรรมการภาคประชาชน", "citizen committee members"),
    "complaints_and_tips": ("เรื่องร้องเรียนและเบาะแสจากประชาชน", "complaints and tips from citizens"),
}
_EVERY: dict[str, tuple[str, str]] = {
    "weekly": ("รายสัปดาห์", "weekly"),
    "monthly": ("รายเดือน", "monthly"),
    "quarterly": ("รายไตรมาส", "quarterly"),
    "yearly": ("รายปี", "yearly"),
}
_ACTIVITY: dict[str, tuple[str, str]] = {
    "summary_report": ("สรุปผล", "summary report"),
    "progress_meeting": ("ประชุมติดตาม", "progress meeting"),
    "forum": ("จัดเวที", "forum"),
}
_COMPARE = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}


def _pick(cli: CliContext, words: tuple[str, str]) -> str:
    return cli.t(*words)


def _num(value: float) -> str:
    return f"{value:g}"


def _goal(cli: CliContext, target: Target) -> str:
    """A target's threshold in words, e.g. ``≥ 80% (ค่าเฉลี่ยเป็นร้อยละของ 5) · service-satisfaction``."""
    if isinstance(target, SatisfactionTarget):
        how = (
            cli.t("ค่าเฉลี่ยเป็นร้อยละของ 5", "mean as % of 5")
            if target.convention == "mean_pct"
            else cli.t("ร้อยละผู้ตอบ มาก/มากที่สุด", "share answering high or very high")
        )
        item = f" [{target.item}]" if target.item else ""
        compare = _COMPARE[target.comparison]
        return f"{compare} {_num(target.threshold)}% ({how}) · {target.instrument}{item}"
    if isinstance(target, ComplianceTarget):
        where = f" · {target.instrument}" if target.instrument else ""
        return f"{_COMPARE[target.comparison]} {_num(target.threshold)}%{where}"
    if isinstance(target, HeadCountTarget):
        what = _pick(cli, _COUNTS[target.counts])
        return cli.t(f"≥ {target.threshold} คน ({what})", f"≥ {target.threshold} people ({what})")
    if isinstance(target, DeadlineTarget):
        share = (
            cli.t(f" ร้อยละ {_num(target.share)} ของเรื่อง", f", {_num(target.share)}% of cases")
            if target.share is not None
            else ""
        )
        return cli.t(f"ภายใน {target.threshold} วัน{share}", f"within {target.threshold} days{share}")
    if isinstance(target, FrequencyTarget):
        every, what = _pick(cli, _EVERY[target.every]), _pick(cli, _ACTIVITY[target.activity])
        return cli.t(
            f"{what} {every} อย่างน้อย {target.threshold} ครั้ง",
            f"{what}, {every}, at least {target.threshold}×",
        )
    if isinstance(target, ChannelCountTarget):
        plural = "" if target.threshold == 1 else "s"
        return cli.t(f"≥ {target.threshold} ช่องทาง", f"≥ {target.threshold} channel{plural}")
    if isinstance(target, CountChangeTarget):
        falls = target.direction == "decrease"
        th = ("ลดลง" if falls else "เพิ่มขึ้น") + "จากปีก่อน"
        en = ("fewer" if falls else "more") + " than the previous year"
        if target.threshold is not None:
            th += f" อย่างน้อยร้อยละ {_num(target.threshold)}"
            en += f", by at least {_num(target.threshold)}%"
        return cli.t(th, en)
    assert isinstance(target, ManualTarget)
    unit = {"percent": "%", "points": cli.t(" คะแนน", " points"), "count": ""}[target.unit]
    label = cli.t(target.label_th, target.label_en)
    return f"{label}: {_COMPARE[target.comparison]} {_num(target.threshold)}{unit}"


def _place(cli: CliContext, town: Municipality) -> str:
    if cli.lang == "th":
        parts = [
            town.name_th,
            town.district_th and f"อำเภอ{town.district_th}",
            town.province_th and f"จังหวัด{town.province_th}",
        ]
        return " ".join(p for p in parts if p)
    parts = [town.name_en, town.district_en and f"{town.district_en} district", town.province_en]
    return ", ".join(p for p in parts if p)


def _plan_lines(cli: CliContext, shown: Plan, origin: str) -> list[str]:
    place = _place(cli, shown.municipality)
    targets = [t for _, t in shown.targets()]
    lines = [
        cli.t(shown.title_th, shown.title_en),
        cli.t(f"{place} · ปีงบประมาณ {shown.fiscal_year}", f"{place} · fiscal year {shown.fiscal_year}"),
        origin,
        cli.t(
            f"{len(shown.projects)} โครงการ · {len(targets)} ตัวชี้วัด",
            f"{len(shown.projects)} projects · {len(targets)} targets",
        ),
    ]
    rows = [
        [t.id, _pick(cli, _KIND[t.kind]), _pick(cli, _SOURCE[t.measured_by]), _goal(cli, t)] for t in targets
    ]
    widths = [max((cell_len(r[i]) for r in rows), default=0) for i in range(3)]
    index = 0
    for project in shown.projects:
        lines += ["", *_project_head(cli, project, shown.fiscal_year)]
        for _ in project.targets:
            *columns, last = rows[index]
            lines.append(
                "   " + "  ".join([*(pad(c, w) for c, w in zip(columns, widths, strict=True)), last])
            )
            index += 1
    return lines


def _project_head(cli: CliContext, project: Project, fiscal_year: int) -> list[str]:
    group, owner = project.target_group, project.owner
    year = cli.t(f" · ปีงบประมาณ {project.period}", f" · fiscal year {project.period}")
    return [
        f"{project.number}. {cli.t(project.name_th, project.name_en)}",
        "   "
        + cli.t(
            f"กลุ่มเป้าหมาย: {group.description_th} · ผู้รับผิดชอบ: {owner.th}",
            f"target group: {group.description_en} · owner: {owner.en}",
        )
        + (year if project.period != fiscal_year else ""),
    ]
