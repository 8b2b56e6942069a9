"""Enrolment files and QR codes: a round trip, and every kind of bad file refused with its reason."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from surveys.log.device import Device, load_or_create_device
from sync.enrolment import (
    FORMAT,
    MAX_TEXT,
    Enrolment,
    EnrolmentError,
    enrolment_qr,
    enrolment_qr_code,
    key_fingerprint,
    make_enrolment,
    parse_enrolment,
    read_enrolment,
    read_signed_enrolment,
    sign_enrolment,
    write_enrolment,
)

NAME = "ตู้บัตรคิว ชั้น 1"
PLACE = "งานทะเบียนราษฎร สำนักปลัด"


@pytest.fixture
def device(tmp_path: Path) -> Device:
    return load_or_create_device(tmp_path / "kiosk")


@pytest.fixture
def other(tmp_path: Path) -> Device:
    return load_or_create_device(tmp_path / "other")


@pytest.fixture
def written(tmp_path: Path, device: Device) -> Path:
    path = tmp_path / "kiosk.enrol.json"
    write_enrolment(make_enrolment(device, NAME, "kiosk", PLACE), device, path)
    return path


def test_an_enrolment_file_round_trips(written: Path, device: Device) -> None:
    enrolment = read_enrolment(written)
    assert enrolment == Enrolment(device.id, device.public_key_b64, NAME, "kiosk", PLACE)
    record = json.loads(written.read_text(encoding="utf-8"))
    assert record["format"] == FORMAT and NAME in written.read_text(encoding="utf-8")  # readable Thai
    assert set(record) == {
        "format",
        "device",
        "public_key",
        "name",
        "role",
        "place",
        "created_at",
        "signature",
    }
    assert record["created_at"].endswith("+07:00")
    assert [p.name for p in written.parent.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_the_fingerprint_is_the_keys_sha256(device: Device) -> None:
    fingerprint = key_fingerprint(device.public_key_b64)
    assert fingerprint.startswith("SHA256:") and len(fingerprint) == 7 + 43
    assert fingerprint != key_fingerprint(base64.b64encode(bytes(32)).decode())


def test_the_qr_code_decodes_back_to_the_same_enrolment(device: Device) -> None:
    signed = sign_enrolment(make_enrolment(device, NAME, "laptop", PLACE), device)
    png = io.BytesIO()
    enrolment_qr_code(signed).make_image().save(png)
    png.seek(0)
    (barcode,) = zxingcpp.read_barcodes(Image.open(png))
    assert barcode.text == signed.payload()
    assert parse_enrolment(barcode.text) == signed  # the scanned text is a whole, signed enrolment


def test_the_terminal_qr_code_is_the_same_code(device: Device) -> None:
    """Read the half blocks back into modules: what the terminal shows is what a camera scans."""
    signed = sign_enrolment(make_enrolment(device, NAME, "kiosk", PLACE), device)
    text = enrolment_qr(signed)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80  # fits an 80-column terminal with a typical name
    # full block: both halves light; space: both dark; upper / lower half block: that half light
    halves = {"█": (1, 1), " ": (0, 0), "▀": (1, 0), "▄": (0, 1)}
    rows: list[list[int]] = []
    for line in lines:
        rows.append([halves[ch][0] for ch in line])
        rows.append([halves[ch][1] for ch in line])
    image = Image.new("L", (len(rows[0]) * 4, len(rows) * 4))
    image.putdata([255 * rows[y // 4][x // 4] for y in range(image.height) for x in range(image.width)])
    (barcode,) = zxingcpp.read_barcodes(image)
    assert parse_enrolment(barcode.text).enrolment == signed.enrolment


def test_a_bare_enrolment_qr_code_names_the_device_but_proves_nothing(device: Device) -> None:
    png = io.BytesIO()
    enrolment_qr_code(make_enrolment(device)).make_image().save(png)
    png.seek(0)
    (barcode,) = zxingcpp.read_barcodes(Image.open(png))
    assert json.loads(barcode.text)["device"] == device.id
    with pytest.raises(EnrolmentError) as refused:
        parse_enrolment(barcode.text)
    assert refused.value.code == "damaged" and "signature" in str(refused.value)


# -- bad files ----------------------------------------------------------------------------------------


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    change(record)
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def renamed(record: dict[str, Any]) -> None:
    record["name"] = "เครื่องของคนอื่น"


def reroled(record: dict[str, Any]) -> None:
    record["role"] = "office"


def other_id(record: dict[str, Any]) -> None:
    record["device"] = "dev-aaaaaaaaaaaaaaaa"


def bad_base64(record: dict[str, Any]) -> None:
    record["public_key"] = "not base64!"


def dropped(record: dict[str, Any]) -> None:
    del record["signature"]


def extra(record: dict[str, Any]) -> None:
    record["admin"] = "yes"


def numeric(record: dict[str, Any]) -> None:
    record["place"] = 7


def wrong_format(record: dict[str, Any]) -> None:
    record["format"] = "prongsai-bundle/1"


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        (renamed, "signature", "signature does not match"),
        (reroled, "signature", "signature does not match"),
        (other_id, "device_id", "not the one derived from the key"),
        (bad_base64, "damaged", "public key or the signature"),
        (dropped, "damaged", "missing signature"),
        (extra, "damaged", "unknown admin"),
        (numeric, "damaged", "not text: place"),
        (wrong_format, "format", FORMAT),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_an_altered_file_is_refused_naming_the_file_and_why(
    written: Path, change: Callable[[dict[str, Any]], None], code: str, words: str
) -> None:
    edit(written, change)
    with pytest.raises(EnrolmentError) as refused:
        read_enrolment(written)
    assert refused.value.code == code
    assert str(written) in refused.value.en and words in refused.value.en
    assert str(written) in refused.value.th and refused.value.th != refused.value.en


def test_a_file_signed_by_another_key_is_refused(written: Path, other: Device) -> None:
    """Someone swaps in their own key and id and re-signs with it: the signature is theirs, but the
    id then belongs to their key — and putting the victim's id back breaks the derivation."""
    record = json.loads(written.read_text(encoding="utf-8"))
    victim = record["device"]
    forged = make_enrolment(other, record["name"], record["role"], record["place"])
    write_enrolment(forged, other, written)
    assert read_enrolment(written).device == other.id != victim  # their own device, not the victim's
    edit(written, lambda r: r.update(device=victim))
    with pytest.raises(EnrolmentError) as refused:
        read_enrolment(written)
    assert refused.value.code == "device_id"
    edit(written, lambda r: r.update(public_key=record["public_key"]))  # victim's id and key, their signature
    with pytest.raises(EnrolmentError) as refused:
        read_enrolment(written)
    assert refused.value.code == "signature"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "damaged"),
        (b'{"format": "prongsai-enrolment/1", "device": ', "damaged"),  # cut short
        (b"\xff\xfe{}", "damaged"),
        (b"[1, 2]", "format"),
        (b'{"hello": "world"}', "format"),
        (b"x" * (64 * 1024 + 1), "damaged"),
    ],
    ids=["empty", "cut-short", "not-utf8", "a-list", "another-json", "huge"],
)
def test_a_damaged_file_is_refused(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(EnrolmentError) as refused:
        read_signed_enrolment(path)
    assert refused.value.code == code and str(path) in str(refused.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EnrolmentError) as refused:
        read_enrolment(tmp_path / "nowhere.json")
    assert refused.value.code == "missing" and "nowhere.json" in refused.value.th


@pytest.mark.parametrize(
    ("name", "role", "place", "code"),
    [
        ("", "printer", "", "role"),
        ("x" * (MAX_TEXT + 1), "kiosk", "", "name"),
        ("", "kiosk", "ชั้น 1\nชั้น 2", "place"),
    ],
)
def test_a_bad_role_name_or_place_is_refused_when_made(
    device: Device, name: str, role: str, place: str, code: str
) -> None:
    with pytest.raises(EnrolmentError) as refused:
        make_enrolment(device, name, role, place)
    assert refused.value.code == code


def test_an_enrolment_is_signed_only_by_its_own_device(device: Device, other: Device, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=device.id):
        write_enrolment(make_enrolment(device), other, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


# -- demo devices ------------------------------------------------------------------------------------


@pytest.fixture
def demo_written(tmp_path: Path) -> Path:
    demo = load_or_create_device(tmp_path / "demo", demo=True)
    path = tmp_path / "demo.enrol.json"
    write_enrolment(make_enrolment(demo, "simulated office"), demo, path)
    return path


def test_a_demo_devices_enrolment_says_demo_under_the_signature(demo_written: Path) -> None:
    assert json.loads(demo_written.read_text(encoding="utf-8"))["demo"] is True
    assert read_enrolment(demo_written).demo is True
    qr = read_signed_enrolment(demo_written).payload()
    assert parse_enrolment(qr).enrolment.demo is True  # the QR code carries it too


def test_a_real_devices_enrolment_is_not_demo(written: Path) -> None:
    assert read_enrolment(written).demo is False


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        (lambda r: r.pop("demo"), "signature", "signature does not match"),  # demo data passed off as real
        (lambda r: r.update(demo=False), "damaged", "demo must be true or absent"),
        (lambda r: r.update(demo="yes"), "damaged", "demo must be true or absent"),
    ],
    ids=["removed", "false", "text"],
)
def test_the_demo_flag_cannot_be_taken_out_of_a_file(
    demo_written: Path, change: Callable[[dict[str, Any]], None], code: str, words: str
) -> None:
    edit(demo_written, change)
    with pytest.raises(EnrolmentError) as refused:
        read_enrolment(demo_written)
    assert refused.value.code == code and words in refused.value.en


def test_a_demo_flag_added_to_a_real_file_breaks_its_signature(written: Path) -> None:
    edit(written, lambda r: r.update(demo=True))
    with pytest.raises(EnrolmentError) as refused:
        read_enrolment(written)
    assert refused.value.code == "signature"


def test_every_wrong_member_is_named_at_once(written: Path) -> None:
    def damage(record: dict[str, Any]) -> None:
        del record["role"]
        record["place"], record["admin"], record["demo"] = None, True, None
        record["name"] = "A\ud800"  # a lone surrogate: written escaped below

    record = json.loads(written.read_text(encoding="utf-8"))
    damage(record)
    written.write_text(json.dumps(record), encoding="ascii")
    with pytest.raises(EnrolmentError) as refused:
        read_enrolment(written)
    en = refused.value.en
    assert refused.value.code == "damaged" and en.startswith(f"{written}: the enrolment file is damaged (")
    for words in ("missing role", "unknown admin", "not text: place", "demo must be true or absent"):
        assert words in en, en
    assert "name: expected valid Unicode" in en, en
    assert "ขาด role" in refused.value.th and "ไม่ใช่ข้อความ: place" in refused.value.th
