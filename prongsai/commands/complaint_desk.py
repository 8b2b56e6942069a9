"""``prongsai complaint-desk``: the complaint desk's terminal, on this PC's office or a running one."""

from __future__ import annotations

import click

from prongsai.commands._office import fingerprint_option, key_option, office_option, printer_of
from prongsai.context import get


@click.command("complaint-desk")
@office_option
@key_option
@fingerprint_option
@click.option(
    "--printer", "printer_spec", default=None, help="Printer for the receipts (default: the settings')."
)
@click.pass_context
def complaint_desk(
    ctx: click.Context,
    office_url: str | None,
    office_key: str | None,
    office_fingerprint: str | None,
    printer_spec: str | None,
) -> None:
    """The complaint desk: take complaints and corruption tips, print their receipts, record their steps."""
    from kiosk.apps.complaint_desk_app import make_complaint_desk_app
    from prongsai.commands.complaints import _office

    cli = get(ctx)
    printer = printer_of(cli, printer_spec)  # a wrong printer: said before the screen opens
    office = _office(cli, office_url, office_key, office_fingerprint)
    try:
        make_complaint_desk_app(office, printer, cli.lang).run()
    finally:
        office.close()
