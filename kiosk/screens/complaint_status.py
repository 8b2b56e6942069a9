"""Following a complaint up at the kiosk: keying in its tracking code, and its status in big Thai.

The code is scanned from the receipt's QR code (the app reads the scanner's keys, as for a ticket) or
keyed in here on big keys: the letters and digits a code can hold, in the receipt's grouping as typed.
The status screen shows the code, where the complaint stands, each dated step (B.E.), the due date and,
once it is closed and not yet rated, the button to rate how it was handled.
"""

from __future__ import annotations

from datetime import date

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Center, Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from kiosk.office.service import ComplaintView
from kiosk.widgets.big_choice import BigChoice
from kiosk.widgets.keypad import KEYPAD_ERASE, KEYPAD_OK
from kiosk.widgets.scanner import MAX_SCAN, CodeEntered, key_character
from surveys.content.thaidate import format_date

BACK = "back"
RATE_COMPLAINT = "rate-complaint"
# What a tracking code can hold: its series (C, T), the year's digits, and the letters and digits of
# its random part and check character (no look-alikes: no O, I, L, Z, S, B).
CODE_KEYS = "CTADEFGHJKMNPQRWXY0123456789"
CODE_LENGTH = 10  # C 68 7KQ2MX D


def plain_code(raw: str) -> str:
    """What was keyed in, as the code's own characters (upper case, no dashes or spaces)."""
    return "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())


def group_code(plain: str) -> str:
    """``C687KQ4MXN`` → ``C68-7KQ4MX-N``, as far as typed (the receipt's grouping)."""
    parts = (plain[0:3], plain[3:9], plain[9:])
    return "-".join(part for part in parts if part)


class ComplaintRatingRequested(Message):
    """A person tapped "rate how it was handled" on a closed complaint's status."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code


class ComplaintCodeScreen(Screen[None]):
    """Big keys for the code's letters and digits, what is typed so far, and OK."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.raw = ""

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        yield Static("ติดตามเรื่องร้องเรียน" if th else "Follow up a complaint", classes="heading")
        yield Static(
            "สแกนคิวอาร์โค้ดบนใบรับเรื่อง หรือกดรหัสติดตามเรื่อง เช่น C68-7KQ4MX-N"
            if th
            else "Scan the QR code on your receipt, or key in its tracking code, e.g. C68-7KQ4MX-N",
            classes="subheading",
        )
        yield Static("", id="complaint-code")
        yield Static("", id="complaint-code-progress", classes="hint")
        with Grid(id="code-keys"):
            for key in CODE_KEYS:
                yield BigChoice(key, key, id=f"ckey-{key}", classes="key")
            yield BigChoice("ลบ" if th else "Delete", KEYPAD_ERASE, id="ckey-erase", classes="key erase")
            yield BigChoice("ตกลง" if th else "OK", KEYPAD_OK, id="ckey-ok", classes="key ok")
        with Center():
            yield BigChoice("ย้อนกลับ" if th else "Back", BACK, id="back", classes="back")

    def on_mount(self) -> None:
        self._show()

    def _show(self, problem: str = "") -> None:
        plain = plain_code(self.raw)
        self.query_one("#complaint-code", Static).update(group_code(plain) or " ")
        th = self.lang == "th"
        progress = f"กดแล้ว {len(plain)} จาก {CODE_LENGTH} ตัว" if th else f"{len(plain)} of {CODE_LENGTH}"
        self.query_one("#complaint-code-progress", Static).update(
            f"{problem}  {progress}" if problem else progress
        )

    def _confirm(self) -> None:
        if len(plain_code(self.raw)) < CODE_LENGTH:
            th = self.lang == "th"
            self._show("ยังกดไม่ครบ ·" if th else "Not the whole code yet ·")
            return
        self.post_message(CodeEntered(self.raw))

    @on(BigChoice.Chosen, ".key")
    def _key(self, event: BigChoice.Chosen) -> None:
        event.stop()
        if event.value == KEYPAD_OK:
            self._confirm()
            return
        if event.value == KEYPAD_ERASE:
            self.raw = self.raw[:-1]
        elif len(plain_code(self.raw)) < CODE_LENGTH:
            self.raw += event.value
        self._show()

    @on(BigChoice.Chosen, "#back")
    def _back(self, event: BigChoice.Chosen) -> None:
        event.stop()
        self.dismiss()

    def on_key(self, event: events.Key) -> None:
        """A keyboard (or a scanner) on this screen types here, in either layout; Enter sends it."""
        if event.key == "enter":
            event.stop()
            if self.raw:
                self.post_message(CodeEntered(self.raw))
        elif event.key == "backspace":
            event.stop()
            self.raw = self.raw[:-1]
            self._show()
        elif (character := key_character(event.key, event.character)) and len(self.raw) < MAX_SCAN:
            event.stop()
            self.raw += character
            self._show()


class ComplaintStatusScreen(Screen[None]):
    """Where a complaint stands, in big Thai: the code, the status, each dated step, the due date."""

    def __init__(self, view: ComplaintView, lang: str) -> None:
        super().__init__()
        self.view = view
        self.lang = lang

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        view = self.view
        yield Static("ติดตามเรื่องร้องเรียน" if th else "Your complaint", classes="heading")
        kind = ("เบาะแส" if th else "Tip") if view.tip else ("เรื่อง" if th else "Complaint")
        yield Static(f"{kind} {view.code}", id="complaint-code-shown")
        yield Static(view.status_th if th else view.status_en, id="complaint-status")
        if view.subject:
            yield Static(
                f"เรื่อง: {view.subject}" if th else f"Subject: {view.subject}", id="complaint-subject"
            )
        with VerticalScroll(id="complaint-steps"):
            for step in view.steps:
                label = step.th if th else step.en
                day = format_date(date.fromisoformat(step.on), lang=self.lang)
                text = f"{day}   {label}"
                if step.note:
                    text += f"\n{' ' * len(day)}   “{step.note}”"
                yield Static(text, classes=f"complaint-step step-{step.to}")
        yield Static(self._due_text(), id="complaint-due")
        if view.rated:
            yield Static(
                "ท่านประเมินความพึงพอใจเรื่องนี้แล้ว ขอบคุณ" if th else "You have rated its handling. Thank you!",
                id="complaint-rated",
                classes="hint",
            )
        with Horizontal(id="complaint-actions"):
            if view.can_rate:
                yield BigChoice(
                    "ประเมินความพึงพอใจ" if th else "Rate how it was handled",
                    RATE_COMPLAINT,
                    id="rate-complaint",
                )
            yield BigChoice("กลับหน้าหลัก" if th else "Home", BACK, id="status-home", classes="back")

    def _due_text(self) -> str:
        th = self.lang == "th"
        due = format_date(date.fromisoformat(self.view.due), lang=self.lang)
        if self.view.closed:
            return f"กำหนดแล้วเสร็จ {due}" if th else f"Due {due}"
        if self.view.overdue:
            return (
                f"กำหนดแล้วเสร็จ {due} (เกินกำหนดแล้ว เจ้าหน้าที่ต้องแจ้งเหตุผลให้ท่านทราบ)"
                if th
                else f"Due {due} (overdue: the office must tell you why)"
            )
        return f"กำหนดแล้วเสร็จภายใน {due}" if th else f"To be handled by {due}"

    @on(BigChoice.Chosen, "#rate-complaint")
    def _rate(self, event: BigChoice.Chosen) -> None:
        event.stop()
        self.post_message(ComplaintRatingRequested(self.view.code))

    @on(BigChoice.Chosen, "#status-home")
    def _home(self, event: BigChoice.Chosen) -> None:
        event.stop()
        self.dismiss()
