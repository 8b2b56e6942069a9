"""The counter: ``services``, ``ticket issue``, ``notice``, ``simulate``."""

from __future__ import annotations

import json
import sys
import time

import click

from prongsai.context import CliContext, get, pad
from surveys.datafile import DataFileError
from surveys.settings import Settings, load_settings


def settings_of(cli: CliContext) -> Settings:
    try:
        return load_settings(cli.home, cli.lang)
    except DataFileError as exc:
        raise click.ClickException(str(exc)) from None


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def services(ctx: click.Context, as_json: bool) -> None:
    """List the services, their ticket prefixes and counters, and the counters."""
    cli = get(ctx)
    settings = settings_of(cli)
    if as_json:
        data = {
            "services": [s.model_dump() for s in settings.services],
            "counters": [c.model_dump() for c in settings.counters],
            "priority_rule": {"th": settings.priority.text("th"), "en": settings.priority.text("en")},
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(cli.t("บริการ", "Services"))
    for service in settings.services:
        counters = ", ".join(str(n) for n in service.counters)
        click.echo(
            f"  {service.prefix}  {pad(service.name(cli.lang), 28)} {service.id:<14} "
            + cli.t(
                f"ช่องบริการ {counters} · โครงการที่ {service.project}",
                f"counters {counters} · project {service.project}",
            )
            + f" · {service.instrument}"
        )
    click.echo(cli.t("ช่องบริการ", "Counters"))
    for counter in settings.counters:
        click.echo(f"  {counter.number}  {counter.name(cli.lang)}")
    click.echo(cli.t("กติกาคิวพิเศษ: ", "Priority rule: ") + settings.priority.text(cli.lang))


@click.command()
@click.option(
    "--days", type=click.IntRange(1, 3660), required=True, help="How many calendar days to simulate."
)
@click.option(
    "--seed", type=int, default=2568, show_default=True, help="Random seed (same seed, same office)."
)
@click.option(
    "--per-day", type=click.IntRange(1, 999), default=200, show_default=True, help="Visitors per day."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def simulate(ctx: click.Context, days: int, seed: int, per_day: int, as_json: bool) -> None:
    """Fill this home's log with a believable office: tickets, calls, no-shows, ratings.

    The days end yesterday. Uses the same office calls as the kiosk and counters.
    """
    from surveys.log import LogError
    from surveys.simulate import simulate as run

    cli = get(ctx)
    settings = settings_of(cli)
    started = time.perf_counter()
    with click.progressbar(length=days, label=cli.t("กำลังจำลอง", "Simulating"), file=sys.stderr) as bar:
        last = [0]

        def step(done: int, total: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        try:
            report = run(cli.home, settings, days, seed=seed, per_day=per_day, progress=step)
        except LogError as exc:
            raise click.ClickException(str(exc)) from None
    seconds = time.perf_counter() - started
    if as_json:
        click.echo(
            json.dumps({**report.to_dict(), "seconds": round(seconds, 2)}, ensure_ascii=False, indent=2)
        )
        return
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


@click.command("staff-pin")
@click.option(
    "--pin", prompt=True, hide_input=True, confirmation_prompt=True, help="The new staff PIN (4–12 digits)."
)
@click.pass_context
def staff_pin(ctx: click.Context, pin: str) -> None:
    """Set the staff PIN (kiosk exit, staff screens, second PIN for out-of-order calls).

    Only its scrypt hash is stored, in settings.yaml of the home folder (comments there are kept).
    """
    from surveys.settings import set_staff_pin

    cli = get(ctx)
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise click.ClickException(cli.t("PIN ต้องเป็นตัวเลข 4–12 หลัก", "the PIN must be 4–12 digits"))
    path = set_staff_pin(cli.home, pin)
    settings_of(cli)  # the file still loads
    click.echo(cli.t(f"ตั้ง PIN ใหม่แล้ว ({path})", f"staff PIN set ({path})"))
