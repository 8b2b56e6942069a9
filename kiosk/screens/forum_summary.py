"""A closed forum at a glance: attendance by band, the forms that count, the agenda items most voted;
``p`` (or F6) saves the one-page summary into ``HOME/forum-summaries``."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, Static

from kiosk.screens.forum_common import SUMMARY_FOLDER, ForumContext, ForumScreen
from kiosk.screens.forum_files import save_summary, summary_lines
from surveys.bilingual import UserError


class ForumSummaryScreen(ForumScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p,f6,ย", "save", "save", show=False),
        Binding("escape,enter", "home", "home", show=False),
    ]

    def __init__(self, ctx: ForumContext, session: str) -> None:
        super().__init__(ctx)
        self.session = session

    def compose(self) -> ComposeResult:
        forum = self.desk.forum(self.session)
        yield Label(self.t("สรุปเวทีประชาคม (ปิดแล้ว)", "Forum summary (closed)"), classes="screen-title")
        yield Static("\n".join(summary_lines(forum, self.lang)), id="summary", classes="big", markup=False)
        yield Static("", id="message", markup=False)
        yield Static(
            self.t(
                "p = บันทึกสรุปหนึ่งหน้า (PDF) · Esc = หน้าแรก", "p = save the one-page summary (PDF) · Esc = home"
            ),
            id="keys",
            markup=False,
        )

    def action_save(self) -> None:
        forum = self.desk.forum(self.session)
        settings = self.desk.office.settings
        try:
            out = save_summary(
                self.ctx.home / SUMMARY_FOLDER,
                forum,
                self.desk.instrument(forum.instrument),
                self.lang,
                (settings.municipality_th, settings.municipality_en),
            )
        except UserError as exc:  # a folder that can't be written, a full disk: the printout says which
            self.refused(exc)
            return
        self.say(
            self.t(
                f"บันทึกสรุปไว้ที่ {out} (พิมพ์ติดบอร์ดประกาศได้)",
                f"Summary saved to {out} (print it for the notice board)",
            )
        )

    def action_home(self) -> None:
        self.app.pop_screen()
