"""The counter console app: one terminal per counter, used by the clerk at that counter.

``make_counter_app`` is the one way to build it, for the command line and for the tests alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kiosk.apps.terminal_app import TerminalApp, check_lang
from kiosk.office.service import Office
from kiosk.screens.counter_console import CounterConsoleScreen
from surveys.content.thaidate import now_bangkok


class CounterApp(TerminalApp):
    """Shows :class:`CounterConsoleScreen` for one counter of ``office``."""

    CSS_PATH = "counter.tcss"

    def __init__(
        self,
        office: Office,
        counter: int,
        *,
        lang: str = "th",
        clock: Callable[[], datetime] = now_bangkok,
    ) -> None:
        super().__init__(
            office,
            lambda: CounterConsoleScreen(office, counter, lang=lang, clock=clock),
            lang=lang,
            clock=clock,
        )
        self.counter = counter


def make_counter_app(
    office: Office,
    counter: int,
    lang: str = "th",
    *,
    clock: Callable[[], datetime] = now_bangkok,
) -> CounterApp:
    """The console of ``counter`` (a number from the settings' counters). ``clock`` gives the time the
    waited minutes are counted to (tests fix it). Raises ValueError for a counter the office lacks."""
    known = [c.number for c in office.settings.counters]
    if counter not in known:
        raise ValueError(
            f"ไม่มีช่องบริการที่ {counter} (มี {', '.join(map(str, known))}) / "
            f"there is no counter {counter} (there are {', '.join(map(str, known))})"
        )
    check_lang(lang)
    return CounterApp(office, counter, lang=lang, clock=clock)
