"""What tests of the office and its terminals share: a clock moved by hand, tickets issued and served as
a kiosk and a counter do, and the office's LAN app run in-process.

Tests import it as ``tests.support.office`` (pytest's importlib mode makes ``tests`` a package).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal

from kiosk.office.client import RemoteOffice
from kiosk.office.service import LocalOffice, Reservation
from kiosk.printing.issuing import issue_ticket
from kiosk.printing.printers import Printer
from surveys.log.event import BANGKOK

START = datetime(2025, 1, 15, 9, 0, tzinfo=BANGKOK)  # 15 มกราคม 2568, a Wednesday morning


class Clock:
    """A clock the test moves by hand, shared by the office and its terminals."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float = 0, **delta: float) -> None:
        """Move on by ``minutes`` and any other ``timedelta`` keyword (``days=1``, ``seconds=2`` …)."""
        self.now += timedelta(minutes=minutes, **delta)


def issue(
    office: LocalOffice | RemoteOffice,
    service: str = "registration",
    priority: str | None = None,
    *,
    by: str | None = None,
) -> Reservation:
    """A ticket reserved and confirmed (its printer named "test"), as a kiosk issues it; ``by`` names the
    terminal (the office itself only: a remote office knows its terminal by its credential)."""
    if by is None:
        reservation = office.reserve_ticket(service, priority)
        office.confirm_ticket(reservation.ticket, "test")
        return reservation
    assert isinstance(office, LocalOffice)
    reservation = office.reserve_ticket(service, priority, by=by)
    office.confirm_ticket(reservation.ticket, "test", by=by)
    return reservation


def served_code(office: LocalOffice, printer: Printer | None = None, service: str = "registration") -> str:
    """The rating code of a ticket issued (printed on ``printer`` as the kiosk does, when given), called,
    served and finished at counter 1 (the counter side, directly)."""
    if printer is None:
        reservation = issue(office, service)
    else:
        reservation = issue_ticket(office, service, None, printer).reservation
    assert office.call_next(1) is not None
    office.start(1)
    office.finish(1)
    return reservation.code


class AppTransport(httpx.BaseTransport):
    """A sync transport that runs an ASGI app on the event loop of a portal thread, in-process.

    ``client`` is the address the app sees the request come from (httpx's default is loopback);
    ``raise_app_exceptions=False`` answers an app's crash with a 500, as a real server does.
    """

    def __init__(
        self,
        app: Any,
        portal: BlockingPortal,
        client: tuple[str, int] = ("127.0.0.1", 123),
        *,
        raise_app_exceptions: bool = True,
    ) -> None:
        self._asgi = httpx.ASGITransport(app=app, client=client, raise_app_exceptions=raise_app_exceptions)
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._asgi.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._portal.call(send)
