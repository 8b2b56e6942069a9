"""``prongsai setup``: the office's name and phone numbers (printed on the wall notice)."""

from __future__ import annotations

import click


@click.command()
def setup() -> None:
    """Set the municipality's name and the office's phone numbers."""
