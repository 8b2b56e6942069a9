"""The office process and its screens: ``serve``, ``kiosk``, ``counter N``, ``board``, ``all-in-one``.

Without ``--office`` a screen runs the office in its own process (it then owns this home's log, so
only one such process may run). With ``--office URL`` it is a terminal of a ``prongsai serve``
process, on this PC or another one of the office LAN.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import click

from kiosk.office.service import Office
from kiosk.office.wire import DEFAULT_PORT
from prongsai.commands.queue import settings_of
from prongsai.context import CliContext, get, log_error

if TYPE_CHECKING:
    from kiosk.printing.printers import Printer
    from surveys.counter.settings import Counter

KEY_ENV = "PRONGSAI_OFFICE_KEY"
URL_ENV = "PRONGSAI_OFFICE"
FINGERPRINT_ENV = "PRONGSAI_OFFICE_FINGERPRINT"  # sync.tls.FINGERPRINT_ENV (sync loads only when used)

office_option = click.option(
    "--office",
    "office_url",
    default=None,
    envvar=URL_ENV,
    help=f"URL of the office process (`prongsai serve`), e.g. https://192.168.1.10:{DEFAULT_PORT}; "
    f"else this process runs the office itself. Also ${URL_ENV}.",
)
key_option = click.option(
    "--key",
    "office_key",
    default=None,
    envvar=KEY_ENV,
    help=f"This terminal's credential, from `prongsai terminals add` on the office PC (also ${KEY_ENV}; "
    "on the office PC itself the office key is read from the home folder).",
)

fingerprint_option = click.option(
    "--fingerprint",
    "office_fingerprint",
    default=None,
    envvar=FINGERPRINT_ENV,
    help=f"The office certificate's fingerprint that `prongsai serve` printed (also ${FINGERPRINT_ENV}; "
    "on the same PC it is read from the home folder). Needed for an https:// office.",
)


def open_office(cli: CliContext, url: str | None, key: str | None, fingerprint: str | None = None) -> Office:
    """A terminal of a running office (``url``), or the office itself in this process."""
    from kiosk.office.service import LocalOffice, OfficeError
    from surveys.log.device_log import LogError

    if url:
        from kiosk.office.client import RemoteOffice
        from kiosk.office.key import KEY_FILE
        from sync.tls import OFFICE_TLS, read_fingerprint

        if fingerprint is None and url.startswith("https://"):
            fingerprint = read_fingerprint(cli.home / OFFICE_TLS)  # the office's own PC

        if key is None and (cli.home / KEY_FILE).exists():
            key = (cli.home / KEY_FILE).read_text(encoding="utf-8").strip()
        if not key:
            raise click.ClickException(
                cli.t(
                    f"ต้องมีรหัสของเครื่องนี้: ใช้ --key หรือ ${KEY_ENV} (สร้างบนเครื่องแม่ข่ายด้วย "
                    "prongsai terminals add --role kiosk|counter:N|board)",
                    f"this terminal's credential is needed: pass --key or set ${KEY_ENV} (make one on the "
                    "office PC with prongsai terminals add --role kiosk|counter:N|board)",
                )
            )
        try:
            return RemoteOffice(url, key, fingerprint=fingerprint)
        except OfficeError as exc:
            raise click.ClickException(exc.text(cli.lang)) from None
    try:
        return LocalOffice(cli.home, settings_of(cli))
    except LogError as exc:
        raise log_error(cli, exc, DEFAULT_PORT) from None


def warn_if_not_set_up(cli: CliContext) -> None:
    """At a staff start: say so if the staff PIN is still the default printed in the manual, or the
    office's phone (for the wall notice) was never set."""
    settings = settings_of(cli)
    if settings.staff_pin is None:
        click.echo(
            cli.t(
                "คำเตือน: PIN เจ้าหน้าที่ยังเป็นค่าตั้งต้น 2568 ที่พิมพ์อยู่ในคู่มือ ตั้ง PIN ของท่านเองด้วยคำสั่ง "
                "prongsai staff-pin (หรือเมื่อเจ้าหน้าที่ใช้งานครั้งแรก ระบบจะให้ตั้งใหม่)",
                "warning: the staff PIN is still the default 2568 printed in the manual: set your own with "
                "`prongsai staff-pin` (the first staff use asks for one too)",
            ),
            err=True,
        )
    if settings.phone_missing:
        click.echo(
            cli.t(
                "คำเตือน: ยังไม่ได้ตั้งชื่อและเบอร์โทรของสำนักงาน (พิมพ์บนประกาศหน้าเคาน์เตอร์) ตั้งได้ด้วยคำสั่ง prongsai setup",
                "warning: the office's name and phone (printed on the wall notice) are not set: "
                "run `prongsai setup`",
            ),
            err=True,
        )


def printer_of(cli: CliContext, spec: str | None) -> Printer:
    """The printer ``spec`` names (default: the settings'), warning first if Thai can't be shaped."""
    from kiosk.printing.fonts import check_thai_shaping
    from kiosk.printing.printers import PrintError, printer_from_spec

    warning = check_thai_shaping()
    if warning:
        click.echo(warning, err=True)
    try:
        return printer_from_spec(spec or settings_of(cli).printer, default_folder=cli.home / "tickets")
    except PrintError as exc:
        raise click.ClickException(exc.text(cli.lang)) from None


def _run(
    cli: CliContext,
    url: str | None,
    key: str | None,
    build: Callable[[Office], object],
    fingerprint: str | None = None,
) -> None:
    office = open_office(cli, url, key, fingerprint)
    try:
        app = build(office)
        app.run()  # type: ignore[attr-defined]
    finally:
        office.close()


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
    from kiosk.office.key import office_key
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


def show_fingerprint(cli: CliContext, fingerprint: str) -> None:
    """The certificate's fingerprint, to give each terminal once (typed, or scanned from the QR)."""
    from sync.tls import fingerprint_qr, format_fingerprint

    click.echo(
        cli.t(
            "ลายนิ้วมือของใบรับรอง (ให้แต่ละเครื่องใช้ด้วย --fingerprint เพื่อยืนยันว่าคุยกับเครื่องนี้จริง):",
            "certificate fingerprint (give it to each terminal with --fingerprint: it proves this is the "
            "real server):",
        )
    )
    click.echo(f"  SHA256 {format_fingerprint(fingerprint)}")
    click.echo(fingerprint_qr(fingerprint), nl=False)


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
    """The citizens' touch-screen kiosk: take a ticket, rate the service by scanning it."""
    from kiosk.apps.kiosk_app import CRASH_LOG_NAME, make_kiosk_app

    cli = get(ctx)
    printer = printer_of(cli, spec)
    log = cli.home / CRASH_LOG_NAME  # faults for staff (an unreachable office too), never on screen
    _run(
        cli,
        office_url,
        office_key,
        lambda office: make_kiosk_app(office, printer, cli.lang, crash_log=log),
        office_fingerprint,
    )


@click.command()
@click.argument("number", type=int)
@office_option
@key_option
@fingerprint_option
@click.pass_context
def counter(
    ctx: click.Context,
    number: int,
    office_url: str | None,
    office_key: str | None,
    office_fingerprint: str | None,
) -> None:
    """A clerk's console for counter NUMBER: call next, recall, start, finish, no-show, transfer."""
    from kiosk.apps.counter_app import make_counter_app

    cli = get(ctx)
    if not office_url:
        _check_counter(cli, number, settings_of(cli).counters)

    def build(office: Office) -> object:
        _check_counter(cli, number, office.settings.counters)  # a LAN office has its own counters
        return make_counter_app(office, number, cli.lang)

    _run(cli, office_url, office_key, build, office_fingerprint)


def _check_counter(cli: CliContext, number: int, counters: Sequence[Counter]) -> None:
    if number not in {c.number for c in counters}:
        known = ", ".join(str(c.number) for c in counters)
        raise click.ClickException(
            cli.t(
                f"ไม่มีช่องบริการที่ {number} (มีช่องบริการ {known})",
                f"there is no counter {number} (the counters are {known})",
            )
        )


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
    _run(cli, office_url, office_key, lambda office: make_board_app(office, cli.lang), office_fingerprint)


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
    _run(cli, None, None, lambda office: make_allinone_app(office, printer, cli.lang))
