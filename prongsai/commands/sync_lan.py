"""``prongsai sync serve`` and ``prongsai sync push URL``: bundles over the office LAN.

The central machine serves its store (``serve``); each device sends what the store does not have yet
(``push``). Exit codes of ``push``: 0 sent (or nothing pending), 1 refused or failed, 2 the server could
not be reached (nothing lost: the events wait in the device's log for the next push).
"""

from __future__ import annotations

import json
from typing import Any

import click

from prongsai.commands.sync import warn_if_kept_ack_damaged
from prongsai.context import CliContext, get, log_error, require_device
from surveys.log.device import DeviceError
from surveys.log.device_log import LogError
from sync.bundle import BundleError
from sync.importer import STATUS_TH, STATUSES
from sync.protocol import DEFAULT_PORT

FINGERPRINT_ENV = "PRONGSAI_SYNC_FINGERPRINT"
EXIT_OFFLINE = 2


@click.command("serve")
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
    from prongsai.commands.screens import show_fingerprint
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
        counts = _counts(reply.get("result", {}))
        summary = ", ".join(f"{_count_name(cli, k)} {v}" for k, v in counts.items())
        click.echo(f"{reply['device']} seq {reply['first_seq']}–{reply['last_seq']}: {summary}")

    try:
        serve_sync(cli.home, host, port, started, on_import=imported, certificate=certificate)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(cli.t("ปิดเครื่องรับข้อมูลแล้ว", "sync server stopped"))


@click.command("push")
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


def _counts(result: Any) -> dict[str, int]:
    source = result.get("counts", result) if isinstance(result, dict) else {}
    return {k: int(source.get(k, 0)) for k in STATUSES}


def _count_name(cli: CliContext, key: str) -> str:
    return cli.t(STATUS_TH.get(key, key), key)
