"""placeholder replaced by the plan module author"""

import click


@click.group()
def plan() -> None:
    """The anti-corruption plan."""
