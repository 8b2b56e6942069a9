"""One forum under way: attendance by band (each group adding up to the total), the forms entered so
far, the agenda and its votes, the sign-in list when the forum keeps one; keys to start each entry mode,
take the last form back, and close the forum.

    F5 self-completion   F6 clerk entry from paper   F7 take back the last form   F8 sign-in   F9 close
    Ctrl+S save the attendance (a second save is a correction, with a reason)      Esc home
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from kiosk.dialogs.confirm import ConfirmDialog
from kiosk.dialogs.reason import ReasonDialog
from kiosk.office.service import OfficeError
from kiosk.screens.forum_clerk import ClerkEntryScreen
from kiosk.screens.forum_common import ForumContext, ForumScreen
from kiosk.screens.forum_self import SelfEntryScreen
from kiosk.screens.forum_summary import ForumSummaryScreen
from surveys.content.thaidate import format_date
from surveys.forum.sessions import BANDS, GROUP_NAMES, SELF, Forum


def forum_heading(forum: Forum, lang: str) -> str:
    day = format_date(date.fromisoformat(forum.date), lang=lang)
    return f"{forum.community} · {forum.place} · {day}"


class ForumSessionScreen(ForumScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "self_entry", "self", show=False, priority=True),
        Binding("f6", "clerk_entry", "clerk", show=False, priority=True),
        Binding("f7", "take_back", "take back", show=False, priority=True),
        Binding("f8", "sign_in", "sign in", show=False, priority=True),
        Binding("f9", "close_forum", "close", show=False, priority=True),
        Binding("ctrl+s", "save_attendance", "save", show=False, priority=True),
        Binding("escape", "home", "home", show=False),
    ]

    def __init__(self, ctx: ForumContext, session: str) -> None:
        super().__init__(ctx)
        self.session = session

    @property
    def forum(self) -> Forum:
        return self.desk.forum(self.session)

    def compose(self) -> ComposeResult:
        forum = self.forum
        t = self.t
        instrument = self.desk.instrument(forum.instrument)
        yield Label(t("เวทีประชาคม", "Community forum"), classes="screen-title")
        yield Static(forum_heading(forum, self.lang), id="heading", classes="big", markup=False)
        yield Static(
            t("แบบสอบถาม: ", "Instrument: ") + instrument.title(self.lang), id="instrument", markup=False
        )
        yield Static("", id="message", markup=False)
        with Horizontal(id="session-body"):
            with VerticalScroll(id="attendance"):
                yield Label(t("จำนวนผู้เข้าร่วม (Ctrl+S บันทึก)", "Attendance (Ctrl+S to save)"), classes="section")
                with Horizontal(classes="band-row"):
                    yield Label(t("ทั้งหมด", "Total"), classes="band-label")
                    yield Input(
                        str(forum.total) if forum.attendance_seq else "",
                        id="att-total",
                        type="integer",
                        compact=True,
                    )
                for group, bands in BANDS.items():
                    yield Label(t(*GROUP_NAMES[group]), classes="group")
                    for band, th, en in bands:
                        with Horizontal(classes="band-row"):
                            yield Label(t(th, en), classes="band-label")
                            value = forum.counts[group][band]
                            yield Input(
                                str(value) if forum.attendance_seq else "",
                                id=f"att-{group}-{band}",
                                type="integer",
                                compact=True,
                            )
                yield Static("", id="att-sums", markup=False)
                yield Button(t("บันทึกจำนวนผู้เข้าร่วม (Ctrl+S)", "Save attendance (Ctrl+S)"), id="save-att")
            with VerticalScroll(id="forms-side"):
                yield Static("", id="forms", classes="big", markup=False)
                yield Label(t("วาระที่เสนอ (คะแนนโหวต)", "Agenda (votes)"), classes="section")
                yield Static("", id="agenda", markup=False)
                if forum.signin:
                    yield Label(t("ลงชื่อเข้าร่วม (F8)", "Sign-in (F8)"), classes="section")
                    yield Input(
                        placeholder=t("ชื่อ–สกุล แล้วกด Enter", "full name, then Enter"), id="signin-name"
                    )
                    yield Static("", id="signin-count", markup=False)
        yield Static(
            t(
                "F5 ผู้เข้าร่วมกรอกเอง · F6 เจ้าหน้าที่บันทึกจากกระดาษ · F7 ยกเลิกแบบฟอร์มล่าสุด · "
                "F9 ปิดเวที · F2 English · Esc หน้าแรก",
                "F5 self-completion · F6 clerk entry from paper · F7 take back the last form · "
                "F9 close the forum · F2 ไทย · Esc home",
            ),
            id="keys",
            markup=False,
        )

    def on_mount(self) -> None:
        self.refresh_view()
        if self.forum.attendance_seq is None:  # a new forum: the count comes first, typed straight away
            self.query_one("#att-total", Input).focus()

    def refresh_view(self) -> None:
        forum = self.forum
        t = self.t
        forms = len(forum.forms)
        text = t(f"แบบฟอร์มที่บันทึกแล้ว {forms} ฉบับ", f"Forms recorded: {forms}")
        if forum.voided:
            text += t(f" (ยกเลิก {forum.voided})", f" ({forum.voided} taken back)")
        selfs = sum(1 for f in forum.forms if f.mode == SELF)
        text += t(
            f"\nกรอกเอง {selfs} · จากกระดาษ {forms - selfs}",
            f"\nself-completed {selfs} · from paper {forms - selfs}",
        )
        if forum.attendance_seq is not None:
            text += t(f"\nผู้เข้าร่วม {forum.total} คน", f"\nattendance {forum.total}")
        self.query_one("#forms", Static).update(text)
        votes = forum.votes()
        lines = [f"{i}. {item.title}  ({votes[item.id]})" for i, item in enumerate(forum.agenda, start=1)]
        self.query_one("#agenda", Static).update("\n".join(lines) or t("(ไม่มีวาระ)", "(no agenda)"))
        if forum.signin:
            self.query_one("#signin-count", Static).update(
                t(f"ลงชื่อแล้ว {forum.signed_in} คน", f"{forum.signed_in} signed in")
            )
        self._show_sums()

    # -- attendance ------------------------------------------------------------------------------

    def _typed(self) -> tuple[int, dict[str, dict[str, int]]] | str:
        """The typed head counts, or what is wrong with them."""

        def number(widget_id: str) -> int:
            value = self.query_one(f"#{widget_id}", Input).value.strip()
            return int(value) if value else 0

        try:
            total = number("att-total")
            counts = {g: {b: number(f"att-{g}-{b}") for b, *_ in bands} for g, bands in BANDS.items()}
        except ValueError:
            return self.t("ใส่จำนวนเป็นตัวเลขเท่านั้น", "type whole numbers only")
        return total, counts

    def _show_sums(self) -> None:
        typed = self._typed()
        if isinstance(typed, str):
            self.query_one("#att-sums", Static).update(typed)
            return
        total, counts = typed
        lines = []
        for group in BANDS:
            summed = sum(counts[group].values())
            name = self.t(*GROUP_NAMES[group])
            if summed == total:
                lines.append(self.t(f"✓ {name} รวม {summed} ตรงกับทั้งหมด", f"✓ {name} adds up to {summed}"))
            else:
                gap = total - summed
                short_th, short_en = ("ขาด", "short") if gap > 0 else ("เกิน", "over")
                lines.append(
                    self.t(
                        f"✗ {name} รวม {summed} ไม่เท่ากับทั้งหมด {total} ({short_th} {abs(gap)})",
                        f"✗ {name} adds up to {summed}, not {total} ({abs(gap)} {short_en})",
                    )
                )
        self.query_one("#att-sums", Static).update("\n".join(lines))

    @on(Input.Changed)
    def _typed_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("att-"):
            self._show_sums()

    @on(Button.Pressed, "#save-att")
    def action_save_attendance(self) -> None:
        typed = self._typed()
        if isinstance(typed, str):
            self.say(typed, error=True)
            return
        total, counts = typed
        if self.forum.attendance_seq is None:
            self._record_attendance(total, counts, None)
            return

        def with_reason(reason: str | None) -> None:
            if reason is None:
                self.say(self.t("ยกเลิกแล้ว ไม่ได้แก้จำนวนผู้เข้าร่วม", "Cancelled: the attendance is unchanged"))
                return
            self._record_attendance(total, counts, reason)

        self.app.push_screen(
            ReasonDialog(
                self.t("แก้ไขจำนวนผู้เข้าร่วม", "Correct the attendance"),
                self.t(
                    f"บันทึกไว้แล้ว {self.forum.total} คน การบันทึกใหม่เป็นการแก้ไข ระบุเหตุผล",
                    f"{self.forum.total} were recorded already: saving again is a correction. Why?",
                ),
                self.lang,
            ),
            with_reason,
        )

    def _record_attendance(self, total: int, counts: dict[str, dict[str, int]], reason: str | None) -> None:
        try:
            self.desk.record_attendance(self.session, total, counts, reason)
        except OfficeError as exc:
            self.refused(exc)
            return
        self.say(
            self.t(f"บันทึกผู้เข้าร่วม {total} คนแล้ว", f"Attendance of {total} recorded")
            + (self.t(" (แก้ไข)", " (corrected)") if reason else "")
        )
        self.refresh_view()

    # -- sign-in -----------------------------------------------------------------------------------

    def action_sign_in(self) -> None:
        found = self.query("#signin-name")
        if not found:
            self.say(self.t("เวทีนี้ไม่ได้เปิดรายชื่อผู้ลงทะเบียน", "This forum keeps no sign-in list"), error=True)
            return
        found.first(Input).focus()

    @on(Input.Submitted, "#signin-name")
    def _signed(self, event: Input.Submitted) -> None:
        try:
            count = self.desk.sign_in(self.session, event.value)
        except OfficeError as exc:
            self.refused(exc)
            return
        event.input.value = ""
        self.say(self.t(f"ลงชื่อแล้ว (รวม {count} คน)", f"Signed in ({count} so far)"))
        self.refresh_view()

    # -- forms -------------------------------------------------------------------------------------

    def _entry_allowed(self) -> bool:
        if self.forum.closed:
            self.say(self.t("ปิดเวทีแล้ว", "The forum is closed"), error=True)
            return False
        return True

    def action_self_entry(self) -> None:
        if not self._entry_allowed():
            return
        forum = self.forum

        def submit(answers: dict[str, object], votes: list[str]) -> None:
            self.desk.submit_form(self.session, answers, votes, mode="self")

        self.app.push_screen(
            SelfEntryScreen(
                self.ctx, self.desk.instrument(forum.instrument), forum.agenda, submit, repeat=True
            )
        )

    def action_clerk_entry(self) -> None:
        if self._entry_allowed():
            self.app.push_screen(ClerkEntryScreen(self.ctx, self.session))

    def action_take_back(self) -> None:
        last = self.forum.last_form()
        if last is None:
            self.say(self.t("ยังไม่มีแบบฟอร์มให้ยกเลิก", "There is no form to take back"), error=True)
            return
        number = len(self.forum.forms)

        def with_reason(reason: str | None) -> None:
            if reason is None:
                self.say(self.t("ยกเลิกแล้ว แบบฟอร์มยังนับอยู่", "Cancelled: the form still counts"))
                return
            try:
                self.desk.void_last_form(self.session, reason)
            except OfficeError as exc:
                self.refused(exc)
                return
            self.say(self.t(f"ยกเลิกแบบฟอร์มฉบับที่ {number} แล้ว", f"Form {number} taken back"))
            self.refresh_view()

        self.app.push_screen(
            ReasonDialog(
                self.t("ยกเลิกแบบฟอร์มล่าสุด", "Take back the last form"),
                self.t(
                    f"ยกเลิกแบบฟอร์มฉบับที่ {number} (ยังคงอยู่ในบันทึก แต่ไม่นับ) ระบุเหตุผล",
                    f"Take back form {number} (it stays in the log but no longer counts). Why?",
                ),
                self.lang,
            ),
            with_reason,
        )

    # -- closing -----------------------------------------------------------------------------------

    def action_close_forum(self) -> None:
        forum = self.forum

        def closing(yes: bool | None) -> None:
            if not yes:
                self.say(self.t("ยังไม่ปิดเวที", "The forum stays open"))
                return
            try:
                self.desk.close_forum(self.session)
            except OfficeError as exc:
                self.refused(exc)
                return
            self.app.switch_screen(ForumSummaryScreen(self.ctx, self.session))

        self.app.push_screen(
            ConfirmDialog(
                self.t("ปิดเวที", "Close the forum"),
                self.t(
                    f"ปิดเวทีที่{forum.community}? หลังปิดแล้วบันทึกเพิ่มไม่ได้\n(y ยืนยัน, Esc ยกเลิก)",
                    f"Close the forum at {forum.community}? Nothing can be added after.\n"
                    "(y to confirm, Esc to cancel)",
                ),
                self.t("ปิดเวที (y)", "Close (y)"),
                self.t("ยกเลิก (Esc)", "Cancel (Esc)"),
            ),
            closing,
        )

    def action_home(self) -> None:
        self.app.pop_screen()
