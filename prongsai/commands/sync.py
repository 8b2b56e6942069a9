"""``prongsai sync``: signed bundles on a USB stick or over the office LAN.

On a device, ``export`` writes the events the central store has not acknowledged into a folder (the
stick); on the central machine, ``import`` reads bundles into this home's central store and leaves an
acknowledgement beside each one, which the device's next ``export`` to that folder starts after.

Over the LAN the central machine serves its store (``serve``); each device sends what the store does not
have yet (``push``). Exit codes of ``push``: 0 sent (or nothing pending), 1 refused or failed, 2 the server
could not be reached (nothing lost: the events wait in the device's log for the next push).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from prongsai.commands._fingerprint import show_fingerprint
from prongsai.context import CliContext, get, log_error, os_error_message, require_device
from surveys.log.device import Device, DeviceError
from surveys.log.device_log import LogError
from surveys.log.home import log_dir
from sync.ack import ACKED, AckError, accept_ack, ack_path, acked, read_ack, write_ack
from sync.bundle import SUFFIX, BundleError
from sync.central import REFUSAL_TH, CentralError, CentralStore, ImportResult
from sync.importer import DUPLICATE, STATUS_TH, STATUSES
from sync.protocol import DEFAULT_PORT

PROGRESS_FROM = 20_000  # events: a bundle this big gets a progress bar on stderr
SHOW_NOTES = 20  # conflicts and rejections listed per bundle (all of them are in --json)
FINGERPRINT_ENV = "PRONGSAI_SYNC_FINGERPRINT"
EXIT_OFFLINE = 2


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
    from sync.usb import ExportError, export_bundle, export_place

    cli = get(ctx)
    device = require_device(cli)
    try:
        place = export_place(out if out is not None else Path.cwd())
    except ExportError as exc:
        raise click.ClickException(exc.text(cli.lang)) from None
    log = log_dir(cli.home)
    if from_seq is None:
        from_seq = _after_ack(cli, device, place.folder, log)
    try:
        exported = export_bundle(device, log, place, from_seq)
    except LogError as exc:
        raise log_error(cli, exc) from None
    except BundleError as exc:
        raise click.ClickException(cli.t(f"ส่งออกไม่ได้: {exc}", f"can't export: {exc}")) from None
    except OSError as exc:
        message = os_error_message(cli, exc)
        raise click.ClickException(
            cli.t(f"ส่งออกไม่ได้ ไม่มีอะไรถูกเขียน: {message}", f"can't export, nothing was written: {message}")
        ) from None
    if exported is None:
        click.echo(
            cli.t(f"ไม่มีข้อมูลใหม่ที่ต้องส่ง (ตั้งแต่ seq {from_seq})", f"nothing new to send (from seq {from_seq})")
        )
        return
    file, manifest = exported.file, exported.manifest
    click.echo(
        cli.t(
            f"✓ เขียนชุดข้อมูล {file}: seq {manifest.first_seq}–{manifest.last_seq} ({manifest.count} เหตุการณ์)",
            f"✓ wrote {file}: seq {manifest.first_seq}–{manifest.last_seq} ({manifest.count} events)",
        )
    )


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


# -- over the office LAN ----------------------------------------------------------------------------


@sync.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on: this machine's LAN address, or 0.0.0.0 for every interface.",
)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--tls",
    "force_tls",
    is_flag=True,
    help="Serve TLS on 127.0.0.1 too (it always does on any other address).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, force_tls: bool) -> None:
    """Receive devices' bundles over the LAN into this home's central store (until Ctrl+C)."""
    from sync.sync_server import serve_sync
    from sync.tls import SYNC_TLS, is_loopback, server_certificate

    cli = get(ctx)
    try:
        tls = server_certificate(cli.home / SYNC_TLS, "prongsai sync")
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    certificate = tls if force_tls or not is_loopback(host) else None
    scheme = "https" if certificate else "http"

    def started(bound_host: str, bound_port: int) -> None:
        click.echo(
            cli.t(
                f"เครื่องกลางรอรับข้อมูลที่ {scheme}://{bound_host}:{bound_port} (คลังข้อมูล {cli.home}) "
                "กด Ctrl+C เพื่อหยุด",
                f"sync server listening on {scheme}://{bound_host}:{bound_port} (store in {cli.home}); "
                "Ctrl+C stops it",
            )
        )
        if bound_host in ("127.0.0.1", "localhost", "::1"):
            click.echo(
                cli.t(
                    "  รับเฉพาะจากเครื่องนี้: ให้อุปกรณ์อื่นส่งได้ด้วย --host ที่อยู่ของเครื่องนี้ในวงแลน",
                    "  this machine only: for other devices, give --host this machine's LAN address",
                )
            )
        if certificate:
            show_fingerprint(cli, certificate.fingerprint)
            click.echo(
                f"  prongsai sync push {scheme}://{bound_host}:{bound_port} --fingerprint {tls.fingerprint}"
            )

    def imported(reply: dict[str, Any]) -> None:
        counts = _reply_counts(reply.get("result", {}))
        summary = ", ".join(f"{_count_name(cli, k)} {v}" for k, v in counts.items())
        click.echo(f"{reply['device']} seq {reply['first_seq']}–{reply['last_seq']}: {summary}")

    try:
        serve_sync(cli.home, host, port, started, on_import=imported, certificate=certificate)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(cli.t("ปิดเครื่องรับข้อมูลแล้ว", "sync server stopped"))


@sync.command("push")
@click.argument("url")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for the server.")
@click.option(
    "--fingerprint",
    default=None,
    envvar=FINGERPRINT_ENV,
    help=f"The sync server certificate's fingerprint that `sync serve` printed (also ${FINGERPRINT_ENV}); "
    "needed off this machine.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def push(ctx: click.Context, url: str, timeout: float, fingerprint: str | None, as_json: bool) -> None:
    """Send this device's pending events to the sync server at URL (e.g. 192.168.1.10)."""
    from sync.sync_client import SyncError, SyncUnreachable
    from sync.sync_client import push as push_bundle

    cli = get(ctx)
    require_device(cli)
    warn_if_kept_ack_damaged(cli)
    try:
        result = push_bundle(cli.home, url, timeout=timeout, fingerprint=fingerprint)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="URL") from None
    except LogError as exc:
        raise log_error(cli, exc) from None
    except (DeviceError, BundleError) as exc:
        raise click.ClickException(str(exc)) from None
    except SyncUnreachable as exc:
        click.echo(exc.text(cli.lang), err=True)
        ctx.exit(EXIT_OFFLINE)
    except SyncError as exc:
        raise click.ClickException(exc.text(cli.lang)) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    _report(cli, result.to_dict())


def _report(cli: CliContext, data: dict[str, Any]) -> None:
    seq, head = data["checkpoint"]["last_seq"], data["checkpoint"]["head"]
    if data["sent"] == 0:
        click.echo(
            cli.t(
                f"ไม่มีข้อมูลค้างส่ง: เครื่องกลาง ({data['url']}) มีเหตุการณ์ของ {data['device']} ครบถึงลำดับ {seq}",
                f"nothing pending: the server at {data['url']} "
                f"holds {data['device']}'s events up to seq {seq}",
            )
        )
    else:
        click.echo(
            cli.t(
                f"ส่งเหตุการณ์ลำดับ {data['first_seq']}–{data['last_seq']} ({data['sent']} รายการ) "
                f"ของ {data['device']} ไปยัง {data['url']}",
                f"sent seq {data['first_seq']}–{data['last_seq']} ({data['sent']} events) "
                f"of {data['device']} to {data['url']}",
            )
        )
        counts = data["counts"]
        click.echo("  " + " · ".join(f"{_count_name(cli, k)} {counts[k]}" for k in STATUSES))
        for reason in data["reasons"][:10]:
            click.echo(f"  - {reason if isinstance(reason, str) else json.dumps(reason, ensure_ascii=False)}")
    click.echo(
        cli.t(
            f"จุดยืนยัน (ack): ลำดับ {seq}  แฮช {head[:16]}…",
            f"checkpoint (acknowledged): seq {seq}  head {head[:16]}…",
        )
    )
    if seq < data["acked_before"]:
        click.echo(
            cli.t(
                f"คำเตือน: เครื่องกลางยืนยันน้อยกว่าครั้งก่อน (ลำดับ {data['acked_before']}) "
                "คลังข้อมูลกลางอาจถูกกู้คืนจากข้อมูลสำรอง ข้อมูลที่ขาดจะถูกส่งใหม่",
                f"warning: the server acknowledges less than before (seq {data['acked_before']}): the "
                "central store may have been restored from a backup; what it lacks is being sent again",
            ),
            err=True,
        )
    if data["sent"] and seq < data["last_seq"]:
        click.echo(
            cli.t(
                f"เครื่องกลางรับได้ถึงลำดับ {seq} เท่านั้น ดูเหตุผลด้านบน",
                f"the central store accepted up to seq {seq} only; see the reasons above",
            ),
            err=True,
        )


def _reply_counts(result: Any) -> dict[str, int]:
    source = result.get("counts", result) if isinstance(result, dict) else {}
    return {k: int(source.get(k, 0)) for k in STATUSES}


def _count_name(cli: CliContext, key: str) -> str:
    return cli.t(STATUS_TH.get(key, key), key)
