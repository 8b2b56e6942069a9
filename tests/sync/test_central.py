"""The central store: statuses and reasons per record, refusals, forks, tampering, gaps, and the same
final store whatever the order and repetition of the bundles (Hypothesis)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.office.simulate import Period, simulate
from surveys.counter.settings import default_settings
from surveys.log.device import Device, load_device, load_or_create_device
from surveys.log.device_log import read_events
from surveys.log.event import GENESIS, canonical, hash_fields
from surveys.log.home import log_dir
from sync.bundle import BundleError, Manifest
from sync.central import DEMO_BY_ENROLMENT, CentralError, CentralStore
from sync.enrolment import Enrolment
from sync.importer import MAX_NOTES
from tests.support.devices import START, append, export

COUNT_KEYS = {"new", "duplicate", "conflict", "rejected"}


# -- helpers ---------------------------------------------------------------------------------------


def enrolment(device: Device) -> Enrolment:
    return Enrolment(device.id, device.public_key_b64, "test kiosk")


def dump(path: Path, provenance: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of events, quarantine and checkpoints (without bundle and times unless asked)."""
    columns = "id, device, seq, kind, at, hash, prev, line" + (", bundle, imported_at" if provenance else "")
    quarantine = "device, line_sha256, seq, id, hash, line, status, reason" + (
        ", bundle, at" if provenance else ""
    )
    conn = sqlite3.connect(path)
    try:
        return {
            "events": conn.execute(f"SELECT {columns} FROM events ORDER BY device, seq").fetchall(),
            "quarantine": conn.execute(f"SELECT {quarantine} FROM quarantine ORDER BY 1, 2").fetchall(),
            "checkpoints": conn.execute("SELECT * FROM checkpoints ORDER BY device").fetchall(),
            "bundles": conn.execute("SELECT * FROM bundles ORDER BY file_sha256").fetchall()
            if provenance
            else [],
        }
    finally:
        conn.close()


def craft(device: Device, lines: list[bytes], path: Path, first: int, last: int | None = None) -> Path:
    """A validly signed bundle holding exactly ``lines`` (the device's key signs whatever it is given)."""
    payload = b"".join(line + b"\n" for line in lines)
    last = first + len(lines) - 1 if last is None else last
    manifest = Manifest(
        device.id,
        device.public_key_b64,
        first,
        last,
        last - first + 1,
        GENESIS,
        "",
        hashlib.sha256(payload).hexdigest(),
        START.isoformat(),
    )
    return sign(manifest, device, payload, path)


def sign(manifest: Manifest, key: Device, payload: bytes, path: Path) -> Path:
    signature = json.dumps({"signature": base64.b64encode(key.sign(manifest.encode())).decode()}).encode()
    path.write_bytes(manifest.encode() + b"\n" + signature + b"\n" + payload)
    return path


def manifest_of(path: Path) -> Manifest:
    record = json.loads(path.read_bytes().split(b"\n")[0])
    del record["format"]
    return Manifest(**record)


def signed_again(bundle: Path, device: Device, path: Path) -> Path:
    """The same events in another file: the manifest signed again at another time."""
    later = dataclasses.replace(manifest_of(bundle), created_at="2030-01-01T00:00:00+07:00")
    return sign(later, device, b"".join(line + b"\n" for line in event_lines(bundle)), path)


def event_lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[2:-1]


@pytest.fixture
def store(tmp_path: Path, kiosk: tuple[Path, Device]) -> Iterator[CentralStore]:
    with CentralStore.open(tmp_path / "central") as central:
        central.enrol(enrolment(kiosk[1]))
        yield central


# -- enrolment ---------------------------------------------------------------------------------------


def test_enrolment_holds_the_key_to_the_device_id(tmp_path: Path, kiosk: tuple[Path, Device]) -> None:
    _, device = kiosk
    other = load_or_create_device(tmp_path / "other")
    with CentralStore.open(tmp_path / "central") as central:
        first = central.enrol(enrolment(device))
        assert central.enrol(enrolment(device)) == first  # the same key again: nothing changes
        with pytest.raises(CentralError, match="does not belong"):
            central.enrol(Enrolment(device.id, other.public_key_b64))
        with pytest.raises(CentralError, match="not base64"):
            central.enrol(Enrolment(device.id, "not a key!"))
        central.enrol(enrolment(other))
        assert [d.id for d in central.devices()] == sorted([device.id, other.id])
        revoked = central.revoke(other.id, "stolen")
        assert revoked.revoked and revoked.revoked_reason == "stolen"
        assert central.revoke(other.id, "again").revoked_reason == "stolen"
        with pytest.raises(CentralError, match="not enrolled"):
            central.revoke("dev-nobody", "?")


# -- demo devices ------------------------------------------------------------------------------------


def simulated_home(home: Path) -> Device:
    """A demo home with a week of a small simulated office."""
    report = simulate(
        home, default_settings(), Period.last_days(7, date(2025, 3, 10)), today=date(2025, 3, 10), per_day=5
    )
    assert report.tickets > 0
    return load_device(home)


def counted(store: CentralStore, include_demo: bool = False) -> set[str]:
    return {e.device for e in store.report_events(include_demo=include_demo)}


def test_a_demo_device_is_kept_apart_from_reports(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    home, real = kiosk
    demo = simulated_home(tmp_path / "demo")
    enrolled = store.enrol(dataclasses.replace(enrolment(demo), demo=True))
    assert enrolled.demo and enrolled.demo_reason == DEMO_BY_ENROLMENT
    assert store.import_bundle(export(home, tmp_path / "real.psb")).ok
    assert store.import_bundle(export(tmp_path / "demo", tmp_path / "demo.psb")).ok
    assert [d.id for d in store.devices(include_demo=False)] == [real.id]
    assert {d.id for d in store.devices()} == {real.id, demo.id}  # administration sees every device
    assert counted(store) == {real.id}
    assert counted(store, include_demo=True) == {real.id, demo.id}
    assert all(report.ok for report in store.verify())


def test_simulated_events_make_a_device_demo_whatever_its_enrolment_says(
    store: CentralStore, tmp_path: Path
) -> None:
    """Someone takes the demo flag out of device.json and enrols the device as a real one: the
    simulation's own events, under the chain and the bundle's signature, still give it away."""
    home = tmp_path / "demo"
    demo = simulated_home(home)
    record = json.loads((home / "device.json").read_text())
    del record["demo"]
    (home / "device.json").write_text(json.dumps(record))
    disguised = load_device(home)
    assert not disguised.demo
    assert not store.enrol(enrolment(disguised)).demo
    result = store.import_bundle(export(home, tmp_path / "demo.psb"))
    assert result.ok
    marked = store.device(demo.id)
    assert marked is not None and marked.demo
    assert marked.demo_reason is not None and "simulated events" in marked.demo_reason
    assert demo.id not in counted(store)
    assert store.enrol(enrolment(disguised)).demo  # enrolling again as real does not clear it


def test_a_simulated_ticket_alone_marks_the_device_demo(store: CentralStore, tmp_path: Path) -> None:
    """A bundle sent from after the run's demo.simulation event still holds the simulator's tickets."""
    home = tmp_path / "demo"
    demo = simulated_home(home)
    store.enrol(enrolment(demo))  # as if it were real
    result = store.import_bundle(export(home, tmp_path / "late.psb", from_seq=2))
    assert result.refused is None and result.counts["new"] > 0  # seq 1 missing: a gap, not a refusal
    marked = store.device(demo.id)
    assert marked is not None and marked.demo and "simulated events" in (marked.demo_reason or "")


def test_a_demo_enrolment_of_a_known_real_device_makes_it_demo(
    store: CentralStore, kiosk: tuple[Path, Device]
) -> None:
    _, device = kiosk
    assert not store.enrol(enrolment(device)).demo
    assert store.enrol(dataclasses.replace(enrolment(device), demo=True)).demo
    assert store.devices(include_demo=False) == []


def test_a_store_of_schema_1_gains_the_demo_column(tmp_path: Path, kiosk: tuple[Path, Device]) -> None:
    path = tmp_path / "old.sqlite"
    with CentralStore(path) as central:
        central.enrol(enrolment(kiosk[1]))
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE devices DROP COLUMN demo_reason")
    conn.execute("ALTER TABLE devices DROP COLUMN demo")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with CentralStore(path) as central:
        [device] = central.devices()
        assert device.id == kiosk[1].id and not device.demo
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("2",)
    conn.close()


# -- import ------------------------------------------------------------------------------------------


def test_a_first_import_stores_every_event_as_new(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    home, device = kiosk
    result = store.import_bundle(export(home, tmp_path / "b.psb"))
    assert result.ok and set(result.counts) == COUNT_KEYS
    assert result.counts == {"new": 30, "duplicate": 0, "conflict": 0, "rejected": 0}
    assert (result.device, result.first_seq, result.last_seq) == (device.id, 1, 30)
    assert result.reasons == () and result.gaps == ()
    assert store.checkpoint(device.id) == (30, result.head) == (result.checkpoint, result.head)
    [report] = store.verify()
    assert report.ok and report.events == 30 and report.device == device.id
    assert json.loads(json.dumps(result.to_dict()))["counts"] == result.counts


def test_importing_the_same_bundle_twice_changes_nothing(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    home, _ = kiosk
    bundle = export(home, tmp_path / "b.psb")
    store.import_bundle(bundle)
    before = dump(store.path)
    again = store.import_bundle(bundle)
    assert again.already_imported and again.ok
    assert again.counts == {"new": 0, "duplicate": 30, "conflict": 0, "rejected": 0}
    assert [n.seq for n in again.reasons] == list(range(1, 31))
    assert dump(store.path) == before
    # The same events in another file (signed again later): read line by line, every one a duplicate.
    other = store.import_bundle(signed_again(bundle, kiosk[1], tmp_path / "again.psb"))
    assert not other.already_imported
    assert other.counts == {"new": 0, "duplicate": 30, "conflict": 0, "rejected": 0}
    assert {n.code for n in other.reasons} == {"stored"}
    after = dump(store.path)
    assert {k: v for k, v in after.items() if k != "bundles"} == {
        k: v for k, v in before.items() if k != "bundles"
    }


def test_an_overlapping_bundle_reports_duplicates_for_the_overlap(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    home, device = kiosk
    store.import_bundle(export(home, tmp_path / "first.psb"))
    append(home, 10)
    result = store.import_bundle(export(home, tmp_path / "second.psb", from_seq=21))
    assert result.counts == {"new": 10, "duplicate": 10, "conflict": 0, "rejected": 0}
    assert [(n.seq, n.status) for n in result.reasons] == [(s, "duplicate") for s in range(21, 31)]
    assert result.checkpoint == 40 and store.checkpoint(device.id)[0] == 40
    assert all(r.ok for r in store.verify())


@pytest.mark.parametrize("case", ["unknown", "revoked", "resigned", "damaged"])
def test_a_refused_bundle_leaves_the_store_unchanged(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path, case: str
) -> None:
    home, device = kiosk
    store.import_bundle(export(home, tmp_path / "first.psb"))
    append(home, 5)
    bundle = export(home, tmp_path / "second.psb", from_seq=31)
    if case == "unknown":
        stranger = tmp_path / "stranger"
        append(stranger, 3)
        bundle = export(stranger, tmp_path / "stranger.psb")
    elif case == "revoked":
        store.revoke(device.id, "the kiosk was stolen")
    elif case == "resigned":
        other = load_or_create_device(tmp_path / "other")
        forged = dataclasses.replace(manifest_of(bundle), public_key=other.public_key_b64)
        sign(forged, other, b"".join(line + b"\n" for line in event_lines(bundle)), bundle)
    else:
        bundle.write_bytes(bundle.read_bytes()[:-50])
    before = dump(store.path)
    result = store.import_bundle(bundle)
    code = {"unknown": "unknown-device", "revoked": "revoked", "resigned": "key", "damaged": "payload"}[case]
    assert not result.ok and result.refused_code == code
    assert result.refused is not None and result.refused.startswith(f"{code}: ")
    assert result.counts == {"new": 0, "duplicate": 0, "conflict": 0, "rejected": 0}
    assert dump(store.path) == before


def test_a_fork_is_quarantined_never_merged(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    """Two logs claim one device: a home copied, then each copy went on on its own."""
    home, _ = kiosk
    twin = tmp_path / "twin"
    shutil.copytree(home, twin)
    append(home, 5, tag="original")
    append(twin, 7, tag="twin")
    store.import_bundle(export(home, tmp_path / "original.psb"))
    before = dump(store.path)
    result = store.import_bundle(export(twin, tmp_path / "twin.psb"))
    assert result.ok
    assert result.counts == {"new": 0, "duplicate": 30, "conflict": 7, "rejected": 0}
    conflicts = [n for n in result.reasons if n.status == "conflict"]
    assert [n.seq for n in conflicts] == list(range(31, 38))
    assert {n.code for n in conflicts} == {"fork"}
    assert "two logs claim this device" in conflicts[0].reason
    assert "continues the fork that begins at seq 31" in conflicts[-1].reason
    after = dump(store.path)
    assert after["events"] == before["events"] and after["checkpoints"] == before["checkpoints"]
    rows = after["quarantine"]
    assert len(rows) == 7 and {row[6] for row in rows} == {"conflict"}
    assert all('"tag":"twin"' in row[5] for row in rows)
    assert all(r.ok for r in store.verify())  # the stored chain is the original's, whole


def test_a_fork_beyond_a_gap_makes_the_filling_event_rejected(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    """The twin's later events arrive first (a gap before them); the original's event for the gap then
    does not chain to what is stored after it: reported, never stored."""
    home, device = kiosk
    store.import_bundle(export(home, tmp_path / "base.psb"))
    twin = tmp_path / "twin"
    shutil.copytree(home, twin)
    append(twin, 10, tag="twin")
    append(home, 5, tag="original")
    early = store.import_bundle(export(twin, tmp_path / "twin.psb", from_seq=33))
    assert early.counts["new"] == 8 and early.gaps == ((31, 32),)
    result = store.import_bundle(export(home, tmp_path / "original.psb", from_seq=31))
    statuses = {n.seq: (n.status, n.code) for n in result.reasons}
    assert statuses[32] == ("rejected", "unlinked")
    assert "stored seq 33 does not chain" in next(n.reason for n in result.reasons if n.seq == 32)
    assert statuses[33][0] == "conflict"
    assert store.checkpoint(device.id)[0] == 31


def tamper_day(home: Path, seq: int, rehash: bool) -> None:
    [day] = sorted((log_dir(home) / "days").glob("*.json"))
    data = json.loads(day.read_text(encoding="utf-8"))
    record = data["events"][str(seq)]
    record["body"]["n"] = 999
    if rehash:
        record["hash"] = hash_fields(record)
    day.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def signed_as_is(home: Path, device: Device, out: Path) -> Path:
    """What a tampering device could send: its log exactly as stored, signed with its own key
    (``write_bundle`` itself refuses to sign a log that does not verify)."""
    return craft(device, [event.encode() for event in read_events(log_dir(home))], out, 1)


def test_a_log_that_does_not_verify_is_not_signed(kiosk: tuple[Path, Device], tmp_path: Path) -> None:
    home, _ = kiosk
    out = tmp_path / "stick"
    out.mkdir()
    tamper_day(home, 5, rehash=False)
    with pytest.raises(BundleError) as edited:
        export(home, out / "a.psb")
    assert edited.value.code == "edited" and "seq 5" in str(edited.value)
    tamper_day(home, 5, rehash=True)
    with pytest.raises(BundleError) as broken:
        export(home, out / "b.psb")
    assert broken.value.code == "broken" and "seq 6" in str(broken.value)
    assert not list(out.iterdir()), "a refused export leaves no file behind"


def test_an_edited_event_is_rejected_and_the_checkpoint_stops_before_it(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    home, device = kiosk
    tamper_day(home, 5, rehash=False)
    result = store.import_bundle(signed_as_is(home, device, tmp_path / "b.psb"))  # the signature covers it
    assert result.counts == {"new": 29, "duplicate": 0, "conflict": 0, "rejected": 1}
    [note] = result.reasons
    assert (note.seq, note.status, note.code) == (5, "rejected", "edited")
    assert "no longer matches its hash" in note.reason
    assert result.checkpoint == 4 and result.gaps == ((5, 5),)
    assert result.gap_texts() == ["missing seq 5, waiting for that bundle"]
    [row] = dump(store.path)["quarantine"]
    assert (row[2], row[6]) == (5, "rejected") and '"n":999' in row[5]
    [report] = store.verify()
    assert not report.ok and report.problems[0].kind == "missing" and report.problems[0].seq == 5
    assert store.verify(full=True) == [report]


def test_a_signed_bundle_whose_own_lines_do_not_chain_is_refused_whole(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    """An event edited and re-hashed on the device must not be stored as new (nor its honest successor
    quarantined in its place): nothing of the bundle is kept."""
    home, device = kiosk
    tamper_day(home, 5, rehash=True)
    before = dump(store.path)
    result = store.import_bundle(signed_as_is(home, device, tmp_path / "b.psb"))
    assert result.refused_code == "broken-chain" and "seq 6 does not follow seq 5" in (result.refused or "")
    assert result.counts == {"new": 0, "duplicate": 0, "conflict": 0, "rejected": 0}
    assert dump(store.path) == before
    assert store.checkpoint(device.id)[0] == 0


def test_a_gap_is_reported_then_filled(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    home, device = kiosk
    first = export(home, tmp_path / "1.psb")
    append(home, 10)
    second = export(home, tmp_path / "2.psb", from_seq=31)
    append(home, 10)
    third = export(home, tmp_path / "3.psb", from_seq=41)
    store.import_bundle(first)
    waiting = store.import_bundle(third)
    assert waiting.counts["new"] == 10 and waiting.checkpoint == 30
    assert waiting.gap_texts() == ["missing seq 31–40, waiting for that bundle"]
    assert waiting.gap_texts("th") == ["ยังขาด seq 31–40 รอชุดข้อมูล (bundle) ที่มีช่วงนั้น"]
    [report] = store.verify()
    assert not report.ok and [(p.kind, p.seq) for p in report.problems] == [("missing", 31)]
    assert "seq 31–40 not found before this event" in report.problems[0].detail
    assert store.verify() == store.verify(full=True)  # the streaming check says what check_chain says
    filled = store.import_bundle(second)
    assert filled.counts["new"] == 10 and filled.gaps == ()
    assert filled.checkpoint == 50 and store.checkpoint(device.id) == (50, filled.head)
    assert store.verify()[0].ok


# -- bad lines in validly signed bundles ---------------------------------------------------------------


def foreign(lines: list[bytes], other: Device) -> list[bytes]:
    record = json.loads(lines[2])
    record["device"] = other.id
    record["hash"] = hash_fields(record)
    lines[2] = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return lines


def swapped(lines: list[bytes], other: Device) -> list[bytes]:
    lines[2], lines[3] = lines[3], lines[2]
    return lines


def not_json(lines: list[bytes], other: Device) -> list[bytes]:
    lines[2] = b"{not json"
    return lines


def missing_field(lines: list[bytes], other: Device) -> list[bytes]:
    record = json.loads(lines[2])
    del record["kind"]
    lines[2] = json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
    return lines


def spaced(lines: list[bytes], other: Device) -> list[bytes]:
    lines[2] = json.dumps(json.loads(lines[2]), sort_keys=True, ensure_ascii=False).encode()  # ", " and ": "
    return lines


@pytest.mark.parametrize(
    ("change", "seq", "code", "words"),
    [
        (foreign, 3, "foreign", "belongs to device"),
        (swapped, 3, "out-of-order", "found where seq 4 belongs"),
        (not_json, None, "malformed", "not a JSON line"),
        (missing_field, 3, "malformed", "missing field(s): kind"),
        (spaced, 3, "not-canonical", "not in the canonical encoding"),
    ],
)
def test_a_bad_line_in_a_signed_bundle_is_rejected_with_its_reason(
    store: CentralStore,
    kiosk: tuple[Path, Device],
    tmp_path: Path,
    change: Any,
    seq: int | None,
    code: str,
    words: str,
) -> None:
    home, device = kiosk
    lines = event_lines(export(home, tmp_path / "b.psb"))[:6]
    other = load_or_create_device(tmp_path / "other")
    result = store.import_bundle(craft(device, change(lines, other), tmp_path / "crafted.psb", 1))
    notes = [n for n in result.reasons if n.code == code]
    assert notes and notes[0].seq == seq and notes[0].status == "rejected", result.reasons
    assert words in notes[0].reason
    assert result.checkpoint == 2
    assert result.counts["rejected"] >= 1 and sum(result.counts.values()) == 6


def rewritten(line: bytes, **changes: Any) -> bytes:
    record = {**json.loads(line), **changes}
    record["hash"] = hash_fields(record)
    return canonical(record)


def test_an_id_stored_for_another_event_is_a_conflict(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    home, _ = kiosk
    taken = json.loads(event_lines(export(home, tmp_path / "kiosk.psb"))[9])["id"]
    store.import_bundle(tmp_path / "kiosk.psb")
    other_home = tmp_path / "other"
    other = append(other_home, 6)
    store.enrol(enrolment(other))
    lines = event_lines(export(other_home, tmp_path / "other.psb"))
    lines[2] = rewritten(lines[2], id=taken)  # another device's stored id: found when the INSERT fails
    lines[4] = rewritten(lines[4], id=json.loads(lines[1])["id"])  # an id twice in this bundle
    for i in range(3, len(lines)):  # keep the bundle's own chain whole, as a signing device would
        lines[i] = rewritten(lines[i], prev=json.loads(lines[i - 1])["hash"])
    result = store.import_bundle(craft(other, lines, tmp_path / "crafted.psb", 1))
    assert result.counts["new"] == 2 and result.counts["conflict"] == 4
    notes = {n.seq: n for n in result.reasons}
    assert (notes[3].code, notes[5].code) == ("same-id", "same-id")
    assert f"stored for device {kiosk[1].id} seq 10 with another hash" in notes[3].reason
    assert f"stored for device {other.id} seq 2 with another hash" in notes[5].reason
    assert result.checkpoint == 2
    assert len(dump(store.path)["quarantine"]) == 4  # the two collisions and the fork that follows them


def test_lines_outside_the_signed_range_are_rejected(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    home, device = kiosk
    lines = event_lines(export(home, tmp_path / "b.psb"))
    # A manifest for seq 1–4 but six lines: the extra two are outside the signed range.
    crafted = craft(device, lines[:6], tmp_path / "crafted.psb", 1, last=4)
    result = store.import_bundle(crafted)
    assert result.counts == {"new": 4, "duplicate": 0, "conflict": 0, "rejected": 2}
    assert {(n.seq, n.code) for n in result.reasons} == {(5, "out-of-range"), (6, "out-of-range")}


def test_the_reasons_are_capped(store: CentralStore, tmp_path: Path) -> None:
    home = tmp_path / "busy"
    device = append(home, MAX_NOTES + 50)
    store.enrol(enrolment(device))
    bundle = export(home, tmp_path / "busy.psb")
    store.import_bundle(bundle)
    again = store.import_bundle(signed_again(bundle, device, tmp_path / "busy-again.psb"))
    assert again.counts["duplicate"] == MAX_NOTES + 50 and not again.already_imported
    assert len(again.reasons) == MAX_NOTES and again.more_reasons == 50


def test_verify_finds_a_row_edited_in_the_store(
    store: CentralStore, kiosk: tuple[Path, Device], tmp_path: Path
) -> None:
    home, _ = kiosk
    store.import_bundle(export(home, tmp_path / "b.psb"))
    conn = sqlite3.connect(store.path)
    with conn:
        conn.execute("""UPDATE events SET line = replace(line, '"n":7,', '"n":8,') WHERE seq = 8""")
    conn.close()
    [report] = store.verify()
    assert not report.ok
    first = report.problems[0]
    assert (first.kind, first.seq) == ("edited", 8) and "events seq 8" in first.where
    assert not store.verify(full=True)[0].ok


# -- any order, any repetition: the same store (Hypothesis) ---------------------------------------------


@dataclass(frozen=True)
class Made:
    device: str
    first: int
    last: int
    path: Path


@dataclass(frozen=True)
class Pool:
    enrolments: tuple[Enrolment, ...]
    bundles: dict[str, list[Made]]  # per device, every bundle made
    sizes: dict[str, int]
    reference: dict[str, list[tuple[Any, ...]]]  # the store after importing each whole log once


STAGES = {"a": (3, 4, 5, 3), "b": (6, 2, 4), "c": (2, 2, 2, 2, 2)}  # events appended between exports


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Pool:
    root = tmp_path_factory.mktemp("pool")
    bundles: dict[str, list[Made]] = {}
    enrolments = []
    sizes = {}
    wholes = []
    for name, stages in STAGES.items():
        home = root / name
        total = 0
        made: list[Made] = []
        for stage in stages:
            device = append(home, stage, tag=name)
            total += stage
            for first in range(1, total + 1):  # every start: overlaps, repeats, gaps to fill
                out = export(home, root / f"{name}-{first}-{total}.psb", first)
                made.append(Made(device.id, first, total, out))
        bundles[device.id] = made
        sizes[device.id] = total
        enrolments.append(enrolment(device))
        wholes.append(next(m.path for m in made if (m.first, m.last) == (1, total)))
    with CentralStore(root / "reference.sqlite") as reference:
        for item in enrolments:
            reference.enrol(item)
        for path in wholes:
            assert reference.import_bundle(path).counts["new"] > 0
    return Pool(tuple(enrolments), bundles, sizes, dump(reference.path, provenance=False))


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_order_with_repetitions_gives_the_same_store(pool: Pool, data: st.DataObject) -> None:
    plan: list[Made] = []
    for device, made in pool.bundles.items():
        covered = 0
        while covered < pool.sizes[device]:  # bundles that together cover the whole log, overlapping
            options = [m for m in made if m.first <= covered + 1 < m.last + 1]
            chosen = data.draw(st.sampled_from(options))
            plan.append(chosen)
            covered = chosen.last
        plan += data.draw(st.lists(st.sampled_from(made), max_size=4))  # repeats and extras
    order = data.draw(st.permutations(plan))
    with tempfile.TemporaryDirectory() as folder, CentralStore(Path(folder) / "c.sqlite") as central:
        for item in pool.enrolments:
            central.enrol(item)
        news = 0
        for made_bundle in order:
            result = central.import_bundle(made_bundle.path)
            assert result.ok and result.counts["conflict"] == result.counts["rejected"] == 0
            news += result.counts["new"]
        assert news == sum(pool.sizes.values())
        assert dump(central.path, provenance=False) == pool.reference
        assert all(report.ok for report in central.verify())
