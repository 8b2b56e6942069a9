"""What a stalled or hostile client may cost the office and sync servers: almost nothing.

uvicorn closes a connection that stays idle *after* a reply (``timeout_keep_alive``), but holds one
that never sends a request for ever, and has no time limit on a request's head or body. Each held
connection is an open file: at the process's limit no one, the kiosk included, can connect. So:

- :func:`guarded_protocol` wraps uvicorn's protocol (``Config.http`` takes a protocol class): a
  request's head must arrive whole within ``header_timeout`` of the connection opening, or of its first
  byte after a reply, or the connection is closed; and past ``max_connections`` open connections (kept
  below the open-file limit, see :func:`connection_cap`) the one waiting longest for a request is
  closed to make room, so a new connection (a kiosk's) is always taken. The listening socket's backlog
  is kept small (:attr:`Limits.backlog`): asyncio accepts up to that many connections at once before
  any of them reaches the guard, and at the open-file limit it logs a traceback for every failed
  accept, which starves the event loop; the cap leaves room for three such bursts;
- with TLS, the guard takes the plain TCP connection and runs the TLS handshake itself
  (``loop.start_tls``, within ``header_timeout``): asyncio's own TLS server would hand a connection to the
  guard only after its handshake, so one that never sends a ClientHello would be held, uncounted, for a
  minute;
- :func:`receive_chunks` reads a request's body with a time limit between chunks and in all, and a cap
  on its size checked on the declared ``Content-Length`` before a byte is read and again as it streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

END_OF_HEAD = b"\r\n\r\n"
RESERVED_FILES = 64  # open files kept for the server itself (logs, the store, the listening socket)
WANTED_FILES = 4096  # the open-file limit the server asks for, if the system allows it


@dataclass(frozen=True)
class Limits:
    header_timeout: float = 10.0  # s for a request's head, from the connection or its first byte
    body_timeout: float = 30.0  # s for a whole body (the office's are small; sync uploads: between chunks)
    max_connections: int = 1000  # open connections; fewer if the open-file limit is lower
    backlog: int = 32  # connections accepted at once (and queued by the system before that)


class BodyRefused(Exception):
    """A request body that was not read to its end: too large (413) or too slow (408)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


def connection_cap(limits: Limits) -> int:
    """How many connections may be open: ``limits.max_connections``, or fewer when the process's
    open-file limit (raised towards :data:`WANTED_FILES` if the hard limit allows) leaves less room."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < WANTED_FILES:
        wanted = WANTED_FILES if hard == resource.RLIM_INFINITY else min(WANTED_FILES, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
    if soft == resource.RLIM_INFINITY:
        return limits.max_connections
    return max(8, min(limits.max_connections, int(soft) - RESERVED_FILES - 3 * limits.backlog))


class ConnectionGuard:
    """The open connections of one server. When full, one waiting for a request is closed to make
    room: first those that never sent one (longest waiting first), then those idle after a reply
    (idle longest first), never one whose request is under way. So connections that never send a
    request can't push out a terminal's keep-alive connection."""

    def __init__(self, limits: Limits, cap: int) -> None:
        self.limits = limits
        self.cap = cap
        self._open: set[_GuardedProtocol] = set()
        self._fresh: OrderedDict[_GuardedProtocol, None] = OrderedDict()  # no request yet
        self._idle: OrderedDict[_GuardedProtocol, None] = OrderedDict()  # answered, waiting again

    def admit(self, connection: _GuardedProtocol) -> bool:
        while len(self._open) >= self.cap and (self._fresh or self._idle):
            oldest, _ = (self._fresh or self._idle).popitem(last=False)
            oldest.close()
        if len(self._open) >= self.cap:
            return False  # every open connection is busy with a request
        self._open.add(connection)
        self._fresh[connection] = None
        return True

    def waiting(self, connection: _GuardedProtocol) -> None:
        """``connection`` was answered and waits for its next request."""
        self._fresh.pop(connection, None)
        self._idle[connection] = None
        self._idle.move_to_end(connection)

    def busy(self, connection: _GuardedProtocol) -> None:
        self._fresh.pop(connection, None)
        self._idle.pop(connection, None)

    def forget(self, connection: _GuardedProtocol) -> None:
        self._open.discard(connection)
        self.busy(connection)

    def __len__(self) -> int:
        return len(self._open)


class _Transport:
    """The transport as the wrapped protocol sees it: every call passes through; a write (a reply)
    tells the guard that the request was answered."""

    def __init__(self, transport: asyncio.Transport, on_write: Callable[[bytes], None]) -> None:
        self._transport = transport
        self._on_write = on_write

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._on_write(bytes(data[:16]))
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _GuardedProtocol(asyncio.Protocol):
    """One connection: uvicorn's protocol inside, with a time limit on each request's head.

    States: ``head`` (waiting for a request's head, timed), ``request`` (the head came: uvicorn and the
    application take over, with their own body and keep-alive limits), ``idle`` (answered; uvicorn's
    keep-alive timer runs; the next byte starts a new timed head).
    """

    def __init__(
        self, inner: asyncio.Protocol, guard: ConnectionGuard, tls: ssl.SSLContext | None = None
    ) -> None:
        self._inner = inner
        self._guard = guard
        self._tls = tls
        self._transport: asyncio.Transport | None = None
        self._admitted = False
        self._connected = False  # uvicorn's protocol has its transport (after the TLS handshake)
        self._early: list[bytes] = []  # bytes decrypted before it had
        self._handshake: asyncio.Task[None] | None = None
        self._state = "head"
        self._tail = b""
        self._timer: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol -----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        if not self._guard.admit(self):
            transport.abort()
            return
        self._admitted = True
        self._start_timer()  # the handshake and the request's head, within header_timeout
        if self._tls is None:
            self._connect(transport)
        else:
            self._handshake = asyncio.get_running_loop().create_task(self._start_tls(transport))

    async def _start_tls(self, plain: asyncio.Transport) -> None:
        assert self._tls is not None
        try:
            secure = await asyncio.get_running_loop().start_tls(
                plain,
                self,
                self._tls,
                server_side=True,
                ssl_handshake_timeout=self._guard.limits.header_timeout,
            )
        except (OSError, TimeoutError, RuntimeError):  # ssl.SSLError and ConnectionError are OSErrors
            self.close()  # no TLS within the time, or not TLS at all: nothing reached uvicorn
            return
        if secure is None or secure.is_closing():
            self.close()
            return
        self._transport = secure
        self._connect(secure)

    def _connect(self, transport: asyncio.Transport) -> None:
        self._inner.connection_made(_Transport(transport, self._replied))  # type: ignore[arg-type]
        self._connected = True
        early, self._early = self._early, []
        for data in early:
            self._inner.data_received(data)

    def data_received(self, data: bytes) -> None:
        if not self._admitted:
            return
        if self._state == "idle":
            self._state, self._tail = "head", b""
            self._start_timer()
        if self._state == "head":
            seen = self._tail + data
            if END_OF_HEAD in seen:
                self._state = "request"
                self._stop_timer()
                self._guard.busy(self)
            else:
                self._tail = seen[-(len(END_OF_HEAD) - 1) :]
        if self._connected:
            self._inner.data_received(data)
        else:
            self._early.append(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._connected else None

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        self._guard.forget(self)
        if self._connected:
            self._connected = False
            self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._connected:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._connected:
            self._inner.resume_writing()

    # -- the guard's side -----------------------------------------------------------------------

    def close(self) -> None:
        """Close now (a stalled head, or room needed for a new connection)."""
        self._stop_timer()
        self._guard.forget(self)
        if self._transport is not None and not self._transport.is_closing():
            self._transport.abort()

    def _replied(self, start: bytes) -> None:
        if self._state == "request" and not start.startswith(b"HTTP/1.1 100"):  # not "100 Continue"
            self._state = "idle"
            self._guard.waiting(self)

    def _start_timer(self) -> None:
        self._stop_timer()
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self._guard.limits.header_timeout, self._head_too_slow)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _head_too_slow(self) -> None:
        self._timer = None
        if self._state == "head":
            self.close()


def guarded_protocol(
    inner: Callable[..., asyncio.Protocol], guard: ConnectionGuard, tls: ssl.SSLContext | None = None
) -> type[asyncio.Protocol]:
    """A protocol class for ``uvicorn.Config.http_protocol_class``: ``inner``'s, under ``guard``; with
    ``tls`` the server listens in plain TCP and each connection's handshake runs under the guard."""

    class Guarded(_GuardedProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(inner(*args, **kwargs), guard, tls)

    return Guarded


async def receive_chunks(
    request: Request, max_bytes: int, limits: Limits, *, whole: bool
) -> AsyncIterator[bytes]:
    """The body of ``request``, chunk by chunk, refused (:class:`BodyRefused`) past ``max_bytes``
    (before reading, on the declared size) or when it is slow: ``whole`` bodies must arrive within
    ``limits.body_timeout`` in all (small JSON bodies), others within it between two chunks (uploads)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyRefused(413, "too_large")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limits.body_timeout
    stream = request.stream().__aiter__()
    size = 0
    while True:
        wait = deadline - loop.time() if whole else limits.body_timeout
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), max(wait, 0.0))
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise BodyRefused(408, "too_slow") from None
        size += len(chunk)
        if size > max_bytes:
            raise BodyRefused(413, "too_large")
        yield chunk
