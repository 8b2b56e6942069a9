"""``prongsai kiosk``: the citizens' touch screen, on this PC's office or a running one (``--office``)."""

from __future__ import annotations

import click

from prongsai.commands._office import fingerprint_option, key_option, office_option, printer_of, run_app
from prongsai.context import get


@click.command()
@office_option
@key_option
@fingerprint_option
@click.option(
    "--printer", "spec", default=None, help="Printer spec (default from settings: png into the home)."
)
@click.pass_context
def kiosk(
    ctx: click.Context,
    office_url: str | None,
    office_key: str | None,
    office_fingerprint: str | None,
    spec: str | None,
) -> None:
    """The citizens' touch-screen kiosk: take a ticket, rate the service by scanning it, follow a
    complaint up by its receipt."""
    from kiosk.apps.kiosk_app import CRASH_LOG_NAME, make_kiosk_app

    cli = get(ctx)
    printer = printer_of(cli, spec)
    log = cli.home / CRASH_LOG_NAME  # faults for staff (an unreachable office too), never on screen
    run_app(
        cli,
        office_url,
        office_key,
        lambda office: make_kiosk_app(office, printer, cli.lang, crash_log=log),
        office_fingerprint,
    )
