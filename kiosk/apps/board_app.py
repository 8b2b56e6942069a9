"""The display board app, for the TV in the waiting room. Staff start and stop it (q quits).

``make_board_app`` is the one way to build it, for the command line and for the tests alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from kiosk.office.service import Office
from kiosk.screens.board import BoardScreen
from kiosk.screens.chime import Chime
from surveys.content.thaidate import now_bangkok


class BoardApp(App[None]):
    """Shows :class:`BoardScreen` for every counter of ``office``."""

    CSS_PATH = "board.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "prongsai"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,ๆ", "quit", "Quit", show=False)  # ๆ: q with the Thai layout on
    ]

    def __init__(
        self,
        office: Office,
        *,
        lang: str = "th",
        clock: Callable[[], datetime] = now_bangkok,
        chime: Chime | None = None,
    ) -> None:
        super().__init__()
        self.office = office
        self.lang = lang
        self.clock = clock
        self.chime = chime

    def on_mount(self) -> None:
        self.push_screen(BoardScreen(self.office, lang=self.lang, clock=self.clock, chime=self.chime))


def make_board_app(
    office: Office,
    lang: str = "th",
    *,
    clock: Callable[[], datetime] = now_bangkok,
    chime: Chime | None = None,
) -> BoardApp:
    """The board of ``office``; ``clock`` gives the time shown (tests fix it). A call rings ``chime``
    (by default the two-tone chime through the system's player), unless the office's settings say
    ``board_chime: false``."""
    if lang not in ("th", "en"):
        raise ValueError(f"lang must be 'th' or 'en', not {lang!r}")
    return BoardApp(office, lang=lang, clock=clock, chime=chime or Chime())
