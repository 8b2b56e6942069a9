"""What the office terminals and the sync client share when they talk HTTP on the office LAN."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx


def send(
    client: httpx.Client,
    method: str,
    path: str,
    *,
    appends: bool,
    unreachable: Callable[[bool], Exception],
    **kwargs: Any,
) -> httpx.Response:
    """One request. A request that changes nothing (``appends=False``) is tried once more on a broken
    connection; one that records something never is, since its first try may have arrived (the reply
    was lost): ``unreachable(maybe_done)`` then makes the error that says so."""
    attempts = 1 if appends else 2
    for attempt in range(1, attempts + 1):
        try:
            return client.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            if attempt < attempts and not isinstance(exc, httpx.TimeoutException):
                continue
            raise unreachable(False) from None
        except httpx.TransportError as exc:  # sent, but the reply was lost or never came
            if attempt < attempts and not isinstance(exc, httpx.TimeoutException):
                continue
            raise unreachable(appends) from None
    raise AssertionError("unreachable")  # pragma: no cover
