"""What the Pilot-driven tests of the kiosk, the board and the counter share: waiting for the app to
catch up, and reading a screen as a person does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Digits, Static


def screen_text(app: Any) -> str:
    """What the current screen shows: its big digits, button labels and texts, a line each."""
    parts: list[str] = []
    for widget in app.screen.query(Widget):
        if isinstance(widget, Digits):
            parts.append(widget.value)
        elif isinstance(widget, Button):
            parts.append(str(widget.label))
        elif isinstance(widget, Static):
            parts.append(str(widget.content))
    return "\n".join(parts)


async def until(pilot: Pilot[Any], check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Let the app run until ``check()`` holds (workers report back by message). The timeout is
    generous, for a busy machine; on failure it says which screen showed what."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            screen, shown = pilot.app.screen, screen_text(pilot.app)
            raise AssertionError(f"still not true after {timeout} s; screen is {screen!r}: {shown!r}")
        await pilot.pause(0.02)


async def until_shown(pilot: Pilot[Any], screen_type: type, timeout: float = 30.0) -> None:
    """Until a ``screen_type`` screen is current *and* shows its words: on a busy machine a pushed
    screen becomes current before it has composed its widgets."""
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, screen_type) and bool(screen_text(pilot.app).strip()),
        timeout,
    )
