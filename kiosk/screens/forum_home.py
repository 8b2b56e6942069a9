"""The forum runner's first screen: the forums and staff surveys still open (Enter continues one),
``n`` a new forum, ``s`` a new staff survey."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.screens.forum_common import ForumScreen
from kiosk.screens.forum_new import NewForumScreen, NewStaffSurveyScreen
from kiosk.screens.forum_session import ForumSessionScreen, forum_heading
from kiosk.screens.forum_staff import StaffSurveyScreen


class ForumHomeScreen(ForumScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,f3,thai_character_sara_uee", "new_forum", "new forum", show=False),
        Binding("s,f4,ห", "new_survey", "new survey", show=False),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        settings = self.desk.office.settings
        yield Label(
            t("เวทีประชาคมและแบบสำรวจบุคลากร", "Community forums and staff surveys"), classes="screen-title"
        )
        yield Static(t(settings.municipality_th, settings.municipality_en), classes="big", markup=False)
        yield Label(
            t("ที่ยังเปิดอยู่ (เลือกแล้วกด Enter เพื่อทำต่อ)", "Open now (select, Enter to continue)"), classes="section"
        )
        yield OptionList(id="sessions")
        yield Static("", id="message", markup=False)
        yield Static(
            t(
                "n = เปิดเวทีประชาคมใหม่ · s = เปิดการสำรวจบุคลากรใหม่ · F2 English · Ctrl+Q ออก",
                "n = new forum · s = new staff survey · F2 ไทย · Ctrl+Q quit",
            ),
            id="keys",
            markup=False,
        )

    def on_mount(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        t = self.t
        options: list[Option] = []
        for forum in self.desk.open_forums():
            forms = len(forum.forms)
            options.append(
                Option(
                    t("เวที: ", "Forum: ")
                    + forum_heading(forum, self.lang)
                    + t(f" · {forms} ฉบับ", f" · {forms} forms"),
                    id=f"forum:{forum.session}",
                )
            )
        for survey in self.desk.open_surveys():
            options.append(
                Option(
                    t("สำรวจบุคลากร: ", "Staff survey: ")
                    + survey.title
                    + t(
                        f" · ตอบแล้ว {survey.responses}/{len(survey.codes)}",
                        f" · {survey.responses}/{len(survey.codes)} answered",
                    ),
                    id=f"staff:{survey.session}",
                )
            )
        listing = self.query_one("#sessions", OptionList)
        listing.clear_options()
        listing.add_options(options)
        if not options:
            self.say(
                t("ยังไม่มีเวทีหรือการสำรวจที่เปิดอยู่ กด n หรือ s เพื่อเริ่ม", "Nothing is open: press n or s to start")
            )
        else:
            self.say("")
            listing.highlighted = 0
            listing.focus()

    @on(OptionList.OptionSelected, "#sessions")
    def _continue(self, event: OptionList.OptionSelected) -> None:
        kind, session = str(event.option.id).split(":", 1)
        if kind == "forum":
            self.app.push_screen(ForumSessionScreen(self.ctx, session))
        else:
            self.app.push_screen(StaffSurveyScreen(self.ctx, session))

    def action_new_forum(self) -> None:
        self.app.push_screen(NewForumScreen(self.ctx))

    def action_new_survey(self) -> None:
        self.app.push_screen(NewStaffSurveyScreen(self.ctx))
