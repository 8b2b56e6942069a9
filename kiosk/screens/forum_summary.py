"""A closed forum at a glance: attendance by band, the forms that count, the agenda items most voted;
``p`` (or F6) saves the one-page summary into ``HOME/forum-summaries``."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, Static

from kiosk.printing.printers import PrintError
from kiosk.screens.forum_common import SUMMARY_FOLDER, ForumContext, ForumScreen
from kiosk.screens.forum_files import save_summary, summary_lines


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
        try:
            out = save_summary(
                self.ctx.home / SUMMARY_FOLDER, forum, self.desk.instrument(forum.instrument), self.lang
            )
        except PrintError as exc:
            self.refused(exc)
            return
        except OSError as exc:
            self.say(
                self.t(
                    f"บันทึกสรุปไม่ได้: {exc.strerror or exc} ตรวจที่ว่างในเครื่องแล้วกด p อีกครั้ง",
                    f"The summary could not be saved: {exc.strerror or exc}; check the disk, press p again",
                ),
                error=True,
            )
            return
        if out.suffix == ".txt":
            self.say(
                self.t(
                    f"บันทึกสรุปเป็นข้อความธรรมดาไว้ที่ {out} (เครื่องนี้ยังไม่มีส่วนพิมพ์ PDF)",
                    f"Summary saved as plain text to {out} (the PDF printing part is not installed)",
                )
            )
            return
        self.say(self.t(f"บันทึกสรุปไว้ที่ {out}", f"Summary saved to {out}"))

    def action_home(self) -> None:
        self.app.pop_screen()
