"""The canonical encoding is RFC 8785, events round-trip, and bad values are refused by name."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from surveys.log.event import BANGKOK, GENESIS, MAX_INT, Event, EventError, canonical, check_value, make_event

keys = st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=12)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_INT, max_value=MAX_INT)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)
bodies = st.dictionaries(keys, values, max_size=6)


@given(bodies)
def test_canonical_encoding_is_rfc8785(body: dict[str, object]) -> None:
    assert canonical(body) == rfc8785.dumps(body)
    # and the same bytes as Python's own compact, key-sorted encoder (the kit's encoder before orjson)
    standard = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert canonical(body) == standard


@pytest.mark.parametrize(
    "value",
    ["\x00\x01\x08\t\n\x0b\x0c\r\x1f\x7f", "\u2028\u2029", '"\\/', "ประชาคม หมู่ที่ ๓", MAX_INT, -MAX_INT,
     [], {}, True, None],
)  # fmt: skip
def test_the_edges_of_the_domain_encode_as_rfc8785(value: object) -> None:
    body = {"v": value, "nested": {"z": [value], "a": value}}
    assert canonical(body) == rfc8785.dumps(body)


def test_other_mappings_and_tuples_encode_as_dicts_and_lists() -> None:
    from types import MappingProxyType

    body = {"m": MappingProxyType({"b": 1, "a": (2, 3)})}
    check_value(body)
    assert canonical(body) == b'{"m":{"a":[2,3],"b":1}}'


@given(
    bodies, st.integers(min_value=1, max_value=MAX_INT), st.text(min_size=1, max_size=10).filter(str.isascii)
)
def test_events_round_trip_through_their_encoding(body: dict[str, object], seq: int, kind: str) -> None:
    event = make_event("dev-test", seq, kind, body, GENESIS)
    again = Event.from_dict(json.loads(event.encode()))
    assert again == event
    assert again.hash_ok


def test_the_hash_covers_every_field() -> None:
    event = make_event("dev-test", 1, "ticket.issued", {"number": "A001"}, GENESIS)
    for name, other in [
        ("id", "x"),
        ("device", "dev-other"),
        ("seq", 2),
        ("kind", "ticket.called"),
        ("at", "2025-01-01T00:00:00.000000+07:00"),
        ("body", {"number": "A002"}),
        ("prev", "1" * 64),
    ]:
        changed = Event.from_dict({**event.to_dict(), name: other})
        assert not changed.hash_ok, name


def test_times_are_aware_and_in_bangkok() -> None:
    event = make_event("dev-test", 1, "k", {}, GENESIS, at=datetime(2024, 9, 30, 17, 30, tzinfo=UTC))
    assert event.at == "2024-10-01T00:30:00.000000+07:00"
    assert event.time.utcoffset() == datetime(2025, 1, 1, tzinfo=BANGKOK).utcoffset()
    with pytest.raises(EventError, match="aware"):
        make_event("dev-test", 1, "k", {}, GENESIS, at=datetime(2024, 10, 1))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"score": 4.5}, r"body\.score: floats are not stored"),
        ({"n": 2**60}, r"body\.n: integer .* outside"),
        ({"a": {1: "x"}}, r"body\.a: keys must be ASCII strings"),
        ({"ชื่อ": "x"}, "keys must be ASCII"),
        ({"when": datetime(2025, 1, 1)}, r"body\.when: datetime can't be stored"),
        ({"items": [1, float("nan")]}, r"body\.items\[1\]: floats"),
    ],
)
def test_values_outside_the_canonical_domain_are_refused_by_name(
    value: dict[str, object], message: str
) -> None:
    with pytest.raises(EventError, match=message):
        check_value(value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seq": 0}, "seq must be a positive integer"),
        ({"seq": True}, "seq must be a positive integer"),
        ({"at": "yesterday"}, "not an ISO 8601 time"),
        ({"at": "2025-01-01T10:00:00"}, "no time zone"),
        ({"body": []}, "body must be an object"),
        ({"extra": 1}, "unexpected field"),
    ],
)
def test_stored_records_are_checked(change: dict[str, object], message: str) -> None:
    record = make_event("dev-test", 1, "k", {}, GENESIS).to_dict()
    with pytest.raises(EventError, match=message):
        Event.from_dict({**record, **change})
    with pytest.raises(EventError, match="missing field"):
        Event.from_dict({k: v for k, v in record.items() if k != "prev"})
