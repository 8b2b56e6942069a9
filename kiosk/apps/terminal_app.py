"""What the staff's terminals share: the counter console and the board are each one screen of an office.

:class:`TerminalApp` holds the office, the language and the clock, and shows the one screen its
``screen`` callable builds; :func:`check_lang` is the factories' check of the language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import App
from textual.screen import Screen

from kiosk.office.service import Office
from surveys.content.thaidate import now_bangkok


class TerminalApp(App[None]):
    """One screen of ``office`` in ``lang``; ``clock`` gives the time it shows (tests fix it)."""

    ENABLE_COMMAND_PALETTE = False
    TITLE = "prongsai"

    def __init__(
        self,
        office: Office,
        screen: Callable[[], Screen[None]],
        *,
        lang: str = "th",
        clock: Callable[[], datetime] = now_bangkok,
    ) -> None:
        super().__init__()
        self.office = office
        self.lang = lang
        self.clock = clock
        self._screen = screen  # builds the terminal's one screen, once the app runs

    def on_mount(self) -> None:
        self.push_screen(self._screen())


def check_lang(lang: str) -> None:
    """Raises ValueError unless ``lang`` is one the terminals speak."""
    if lang not in ("th", "en"):
        raise ValueError(f"lang must be 'th' or 'en', not {lang!r}")
