"""``prongsai demo``: a newcomer's tour in one command (simulated data, said so everywhere)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from prongsai.context import get


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("prongsai-demo"),
    show_default=True,
    help="A new folder for the tour: two demo kiosks, a demo forum laptop, a demo office PC (complaints), "
    "their bundles, a central store and the report.",
)
@click.pass_context
def demo(ctx: click.Context, out: Path) -> None:
    """A tour of the kit on simulated data: two demo kiosks, a demo forum laptop (community forums and
    staff surveys) and a demo office PC (complaints and corruption tips, the year before too) simulate
    the plan's fiscal year, carry their signed bundles to a central store, and the
    year-end report is written (demo data included, and the report says so on its first page). Nothing
    here counts in a real report."""
    from kiosk.office.simulate import SimulationRefused
    from prongsai import tour as tour_module
    from prongsai.tour import run_tour

    cli = get(ctx)
    if out.exists() and any(out.iterdir()):
        raise click.ClickException(
            cli.t(
                f"{out} มีไฟล์อยู่แล้ว: ระบุโฟลเดอร์ใหม่ด้วย --out (การสาธิตไม่เขียนทับข้อมูลเดิม)",
                f"{out} is not empty: name a new folder with --out (the tour never writes over data)",
            )
        )
    started = time.monotonic()

    def say(th: str, en: str) -> None:
        click.echo(cli.t(th, en), err=True)

    try:
        tour = run_tour(out, say, per_day=tour_module.PER_DAY)
    except SimulationRefused as exc:
        raise click.ClickException(exc.text(cli.lang)) from None
    seconds = time.monotonic() - started
    click.echo(
        cli.t(
            f"✓ การสาธิตเสร็จใน {seconds:.0f} วินาที ({tour.events:,} เหตุการณ์จำลอง)",
            f"✓ the tour took {seconds:.0f} s ({tour.events:,} simulated events)",
        )
    )
    click.echo(
        cli.t(
            f"  รายงาน (ข้อมูลจำลอง): {tour.report / 'report.html'}",
            f"  report (simulated data): {tour.report / 'report.html'}",
        )
    )
    click.echo(
        cli.t(
            f"  คลังข้อมูลกลาง: prongsai --home {tour.central} report --include-demo",
            f"  central store: prongsai --home {tour.central} report --include-demo",
        )
    )
    for home in tour.kiosks:
        click.echo(
            cli.t(
                f"  ตู้สาธิต: prongsai --home {home} all-in-one",
                f"  demo kiosk: prongsai --home {home} all-in-one",
            )
        )
    click.echo(
        cli.t(
            f"  แล็ปท็อปสาธิต (เวทีประชาคมและการสำรวจบุคลากร): {tour.laptop}",
            f"  demo laptop (forums and staff surveys): {tour.laptop}",
        )
    )
    click.echo(
        cli.t(
            f"  เครื่องสำนักงานสาธิต (เรื่องร้องเรียน): prongsai --home {tour.office} complaints list",
            f"  demo office PC (complaints): prongsai --home {tour.office} complaints list",
        )
    )
