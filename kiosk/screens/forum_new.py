"""The forms that open a session: a community forum, or an anonymous staff survey. Ctrl+S opens it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from kiosk.office.forum import SIGNIN_RETENTION_DAYS, read_agenda_csv
from kiosk.office.service import OfficeError
from kiosk.screens.forum_common import ForumScreen
from kiosk.screens.forum_session import ForumSessionScreen
from kiosk.screens.forum_staff import StaffCodesScreen
from surveys.content.thaidate import be_year, format_date


def parse_day(text: str) -> date | None:
    """``d/m/yyyy`` (a year past 2400 is B.E.) or ``yyyy-mm-dd``; None if it is neither."""
    text = text.strip()
    try:
        if "/" in text:
            d, m, y = (int(p) for p in text.split("/"))
            return date(y - 543 if y > 2400 else y, m, d)
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_projects(text: str) -> list[int] | None:
    try:
        return [int(p) for p in text.replace(",", " ").split()]
    except ValueError:
        return None


class _FormScreen(ForumScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "open", "open", show=False, priority=True),
        Binding("escape", "cancel", "cancel", show=False),
    ]

    def row(self, label: str, widget: Input | Select[str] | TextArea | Checkbox) -> Horizontal:
        return Horizontal(Label(label, classes="field-label"), widget, classes="field-row")

    def action_cancel(self) -> None:
        self.app.pop_screen()


class NewForumScreen(_FormScreen):
    def compose(self) -> ComposeResult:
        t = self.t
        today = self.ctx.today()
        choices = [(i.title(self.lang), i.id) for i in self.desk.instruments.values()]
        yield Label(
            t("เปิดเวทีประชาคมใหม่ (Ctrl+S เปิดเวที · Esc ยกเลิก)", "New forum (Ctrl+S opens · Esc cancels)"),
            classes="screen-title",
        )
        yield Static("", id="message", markup=False)
        with VerticalScroll():
            yield self.row(t("ชุมชน / หมู่ที่", "Community"), Input(id="community"))
            yield self.row(t("สถานที่", "Place"), Input(id="place"))
            yield self.row(
                t("วันที่ (ว/ด/ปี พ.ศ.)", "Date (d/m/yyyy)"),
                Input(
                    f"{today.day}/{today.month}/{be_year(today) if self.lang == 'th' else today.year}",
                    id="day",
                ),
            )
            yield Static("", id="day-shown", markup=False)
            yield self.row(t("โครงการในแผน (เลข)", "Plan projects (numbers)"), Input("5", id="projects"))
            yield self.row(
                t("ผู้ดำเนินการ (คั่นด้วย ,)", "Facilitators (comma-separated)"), Input(id="facilitators")
            )
            yield Label(t("วาระที่เสนอ (บรรทัดละเรื่อง)", "Agenda items (one per line)"), classes="section")
            yield TextArea(id="agenda")
            yield self.row(
                t("หรือโหลดจากไฟล์ CSV", "or load from a CSV file"),
                Input(placeholder="/path/agenda.csv", id="agenda-csv"),
            )
            yield self.row(
                t("แบบสอบถาม", "Instrument"),
                Select(
                    choices,
                    value="forum-feedback" if "forum-feedback" in self.desk.instruments else Select.NULL,
                    id="instrument",
                    allow_blank=False,
                ),
            )
            yield Checkbox(t("เก็บรายชื่อผู้ลงทะเบียน", "Keep a sign-in list"), False, id="signin")
            yield Static("", id="pdpa", markup=False)
            yield Button(t("เปิดเวที (Ctrl+S)", "Open the forum (Ctrl+S)"), id="open", variant="primary")

    def on_mount(self) -> None:
        self._show_day()
        self.query_one("#community", Input).focus()

    @on(Input.Changed, "#day")
    def _show_day(self) -> None:
        day = parse_day(self.query_one("#day", Input).value)
        self.query_one("#day-shown", Static).update(
            format_date(day, lang=self.lang) if day else self.t("วันที่ไม่ถูกต้อง", "not a date")
        )

    @on(Input.Submitted, "#agenda-csv")
    def _load_agenda(self, event: Input.Submitted) -> None:
        try:
            titles = read_agenda_csv(Path(event.value.strip()).expanduser())
        except OfficeError as exc:
            self.refused(exc)
            return
        self.query_one("#agenda", TextArea).text = "\n".join(titles)
        self.say(self.t(f"โหลดวาระ {len(titles)} เรื่องแล้ว", f"{len(titles)} agenda items loaded"))

    @on(Checkbox.Changed, "#signin")
    def _pdpa(self, event: Checkbox.Changed) -> None:
        settings = self.desk.office.settings
        contact = self.t(settings.municipality_th, settings.municipality_en)
        if settings.office_phone:
            contact += f" ({settings.office_phone})"
        self.query_one("#pdpa", Static).update(
            self.t(
                "ประกาศความเป็นส่วนตัว (PDPA): เก็บชื่อผู้ลงทะเบียนเพื่อเป็นหลักฐานการจัดเวทีเท่านั้น "
                f"เก็บไว้ในเครื่องนี้เครื่องเดียว ไม่ส่งออกไปที่ใด เก็บ {SIGNIN_RETENTION_DAYS // 365} ปีแล้วลบ "
                f"สอบถามหรือขอลบข้อมูลได้ที่ {contact}",
                "Privacy notice (PDPA): names are kept only as a record that the forum was held, on this "
                f"laptop alone, never sent anywhere, for {SIGNIN_RETENTION_DAYS // 365} year, then deleted. "
                f"Questions or deletion requests: {contact}",
            )
            if event.value
            else ""
        )

    @on(Button.Pressed, "#open")
    def action_open(self) -> None:
        day = parse_day(self.query_one("#day", Input).value)
        if day is None:
            self.say(
                self.t("วันที่ไม่ถูกต้อง ใช้ ว/ด/ปี เช่น 8/3/2568", "not a date: use d/m/yyyy, e.g. 8/3/2025"),
                error=True,
            )
            return
        projects = parse_projects(self.query_one("#projects", Input).value)
        if projects is None:
            self.say(self.t("เลขโครงการต้องเป็นตัวเลข", "project numbers are whole numbers"), error=True)
            return
        instrument = self.query_one("#instrument", Select).value
        try:
            forum = self.desk.open_forum(
                self.query_one("#community", Input).value,
                self.query_one("#place", Input).value,
                day,
                projects,
                self.query_one("#facilitators", Input).value.split(","),
                self.query_one("#agenda", TextArea).text.splitlines(),
                instrument=str(instrument),
                signin=self.query_one("#signin", Checkbox).value,
            )
        except OfficeError as exc:
            self.refused(exc)
            return
        self.app.switch_screen(ForumSessionScreen(self.ctx, forum.session))


class NewStaffSurveyScreen(_FormScreen):
    def compose(self) -> ComposeResult:
        t = self.t
        staff = [(i.title(self.lang), i.id) for i in self.desk.instruments.values() if i.audience == "staff"]
        yield Label(
            t("เปิดการสำรวจบุคลากรใหม่ (Ctrl+S · Esc ยกเลิก)", "New staff survey (Ctrl+S · Esc cancels)"),
            classes="screen-title",
        )
        yield Static("", id="message", markup=False)
        with VerticalScroll():
            yield self.row(
                t("แบบสำรวจ", "Instrument"),
                Select(
                    staff,
                    value=staff[0][1] if staff else Select.NULL,
                    id="instrument",
                    allow_blank=not staff,
                ),
            )
            yield self.row(t("ชื่อการสำรวจ", "Title"), Input(id="title"))
            yield self.row(t("โครงการในแผน (เลข)", "Plan projects (numbers)"), Input(id="projects"))
            yield self.row(t("จำนวนรหัส (คน)", "Number of codes"), Input(id="codes", type="integer"))
            yield Button(t("เปิดการสำรวจ (Ctrl+S)", "Open the survey (Ctrl+S)"), id="open", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    @on(Button.Pressed, "#open")
    def action_open(self) -> None:
        projects = parse_projects(self.query_one("#projects", Input).value)
        count = self.query_one("#codes", Input).value.strip()
        if projects is None or not count.isdigit():
            self.say(
                self.t(
                    "ใส่เลขโครงการและจำนวนรหัสเป็นตัวเลข", "give the projects and the number of codes as numbers"
                ),
                error=True,
            )
            return
        instrument = self.query_one("#instrument", Select).value
        if instrument is Select.NULL:
            self.say(self.t("ยังไม่มีแบบสำรวจบุคลากร", "there is no staff instrument"), error=True)
            return
        try:
            survey, codes = self.desk.open_staff_survey(
                str(instrument), projects, self.query_one("#title", Input).value, int(count)
            )
        except OfficeError as exc:
            self.refused(exc)
            return
        self.app.switch_screen(StaffCodesScreen(self.ctx, survey.session, codes))
