"""The complaint desk's intake form: a complaint (``n``) or a corruption tip (``t``, its own code
series T, always about corruption), recorded through the office's ``receive_complaint``.

Ctrl+S records it, then shows the tracking code large and prints the receipt on this terminal's
printer; a print failure says so and keeps the code on screen (the complaint is recorded all the same).
A refusal of the office shows as its own message and the form keeps everything typed.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Select, Static, TextArea

from kiosk.office.service import ComplaintEntry, Office
from kiosk.printing.printers import Printer, PrintError
from surveys.bilingual import UserError, lookup
from surveys.complaints.cases import CATEGORIES, CHANNELS
from surveys.content.thaidate import format_date
from surveys.log.device_log import LogError

# the channels staff take complaints by (the kiosk's own channel is the kiosk's)
DESK_CHANNELS = ("counter", "phone", "letter", "facebook", "damrongdhama", "walk_in")
TIP_CATEGORY = "corruption"

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("รับเรื่องร้องเรียน", "New complaint"),
    "title_tip": ("รับแจ้งเบาะแสการทุจริต (รหัสชุด T)", "New corruption tip (code series T)"),
    "tip_note": (
        "ผู้แจ้งเบาะแสได้รับความคุ้มครอง: ข้อมูลติดต่อถูกปิดผนึกด้วยกุญแจของเจ้าหน้าที่ผู้รับผิดชอบเรื่องร้องเรียน เปิดได้เฉพาะเจ้าหน้าที่ผู้นั้น",
        "The informant is protected: contact details are sealed to the complaints officer's key; only "
        "that officer can open them",
    ),
    "channel": ("ช่องทางที่รับเรื่อง", "Channel"),
    "category": ("ประเภทเรื่อง", "Category"),
    "subject": ("เรื่อง", "Subject"),
    "details": ("รายละเอียด", "Details"),
    "location": ("สถานที่ (หมู่บ้าน ถนน …)", "Location (village, street …)"),
    "contact": ("ข้อมูลติดต่อ (ไม่บังคับ)", "Contact details (optional)"),
    "pdpa": (
        "ใช้เพื่อแจ้งความคืบหน้าให้ผู้ร้องเรียนเท่านั้น ไม่ออกจากเครื่องสำนักงานเป็นข้อความที่อ่านได้ และไม่เปิดเผยต่อสาธารณะ",
        "Used only to tell the complainant of progress; never leaves the office PC readable, never published",
    ),
    "keys": ("Ctrl+S บันทึก · Esc กลับไปที่รายการ · F2 English", "Ctrl+S record · Esc back to the list · F2 ไทย"),
    "pick": ("เลือก…", "Choose…"),
    "choose_channel": ("เลือกช่องทางที่รับเรื่องก่อน", "Choose the channel first"),
    "recorded": ("รับเรื่องแล้ว รหัสติดตามเรื่อง", "Recorded. Tracking code"),
    "recorded_tip": ("รับเบาะแสแล้ว รหัสติดตามเรื่อง", "Tip recorded. Tracking code"),
    "due": ("กำหนดแล้วเสร็จ {due}", "Due {due}"),
    "printed": ("พิมพ์ใบรับเรื่องแล้ว ({where})", "Receipt printed ({where})"),
    "not_printed": (
        "พิมพ์ใบรับเรื่องไม่ได้ ({error}) แต่บันทึกเรื่องแล้ว ไม่ต้องบันทึกซ้ำ: เขียนรหัสนี้ให้ผู้ร้องเรียน",
        "The receipt did not print ({error}), but it is recorded — do not add it again: write this code "
        "down for the complainant",
    ),
    "give_code": (
        "แจ้งรหัสนี้ให้ผู้ร้องเรียน ติดตามเรื่องได้ที่ตู้บริการ · Esc กลับไปที่รายการ",
        "Give this code to the complainant: they follow it up at the kiosk · Esc back to the list",
    ),
    "storage": ("บันทึกไม่สำเร็จ: {error}", "Could not record it: {error}"),
}
_t = partial(lookup, _TEXT)


def _label(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    th, en = table[key]
    return en if lang == "en" else th


class ComplaintFormScreen(Screen[str | None]):
    """Take one complaint (or, with ``tip``, one corruption tip) for ``office``; dismisses with its
    code once recorded (None if left without recording)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "record", show=False, priority=True),
        Binding("escape", "back", "back", show=False),
        Binding("f2", "toggle_lang", "ไทย/English", show=False),
    ]

    def __init__(
        self, office: Office, printer: Printer | None, *, tip: bool = False, lang: str = "th"
    ) -> None:
        super().__init__()
        self.office = office
        self.printer = printer
        self.tip = tip
        self.lang = lang
        self.recorded: ComplaintEntry | None = None
        self.printed: str | None = None  # where the receipt went; "" when it did not print

    def compose(self) -> ComposeResult:
        yield Label(id="form-title")
        with VerticalScroll(id="form"):
            yield Static(id="tip-note", classes="tip-only")
            yield Label(id="l-channel")
            yield Select[str](self._channels(), id="channel", allow_blank=True, prompt=_t("pick", self.lang))
            yield Label(id="l-category")
            yield Select[str](self._categories(), id="category", allow_blank=False)
            yield Label(id="l-subject")
            yield Input(id="subject")
            yield Label(id="l-details")
            yield TextArea(id="details", tab_behavior="focus")
            yield Label(id="l-location")
            yield Input(id="location")
            yield Label(id="l-contact")
            yield Input(id="contact")
            yield Static(id="pdpa")
        with Vertical(id="done"):
            yield Static(id="done-label")
            yield Static(id="code")
            yield Static(id="done-due")
            yield Static(id="done-print")
            yield Static(id="done-give")
        yield Static(id="form-message")
        yield Static(id="form-keys")

    def _channels(self) -> list[tuple[str, str]]:
        return [(_label(CHANNELS, c, self.lang), c) for c in DESK_CHANNELS]

    def _categories(self) -> list[tuple[str, str]]:
        keys = (TIP_CATEGORY,) if self.tip else tuple(CATEGORIES)
        return [(_label(CATEGORIES, c, self.lang), c) for c in keys]

    def on_mount(self) -> None:
        self.query_one("#done").display = False
        self.query_one("#tip-note").display = self.tip
        self._draw()
        self.query_one("#channel", Select).focus()

    def _draw(self) -> None:
        lang = self.lang
        self.query_one("#form-title", Label).update(_t("title_tip" if self.tip else "title", lang))
        self.query_one("#tip-note", Static).update(_t("tip_note", lang))
        for key in ("channel", "category", "subject", "details", "location", "contact"):
            self.query_one(f"#l-{key}", Label).update(_t(key, lang))
        self.query_one("#pdpa", Static).update(_t("pdpa", lang))
        self.query_one("#form-keys", Static).update(_t("keys", lang))
        channel = self.query_one("#channel", Select)
        chosen = channel.value
        channel.prompt = _t("pick", lang)
        channel.set_options(self._channels())
        if chosen is not Select.BLANK:
            channel.value = chosen
        category = self.query_one("#category", Select)
        was = category.value
        category.set_options(self._categories())
        category.value = was if was in (TIP_CATEGORY,) or not self.tip else TIP_CATEGORY
        category.disabled = self.tip
        if self.recorded is not None:
            self._render_done()

    def _render_done(self) -> None:
        assert self.recorded is not None
        lang, entry = self.lang, self.recorded
        self.query_one("#done-label", Static).update(_t("recorded_tip" if self.tip else "recorded", lang))
        self.query_one("#code", Static).update(entry.code)
        due = format_date(date.fromisoformat(entry.due), lang=lang)
        self.query_one("#done-due", Static).update(_t("due", lang, due=due))
        self.query_one("#done-give", Static).update(_t("give_code", lang))

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "th" else "th"
        self._draw()

    def action_back(self) -> None:
        self.dismiss(self.recorded.code if self.recorded is not None else None)

    def say(self, text: str) -> None:
        self.query_one("#form-message", Static).update(text)

    def action_save(self) -> None:
        if self.recorded is not None:
            return  # recorded once: never twice from the same form
        channel = self.query_one("#channel", Select).value
        if not isinstance(channel, str):
            self.say(_t("choose_channel", self.lang))
            self.query_one("#channel", Select).focus()
            return
        category = self.query_one("#category", Select).value
        contact = self.query_one("#contact", Input).value.strip() or None
        try:
            entry = self.office.receive_complaint(
                channel,
                TIP_CATEGORY if self.tip else str(category),
                self.query_one("#subject", Input).value.strip(),
                self.query_one("#details", TextArea).text.strip(),
                self.query_one("#location", Input).value.strip(),
                contact,
                self.tip,
            )
        except UserError as exc:
            self.say(exc.text(self.lang))
            return
        except (LogError, OSError) as exc:
            self.say(_t("storage", self.lang, error=exc))
            return
        self.recorded = entry
        self.say("")
        self.query_one("#form").display = False
        self.query_one("#done").display = True
        self._render_done()
        self._print(entry)

    def _print(self, entry: ComplaintEntry) -> None:
        from kiosk.screens.complaint_desk import print_receipt, receipt_of

        shown = self.query_one("#done-print", Static)
        try:
            self.printed = print_receipt(self.printer, receipt_of(entry, self.office.settings), self.lang)
        except PrintError as exc:
            self.printed = ""
            shown.update(_t("not_printed", self.lang, error=exc.text(self.lang)))
            shown.add_class("warning")
            return
        shown.update(_t("printed", self.lang, where=self.printed))
