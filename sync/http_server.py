"""The LAN servers' common base: uvicorn under :mod:`sync.limits`, stopping cleanly on a signal."""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

import uvicorn

from sync.limits import ConnectionGuard, Limits, connection_cap, guarded_protocol


class Server(uvicorn.Server):
    """uvicorn's server, telling ``on_started(host, port)`` where it listens (port 0 picks one), and
    returning after SIGINT/SIGTERM instead of raising the signal again, so that its caller can close
    its log or store. ``on_exit`` runs when the shutdown begins (e.g. to answer waiting long polls).
    Every connection is held to ``limits`` (:mod:`sync.limits`): a stalled client costs nothing."""

    def __init__(
        self,
        config: uvicorn.Config,
        on_started: Callable[[str, int], None] | None = None,
        on_exit: Callable[[], None] | None = None,
        limits: Limits | None = None,
    ) -> None:
        super().__init__(config)
        self._on_started = on_started
        self._on_exit = on_exit
        self.limits = limits if limits is not None else Limits()

    def _guard_connections(self) -> None:
        """Put uvicorn's protocol under a :class:`ConnectionGuard` (header timeout, connection cap)."""
        if not self.config.loaded:
            self.config.load()
        guard = ConnectionGuard(self.limits, connection_cap(self.limits))
        self.config.backlog = min(self.config.backlog, self.limits.backlog)
        tls, self.config.ssl = self.config.ssl, None  # the guard runs each handshake (sync.limits)
        self.config.http_protocol_class = guarded_protocol(self.config.http_protocol_class, guard, tls)

    async def startup(self, sockets: Any = None) -> None:
        self._guard_connections()
        await super().startup(sockets=sockets)
        if self.started and self._on_started is not None:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            self._on_started(str(host), int(port))

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        else:
            self.should_exit = True
        if self._on_exit is not None:
            self._on_exit()
