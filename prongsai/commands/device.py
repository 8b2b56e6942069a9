"""``prongsai device``: this installation's identity."""

from __future__ import annotations

import json

import click

from prongsai.context import get
from surveys.device import DeviceError, load_or_create_device


@click.group()
def device() -> None:
    """This device's identity (id and Ed25519 public key)."""


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
        record = {"device": dev.id, "public_key": dev.public_key_b64, "home": str(cli.home)}
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    click.echo(f"{cli.t('อุปกรณ์', 'device')}: {dev.id}")
    click.echo(f"{cli.t('กุญแจสาธารณะ (Ed25519)', 'public key (Ed25519)')}: {dev.public_key_b64}")
    click.echo(f"{cli.t('โฟลเดอร์ข้อมูล', 'home folder')}: {cli.home}")
