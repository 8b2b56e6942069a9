"""``prongsai answers``: answers from paper and KoboToolbox/ODK files into the central store, and out."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from prongsai.context import CliContext, get
from surveys.bilingual import UserError


@click.group("answers")
def answers() -> None:
    """Import answers (paper, KoboToolbox, ODK) into this home's central store, or export them."""


def _instruments(cli: CliContext) -> dict[str, Any]:
    """The instruments this home knows: the built-in ones and those imported from XLSForms."""
    from surveys.content.instruments import instruments_of

    return dict(instruments_of(cli.home))


def _instrument(cli: CliContext, instrument_id: str) -> Any:
    known = _instruments(cli)
    if instrument_id not in known:
        names = ", ".join(sorted(known))
        raise click.ClickException(
            cli.t(
                f"ไม่รู้จักแบบสอบถาม {instrument_id!r}: ที่มีคือ {names} (ดู prongsai instruments list)",
                f"unknown instrument {instrument_id!r}; known: {names} (see prongsai instruments list)",
            )
        )
    return known[instrument_id]


@answers.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--instrument", "instrument_id", required=True, help="The form the answers belong to (its id).")
@click.option(
    "--project", type=click.IntRange(min=1), default=None, help="The plan's project they count for."
)
@click.option(
    "--source",
    type=click.Choice(["paper", "kobo", "odk"]),
    default=None,
    help="Where the answers come from (default: told from the file's columns).",
)
@click.option(
    "--skip-bad", is_flag=True, help="Import the good rows; write the bad ones to FILE.rejected.csv."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def import_(
    ctx: click.Context,
    file: Path,
    instrument_id: str,
    project: int | None,
    source: str | None,
    skip_bad: bool,
    as_json: bool,
) -> None:
    """Import the answers in FILE (.csv or .xlsx, from paper or a KoboToolbox/ODK export).

    By default the file imports whole or not at all; importing the same file again adds nothing."""
    from analysis.answers.importing import import_answers
    from sync.central import CentralError

    cli = get(ctx)
    instrument = _instrument(cli, instrument_id)
    try:
        summary = import_answers(
            cli.home, file, instrument, project=project, source=source, skip_bad=skip_bad
        )
    except UserError as exc:
        raise click.ClickException(exc.text(cli.lang)) from None
    except (CentralError, sqlite3.Error) as exc:
        raise click.ClickException(
            cli.t(
                f"เปิดคลังข้อมูลกลางใน {cli.home} ไม่ได้: {exc}",
                f"can't open the central store in {cli.home}: {exc}",
            )
        ) from None
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
        sys.exit(0 if summary.committed else 1)
    shape = summary.shape
    sep = {";": "';'", ",": "','", "\t": "tab"}.get(shape.get("separator") or "", "")
    form = f"CSV {sep}{' BOM' if shape.get('bom') else ''}" if shape["format"] == "csv" else "XLSX"
    multiple = f", select_multiple: {shape['select_multiple']}" if shape.get("select_multiple") else ""
    if shape.get("layout") == "long":
        form += cli.t(" แบบยาว (หนึ่งแถวต่อหนึ่งคำตอบ)", " long (one row per answer)")
    click.echo(
        cli.t(
            f"รูปแบบไฟล์: {form}, หัวคอลัมน์: {shape['headers']}, ค่าคำตอบ: {shape['values']}{multiple}",
            f"file shape: {form}, headers: {shape['headers']}, values: {shape['values']}{multiple}",
        )
    )
    for th, en in summary.notes:
        click.echo(cli.t(f"หมายเหตุ: {th}", f"note: {en}"))
    for problem in summary.problems[:20]:
        click.echo(problem.text(cli.lang), err=True)
    if len(summary.problems) > 20:
        more = len(summary.problems) - 20
        click.echo(cli.t(f"… และอีก {more} แถว", f"… and {more} more rows"), err=True)
    if not summary.committed:
        click.echo(
            cli.t(
                f"✗ {summary.file}: {summary.rejected} จาก {summary.rows} แถวมีปัญหา จึงไม่ได้นำเข้าแถวใดเลย "
                "แก้แถวที่ระบุแล้วนำเข้าอีกครั้ง หรือใช้ --skip-bad เพื่อนำเข้าเฉพาะแถวที่ถูกต้อง",
                f"✗ {summary.file}: {summary.rejected} of {summary.rows} rows are bad: nothing was imported; "
                "fix the rows named above and import again, or use --skip-bad to import the good rows only",
            ),
            err=True,
        )
        sys.exit(1)
    click.echo(
        cli.t(
            f"✓ {summary.file} ({summary.source}, {summary.instrument}): นำเข้าใหม่ {summary.imported} คำตอบ, "
            f"เคยนำเข้าแล้ว {summary.already}, ปฏิเสธ {summary.rejected} จาก {summary.rows} แถว",
            f"✓ {summary.file} ({summary.source}, {summary.instrument}): {summary.imported} new responses, "
            f"{summary.already} already imported, {summary.rejected} rejected, of {summary.rows} rows",
        )
    )
    if summary.rejected_file:
        click.echo(
            cli.t(
                f"แถวที่ปฏิเสธเขียนไว้ที่ {summary.rejected_file} (พร้อมเหตุผล) แก้แล้วนำเข้าไฟล์นั้นได้",
                f"the rejected rows are in {summary.rejected_file} (with reasons); fix and import that file",
            )
        )


@answers.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option(
    "--layout",
    type=click.Choice(["wide", "long"]),
    default="wide",
    show_default=True,
    help="wide: one row per response, a column per question; long: one row per answer.",
)
@click.option(
    "--instrument", "instrument_id", default=None, help="Only this form's answers (needed for wide)."
)
@click.option(
    "--fy", type=click.IntRange(min=2400), default=None, help="Only this fiscal year (B.E., e.g. 2568)."
)
@click.option("--include-demo", is_flag=True, help="Include demo devices' simulated data too.")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="FILE.csv or FILE.xlsx."
)
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    layout: str,
    instrument_id: str | None,
    fy: int | None,
    include_demo: bool,
    out: Path,
) -> None:
    """Write the central store's answers (kiosk ratings and imported answers) as KoboToolbox/ODK users
    read them; `answers import` reads the file back."""
    from analysis.answers.exporting import FIRST_DAY, LAST_DAY, export_answers
    from prongsai.commands.report import _store
    from surveys.content.thaidate import fiscal_year_bounds

    cli = get(ctx)
    instrument = _instrument(cli, instrument_id) if instrument_id else None
    start, end = fiscal_year_bounds(fy) if fy else (FIRST_DAY, LAST_DAY)
    with _store(cli) as store:
        try:
            count = export_answers(
                store, out, fmt=fmt, layout=layout, instrument=instrument, start=start, end=end,
                include_demo=include_demo,
            )  # fmt: skip
        except UserError as exc:
            raise click.ClickException(exc.text(cli.lang)) from None
    demo = cli.t(" (รวมข้อมูลจำลอง)", " (simulated data included)") if include_demo else ""
    click.echo(
        cli.t(
            f"✓ ส่งออก {count} คำตอบ ({layout}, {fmt}) → {out}{demo}",
            f"✓ exported {count} responses ({layout}, {fmt}) → {out}{demo}",
        )
    )
