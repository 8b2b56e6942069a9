"""The complaint desk: a staff terminal of the office that takes complaints and corruption tips,
prints their receipts and records their steps.

``make_complaint_desk_app`` is the one way to build it, for the command line and for the tests alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kiosk.apps.terminal_app import TerminalApp, check_lang
from kiosk.office.service import Office
from kiosk.printing.printers import Printer
from kiosk.screens.complaint_desk import ComplaintListScreen
from surveys.content.thaidate import now_bangkok


class ComplaintDeskApp(TerminalApp):
    """Shows :class:`ComplaintListScreen` for ``office``; receipts go to ``printer``."""

    CSS_PATH = "complaint_desk.tcss"

    def __init__(
        self,
        office: Office,
        printer: Printer | None,
        *,
        lang: str = "th",
        clock: Callable[[], datetime] = now_bangkok,
    ) -> None:
        super().__init__(
            office, lambda: ComplaintListScreen(office, printer, lang=lang), lang=lang, clock=clock
        )
        self.printer = printer


def make_complaint_desk_app(
    office: Office,
    printer: Printer | None,
    lang: str = "th",
    *,
    clock: Callable[[], datetime] = now_bangkok,
) -> ComplaintDeskApp:
    """The complaint desk of ``office``, printing receipts on ``printer`` (None: no printer here)."""
    check_lang(lang)
    return ComplaintDeskApp(office, printer, lang=lang, clock=clock)
