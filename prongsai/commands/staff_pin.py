"""``prongsai staff-pin``: set the staff PIN (only its hash is stored)."""

from __future__ import annotations

import click

from prongsai.commands._office import settings_of
from prongsai.context import get


@click.command("staff-pin")
@click.option(
    "--pin", prompt=True, hide_input=True, confirmation_prompt=True, help="The new staff PIN (4–12 digits)."
)
@click.pass_context
def staff_pin(ctx: click.Context, pin: str) -> None:
    """Set the staff PIN (kiosk exit, staff screens, second PIN for out-of-order calls).

    Only its scrypt hash is stored, in settings.yaml of the home folder (comments there are kept).
    """
    from surveys.counter.settings import new_pin_problem, set_staff_pin

    cli = get(ctx)
    problem = new_pin_problem(pin)
    if problem is not None:
        raise click.ClickException(cli.t(*problem))
    path = set_staff_pin(cli.home, pin)
    settings_of(cli)  # the file still loads
    click.echo(cli.t(f"ตั้ง PIN ใหม่แล้ว ({path})", f"staff PIN set ({path})"))
