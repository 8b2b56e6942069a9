"""``prongsai terminals``: the office's terminals (kiosk, counter N, board), one credential each.

Run on the office PC (the one that runs ``prongsai serve``). ``add`` prints a terminal's credential
once (text and QR code): type or scan it into that terminal (``--key`` or $PRONGSAI_OFFICE_KEY).
The office keeps only its hash. ``revoke`` refuses it at once, even while the office runs.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict

import click

from prongsai.context import CliContext, get, pad
from sync.terminals import TerminalError, add_terminal, check_role, load_terminals, revoke_terminal

ROLE_TH = {"kiosk": "ตู้ออกบัตรคิว/ประเมิน", "board": "จอแสดงคิว", "complaints": "โต๊ะรับเรื่องร้องเรียน"}


def _role(cli: CliContext, role: str) -> str:
    if role.startswith("counter:"):
        number = role.split(":", 1)[1]
        return cli.t(f"ช่องบริการ {number}", f"counter {number}")
    return cli.t(ROLE_TH.get(role, role), role)


def _fail(cli: CliContext, exc: TerminalError) -> click.ClickException:
    return click.ClickException(cli.t(exc.th, exc.en))


@click.group()
def terminals() -> None:
    """The office's terminals: add (a credential with its role), list, revoke."""


@terminals.command("add")
@click.option(
    "--role",
    required=True,
    help="kiosk, board, complaints (the complaint desk), or counter:N (N the counter's number).",
)
@click.option("--name", default=None, help="A name to tell it by (e.g. 'ช่อง 2 ชั้นล่าง').")
@click.option("--no-qr", is_flag=True, help="Do not draw the QR code.")
@click.pass_context
def add(ctx: click.Context, role: str, name: str | None, no_qr: bool) -> None:
    """Add a terminal with ROLE; prints its credential once (text and QR code)."""
    cli = get(ctx)
    if name is not None and (
        not name.strip() or any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in name)
    ):
        raise click.ClickException(
            cli.t(
                "ชื่อเครื่องต้องไม่ว่าง และมีได้เฉพาะตัวอักษรที่มองเห็น (ไม่มีอักขระควบคุมหรืออักขระกลับทิศ)",
                "the name must not be empty and may hold only visible characters (no control or "
                "direction-changing characters)",
            )
        )
    try:
        check_role(role)
        terminal, credential = add_terminal(cli.home, role, name)
    except TerminalError as exc:
        raise _fail(cli, exc) from None
    except OSError as exc:
        raise click.ClickException(
            cli.t(f"บันทึกไม่สำเร็จ: {exc}", f"could not save the terminal: {exc}")
        ) from None
    click.echo(
        cli.t(
            f"✓ เพิ่มเครื่องปลายทาง {terminal.id} ({_role(cli, role)}) แล้ว",
            f"✓ terminal {terminal.id} ({_role(cli, role)}) added",
        )
    )
    click.echo(
        cli.t("รหัสของเครื่องนี้ (แสดงครั้งเดียว เก็บเป็นความลับ):", "its credential (shown once, keep it secret):")
    )
    click.echo(f"  {credential}")
    if not no_qr:
        from sync.qr import terminal_qr

        click.echo(terminal_qr(credential), nl=False)
    from sync.tls import OFFICE_TLS, format_fingerprint, read_fingerprint

    command = {"kiosk": "kiosk", "board": "board", "complaints": "complaints add …"}.get(
        role, f"counter {terminal.counter}"
    )
    fingerprint = read_fingerprint(cli.home / OFFICE_TLS)  # made by the office's first start
    pin = (
        f' --fingerprint "{format_fingerprint(fingerprint)}"'
        if fingerprint
        else cli.t(
            " --fingerprint <ลายนิ้วมือที่ prongsai serve แสดง>", " --fingerprint <what prongsai serve shows>"
        )
    )
    if role == "complaints":
        click.echo(cli.t("บนเครื่องนั้น รับเรื่องร้องเรียนด้วย:", "on that terminal, take complaints with:"))
    else:
        click.echo(cli.t("บนเครื่องนั้น เปิดหน้าจอด้วย:", "on that terminal, start its screen with:"))
    click.echo(
        f"  PRONGSAI_OFFICE_KEY=<{cli.t('รหัส', 'credential')}> prongsai {command} "
        f"--office https://<{cli.t('ที่อยู่สำนักงาน', 'office address')}>:8568{pin}"
    )


@terminals.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (without the secrets' hashes).")
@click.pass_context
def list_terminals(ctx: click.Context, as_json: bool) -> None:
    """The office's terminals and their roles (revoked ones marked)."""
    cli = get(ctx)
    try:
        found = load_terminals(cli.home)
    except TerminalError as exc:
        raise _fail(cli, exc) from None
    if as_json:
        rows = [{k: v for k, v in asdict(t).items() if k != "secret_sha256"} for t in found]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(
            cli.t(
                "ยังไม่มีเครื่องปลายทาง เพิ่มด้วย prongsai terminals add --role kiosk|counter:N|board",
                "no terminal yet: add one with prongsai terminals add --role kiosk|counter:N|board",
            )
        )
        return
    for terminal in found:
        if terminal.revoked:
            status = cli.t(f"✗ เพิกถอนแล้ว {terminal.revoked[:16]}", f"✗ revoked {terminal.revoked[:16]}")
        else:
            status = cli.t("✓ ใช้งาน", "✓ active")
        name = "" if terminal.name == terminal.id else terminal.name
        click.echo(f"{pad(terminal.id, 16)}  {pad(_role(cli, terminal.role), 22)}  {pad(name, 24)}  {status}")


@terminals.command("revoke")
@click.argument("terminal_id", metavar="ID")
@click.pass_context
def revoke(ctx: click.Context, terminal_id: str) -> None:
    """Refuse terminal ID's credential from now on (the running office too)."""
    cli = get(ctx)
    try:
        terminal = revoke_terminal(cli.home, terminal_id)
    except TerminalError as exc:
        raise _fail(cli, exc) from None
    click.echo(
        cli.t(
            f"✓ เพิกถอนเครื่องปลายทาง {terminal.id} แล้ว สำนักงานจะไม่รับคำขอจากเครื่องนี้อีก",
            f"✓ terminal {terminal.id} revoked: the office accepts nothing more from it",
        )
    )
