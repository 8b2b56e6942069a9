"""Acknowledgements: the central store tells a device, through the USB folder, how far it holds its chain.

After an import, ``prongsai sync import`` writes ``<device>.ack.json`` beside the bundle file::

    {"format": "prongsai-ack/1", "device": "dev-…", "last_seq": 120, "head": "<hash of seq 120>",
     "at": "<when the central store wrote it>"}

``last_seq`` is the store's checkpoint: the chain is whole and verified from seq 1 up to it. When the
kiosk next exports to the same folder it reads the ack and starts after it. The device believes an ack
only if ``head`` is the hash of its own event at ``last_seq`` (any other ack is ignored with a warning),
and then keeps it in ``home/sync/acked.json`` for exports to other folders.

An ack is not signed: a forged one can at worst make the device skip events in a later export. Nothing
is lost by that (the events stay in its log, and ``--from-seq`` sends them again), and the store's
checkpoint, which will not move past the gap, keeps asking for them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from surveys.log.atomic import write_atomic
from surveys.log.device_log import LogError, read_events
from surveys.log.event import GENESIS, now_iso
from surveys.log.typed import FileFormatError, JsonFile, read_json_file

FORMAT = "prongsai-ack/1"
SUFFIX = ".ack.json"
ACKED = Path("sync") / "acked.json"  # under the device's home folder


class AckError(Exception):
    """An ack file that can't be read; the message names it."""


@dataclass(frozen=True)
class Ack:
    device: str
    last_seq: int
    head: str
    at: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"format": FORMAT, **asdict(self)}


def ack_path(folder: Path, device: str) -> Path:
    return Path(folder) / f"{device}{SUFFIX}"


def write_ack(folder: Path, device: str, last_seq: int, head: str) -> Path:
    """Write (atomically) the ack of ``device`` into ``folder``; returns its path."""
    ack = Ack(device, last_seq, head, now_iso("seconds"))
    path = ack_path(folder, device)
    write_atomic(path, (json.dumps(ack.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path


class _AckFile(JsonFile):
    format: Literal["prongsai-ack/1"]
    device: str
    last_seq: Annotated[int, Field(ge=0)]
    head: str
    at: str = ""


def read_ack(path: Path) -> Ack | None:
    """The ack in ``path``; None if there is no such file, :class:`AckError` (naming the file, the field
    and the reason) if it is damaged."""
    try:
        found = read_json_file(path, _AckFile, "ไฟล์ตอบรับจากคลังข้อมูลกลาง", "an acknowledgement file")
    except FileFormatError as exc:
        raise AckError(str(exc)) from None
    return None if found is None else Ack(found.device, found.last_seq, found.head, found.at)


def acked(home: Path) -> Ack | None:
    """The last acknowledgement this device believed (None: none yet, or the file is damaged)."""
    try:
        return read_ack(Path(home) / ACKED)
    except AckError:
        return None


def accept_ack(home: Path, device: str, log_folder: Path, ack: Ack) -> bool:
    """Keep ``ack`` as this device's acknowledgement if it is for ``device`` and its head is our own
    event's hash at that seq (False, nothing kept, otherwise). A newer ack replaces an older one, even a
    lower one: a store restored from a backup asks for the events it lost again."""
    if ack.device != device or not _head_matches(log_folder, ack):
        return False
    known = acked(home)
    if known is not None and known.at > ack.at:
        return True  # an older word from the store than the one we hold: believed, not kept
    target = Path(home) / ACKED
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, (json.dumps(ack.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return True


def _head_matches(log_folder: Path, ack: Ack) -> bool:
    if ack.last_seq == 0:
        return ack.head == GENESIS
    try:
        event = next(read_events(log_folder, ack.last_seq), None)
    except (LogError, OSError, ValueError):
        return False
    return event is not None and event.seq == ack.last_seq and event.hash == ack.head
