"""``prongsai notice``: the A4 wall notice of how the queue works."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from prongsai.commands._office import settings_of
from prongsai.context import get, os_error_message


@click.command()
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="A .pdf or .png file."
)
@click.pass_context
def notice(ctx: click.Context, out: Path | None) -> None:
    """Render the A4 wall notice of how the queue works (project 10 asks the office to post it)."""
    from kiosk.printing.notice import NoticeView, save_notice
    from surveys.content.thaidate import fiscal_year
    from surveys.counter.settings import PHONE_BLANK

    cli = get(ctx)
    settings = settings_of(cli)
    view = NoticeView(
        municipality_th=settings.municipality_th,
        municipality_en=settings.municipality_en,
        services=[(s.prefix, s.name_th, s.name_en) for s in settings.services],
        rule_th=settings.priority.text("th"),
        rule_en=settings.priority.text("en"),
        complaint_th=settings.complaint("th"),
        complaint_en=settings.complaint("en"),
        fiscal_year_be=fiscal_year(date.today()),
    )
    if settings.phone_missing:
        click.echo(
            cli.t(
                f"คำเตือน: ยังไม่ได้ตั้งเบอร์โทรของสำนักงาน ประกาศจะเว้นที่ว่าง {PHONE_BLANK} ไว้ให้เขียนเบอร์ด้วยมือ "
                "ตั้งเบอร์ด้วย prongsai setup --phone 044-123-456 แล้วสั่งพิมพ์ใหม่",
                f"warning: the office's phone is not set: the notice leaves a blank {PHONE_BLANK} to write "
                "it in by hand. Set it with `prongsai setup --phone 044-123-456` and print it again",
            ),
            err=True,
        )
    target = out or cli.home / f"queue-notice-{cli.lang}.pdf"
    try:
        written = save_notice(view, target, cli.lang)
    except OSError as exc:
        raise click.ClickException(os_error_message(cli, exc)) from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(cli.t(f"ประกาศ: {written}", f"notice: {written}"))
