"""``prongsai counter N``: a clerk's console, on this PC's office or a running one (``--office``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from prongsai.commands._office import fingerprint_option, key_option, office_option, run_app, settings_of
from prongsai.context import CliContext, get

if TYPE_CHECKING:
    from kiosk.office.service import Office
    from surveys.counter.settings import Counter


@click.command()
@click.argument("number", type=int)
@office_option
@key_option
@fingerprint_option
@click.pass_context
def counter(
    ctx: click.Context,
    number: int,
    office_url: str | None,
    office_key: str | None,
    office_fingerprint: str | None,
) -> None:
    """A clerk's console for counter NUMBER: call next, recall, start, finish, no-show, transfer."""
    from kiosk.apps.counter_app import make_counter_app

    cli = get(ctx)
    if not office_url:
        _check_counter(cli, number, settings_of(cli).counters)

    def build(office: Office) -> object:
        _check_counter(cli, number, office.settings.counters)  # a LAN office has its own counters
        return make_counter_app(office, number, cli.lang)

    run_app(cli, office_url, office_key, build, office_fingerprint)


def _check_counter(cli: CliContext, number: int, counters: Sequence[Counter]) -> None:
    if number not in {c.number for c in counters}:
        known = ", ".join(str(c.number) for c in counters)
        raise click.ClickException(
            cli.t(
                f"ไม่มีช่องบริการที่ {number} (มีช่องบริการ {known})",
                f"there is no counter {number} (the counters are {known})",
            )
        )
