"""What a TLS server's command prints for its terminals: the certificate's fingerprint, to type or scan
(``prongsai serve`` and ``prongsai sync serve``)."""

from __future__ import annotations

import click

from prongsai.context import CliContext


def show_fingerprint(cli: CliContext, fingerprint: str) -> None:
    """The certificate's fingerprint, to give each terminal once (typed, or scanned from the QR)."""
    from sync.tls import fingerprint_qr, format_fingerprint

    click.echo(
        cli.t(
            "ลายนิ้วมือของใบรับรอง (ให้แต่ละเครื่องใช้ด้วย --fingerprint เพื่อยืนยันว่าคุยกับเครื่องนี้จริง):",
            "certificate fingerprint (give it to each terminal with --fingerprint: it proves this is the "
            "real server):",
        )
    )
    click.echo(f"  SHA256 {format_fingerprint(fingerprint)}")
    click.echo(fingerprint_qr(fingerprint), nl=False)
