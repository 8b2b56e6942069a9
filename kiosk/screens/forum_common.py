"""What the forum runner's screens share: the desk, the language and today, and a base screen that
shows a refusal in words (never a traceback) and redraws itself in the other language."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from kiosk.office.forum import ForumDesk
from kiosk.screens.rating import READ_GUARD_SECONDS
from surveys.bilingual import UserError, pick
from surveys.content.thaidate import now_bangkok

SUMMARY_FOLDER = "forum-summaries"  # HOME/forum-summaries: the closing summaries
CODES_FOLDER = "staff-survey-codes"  # HOME/staff-survey-codes: the slips of a staff survey's codes


def _today() -> date:
    return now_bangkok().date()


@dataclass
class ForumContext:
    """The desk (the laptop's own office), the language now shown, and what day it is."""

    desk: ForumDesk
    lang: str = "th"
    today: Callable[[], date] = field(default=_today)
    # self-completion: a tap sooner than this after a question appears is not an answer (a double tap
    # on one question must not answer the next one too); ``monotonic`` times it (tests move it by hand)
    read_guard_seconds: float = READ_GUARD_SECONDS
    monotonic: Callable[[], float] = field(default=time.monotonic)

    @property
    def home(self) -> Path:
        return self.desk.office.home

    def t(self, th: str, en: str) -> str:
        return pick(self.lang, th, en)


class ForumScreen(Screen[None]):
    """A screen of the forum runner. ``#message`` (if the screen has one) shows what just happened."""

    def __init__(self, ctx: ForumContext) -> None:
        super().__init__()
        self.ctx = ctx

    @property
    def desk(self) -> ForumDesk:
        return self.ctx.desk

    @property
    def lang(self) -> str:
        return self.ctx.lang

    def t(self, th: str, en: str) -> str:
        return self.ctx.t(th, en)

    def say(self, text: str, *, error: bool = False) -> None:
        found = self.query("#message")
        if found:
            message = found.first(Static)
            message.update(text)
            message.set_class(error, "error")
        else:
            self.notify(text, severity="error" if error else "information")

    def refused(self, exc: UserError) -> None:
        """The desk said no: its words, in the language shown."""
        self.say(exc.text(self.lang), error=True)

    def refresh_view(self) -> None:
        """Show the desk's state again (after a change, on coming back to the screen)."""

    def on_screen_resume(self) -> None:
        self.refresh_view()

    async def relanguage(self) -> None:
        """Draw the screen again in ``ctx.lang``, keeping what was typed."""
        typed = {w.id: w.value for w in self.query(Input) if w.id}
        areas = {w.id: w.text for w in self.query(TextArea) if w.id}
        await self.recompose()
        for widget_id, value in typed.items():
            for found in self.query(f"#{widget_id}"):
                if isinstance(found, Input):
                    found.value = value
        for widget_id, text in areas.items():
            for found in self.query(f"#{widget_id}"):
                if isinstance(found, TextArea):
                    found.text = text
        self.refresh_view()
