"""The office on the LAN: a small JSON API over the :class:`LocalOffice` that owns the device log.

One process owns the log and is its only writer; the counters, the board and other kiosks (each a
separate process, textual-serve sessions included) call this server through
``kiosk.office.client.RemoteOffice``. Every request carries ``Authorization: Bearer <credential>``:
a terminal's own credential (``prongsai terminals add``, see ``sync.terminals``), whose role decides
the endpoints it may use (:data:`ROLE_PATHS`; a counter only for its own counter), or the office key
(``office.key`` in the office's home, see :func:`office_key`), the admin credential, accepted only
from this PC (127.0.0.1, ::1 or the server's own address). Every event a terminal causes names it
(``by`` in the event body).

==========================  =============================================================  ===========
endpoint                    JSON body → reply                                              Office method
==========================  =============================================================  ===========
POST /reserve               {service, priority?} → Reservation                             reserve_ticket
POST /confirm               {ticket_id, printer} → Ticket                                  confirm_ticket
POST /print-failed          {ticket_id, error, printer} → {ok}                             ticket_print_failed
POST /reprinted             {ticket_id, printer} → {ok}                                    ticket_reprinted
POST /code                  {ticket_id} → {code}                                           ticket_code
POST /call-next             {counter} → Ticket | null                                      call_next
POST /call-ticket           {counter, number, reason?, pin?} → Ticket                      call_ticket
POST /recall, /no-show,     {counter} → Ticket                                             recall, no_show,
     /start, /finish                                                                       start, finish
POST /no-show/undo          {counter, number} → Ticket                                     undo_no_show
POST /transfer              {counter, to_service} → Ticket                                 transfer
POST /rating/open           {typed} → RatingSession                                        open_rating
POST /rating/submit         {session, answers, elapsed_ms} → {ok}                          submit_rating
POST /complaint/status      {code} → ComplaintView                                      complaint_status
POST /complaint/rating/open {code} → {instrument}                                  open_complaint_rating
POST /complaint/rating/submit  {code, answers} → {ok}                            submit_complaint_rating
POST /complaint/receive     {channel, category, subject, details, location, contact?, tip}  receive_complaint
                            → ComplaintEntry (the office seals the contact details)
POST /complaint/step        {code, to, note} → ComplaintEntry                              complaint_step
POST /complaint/list        {overdue} → {complaints: [ComplaintEntry, …]}                  complaint_list
POST /pin                   {pin} → {ok}                                                   check_pin
POST /pin/default           {} → {default}                                     default_pin_in_force
POST /pin/change            {old, new} → {ok}                                              change_pin
GET  /snapshot              → OfficeView                                                   snapshot
GET  /wait?version=N&timeout=S   → OfficeView once past version N, or after S (≤ 30) s     wait_for_change
GET  /settings              → Settings.model_dump (the staff PIN hash withheld)
==========================  =============================================================  ===========

Replies: 200 with the value; 401 without a live credential; 403 outside the terminal's role; 400
naming the bad field (a /wait timeout must be a number of seconds from 0 to 30); 408 for a body slower
than the body timeout; 413 for a body over 64 KiB (refused on its declared size before it is read); 409
for an
:class:`OfficeError` (``{"error", "th", "en", "refused"}``); 503 when the log can't be written.
Long polls hold no thread: one watcher thread follows the office and wakes them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hmac
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kiosk.office import wire
from kiosk.office.service import LocalOffice, OfficeError, OfficeView, RatingRefused, RatingSession
from kiosk.office.wire import (
    CallTicketRequest,
    ComplaintRatingRequest,
    ComplaintReceiveRequest,
    CounterRequest,
    OpenRatingRequest,
    PinChangeRequest,
    PinRequest,
    PrintedRequest,
    PrintFailedRequest,
    RequestBody,
    ReserveRequest,
    SubmitRatingRequest,
    TicketRequest,
    TransferRequest,
    UndoNoShowRequest,
    WireError,
)
from surveys.counter.queue import Ticket
from surveys.log.device_log import LogError
from surveys.log.event import EventError, check_value
from sync.http_server import Server
from sync.limits import BodyRefused, Limits, receive_chunks
from sync.terminals import ADMIN, Terminal, TerminalBook
from sync.tls import Certificate, server_ssl

MAX_WAIT = 30.0  # seconds a long poll may be held
MAX_BODY = 64 * 1024
KEEP_ALIVE = 65  # seconds; longer than the client's keep-alive, so the client always closes first
MAX_SESSIONS = 256  # rating sessions remembered between /rating/open and /rating/submit
WITHHELD = "withheld"  # the staff PIN hash is not sent to terminals; check_pin() fails on this value

logger = logging.getLogger(__name__)
Body = RequestBody | None  # a POST's body checked by its model (wire.REQUESTS); None for a GET


def _error(status: int, code: str, th: str, en: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "th": th, "en": en, "refused": False, **extra}, status_code=status)


def _unauthorised() -> JSONResponse:
    response = _error(
        401,
        "unauthorized",
        "ไม่ได้รับอนุญาต: เครื่องนี้ต้องมีรหัสเครื่องปลายทางที่ยังใช้ได้ (สร้างบนเครื่องแม่ข่ายด้วยคำสั่ง "
        "prongsai terminals add แล้วใส่ด้วย --key) หรือบนเครื่องแม่ข่ายเอง ใช้กุญแจในไฟล์ office.key",
        "not authorised: this terminal needs a live terminal credential (made on the office server with "
        "`prongsai terminals add`, given with --key); on the office server itself, the office.key file's key",
    )
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


# -- who may do what ----------------------------------------------------------------------------

READ_PATHS = frozenset({"/snapshot", "/wait", "/settings"})
PIN_PATHS = frozenset({"/pin", "/pin/default", "/pin/change"})
COUNTER_PATHS = frozenset(
    {"/call-next", "/call-ticket", "/recall", "/no-show", "/no-show/undo", "/start", "/finish", "/transfer"}
)
COMPLAINT_PATHS = frozenset({"/complaint/status", "/complaint/rating/open", "/complaint/rating/submit"})
KIOSK_PATHS = (
    frozenset(
        {"/reserve", "/confirm", "/print-failed", "/reprinted", "/code", "/rating/open", "/rating/submit"}
    )
    | COMPLAINT_PATHS
)
INTAKE_PATHS = frozenset({"/complaint/receive", "/complaint/step", "/complaint/list"})
ROLE_PATHS: dict[str, frozenset[str]] = {
    # only a kiosk issues tickets, reprints and rates, and shows a complaint's status to its complainant
    "kiosk": READ_PATHS | PIN_PATHS | KIOSK_PATHS,
    "counter": READ_PATHS | PIN_PATHS | COUNTER_PATHS,  # with its own counter's number in the body
    "board": READ_PATHS,
    # the complaint desk takes complaints and records their steps (a kiosk only shows their status)
    "complaints": READ_PATHS | PIN_PATHS | INTAKE_PATHS,
}
LOOPBACK = frozenset({"127.0.0.1", "::1"})
_calling_terminal: contextvars.ContextVar[str | None] = contextvars.ContextVar("office_caller", default=None)


def _by() -> str | None:
    """The terminal id of the request being handled (None for the office's own process)."""
    return _calling_terminal.get()


def _same_pc(request: Request) -> bool:
    """Does ``request`` come from this PC (loopback, or from the address the server listens on)?"""
    client = request.client.host if request.client else ""
    server = request.scope.get("server") or ("",)
    return client in LOOPBACK or client == server[0]


def _forbidden(terminal: Terminal, path: str, body: Body) -> JSONResponse | None:
    """A 403 when ``path`` (with ``body``) is outside ``terminal``'s role, else None."""
    if terminal.role == ADMIN:
        return None
    kind = terminal.role.partition(":")[0]
    if path in ROLE_PATHS.get(kind, frozenset()):
        if path not in COUNTER_PATHS or (
            isinstance(body, CounterRequest) and body.counter == terminal.counter
        ):
            return None
        return _error(
            403,
            "forbidden",
            f"เครื่องนี้เป็นของช่องบริการ {terminal.counter} เท่านั้น ทำรายการของช่องอื่นไม่ได้",
            f"this terminal acts for counter {terminal.counter} only",
        )
    return _error(
        403,
        "forbidden",
        f"เครื่องปลายทาง {terminal.id} ({terminal.role}) ไม่มีสิทธิ์ทำรายการนี้",
        f"terminal {terminal.id} ({terminal.role}) may not do this ({path})",
    )


class ChangeFeed:
    """Long polls without a thread each: one watcher thread waits on the office and wakes them all."""

    def __init__(self, office: LocalOffice) -> None:
        self._office = office
        self._view: OfficeView | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._stop = threading.Event()
        self._closed = False

    async def wait(self, version: int, timeout: float) -> OfficeView:
        if self._loop is None:
            self._start()
        elif self._loop is not asyncio.get_running_loop():  # the app moved to another loop (a test)
            return await run_in_threadpool(self._office.wait_for_change, version, timeout)
        assert self._view is not None and self._changed is not None
        deadline = asyncio.get_running_loop().time() + timeout
        while self._view.version <= version and not self._closed:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return self._view

    def _start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._view = self._office.snapshot()  # once, in the event loop: no other request interleaves
        threading.Thread(
            target=self._watch, args=(self._view.version,), daemon=True, name="office-feed"
        ).start()

    def _watch(self, version: int) -> None:
        loop = self._loop
        assert loop is not None
        while not self._stop.is_set():
            view = self._office.wait_for_change(version, 1.0)  # a fresh view at least every second
            version = view.version
            try:
                loop.call_soon_threadsafe(self._publish, view)
            except RuntimeError:  # the event loop is gone
                return

    def _publish(self, view: OfficeView) -> None:
        assert self._changed is not None and self._view is not None
        moved = view.version > self._view.version
        self._view = view
        if moved:
            self._changed.set()
            self._changed = asyncio.Event()

    def close(self) -> None:
        """Stop watching and answer every waiting poll now (the server is shutting down)."""
        self._stop.set()
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake_all)

    def _wake_all(self) -> None:
        self._closed = True
        if self._changed is not None:
            self._changed.set()


class _Api:
    def __init__(self, office: LocalOffice, key: str, limits: Limits) -> None:
        self.office = office
        self.limits = limits
        self._key = key.encode("utf-8")
        self._terminals = TerminalBook(office.home)
        self.feed = ChangeFeed(office)
        self._sessions: OrderedDict[RatingSession, None] = OrderedDict()  # opened here, newest last
        self._sessions_lock = threading.Lock()

    def routes(self) -> list[Route]:
        posts: dict[str, Callable[[Any], Any]] = {  # each takes the model wire.REQUESTS names for its path
            "/reserve": self.reserve,
            "/confirm": self.confirm,
            "/print-failed": self.print_failed,
            "/reprinted": self.reprinted,
            "/code": self.code,
            "/call-next": lambda b: _ticket(self.office.call_next(b.counter, by=_by())),
            "/call-ticket": self.call_ticket,
            "/recall": lambda b: _ticket(self.office.recall(b.counter, by=_by())),
            "/no-show": lambda b: _ticket(self.office.no_show(b.counter, by=_by())),
            "/no-show/undo": self.undo_no_show,
            "/start": lambda b: _ticket(self.office.start(b.counter, by=_by())),
            "/finish": lambda b: _ticket(self.office.finish(b.counter, by=_by())),
            "/transfer": self.transfer,
            "/rating/open": self.open_rating,
            "/rating/submit": self.submit_rating,
            "/complaint/status": lambda b: wire.encode_flat(self.office.complaint_status(b.code, by=_by())),
            "/complaint/rating/open": lambda b: {
                "instrument": self.office.open_complaint_rating(b.code, by=_by())
            },
            "/complaint/rating/submit": self.submit_complaint_rating,
            "/complaint/receive": self.receive_complaint,
            "/complaint/step": lambda b: wire.encode_flat(
                self.office.complaint_step(b.code, b.to, b.note, by=_by())
            ),
            "/complaint/list": lambda b: {
                "complaints": [wire.encode_flat(e) for e in self.office.complaint_list(b.overdue, by=_by())]
            },
            "/pin": self.check_pin,
            "/pin/default": lambda b: {"default": self.office.default_pin_in_force()},
            "/pin/change": self.change_pin,
        }
        gets: dict[str, Callable[[Body], Any]] = {"/snapshot": self.snapshot, "/settings": self.settings}
        return [
            *(Route(p, self._endpoint(h, body=True, path=p), methods=["POST"]) for p, h in posts.items()),
            *(Route(p, self._endpoint(h, path=p), methods=["GET"]) for p, h in gets.items()),
            Route("/wait", self.wait, methods=["GET"]),
        ]

    # -- plumbing -----------------------------------------------------------------------------

    def _caller(self, request: Request) -> Terminal | None:
        """The terminal the request's credential names (the office key: admin, from this PC only)."""
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        credential = given.strip()
        if hmac.compare_digest(credential.encode("utf-8"), self._key):
            return Terminal(ADMIN, ADMIN, ADMIN, "", "") if _same_pc(request) else None
        return self._terminals.authenticate(credential)

    def _endpoint(
        self, handler: Callable[[Body], Any], *, body: bool = False, path: str = ""
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            terminal = self._caller(request)
            if terminal is None:
                return _unauthorised()
            try:
                data = await _read_body(request, self.limits) if body else None
                refused = _forbidden(terminal, path, data)
                if refused is not None:
                    return refused
                _calling_terminal.set(terminal.id)  # this request's context only (copied into the threadpool)
                return JSONResponse(await run_in_threadpool(handler, data))
            except BodyRefused as exc:
                return _body_refused(exc)
            except WireError as exc:
                return _error(400, "bad_request", exc.th, exc.en, field=exc.field)
            except ClientDisconnect:  # the body was cut off: nobody is left to read the reply
                logger.warning(
                    "office server: %s %s: the request was cut off", request.method, request.url.path
                )
                return _error(400, "cut_off", "คำขอขาดตอน", "the request was cut off")
            except OfficeError as exc:
                return JSONResponse(wire.encode_error(exc), status_code=409)
            except LogError as exc:
                logger.error("office log: %s", exc)
                return _error(
                    503,
                    "log_unavailable",
                    "เครื่องแม่ข่ายบันทึกข้อมูลไม่ได้ (ดิสก์อาจเต็ม หรือกำลังปิดระบบ) รายการนี้ไม่ถูกบันทึก กรุณาแจ้งเจ้าหน้าที่ไอที",
                    "the office server could not record this (its log has the details); nothing was recorded",
                )
            except Exception:
                logger.exception("office server: %s %s", request.method, request.url.path)
                return _error(
                    500,
                    "server_error",
                    "เครื่องแม่ข่ายขัดข้อง กรุณาแจ้งเจ้าหน้าที่ไอที",
                    "the office server failed on this request; its log has the details",
                )

        return endpoint

    # -- handlers (run in the threadpool) -----------------------------------------------------

    def reserve(self, b: ReserveRequest) -> Any:
        return wire.encode_flat(self.office.reserve_ticket(b.service, b.priority, by=_by()))

    def confirm(self, b: PrintedRequest) -> Any:
        return _ticket(self.office.confirm_ticket(b.ticket_id, b.printer, by=_by()))

    def print_failed(self, b: PrintFailedRequest) -> Any:
        self.office.ticket_print_failed(b.ticket_id, b.error, b.printer, by=_by())
        return {"ok": True}

    def reprinted(self, b: PrintedRequest) -> Any:
        self.office.ticket_reprinted(b.ticket_id, b.printer, by=_by())
        return {"ok": True}

    def code(self, b: TicketRequest) -> Any:
        return {"code": self.office.ticket_code(b.ticket_id)}

    def call_ticket(self, b: CallTicketRequest) -> Any:
        return _ticket(self.office.call_ticket(b.counter, b.number, b.reason, b.pin, by=_by()))

    def undo_no_show(self, b: UndoNoShowRequest) -> Any:
        return _ticket(self.office.undo_no_show(b.counter, b.number, by=_by()))

    def check_pin(self, b: PinRequest) -> Any:
        return {"ok": self.office.check_pin(b.pin, by=_by())}

    def change_pin(self, b: PinChangeRequest) -> Any:
        self.office.change_pin(b.old, b.new, by=_by())
        return {"ok": True}

    def transfer(self, b: TransferRequest) -> Any:
        return _ticket(self.office.transfer(b.counter, b.to_service, by=_by()))

    def open_rating(self, b: OpenRatingRequest) -> Any:
        session = self.office.open_rating(b.typed, by=_by())
        with self._sessions_lock:
            self._sessions[session] = None
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return wire.encode_flat(session)

    def submit_rating(self, b: SubmitRatingRequest) -> Any:
        session = RatingSession(**b.session.model_dump())
        answers, elapsed_ms = b.answers, b.elapsed_ms
        try:
            check_value(answers, "answers")
        except EventError as exc:
            raise WireError(
                "answers", "คำตอบที่เป็นข้อความ จำนวนเต็ม หรือรายการ", f"text, integers or lists ({exc})"
            ) from None
        with self._sessions_lock:
            opened = session in self._sessions
        if not opened:  # only a session this server opened (and whose checks passed) counts
            raise RatingRefused(
                "unknown_session",
                "ไม่พบการเปิดแบบประเมินนี้ กรุณาสแกนบัตรคิวอีกครั้ง",
                "This rating was not opened on the office server. Please scan the ticket again.",
            )
        # The session stays remembered (until MAX_SESSIONS newer ones push it out), so that sending
        # it again reaches the office, which refuses a second rating and logs the refusal.
        self.office.submit_rating(session, answers, elapsed_ms, by=_by())
        return {"ok": True}

    def submit_complaint_rating(self, b: ComplaintRatingRequest) -> Any:
        try:
            check_value(b.answers, "answers")
        except EventError as exc:
            raise WireError(
                "answers", "คำตอบที่เป็นข้อความ จำนวนเต็ม หรือรายการ", f"text, integers or lists ({exc})"
            ) from None
        self.office.submit_complaint_rating(b.code, b.answers, by=_by())
        return {"ok": True}

    def receive_complaint(self, b: ComplaintReceiveRequest) -> Any:
        entry = self.office.receive_complaint(
            b.channel, b.category, b.subject, b.details, b.location, b.contact, b.tip, by=_by()
        )
        return wire.encode_flat(entry)

    def snapshot(self, _: Body) -> Any:
        return wire.encode_view(self.office.snapshot())

    def settings(self, _: Body) -> Any:
        data = self.office.settings.model_dump(mode="json")
        if data.get("staff_pin") is not None:
            data["staff_pin"] = WITHHELD
        return data

    async def wait(self, request: Request) -> Response:
        if self._caller(request) is None:  # every role may read
            return _unauthorised()
        try:
            version = int(request.query_params.get("version", ""))
        except ValueError:
            return _error(400, "bad_request", "ต้องระบุ version เป็นจำนวนเต็ม", "version: expected an integer",
                          field="version")  # fmt: skip
        timeout = _wait_timeout(request.query_params.get("timeout", "25"))
        if timeout is None:
            return _error(
                400,
                "bad_request",
                f"timeout ต้องเป็นจำนวนวินาทีตั้งแต่ 0 ถึง {MAX_WAIT:g}",
                f"timeout: expected a number of seconds from 0 to {MAX_WAIT:g}",
                field="timeout",
            )
        view = await self.feed.wait(version, timeout)
        return JSONResponse(wire.encode_view(view))


def _wait_timeout(given: str) -> float | None:
    """The seconds a long poll may wait: a finite number from 0 to :data:`MAX_WAIT`, else None
    (``nan`` would never time out and hold the feed; ``inf``, ``1e309`` and negatives are no better)."""
    try:
        timeout = float(given)
    except ValueError:
        return None
    return timeout if math.isfinite(timeout) and 0.0 <= timeout <= MAX_WAIT else None


def _body_refused(exc: BodyRefused) -> JSONResponse:
    """413 or 408, closing the connection: the rest of the body is not read."""
    if exc.status == 413:
        response = _error(
            413,
            "too_large",
            f"คำขอใหญ่เกิน {MAX_BODY // 1024} KiB จึงไม่ได้อ่าน",
            f"the request is larger than {MAX_BODY // 1024} KiB and was not read",
        )
    else:
        response = _error(
            408,
            "too_slow",
            "ส่งคำขอช้าเกินไป จึงยกเลิก กรุณาลองใหม่",
            "the request's body came too slowly and was dropped; please try again",
        )
    response.headers["Connection"] = "close"
    return response


def _ticket(ticket: Ticket | None) -> Any:
    return None if ticket is None else wire.encode_flat(ticket)


async def _receive_body(request: Request, limits: Limits) -> bytes:
    """The request's body, at most :data:`MAX_BODY` bytes (refused on its declared size before a
    byte is read), within ``limits.body_timeout`` seconds; else :class:`BodyRefused`."""
    return b"".join([chunk async for chunk in receive_chunks(request, MAX_BODY, limits, whole=True)])


async def _read_body(request: Request, limits: Limits) -> RequestBody:
    return _parse_body(request, await _receive_body(request, limits))


def _parse_body(request: Request, raw: bytes) -> RequestBody:
    """The body checked by the model of its endpoint (``wire.REQUESTS``); WireError if not."""
    return wire.parse_request(request.url.path, raw)


def make_office_app(office: LocalOffice, key: str, *, limits: Limits | None = None) -> Starlette:
    """The office's JSON API; ``app.state.feed`` is the :class:`ChangeFeed` behind ``/wait``."""
    if not key:
        raise ValueError("the office key must not be empty")
    api = _Api(office, key, limits if limits is not None else Limits())
    app = Starlette(routes=api.routes())
    app.state.feed = api.feed
    return app


def serve_office(
    office: LocalOffice,
    host: str,
    port: int,
    key: str,
    *,
    on_started: Callable[[str, int], None] | None = None,
    certificate: Certificate | None = None,
    limits: Limits | None = None,
) -> None:
    """Serve ``office`` on ``host:port`` until SIGINT or SIGTERM, then close its log.

    ``port`` 0 picks a free port; ``on_started(host, port)`` is called once it listens. With a
    ``certificate`` (``sync.tls.server_certificate``) it serves TLS; without, plain HTTP, which only
    a loopback ``host`` may (a ``ValueError`` otherwise). ``limits`` (:mod:`sync.limits`) keep stalled
    or hostile clients from holding the office.
    """
    ssl_certfile, ssl_keyfile = server_ssl(host, certificate)
    limits = limits if limits is not None else Limits()
    app = make_office_app(office, key, limits=limits)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_level="warning",
        access_log=False,
        proxy_headers=False,  # the peer is the socket's: no X-Forwarded-For decides who is on this PC
        timeout_keep_alive=KEEP_ALIVE,
        timeout_graceful_shutdown=5,
    )
    server = Server(config, on_started, app.state.feed.close, limits=limits)
    try:
        server.run()
    except SystemExit:
        if server.started:
            raise
        raise OSError(
            f"the office server could not listen on {host}:{port} (is another one running?)"
        ) from None
    finally:
        app.state.feed.close()
        office.close()
