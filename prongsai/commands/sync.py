"""``prongsai sync``: signed bundles on a USB stick.

On a device, ``export`` writes the events the central store has not acknowledged into a folder (the
stick); on the central machine, ``import`` reads bundles into this home's central store and leaves an
acknowledgement beside each one, which the device's next ``export`` to that folder starts after.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from prongsai.context import CliContext, get, log_error, os_error_message, require_device, shown_path
from surveys.log.atomic import fsync_dir
from surveys.log.device import Device
from surveys.log.device_log import LogError
from surveys.log.home import log_dir
from sync.ack import ACKED, AckError, accept_ack, ack_path, acked, read_ack, write_ack
from sync.bundle import SUFFIX, BundleError, write_bundle
from sync.central import REFUSAL_TH, CentralError, CentralStore, ImportResult
from sync.importer import DUPLICATE, STATUS_TH, STATUSES

PROGRESS_FROM = 20_000  # events: a bundle this big gets a progress bar on stderr
SHOW_NOTES = 20  # conflicts and rejections listed per bundle (all of them are in --json)


@click.group()
def sync() -> None:
    """Signed bundles on a USB stick: export this device's events, import bundles centrally."""


# -- export -----------------------------------------------------------------------------------------


@sync.command("export")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="A folder (default: the current folder) or a .psb file name.",
)
@click.option(
    "--from-seq",
    type=click.IntRange(min=1),
    default=None,
    help="First seq to send (default: the one after what the central store acknowledged).",
)
@click.pass_context
def export(ctx: click.Context, out: Path | None, from_seq: int | None) -> None:
    """Write this device's events as a signed bundle (.psb) for the central store."""
    cli = get(ctx)
    device = require_device(cli)
    folder, file = _out_place(cli, out if out is not None else Path.cwd())
    log = log_dir(cli.home)
    if from_seq is None:
        from_seq = _after_ack(cli, device, folder, log)
    part = file or folder / f"{device.id}-from-{from_seq:08d}{SUFFIX}.part"
    try:
        manifest = write_bundle(device, log, part, from_seq)
        if manifest is not None and file is None:
            final = folder / f"{device.id}_{manifest.first_seq:08d}-{manifest.last_seq:08d}{SUFFIX}"
            os.replace(part, final)
            file = final
            fsync_dir(folder)
    except LogError as exc:
        raise log_error(cli, exc) from None
    except BundleError as exc:
        raise click.ClickException(cli.t(f"ส่งออกไม่ได้: {exc}", f"can't export: {exc}")) from None
    except OSError as exc:
        if file is None:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
            if shown_path(exc.filename) == str(part):
                exc.filename = str(folder)  # the folder the user named, not our file in progress
        message = os_error_message(cli, exc)
        raise click.ClickException(
            cli.t(f"ส่งออกไม่ได้ ไม่มีอะไรถูกเขียน: {message}", f"can't export, nothing was written: {message}")
        ) from None
    if manifest is None or file is None:
        click.echo(
            cli.t(f"ไม่มีข้อมูลใหม่ที่ต้องส่ง (ตั้งแต่ seq {from_seq})", f"nothing new to send (from seq {from_seq})")
        )
        return
    click.echo(
        cli.t(
            f"✓ เขียนชุดข้อมูล {file}: seq {manifest.first_seq}–{manifest.last_seq} ({manifest.count} เหตุการณ์)",
            f"✓ wrote {file}: seq {manifest.first_seq}–{manifest.last_seq} ({manifest.count} events)",
        )
    )


def _out_place(cli: CliContext, target: Path) -> tuple[Path, Path | None]:
    """The folder a bundle goes into and, for ``--out NAME.psb``, its file. A missing folder is never
    made: an unmounted USB stick must not turn into a folder on the local disk."""
    if target.is_dir():
        return target, None
    if target.exists():
        if target.suffix == SUFFIX:
            raise click.ClickException(
                cli.t(
                    f"มีไฟล์ {target} อยู่แล้ว ไม่เขียนทับ: ตั้งชื่ออื่น ระบุโฟลเดอร์แทน หรือย้ายไฟล์เดิมออกก่อน",
                    f"{target} already exists and is not overwritten: give another name, a folder, "
                    "or move the old file away first",
                )
            )
        raise click.ClickException(
            cli.t(
                f"{target} เป็นไฟล์ ไม่ใช่โฟลเดอร์: ระบุโฟลเดอร์ (เช่น แฟลชไดรฟ์) หรือชื่อไฟล์ที่ลงท้ายด้วย {SUFFIX}",
                f"{target} is a file, not a folder: give a folder (the USB stick, say) "
                f"or a name ending in {SUFFIX}",
            )
        )
    folder = target.parent if target.suffix == SUFFIX else target
    if not folder.is_dir():
        raise click.ClickException(
            cli.t(
                f"ไม่มีโฟลเดอร์ {folder}: ตรวจสอบว่าเสียบแฟลชไดรฟ์แล้ว และพิมพ์ชื่อโฟลเดอร์ถูกต้อง "
                "(prongsai ไม่สร้างโฟลเดอร์ให้ เพื่อไม่ให้ข้อมูลไปอยู่บนดิสก์ของเครื่องโดยไม่รู้ตัว) ไม่มีอะไรถูกเขียน",
                f"there is no folder {folder}: check that the USB stick is plugged in and the path is right "
                "(prongsai does not create it, so that a bundle never lands on the local disk unnoticed); "
                "nothing was written",
            )
        )
    return (folder, target) if target.suffix == SUFFIX else (target, None)


def _after_ack(cli: CliContext, device: Device, folder: Path, log: Path) -> int:
    """The seq after what the central store acknowledged (an ack in ``folder``, else the last kept)."""
    kept_ack_damaged = warn_if_kept_ack_damaged(cli)
    path = ack_path(folder, device.id)
    try:
        ack = read_ack(path)
    except AckError as exc:
        click.echo(cli.t(f"คำเตือน: ไม่ใช้ไฟล์ตอบรับ {exc}", f"warning: ack not used: {exc}"), err=True)
        ack = None
    if ack is not None and not accept_ack(cli.home, device.id, log, ack):
        click.echo(
            cli.t(
                f"คำเตือน: ไม่เชื่อไฟล์ตอบรับ {path}: แฮชของ seq {ack.last_seq} ไม่ตรงกับบันทึกของอุปกรณ์นี้",
                f"warning: ignored {path}: its head for seq {ack.last_seq} is not this log's event",
            ),
            err=True,
        )
    known = acked(cli.home)
    if known is None and kept_ack_damaged:
        click.echo(
            cli.t(
                "คำเตือน: การส่งออกครั้งนี้จึงเริ่มที่ seq 1 (คลังข้อมูลกลางไม่เก็บเหตุการณ์ซ้ำ)",
                "warning: so this export starts at seq 1 (the central store keeps nothing twice)",
            ),
            err=True,
        )
    return (known.last_seq if known else 0) + 1


def warn_if_kept_ack_damaged(cli: CliContext) -> bool:
    """Say on stderr that this device's kept acknowledgement (``home/sync/acked.json``) is damaged, and
    that it is not used; True if it is. The next acknowledgement from the central store replaces it."""
    try:
        read_ack(cli.home / ACKED)
    except AckError as exc:
        click.echo(
            cli.t(
                f"คำเตือน: ไฟล์ตอบรับที่เก็บไว้เสียหาย จึงไม่ใช้ และจะถูกแทนที่ด้วยการตอบรับครั้งถัดไปจากคลังข้อมูลกลาง: {exc}",
                "warning: the kept acknowledgement is damaged, so it is not used; the next one from the "
                f"central store replaces it: {exc}",
            ),
            err=True,
        )
        return True
    return False


# -- import -----------------------------------------------------------------------------------------


@sync.command("import")
@click.argument("bundles", metavar="BUNDLE...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def import_(ctx: click.Context, bundles: tuple[Path, ...], as_json: bool) -> None:
    """Import BUNDLE files (or every .psb in a folder) into this home's central store."""
    cli = get(ctx)
    paths = _bundle_files(cli, bundles)
    records: list[dict[str, Any]] = []
    results: list[ImportResult] = []
    try:
        store = CentralStore.open(cli.home)
    except (CentralError, OSError, sqlite3.Error) as exc:
        raise click.ClickException(
            cli.t(
                f"เปิดคลังข้อมูลกลางใน {cli.home} ไม่ได้: {exc}",
                f"can't open the central store in {cli.home}: {exc}",
            )
        ) from None
    with store:
        for path in paths:
            result = _import_one(cli, store, path)
            ack = _acknowledge(cli, path, result)
            results.append(result)
            records.append({**result.to_dict(), "ack": str(ack) if ack else None})
            if not as_json:
                _print_result(cli, result)
    refused = sum(1 for r in results if not r.ok)
    if as_json:
        total = {status: sum(r.counts[status] for r in results) for status in STATUSES}
        data = {"ok": refused == 0, "total": total, "refused": refused, "bundles": records}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif len(results) > 1:
        totals = {status: sum(r.counts[status] for r in results) for status in STATUSES}
        click.echo(cli.t("รวม: ", "total: ") + _counts(cli, totals))
    sys.exit(1 if refused else 0)


def _bundle_files(cli: CliContext, given: tuple[Path, ...]) -> list[Path]:
    paths: list[Path] = []
    for path in given:
        if path.is_dir():
            found = sorted(p for p in path.glob(f"*{SUFFIX}") if not p.name.startswith("."))
            if not found:
                raise click.ClickException(cli.t(f"ไม่มีไฟล์ {SUFFIX} ใน {path}", f"no {SUFFIX} file in {path}"))
            paths.extend(found)
        else:
            paths.append(path)
    return paths


def _import_one(cli: CliContext, store: CentralStore, path: Path) -> ImportResult:
    with contextlib.ExitStack() as stack:
        bar: list[Any] = []

        def progress(done: int, total: int) -> None:
            if not bar:
                if total < PROGRESS_FROM:
                    return
                label = cli.t(f"กำลังนำเข้า {path.name}", f"importing {path.name}")
                bar.append(stack.enter_context(click.progressbar(length=total, label=label, file=sys.stderr)))
            bar[0].update(done - bar[0].pos)

        try:
            result = store.import_bundle(path, progress)
        except sqlite3.Error as exc:
            raise click.ClickException(
                cli.t(
                    f"นำเข้า {path} ไม่ได้: เขียนคลังข้อมูลกลาง {store.path} ไม่ได้ ({exc}) "
                    "ไม่มีข้อมูลใดของชุดนี้ถูกบันทึก แก้ปัญหา (เช่น พื้นที่ดิสก์) แล้วนำเข้าใหม่",
                    f"can't import {path}: the central store {store.path} could not be written ({exc}); "
                    "nothing of this bundle was stored. Fix the cause (disk space, say) and import again",
                )
            ) from None
    return result


def _acknowledge(cli: CliContext, path: Path, result: ImportResult) -> Path | None:
    if not result.ok or result.device is None:
        return None
    try:
        return write_ack(path.parent, result.device, result.checkpoint, result.head)
    except OSError as exc:
        click.echo(
            cli.t(
                f"คำเตือน: เขียนไฟล์ตอบรับใน {path.parent} ไม่ได้ ({exc.strerror})",
                f"warning: can't write the ack in {path.parent} ({exc.strerror})",
            ),
            err=True,
        )
        return None


def _counts(cli: CliContext, counts: dict[str, int]) -> str:
    if cli.lang == "th":
        return " · ".join(f"{STATUS_TH[s]} {counts[s]}" for s in STATUSES)
    return " · ".join(f"{s} {counts[s]}" for s in STATUSES)


def _print_result(cli: CliContext, result: ImportResult) -> None:
    device = result.device or "?"
    if not result.ok:
        code = result.refused_code or ""
        why = result.refused or ""
        th = f"{REFUSAL_TH[code]} ({why})" if code in REFUSAL_TH else why
        who = cli.t(f"อุปกรณ์ {device}: ", f"device {device}: ") if result.device else ""
        click.echo(
            cli.t(f"✗ {result.file}: {who}ไม่รับทั้งชุด: {th}", f"✗ {result.file}: {who}bundle refused: {why}")
        )
        return
    span = f"seq {result.first_seq}–{result.last_seq}"
    click.echo(
        cli.t(f"✓ {result.file}: อุปกรณ์ {device} {span}: ", f"✓ {result.file}: device {device} {span}: ")
        + _counts(cli, result.counts)
    )
    if result.already_imported:
        click.echo(cli.t("  นำเข้าไฟล์นี้ไปแล้ว ไม่มีอะไรเปลี่ยน", "  this file was imported before: nothing changed"))
    problems = [n for n in result.reasons if n.status != DUPLICATE]
    for note in problems[:SHOW_NOTES]:
        click.echo(f"  ✗ {device} {note.text(cli.lang)} ({result.file})")
    hidden = result.counts["conflict"] + result.counts["rejected"] - min(len(problems), SHOW_NOTES)
    if hidden > 0:
        click.echo(cli.t(f"  … และอีก {hidden} รายการ (ดูทั้งหมดด้วย --json)", f"  … and {hidden} more (--json)"))
    for text in result.gap_texts(cli.lang):
        click.echo(f"  {text}")
    click.echo(
        cli.t(
            f"  สายโซ่ของอุปกรณ์นี้ในคลังกลางครบถ้วนถึง seq {result.checkpoint}",
            f"  the central store holds this device's chain whole up to seq {result.checkpoint}",
        )
    )
