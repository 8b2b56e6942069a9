"""``prongsai verify``: is this device's log whole?"""

from __future__ import annotations

import json
import sqlite3
import sys

import click

from prongsai.context import CliContext, get, require_device
from surveys.chain import verify_log
from surveys.home import log_dir


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--central", is_flag=True, help="Re-verify every device's chain in this home's central store instead."
)
@click.pass_context
def verify(ctx: click.Context, as_json: bool, central: bool) -> None:
    """Walk this device's hash chain (with --central: every chain in the central store).

    Exit 0 when whole; otherwise name the first bad event.
    """
    cli = get(ctx)
    if central:
        verify_central(cli, as_json)
        return
    device_id = require_device(cli).id
    report = verify_log(log_dir(cli.home), device_id)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        sys.exit(0 if report.ok else 1)
    if report.ok:
        span = f"seq {report.first_seq}–{report.last_seq}" if report.events else cli.t("ยังไม่มี", "none yet")
        click.echo(
            cli.t(
                f"✓ สายโซ่ครบถ้วน: {report.events} เหตุการณ์ ({span}) อุปกรณ์ {device_id}",
                f"✓ chain whole: {report.events} events ({span}) on device {device_id}",
            )
        )
        click.echo(cli.t(f"  แฮชล่าสุด {report.head}", f"  head {report.head}"))
        return
    first = report.problems[0]
    click.echo(cli.t("✗ สายโซ่ไม่ครบถ้วน", "✗ chain NOT whole"), err=False)
    click.echo(cli.t("  เหตุการณ์แรกที่ผิด: ", "  first bad event: ") + first.describe(cli.lang))
    for problem in report.problems[1:20]:
        click.echo("  - " + problem.describe(cli.lang))
    if len(report.problems) > 20:
        click.echo(
            cli.t(
                f"  … และอีก {len(report.problems) - 20} รายการ", f"  … and {len(report.problems) - 20} more"
            )
        )
    sys.exit(1)


def verify_central(cli: CliContext, as_json: bool) -> None:
    """One line per device of the central store; exit 0 when every chain is whole from seq 1."""
    from sync.central import FILE_NAME, CentralError, CentralStore

    path = cli.home / FILE_NAME
    if not path.exists():
        raise click.ClickException(
            cli.t(
                f"ไม่มีคลังข้อมูลกลางใน {cli.home} (ใช้ --home เพื่อระบุโฟลเดอร์ที่ถูกต้อง)",
                f"no central store in {cli.home} (use --home to point at the right folder)",
            )
        )
    try:
        with CentralStore(path) as store:
            reports = store.verify()
    except (CentralError, sqlite3.Error) as exc:
        raise click.ClickException(
            cli.t(f"อ่านคลังข้อมูลกลาง {path} ไม่ได้: {exc}", f"can't read the central store {path}: {exc}")
        ) from None
    ok = all(report.ok for report in reports)
    if as_json:
        click.echo(
            json.dumps({"ok": ok, "devices": [r.to_dict() for r in reports]}, ensure_ascii=False, indent=2)
        )
        sys.exit(0 if ok else 1)
    for report in reports:
        span = f"seq {report.first_seq}–{report.last_seq}" if report.events else cli.t("ยังไม่มี", "none yet")
        if report.ok:
            click.echo(
                cli.t(
                    f"✓ {report.device}: สายโซ่ครบถ้วน {report.events} เหตุการณ์ ({span})",
                    f"✓ {report.device}: chain whole, {report.events} events ({span})",
                )
            )
            continue
        first = report.problems[0]
        more = len(report.problems) - 1
        extra = cli.t(f" (และอีก {more} ปัญหา)", f" (and {more} more)") if more else ""
        head = cli.t(
            f"✗ {report.device}: สายโซ่ไม่ครบถ้วน ({report.events} เหตุการณ์)",
            f"✗ {report.device}: chain NOT whole ({report.events} events)",
        )
        click.echo(f"{head}: {first.describe(cli.lang)}{extra}")
    if not reports:
        click.echo(cli.t("คลังข้อมูลกลางยังไม่มีอุปกรณ์", "the central store has no device yet"))
    sys.exit(0 if ok else 1)
