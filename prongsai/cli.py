"""``prongsai``: one command, subcommands grouped by job."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import click

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from prongsai.commands import (
    all_in_one,
    answers,
    board,
    complaint_desk,
    complaints,
    counter,
    demo,
    device,
    forum,
    instruments,
    kiosk,
    notice,
    plan,
    report,
    serve,
    services,
    setup,
    simulate,
    staff_pin,
    summary,
    ticket,
    verify,
)
from prongsai.commands import sync as sync_commands
from prongsai.commands import terminals as terminal_commands
from prongsai.context import CliContext, add_common_options, choose, current, os_error_message
from surveys.log.home import resolve_home


class ProngsaiGroup(click.Group):
    """The top command: what no subcommand caught (a folder that can't be written, a file where a
    folder should be) becomes a message in the user's language, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # output piped into `head`: click ends quietly
                raise
            raise click.ClickException(os_error_message(current(ctx), exc)) from None


@click.group(cls=ProngsaiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder holding all data of this installation "
    "(else $PRONGSAI_HOME, else the platform's user data folder).",
)
@click.option(
    "--lang",
    type=click.Choice(["th", "en"]),
    default=None,
    help="Language of messages: th (default) or en; also $PRONGSAI_LANG.",
)
@click.version_option(package_name="prongsai")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, lang: str | None) -> None:
    """prongsai (โปร่งใส): queue tickets, ratings, forums and surveys for a Thai municipality's
    anti-corruption plan, with a tamper-evident log on every device."""
    chosen = lang or os.environ.get("PRONGSAI_LANG", "th")
    language = chosen if chosen in ("th", "en") else "th"
    choose(ctx, CliContext(home=resolve_home(home), lang=language), home_given=home is not None)


cli.add_command(device.device)
cli.add_command(instruments.instruments)
cli.add_command(answers.answers)
cli.add_command(verify.verify)
cli.add_command(plan.plan)
cli.add_command(report.report)
cli.add_command(demo.demo)
cli.add_command(summary.summary)
cli.add_command(services.services)
cli.add_command(simulate.simulate)
cli.add_command(staff_pin.staff_pin)
cli.add_command(setup.setup)
cli.add_command(ticket.ticket)
cli.add_command(notice.notice)
cli.add_command(serve.serve)
cli.add_command(kiosk.kiosk)
cli.add_command(counter.counter)
cli.add_command(board.board)
cli.add_command(all_in_one.all_in_one)
cli.add_command(forum.forum)
cli.add_command(complaints.complaints)
cli.add_command(complaint_desk.complaint_desk)
cli.add_command(terminal_commands.terminals)
cli.add_command(sync_commands.sync)
for _command in cli.commands.values():
    add_common_options(_command)  # `prongsai plan show --lang en` as well as `prongsai --lang en plan show`

__all__ = ["CliContext", "cli", "main"]


def main() -> None:
    cli(prog_name="prongsai")


if __name__ == "__main__":
    main()
