"""``prongsai device``: this installation's identity, and the devices enrolled in the central store.

On a device: ``show`` and ``export`` (its signed enrolment file and QR code). On the central machine:
``enrol FILE``, ``revoke ID``, ``list`` — the devices whose bundles the central store accepts.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from prongsai.context import CliContext, get, pad
from surveys.log.device import DeviceError, load_or_create_device
from sync.central import DEMO_BY_ENROLMENT, CentralError, CentralStore
from sync.enrolment import (
    ROLES,
    Enrolment,
    EnrolmentError,
    enrolment_qr,
    key_fingerprint,
    make_enrolment,
    parse_enrolment,
    read_signed_enrolment,
    write_enrolment,
)
from sync.untrusted import shown

ROLE_TH = {"kiosk": "ตู้บริการ", "laptop": "แล็ปท็อป", "office": "เครื่องสำนักงาน"}


@click.group()
def device() -> None:
    """This device's identity (id and Ed25519 public key), and enrolment in the central store."""


@device.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, as_json: bool) -> None:
    """Print the device id and public key (created on first use)."""
    cli = get(ctx)
    try:
        dev = load_or_create_device(cli.home)
    except DeviceError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        record = {"device": dev.id, "public_key": dev.public_key_b64, "home": str(cli.home), "demo": dev.demo}
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    click.echo(f"{cli.t('อุปกรณ์', 'device')}: {dev.id}")
    if dev.demo:
        click.echo(_demo_note(cli))
    click.echo(f"{cli.t('กุญแจสาธารณะ (Ed25519)', 'public key (Ed25519)')}: {dev.public_key_b64}")
    click.echo(f"{cli.t('โฟลเดอร์ข้อมูล', 'home folder')}: {cli.home}")


@device.command("export")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Enrolment file."
)
@click.option("--name", default="", help="What the device is, e.g. 'ตู้บัตรคิว ชั้น 1'.")
@click.option("--role", type=click.Choice(ROLES), default="kiosk", show_default=True, help="Its role.")
@click.option("--place", default="", help="Where it is used.")
@click.option("--no-qr", is_flag=True, help="Do not draw the QR code.")
@click.pass_context
def export(ctx: click.Context, out: Path, name: str, role: str, place: str, no_qr: bool) -> None:
    """Write this device's signed enrolment file (and show it as a QR code) for the central machine."""
    cli = get(ctx)
    try:
        dev = load_or_create_device(cli.home)
        signed = write_enrolment(make_enrolment(dev, name, role, place), dev, out)
    except DeviceError as exc:
        raise click.ClickException(str(exc)) from None
    except EnrolmentError as exc:
        raise click.ClickException(exc.text(cli.lang)) from None
    except OSError as exc:
        raise click.ClickException(
            cli.t(f"เขียนไฟล์ {out} ไม่ได้ ({exc.strerror})", f"cannot write {out} ({exc.strerror})")
        ) from None
    if not no_qr:
        click.echo(enrolment_qr(signed), nl=False)
    click.echo(cli.t(f"บันทึกไฟล์ลงทะเบียนอุปกรณ์แล้ว: {out}", f"enrolment file written: {out}"))
    _describe(cli, signed.enrolment)
    click.echo(
        cli.t(
            f"นำไฟล์นี้ไปที่เครื่องกลาง แล้วสั่ง: prongsai device enrol {out.name}\n"
            "ตรวจว่าลายนิ้วมือกุญแจที่เครื่องกลางแสดง ตรงกับที่แสดงที่นี่",
            f"take this file to the central machine and run: prongsai device enrol {out.name}\n"
            "check that the key fingerprint it shows is the one shown here",
        )
    )


@device.command("enrol")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.pass_context
def enrol(ctx: click.Context, file: Path) -> None:
    """Enrol a device in this home's central store from its enrolment FILE ('-': read the QR text)."""
    cli = get(ctx)
    try:
        if str(file) == "-":
            signed = parse_enrolment(sys.stdin.read(), "stdin")
        else:
            signed = read_signed_enrolment(file)
    except EnrolmentError as exc:
        raise click.ClickException(cli.t("ไม่ลงทะเบียน: ", "not enrolled: ") + exc.text(cli.lang)) from None
    with _store(cli) as store:
        known = store.device(signed.enrolment.device)
        record = store.enrol(signed.enrolment)  # the same device again changes nothing; another key: refused
    if record.revoked_at:
        raise click.ClickException(
            cli.t(
                f"อุปกรณ์ {record.id} ถูกเพิกถอนไปแล้วเมื่อ {record.revoked_at} และยังคงถูกเพิกถอน "
                "อุปกรณ์ที่ถูกเพิกถอนลงทะเบียนใหม่ไม่ได้ (สร้างโฟลเดอร์ข้อมูลใหม่บนอุปกรณ์เพื่อได้กุญแจใหม่)",
                f"device {record.id} was revoked at {record.revoked_at} and stays revoked; a revoked device "
                "is not enrolled again (a new home folder on the device gives it a new key)",
            )
        )
    if known is not None:
        click.echo(
            cli.t(
                f"✓ อุปกรณ์นี้ลงทะเบียนไว้แล้วเมื่อ {known.enrolled_at[:16]} (ไม่มีอะไรเปลี่ยน)",
                f"✓ this device was enrolled already, at {known.enrolled_at[:16]} (nothing changed)",
            )
        )
    else:
        click.echo(cli.t("✓ ลงทะเบียนอุปกรณ์ในคลังข้อมูลกลางแล้ว", "✓ device enrolled in the central store"))
    _describe(cli, signed.enrolment)
    click.echo(
        cli.t(
            "ตรวจว่าลายนิ้วมือกุญแจตรงกับที่อุปกรณ์แสดง (prongsai device export บนอุปกรณ์นั้น)",
            "check that the key fingerprint matches the one the device showed (prongsai device export)",
        )
    )


@device.command("revoke")
@click.argument("device_id", metavar="ID")
@click.option("--reason", default="", help="Why (kept with the record).")
@click.pass_context
def revoke(ctx: click.Context, device_id: str, reason: str) -> None:
    """Stop accepting bundles from device ID (its events already imported stay)."""
    cli = get(ctx)
    with _store(cli) as store:
        record = store.device(device_id)
        if record is None:
            raise click.ClickException(
                cli.t(
                    f"ไม่พบอุปกรณ์ {device_id} ในคลังข้อมูลกลาง (ดูรายการด้วย prongsai device list)",
                    f"no device {device_id} in the central store (see prongsai device list)",
                )
            )
        if record.revoked_at:
            click.echo(
                cli.t(
                    f"อุปกรณ์ {device_id} ถูกเพิกถอนไปแล้วเมื่อ {record.revoked_at}",
                    f"device {device_id} was already revoked at {record.revoked_at}",
                )
            )
            return
        store.revoke(device_id, reason)
    click.echo(
        cli.t(
            f"✓ เพิกถอนอุปกรณ์ {device_id} แล้ว คลังข้อมูลกลางจะไม่รับข้อมูลจากอุปกรณ์นี้อีก",
            f"✓ device {device_id} revoked: the central store accepts nothing more from it",
        )
    )


@device.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_devices(ctx: click.Context, as_json: bool) -> None:
    """The devices enrolled in this home's central store (revoked ones marked)."""
    cli = get(ctx)
    with _store(cli) as store:
        records = list(store.devices())
    if as_json:
        rows = [dataclasses.asdict(r) for r in records]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not records:
        click.echo(cli.t("ยังไม่มีอุปกรณ์ที่ลงทะเบียน", "no device enrolled yet"))
        return
    for record in records:
        if record.revoked_at:
            status = cli.t(f"✗ เพิกถอนแล้ว {record.revoked_at[:16]}", f"✗ revoked {record.revoked_at[:16]}")
        else:
            status = cli.t("✓ ใช้งาน", "✓ active")
        if record.demo:
            status += cli.t(" · สาธิต (ไม่นับในรายงาน)", " · demo (not counted in reports)")
        role = _role(cli, record.role)
        # shown(): a name stored before names were checked shows its hidden characters as escapes
        click.echo(f"{record.id}  {pad(role, 16)}  {pad(shown(record.name), 28)}  {status}")
        if record.place:
            click.echo(f"    {cli.t('สถานที่', 'place')}: {shown(record.place)}")
        if record.revoked_reason:
            click.echo(f"    {cli.t('เหตุผลที่เพิกถอน', 'revoked because')}: {record.revoked_reason}")
        if record.demo_reason:
            click.echo(
                f"    {cli.t('เป็นอุปกรณ์สาธิตเพราะ', 'demo because')}: {_demo_reason(cli, record.demo_reason)}"
            )
    active = sum(1 for r in records if not r.revoked_at)
    demo = sum(1 for r in records if r.demo)
    click.echo(
        cli.t(
            f"ทั้งหมด {len(records)} เครื่อง ใช้งาน {active} เพิกถอน {len(records) - active} สาธิต {demo}",
            f"{len(records)} device(s): {active} active, {len(records) - active} revoked, {demo} demo",
        )
    )


# -- helpers ------------------------------------------------------------------------------------


@contextmanager
def _store(cli: CliContext) -> Iterator[CentralStore]:
    """This home's central store; its refusals (:class:`CentralError`) become the command's error."""
    try:
        store = CentralStore.open(cli.home)
    except (CentralError, sqlite3.Error) as exc:
        raise click.ClickException(
            cli.t(
                f"เปิดคลังข้อมูลกลางใน {cli.home} ไม่ได้: {exc}",
                f"cannot open the central store in {cli.home}: {exc}",
            )
        ) from None
    try:
        yield store
    except CentralError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


def _role(cli: CliContext, role: str) -> str:
    return cli.t(ROLE_TH.get(role, role), role)


def _demo_note(cli: CliContext) -> str:
    return cli.t(
        "อุปกรณ์สาธิต: ข้อมูลจำลองเท่านั้น ไม่นับในรายงาน",
        "demo device: simulated data only, never counted in a report",
    )


def _demo_reason(cli: CliContext, reason: str) -> str:
    if reason == DEMO_BY_ENROLMENT:
        return cli.t("ลงทะเบียนเป็นอุปกรณ์สาธิต", reason)
    found = re.fullmatch(r"simulated events in bundle (\w+) \(seq (\d+)\)", reason)
    if found:
        return cli.t(f"พบข้อมูลจำลองในชุดข้อมูล {found[1]} (ลำดับที่ {found[2]})", reason)
    return reason


def _describe(cli: CliContext, enrolment: Enrolment) -> None:
    click.echo(f"{cli.t('อุปกรณ์', 'device')}: {enrolment.device}")
    if enrolment.demo:
        click.echo(_demo_note(cli))
    if enrolment.name:
        click.echo(f"{cli.t('ชื่อ', 'name')}: {enrolment.name}")
    click.echo(f"{cli.t('บทบาท', 'role')}: {_role(cli, enrolment.role)}")
    if enrolment.place:
        click.echo(f"{cli.t('สถานที่', 'place')}: {enrolment.place}")
    fingerprint = key_fingerprint(enrolment.public_key)
    click.echo(f"{cli.t('ลายนิ้วมือกุญแจ', 'key fingerprint')}: {fingerprint}")
