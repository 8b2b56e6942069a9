"""A terminal's view of the office: the :class:`~kiosk.office.service.Office` protocol over the LAN.

A counter console, the board or a second kiosk runs in its own process and never writes the log:
it calls the office server (``kiosk.office.server``) that does. Screens use :class:`RemoteOffice`
exactly as they use :class:`~kiosk.office.service.LocalOffice`; the office's refusals come back as the same
:class:`OfficeError` / :class:`RatingRefused` with the server's code and texts.

Connection problems become an :class:`OfficeUnreachable` (code ``"offline"``). A call that appends
events (a reservation, a call, a rating …) is never sent twice: if the request went out but no reply
came back, the office may have done it, and the error says so (``maybe_done``) so that the person
looks at the queue before pressing again. Read-only calls are retried once.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from kiosk.office import wire
from kiosk.office.service import (
    ComplaintEntry,
    ComplaintView,
    Office,
    OfficeError,
    OfficeView,
    RatingSession,
    Reservation,
)
from kiosk.office.wire import WireError
from surveys.counter.queue import Ticket
from surveys.counter.settings import Settings
from surveys.log.event import JsonValue
from sync.http_client import send
from sync.tls import TlsError, client_verify, tls_refusal

T = TypeVar("T")

MAX_WAIT = 30.0  # the server holds a long poll at most this long
KEEPALIVE_EXPIRY = 30.0  # shorter than the server's keep-alive: a pooled connection is never half-closed


class OfficeUnreachable(OfficeError):
    """The office server could not be reached, or did not answer. ``maybe_done``: the request was
    sent, so the office may have carried it out."""

    def __init__(self, th: str, en: str, *, maybe_done: bool) -> None:
        super().__init__("offline", th, en)
        self.maybe_done = maybe_done


def _unreachable(url: str, *, maybe_done: bool) -> OfficeUnreachable:
    if maybe_done:
        return OfficeUnreachable(
            f"ส่งคำขอไปยังเครื่องแม่ข่ายของสำนักงาน ({url}) แล้ว แต่ไม่ได้รับคำตอบ — รายการนี้อาจทำไปแล้ว "
            "กรุณาตรวจสอบหน้าจอคิวก่อนกดซ้ำ",
            f"the request reached the office server at {url} but no reply came back: it may have been "
            "done, so check the queue before trying again",
            maybe_done=True,
        )
    return OfficeUnreachable(
        f"เชื่อมต่อเครื่องแม่ข่ายของสำนักงานไม่ได้ ({url}) — ตรวจสอบสายแลนและว่าเครื่องแม่ข่ายเปิดอยู่",
        f"cannot reach the office server at {url} — check the network cable and that the server is running",
        maybe_done=False,
    )


def _bad_reply(url: str, detail: str) -> OfficeError:
    return OfficeError(
        "bad_reply",
        f"เครื่องแม่ข่าย ({url}) ตอบกลับในรูปแบบที่เครื่องนี้อ่านไม่ได้ — ตรวจสอบว่าใช้ prongsai รุ่นเดียวกัน",
        f"the office server at {url} sent a reply this terminal can't read ({detail}); "
        "are both on the same prongsai version?",
    )


OFFICE_TH, OFFICE_EN = "เครื่องแม่ข่ายของสำนักงาน", "office server"


def _pinned(url: str, fingerprint: str | None) -> ssl.SSLContext | bool:
    try:
        return client_verify(url, fingerprint, OFFICE_TH, OFFICE_EN)
    except TlsError as exc:
        raise OfficeError(exc.code, exc.th, exc.en) from None


def _insecure(url: str, problem: ssl.SSLError) -> OfficeError:
    exc = tls_refusal(url, problem, OFFICE_TH, OFFICE_EN)
    return OfficeError(exc.code, exc.th, exc.en)


class RemoteOffice:
    """The office at ``url`` (``https://192.168.1.10:8568``), reached with ``key``: this terminal's
    credential (``prongsai terminals add``), or on the office's own PC the office key.

    Off this machine the URL is ``https://`` and ``fingerprint`` the office certificate's (as
    ``prongsai serve`` prints it): no other server is talked to (``sync.tls``); ``http://`` is
    allowed only to this machine. ``transport`` replaces the network (tests pass an in-process
    one); ``settings`` skips fetching them (otherwise they are fetched once, here, and an
    unreachable server raises at once).
    """

    def __init__(
        self,
        url: str,
        key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 5.0,
        settings: Settings | None = None,
        fingerprint: str | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"the office URL must start with http:// or https:// (got {url!r})")
        self.url = url.rstrip("/")
        self.timeout = timeout
        verify = _pinned(self.url, fingerprint) if transport is None else True
        self._client = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {key}"},
            transport=transport,
            verify=verify,
            timeout=timeout,
            limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY),
            trust_env=False,  # the office is on the LAN: never through a proxy from the environment
        )
        try:
            self.settings = settings if settings is not None else self._fetch_settings()
        except BaseException:
            self._client.close()
            raise

    def _fetch_settings(self) -> Settings:
        data = self._get("/settings")
        try:
            return Settings.model_validate(data)
        except ValidationError as exc:
            raise _bad_reply(self.url, f"settings: {exc.error_count()} problem(s)") from None

    # -- plumbing -----------------------------------------------------------------------------

    def _send(self, method: str, path: str, *, appends: bool, **kwargs: Any) -> Any:
        """One request; read-only ones (``appends=False``) are tried twice on a broken connection."""
        response = send(
            self._client,
            method,
            path,
            appends=appends,
            unreachable=lambda maybe_done: _unreachable(self.url, maybe_done=maybe_done),
            insecure=lambda problem: _insecure(self.url, problem),
            **kwargs,
        )
        return self._reply(response)

    def _reply(self, response: httpx.Response) -> Any:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 200:
            if data is None and response.content.strip() != b"null":
                raise _bad_reply(self.url, f"HTTP 200 without JSON: {response.text[:80]!r}")
            return data
        error = wire.decode_error(data)
        if error is not None:
            raise error
        raise OfficeError(
            "server_error",
            f"เครื่องแม่ข่ายของสำนักงานตอบกลับผิดปกติ (HTTP {response.status_code})",
            f"the office server answered HTTP {response.status_code}: {response.text[:200]}",
        )

    def _get(self, path: str, **kwargs: Any) -> Any:
        return self._send("GET", path, appends=False, **kwargs)

    def _post(self, path: str, body: Mapping[str, Any], *, appends: bool = True) -> Any:
        return self._send("POST", path, appends=appends, json=dict(body))

    def _flat(self, cls: type[T], data: Any) -> T:
        try:
            return wire.decode_flat(cls, data)
        except WireError as exc:
            raise _bad_reply(self.url, str(exc)) from None

    def _ticket(self, data: Any) -> Ticket:
        return self._flat(Ticket, data)

    def _view(self, data: Any) -> OfficeView:
        try:
            return wire.decode_view(data)
        except WireError as exc:
            raise _bad_reply(self.url, str(exc)) from None

    def close(self) -> None:
        """Close the connections (the office itself stays open: its server owns it)."""
        self._client.close()

    def __enter__(self) -> RemoteOffice:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- screens ------------------------------------------------------------------------------

    def snapshot(self) -> OfficeView:
        return self._view(self._get("/snapshot"))

    def wait_for_change(self, version: int, timeout: float) -> OfficeView:
        """Long-poll until the office moves past ``version`` or ``timeout`` seconds pass."""
        remaining = max(timeout, 0.0)
        while True:
            step = min(remaining, MAX_WAIT)
            read = httpx.Timeout(self.timeout, read=step + self.timeout)
            view = self._view(self._get("/wait", params={"version": version, "timeout": step}, timeout=read))
            remaining -= step
            if view.version > version or remaining <= 0:
                return view

    # -- the kiosk ----------------------------------------------------------------------------

    def reserve_ticket(self, service: str, priority: str | None = None) -> Reservation:
        return self._flat(Reservation, self._post("/reserve", {"service": service, "priority": priority}))

    def confirm_ticket(self, ticket_id: str, printer: str) -> Ticket:
        return self._ticket(self._post("/confirm", {"ticket_id": ticket_id, "printer": printer}))

    def ticket_print_failed(self, ticket_id: str, error: str, printer: str) -> None:
        self._post("/print-failed", {"ticket_id": ticket_id, "error": error, "printer": printer})

    def ticket_reprinted(self, ticket_id: str, printer: str) -> None:
        self._post("/reprinted", {"ticket_id": ticket_id, "printer": printer})

    def ticket_code(self, ticket_id: str) -> str:
        data = self._post("/code", {"ticket_id": ticket_id}, appends=False)
        code = data.get("code") if isinstance(data, dict) else None
        if not isinstance(code, str):
            raise _bad_reply(self.url, "no code in the reply")
        return code

    # -- the counters -------------------------------------------------------------------------

    def call_next(self, counter: int) -> Ticket | None:
        data = self._post("/call-next", {"counter": counter})
        return None if data is None else self._ticket(data)

    def call_ticket(self, counter: int, number: str, reason: str | None, pin: str | None = None) -> Ticket:
        body = {"counter": counter, "number": number, "reason": reason, "pin": pin}
        return self._ticket(self._post("/call-ticket", body))

    def recall(self, counter: int) -> Ticket:
        return self._ticket(self._post("/recall", {"counter": counter}))

    def no_show(self, counter: int) -> Ticket:
        return self._ticket(self._post("/no-show", {"counter": counter}))

    def undo_no_show(self, counter: int, number: str) -> Ticket:
        return self._ticket(self._post("/no-show/undo", {"counter": counter, "number": number}))

    def start(self, counter: int) -> Ticket:
        return self._ticket(self._post("/start", {"counter": counter}))

    def finish(self, counter: int) -> Ticket:
        return self._ticket(self._post("/finish", {"counter": counter}))

    def transfer(self, counter: int, to_service: str) -> Ticket:
        return self._ticket(self._post("/transfer", {"counter": counter, "to_service": to_service}))

    # -- ratings ------------------------------------------------------------------------------

    def open_rating(self, typed: str) -> RatingSession:
        return self._flat(RatingSession, self._post("/rating/open", {"typed": typed}))

    def submit_rating(
        self, session: RatingSession, answers: Mapping[str, JsonValue], elapsed_ms: int
    ) -> None:
        body = {"session": wire.encode_flat(session), "answers": dict(answers), "elapsed_ms": elapsed_ms}
        self._post("/rating/submit", body)

    # -- complaints ---------------------------------------------------------------------------

    def complaint_status(self, code: str) -> ComplaintView:
        return self._flat(ComplaintView, self._post("/complaint/status", {"code": code}, appends=False))

    def open_complaint_rating(self, code: str) -> str:
        reply = self._post("/complaint/rating/open", {"code": code})
        instrument = reply.get("instrument") if isinstance(reply, dict) else None
        if not isinstance(instrument, str):
            raise _bad_reply(self.url, "/complaint/rating/open: no instrument in the reply")
        return instrument

    def submit_complaint_rating(self, code: str, answers: Mapping[str, JsonValue]) -> None:
        self._post("/complaint/rating/submit", {"code": code, "answers": dict(answers)})

    def receive_complaint(
        self,
        channel: str,
        category: str,
        subject: str,
        details: str = "",
        location: str = "",
        contact: str | None = None,
        tip: bool = False,
    ) -> ComplaintEntry:
        body = {
            "channel": channel,
            "category": category,
            "subject": subject,
            "details": details,
            "location": location,
            "contact": contact,
            "tip": tip,
        }
        return self._flat(ComplaintEntry, self._post("/complaint/receive", body))

    def complaint_step(self, code: str, to: str, note: str = "") -> ComplaintEntry:
        return self._flat(
            ComplaintEntry, self._post("/complaint/step", {"code": code, "to": to, "note": note})
        )

    def complaint_list(self, overdue: bool = False) -> tuple[ComplaintEntry, ...]:
        reply = self._post("/complaint/list", {"overdue": overdue}, appends=False)
        found = reply.get("complaints") if isinstance(reply, dict) else None
        if not isinstance(found, list):
            raise _bad_reply(self.url, "/complaint/list: no complaints in the reply")
        return tuple(self._flat(ComplaintEntry, item) for item in found)

    def check_pin(self, pin: str) -> bool:
        return bool(self._post("/pin", {"pin": pin}, appends=False)["ok"])

    def default_pin_in_force(self) -> bool:
        return bool(self._post("/pin/default", {}, appends=False)["default"])

    def change_pin(self, old: str, new: str) -> None:
        self._post("/pin/change", {"old": old, "new": new})  # not retried: the old PIN is gone after


def _conforms(office: RemoteOffice) -> Office:
    return office  # mypy checks here that RemoteOffice has every method of the Office protocol
