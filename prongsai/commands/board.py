"""``prongsai board``: the waiting-room display, on this PC's office or a running one (``--office``)."""

from __future__ import annotations

import click

from prongsai.commands._office import fingerprint_option, key_option, office_option, run_app
from prongsai.context import get


@click.command()
@office_option
@key_option
@fingerprint_option
@click.pass_context
def board(
    ctx: click.Context, office_url: str | None, office_key: str | None, office_fingerprint: str | None
) -> None:
    """The waiting-room display: who is called to which counter, and how many wait."""
    from kiosk.apps.board_app import make_board_app

    cli = get(ctx)
    run_app(cli, office_url, office_key, lambda office: make_board_app(office, cli.lang), office_fingerprint)
