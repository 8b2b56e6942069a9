"""``prongsai serve``: the office, the one process that writes this PC's log; its terminals connect."""

from __future__ import annotations

import click

from kiosk.office.protocol import DEFAULT_PORT
from prongsai.commands._fingerprint import show_fingerprint
from prongsai.commands._office import open_office, warn_if_not_set_up
from prongsai.context import get


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (the office LAN's)."
)
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--tls",
    "force_tls",
    is_flag=True,
    help="Serve TLS on 127.0.0.1 too (it always does on any other address).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, force_tls: bool) -> None:
    """Run the office: the one process that writes this PC's log. Kiosk, counters and board connect."""
    from kiosk.office.key import forget_office_url, office_key, write_office_url
    from kiosk.office.server import serve_office
    from kiosk.office.service import LocalOffice
    from sync.tls import OFFICE_TLS, is_loopback, server_certificate

    cli = get(ctx)
    warn_if_not_set_up(cli)
    try:
        tls = server_certificate(cli.home / OFFICE_TLS, "prongsai office")
        certificate = tls if force_tls or not is_loopback(host) else None
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    office = open_office(cli, None, None)
    assert isinstance(office, LocalOffice)
    key = office_key(cli.home)

    def started(bound_host: str, bound_port: int) -> None:
        url = f"{'https' if certificate else 'http'}://{bound_host}:{bound_port}"
        write_office_url(cli.home, url)  # the commands run on this PC while it owns the log find it
        pin = f" --fingerprint {certificate.fingerprint}" if certificate else ""
        click.echo(cli.t(f"สำนักงานพร้อมที่ {url} (กด Ctrl+C เพื่อหยุด)", f"office ready at {url} (Ctrl+C stops)"))
        if certificate:
            show_fingerprint(cli, certificate.fingerprint)
        click.echo(cli.t("เปิดหน้าจอบนเครื่องนี้ด้วย:", "start the screens on this PC with:"))
        click.echo(f"  prongsai kiosk --office {url}{pin}")
        click.echo(f"  prongsai counter 1 --office {url}{pin}")
        click.echo(f"  prongsai board --office {url}{pin}")
        click.echo(
            cli.t(
                "เครื่องอื่นในสำนักงานต้องมีรหัสของตัวเอง: prongsai terminals add --role kiosk|counter:N|board "
                "แล้วใช้รหัสนั้นกับลายนิ้วมือใบรับรองข้างบน",
                "other PCs need their own credential: prongsai terminals add --role kiosk|counter:N|board, "
                "used with the certificate fingerprint above",
            )
        )

    try:
        serve_office(office, host, port, key, on_started=started, certificate=certificate)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        forget_office_url(cli.home)
