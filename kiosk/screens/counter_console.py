"""The counter console: one clerk's view of one counter, and the keys that move its queue.

The screen never blocks on the office: a thread worker waits for changes (``wait_for_change``) and
posts each new :class:`OfficeView` as :class:`CounterConsoleScreen.OfficeChanged`; every action
(call, recall, start, finish, no-show, transfer, call a chosen ticket) runs in a thread worker too and
reports back as ``TicketActionDone`` or ``TicketActionRefused``. A refusal shows the office's own
message in the chosen language, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Digits, Input, Label, Static
from textual.worker import get_current_worker

from kiosk.dialogs.confirm import ConfirmDialog
from kiosk.dialogs.out_of_order import OutOfOrderChoice, OutOfOrderDialog
from kiosk.dialogs.transfer import TransferDialog
from kiosk.office.service import CounterView, Office, OfficeError, OfficeView
from kiosk.screens.watch import office_views
from surveys.bilingual import lookup
from surveys.content.thaidate import format_time, now_bangkok
from surveys.counter.queue import CALLED, SERVING, Ticket
from surveys.counter.token import parse_ticket_number
from surveys.log.device_log import LogError

_TEXT: dict[str, tuple[str, str]] = {
    "current": ("คิวปัจจุบัน", "Current ticket"),
    "status_called": ("เรียกแล้ว รอผู้รับบริการ", "called, waiting for the person"),
    "status_serving": ("กำลังให้บริการ", "serving"),
    "status_free": ("ว่าง กด n เพื่อเรียกคิวถัดไป", "free: press n to call the next ticket"),
    "since": ("ตั้งแต่ {time}", "since {time}"),
    "next": ("คิวถัดไปตามลำดับ: {number}", "Next in order: {number}"),
    "next_none": ("คิวถัดไปตามลำดับ: - (ไม่มีคิวรอ)", "Next in order: - (nobody waiting)"),
    "today": (
        "วันนี้ทั้งสำนักงาน: ออกบัตร {issued} ใบ · ให้บริการเสร็จ {served} คิว",
        "Today, whole office: {issued} tickets issued · {served} served",
    ),
    "waiting": ("คิวที่รอ ({count})", "Waiting ({count})"),
    "col_order": ("ลำดับ", "#"),
    "col_number": ("คิว", "Ticket"),
    "col_group": ("กลุ่ม", "Group"),
    "col_waited": ("รอ (นาที)", "Waited (min)"),
    "type_number": ("หรือพิมพ์หมายเลขคิว เช่น A005 แล้วกด Enter", "or type a number, e.g. A005, and Enter"),
    "loading": ("กำลังอ่านข้อมูลคิว…", "Reading the queue…"),
    "unreachable": ("{error} (กำลังลองใหม่…)", "{error} (retrying…)"),
    "key_call_next": ("เรียกคิวถัดไป", "Call next"),
    "key_recall": ("เรียกซ้ำ", "Recall"),
    "key_start": ("เริ่มให้บริการ", "Start serving"),
    "key_finish": ("เสร็จสิ้น", "Finish"),
    "key_no_show": ("ไม่มาตามเรียก", "No-show"),
    "key_transfer": ("โอนไปบริการอื่น", "Transfer"),
    "key_call_chosen": ("เรียกคิวที่เลือก", "Call selected"),
    "key_lang": ("English", "ไทย"),
    "done_call_next": ("เรียกคิว {number} แล้ว", "Called {number}"),
    "done_call_chosen": ("เรียกคิว {number} แล้ว", "Called {number}"),
    "done_call_out_of_order": (
        "เรียกคิว {number} แล้ว (ข้ามคิว: {reason})",
        "Called {number} (out of order: {reason})",
    ),
    "done_recall": ("เรียกซ้ำ {number} แล้ว", "Recalled {number}"),
    "done_start": ("เริ่มให้บริการ {number}", "Serving {number}"),
    "done_finish": ("{number} เสร็จสิ้นแล้ว", "{number} finished"),
    "done_no_show": (
        "บันทึก {number} ไม่มาตามเรียกแล้ว (กดผิด? กด u เพื่อคืนคิวเข้าที่เดิม)",
        "{number} marked as no-show (a mistake? press u to put it back in its place)",
    ),
    "done_undo_no_show": ("คืน {number} เข้าคิวที่เดิมแล้ว", "{number} is back in its place in the queue"),
    "nothing_to_undo": (
        "ไม่มีคิวที่เพิ่งบันทึกว่าไม่มาตามเรียกที่ช่องนี้",
        "No ticket was just marked as no-show at this counter",
    ),
    "confirm_no_show_title": ("ไม่มาตามเรียก", "No-show"),
    "confirm_no_show": (
        "บันทึกว่าคิว {number} ไม่มาตามเรียก?\nคิวนี้จะปิดโดยไม่ได้รับบริการ (กด y ยืนยัน, Esc ยกเลิก)",
        "Mark {number} as a no-show?\nIt is closed without service (y to confirm, Esc to cancel)",
    ),
    "yes_no_show": ("ยืนยัน ไม่มาตามเรียก (y)", "Yes, no-show (y)"),
    "no": ("ยกเลิก (Esc)", "Cancel (Esc)"),
    "done_transfer": ("โอน {number} ไป {service} แล้ว", "Transferred {number} to {service}"),
    "nobody_waiting": ("ไม่มีคิวรอสำหรับช่องบริการนี้", "Nobody is waiting for this counter"),
    "no_ticket": ("ยังไม่ได้เรียกคิว", "no ticket has been called at this counter"),
    "choose_ticket": (
        "เลือกคิวในรายการคิวที่รอ หรือพิมพ์หมายเลขคิว",
        "Select a ticket in the waiting list, or type its number",
    ),
    "bad_number": ("'{typed}' ไม่ใช่หมายเลขคิว (ตัวอย่าง: A005)", "'{typed}' is not a ticket number (e.g. A005)"),
    "cancelled": ("ยกเลิกแล้ว ไม่ได้เรียกคิว", "Cancelled: nothing was called"),
    "cancelled_no_show": ("ยกเลิกแล้ว ไม่ได้บันทึกไม่มาตามเรียก", "Cancelled: not marked as no-show"),
    "storage": ("บันทึกไม่สำเร็จ: {error}", "Could not record it: {error}"),
}
_t = partial(lookup, _TEXT)  # _t(key, lang, **values)


# the buttons at the bottom, in order: action → its key (the screen's BINDINGS say the same)
_KEYS = {"call_next": "n", "recall": "r", "start": "s", "finish": "f", "no_show": "x",
         "transfer": "t", "call_chosen": "c", "lang": "l"}  # fmt: skip


@dataclass(frozen=True)
class Timing:
    """When things happened, for the minutes on screen: each waiting number's joining of its queue,
    and since when the counter's ticket is in its status."""

    queued: Mapping[str, datetime]
    since: datetime | None
    order: Mapping[str, int] = field(default_factory=dict)  # waiting number → its place in the log


def read_timing(view: OfficeView, counter: int) -> Timing:
    """The times on screen, from the :class:`OfficeView` (the same in one process and over the LAN):
    when each waiting number joined its queue and its place in the log, and since when the counter's
    ticket is called or served. A view from an older office without them: the first call of the
    counter's ticket among the last calls, and the waited minutes left blank rather than guessed."""
    current = next((c for c in view.counters if c.counter == counter), None)
    queued = {number: datetime.fromisoformat(at) for number, (at, _) in view.queued.items()}
    order = {number: seq for number, (_, seq) in view.queued.items()}
    if current is not None and current.since is not None:
        return Timing(queued, datetime.fromisoformat(current.since), order)
    first_call = next(
        (c for c in view.last_calls if current and c.ticket == current.ticket and not c.recall), None
    )
    return Timing(queued, datetime.fromisoformat(first_call.at) if first_call else None, order)


class WaitingList(DataTable[str]):
    """The tickets waiting for this counter's services, in queue order; Enter asks to call one."""

    class TicketChosen(Message):
        def __init__(self, number: str) -> None:
            super().__init__()
            self.number = number

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    @property
    def selected_number(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def show(
        self,
        rows: list[tuple[str, str, str]],
        headers: tuple[str, str, str, str],
    ) -> None:
        """Replace the rows (number, group, waited), keeping the cursor on the same ticket if it waits."""
        keep = self.selected_number
        keep_index = self.cursor_row
        self.clear(columns=True)
        self.add_column(headers[0], width=5)
        self.add_column(headers[1], width=6)
        self.add_column(headers[2])
        self.add_column(headers[3])
        for index, (number, group, waited) in enumerate(rows, start=1):
            self.add_row(str(index), number, group, waited, key=number)
        numbers = [number for number, _, _ in rows]
        if keep in numbers:
            self.move_cursor(row=numbers.index(keep))
        elif rows:
            self.move_cursor(row=min(keep_index, len(rows) - 1))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.TicketChosen(event.row_key.value))


class CounterConsoleScreen(Screen[None]):
    """The console of counter ``counter``. Keys: n r s f x t c l (also the buttons at the bottom)."""

    AUTO_FOCUS = "#waiting"

    # Each key also works with the Thai (Kedmanee) layout on, where n types ื, r พ, s ห, f ด, x ป,
    # t ะ, c แ and l ส: clerks switch layouts all day.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,thai_character_sara_uee", "call_next", "Call next", show=False),
        Binding("r,พ", "recall", "Recall", show=False),
        Binding("s,ห", "start", "Start", show=False),
        Binding("f,ด", "finish", "Finish", show=False),
        Binding("x,ป", "no_show", "No-show", show=False),
        Binding("u,thai_character_sara_ii", "undo_no_show", "Undo a no-show", show=False),
        Binding("t,ะ", "transfer", "Transfer", show=False),
        Binding("c,แ", "call_chosen", "Call selected", show=False),
        Binding("l,ส", "toggle_lang", "ไทย/English", show=False),
        Binding("escape", "focus_list", "Back to the list", show=False),
    ]

    class OfficeChanged(Message):
        """The office moved on (or this is the first look at it)."""

        def __init__(self, view: OfficeView, timing: Timing) -> None:
            super().__init__()
            self.view = view
            self.timing = timing

    class OfficeUnreachable(Message):
        def __init__(self, error: OfficeError) -> None:
            super().__init__()
            self.error = error

    class TicketActionDone(Message):
        def __init__(self, action: str, ticket: Ticket | None, reason: str | None = None) -> None:
            super().__init__()
            self.action = action
            self.ticket = ticket
            self.reason = reason

    class TicketActionRefused(Message):
        def __init__(self, action: str, error: OfficeError, number: str | None = None) -> None:
            super().__init__()
            self.action = action
            self.error = error
            self.number = number

    def __init__(
        self,
        office: Office,
        counter: int,
        *,
        lang: str = "th",
        clock: Callable[[], datetime] = now_bangkok,
    ) -> None:
        super().__init__()
        self.office = office
        self.settings = office.settings
        self.counter = counter
        self.lang = lang
        self.clock = clock
        self.view: OfficeView | None = None
        self.timing = Timing({}, None)
        self._message: tuple[str, tuple[str, str]] | None = None  # (kind, (th, en))
        self._last_no_show: str | None = None  # the number u puts back in the queue

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label(id="counter-name")
            yield Label(id="counter-services")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                with Vertical(id="current-box"):
                    yield Label(id="current-label")
                    yield Digits("---", id="current-number")
                    yield Label(id="current-status")
                yield Label(id="next-in-order")
                yield Label(id="today")
            with Vertical(id="right"):
                yield Label(id="waiting-label")
                yield WaitingList(id="waiting")
                yield Input(id="number-input", max_length=8)
        with Grid(id="actions"):
            for action in _KEYS:
                button = Button("", id=f"act-{action}", compact=True)
                button.can_focus = False
                yield button
        yield Static("", id="message", markup=False)

    def on_mount(self) -> None:
        self._show_view()
        self.set_interval(30, self._render_waiting)  # waited minutes move on with the clock
        self._watch()

    # -- watching the office ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="watch")
    def _watch(self) -> None:
        def unreachable(error: Exception) -> None:
            office_error = error if isinstance(error, OfficeError) else _storage_error(error)
            self.post_message(self.OfficeUnreachable(office_error))

        for view in office_views(self.office, get_current_worker(), unreachable):
            self.post_message(self.OfficeChanged(view, read_timing(view, self.counter)))

    @on(OfficeChanged)
    def _office_changed(self, message: OfficeChanged) -> None:
        if self._message and self._message[0] == "unreachable":
            self._message = None
        self.view = message.view
        self.timing = message.timing
        self._show_view()

    @on(OfficeUnreachable)
    def _office_unreachable(self, message: OfficeUnreachable) -> None:
        self._say_key("unreachable", "unreachable", error=(message.error.th, message.error.en))

    # -- rendering ----------------------------------------------------------------------------

    def _mine(self) -> CounterView | None:
        if self.view is None:
            return None
        return next((c for c in self.view.counters if c.counter == self.counter), None)

    def _show_view(self) -> None:
        lang = self.lang
        counter = next(c for c in self.settings.counters if c.number == self.counter)
        self.query_one("#counter-name", Label).update(counter.name(lang))
        services = [self.settings.service(s) for s in self.settings.services_of_counter(self.counter)]
        self.query_one("#counter-services", Label).update(
            " · ".join(f"{s.name(lang)} ({s.prefix})" for s in services)
        )
        self.query_one("#current-label", Label).update(_t("current", lang))
        for action in _KEYS:
            self.query_one(f"#act-{action}", Button).label = f"{_KEYS[action]} {_t('key_' + action, lang)}"
        self.query_one("#number-input", Input).placeholder = _t("type_number", lang)
        self._render_message()
        view = self.view
        if view is None:
            self.query_one("#current-status", Label).update(_t("loading", lang))
            return
        mine = self._mine()
        number = mine.number if mine and mine.number else "---"
        self.query_one("#current-number", Digits).update(number)
        box = self.query_one("#current-box")
        box.set_class(bool(mine and mine.status == CALLED), "-called")
        box.set_class(bool(mine and mine.status == SERVING), "-serving")
        if mine is None or mine.status is None:
            status = _t("status_free", lang)
        else:
            status = _t(f"status_{mine.status}", lang)
            if self.timing.since is not None:
                status += "  " + _t("since", lang, time=format_time(self.timing.since, lang=lang))
        self.query_one("#current-status", Label).update(status)
        nxt = view.next_by_counter.get(self.counter)
        self.query_one("#next-in-order", Label).update(
            _t("next", lang, number=nxt) if nxt else _t("next_none", lang)
        )
        self.query_one("#today", Label).update(
            _t("today", lang, issued=view.issued_today, served=view.served_today)
        )
        self._render_waiting()

    def _waiting_numbers(self) -> list[tuple[str, str | None]]:
        """This counter's waiting tickets across its services, in queue order."""
        if self.view is None:
            return []
        services = self.settings.services_of_counter(self.counter)
        waiting = [item for s in services for item in self.view.waiting.get(s, ())]
        order = self.timing.order
        if len(services) > 1 and all(number in order for number, _ in waiting):
            # the view lists each service's queue apart; merge them in the order the tickets joined
            waiting.sort(key=lambda item: order[item[0]])
        return waiting

    def _render_waiting(self) -> None:
        if self.view is None:
            return
        lang = self.lang
        groups = {g.id: g for g in self.settings.priority.groups}
        now = self.clock()
        rows = []
        for number, priority in self._waiting_numbers():
            group = groups.get(priority) if priority else None
            mark = f"★ {group.label(lang)}" if group else ("★ " + priority if priority else "")
            queued = self.timing.queued.get(number)
            waited = str(max(0, int((now - queued).total_seconds() // 60))) if queued else "-"
            rows.append((number, mark, waited))
        self.query_one("#waiting-label", Label).update(_t("waiting", lang, count=len(rows)))
        headers = (_t("col_order", lang), _t("col_number", lang), _t("col_group", lang),
                   _t("col_waited", lang))  # fmt: skip
        self.query_one(WaitingList).show(rows, headers)

    def _say(self, kind: str, th: str, en: str) -> None:
        self._message = (kind, (th, en))
        self._render_message()

    def _say_key(self, kind: str, key: str, **values: object) -> None:
        """Say the text ``key`` in both languages; a value given as a (th, en) pair goes in by language."""

        def pick(lang: str) -> dict[str, object]:
            i = 0 if lang == "th" else 1
            return {k: v[i] if isinstance(v, tuple) else v for k, v in values.items()}

        self._say(kind, _t(key, "th", **pick("th")), _t(key, "en", **pick("en")))

    def _render_message(self) -> None:
        line = self.query_one("#message", Static)
        if self._message is None:
            line.update("")
            line.set_classes("")
            return
        kind, (th, en) = self._message
        line.update(th if self.lang == "th" else en)
        line.set_classes(f"-{'error' if kind in ('error', 'unreachable') else kind}")

    # -- actions ------------------------------------------------------------------------------

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "th" else "th"
        self._show_view()

    def action_focus_list(self) -> None:
        self.query_one(WaitingList).focus()

    def action_call_next(self) -> None:
        self._office_call("call_next", lambda: self.office.call_next(self.counter))

    def action_recall(self) -> None:
        self._office_call("recall", lambda: self.office.recall(self.counter))

    def action_start(self) -> None:
        self._office_call("start", lambda: self.office.start(self.counter))

    def action_finish(self) -> None:
        self._office_call("finish", lambda: self.office.finish(self.counter))

    def action_no_show(self) -> None:
        mine = self._mine()
        if mine is None or mine.number is None:
            self._say_key("error", "no_ticket")
            return
        number, lang = mine.number, self.lang

        def confirmed(yes: bool | None) -> None:
            if not yes:
                self._say_key("info", "cancelled_no_show")
                return
            self._office_call("no_show", lambda: self.office.no_show(self.counter))

        dialog = ConfirmDialog(
            _t("confirm_no_show_title", lang),
            _t("confirm_no_show", lang, number=number),
            _t("yes_no_show", lang),
            _t("no", lang),
        )
        self.app.push_screen(dialog, confirmed)

    def action_undo_no_show(self) -> None:
        number = self._last_no_show
        if number is None:
            self._say_key("error", "nothing_to_undo")
            return
        self._office_call(
            "undo_no_show", lambda: self.office.undo_no_show(self.counter, number), number=number
        )

    def action_transfer(self) -> None:
        mine = self._mine()
        if mine is None or mine.number is None or mine.service is None:
            self._say_key("error", "no_ticket")
            return
        others = [s for s in self.settings.services if s.id != mine.service]
        number = mine.number

        def chosen(service: str | None) -> None:
            if service is None:
                self._say_key("info", "cancelled")
                return
            self._office_call("transfer", lambda: self.office.transfer(self.counter, service))

        self.app.push_screen(TransferDialog(number, others, lang=self.lang), chosen)

    def action_call_chosen(self) -> None:
        field = self.query_one("#number-input", Input)
        if field.value.strip():
            self._call_typed(field.value)
            return
        number = self.query_one(WaitingList).selected_number
        if number is None:
            self._say_key("error", "choose_ticket")
            return
        self.call_number(number)

    @on(Button.Pressed, "#actions Button")
    async def _button_pressed(self, event: Button.Pressed) -> None:
        action = (event.button.id or "").removeprefix("act-")
        await self.run_action("toggle_lang" if action == "lang" else action)

    @on(WaitingList.TicketChosen)
    def _ticket_chosen(self, message: WaitingList.TicketChosen) -> None:
        self.call_number(message.number)

    @on(Input.Submitted, "#number-input")
    def _number_typed(self, event: Input.Submitted) -> None:
        self._call_typed(event.value)

    def _call_typed(self, typed: str) -> None:
        number = parse_ticket_number(typed)
        if number is None:
            self._say_key("error", "bad_number", typed=typed.strip())
            return
        self.query_one("#number-input", Input).value = ""
        self.query_one(WaitingList).focus()
        self.call_number(number)

    def call_number(self, number: str) -> None:
        """Call ``number``: straight away if the policy puts it next, else after asking why.

        A number that doesn't wait here goes straight to the office too, which says why it can't
        be called (not waiting, another counter's service) without asking for a reason first."""
        expected = self.view.next_by_counter.get(self.counter) if self.view else None
        waiting_here = {n for n, _ in self._waiting_numbers()}
        if number == expected or number not in waiting_here:
            self._office_call(
                "call_chosen", lambda: self.office.call_ticket(self.counter, number, None), number=number
            )
        else:
            self._ask_reason(number, expected)

    def _ask_reason(self, number: str, expected: str | None) -> None:
        def chosen(choice: OutOfOrderChoice | None) -> None:
            if choice is None:
                self._say_key("info", "cancelled")
                return
            self._office_call(
                "call_out_of_order",
                lambda: self.office.call_ticket(self.counter, number, choice.reason, choice.pin),
                number=number,
                reason=choice.reason,
            )

        dialog = OutOfOrderDialog(
            number,
            expected,
            self.settings.out_of_order_reasons,
            need_pin=self.settings.second_pin_for_out_of_order,
            lang=self.lang,
        )
        self.app.push_screen(dialog, chosen)

    @work(thread=True, group="office")
    def _office_call(
        self,
        action: str,
        call: Callable[[], Ticket | None],
        *,
        number: str | None = None,
        reason: str | None = None,
    ) -> None:
        try:
            ticket = call()
        except OfficeError as exc:
            self.post_message(self.TicketActionRefused(action, exc, number))
        except (LogError, OSError) as exc:
            self.post_message(self.TicketActionRefused(action, _storage_error(exc), number))
        else:
            self.post_message(self.TicketActionDone(action, ticket, reason))

    @on(TicketActionDone)
    def _action_done(self, message: TicketActionDone) -> None:
        ticket = message.ticket
        if ticket is None:
            self._say_key("info", "nobody_waiting")
            return
        if message.action == "transfer":
            service = self.settings.service(ticket.service)
            self._say_key(
                "ok", "done_transfer", number=ticket.number, service=(service.name_th, service.name_en)
            )
        elif message.action == "call_out_of_order":
            reason = self.settings.reason(message.reason or "")
            said = (reason.th, reason.en) if reason else (message.reason, message.reason)
            self._say_key("ok", "done_call_out_of_order", number=ticket.number, reason=said)
        else:
            self._say_key("ok", f"done_{message.action}", number=ticket.number)
        if message.action == "no_show":
            self._last_no_show = ticket.number
        elif message.action == "undo_no_show":
            self._last_no_show = None

    @on(TicketActionRefused)
    def _action_refused(self, message: TicketActionRefused) -> None:
        error = message.error
        if error.code == "reason_required" and message.number and message.action == "call_chosen":
            # the view was a moment old: the ticket is no longer next in order, so ask why
            nxt = self.view.next_by_counter.get(self.counter) if self.view else None
            self._ask_reason(message.number, nxt)
            return
        self._say("error", error.th, error.en)
        self.app.bell()


def _storage_error(exc: Exception) -> OfficeError:
    return OfficeError("storage", _t("storage", "th", error=exc), _t("storage", "en", error=exc))
