"""``prongsai instruments``: the survey instruments that ship with prongsai and those imported into the
home (from XLSForm), checking your own, and XLSForm import/export."""

from __future__ import annotations

import json
from pathlib import Path

import click

from prongsai.context import CliContext, get
from surveys.content.datafile import DataFileError
from surveys.content.instruments import (
    BUILTIN_IDS,
    LIKERT5,
    Instrument,
    InstrumentClashError,
    Item,
    check_instrument,
    home_instruments_folder,
    instrument_to_dict,
    instruments_of,
    load_instrument,
    save_instrument,
)


@click.group()
def instruments() -> None:
    """Survey instruments (questionnaires): list, show, check a file, import/export XLSForm."""


@instruments.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List the built-in instruments and those imported into this home, with their plan projects."""
    cli = get(ctx)
    found = _all(cli)
    if as_json:
        rows = [
            {
                "id": i.id,
                "version": i.version,
                "title_th": i.title_th,
                "title_en": i.title_en,
                "audience": i.audience,
                "anonymous": i.anonymous,
                "projects": list(i.projects),
                "items": len(i.all_items()),
                "builtin": i.id in BUILTIN_IDS,
            }
            for i in found.values()
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for i in found.values():
        projects = ", ".join(str(p) for p in i.projects)
        who = _audience(cli, i)
        count = len(i.all_items())
        imported = "" if i.id in BUILTIN_IDS else cli.t(" (นำเข้า)", " (imported)")
        click.echo(f"{i.id:<24} {i.title(cli.lang)}{imported}")
        click.echo(
            "  "
            + cli.t(
                f"{who} · {count} ข้อ · โครงการที่ {projects}",
                f"{who} · {count} items · plan projects {projects}",
            )
        )


@instruments.command("show")
@click.argument("instrument_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, instrument_id: str, as_json: bool) -> None:
    """Show one instrument: the ID of a built-in or imported one, or the path of an instrument file."""
    cli = get(ctx)
    instrument = _find(cli, instrument_id)
    if as_json:
        click.echo(json.dumps(instrument_to_dict(instrument), ensure_ascii=False, indent=2))
        return
    th = cli.lang == "th"
    click.echo(f"{instrument.title(cli.lang)} ({instrument.id}, v{instrument.version})")
    projects = ", ".join(str(p) for p in instrument.projects)
    click.echo(
        cli.t(
            f"{_audience(cli, instrument)} · โครงการที่ {projects}",
            f"{_audience(cli, instrument)} · plan projects {projects}",
        )
    )
    click.echo()
    click.echo(instrument.intro_th if th else instrument.intro_en)
    if any(item.type == "likert5" for item in instrument.all_items()):
        scale = " / ".join(f"{p.label_th if th else p.label_en} ({p.value})" for p in LIKERT5)
        click.echo()
        click.echo(cli.t(f"มาตรวัด likert5: {scale}", f"likert5 scale: {scale}"))
    number = 0
    for section in instrument.sections:
        click.echo()
        click.echo(f"[{section.id}] {section.title_th if th else section.title_en}")
        for item in section.items:
            number += 1
            click.echo(f"  {number}. {item.id} ({_flags(cli, item)})")
            click.echo(f"     {item.label_th if th else item.label_en}")
            if item.relevant is not None:
                click.echo(cli.t(f"     (ถามเมื่อ {item.relevant})", f"     (asked when {item.relevant})"))
            for choice in item.choices or ():
                click.echo(f"       - {choice.value}: {choice.label_th if th else choice.label_en}")


@instruments.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def check(ctx: click.Context, file: Path) -> None:
    """Check an instrument file; print every problem with its line, or say it is good to use."""
    cli = get(ctx)
    problems = check_instrument(file, cli.lang)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.exceptions.Exit(1)
    instrument = load_instrument(file, cli.lang)
    count = len(instrument.all_items())
    click.echo(
        cli.t(
            f"{file}: ใช้ได้ ({instrument.id}, {count} ข้อ)",
            f"{file}: OK ({instrument.id}, {count} items)",
        )
    )


@instruments.command("import-xlsform")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--project",
    "projects",
    type=click.IntRange(min=1),
    multiple=True,
    help="A plan project (ลำดับที่) this instrument measures; repeat for several.",
)
@click.option("--replace", is_flag=True, help="Replace an instrument imported before with the same id.")
@click.pass_context
def import_xlsform(ctx: click.Context, file: Path, projects: tuple[int, ...], replace: bool) -> None:
    """Turn an XLSForm (.xlsx, e.g. from KoboToolbox) into an instrument of this home."""
    from surveys.content.xlsform import XLSFormError, read_xlsform

    cli = get(ctx)
    try:
        instrument = read_xlsform(file, projects)
        path = save_instrument(instrument, cli.home, replace=replace)
    except (XLSFormError, InstrumentClashError) as exc:
        raise click.ClickException(
            cli.t(f"นำเข้า {file.name} ไม่ได้: {exc.th}", f"cannot import {file.name}: {exc.en}")
        ) from None
    except OSError as exc:
        raise click.ClickException(
            cli.t(f"บันทึกแบบสอบถามไม่ได้: {exc}", f"cannot save the instrument: {exc}")
        ) from None
    count = len(instrument.all_items())
    linked = ", ".join(str(p) for p in instrument.projects) or cli.t("ยังไม่ผูก", "none yet")
    click.echo(
        cli.t(
            f"นำเข้าแล้ว: {instrument.id} ({instrument.title_th}) {count} ข้อ, "
            f"{len(instrument.sections)} ส่วน, โครงการที่ {linked} → {path}",
            f"imported: {instrument.id} ({instrument.title_en}), {count} items, "
            f"{len(instrument.sections)} sections, plan projects {linked} → {path}",
        )
    )


@instruments.command("export-xlsform")
@click.argument("instrument_id", metavar="ID")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="The .xlsx file to write."
)
@click.pass_context
def export_xlsform(ctx: click.Context, instrument_id: str, out: Path) -> None:
    """Write an instrument (built-in or imported) as an XLSForm for KoboToolbox or ODK."""
    from surveys.content.xlsform import write_xlsform

    cli = get(ctx)
    if out.suffix.lower() != ".xlsx":
        raise click.UsageError(cli.t(f"--out ต้องลงท้ายด้วย .xlsx: {out}", f"--out must end in .xlsx: {out}"))
    instrument = _find(cli, instrument_id)
    try:
        write_xlsform(instrument, out)
    except OSError as exc:
        raise click.ClickException(cli.t(f"เขียน {out} ไม่ได้: {exc}", f"cannot write {out}: {exc}")) from None
    click.echo(
        cli.t(
            f"เขียนแบบฟอร์ม XLSForm ของ {instrument.id} แล้ว: {out}",
            f"wrote the XLSForm of {instrument.id}: {out}",
        )
    )


def _all(cli: CliContext) -> dict[str, Instrument]:
    try:
        return instruments_of(cli.home, cli.lang)
    except DataFileError as exc:
        folder = home_instruments_folder(cli.home)
        raise click.ClickException(
            cli.t(
                f"แบบสอบถามที่นำเข้าไว้ใน {folder} มีปัญหา:\n{exc}",
                f"an instrument imported into {folder} has a problem:\n{exc}",
            )
        ) from None


def _find(cli: CliContext, name: str) -> Instrument:
    found = _all(cli)
    if name in found:
        return found[name]
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        try:
            return load_instrument(path, cli.lang)
        except DataFileError as exc:
            raise click.ClickException(str(exc)) from None
    known = ", ".join(found)
    raise click.ClickException(
        cli.t(
            f"ไม่พบแบบสอบถาม {name!r} (ที่มี: {known})",
            f"no instrument {name!r} (known: {known})",
        )
    )


def _audience(cli: CliContext, instrument: Instrument) -> str:
    who = cli.t("ประชาชน", "citizens") if instrument.audience == "citizen" else cli.t("บุคลากร", "staff")
    if instrument.anonymous:
        who += cli.t(" (ไม่ระบุตัวตน)", " (anonymous)")
    return who


def _flags(cli: CliContext, item: Item) -> str:
    flags: list[str] = [item.type]
    flags.append(cli.t("ต้องตอบ", "required") if item.required else cli.t("ข้ามได้", "optional"))
    if item.scored:
        flags.append(cli.t("คิดคะแนน", "scored"))
    if item.demographic:
        flags.append(cli.t("ข้อมูลทั่วไป", "demographic"))
    if item.compliant_value is not None:
        flags.append(cli.t(f"ปฏิบัติตาม = {item.compliant_value}", f"compliant = {item.compliant_value}"))
    if item.type == "multiple" and item.max_selections is not None:
        flags.append(cli.t(f"เลือกได้ไม่เกิน {item.max_selections}", f"at most {item.max_selections}"))
    if item.type == "number":
        low = "" if item.min is None else f"{item.min:g}"
        high = "" if item.max is None else f"{item.max:g}"
        flags.append(f"{low}–{high}")
    if item.type == "text":
        flags.append(cli.t(f"ไม่เกิน {item.max_length} ตัวอักษร", f"≤ {item.max_length} chars"))
        if item.may_contain_personal_data:
            flags.append(cli.t("ไม่เผยแพร่ข้อความดิบ", "never published raw"))
    return ", ".join(flags)
