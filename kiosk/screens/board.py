"""The display board: the TV in the waiting room. Read-only: who is called to which counter, how many
wait for each service, the last calls, and the priority rule everyone can hold the office to.

A thread worker waits for changes (``wait_for_change``) and posts each new :class:`OfficeView` as
:class:`BoardScreen.OfficeChanged`, so a call shows within a second. A number called (or recalled)
while the board runs is highlighted for :data:`FRESH_SECONDS` and rings the chime once
(:mod:`kiosk.screens.chime`, in a worker; the terminal bell when the board has no chime; silent when the
office's settings say ``board_chime: false``). With no sound, staff are told once.

The numbers are Textual's :class:`Digits`, three rows high: at 1080p and 40 rows, 8 cm tall on a
43-inch TV (see the README for the font size the board needs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Digits, Label, Static
from textual.worker import get_current_worker

from kiosk.office.service import Office, OfficeView
from kiosk.screens.chime import Chime, ChimeUnavailable
from kiosk.screens.watch import office_views
from surveys.bilingual import lookup
from surveys.content.thaidate import format_date, format_time, now_bangkok
from surveys.counter.queue import Call

log = logging.getLogger(__name__)

FRESH_SECONDS = 8.0  # how long a newly called number stays highlighted
RECENT_CALLS = 6
DIGITS_CHARS = set(" 0123456789+-^x:ABCDEF$£€()")  # what Textual's Digits can draw

_TEXT: dict[str, tuple[str, str]] = {
    "serving": ("กำลังให้บริการ", "Now serving"),
    "waiting": ("รอรับบริการ", "Waiting"),
    "recent": ("เรียกล่าสุด", "Last calls"),
    "queue_count": ("{count} คิว", "{count}"),
    "to_counter": ("ช่อง {counter}", "counter {counter}"),
    "recall": ("เรียกซ้ำ", "again"),
    "no_calls": ("ยังไม่มีการเรียกคิววันนี้", "No calls yet today"),
    "loading": ("กำลังอ่านข้อมูลคิว…", "Reading the queue…"),
    "unreachable": ("ติดต่อเครื่องหลักไม่ได้ กำลังลองใหม่…", "Cannot reach the office. Retrying…"),
}
_t = partial(lookup, _TEXT)  # _t(key, lang, **values)


def _call_key(call: Call) -> tuple[str, str, bool]:
    return (call.ticket, call.at, call.recall)


class BoardScreen(Screen[None]):
    """The board for every counter of ``office``. Keys: l switches ไทย/English."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l,ส", "toggle_lang", "ไทย/English", show=False)  # ส: l with the Thai layout on
    ]

    class OfficeChanged(Message):
        def __init__(self, view: OfficeView) -> None:
            super().__init__()
            self.view = view

    class OfficeUnreachable(Message):
        pass

    class ChimeFailed(Message):
        def __init__(self, error: ChimeUnavailable) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        office: Office,
        *,
        lang: str = "th",
        clock: Callable[[], datetime] = now_bangkok,
        chime: Chime | None = None,
    ) -> None:
        super().__init__()
        self.office = office
        self.settings = office.settings
        self.lang = lang
        self.clock = clock
        self.chime = chime  # None: the terminal bell
        self._chime_failed = False
        self.view: OfficeView | None = None
        self._fresh: dict[int, int] = {}  # counter → token of its latest highlight
        self._unreachable = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="board-top"):
            yield Label(id="board-office")
            yield Label(id="board-clock")
        with Horizontal(id="board-main"):
            with Vertical(id="serving"):
                yield Label(id="serving-label", classes="board-heading")
                for counter in self.settings.counters:
                    with Horizontal(id=f"row-{counter.number}", classes="counter-row"):
                        with Vertical(classes="counter-label"):
                            yield Label(id=f"counter-name-{counter.number}", classes="counter-name")
                            yield Label(id=f"counter-services-{counter.number}", classes="counter-services")
                        yield Digits("", id=f"number-{counter.number}", classes="counter-number")
                        yield Label("", id=f"number-text-{counter.number}", classes="counter-number-text")
            with Vertical(id="side"):
                yield Label(id="waiting-label", classes="board-heading")
                for service in self.settings.services:
                    with Horizontal(classes="waiting-row"):
                        yield Label(service.prefix, classes="waiting-prefix")
                        yield Label(id=f"waiting-name-{service.id}", classes="waiting-name")
                        yield Label(id=f"waiting-count-{service.id}", classes="waiting-count")
                yield Label(id="recent-label", classes="board-heading")
                for index in range(RECENT_CALLS):
                    yield Label(id=f"recent-{index}", classes="recent-call")
        yield Static(id="priority-rule", markup=False)

    def on_mount(self) -> None:
        self._show_view()
        self._tick()
        self.set_interval(1.0, self._tick)
        self._watch()

    # -- watching the office ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="watch")
    def _watch(self) -> None:
        def unreachable(_error: Exception) -> None:
            self.post_message(self.OfficeUnreachable())

        for view in office_views(self.office, get_current_worker(), unreachable):
            self.post_message(self.OfficeChanged(view))

    @on(OfficeChanged)
    def _office_changed(self, message: OfficeChanged) -> None:
        old = self.view
        self.view = message.view
        self._unreachable = False
        if old is not None:
            seen = {_call_key(c) for c in old.last_calls}
            for call in message.view.last_calls:
                if _call_key(call) not in seen:
                    self._highlight(call.counter)
        self._show_view()

    @on(OfficeUnreachable)
    def _office_unreachable(self) -> None:
        self._unreachable = True
        self._show_view()

    def _highlight(self, counter: int) -> None:
        token = self._fresh.get(counter, 0) + 1
        self._fresh[counter] = token
        rows = self.query(f"#row-{counter}")
        if not rows:
            return
        rows.first().add_class("-fresh")
        self._ring()

        def fade() -> None:
            if self._fresh.get(counter) == token:
                self.query(f"#row-{counter}").remove_class("-fresh")

        self.set_timer(FRESH_SECONDS, fade)

    def _ring(self) -> None:
        if not self.settings.board_chime:
            return
        if self.chime is None:
            self.app.bell()
        else:
            self._play_chime(self.chime)

    @work(thread=True, group="chime", exit_on_error=False)
    def _play_chime(self, chime: Chime) -> None:
        try:
            chime.play()
        except ChimeUnavailable as exc:
            self.post_message(self.ChimeFailed(exc))

    @on(ChimeFailed)
    def _chime_failed_once(self, message: ChimeFailed) -> None:
        if self._chime_failed:
            return  # said once; the board keeps trying (a speaker may be plugged in later)
        self._chime_failed = True
        log.warning("board chime: %s", message.error.en)
        self.app.notify(
            f"{message.error.th}\n{message.error.en}",
            title="เสียงเรียกคิว / Chime",
            severity="warning",
            timeout=60,
        )

    # -- rendering ----------------------------------------------------------------------------

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "th" else "th"
        self._show_view()
        self._tick()

    def _tick(self) -> None:
        now = self.clock()
        self.query_one("#board-clock", Label).update(
            f"{format_date(now, lang=self.lang)}  {format_time(now, lang=self.lang)}"
        )

    def _show_view(self) -> None:
        lang = self.lang
        settings = self.settings
        municipality = settings.municipality_th if lang == "th" else settings.municipality_en
        self.query_one("#board-office", Label).update(municipality)
        self.query_one("#serving-label", Label).update(_t("serving", lang))
        self.query_one("#waiting-label", Label).update(_t("waiting", lang))
        self.query_one("#recent-label", Label).update(_t("recent", lang))
        self.query_one("#priority-rule", Static).update("★ " + settings.priority.text(lang))
        view = self.view
        numbers = {c.counter: c.number for c in view.counters} if view else {}
        for counter in settings.counters:
            n = counter.number
            self.query_one(f"#counter-name-{n}", Label).update(counter.name(lang))
            prefixes = " ".join(settings.service(s).prefix for s in settings.services_of_counter(n))
            self.query_one(f"#counter-services-{n}", Label).update(prefixes)
            number = numbers.get(n) or ""
            drawable = all(ch in DIGITS_CHARS for ch in number)
            self.query_one(f"#number-{n}", Digits).update(number if drawable else "")
            self.query_one(f"#number-text-{n}", Label).update("" if drawable else number)
            self.query_one(f"#row-{n}").set_class(not number, "-free")
        for service in settings.services:
            self.query_one(f"#waiting-name-{service.id}", Label).update(service.name(lang))
            count = len(view.waiting.get(service.id, ())) if view else 0
            label = self.query_one(f"#waiting-count-{service.id}", Label)
            label.update(_t("queue_count", lang, count=count) if view else "")
            label.set_class(count == 0, "-none")
        calls = list(reversed(view.last_calls))[:RECENT_CALLS] if view else []
        for index in range(RECENT_CALLS):
            line = self.query_one(f"#recent-{index}", Label)
            if index < len(calls):
                line.update(self._call_line(calls[index]))
            elif index == 0:
                line.update(_t("loading" if view is None else "no_calls", lang))
            else:
                line.update("")
            line.set_class(index < len(calls) and calls[index].recall, "-recall")
        self.set_class(self._unreachable, "-unreachable")
        if self._unreachable:
            self.query_one("#recent-0", Label).update(_t("unreachable", lang))

    def _call_line(self, call: Call) -> Content:
        """``A001 → ช่อง 1`` (and ``(เรียกซ้ำ)`` for a recall)."""
        lang = self.lang
        line = Content.assemble((call.number, "bold"), " → ", _t("to_counter", lang, counter=call.counter))
        if call.recall:
            line = line + Content(f"  ({_t('recall', lang)})")
        return line
