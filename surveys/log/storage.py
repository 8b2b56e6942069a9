"""A TinyDB storage that never leaves a torn file.

TinyDB's default ``JSONStorage`` rewrites its file in place: a crash or a full disk mid-write
leaves half a file. This one writes a temp file, fsyncs it, renames it over the old file and
fsyncs the folder, so a reader sees the old version or the new one, never a mix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from surveys.log.atomic import write_atomic


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | Path, create_dirs: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        if create_dirs:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw:
            return None
        data: dict[str, dict[str, Any]] = orjson.loads(raw)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.path, orjson.dumps(data))

    def close(self) -> None:
        pass
