"""Failed tries counted per terminal, with a wait that doubles at each lock (the office's limits).

A terminal that fails ``limit`` times in a row (a wrong staff PIN, a rating code that matches no
ticket) is locked for ``first_wait``; each further lock waits twice as long, up to ``longest``. A
success clears the count. The office keeps one :class:`Throttle` per kind of try; the keys are
terminal ids (``None``: the office's own process, e.g. the all-in-one kiosk).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class _Tries:
    failures: int = 0
    locks: int = 0
    until: datetime | None = None


class Throttle:
    def __init__(self, limit: int, first_wait: timedelta, longest: timedelta) -> None:
        self.limit = limit
        self.first_wait = first_wait
        self.longest = longest
        self._tries: dict[str | None, _Tries] = {}

    def locked_until(self, key: str | None, now: datetime) -> datetime | None:
        """When ``key``'s lock ends, if it is locked at ``now``."""
        tries = self._tries.get(key)
        if tries is None or tries.until is None or now >= tries.until:
            return None
        return tries.until

    def failed(self, key: str | None, now: datetime) -> datetime | None:
        """Count a failure; returns the end of the lock it starts, if it starts one."""
        tries = self._tries.setdefault(key, _Tries())
        tries.failures += 1
        if tries.failures < self.limit:
            return None
        tries.failures = 0
        tries.locks += 1
        wait = min(self.first_wait * 2 ** min(tries.locks - 1, 20), self.longest)
        tries.until = now + wait
        return tries.until

    def succeeded(self, key: str | None) -> None:
        self._tries.pop(key, None)


def wait_text(until: datetime, now: datetime) -> tuple[str, str]:
    """How long until ``until``, in Thai and English ("2 นาที 5 วินาที", "2 min 5 s")."""
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    minutes, rest = divmod(seconds, 60)
    th = " ".join(
        part for part in (f"{minutes} นาที" if minutes else "", f"{rest} วินาที" if rest else "") if part
    )
    en = " ".join(part for part in (f"{minutes} min" if minutes else "", f"{rest} s" if rest else "") if part)
    return th, en
