"""The office as the commands see it: its settings; the options that name a running office (``--office``,
``--key``, ``--fingerprint``); opening it; the printer its tickets go to; the warnings at a staff start;
and running a terminal's app on it (``kiosk``, ``counter N``, ``board``, ``all-in-one``, ``ticket issue``).

Without ``--office`` a screen runs the office in its own process (it then owns this home's log, so
only one such process may run). With ``--office URL`` it is a terminal of a ``prongsai serve``
process, on this PC or another one of the office LAN.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from kiosk.office.protocol import DEFAULT_PORT
from prongsai.context import CliContext, log_error
from surveys.content.datafile import DataFileError
from surveys.counter.settings import Settings, load_settings

if TYPE_CHECKING:
    from kiosk.office.service import Office
    from kiosk.printing.printers import Printer


def settings_of(cli: CliContext) -> Settings:
    """This home's settings (``settings.yaml``); a broken file is a message naming the problem."""
    try:
        return load_settings(cli.home, cli.lang)
    except DataFileError as exc:
        raise click.ClickException(str(exc)) from None


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


def run_app(
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
