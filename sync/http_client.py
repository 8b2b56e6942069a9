"""What the office terminals and the sync client share when they send HTTP requests on the office LAN.

Clients import this module, never :mod:`sync.http_server` (which loads uvicorn)."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

import httpx

from sync.tls import tls_problem


def send(
    client: httpx.Client,
    method: str,
    path: str,
    *,
    appends: bool,
    unreachable: Callable[[bool], Exception],
    insecure: Callable[[ssl.SSLError], Exception] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """One request. A request that changes nothing (``appends=False``) is tried once more on a broken
    connection; one that records something never is, since its first try may have arrived (the reply
    was lost): ``unreachable(maybe_done)`` then makes the error that says so. A TLS handshake that
    failed (a certificate not the pinned one …) is not retried: ``insecure(error)`` makes its error."""
    attempts = 1 if appends else 2
    for attempt in range(1, attempts + 1):
        try:
            return client.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            _raise_if_insecure(exc, insecure)
            if attempt < attempts and not isinstance(exc, httpx.TimeoutException):
                continue
            raise unreachable(False) from None
        except httpx.TransportError as exc:  # sent, but the reply was lost or never came
            if attempt < attempts and not isinstance(exc, httpx.TimeoutException):
                continue
            raise unreachable(appends) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _raise_if_insecure(
    exc: httpx.TransportError, insecure: Callable[[ssl.SSLError], Exception] | None
) -> None:
    """Nothing was sent when the TLS handshake failed: say why, instead of "unreachable"."""
    problem = tls_problem(exc)
    if problem is not None and insecure is not None:
        raise insecure(problem) from None
