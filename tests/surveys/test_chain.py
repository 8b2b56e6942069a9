"""Verification finds every kind of tampering: properties on generated chains."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from surveys.log.chain import HeadClaim, check_chain
from surveys.log.device_log import StoredRecord
from surveys.log.event import GENESIS, Event, hash_fields, make_event


def chain(n: int) -> list[Event]:
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        event = make_event("dev-test", seq, "test.ping", {"n": seq}, prev)
        events.append(event)
        prev = event.hash
    return events


def records(events: list[Event]) -> list[StoredRecord]:
    return [StoredRecord(f"#{i}", e.to_dict(), None, e.seq) for i, e in enumerate(events, start=1)]


def rehash(event: Event) -> Event:
    return replace(event, hash=hash_fields(event.to_dict()))


@given(st.integers(min_value=0, max_value=40))
def test_an_untouched_chain_verifies(n: int) -> None:
    report = check_chain(records(chain(n)), "dev-test")
    assert report.ok
    assert report.events == n
    assert report.last_seq == (n or None)


@given(st.integers(min_value=2, max_value=30), st.data())
def test_every_single_tampering_is_found(n: int, data: st.DataObject) -> None:
    events = chain(n)
    i = data.draw(st.integers(min_value=0, max_value=n - 1), label="index")
    how = data.draw(st.sampled_from(["edit", "edit+rehash", "delete", "insert", "swap", "foreign"]))
    if how == "edit":
        events[i] = replace(events[i], body={"n": -1})
        expected = {"edited"}
    elif how == "edit+rehash":
        events[i] = rehash(replace(events[i], body={"n": -1}))
        expected = {"broken"} if i < n - 1 else set()  # the very last event: caught only by sync
    elif how == "delete":
        del events[i]
        expected = {"missing"} if i < n - 1 else set()  # a cut tail: caught only against the central store
    elif how == "insert":
        fake = rehash(replace(events[i], body={"n": 999}, prev="f" * 64))
        events.insert(i + 1, fake)
        expected = {"inserted"}
    elif how == "swap":
        j = data.draw(st.integers(min_value=0, max_value=n - 1).filter(lambda j: j != i), label="other")
        events[i], events[j] = events[j], events[i]
        expected = {"reordered"}
    else:
        events[i] = rehash(replace(events[i], device="dev-other"))
        expected = {"foreign"}
    report = check_chain(records(events), "dev-test")
    kinds = {p.kind for p in report.problems}
    if expected:
        assert expected <= kinds, (how, i, report.problems)
    else:
        assert report.ok or kinds <= {"missing", "broken"}


def test_the_first_problem_is_the_first_bad_event_in_storage_order() -> None:
    events = chain(10)
    events[3] = replace(events[3], body={"n": 0})
    del events[7]
    report = check_chain(records(events), "dev-test")
    assert [p.kind for p in report.problems] == ["edited", "missing"]
    assert report.first_problem is not None and report.first_problem.seq == 4


def test_unreadable_and_malformed_records_are_named() -> None:
    events = chain(3)
    stored = [
        *records(events[:1]),
        StoredRecord("days/2025-01-02.json", None, "the file can't be read: Expecting value"),
        StoredRecord("journal.jsonl line 1", {"seq": 2, "kind": "x"}, None),
        *records(events[2:]),
    ]
    report = check_chain(stored, "dev-test")
    assert [p.kind for p in report.problems][:2] == ["unreadable", "malformed"]
    assert "days/2025-01-02.json" in report.problems[0].where
    assert "missing field" in report.problems[1].detail


def test_a_chain_that_ends_below_a_claimed_head_is_cut() -> None:
    events = chain(12)
    claim = HeadClaim("ack", 12, events[-1].hash, "2026-11-20T10:00:00+07:00", "sync/acked.json")
    report = check_chain(records(events[:8]), "dev-test", claims=[claim])
    assert [(p.kind, p.seq) for p in report.problems] == [("cut", 9)]
    assert "the central store acknowledged seq 12 on 2026-11-20, this log ends at seq 8" in (
        report.problems[0].detail
    )
    assert report.claims == (claim,)
    assert check_chain(records(events), "dev-test", claims=[claim]).ok


def test_a_claimed_head_with_another_hash_is_a_rewritten_chain() -> None:
    other = [make_event("dev-test", 1, "test.ping", {"n": "other"}, GENESIS)]
    for seq in range(2, 13):
        other.append(make_event("dev-test", seq, "test.ping", {"n": seq}, other[-1].hash))
    claim = HeadClaim("mark", 12, chain(12)[-1].hash, "2026-11-20T10:00:00+07:00", "log.mark.json")
    report = check_chain(records(other), "dev-test", claims=[claim])
    assert [(p.kind, p.seq) for p in report.problems] == [("rewritten", 12)]
