"""The ticket kiosk: what a citizen sees at the office door.

Take a ticket (service → ordinary or priority queue → the number, printed), or rate a finished visit
(scan the ticket's QR code, or key in its 13 digits → five big faces → the aspects, each skippable,
with "finish" to stop at any of them). Thai first, English one tap away; no quit key and no command
palette: staff close it with a PIN (ctrl+x or F10). After ``settings.idle_seconds`` without a touch or
a key, any screen goes back home.

The keyboard belongs to the QR scanner: on every citizen's screen (all but the keypad's, which shows
what it types, and the staff PIN) the app reads the keys itself, and a code ending in Enter starts a
rating of that ticket, even in the middle of another rating. No key reaches a screen to be typed.

The app only moves between screens. Every call to the office or the printer runs in a thread worker
that reports back with a message (:class:`TicketIssued`, :class:`RatingOpened`, :class:`RatingGiven` …),
and nothing a citizen does shows a traceback: failures become a friendly Thai screen and the traceback
goes to ``crash_log``. A bug nobody caught (in a screen, a widget or the app itself) ends a Textual app;
:meth:`KioskApp.run` then starts a fresh kiosk at home, which says sorry first (see there).

The home screen comes up before anything else is loaded: the other screens are imported where they are
first shown, the rating screens and the survey instruments by the worker that opens a rating, and what a
ticket needs (Pillow, qrcode, PyThaiNLP, the fonts) by the worker that issues it. Once the kiosk has sat
at home for a moment, a worker imports those and draws sample tickets
(:func:`kiosk.printing.issuing.warm_up`), so that the first ticket is not slower than the next.
"""

from __future__ import annotations

import io
import logging
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Console
from rich.text import Text
from textual import events, on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen

from kiosk.apps.citizen_errors import SYSTEM_DOWN_EN, citizen_text, for_citizens
from kiosk.office.service import (
    ComplaintView,
    LocalOffice,
    Office,
    OfficeError,
    RatingRefused,
    RatingSession,
)
from kiosk.printing.printers import Printer
from kiosk.screens.kiosk_home import (
    KioskHomeScreen,
    LanguageToggled,
    RatingRequested,
    ServiceChosen,
    TrackingRequested,
)
from kiosk.screens.queue_type import QueueTypeChosen, QueueTypeScreen
from kiosk.widgets.scanner import CodeEntered, ScanBuffer, key_character

if TYPE_CHECKING:
    from kiosk.printing.issuing import Issued, PrintFailed
    from kiosk.screens.complaint_status import ComplaintRatingRequested
    from kiosk.screens.rating import Answer, AnswerGiven
    from surveys.content.instruments import Item

log = logging.getLogger(__name__)

CRASH_TH = "ขออภัย ระบบขัดข้องชั่วคราว"
CRASH_BODY_TH = "กรุณาลองใหม่อีกครั้ง หรือแจ้งเจ้าหน้าที่"
CRASH_EN = "Sorry, something went wrong"
CRASH_BODY_EN = "Please try again, or ask a member of staff."
CRASH_LOG_NAME = "kiosk-errors.log"
WARM_UP_DELAY = 0.5  # s at home and untouched before what a ticket needs is warmed up (_warm_up_at_home)
QUICK_CRASH_SECONDS = 60.0  # a kiosk that fails this soon after it starts, MAX_QUICK_CRASHES times in a row,
MAX_QUICK_CRASHES = 3  # would only fail again: it stops (KioskApp.run)


# -- what the workers report --------------------------------------------------------------------------


class TicketIssued(Message):
    """A ticket was printed and counts."""

    def __init__(self, issued: Issued, lang: str) -> None:
        super().__init__()
        self.issued = issued
        self.lang = lang


class TicketNotPrinted(Message):
    """The printer failed; the number is recorded as not given out."""

    def __init__(self, failure: PrintFailed, lang: str) -> None:
        super().__init__()
        self.failure = failure
        self.lang = lang


class RatingOpened(Message):
    """A scanned or typed code belongs to a served, unrated ticket: these questions may start."""

    def __init__(self, session: RatingSession, items: tuple[Item, ...], lang: str) -> None:
        super().__init__()
        self.session = session
        self.items = items
        self.lang = lang


class RatingGiven(Message):
    """The office recorded the rating."""

    def __init__(self, session: RatingSession, lang: str) -> None:
        super().__init__()
        self.session = session
        self.lang = lang


class ComplaintFound(Message):
    """The office found the complaint whose tracking code was scanned or keyed in."""

    def __init__(self, view: ComplaintView, lang: str) -> None:
        super().__init__()
        self.view = view
        self.lang = lang


class ComplaintRatingOpened(Message):
    """The office let a closed complaint's code rate its handling (once): the questions to ask."""

    def __init__(self, code: str, items: tuple[Item, ...], lang: str) -> None:
        super().__init__()
        self.code = code
        self.items = items
        self.lang = lang


class ComplaintRated(Message):
    """The office recorded a complaint-handling rating."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang


class OfficeSaidNo(Message):
    """The office refused a request (a rating refused, no numbers left …); ``error`` says why."""

    def __init__(self, error: OfficeError, lang: str) -> None:
        super().__init__()
        self.error = error
        self.lang = lang


class KioskFailed(Message):
    """Something unexpected failed in a worker."""

    def __init__(self, error: BaseException, lang: str) -> None:
        super().__init__()
        self.error = error
        self.lang = lang


@dataclass
class RatingVisit:
    """One rating in progress: the session the office opened (a ticket's) or the tracking code (a
    complaint's handling), the questions, the answers so far."""

    session: RatingSession | None
    items: tuple[Item, ...]
    lang: str
    answers: dict[str, int | str] = field(default_factory=dict)
    step: int = 0
    started: float | None = None  # monotonic time the first question appeared
    complaint: str | None = None  # the tracking code, when it is a complaint's handling that is rated


# -- the app ------------------------------------------------------------------------------------------


class KioskApp(App[None]):
    """The citizen-facing ticket kiosk. Build it with :func:`make_kiosk_app`."""

    CSS_PATH = "kiosk.tcss"
    TITLE = "prongsai"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        # The public must not be able to close the kiosk: the app's quit keys do nothing here.
        Binding("ctrl+q", "nothing", show=False, priority=True, system=True),
        Binding("ctrl+c", "nothing", show=False, priority=True, system=True),
        Binding("ctrl+x,f10", "staff_exit", show=False, priority=True, system=True),
    ]

    def __init__(
        self,
        office: Office,
        printer: Printer,
        lang: str = "th",
        *,
        clock: Callable[[], float] = time.monotonic,
        ticket_seconds: float = 10.0,
        notice_seconds: float = 6.0,
        read_guard_seconds: float | None = None,  # None: the rating screens' READ_GUARD_SECONDS
        crash_log: Path | None = None,
        after_crash: str | None = None,  # a crash cut short a visit in this language: start by saying sorry
    ) -> None:
        super().__init__()
        # Textual prints the traceback of an error nobody caught here as it ends; run() moves it to crash_log
        self.error_console = Console(file=io.StringIO(), markup=False, highlight=False, width=100)
        self.office = office
        self.printer = printer
        self.kiosk_lang = lang  # every new visit starts in this language
        self.clock = clock
        self.ticket_seconds = ticket_seconds
        self.notice_seconds = notice_seconds
        self.read_guard_seconds = read_guard_seconds
        self.crash_log = crash_log
        self.after_crash = after_crash
        self.crashes: list[BaseException] = []  # what a worker failed on unexpectedly (shown kindly)
        self._home: KioskHomeScreen | None = None
        self._visit: RatingVisit | None = None
        self._busy = False
        self._last_input = clock()
        self._scan = ScanBuffer(clock)
        self._citizen_screens: weakref.WeakSet[Screen[None]] = weakref.WeakSet()  # where keys are scans

    # -- screens ----------------------------------------------------------------------------------

    @property
    def home(self) -> KioskHomeScreen:
        assert self._home is not None
        return self._home

    def on_mount(self) -> None:
        self._start_home(self.kiosk_lang)
        if self.after_crash is not None:
            self._show_crash(self.after_crash)
        idle = self.office.settings.idle_seconds
        self.set_interval(max(0.05, min(1.0, idle / 4)), self._check_idle)
        self.set_timer(WARM_UP_DELAY, self._warm_up_at_home)

    def _start_home(self, lang: str) -> None:
        self._home = KioskHomeScreen(self.office.settings, lang)
        self._citizen_screens.add(self._home)
        self.push_screen(self._home)

    def _back_home(self) -> None:
        """Close every screen above home (dialogs included)."""
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def _push_over_home(self, screen: Screen[None], *, visit_over: bool = False, scans: bool = True) -> None:
        """Show ``screen`` over home; ``scans``: the app reads the keys on it as a scanner's."""
        self._back_home()
        if scans:
            self._citizen_screens.add(screen)
        self.push_screen(screen, callback=self._visit_over if visit_over else None)

    def _visit_over(self, _result: object = None) -> None:
        """A visit has ended: the next person starts in the kiosk's own language."""
        self._visit = None
        self.call_later(self.home.set_lang, self.kiosk_lang)

    def _notice(self, title: str, message: str, *, tone: str, lang: str, visit_over: bool) -> None:
        from kiosk.screens.notice import NoticeScreen  # the other screens are imported when first shown

        footer = "แตะหน้าจอเพื่อกลับหน้าหลัก" if lang == "th" else "Tap the screen to go back"
        screen = NoticeScreen(
            title, message, tone=tone, footer=footer, seconds=self.notice_seconds, clock=self.clock
        )
        self._push_over_home(screen, visit_over=visit_over)

    def _busy_with(self, text: str) -> None:
        from kiosk.screens.notice import BusyScreen

        self._busy = True
        screen = BusyScreen(text)
        self._citizen_screens.add(screen)
        self.push_screen(screen)

    # -- idle and input -----------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = self.clock()
        if isinstance(event, events.Key) and not event.is_forwarded and self._scanned(event):
            return
        await super().on_event(event)

    def _scanned(self, event: events.Key) -> bool:
        """Read ``event`` as the scanner's, on a citizen's screen: True if it was (it goes no further)."""
        if self.screen not in self._citizen_screens:
            return False  # the keypad screen, the staff PIN, the all-in-one app's staff screens
        if event.key not in ("enter", "backspace") and key_character(event.key, event.character) is None:
            return False  # ctrl+x, F10 …
        typed = self._scan.feed(event.key, event.character)
        if typed is not None:
            self.post_message(CodeEntered(typed))
        return True

    def _check_idle(self) -> None:
        if self._busy or self.clock() - self._last_input < self.office.settings.idle_seconds:
            return
        self._last_input = self.clock()
        if len(self.screen_stack) > 2 or self.home.lang != self.kiosk_lang:
            self._back_home()
            self._visit_over()
        self._scan.clear()

    # -- keys ---------------------------------------------------------------------------------------

    def action_nothing(self) -> None:
        """Where the quit keys go."""

    async def action_quit(self) -> None:
        """Never from a key: staff close the kiosk with the PIN."""

    def action_help_quit(self) -> None:
        """No "press ctrl+q to quit" hint on a public screen."""

    def action_staff_exit(self) -> None:
        """F10 / Ctrl+X: the staff PIN closes the kiosk."""
        self.with_staff_pin(self.exit, self.home.lang)

    def with_staff_pin(
        self, then: Callable[[], None], lang: str, purpose: tuple[str, str] | None = None
    ) -> None:
        """Ask the staff PIN (the office checks it), then do ``then``. While the default PIN (printed in
        the manual) is in force, the staff first choose their own, as at every first staff use."""
        from kiosk.dialogs.pin import CLOSE, NewPinDialog, PinDialog

        if isinstance(self.screen, PinDialog):
            return
        entered: list[str] = []

        def check(pin: str) -> bool:
            ok = self.office.check_pin(pin)
            if ok:
                entered.append(pin)
            return ok

        def saved(ok: bool | None) -> None:
            if ok:
                self.notify("ตั้ง PIN ใหม่แล้ว / the new PIN is set")
                then()

        def checked(ok: bool | None) -> None:
            if not ok:
                return
            if self.office.default_pin_in_force():
                change = NewPinDialog(lambda pin: self.office.change_pin(entered[-1], pin), lang)
                self.push_screen(change, callback=saved)
                return
            then()

        self.push_screen(PinDialog(check, lang, purpose or CLOSE), callback=checked)

    # -- taking a ticket ----------------------------------------------------------------------------

    @on(LanguageToggled)
    async def _toggle_language(self) -> None:
        await self.home.set_lang("en" if self.home.lang == "th" else "th")

    @on(ServiceChosen)
    def _service_chosen(self, event: ServiceChosen) -> None:
        if self._busy:
            return
        settings = self.office.settings
        lang = self.home.lang
        screen = QueueTypeScreen(
            settings.service(event.service), settings.priority.groups, settings.priority.text(lang), lang
        )
        self._push_over_home(screen)

    @on(QueueTypeChosen)
    def _queue_type_chosen(self, event: QueueTypeChosen) -> None:
        if self._busy:
            return
        lang = self.home.lang
        self._busy_with("กำลังพิมพ์บัตรคิว…" if lang == "th" else "Printing your ticket…")
        self._issue(event.service, event.priority, lang)

    def _warm_up_at_home(self) -> None:
        """Warm up while nobody uses the kiosk: the first paint comes first, and a person tapping through
        the screens never shares the CPU with it (the ticket's worker imports what it needs anyway)."""
        if self._busy or len(self.screen_stack) > 2 or self.clock() - self._last_input < WARM_UP_DELAY:
            self.set_timer(WARM_UP_DELAY, self._warm_up_at_home)
        else:
            self._warm_up()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """Import what a ticket needs and lay out the lines every ticket shares (see the module's
        docstring). Only a head start: a failure here is logged, and the ticket's worker does it all again."""
        try:
            from kiosk.printing.issuing import (
                warm_up,  # Pillow, qrcode, PyThaiNLP; and the screens of a ticket:
            )
            from kiosk.screens import notice, ticket_taken  # noqa: F401

            other = "en" if self.kiosk_lang == "th" else "th"
            warm_up(self.office.settings, self.printer.width_px, (self.kiosk_lang, other))
        except Exception:
            log.warning("warming up the ticket printing failed", exc_info=True)

    @work(thread=True, group="office", exit_on_error=False)
    def _issue(self, service: str, priority: str | None, lang: str) -> None:
        try:  # Pillow, qrcode and PyThaiNLP come with it: not needed to start the kiosk
            from kiosk.printing.issuing import PrintFailed, issue_ticket
        except Exception as exc:  # a broken installation: a friendly screen, the traceback in the crash log
            self.post_message(KioskFailed(exc, lang))
            return
        try:
            issued = issue_ticket(self.office, service, priority, self.printer, lang)
        except PrintFailed as failure:
            self.post_message(TicketNotPrinted(failure, lang))
        except OfficeError as exc:
            self.post_message(OfficeSaidNo(exc, lang))
        except Exception as exc:
            self.post_message(KioskFailed(exc, lang))
        else:
            self.post_message(TicketIssued(issued, lang))

    @on(TicketIssued)
    def _ticket_issued(self, event: TicketIssued) -> None:
        from kiosk.screens.ticket_taken import TicketTakenScreen

        self._busy = False
        reservation = event.issued.reservation
        settings = self.office.settings
        lang = event.lang
        group = next((g for g in settings.priority.groups if g.id == reservation.priority), None)
        screen = TicketTakenScreen(
            reservation.number,
            settings.service(reservation.service).name(lang),
            group.label(lang) if group else None,
            reservation.ahead,
            lang,
            seconds=self.ticket_seconds,
            clock=self.clock,
            ahead_exact=reservation.ahead_exact,
        )
        self._push_over_home(screen, visit_over=True)

    @on(TicketNotPrinted)
    def _ticket_not_printed(self, event: TicketNotPrinted) -> None:
        self._busy = False
        error = event.failure.error
        number = event.failure.reservation.number
        th = event.lang == "th"
        problem = error.th if th else error.en
        if th:
            message = f"เครื่องพิมพ์ขัดข้อง: {problem} — กรุณาแจ้งเจ้าหน้าที่\n(บัตรหมายเลข {number} ไม่ถูกนำไปใช้)"
        else:
            message = (
                f"Printer problem: {problem} — please tell a member of staff\n(ticket {number} was not used)"
            )
        self._notice(
            "ขออภัย ออกบัตรคิวไม่ได้" if th else "Sorry, no ticket this time",
            message,
            tone="error",
            lang=event.lang,
            visit_over=False,
        )

    # -- rating -------------------------------------------------------------------------------------

    @on(RatingRequested)
    def _rating_requested(self) -> None:
        from kiosk.screens.code_entry import CodeEntryScreen

        if not self._busy:
            self._push_over_home(CodeEntryScreen(self.home.lang), scans=False)  # it shows what is typed

    @on(CodeEntered)
    def _code_entered(self, event: CodeEntered) -> None:
        if self._busy:
            return
        visit = self._visit
        lang = visit.lang if visit is not None else self.home.lang
        self._visit = None  # a new scan mid-rating: that ticket's rating starts (this one is left)
        self._busy_with("กำลังตรวจสอบรหัส…" if lang == "th" else "Checking the code…")
        if is_tracking_code(event.typed):
            self._find_complaint(event.typed, lang)
        else:
            self._open_rating(event.typed, lang)

    @work(thread=True, group="office", exit_on_error=False)
    def _open_rating(self, typed: str, lang: str) -> None:
        try:
            from kiosk.screens.rating import kiosk_items  # with the instruments: not needed at start
            from surveys.content.instruments import builtin_instruments

            session = self.office.open_rating(typed)
            items = kiosk_items(builtin_instruments()[session.instrument])
        except OfficeError as exc:
            self.post_message(OfficeSaidNo(exc, lang))
        except Exception as exc:
            self.post_message(KioskFailed(exc, lang))
        else:
            self.post_message(RatingOpened(session, items, lang))

    @on(RatingOpened)
    def _rating_opened(self, event: RatingOpened) -> None:
        self._busy = False
        self._visit = RatingVisit(event.session, event.items, event.lang)
        self._back_home()
        self._ask_next()

    # -- following a complaint up -------------------------------------------------------------------

    @on(TrackingRequested)
    def _tracking_requested(self) -> None:
        from kiosk.screens.complaint_status import ComplaintCodeScreen

        if not self._busy:
            self._push_over_home(ComplaintCodeScreen(self.home.lang), scans=False)  # it shows what is typed

    @work(thread=True, group="office", exit_on_error=False)
    def _find_complaint(self, typed: str, lang: str) -> None:
        try:
            view = self.office.complaint_status(typed)
        except OfficeError as exc:
            self.post_message(OfficeSaidNo(exc, lang))
        except Exception as exc:
            self.post_message(KioskFailed(exc, lang))
        else:
            self.post_message(ComplaintFound(view, lang))

    @on(ComplaintFound)
    def _complaint_found(self, event: ComplaintFound) -> None:
        from kiosk.screens.complaint_status import ComplaintStatusScreen

        self._busy = False
        self._push_over_home(ComplaintStatusScreen(event.view, event.lang), visit_over=True)

    def on_complaint_rating_requested(self, event: ComplaintRatingRequested) -> None:
        """(A handler by its name: the status screen's module is imported when first shown.)"""
        if self._busy:
            return
        lang = self.screen.lang if hasattr(self.screen, "lang") else self.home.lang
        self._busy_with("กำลังเปิดแบบประเมิน…" if lang == "th" else "Opening the rating…")
        self._open_complaint_rating(event.code, lang)

    @work(thread=True, group="office", exit_on_error=False)
    def _open_complaint_rating(self, code: str, lang: str) -> None:
        try:
            from kiosk.screens.rating import kiosk_items  # with the instruments: not needed at start
            from surveys.content.instruments import builtin_instruments

            instrument = self.office.open_complaint_rating(code)
            items = kiosk_items(builtin_instruments()[instrument])
        except OfficeError as exc:
            self.post_message(OfficeSaidNo(exc, lang))
        except Exception as exc:
            self.post_message(KioskFailed(exc, lang))
        else:
            self.post_message(ComplaintRatingOpened(code, items, lang))

    @on(ComplaintRatingOpened)
    def _complaint_rating_opened(self, event: ComplaintRatingOpened) -> None:
        self._busy = False
        self._visit = RatingVisit(None, event.items, event.lang, complaint=event.code)
        self._back_home()
        self._ask_next()

    @work(thread=True, group="office", exit_on_error=False)
    def _submit_complaint_rating(self, code: str, answers: dict[str, int | str], lang: str) -> None:
        try:
            self.office.submit_complaint_rating(code, answers)
        except OfficeError as exc:
            self.post_message(OfficeSaidNo(exc, lang))
        except Exception as exc:
            self.post_message(KioskFailed(exc, lang))
        else:
            self.post_message(ComplaintRated(lang))

    @on(ComplaintRated)
    def _complaint_rated(self, event: ComplaintRated) -> None:
        self._busy = False
        th = event.lang == "th"
        self._notice(
            "ขอบคุณที่ประเมินความพึงพอใจ" if th else "Thank you for your rating",
            "คำตอบของท่านช่วยให้เราปรับปรุงการจัดการเรื่องร้องเรียน คำตอบไม่เชื่อมโยงกับเรื่องของท่าน"
            if th
            else "Your answers help us handle complaints better. They are not linked to your complaint.",
            tone="ok",
            lang=event.lang,
            visit_over=True,
        )

    def _ask_next(self) -> None:
        # Imported by _open_rating already (with the instruments, which the kiosk starts without).
        from kiosk.screens.rating import READ_GUARD_SECONDS, QuestionScreen

        visit = self._visit
        assert visit is not None
        if visit.step >= len(visit.items):
            self._submit_visit()
            return
        item = visit.items[visit.step]
        visit.step += 1
        screen = QuestionScreen(
            item,
            visit.lang,
            visit.step,
            len(visit.items),
            guard_seconds=READ_GUARD_SECONDS if self.read_guard_seconds is None else self.read_guard_seconds,
            clock=self.clock,
        )
        self._citizen_screens.add(screen)
        if visit.started is None:
            visit.started = self.clock()
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def on_answer_given(self, event: AnswerGiven) -> None:
        """(A handler by its name, not ``@on``: AnswerGiven's module is imported at the first rating.)"""
        visit = self._visit
        if visit is None or visit.step == 0 or visit.items[visit.step - 1].id != event.item_id:
            return  # a late tap on a question already answered
        value: Answer = event.value
        if value is not None:
            visit.answers[event.item_id] = value
        if event.finish:
            self._submit_visit()
        else:
            self._ask_next()

    def _submit_visit(self) -> None:
        visit = self._visit
        assert visit is not None
        started = visit.started if visit.started is not None else self.clock()
        elapsed_ms = int((self.clock() - started) * 1000)
        self._busy_with("กำลังบันทึก…" if visit.lang == "th" else "Saving…")
        if visit.complaint is not None:
            self._submit_complaint_rating(visit.complaint, dict(visit.answers), visit.lang)
            return
        assert visit.session is not None
        self._submit(visit.session, dict(visit.answers), elapsed_ms, visit.lang)

    @work(thread=True, group="office", exit_on_error=False)
    def _submit(
        self, session: RatingSession, answers: dict[str, int | str], elapsed_ms: int, lang: str
    ) -> None:
        try:
            self.office.submit_rating(session, answers, elapsed_ms)
        except OfficeError as exc:
            self.post_message(OfficeSaidNo(exc, lang))
        except Exception as exc:
            self.post_message(KioskFailed(exc, lang))
        else:
            self.post_message(RatingGiven(session, lang))

    @on(RatingGiven)
    def _rating_given(self, event: RatingGiven) -> None:
        self._busy = False
        th = event.lang == "th"
        self._notice(
            "ขอบคุณที่ประเมินความพึงพอใจ" if th else "Thank you for rating our service",
            "ความคิดเห็นของท่านช่วยให้เราปรับปรุงการให้บริการ คำตอบไม่ระบุตัวตน"
            if th
            else "Your answers help us improve our service. They are anonymous.",
            tone="ok",
            lang=event.lang,
            visit_over=True,
        )

    # -- refusals and failures ----------------------------------------------------------------------

    @on(OfficeSaidNo)
    def _office_said_no(self, event: OfficeSaidNo) -> None:
        self._busy = False
        self._visit = None
        th = event.lang == "th"
        error = event.error
        if isinstance(error, RatingRefused):
            title = "ขออภัย ประเมินไม่ได้" if th else "Sorry, this rating can't be taken"
        else:
            title = "ขออภัย" if th else "Sorry"
        if not for_citizens(error):  # a fault for staff: its details (server, cable) go to the error log
            self._record_office_trouble(error)
        self._notice(title, citizen_text(error, event.lang), tone="warn", lang=event.lang, visit_over=False)

    @on(KioskFailed)
    def _kiosk_failed(self, event: KioskFailed) -> None:
        self._record_crash(event.error)
        self._busy = False
        self._visit = None
        self._show_crash(event.lang)

    def _show_crash(self, lang: str) -> None:
        th = lang == "th"
        self._notice(
            CRASH_TH if th else CRASH_EN,
            CRASH_BODY_TH if th else CRASH_BODY_EN,
            tone="error",
            lang=lang,
            visit_over=True,
        )

    def _record_crash(self, error: BaseException) -> None:
        self.crashes.append(error)
        self._write_crash_log("".join(traceback.format_exception(error)))

    def _record_office_trouble(self, error: OfficeError) -> None:
        """What the citizen was spared, for staff: the office's code and both texts."""
        log.warning("office error shown to a citizen as %r: %s %s", SYSTEM_DOWN_EN, error.code, error.en)
        self._write_crash_log(f"office error [{error.code}]: {error.th} / {error.en}\n")

    def _write_crash_log(self, text: str) -> None:
        if self.crash_log is None:
            return
        try:
            self.crash_log.parent.mkdir(parents=True, exist_ok=True)
            with self.crash_log.open("a", encoding="utf-8") as crash_log:
                crash_log.write(f"--- {datetime.now().astimezone().isoformat()}\n")
                crash_log.write(text)
        except OSError:
            pass  # a full disk must not turn a friendly screen into a crash

    # -- a bug nobody caught ---------------------------------------------------------------------------

    def run(self, **kwargs: Any) -> None:
        """Run the kiosk (``kwargs`` as :meth:`App.run`) until staff close it.

        Textual ends an app on an error nobody caught: a bug in a screen, a widget or the app itself. The
        kiosk then starts again, fresh, at home and saying sorry in the visit's language, and the
        traceback goes to ``crash_log``. A kiosk that fails within ``QUICK_CRASH_SECONDS`` of starting,
        ``MAX_QUICK_CRASHES`` times in a row, would only fail again: it stops with a plain Thai message.
        """
        app: KioskApp = self
        quick = 0
        while True:
            started = self.clock()
            result = super(KioskApp, app).run(**kwargs)
            if app.return_code != 1:
                return result  # what the app exited with (tools such as the snapshot tests use it)
            app._record_textual_crash()
            quick = quick + 1 if self.clock() - started < QUICK_CRASH_SECONDS else 1
            if quick >= MAX_QUICK_CRASHES:
                where = f" ({self.crash_log})" if self.crash_log else ""
                Console(stderr=True).print(Text(f"{CRASH_TH} — {CRASH_BODY_TH}{where}"))
                return
            app = app.restarted()

    def restarted(self) -> KioskApp:
        """A fresh kiosk like this one, that starts by saying sorry for the visit this one cut short."""
        return type(self)(
            self.office,
            self.printer,
            self.kiosk_lang,
            clock=self.clock,
            ticket_seconds=self.ticket_seconds,
            notice_seconds=self.notice_seconds,
            read_guard_seconds=self.read_guard_seconds,
            crash_log=self.crash_log,
            after_crash=self._home.lang if self._home is not None else self.kiosk_lang,
        )

    def _record_textual_crash(self) -> None:
        """Move what Textual printed as it ended (the traceback) to the crash log, without the local
        variables Textual's traceback shows (a PIN being typed must never reach a file)."""
        printed = self.error_console.file
        if isinstance(printed, io.StringIO):
            self._write_crash_log(without_locals(printed.getvalue()))


def is_tracking_code(typed: str) -> bool:
    """Is what was scanned or keyed in a complaint's tracking code (``C68-…``, ``T68-…``, in either
    keyboard layout) rather than a ticket's 13 digits? Only its first character tells: a mistyped
    code still goes to the complaints, to be told it is mistyped."""
    from surveys.complaints.codes import SERIES, normalise

    plain = normalise(typed)
    return plain[:1] in SERIES


def without_locals(traceback: str) -> str:
    """A traceback as Rich draws it, with each frame's "locals" panel left out (the panel opens with
    ``╭─ locals ─╮`` and closes with ``╰`` in the same column)."""
    kept: list[str] = []
    closing_column: int | None = None
    for line in traceback.splitlines(keepends=True):
        if closing_column is not None:
            if line[closing_column : closing_column + 1] == "╰":
                closing_column = None
            continue
        opening = line.find("╭")
        if opening >= 0 and " locals " in line[opening:]:
            closing_column = opening
            continue
        kept.append(line)
    return "".join(kept)


def make_kiosk_app(
    office: Office, printer: Printer, lang: str = "th", *, crash_log: Path | None = None
) -> KioskApp:
    """The kiosk for ``office`` printing on ``printer``; the command line and the tests both build it here.

    Unexpected errors are logged to ``crash_log`` (by default ``kiosk-errors.log`` in a local office's
    home folder)."""
    if crash_log is None and isinstance(office, LocalOffice):
        crash_log = office.home / CRASH_LOG_NAME
    return KioskApp(office, printer, lang, crash_log=crash_log)
