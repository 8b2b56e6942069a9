"""The event record: one immutable fact, hash-chained to the device's previous event.

Canonical encoding
    An event's hash is SHA-256 over the RFC 8785 (JSON Canonicalization Scheme) encoding of all
    its fields but ``hash``. Event values are restricted so that RFC 8785 and Python's compact,
    key-sorted ``json.dumps`` give the same bytes: object keys are ASCII strings, numbers are
    integers within ±(2**53 - 1) (no floats: a score is an int, money is a string), and the rest
    are strings, booleans, null, lists and objects. Within that domain ``orjson`` with sorted keys
    writes the same bytes as both, several times faster; the tests check all three against each
    other on generated values (control characters, U+2028, Thai and the integer limits included),
    so the fast encoder here is the standard one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

BANGKOK = ZoneInfo("Asia/Bangkok")
GENESIS = "0" * 64  # the ``prev`` of a device's first event
MAX_INT = 2**53 - 1
FIELDS = ("id", "device", "seq", "kind", "at", "body", "prev", "hash")
_FIELD_SET = frozenset(FIELDS)

JsonValue = Any  # str | int | bool | None | list[JsonValue] | dict[str, JsonValue]


_GOOD_KEYS: set[str] = set()  # object keys already found to be ASCII strings


class EventError(ValueError):
    """A value can't be stored in an event, or a stored record is not an event."""


def check_value(value: JsonValue, where: str = "body") -> None:
    """Raise :class:`EventError` naming the place if ``value`` is outside the canonical domain."""
    kind = type(value)
    if kind is str or value is None or kind is bool:  # the common cases first, without isinstance
        return
    if kind is dict:
        for key, item in value.items():
            if key not in _GOOD_KEYS:
                if not isinstance(key, str) or not key.isascii():
                    raise EventError(f"{where}: keys must be ASCII strings (got {key!r})")
                if type(key) is str and len(_GOOD_KEYS) < 10_000:
                    _GOOD_KEYS.add(key)  # bodies repeat their keys: each is checked once
            kind = type(item)
            if kind is str or item is None or kind is bool or (kind is int and -MAX_INT <= item <= MAX_INT):
                continue
            check_value(item, f"{where}.{key}")
        return
    if kind is list:
        for index, item in enumerate(value):
            kind = type(item)
            if kind is str or item is None or kind is bool or (kind is int and -MAX_INT <= item <= MAX_INT):
                continue
            check_value(item, f"{where}[{index}]")
        return
    if kind is int:
        if -MAX_INT <= value <= MAX_INT:
            return
        raise EventError(f"{where}: integer {value} is outside ±(2**53 - 1)")
    if isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if -MAX_INT <= value <= MAX_INT:
            return
        raise EventError(f"{where}: integer {value} is outside ±(2**53 - 1)")
    if isinstance(value, float):
        raise EventError(f"{where}: floats are not stored in events (got {value!r}); use an int or a string")
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_value(item, f"{where}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise EventError(f"{where}: keys must be ASCII strings (got {key!r})")
            check_value(item, f"{where}.{key}")
        return
    raise EventError(f"{where}: {type(value).__name__} can't be stored in an event")


def _plain(value: object) -> object:
    # orjson writes dicts, lists and tuples itself; any other Mapping becomes a dict first.
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} can't be stored in an event")


def canonical(record: Mapping[str, JsonValue]) -> bytes:
    """The RFC 8785 encoding of ``record`` (whose values :func:`check_value` accepts)."""
    try:
        return orjson.dumps(record if type(record) is dict else dict(record), default=_plain,
                            option=orjson.OPT_SORT_KEYS)  # fmt: skip
    except TypeError:  # outside orjson's range (e.g. an integer past 64 bits in a received manifest):
        # the standard encoder writes it, and what holds it is refused by whoever checks its domain
        return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def hash_fields(fields: Mapping[str, JsonValue]) -> str:
    """SHA-256 (hex) of the canonical encoding of every field except ``hash``."""
    content = {k: v for k, v in fields.items() if k != "hash"}
    return hashlib.sha256(canonical(content)).hexdigest()


@dataclass(frozen=True)
class Event:
    id: str
    device: str
    seq: int
    kind: str
    at: str  # ISO 8601 with the +07:00 offset
    body: Mapping[str, JsonValue] = field(default_factory=dict)
    prev: str = GENESIS
    hash: str = ""

    @property
    def time(self) -> datetime:
        return datetime.fromisoformat(self.at)

    def to_dict(self) -> dict[str, JsonValue]:
        return {
            "id": self.id,
            "device": self.device,
            "seq": self.seq,
            "kind": self.kind,
            "at": self.at,
            "body": self.body,
            "prev": self.prev,
            "hash": self.hash,
        }

    def encode(self) -> bytes:
        """One canonical JSON line (without the newline), ``hash`` included."""
        return canonical(self.to_dict())

    @property
    def hash_ok(self) -> bool:
        return hash_fields(self.to_dict()) == self.hash

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> Event:
        """Check the shape of a stored record; raise :class:`EventError` saying what is wrong."""
        if type(record) is dict and record.keys() == _FIELD_SET:  # a well-formed record, checked at speed
            seq, at, body = record["seq"], record["at"], record["body"]
            if (
                type(seq) is int
                and seq >= 1
                and type(at) is str
                and type(body) is dict
                and type(record["id"]) is str
                and type(record["device"]) is str
                and type(record["kind"]) is str
                and type(record["prev"]) is str
                and type(record["hash"]) is str
                and _aware(at)
            ):
                check_value(body)
                event = object.__new__(cls)  # the checks __init__ would repeat are done
                event.__dict__.update(record)
                return event
        return cls._checked(record)

    @classmethod
    def _checked(cls, record: Mapping[str, Any]) -> Event:
        if not isinstance(record, Mapping):
            raise EventError(f"not an object: {type(record).__name__}")
        missing = [f for f in FIELDS if f not in record]
        if missing:
            raise EventError("missing field(s): " + ", ".join(missing))
        extra = sorted(set(record) - set(FIELDS))
        if extra:
            raise EventError("unexpected field(s): " + ", ".join(extra))
        for name in ("id", "device", "kind", "at", "prev", "hash"):
            if not isinstance(record[name], str):
                raise EventError(f"{name} must be a string")
        seq = record["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise EventError(f"seq must be a positive integer (got {seq!r})")
        if not isinstance(record["body"], Mapping):
            raise EventError("body must be an object")
        try:
            at = datetime.fromisoformat(record["at"])
        except ValueError:
            raise EventError(f"at is not an ISO 8601 time: {record['at']!r}") from None
        if at.tzinfo is None:
            raise EventError(f"at has no time zone: {record['at']!r}")
        check_value(dict(record["body"]))
        return cls(
            id=record["id"],
            device=record["device"],
            seq=seq,
            kind=record["kind"],
            at=record["at"],
            body=record["body"],
            prev=record["prev"],
            hash=record["hash"],
        )


def _aware(at: str) -> bool:
    try:
        return datetime.fromisoformat(at).tzinfo is not None
    except ValueError:
        return False


def now_iso(timespec: str = "microseconds") -> str:
    """The current time in Bangkok, ISO 8601 with the offset (to the microsecond unless told)."""
    return datetime.now(BANGKOK).isoformat(timespec=timespec)


def make_event(
    device: str,
    seq: int,
    kind: str,
    body: Mapping[str, JsonValue],
    prev: str,
    at: datetime | None = None,
) -> Event:
    """A new event chained to ``prev``; ``at`` defaults to now and must be aware."""
    if not kind or not kind.isascii():
        raise EventError(f"kind must be a non-empty ASCII name (got {kind!r})")
    body = dict(body)
    check_value(body)
    if at is None:
        when = now_iso()
    else:
        if at.tzinfo is None:
            raise EventError("at must be an aware datetime")
        when = at.astimezone(BANGKOK).isoformat(timespec="microseconds")
    import uuid6  # here, not at start-up: uuid6 loads importlib.metadata

    fields: dict[str, JsonValue] = {
        "id": str(uuid6.uuid7()),
        "device": device,
        "seq": seq,
        "kind": kind,
        "at": when,
        "body": body,
        "prev": prev,
    }
    digest = hashlib.sha256(canonical(fields)).hexdigest()  # every field but hash, which is not there yet
    event = object.__new__(Event)  # the fields are checked above: no second pass through __init__
    event.__dict__.update(fields, hash=digest)
    return event
