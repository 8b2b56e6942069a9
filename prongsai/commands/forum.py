"""``prongsai forum``: community forums and anonymous staff surveys on this laptop, offline."""

from __future__ import annotations

import click

from prongsai.commands._office import open_office
from prongsai.context import get


@click.command()
@click.pass_context
def forum(ctx: click.Context) -> None:
    """Run community forums and anonymous staff surveys on this laptop (offline; the office runs here)."""
    from kiosk.apps.forum_app import make_forum_app
    from kiosk.office.forum import ForumDesk
    from kiosk.office.service import LocalOffice

    cli = get(ctx)
    office = open_office(cli, None, None)
    try:
        assert isinstance(office, LocalOffice)
        make_forum_app(ForumDesk(office), cli.lang).run()
    finally:
        office.close()
