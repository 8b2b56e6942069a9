"""Bundle files: a round trip, and every kind of damaged or altered file refused with its code."""

from __future__ import annotations

import base64
import dataclasses
import json
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from surveys.log.device import Device, load_or_create_device
from surveys.log.device_log import DeviceLog, Draft
from surveys.log.event import BANGKOK, GENESIS, Event
from surveys.log.home import log_dir
from sync.bundle import BundleError, Manifest, line_hash_ok, read_bundle, write_bundle
from sync.central import CentralStore
from sync.enrolment import Enrolment

START = datetime(2024, 10, 1, 8, 30, tzinfo=BANGKOK)


def fill(home: Path, count: int) -> Device:
    device = load_or_create_device(home)
    with DeviceLog(log_dir(home), device.id) as log:
        first = log.head[0]
        log.append_many(
            Draft("test.ping", {"n": first + i, "text": "ข้อความ"}, START + timedelta(minutes=first + i))
            for i in range(count)
        )
    return device


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Device, Path, Device]:
    root = tmp_path_factory.mktemp("bundles")
    device = fill(root / "kiosk", 12)
    path = root / "kiosk.psb"
    assert write_bundle(device, log_dir(root / "kiosk"), path) is not None
    other = load_or_create_device(root / "other")
    return device, path, other


@pytest.fixture
def bundle(made: tuple[Device, Path, Device], tmp_path: Path) -> Path:
    copy = tmp_path / "copy.psb"
    shutil.copyfile(made[1], copy)
    return copy


def split(path: Path) -> tuple[bytes, bytes, list[bytes]]:
    manifest, signature, *events = path.read_bytes().split(b"\n")[:-1]
    return manifest, signature, events


def join(manifest: bytes, signature: bytes, events: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in [manifest, signature, *events])


def test_a_bundle_reads_back_as_written(made: tuple[Device, Path, Device], tmp_path: Path) -> None:
    device, path, _ = made
    bundle = read_bundle(path)
    manifest = bundle.manifest
    assert (manifest.device, manifest.public_key) == (device.id, device.public_key_b64)
    assert (manifest.first_seq, manifest.last_seq, manifest.count, manifest.prev) == (1, 12, 12, GENESIS)
    events = [Event.from_dict(json.loads(line)) for line in bundle.lines()]
    assert [e.seq for e in events] == list(range(1, 13))
    assert all(e.hash_ok for e in events) and events[-1].hash == manifest.head
    assert all(line_hash_ok(e.encode(), e.hash) for e in events)
    assert events[0].body == {"n": 0, "text": "ข้อความ"}
    # From a later seq: the range, the prev of its first event, nothing left to send past the end.
    home = path.parent / "kiosk"
    later = write_bundle(device, log_dir(home), tmp_path / "later.psb", from_seq=5)
    assert later is not None and (later.first_seq, later.count, later.prev) == (5, 8, events[3].hash)
    assert write_bundle(device, log_dir(home), tmp_path / "none.psb", from_seq=13) is None
    assert not (tmp_path / "none.psb").exists()


def truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 100])


def flipped_byte(path: Path) -> None:
    manifest, signature, events = split(path)
    events[4] = events[4].replace(b'"n":4', b'"n":5')
    path.write_bytes(join(manifest, signature, events))


def swapped_lines(path: Path) -> None:
    manifest, signature, events = split(path)
    events[2], events[3] = events[3], events[2]
    path.write_bytes(join(manifest, signature, events))


def edited_manifest(path: Path) -> None:
    manifest, signature, events = split(path)
    record = json.loads(manifest)
    record["created_at"] = "2020-01-01T00:00:00+07:00"
    edited = json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
    path.write_bytes(join(edited, signature, events))


def resigned_with_own_key_claimed(path: Path, other: Device) -> None:
    """Re-signed by another device, the original key left in the manifest: the signature fails."""
    manifest, _, events = split(path)
    signature = base64.b64encode(other.sign(manifest)).decode()
    path.write_bytes(join(manifest, json.dumps({"signature": signature}).encode(), events))


def removed_signature(path: Path) -> None:
    manifest, _, events = split(path)
    path.write_bytes(b"".join(line + b"\n" for line in [manifest, *events]))


def not_a_bundle(path: Path) -> None:
    path.write_text("hello\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (truncated, "payload"),
        (flipped_byte, "payload"),
        (swapped_lines, "payload"),
        (edited_manifest, "signature"),
        (removed_signature, "signature"),
        (not_a_bundle, "format"),
    ],
)
def test_a_damaged_or_altered_bundle_is_refused_with_its_code(
    bundle: Path, damage: Callable[[Path], None], code: str
) -> None:
    damage(bundle)
    with pytest.raises(BundleError) as caught:
        read_bundle(bundle)
    assert caught.value.code == code
    assert str(bundle) in str(caught.value)


def test_a_signature_by_another_key_over_the_claimed_key_is_refused(
    bundle: Path, made: tuple[Device, Path, Device]
) -> None:
    resigned_with_own_key_claimed(bundle, made[2])
    with pytest.raises(BundleError) as caught:
        read_bundle(bundle)
    assert caught.value.code == "signature"


def test_a_manifest_resigned_with_another_devices_key_is_refused(
    bundle: Path, made: tuple[Device, Path, Device], tmp_path: Path
) -> None:
    """A valid signature, by another key named in the manifest: the key does not derive the device's id,
    so the file is refused on its own, and the store refuses it too."""
    device, _, other = made
    manifest_line, _, events = split(bundle)
    manifest = Manifest(**{k: v for k, v in json.loads(manifest_line).items() if k != "format"})
    forged = dataclasses.replace(manifest, public_key=other.public_key_b64)
    signature = base64.b64encode(other.sign(forged.encode())).decode()
    bundle.write_bytes(join(forged.encode(), json.dumps({"signature": signature}).encode(), events))
    with pytest.raises(BundleError) as caught:
        read_bundle(bundle)
    assert caught.value.code == "key"
    with CentralStore(tmp_path / "central.sqlite") as store:
        store.enrol(Enrolment(device.id, device.public_key_b64))
        result = store.import_bundle(bundle)
        assert result.refused_code == "key" and not result.ok


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BundleError) as caught:
        read_bundle(tmp_path / "nothing.psb")
    assert caught.value.code == "missing"


@pytest.mark.parametrize("value", ["1", None, True, 1.5])
def test_a_manifest_with_fields_of_the_wrong_type_is_refused_not_a_crash(bundle: Path, value: object) -> None:
    manifest_line, signature, events = split(bundle)
    record = json.loads(manifest_line)
    record["first_seq"] = value
    bundle.write_bytes(join(json.dumps(record).encode(), signature, events))
    with pytest.raises(BundleError) as caught:
        read_bundle(bundle)
    assert caught.value.code in ("format", "manifest")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda m: m.update(first_seq="1"), "manifest.first_seq: expected a valid integer"),
        (lambda m: m.pop("head"), "manifest.head: expected a value (it is missing)"),
        (lambda m: m.update(junk=1), "manifest.junk: expected no such field"),
        (lambda m: m.update(count=0), "manifest.count: expected a number no less than 1"),
    ],
    ids=["wrong-type", "missing", "extra-junk", "count-zero"],
)
def test_a_wrong_manifest_names_the_file_and_the_field(
    bundle: Path, change: Callable[[dict[str, Any]], object], words: str
) -> None:
    manifest, signature, events = split(bundle)
    record = json.loads(manifest)
    change(record)
    bundle.write_bytes(join(json.dumps(record).encode(), signature, events))
    with pytest.raises(BundleError) as refused:
        read_bundle(bundle)
    assert refused.value.code == "format" and str(bundle) in str(refused.value)
    assert words in str(refused.value), str(refused.value)


@pytest.mark.parametrize(
    "line",
    [b"[" * 100_000 + b"]" * 100_000, b'{"signature": 7}', b'{"signature": "AAAA", "junk": 1}', b"[]"],
    ids=["deep", "number", "extra-junk", "list"],
)
def test_a_wrong_signature_line_is_refused_as_such(bundle: Path, line: bytes) -> None:
    manifest, _, events = split(bundle)
    bundle.write_bytes(join(manifest, line, events))
    with pytest.raises(BundleError) as refused:
        read_bundle(bundle)
    assert refused.value.code == "signature" and "signature line" in str(refused.value)
