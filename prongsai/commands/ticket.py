"""``prongsai ticket issue``: one queue ticket, through the same code path as the kiosk."""

from __future__ import annotations

import click

from prongsai.commands._office import (
    fingerprint_option,
    key_option,
    office_option,
    open_office,
    printer_of,
    settings_of,
)
from prongsai.context import get


@click.group()
def ticket() -> None:
    """Queue tickets, through the same code path as the kiosk."""


@ticket.command("issue")
@click.option(
    "--service", "service_id", default=None, help="Service id (see `prongsai services`); default the first."
)
@click.option(
    "--priority",
    "priority",
    is_flag=False,
    flag_value="elderly",
    default=None,
    help="A priority ticket: --priority alone means elderly; or name the group "
    "(elderly, disabled, pregnant).",
)
@click.option(
    "--printer", "spec", default=None, help="png:FOLDER, png:FILE.png, escpos-usb:VID:PID[:58|80], …"
)
@office_option
@key_option
@fingerprint_option
@click.pass_context
def issue(
    ctx: click.Context,
    service_id: str | None,
    priority: str | None,
    spec: str | None,
    office_url: str | None,
    office_key: str | None,
    office_fingerprint: str | None,
) -> None:
    """Issue one ticket (test a printer, or a ticket for a phone caller); with --office, through the
    running office (`prongsai serve`)."""
    from kiosk.office.service import OfficeError
    from kiosk.printing.issuing import PrintFailed, issue_ticket
    from kiosk.printing.ticket import ahead_text

    cli = get(ctx)
    settings = settings_of(cli)
    service = service_id or settings.services[0].id
    if service not in settings.by_id:
        known = ", ".join(settings.by_id)
        raise click.ClickException(
            cli.t(f"ไม่มีบริการ {service} (มี: {known})", f"no service {service} ({known})")
        )
    printer = printer_of(cli, spec)
    office = open_office(cli, office_url, office_key, office_fingerprint)
    try:
        issued = issue_ticket(office, service, priority, printer, cli.lang)
    except PrintFailed as exc:
        raise click.ClickException(
            cli.t(
                f"พิมพ์บัตร {exc.reservation.number} ไม่สำเร็จ (บันทึกไว้แล้ว หมายเลขนี้จะไม่ถูกใช้): "
                f"{exc.error.text('th')}",
                f"printing ticket {exc.reservation.number} failed (recorded; the number is not reused): "
                f"{exc.error.text('en')}",
            )
        ) from None
    except OfficeError as exc:
        raise click.ClickException(exc.text(cli.lang)) from None
    finally:
        office.close()
    r = issued.reservation
    click.echo(cli.t(f"ออกบัตรคิว {r.number} ({settings.service(service).name_th})", f"issued {r.number}"))
    ahead_th, ahead_en = ahead_text(r.ahead, r.ahead_exact)  # the words the ticket prints
    click.echo(cli.t(f"  {ahead_th} · รหัส {r.code}", f"  {ahead_en} · code {r.code}"))
    click.echo(cli.t(f"  พิมพ์ที่: {issued.where}", f"  printed to: {issued.where}"))
