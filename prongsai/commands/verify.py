"""``prongsai verify``: is this device's log whole, and does it reach the heads recorded apart from it?

The chain walk finds edits, deletions, insertions and reorderings; a cut tail it finds only by comparing
with the log's high-water mark and the central store's last acknowledgement. What neither can see is
said with every report, in text and in ``--json``. Verification only reads.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import click

from prongsai.context import CliContext, get, require_device
from surveys.log.chain import CANNOT_DETECT, SOURCE_EN, SOURCE_TH, ChainReport, HeadClaim, verify_log
from surveys.log.device_log import FoldFailure, journal_state
from surveys.log.home import log_dir
from sync.ack import ACKED, AckError, read_ack


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
    claims, warnings, ack_damaged = _acknowledged(cli, device_id)
    report = verify_log(log_dir(cli.home), device_id, claims)
    journal = journal_state(log_dir(cli.home))
    if journal.failure is not None:
        warnings.append(_fold_failed(cli, journal.pending, journal.failure))
    whole = report.ok and not ack_damaged
    if as_json:
        failure = journal.failure
        data = {
            **report.to_dict(),
            "warnings": warnings,
            "journal": {
                "pending": journal.pending,
                "last_fold_failure": {"at": failure.at, "reason": failure.reason} if failure else None,
            },
            "cannot_detect": {"th": CANNOT_DETECT[0], "en": CANNOT_DETECT[1]},
        }
        data["ok"] = whole
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        sys.exit(0 if whole else 1)
    for warning in warnings:
        click.echo(cli.t("คำเตือน: ", "warning: ") + warning, err=True)
    _report_device(cli, device_id, report)
    click.echo(_compared(cli, report))
    click.echo(cli.t("  หมายเหตุ: ", "  note: ") + cli.t(*CANNOT_DETECT))
    sys.exit(0 if whole else 1)


def _acknowledged(cli: CliContext, device_id: str) -> tuple[list[HeadClaim], list[str], bool]:
    """The central store's last acknowledgement that this device kept, as a head to compare with; the
    warnings to show; and whether the acknowledgement is damaged (then the log is not proven whole: like
    a damaged high-water mark, a damaged acknowledgement may hide a cut tail)."""
    path = cli.home / ACKED
    try:
        ack = read_ack(path)
    except AckError as exc:
        return (
            [],
            [
                cli.t(
                    f"ไฟล์ตอบรับจากคลังข้อมูลกลางเสียหาย จึงพิสูจน์ไม่ได้ว่าบันทึกครบ: {exc}",
                    f"the central store's acknowledgement is damaged, so the log can't be shown whole: {exc}",
                )
            ],
            True,
        )
    if ack is None or ack.last_seq == 0:
        return [], [], False
    if ack.device != device_id:
        return (
            [],
            [
                cli.t(
                    f"ไม่ใช้ไฟล์ตอบรับ {path}: เป็นของอุปกรณ์ {ack.device}",
                    f"the acknowledgement {path} is for device {ack.device}, not used",
                )
            ],
            False,
        )
    return [HeadClaim("ack", ack.last_seq, ack.head, ack.at, str(Path(ACKED)))], [], False


def _fold_failed(cli: CliContext, pending: int, failure: FoldFailure) -> str:
    """The warning for a journal that the office could not fold into the day files."""
    when = f" ({failure.at})" if failure.at else ""
    return cli.t(
        f"เจอร์นัลยังมี {pending} เหตุการณ์ที่ยังไม่ได้รวมเข้าไฟล์รายวัน เพราะการรวมครั้งล่าสุดล้มเหลว{when}: "
        f"{failure.reason} เหตุการณ์ยังอยู่ครบในเจอร์นัล แต่เจอร์นัลจะโตขึ้นเรื่อย ๆ จนกว่าจะรวมได้ "
        "ให้เพิ่มพื้นที่ดิสก์ (หรือแก้สาเหตุ) สำนักงานจะลองรวมใหม่ทุกครั้งที่มีเหตุการณ์ใหม่",
        f"the journal holds {pending} events not yet folded into the day files: the last fold "
        f"failed{when}: {failure.reason}. The events are safe in the journal, but it grows until a fold "
        "succeeds: free disk space (or fix the cause); the office tries again with each new event",
    )


def _compared(cli: CliContext, report: ChainReport) -> str:
    """One line: which heads recorded apart from the log it was compared with."""
    parts = []
    for source in ("mark", "ack"):
        claim = next((c for c in report.claims if c.source == source), None)
        label = cli.t(SOURCE_TH[source], SOURCE_EN[source])
        if claim is not None:
            parts.append(
                cli.t(
                    f"{label} seq {claim.seq} ({claim.at[:10]})",
                    f"{label}: seq {claim.seq} ({claim.at[:10]})",
                )
            )
        elif source == "mark":
            parts.append(
                cli.t(
                    "ไม่มีจุดสูงสุดของบันทึก (high-water mark) (จะเขียนเมื่อสำนักงานรวมเจอร์นัลครั้งถัดไป)",
                    "no high-water mark (written when the office next folds its journal)",
                )
            )
        else:
            parts.append(
                cli.t("ยังไม่มีไฟล์ตอบรับจากคลังข้อมูลกลาง", "no acknowledgement from the central store yet")
            )
    return cli.t("  เทียบกับ: ", "  compared with: ") + "; ".join(parts)


def _report_device(cli: CliContext, device_id: str, report: ChainReport) -> None:
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
    click.echo(cli.t("  เหตุการณ์แรกที่ผิด: ", "  first bad event: ") + first.text(cli.lang))
    for problem in report.problems[1:20]:
        click.echo("  - " + problem.text(cli.lang))
    if len(report.problems) > 20:
        click.echo(
            cli.t(
                f"  … และอีก {len(report.problems) - 20} รายการ", f"  … and {len(report.problems) - 20} more"
            )
        )


def verify_central(cli: CliContext, as_json: bool) -> None:
    """Per device of the central store: its chain, what stands in quarantine, its gaps; exit 0 only when
    every chain is whole from seq 1 and nothing is quarantined or missing."""
    from sync.central import CANNOT_SEE, FILE_NAME, CentralError, CentralStore
    from sync.importer import describe_gap

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
            checks = store.check_devices()
    except (CentralError, sqlite3.Error) as exc:
        raise click.ClickException(
            cli.t(f"อ่านคลังข้อมูลกลาง {path} ไม่ได้: {exc}", f"can't read the central store {path}: {exc}")
        ) from None
    ok = all(check.ok for check in checks)
    if as_json:
        data = {
            "ok": ok,
            "devices": [check.to_dict() for check in checks],
            "cannot_see": {"th": CANNOT_SEE[0], "en": CANNOT_SEE[1]},
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        sys.exit(0 if ok else 1)
    for check in checks:
        report = check.chain
        span = f"seq {report.first_seq}–{report.last_seq}" if report.events else cli.t("ยังไม่มี", "none yet")
        if report.ok:
            click.echo(
                cli.t(
                    f"✓ {report.device}: สายโซ่ครบถ้วน {report.events} เหตุการณ์ ({span})",
                    f"✓ {report.device}: chain whole, {report.events} events ({span})",
                )
            )
        else:
            first = report.problems[0]
            more = len(report.problems) - 1
            extra = cli.t(f" (และอีก {more} ปัญหา)", f" (and {more} more)") if more else ""
            head = cli.t(
                f"✗ {report.device}: สายโซ่ไม่ครบถ้วน ({report.events} เหตุการณ์)",
                f"✗ {report.device}: chain NOT whole ({report.events} events)",
            )
            click.echo(f"{head}: {first.text(cli.lang)}{extra}")
        if check.quarantined:
            count = len(check.quarantined)
            click.echo(
                cli.t(
                    f"✗ {check.device}: ถูกกักไว้ {count} รายการ (ขัดแย้งหรือถูกปฏิเสธ ไม่รวมเข้าคลัง):",
                    f"✗ {check.device}: {count} records in quarantine (conflicts, rejections; never merged):",
                )
            )
            for record in check.quarantined[:20]:
                click.echo("    - " + record.text(cli.lang))
            if count > 20:
                click.echo(cli.t(f"    … และอีก {count - 20} รายการ", f"    … and {count - 20} more"))
        for first_seq, last_seq in check.gaps:
            click.echo(
                cli.t(f"✗ {check.device}: ช่องว่าง: ", f"✗ {check.device}: gap: ")
                + describe_gap(first_seq, last_seq, cli.lang)
            )
    if not checks:
        click.echo(cli.t("คลังข้อมูลกลางยังไม่มีอุปกรณ์", "the central store has no device yet"))
    click.echo(cli.t("หมายเหตุ: ", "note: ") + cli.t(*CANNOT_SEE))
    sys.exit(0 if ok else 1)
