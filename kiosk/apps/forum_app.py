"""The forum runner: community forums and anonymous staff surveys on a laptop, offline.

The office runs in this process (the laptop's own log, its only writer) and :class:`ForumDesk` is the
one place that records. Thai first; F2 switches every screen to English and back. Screens are in
``kiosk/screens/forum_*.py``: home → a new forum or staff survey → its session → entry (self-completion
or a clerk keying in paper forms) → the closing summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from kiosk.apps.terminal_app import check_lang
from kiosk.office.forum import ForumDesk
from kiosk.screens.forum_common import ForumContext, ForumScreen, _today
from kiosk.screens.forum_home import ForumHomeScreen
from kiosk.screens.rating import READ_GUARD_SECONDS


class ForumApp(App[None]):
    CSS_PATH = "forum.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "prongsai forum"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_lang", "ไทย/English", show=False, priority=True),
    ]

    def __init__(self, ctx: ForumContext) -> None:
        super().__init__()
        self.ctx = ctx

    def on_mount(self) -> None:
        self.push_screen(ForumHomeScreen(self.ctx))

    async def action_toggle_lang(self) -> None:
        self.ctx.lang = "en" if self.ctx.lang == "th" else "th"
        for screen in self.screen_stack:
            if isinstance(screen, ForumScreen):
                await screen.relanguage()


def make_forum_app(
    desk: ForumDesk,
    lang: str = "th",
    *,
    today: Callable[[], date] = _today,
    read_guard_seconds: float = READ_GUARD_SECONDS,
    monotonic: Callable[[], float] = time.monotonic,
) -> ForumApp:
    """The forum runner on ``desk`` (the laptop's own office); ``today`` is the default date of a new
    forum, ``read_guard_seconds`` how soon after a question appears a tap counts, timed by
    ``monotonic`` (tests set them)."""
    check_lang(lang)
    return ForumApp(ForumContext(desk, lang, today, read_guard_seconds, monotonic))
