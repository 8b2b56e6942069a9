"""The board's chime: a two-tone "ding-dong" that a waiting room hears when a number is called.

The sound is a small WAV synthesised once with the standard library (:func:`write_chime`) and kept in
the user's cache folder; it is played by the system's own player (``paplay``, ``pw-play`` or ``aplay``
on Linux, ``afplay`` on macOS, found on PATH) or by ``winsound`` on Windows. Playing blocks until the
sound ends, so the board calls :meth:`Chime.play` from a thread worker. With no player or no sound
device, :class:`ChimeUnavailable` says why, in Thai and English, for staff.
"""

from __future__ import annotations

import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

RATE = 22_050  # samples per second, mono, 16-bit
TONES = ((659.25, 0.45), (523.25, 0.75))  # E5 then C5 (seconds each): the familiar two-tone call
VOLUME = 0.6  # of full scale
CHIME_VERSION = 1  # change it when the sound changes: a new file is written
PLAYERS: tuple[tuple[str, ...], ...] = (
    ("paplay",),  # PulseAudio / PipeWire
    ("pw-play",),  # PipeWire
    ("aplay", "-q"),  # ALSA
    ("afplay",),  # macOS
)
PLAY_TIMEOUT = 10.0  # s: a player that hangs longer is given up on


class ChimeUnavailable(Exception):
    """No sound: no player on this machine, or the player could not open a sound device."""

    def __init__(self, th: str, en: str) -> None:
        super().__init__(en)
        self.th = th
        self.en = en


def chime_samples() -> bytes:
    """The chime as 16-bit little-endian mono PCM: each tone struck and fading out."""
    frames = bytearray()
    for frequency, seconds in TONES:
        count = int(RATE * seconds)
        for n in range(count):
            t = n / RATE
            attack = min(1.0, t / 0.01)  # 10 ms: no click at the start
            envelope = attack * math.exp(-4.0 * t / seconds)
            # a bell: the tone with a little of its octave
            value = math.sin(2 * math.pi * frequency * t) + 0.3 * math.sin(4 * math.pi * frequency * t)
            frames += struct.pack("<h", int(32767 * VOLUME * envelope * value / 1.3))
    return bytes(frames)


def write_chime(path: Path) -> Path:
    """Write the chime WAV to ``path`` (through a temporary file, so a half-written file is never
    played) and return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        with wave.open(tmp, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(chime_samples())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def default_chime_path() -> Path:
    """Where the chime is kept: the user's cache folder (``$XDG_CACHE_HOME``, ``~/.cache``; on Windows
    ``%LOCALAPPDATA%``), or the temporary folder when there is no home."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    elif os.environ.get("XDG_CACHE_HOME"):
        base = Path(os.environ["XDG_CACHE_HOME"])
    else:
        try:
            base = Path.home() / ".cache"
        except RuntimeError:
            base = Path(tempfile.gettempdir())
    return base / "prongsai" / f"chime-v{CHIME_VERSION}.wav"


def find_player(which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """The first sound player on PATH, as a command to which the file is appended; None if none."""
    for command in PLAYERS:
        found = which(command[0])
        if found:
            return [found, *command[1:]]
    return None


def play_with(command: Sequence[str], path: Path) -> None:
    """Play ``path`` with a system player; :class:`ChimeUnavailable` if it fails (no sound device …)."""
    try:
        done = subprocess.run(
            [*command, str(path)], capture_output=True, text=True, timeout=PLAY_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ChimeUnavailable(
            f"เล่นเสียงเรียกคิวไม่ได้ ({command[0]}: {exc})", f"cannot play the chime ({command[0]}: {exc})"
        ) from exc
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise ChimeUnavailable(
            f"เล่นเสียงเรียกคิวไม่ได้ ไม่พบอุปกรณ์เสียงหรือลำโพง ({detail})",
            f"cannot play the chime: no sound device or speaker? ({detail})",
        )


def play_windows(path: Path) -> None:  # pragma: no cover - Windows only
    if sys.platform == "win32":
        import winsound

        try:
            winsound.PlaySound(str(path), winsound.SND_FILENAME)
        except RuntimeError as exc:
            raise ChimeUnavailable(
                f"เล่นเสียงเรียกคิวไม่ได้ ไม่พบอุปกรณ์เสียงหรือลำโพง ({exc})",
                f"cannot play the chime: no sound device or speaker? ({exc})",
            ) from exc


def system_player() -> Callable[[Path], None]:
    """How this machine plays a WAV: ``winsound`` on Windows, else the first player on PATH."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return play_windows
    command = find_player()

    def play(path: Path) -> None:
        if command is None:
            names = ", ".join(c[0] for c in PLAYERS)
            raise ChimeUnavailable(
                f"ไม่มีโปรแกรมเล่นเสียงในเครื่องนี้ (ติดตั้ง {names} อย่างใดอย่างหนึ่ง เช่น alsa-utils)",
                f"no sound player on this machine (install one of {names}, e.g. alsa-utils)",
            )
        play_with(command, path)

    return play


class Chime:
    """Plays the chime (blocking: call :meth:`play` from a worker). The WAV is written at the first
    play if it is not there yet."""

    def __init__(self, path: Path | None = None, player: Callable[[Path], None] | None = None) -> None:
        self.path = path or default_chime_path()
        self._player = player

    def play(self) -> None:
        if not self.path.exists():
            try:
                write_chime(self.path)
            except OSError as exc:
                raise ChimeUnavailable(
                    f"เขียนไฟล์เสียงเรียกคิว {self.path} ไม่ได้: {exc.strerror}",
                    f"cannot write the chime file {self.path}: {exc.strerror}",
                ) from exc
        if self._player is None:
            self._player = system_player()
        self._player(self.path)
