"""What a keyboard-wedge QR scanner types: characters, then Enter.

The scanner types through the active keyboard layout, so with the Thai layout on the digits arrive
as Thai letters (``ๅ/-ภถุึคตจ``). The buffer keeps the raw characters; the office normalises them.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable

from textual.message import Message

MAX_SCAN = 64  # a code is 13 characters; anything longer is not a scan
SCAN_GAP_SECONDS = 3.0  # a pause this long starts a new scan (stray keys are forgotten)


def key_character(key: str, character: str | None) -> str | None:
    """The printable character a key typed. A Thai vowel mark (``ุ``, ``ึ``: the 6 and 7 keys of the
    Thai layout) may arrive named (``thai_character_sara_u``) rather than as a character."""
    if character is None and len(key) > 1:
        try:
            character = unicodedata.lookup(key.replace("_", " "))
        except KeyError:
            return None
    if character and len(character) == 1 and character.isprintable():
        return character
    return None


class ScanBuffer:
    """Collects key characters until Enter."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._chars: list[str] = []
        self._last = 0.0

    @property
    def text(self) -> str:
        return "".join(self._chars)

    def clear(self) -> None:
        self._chars.clear()

    def feed(self, key: str, character: str | None) -> str | None:
        """One key. Returns the scanned text on Enter (None if nothing was typed), else None."""
        now = self._clock()
        if now - self._last > SCAN_GAP_SECONDS:
            self._chars.clear()
        self._last = now
        if key == "enter":
            text = self.text.strip()
            self._chars.clear()
            return text or None
        if key == "backspace":
            if self._chars:
                self._chars.pop()
            return None
        character = key_character(key, character)
        if character and len(self._chars) < MAX_SCAN:
            self._chars.append(character)
        return None


class CodeEntered(Message):
    """A ticket code was scanned or typed (the raw characters, as they arrived)."""

    def __init__(self, typed: str) -> None:
        super().__init__()
        self.typed = typed
