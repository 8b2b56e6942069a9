"""The display board app, for the TV in the waiting room. Staff start and stop it (q quits).

``make_board_app`` is the one way to build it, for the command line and for the tests alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual.binding import Binding, BindingType

from kiosk.apps.terminal_app import TerminalApp, check_lang
from kiosk.office.service import Office
from kiosk.screens.board import BoardScreen
from kiosk.screens.chime import Chime
from surveys.content.thaidate import now_bangkok


class BoardApp(TerminalApp):
    """Shows :class:`BoardScreen` for every counter of ``office``."""

    CSS_PATH = "board.tcss"
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
        super().__init__(
            office, lambda: BoardScreen(office, lang=lang, clock=clock, chime=chime), lang=lang, clock=clock
        )
        self.chime = chime


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
    check_lang(lang)
    return BoardApp(office, lang=lang, clock=clock, chime=chime or Chime())
