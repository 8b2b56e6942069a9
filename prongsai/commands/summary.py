"""``prongsai summary``: the weekly or monthly satisfaction summary for the notice board."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from prongsai.commands._office import settings_of
from prongsai.context import get


@click.command("summary")
@click.option("--week", "every", flag_value="week", help="The week (Monday–Sunday) holding DATE.")
@click.option("--month", "every", flag_value="month", default=True, help="The month holding DATE (default).")
@click.argument("day", metavar="[DATE]", required=False, type=click.DateTime(["%Y-%m-%d"]))
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="FILE.png or FILE.pdf (A4)."
)
@click.option("--include-demo", is_flag=True, help="Count demo devices' simulated data too.")
@click.pass_context
def summary(ctx: click.Context, every: str, day: Any, out: Path, include_demo: bool) -> None:
    """The satisfaction summary of one week or month (default: the last whole one before today), with
    the same figures as the report, as an A4 page for the notice board (PNG or PDF)."""
    from analysis.frames import load_frames
    from analysis.summary import INSTRUMENT, draw_summary, previous_period, summary_figures, summary_period
    from prongsai.commands.report import _instruments, _store

    cli = get(ctx)
    if out.suffix.lower() not in (".png", ".pdf"):
        raise click.UsageError(
            cli.t(f"--out ต้องลงท้ายด้วย .png หรือ .pdf: {out}", f"--out must end in .png or .pdf: {out}")
        )
    period = summary_period(every, day.date()) if day is not None else previous_period(every, date.today())
    settings = settings_of(cli)
    with _store(cli) as store:
        frames = load_frames(store, period.start, period.end, include_demo=include_demo)
    figures = summary_figures(frames, settings, _instruments(cli)[INSTRUMENT])
    image = draw_summary(figures, period, settings.municipality_th, demo=include_demo)
    from analysis.summary import write_summary

    write_summary(image, out)
    demo = (
        cli.t(" (รวมข้อมูลจำลอง ห้ามติดประกาศ)", " (simulated data included: do not post it)")
        if include_demo
        else ""
    )
    click.echo(
        cli.t(
            f"✓ สรุป{period.label()}: ผู้ประเมิน {figures['n']} คน → {out}{demo}",
            f"✓ summary {period.start} – {period.end}: {figures['n']} responses → {out}{demo}",
        )
    )
