"""``prongsai complaints``: complaints and corruption tips, for staff and scripts.

``add`` records a complaint (``--tip`` a corruption tip, in its own code series) and prints its tracking
code; ``step`` records the next step; ``list`` is the staff list with what is due and overdue; ``status``
is what the complainant sees (no names, no contact details). ``officer-key`` makes the complaints
officer's key pair (on the officer's machine) or installs its public half in this home; ``reveal``
opens a tip's sealed contact details with the officer's private key. Every refusal is a message in
Thai or English, exit code 1, and nothing is written.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from prongsai.commands._office import (
    fingerprint_option,
    key_option,
    office_option,
    open_office,
    printer_of,
    settings_of,
)
from prongsai.context import CliContext, get
from surveys.complaints.cases import CATEGORIES, CHANNELS, NEXT_STEPS, STEPS, is_late

if TYPE_CHECKING:
    from kiosk.office.complaints import ComplaintDesk
    from kiosk.office.service import ComplaintEntry, LocalOffice, Office
    from kiosk.printing.printers import Printer
    from surveys.counter.settings import Settings


@click.group()
def complaints() -> None:
    """Complaints and corruption tips: intake, steps, the 15-day list, the citizen's status."""


def _desk(cli: CliContext) -> tuple[LocalOffice, ComplaintDesk]:
    from kiosk.office.complaints import ComplaintDesk
    from kiosk.office.service import LocalOffice, OfficeError

    office = open_office(cli, None, None)
    if not isinstance(office, LocalOffice):  # pragma: no cover - open_office without a URL
        raise click.ClickException("complaints are recorded by this home's own office")
    try:
        return office, ComplaintDesk(office)
    except OfficeError as exc:
        office.close()
        raise click.ClickException(exc.text(cli.lang)) from None


def _office(cli: CliContext, url: str | None, key: str | None, fingerprint: str | None) -> Office:
    """The office that records complaints: the one at ``url``; else this home's own. While a
    ``prongsai serve`` of this home owns its log, its office is reached at the URL it noted (with the
    office key from the home, or ``key``), as the other terminals on the office PC reach it."""
    from kiosk.office.key import running_office_url
    from kiosk.office.protocol import DEFAULT_PORT
    from kiosk.office.service import LocalOffice
    from prongsai.context import log_error
    from surveys.log.device_log import LogError, LogLocked

    if url:
        return open_office(cli, url, key, fingerprint)
    try:
        return LocalOffice(cli.home, settings_of(cli))
    except LogLocked as exc:
        running = running_office_url(cli.home)
        if running is None:
            raise log_error(cli, exc, DEFAULT_PORT) from None
        return open_office(cli, running, key, fingerprint)
    except LogError as exc:
        raise log_error(cli, exc, DEFAULT_PORT) from None


def _refused(cli: CliContext, exc: Exception) -> click.ClickException:
    from surveys.bilingual import UserError

    if isinstance(exc, UserError):
        return click.ClickException(exc.text(cli.lang))
    raise exc


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _label(cli: CliContext, table: dict[str, tuple[str, str]], key: str) -> str:
    th, en = table.get(key, (key, key))
    return cli.t(th, en)


@complaints.command("add")
@click.option("--channel", default=None, help=f"How it came in: {', '.join(CHANNELS)}.")
@click.option(
    "--category",
    default="general",
    show_default=True,
    help=f"What it is about: {', '.join(CATEGORIES)} (a tip is always corruption).",
)
@click.option("--subject", default=None, help="The subject, in the complainant's words.")
@click.option("--details", default="", help="The details, in the complainant's words.")
@click.option("--location", default="", help="Where (village, street …).")
@click.option("--contact", default=None, help="Contact details, if given: sealed to the officer's key.")
@click.option("--tip", is_flag=True, help="A corruption tip: its own code series, the informant protected.")
@click.option("--json", "as_json", is_flag=True, help="Print the complaint as JSON.")
@click.option("--print", "print_it", is_flag=True, help="Print the complainant's receipt (code and QR).")
@click.option("--printer", "printer_spec", default=None, help="Printer for --print (default: the settings').")
@office_option
@key_option
@fingerprint_option
@click.pass_context
def add(
    ctx: click.Context,
    channel: str | None,
    category: str,
    subject: str | None,
    details: str,
    location: str,
    contact: str | None,
    tip: bool,
    as_json: bool,
    print_it: bool,
    printer_spec: str | None,
    office_url: str | None,
    office_key: str | None,
    office_fingerprint: str | None,
) -> None:
    """Record a complaint or a corruption tip and print its tracking code (--print: its receipt too)."""
    from surveys.bilingual import UserError
    from surveys.content.thaidate import format_date

    cli = get(ctx)
    if channel is None:
        raise click.ClickException(
            cli.t(
                f"ใส่ช่องทางที่รับเรื่อง --channel ({', '.join(CHANNELS)})",
                f"give the channel it came by, --channel ({', '.join(CHANNELS)})",
            )
        )
    if subject is None:
        raise click.ClickException(
            cli.t("ใส่เรื่องที่ร้องเรียน --subject", "give the subject of the complaint, --subject")
        )
    printer = printer_of(cli, printer_spec) if print_it else None  # a wrong printer: before recording
    office = _office(cli, office_url, office_key, office_fingerprint)
    try:
        complaint = office.receive_complaint(channel, category, subject, details, location, contact, tip)
        settings = office.settings
    except UserError as exc:
        raise _refused(cli, exc) from None
    finally:
        office.close()
    code = complaint.code
    printed = _print_receipt(cli, printer, complaint, settings) if printer is not None else None
    if as_json:
        _echo_json(
            {
                "code": code,
                "series": complaint.series,
                "channel": complaint.channel,
                "category": complaint.category,
                "received": complaint.received,
                "due": complaint.due,
                "has_contact": complaint.has_contact,
                **({"printed": printed} if printer is not None else {}),
            }
        )
        return
    what = cli.t("รับเบาะแสแล้ว", "tip received") if tip else cli.t("รับเรื่องแล้ว", "complaint received")
    click.echo(f"✓ {what}: {code}")
    due = format_date(date.fromisoformat(complaint.due), lang=cli.lang)
    click.echo(cli.t(f"  กำหนดแล้วเสร็จ: {due}", f"  due: {due}"))
    if printed:
        click.echo(cli.t(f"  พิมพ์ใบรับเรื่องแล้ว: {printed}", f"  receipt printed: {printed}"))
    click.echo(
        cli.t(
            f"  แจ้งรหัสนี้ให้ผู้ร้องเรียน: ติดตามเรื่องได้ที่ตู้บริการ หรือ prongsai complaints status {code}",
            f"  give this code to the complainant: they follow it up at the kiosk, or with "
            f"prongsai complaints status {code}",
        )
    )
    if complaint.has_contact and complaint.sealed:
        click.echo(
            cli.t(
                "  ข้อมูลติดต่อถูกปิดผนึกด้วยกุญแจของเจ้าหน้าที่ผู้รับผิดชอบ (เปิดได้เฉพาะ prongsai complaints reveal)",
                "  the contact details are sealed to the complaints officer's key (only "
                "prongsai complaints reveal opens them)",
            )
        )
    elif complaint.has_contact:
        click.echo(
            cli.t(
                "  ข้อมูลติดต่อเก็บไว้เฉพาะในเครื่องนี้ (private/complaint-contacts) ไม่ถูกส่งออก",
                "  the contact details are kept on this PC only (private/complaint-contacts), never exported",
            )
        )


@complaints.command("step")
@click.argument("code")
@click.option("--to", "to", default=None, help=f"The step reached: {', '.join(NEXT_STEPS)}.")
@click.option(
    "--note",
    default="",
    help="A note (for `explained`: the letter of explanation's summary, shown to the complainant; "
    "never name staff).",
)
@office_option
@key_option
@fingerprint_option
@click.pass_context
def step(
    ctx: click.Context,
    code: str,
    to: str | None,
    note: str,
    office_url: str | None,
    office_key: str | None,
    office_fingerprint: str | None,
) -> None:
    """Record the next step of a complaint (forward only; done or explained closes it)."""
    from surveys.bilingual import UserError

    cli = get(ctx)
    if to is None:
        raise click.ClickException(
            cli.t(
                f"ใส่ขั้นตอนที่ถึง --to ({', '.join(NEXT_STEPS)})",
                f"give the step reached, --to ({', '.join(NEXT_STEPS)})",
            )
        )
    office = _office(cli, office_url, office_key, office_fingerprint)
    try:
        complaint = office.complaint_step(code, to, note)
    except UserError as exc:
        raise _refused(cli, exc) from None
    finally:
        office.close()
    click.echo(f"✓ {complaint.code}: {_label(cli, STEPS, complaint.status)}")


def _row(complaint: ComplaintEntry) -> dict[str, Any]:
    return {
        "code": complaint.code,
        "series": complaint.series,
        "channel": complaint.channel,
        "category": complaint.category,
        "subject": complaint.subject,
        "status": complaint.status,
        "received": complaint.received,
        "due": complaint.due,
        "closed": complaint.closed_at,
        "late": complaint.late,
        "rated": complaint.rated,
        "has_contact": complaint.has_contact,
    }


@complaints.command("list")
@click.option("--overdue", is_flag=True, help="Only those past their due date (open, or closed late).")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@office_option
@key_option
@fingerprint_option
@click.pass_context
def list_(
    ctx: click.Context,
    overdue: bool,
    as_json: bool,
    office_url: str | None,
    office_key: str | None,
    office_fingerprint: str | None,
) -> None:
    """The staff list: every complaint, open ones first, the earliest due first."""
    from surveys.bilingual import UserError
    from surveys.content.thaidate import format_date

    cli = get(ctx)
    office = _office(cli, office_url, office_key, office_fingerprint)
    try:
        found = office.complaint_list(overdue)
    except UserError as exc:
        raise _refused(cli, exc) from None
    finally:
        office.close()
    if as_json:
        _echo_json([_row(c) for c in found])
        return
    if not found:
        click.echo(
            cli.t("ไม่มีเรื่องเกินกำหนด", "nothing is overdue")
            if overdue
            else cli.t("ยังไม่มีเรื่องร้องเรียน", "no complaints yet")
        )
        return
    for complaint in found:
        late = cli.t(" เกินกำหนด", " LATE") if complaint.late else ""
        due = format_date(date.fromisoformat(complaint.due), lang=cli.lang, style="short")
        click.echo(
            f"{complaint.code}  {_label(cli, STEPS, complaint.status):<24} "
            f"{cli.t('กำหนด', 'due')} {due}{late}  "
            f"[{_label(cli, CATEGORIES, complaint.category)} · {_label(cli, CHANNELS, complaint.channel)}]  "
            f"{complaint.subject}"
        )
    open_count = sum(1 for c in found if not c.closed)
    click.echo(cli.t(f"รวม {len(found)} เรื่อง ค้างอยู่ {open_count}", f"{len(found)} in all, {open_count} open"))


def _print_receipt(cli: CliContext, printer: Printer, complaint: ComplaintEntry, settings: Settings) -> str:
    """Print ``complaint``'s receipt; where it went, or "" after saying (bilingually) that it did not
    print: the complaint is recorded all the same, and its code is shown."""
    from datetime import datetime

    from kiosk.printing.complaint_receipt import ReceiptView
    from kiosk.printing.printers import PrintError
    from surveys.counter.settings import PHONE_BLANK

    view = ReceiptView(
        municipality_th=settings.municipality_th,
        municipality_en=settings.municipality_en,
        code=complaint.code,
        tip=complaint.series == "T",
        received_at=datetime.fromisoformat(complaint.received),
        due=date.fromisoformat(complaint.due),
        subject=complaint.subject,
        phone=settings.complaint_phone or settings.office_phone or PHONE_BLANK,
    )
    print_receipt = getattr(printer, "print_receipt", None)
    try:
        if print_receipt is None:
            raise PrintError("เครื่องพิมพ์นี้พิมพ์ใบรับเรื่องร้องเรียนไม่ได้", "this printer can't print complaint receipts")
        return str(print_receipt(view, cli.lang))
    except PrintError as exc:
        click.echo(
            cli.t(
                f"คำเตือน: พิมพ์ใบรับเรื่องไม่ได้ ({exc.text('th')}) แต่บันทึกเรื่องแล้ว ไม่ต้องบันทึกซ้ำ: "
                f"เขียนรหัส {complaint.code} ให้ผู้ร้องเรียน",
                f"warning: the receipt did not print ({exc.text('en')}), but the complaint is recorded — do "
                f"not add it again: write the code {complaint.code} down for the complainant",
            ),
            err=True,
        )
        return ""


@complaints.command("status")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def status(ctx: click.Context, code: str, as_json: bool) -> None:
    """What the complainant sees: the dated steps and the due date (no names, no contact details)."""
    from surveys.bilingual import UserError
    from surveys.complaints.cases import EXPLAINED, public_status
    from surveys.complaints.codes import format_plain

    cli = get(ctx)
    office, desk = _desk(cli)
    try:
        today = office.now().date()
        complaint = desk.status(code)
    except UserError as exc:
        raise _refused(cli, exc) from None
    finally:
        office.close()
    if as_json:
        _echo_json(
            {
                "code": format_plain(complaint.code),
                "status": complaint.status,
                "closed": complaint.closed,
                "due": complaint.due.isoformat(),
                "late": is_late(complaint, today),
                "steps": [
                    {"to": s.to, "at": s.at, **({"note": s.note} if s.to == EXPLAINED else {})}
                    for s in complaint.steps
                ],
            }
        )
        return
    click.echo(public_status(complaint, cli.lang, today=today))


@complaints.command("officer-key")
@click.option(
    "--make",
    "make_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Make the officer's key pair in DIR (on the officer's own machine).",
)
@click.option(
    "--install",
    "install_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Install the officer's public key (officer.pub) in this home.",
)
@click.pass_context
def officer_key(ctx: click.Context, make_dir: Path | None, install_file: Path | None) -> None:
    """The complaints officer's key: make the pair, or install its public half in this home."""
    from kiosk.office.complaints import install_officer_key, make_officer_key
    from surveys.bilingual import UserError
    from surveys.complaints.sealing import fingerprint, read_public_key

    cli = get(ctx)
    if (make_dir is None) == (install_file is None):
        raise click.ClickException(
            cli.t(
                "ใช้อย่างใดอย่างหนึ่ง: --make DIR (สร้างกุญแจบนเครื่องของเจ้าหน้าที่) หรือ --install FILE "
                "(ติดตั้งไฟล์ officer.pub ในเครื่องนี้)",
                "give one of --make DIR (make the key pair on the officer's machine) or --install FILE "
                "(install officer.pub in this home)",
            )
        )
    try:
        if make_dir is not None:
            private, public = make_officer_key(make_dir)
            print_ = fingerprint(read_public_key(public))
            click.echo(cli.t(f"✓ สร้างกุญแจแล้ว (ลายนิ้วมือ {print_})", f"✓ key pair made (fingerprint {print_})"))
            click.echo(
                cli.t(
                    f"  กุญแจส่วนตัว: {private} — เก็บไว้กับเจ้าหน้าที่เท่านั้น สำรองไว้ในที่ปลอดภัย "
                    "(หากหาย จะเปิดข้อมูลผู้แจ้งไม่ได้อีก)",
                    f"  private key: {private} — it stays with the officer; keep a safe backup (lost, "
                    "no informant's details can be opened again)",
                )
            )
            click.echo(
                cli.t(
                    f"  กุญแจสาธารณะ: {public} — ติดตั้งที่เครื่องแม่ข่ายของสำนักงานด้วย "
                    f"prongsai complaints officer-key --install {public.name}",
                    f"  public key: {public} — install it on the office PC with "
                    f"prongsai complaints officer-key --install {public.name}",
                )
            )
        else:
            assert install_file is not None
            print_ = install_officer_key(cli.home, install_file)
            click.echo(
                cli.t(
                    f"✓ ติดตั้งกุญแจของเจ้าหน้าที่แล้ว (ลายนิ้วมือ {print_}): ข้อมูลติดต่อผู้แจ้งจะถูกปิดผนึกด้วยกุญแจนี้",
                    f"✓ officer's key installed (fingerprint {print_}): informants' contact details are "
                    "sealed to it",
                )
            )
    except UserError as exc:
        raise _refused(cli, exc) from None


@complaints.command("reveal")
@click.argument("code")
@click.option(
    "--key",
    "key_file",
    default=None,
    type=click.Path(path_type=Path),
    help="The officer's private key (officer.key).",
)
@click.pass_context
def reveal(ctx: click.Context, code: str, key_file: Path | None) -> None:
    """Open a complaint's sealed contact details with the officer's private key (the officer's machine:
    the complaint is read from this home's central store, else from its own log)."""
    from kiosk.office.complaints import complaints_in_central_store, reveal_contact
    from kiosk.office.service import OfficeError
    from surveys.bilingual import UserError
    from surveys.complaints.codes import CodeError, format_plain, parse_code
    from surveys.log.device import IDENTITY_FILE

    cli = get(ctx)
    if key_file is None:
        raise click.ClickException(
            cli.t(
                "ใส่ไฟล์กุญแจส่วนตัวของเจ้าหน้าที่ --key officer.key",
                "give the officer's private key file, --key officer.key",
            )
        )
    try:
        plain = parse_code(code)
    except CodeError as exc:
        raise _refused(cli, exc) from None
    store = complaints_in_central_store(cli.home)
    complaint = store.get(plain) if store is not None else None
    if complaint is None and (cli.home / IDENTITY_FILE).is_file():  # this home's own log, if it has one
        office, desk = _desk(cli)
        try:
            complaint = desk.complaints.get(plain)
        finally:
            office.close()
    try:
        if complaint is None:
            raise OfficeError(
                "not_found",
                f"ไม่พบเรื่องรหัส {format_plain(plain)} ในเครื่องนี้ (นำเข้าชุดข้อมูลด้วย prongsai sync import ก่อน)",
                f"no complaint {format_plain(plain)} here (import the bundles with prongsai sync import "
                "first)",
            )
        contact = reveal_contact(complaint, key_file)
    except UserError as exc:
        raise _refused(cli, exc) from None
    click.echo(cli.t(f"ข้อมูลติดต่อของผู้แจ้ง {format_plain(plain)}:", f"contact details of {format_plain(plain)}:"))
    for key, value in contact.items():
        click.echo(f"  {value}" if key == "contact" else f"  {key}: {value}")
    click.echo(
        cli.t(
            "  (ข้อมูลลับ: ห้ามบันทึกลงในระบบหรือส่งต่อ ตามมาตรการคุ้มครองผู้แจ้งเบาะแส)",
            "  (confidential: do not copy it into any system or pass it on — informant protection)",
        )
    )
