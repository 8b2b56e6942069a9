"""A citizen at the kiosk never reads a server address or "check the LAN cable": the kiosk says the
system is not working and to tell staff; the details go to the kiosk's error log for staff."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk.apps.citizen_errors import SYSTEM_DOWN_EN, SYSTEM_DOWN_TH, citizen_text
from kiosk.apps.kiosk_app import make_kiosk_app
from kiosk.office.service import LocalOffice, OfficeError, RatingRefused, Reservation
from kiosk.printing.printers import PngPrinter
from kiosk.screens.notice import NoticeScreen
from kiosk.screens.queue_type import QueueTypeScreen
from surveys.counter.settings import default_settings
from tests.support.pilot import until, until_shown

URL = "http://192.168.1.10:8568"
OFFLINE = OfficeError(
    "offline",
    f"เชื่อมต่อเครื่องแม่ข่ายของสำนักงานไม่ได้ ({URL}) — ตรวจสอบสายแลนและว่าเครื่องแม่ข่ายเปิดอยู่",
    f"cannot reach the office server at {URL} — check the network cable and that the server is running",
)


class OfficeDown:
    """A LAN office that went away after the kiosk started: it knows its settings, answers nothing."""

    def __init__(self, office: LocalOffice) -> None:
        self._office = office
        self.settings = office.settings

    def reserve_ticket(self, service: str, priority: str | None = None) -> Reservation:
        raise OFFLINE

    def __getattr__(self, name: str) -> Any:
        return getattr(self._office, name)


def screen_text(app: Any) -> str:
    parts = [str(w.label) if isinstance(w, Button) else str(w.content) for w in app.screen.query(Widget)
             if isinstance(w, Button | Static)]  # fmt: skip
    return " ".join(parts)


@pytest.mark.parametrize(("lang", "plain"), [("th", SYSTEM_DOWN_TH), ("en", SYSTEM_DOWN_EN)])
def test_an_unreachable_office_tells_the_citizen_to_ask_staff(tmp_path: Path, lang: str, plain: str) -> None:
    office = LocalOffice(tmp_path / "home", default_settings())
    log = tmp_path / "kiosk-errors.log"
    app = make_kiosk_app(OfficeDown(office), PngPrinter(tmp_path / "tickets"), lang, crash_log=log)
    seen: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(100, 34)) as pilot:
            await pilot.click("#service-registration")
            await until(pilot, lambda: isinstance(app.screen, QueueTypeScreen))
            await pilot.click("#normal")
            await until_shown(pilot, NoticeScreen)
            seen.append(screen_text(app))

    try:
        asyncio.run(main())
    finally:
        office.close()
    assert plain in seen[0]
    assert URL not in seen[0] and "สายแลน" not in seen[0] and "cable" not in seen[0]
    assert URL in log.read_text(encoding="utf-8")  # the details, for staff


def test_a_refusal_meant_for_the_citizen_is_shown_as_the_office_says_it() -> None:
    refused = RatingRefused("already_rated", "บัตรนี้ประเมินแล้ว", "this ticket was already rated")
    assert citizen_text(refused, "th") == "บัตรนี้ประเมินแล้ว"
    assert citizen_text(OFFLINE, "th") == SYSTEM_DOWN_TH
