"""``prongsai services``: the services, their ticket prefixes and counters, and the priority rule."""

from __future__ import annotations

import json

import click

from prongsai.commands._office import settings_of
from prongsai.context import get, pad


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def services(ctx: click.Context, as_json: bool) -> None:
    """List the services, their ticket prefixes and counters, and the counters."""
    cli = get(ctx)
    settings = settings_of(cli)
    if as_json:
        data = {
            "services": [s.model_dump() for s in settings.services],
            "counters": [c.model_dump() for c in settings.counters],
            "priority_rule": {"th": settings.priority.text("th"), "en": settings.priority.text("en")},
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(cli.t("บริการ", "Services"))
    for service in settings.services:
        counters = ", ".join(str(n) for n in service.counters)
        click.echo(
            f"  {service.prefix}  {pad(service.name(cli.lang), 28)} {service.id:<14} "
            + cli.t(
                f"ช่องบริการ {counters} · โครงการที่ {service.project}",
                f"counters {counters} · project {service.project}",
            )
            + f" · {service.instrument}"
        )
    click.echo(cli.t("ช่องบริการ", "Counters"))
    for counter in settings.counters:
        click.echo(f"  {counter.number}  {counter.name(cli.lang)}")
    click.echo(cli.t("กติกาคิวพิเศษ: ", "Priority rule: ") + settings.priority.text(cli.lang))
