"""``prongsai all-in-one``: kiosk, counter consoles and board on one PC, with the office in this process."""

from __future__ import annotations

import click

from prongsai.commands._office import printer_of, run_app, warn_if_not_set_up
from prongsai.context import get


@click.command("all-in-one")
@click.option(
    "--printer", "spec", default=None, help="Printer spec (default from settings: png into the home)."
)
@click.pass_context
def all_in_one(ctx: click.Context, spec: str | None) -> None:
    """One PC for everything: the kiosk for the public; F2–F5 counter consoles, F9 the board, F1 back
    (staff keys ask for the PIN)."""
    from kiosk.apps.allinone_app import make_allinone_app

    cli = get(ctx)
    warn_if_not_set_up(cli)
    printer = printer_of(cli, spec)
    run_app(cli, None, None, lambda office: make_allinone_app(office, printer, cli.lang))
