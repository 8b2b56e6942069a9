"""An anonymous staff survey on the laptop: the codes handed out (saved as slips to print, once: the
log keeps only their hashes), then each person types their code and answers on their own. Nothing
identifying is asked or kept: no name, no user, not even the code beside the answers."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Label, Static

from kiosk.dialogs.confirm import ConfirmDialog
from kiosk.office.service import OfficeError
from kiosk.screens.forum_common import CODES_FOLDER, ForumContext, ForumScreen
from kiosk.screens.forum_files import save_code_slips
from kiosk.screens.forum_self import SelfEntryScreen
from surveys.bilingual import UserError
from surveys.forum.sessions import StaffSurvey

RULE = (
    "หนึ่งคนหนึ่งรหัส ใช้ได้ครั้งเดียว ระบบไม่ถามชื่อและไม่บันทึกว่าใครตอบ คำตอบเก็บแยกจากรหัส",
    "One code per person, usable once. No name is asked and nobody is recorded as answering: "
    "answers are kept apart from the codes.",
)


class StaffCodesScreen(ForumScreen):
    """The codes of a survey just opened, shown once and saved as slips into the home."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter,escape", "next", "next", show=False)]

    def __init__(self, ctx: ForumContext, session: str, codes: list[str]) -> None:
        super().__init__(ctx)
        self.session = session
        self.codes = codes
        self.saved = ""

    def compose(self) -> ComposeResult:
        survey = self.desk.survey(self.session)
        yield Label(self.t("รหัสสำหรับแจกบุคลากร", "Codes to hand out"), classes="screen-title")
        yield Static(survey.title, classes="big", markup=False)
        yield Static(self.t(*RULE), markup=False)
        yield Static("   ".join(self.codes), id="codes", classes="big", markup=False)
        yield Static("", id="message", markup=False)
        yield Static(self.t("Enter = เริ่มรับคำตอบ", "Enter = start taking answers"), id="keys", markup=False)

    def on_mount(self) -> None:
        survey = self.desk.survey(self.session)
        try:
            out = save_code_slips(self.ctx.home / CODES_FOLDER, survey.title, self.session, self.codes)
        except UserError as exc:  # a folder that can't be written, a full disk: the printout says which
            why = exc.text(self.lang)
            self.say(
                self.t(
                    f"บันทึกใบรหัสไม่ได้: {why} จดรหัสจากหน้าจอนี้ไว้ก่อนออก (รหัสแสดงได้ครั้งเดียว)",
                    f"The slips could not be saved: {why}; copy the codes from this screen before leaving "
                    "(they are shown only once)",
                ),
                error=True,
            )
            return
        self.say(self.t(f"บันทึกใบรหัสไว้ที่ {out} (พิมพ์แล้วตัดแจก)", f"Slips saved to {out} (print and cut)"))

    def action_next(self) -> None:
        self.app.switch_screen(StaffSurveyScreen(self.ctx, self.session))


class StaffSurveyScreen(ForumScreen):
    """Type your code, then answer on your own. F9 closes the survey."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "close_survey", "close", show=False, priority=True),
        Binding("escape", "home", "home", show=False),
    ]

    def __init__(self, ctx: ForumContext, session: str) -> None:
        super().__init__(ctx)
        self.session = session

    @property
    def survey(self) -> StaffSurvey:
        return self.desk.survey(self.session)

    def compose(self) -> ComposeResult:
        survey = self.survey
        yield Label(self.t("แบบสำรวจบุคลากร (ไม่ระบุชื่อ)", "Staff survey (anonymous)"), classes="screen-title")
        yield Static(survey.title, classes="big", markup=False)
        yield Static(self.t(*RULE), id="rule", markup=False)
        yield Label(self.t("พิมพ์รหัสจากใบรหัสของท่าน แล้วกด Enter", "Type the code on your slip, then Enter"))
        yield Input(placeholder="ACD-479", id="code")
        yield Static("", id="message", markup=False)
        yield Static("", id="count", markup=False)
        yield Static(
            self.t("F9 ปิดการสำรวจ · Esc หน้าแรก", "F9 close the survey · Esc home"), id="keys", markup=False
        )

    def on_mount(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        survey = self.survey
        self.query_one("#count", Static).update(
            self.t(
                f"ตอบแล้ว {survey.responses} คน จากรหัส {len(survey.codes)} รหัส",
                f"{survey.responses} answered, of {len(survey.codes)} codes",
            )
        )
        self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    def _code(self, event: Input.Submitted) -> None:
        code = event.value
        event.input.value = ""
        try:
            self.desk.check_code(self.session, code)
        except OfficeError as exc:
            self.refused(exc)
            return
        self.say("")

        def submit(answers: dict[str, object], votes: list[str]) -> None:
            self.desk.submit_staff_response(self.session, code, answers)

        self.app.push_screen(
            SelfEntryScreen(self.ctx, self.desk.instrument(self.survey.instrument), (), submit, repeat=False)
        )

    def action_close_survey(self) -> None:
        def closing(yes: bool | None) -> None:
            if not yes:
                return
            try:
                survey = self.desk.close_staff_survey(self.session)
            except OfficeError as exc:
                self.refused(exc)
                return
            self.app.pop_screen()
            self.app.notify(
                self.t(
                    f"ปิดการสำรวจแล้ว: ตอบ {survey.responses} คน จาก {len(survey.codes)} รหัส",
                    f"Survey closed: {survey.responses} answers of {len(survey.codes)} codes",
                )
            )

        self.app.push_screen(
            ConfirmDialog(
                self.t("ปิดการสำรวจ", "Close the survey"),
                self.t(
                    "ปิดการสำรวจนี้? หลังปิดแล้วตอบเพิ่มไม่ได้\n(y ยืนยัน, Esc ยกเลิก)",
                    "Close this survey? No answers after.\n(y to confirm, Esc to cancel)",
                ),
                self.t("ปิด (y)", "Close (y)"),
                self.t("ยกเลิก (Esc)", "Cancel (Esc)"),
            ),
            closing,
        )

    def action_home(self) -> None:
        self.app.pop_screen()
