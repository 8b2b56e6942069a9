"""``prongsai forum``: community forums and anonymous staff surveys on this laptop, offline."""

from __future__ import annotations

from datetime import date

import click

from prongsai.commands._office import open_office
from prongsai.context import get


@click.command()
@click.pass_context
def forum(ctx: click.Context) -> None:
    """Run community forums and anonymous staff surveys on this laptop (offline; the office runs here)."""
    from kiosk.apps.forum_app import make_forum_app
    from kiosk.office.forum import ForumDesk
    from kiosk.office.service import LocalOffice, OfficeError

    cli = get(ctx)
    office = open_office(cli, None, None)  # no URL: this process is the laptop's office
    try:
        if not isinstance(office, LocalOffice):  # pragma: no cover - open_office without a URL
            raise click.ClickException("the forum runs on the laptop's own office")
        desk = ForumDesk(office)
        try:
            purged = desk.purge_signin_lists(date.today())
        except OfficeError as exc:
            raise click.ClickException(exc.text(cli.lang)) from None
        if purged:
            click.echo(
                cli.t(
                    f"ลบรายชื่อผู้ลงทะเบียนของ {len(purged)} เวทีที่เก็บครบ 1 ปีตามประกาศแล้ว",
                    f"deleted the sign-in lists of {len(purged)} forum(s), kept the year the notice promised",
                ),
                err=True,
            )
        make_forum_app(desk, cli.lang).run()
    finally:
        office.close()
