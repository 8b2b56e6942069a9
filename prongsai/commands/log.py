"""``prongsai verify``: is this device's log whole?"""

from __future__ import annotations

import json
import sys

import click

from prongsai.context import get
from surveys.chain import verify_log
from surveys.device import IDENTITY_FILE, DeviceError, load_device
from surveys.home import log_dir


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def verify(ctx: click.Context, as_json: bool) -> None:
    """Walk this device's hash chain. Exit 0 when whole; otherwise name the first bad event."""
    cli = get(ctx)
    if not (cli.home / IDENTITY_FILE).exists():
        raise click.ClickException(
            cli.t(
                f"ไม่มีอุปกรณ์ในโฟลเดอร์ {cli.home} (ใช้ --home เพื่อระบุโฟลเดอร์ที่ถูกต้อง)",
                f"no device in {cli.home} (use --home to point at the right folder)",
            )
        )
    try:
        device_id = load_device(cli.home).id
    except DeviceError as exc:
        raise click.ClickException(str(exc)) from None
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
