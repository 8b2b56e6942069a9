"""What the office and its terminals agree on before any request: kept apart from the wire format
(:mod:`kiosk.office.wire` builds its pydantic adapters when imported) so that ``prongsai --help`` and a
terminal's start-up load neither."""

from __future__ import annotations

DEFAULT_PORT = 8568  # where the office listens unless told otherwise
