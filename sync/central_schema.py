"""The central store's tables and every SQL statement it runs, in one place.

Written in portable SQL so that the same schema runs on PostgreSQL once a province or the whole country
shares one store: TEXT and INTEGER columns, times as ISO 8601 text (Asia/Bangkok), JSON as text, named
constraints, ``INSERT … ON CONFLICT`` (SQLite ≥ 3.24 and PostgreSQL) instead of ``INSERT OR …``, no
``WITHOUT ROWID``, no ``AUTOINCREMENT``. Placeholders are ``?`` (sqlite3's paramstyle); a PostgreSQL
driver with the ``format`` paramstyle needs them as ``%s`` (and a literal ``%`` doubled).
"""

from __future__ import annotations

SCHEMA_VERSION = "2"  # 2: devices.demo and devices.demo_reason (see MIGRATIONS)

TABLES = (
    """
    CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS devices (
        id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        place TEXT NOT NULL,
        enrolled_at TEXT NOT NULL,
        revoked_at TEXT,
        revoked_reason TEXT,
        demo INTEGER NOT NULL DEFAULT 0,
        demo_reason TEXT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY,
        device TEXT NOT NULL REFERENCES devices (id),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        hash TEXT NOT NULL,
        prev TEXT NOT NULL,
        line TEXT NOT NULL,
        bundle TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        CONSTRAINT events_device_seq UNIQUE (device, seq)
    )
    """,
    # Conflicts and rejections, never merged into events. One row per distinct line of a device:
    # the same line arriving again in another bundle is not quarantined twice.
    """
    CREATE TABLE IF NOT EXISTS quarantine (
        device TEXT NOT NULL,
        line_sha256 TEXT NOT NULL,
        seq INTEGER,
        id TEXT,
        hash TEXT,
        line TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL,
        bundle TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (device, line_sha256)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS bundles (
        file_sha256 TEXT PRIMARY KEY,
        device TEXT NOT NULL,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        count INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        file_name TEXT NOT NULL,
        counts TEXT NOT NULL
    )
    """,
    # last_seq: the highest seq up to which the device's chain is whole and verified from seq 1;
    # head: the hash of that event (the genesis value while last_seq is 0).
    """
    CREATE TABLE IF NOT EXISTS checkpoints (
        device TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL,
        head TEXT NOT NULL
    )
    """,
)

SET_META = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
GET_META = "SELECT value FROM meta WHERE key = ?"
UPDATE_META = "UPDATE meta SET value = ? WHERE key = ?"

# From a schema version to the next: the statements, run in one transaction with the version's update.
MIGRATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "1": (
        "2",
        (
            # demo: a device made for simulated data; its events never count in a report unless asked.
            "ALTER TABLE devices ADD COLUMN demo INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE devices ADD COLUMN demo_reason TEXT",
        ),
    ),
}

# -- devices ---------------------------------------------------------------------------------------

DEVICE_COLUMNS = (
    "id, public_key, name, role, place, enrolled_at, revoked_at, revoked_reason, demo, demo_reason"
)
SELECT_DEVICE = f"SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?"
SELECT_DEVICES = f"SELECT {DEVICE_COLUMNS} FROM devices ORDER BY id"
SELECT_REAL_DEVICES = f"SELECT {DEVICE_COLUMNS} FROM devices WHERE demo = 0 ORDER BY id"
INSERT_DEVICE = (
    "INSERT INTO devices (id, public_key, name, role, place, enrolled_at, demo, demo_reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
REVOKE_DEVICE = "UPDATE devices SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL"
# Demo is for good: a device once demo stays demo (a later enrolment or bundle can't clear it).
MARK_DEMO = "UPDATE devices SET demo = 1, demo_reason = ? WHERE id = ? AND demo = 0"
# Does a device's seq range hold simulated data? A simulation run's event, or a ticket "printed" by the
# simulator (lines are canonical JSON: sorted keys, no spaces). LIKE is portable; '_' is not in the text.
SELECT_SIMULATED = (
    "SELECT seq FROM events WHERE device = ? AND seq BETWEEN ? AND ? AND "
    "(kind = ? OR (kind IN ('ticket.issued', 'ticket.print_failed') AND line LIKE ?)) "
    "ORDER BY seq LIMIT 1"
)

# -- import ----------------------------------------------------------------------------------------

SELECT_BUNDLE = "SELECT imported_at, counts FROM bundles WHERE file_sha256 = ?"
INSERT_BUNDLE = (
    "INSERT INTO bundles (file_sha256, device, first_seq, last_seq, count, imported_at, file_name, counts) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_EVENT = (
    "INSERT INTO events (id, device, seq, kind, at, hash, prev, line, bundle, imported_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_QUARANTINE = (
    "INSERT INTO quarantine (device, line_sha256, seq, id, hash, line, status, reason, bundle, at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device, line_sha256) DO NOTHING"
)
# The stored events of a device in a seq range: collisions, and the neighbours a new event must chain to.
SELECT_RANGE = "SELECT seq, id, hash, prev FROM events WHERE device = ? AND seq BETWEEN ? AND ?"
# Each batch of lines is written under a savepoint, undone if an id turns out to be stored elsewhere.
SAVEPOINT = "SAVEPOINT batch"
ROLLBACK_TO_SAVEPOINT = "ROLLBACK TO SAVEPOINT batch"
RELEASE_SAVEPOINT = "RELEASE SAVEPOINT batch"
ID_BATCH = 500  # ids per ``IN (…)`` lookup, well under every engine's parameter limit


def select_ids(count: int) -> str:
    """Stored events having one of ``count`` ids."""
    return f"SELECT id, hash, device, seq FROM events WHERE id IN ({', '.join('?' * count)})"


# -- checkpoints and gaps ----------------------------------------------------------------------------

SELECT_CHECKPOINT = "SELECT last_seq, head FROM checkpoints WHERE device = ?"
UPSERT_CHECKPOINT = (
    "INSERT INTO checkpoints (device, last_seq, head) VALUES (?, ?, ?) "
    "ON CONFLICT (device) DO UPDATE SET last_seq = excluded.last_seq, head = excluded.head"
)
# Stored events after the checkpoint, to move it on across a gap just filled.
SELECT_AFTER = "SELECT seq, hash, prev FROM events WHERE device = ? AND seq > ? ORDER BY seq"
# Missing ranges after the checkpoint (window functions: SQLite ≥ 3.25, PostgreSQL).
SELECT_GAPS = """
    SELECT before + 1, seq - 1 FROM (
        SELECT seq, LAG(seq, 1, ?) OVER (ORDER BY seq) AS before
        FROM events WHERE device = ? AND seq > ?
    ) AS runs
    WHERE seq > before + 1
    ORDER BY seq
"""

# -- verification ------------------------------------------------------------------------------------

SELECT_EVENT_DEVICES = "SELECT DISTINCT device FROM events ORDER BY device"

# -- what a report counts ----------------------------------------------------------------------------

# Events of every device, or of real (non-demo) devices only: a device with no row in devices counts
# as nothing (its bundles are refused anyway).
SELECT_REPORT_EVENTS = (
    "SELECT e.device, e.seq, e.kind, e.at, e.line FROM events AS e JOIN devices AS d ON d.id = e.device "
    "WHERE d.demo = 0 ORDER BY e.device, e.seq"
)
SELECT_REPORT_EVENTS_WITH_DEMO = (
    "SELECT e.device, e.seq, e.kind, e.at, e.line FROM events AS e JOIN devices AS d ON d.id = e.device "
    "ORDER BY e.device, e.seq"
)
SELECT_CHAIN = "SELECT seq, id, hash, prev, line, bundle FROM events WHERE device = ? ORDER BY seq"
# What stands in quarantine for a device (conflicts and rejections, never merged), in seq order.
SELECT_QUARANTINE = (
    "SELECT seq, id, hash, status, reason, bundle, at FROM quarantine WHERE device = ? "
    "ORDER BY seq IS NULL, seq, line_sha256"
)
SELECT_QUARANTINE_DEVICES = "SELECT DISTINCT device FROM quarantine ORDER BY device"


def select_report_rows(kinds: int) -> str:
    """The events of ``kinds`` (that many placeholders) in a period, by device and seq; the parameters:
    include demo devices (0 or 1), the first day (inclusive) and the day after the last, then the kinds.
    ``at`` is stored as Bangkok time, so comparing its text with a date compares Bangkok days."""
    marks = ", ".join("?" * kinds)
    return (
        "SELECT e.device, e.seq, e.kind, e.at, e.hash, e.line FROM events AS e "
        "JOIN devices AS d ON d.id = e.device "
        f"WHERE (d.demo = 0 OR ? = 1) AND e.at >= ? AND e.at < ? AND e.kind IN ({marks}) "
        "ORDER BY e.device, e.seq"
    )
