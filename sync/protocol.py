"""What the sync server and its clients agree on (kept apart so that a client never loads the server)."""

from __future__ import annotations

DEFAULT_PORT = 8569
MAX_BUNDLE = 512 * 1024 * 1024  # bytes: the largest bundle a device sends or the server takes
