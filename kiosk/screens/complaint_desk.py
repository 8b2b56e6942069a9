"""The complaint desk's list: every complaint of the office, open ones first, the earliest due first.

The list refreshes itself (a timer asks the office for ``complaint_list`` in a thread worker, so a slow
LAN never freezes the keys). ``n`` takes a complaint, ``t`` a corruption tip (each on the intake form,
:mod:`kiosk.screens.complaint_desk_form`), Enter or ``s`` records the selected complaint's next step
(:mod:`kiosk.screens.complaint_desk_step`), ``p`` reprints its receipt. F2 switches Thai/English. Every
refusal of the office shows as its own message, never a traceback.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from kiosk.office.service import ComplaintEntry, Office
from kiosk.printing.complaint_receipt import ReceiptView
from kiosk.printing.printers import Printer, PrintError
from kiosk.screens.complaint_desk_form import ComplaintFormScreen
from kiosk.screens.complaint_desk_step import StepChoice, StepDialog
from surveys.bilingual import UserError, lookup
from surveys.complaints.cases import STEPS
from surveys.content.thaidate import format_date
from surveys.counter.settings import PHONE_BLANK, Settings
from surveys.log.device_log import LogError

REFRESH_SECONDS = 5.0

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("โต๊ะรับเรื่องร้องเรียน", "Complaint desk"),
    "keys": (
        "n รับเรื่องร้องเรียน · t รับแจ้งเบาะแสทุจริต · Enter/s บันทึกขั้นตอน · p พิมพ์ใบรับเรื่องซ้ำ · F2 English",
        "n new complaint · t new corruption tip · Enter/s record a step · p reprint the receipt · F2 ไทย",
    ),
    "col_code": ("รหัส", "Code"),
    "col_received": ("วันที่รับ", "Received"),
    "col_due": ("กำหนดเสร็จ", "Due"),
    "col_status": ("สถานะ", "Status"),
    "col_late": ("", ""),
    "col_subject": ("เรื่อง", "Subject"),
    "late_open": ("!! เกินกำหนด", "!! OVERDUE"),
    "late_closed": ("เสร็จช้ากว่ากำหนด", "closed late"),
    "tip_subject": ("(เบาะแสทุจริต: ไม่แสดงเรื่อง)", "(corruption tip: subject not shown)"),
    "summary": (
        "รวม {all} เรื่อง · ค้างอยู่ {open} · เกินกำหนด {late}",
        "{all} in all · {open} open · {late} overdue",
    ),
    "empty": ("ยังไม่มีเรื่องร้องเรียน กด n เพื่อรับเรื่อง", "No complaints yet: press n to take one"),
    "loading": ("กำลังอ่านรายการ…", "Reading the list…"),
    "unreachable": ("{error} (กำลังลองใหม่…)", "{error} (retrying…)"),
    "choose": ("เลือกเรื่องในรายการก่อน", "Select a complaint in the list first"),
    "closed": ("เรื่อง {code} ปิดแล้ว ไม่มีขั้นตอนต่อไป", "{code} is closed: there is no next step"),
    "stepped": ("บันทึกแล้ว: {code} {status}", "Recorded: {code} {status}"),
    "cancelled": ("ยกเลิกแล้ว ไม่ได้บันทึก", "Cancelled: nothing was recorded"),
    "reprinted": ("พิมพ์ใบรับเรื่อง {code} ซ้ำแล้ว ({where})", "Receipt of {code} reprinted ({where})"),
    "no_printer": ("เครื่องนี้ไม่มีเครื่องพิมพ์ (ใช้ --printer)", "This terminal has no printer (use --printer)"),
    "print_failed": ("พิมพ์ไม่ได้: {error}", "Did not print: {error}"),
    "recorded": ("รับเรื่องแล้ว: {code}", "Recorded: {code}"),
}
_t = partial(lookup, _TEXT)

# the columns and their widths in cells (fixed: the table is redrawn at each refresh, and widths
# measured from the rows came out too narrow when it was redrawn behind a closing dialog)
_COLUMNS: dict[str, int | None] = {
    "col_code": 13,
    "col_received": 11,
    "col_due": 11,
    "col_status": 22,
    "col_late": 14,
    "col_subject": None,
}


def label(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    th, en = table.get(key, (key, key))
    return en if lang == "en" else th


def receipt_of(entry: ComplaintEntry, settings: Settings, *, reprint: bool = False) -> ReceiptView:
    """The receipt of ``entry`` as the office listed it (the code as printed, the office's phone)."""
    return ReceiptView(
        municipality_th=settings.municipality_th,
        municipality_en=settings.municipality_en,
        code=entry.code,
        tip=entry.series == "T",
        received_at=datetime.fromisoformat(entry.received),
        due=date.fromisoformat(entry.due),
        subject=entry.subject,
        phone=settings.complaint_phone or settings.office_phone or PHONE_BLANK,
        reprint=reprint,
    )


def print_receipt(printer: Printer | None, view: ReceiptView, lang: str) -> str:
    """Where the receipt went; raises :class:`PrintError` (bilingual) when it did not print."""
    if printer is None:
        raise PrintError(*_TEXT["no_printer"])
    method = getattr(printer, "print_receipt", None)
    if method is None:
        raise PrintError("เครื่องพิมพ์นี้พิมพ์ใบรับเรื่องร้องเรียนไม่ได้", "this printer can't print complaint receipts")
    return str(method(view, lang))


class ComplaintTable(DataTable[str]):
    """The complaints, one row each, keyed by their code."""


class ComplaintListScreen(Screen[None]):
    """The desk's list of ``office``'s complaints; ``printer`` prints the receipts (None: none here)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new(False)", "new complaint", show=False),
        Binding("t", "new(True)", "new tip", show=False),
        Binding("s", "step", "record a step", show=False),
        Binding("p", "reprint", "reprint", show=False),
        Binding("f2", "toggle_lang", "ไทย/English", show=False),
    ]

    def __init__(self, office: Office, printer: Printer | None, *, lang: str = "th") -> None:
        super().__init__()
        self.office = office
        self.printer = printer
        self.lang = lang
        self.entries: tuple[ComplaintEntry, ...] | None = None
        self._error: str = ""

    def compose(self) -> ComposeResult:
        yield Label(id="title-bar")
        yield Static(id="keys")
        yield ComplaintTable(id="complaints", cursor_type="row", zebra_stripes=True)
        yield Static(id="summary")
        yield Static(id="message")

    def on_mount(self) -> None:
        self._draw()
        self.refresh_list()
        self.set_interval(REFRESH_SECONDS, self.refresh_list)

    # -- reading the list ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="list")
    def refresh_list(self) -> None:
        try:
            entries = self.office.complaint_list()
        except (UserError, LogError, OSError) as exc:
            text = exc.text(self.lang) if isinstance(exc, UserError) else str(exc)
            self.app.call_from_thread(self._unreachable, text)
            return
        self.app.call_from_thread(self._show, entries)

    def _unreachable(self, error: str) -> None:
        self._error = error
        self._draw()

    def _show(self, entries: tuple[ComplaintEntry, ...]) -> None:
        if entries == self.entries and not self._error:
            return  # nothing new: the table (and its cursor) stays as it is
        self.entries = entries
        self._error = ""
        self._draw()

    def selected(self) -> ComplaintEntry | None:
        table = self.query_one(ComplaintTable)
        if not self.entries or table.row_count == 0:
            return None
        row = table.cursor_row
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _draw(self) -> None:
        lang = self.lang
        settings = self.office.settings
        office = settings.municipality_en if lang == "en" else settings.municipality_th
        self.query_one("#title-bar", Label).update(f"{_t('title', lang)} · {office}")
        self.query_one("#keys", Static).update(_t("keys", lang))
        table = self.query_one(ComplaintTable)
        keep = self.selected()
        table.clear(columns=True)
        for key, width in _COLUMNS.items():
            table.add_column(_t(key, lang), key=key, width=width)
        summary = self.query_one("#summary", Static)
        if self.entries is None:
            summary.update(_t("unreachable", lang, error=self._error) if self._error else _t("loading", lang))
            return
        for entry in self.entries:
            late = ""
            if entry.late:
                late = _t("late_closed" if entry.closed else "late_open", lang)
            subject = _t("tip_subject", lang) if entry.series == "T" else entry.subject
            table.add_row(
                entry.code,
                format_date(datetime.fromisoformat(entry.received), lang=lang, style="short"),
                format_date(date.fromisoformat(entry.due), lang=lang, style="short"),
                label(STEPS, entry.status, lang),
                late,
                subject,
                key=entry.code,
            )
        if keep is not None and any(e.code == keep.code for e in self.entries):
            table.move_cursor(row=table.get_row_index(keep.code))
        if not self.entries:
            text = _t("empty", lang)
        else:
            text = _t(
                "summary",
                lang,
                all=len(self.entries),
                open=sum(1 for e in self.entries if not e.closed),
                late=sum(1 for e in self.entries if e.late and not e.closed),
            )
        if self._error:
            text += "  " + _t("unreachable", lang, error=self._error)
        summary.update(text)

    def say(self, text: str) -> None:
        self.query_one("#message", Static).update(text)

    # -- the keys --------------------------------------------------------------------------------

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "th" else "th"
        self._draw()

    def action_new(self, tip: bool) -> None:
        def back(code: str | None) -> None:
            if code:
                self.say(_t("recorded", self.lang, code=code))
            self.refresh_list()

        self.app.push_screen(ComplaintFormScreen(self.office, self.printer, tip=tip, lang=self.lang), back)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_step()

    def action_step(self) -> None:
        entry = self.selected()
        if entry is None:
            self.say(_t("choose", self.lang))
            return
        if entry.closed:
            self.say(_t("closed", self.lang, code=entry.code))
            return

        def chosen(choice: StepChoice | None) -> None:
            if choice is None:
                self.say(_t("cancelled", self.lang))
                return
            try:
                done = self.office.complaint_step(entry.code, choice.to, choice.note)
            except UserError as exc:
                self.say(exc.text(self.lang))
                return
            self.say(_t("stepped", self.lang, code=done.code, status=label(STEPS, done.status, self.lang)))
            self.refresh_list()

        self.app.push_screen(StepDialog(entry, lang=self.lang), chosen)

    def action_reprint(self) -> None:
        entry = self.selected()
        if entry is None:
            self.say(_t("choose", self.lang))
            return
        try:
            where = print_receipt(
                self.printer, receipt_of(entry, self.office.settings, reprint=True), self.lang
            )
        except PrintError as exc:
            self.say(_t("print_failed", self.lang, error=exc.text(self.lang)))
            return
        self.say(_t("reprinted", self.lang, code=entry.code, where=where))
