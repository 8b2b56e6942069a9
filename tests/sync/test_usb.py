"""A bundle on a USB stick (``sync.usb``): never a folder made, never a file overwritten, nothing left
behind when the write fails."""

from __future__ import annotations

import errno
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import sync.usb
from surveys.log.device import Device, load_or_create_device
from surveys.log.device_log import DeviceLog, Draft
from surveys.log.event import BANGKOK
from surveys.log.home import log_dir
from sync.bundle import read_bundle
from sync.usb import ExportError, Place, export_bundle, export_place

START = datetime(2024, 10, 1, 8, 0, tzinfo=BANGKOK)


@pytest.fixture
def device(tmp_path: Path) -> Device:
    home = tmp_path / "kiosk"
    device = load_or_create_device(home)
    with DeviceLog(log_dir(home), device.id) as log:
        log.append_many(Draft("test.ping", {"n": i}, START + timedelta(minutes=i)) for i in range(5))
    return device


@pytest.fixture
def log(tmp_path: Path, device: Device) -> Path:
    return log_dir(tmp_path / "kiosk")


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("name", ["media/usb", "media/usb/bundle.psb"])
def test_a_missing_folder_is_never_made(tmp_path: Path, name: str) -> None:
    with pytest.raises(ExportError) as refused:
        export_place(tmp_path / name)
    assert refused.value.code == "no-folder"
    assert f"there is no folder {tmp_path / 'media' / 'usb'}" in refused.value.text("en")
    assert "nothing was written" in refused.value.text("en")
    assert f"ไม่มีโฟลเดอร์ {tmp_path / 'media' / 'usb'}" in refused.value.text("th")
    assert not (tmp_path / "media").exists()


def test_an_existing_bundle_is_never_overwritten_and_a_file_is_no_folder(stick: Path) -> None:
    (stick / "old.psb").write_bytes(b"kept")
    (stick / "notes.txt").write_text("kept")
    with pytest.raises(ExportError) as exists:
        export_place(stick / "old.psb")
    assert exists.value.code == "exists" and "is not overwritten" in exists.value.text("en")
    with pytest.raises(ExportError) as not_folder:
        export_place(stick / "notes.txt")
    assert not_folder.value.code == "not-a-folder" and "เป็นไฟล์ ไม่ใช่โฟลเดอร์" in not_folder.value.text("th")
    assert (stick / "old.psb").read_bytes() == b"kept"


def test_a_folder_gets_the_bundle_under_its_final_name(device: Device, log: Path, stick: Path) -> None:
    place = export_place(stick)
    assert place == Place(stick, None)
    exported = export_bundle(device, log, place, 1)
    assert exported is not None
    assert exported.file == stick / f"{device.id}_00000001-00000005.psb"
    assert listing(stick) == [exported.file.name]  # no .part file, no temp file
    assert (exported.manifest.first_seq, exported.manifest.last_seq, exported.manifest.count) == (1, 5, 5)
    assert read_bundle(exported.file).manifest == exported.manifest


def test_a_named_file_is_written_as_named(device: Device, log: Path, stick: Path) -> None:
    exported = export_bundle(device, log, export_place(stick / "mine.psb"), 3)
    assert exported is not None and exported.file == stick / "mine.psb"
    assert exported.manifest.first_seq == 3 and listing(stick) == ["mine.psb"]


def test_nothing_new_writes_nothing(device: Device, log: Path, stick: Path) -> None:
    assert export_bundle(device, log, Place(stick, None), 6) is None
    assert export_bundle(device, log, Place(stick, stick / "b.psb"), 6) is None
    assert listing(stick) == []


@pytest.mark.parametrize("where", ["write", "rename"])
def test_a_failed_write_leaves_nothing_and_names_the_folder(
    device: Device, log: Path, stick: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", os.fspath(args[0]))

    if where == "write":
        real = sync.usb.write_bundle

        def write_then_fail(device: Device, log: Path, out: Path, from_seq: int = 1) -> None:
            real(device, log, out, from_seq)  # the .part file is there, whole
            full(out.with_name(f".{out.name}.{os.getpid()}.tmp"))

        monkeypatch.setattr(sync.usb, "write_bundle", write_then_fail)
    else:
        real_replace = os.replace

        def replace(source: Any, target: Any) -> None:  # write_bundle's own rename works; ours fails
            if os.fspath(source).endswith(".part"):
                full(source)
            real_replace(source, target)

        monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError) as failed:
        export_bundle(device, log, Place(stick, None), 1)
    assert failed.value.errno == errno.ENOSPC
    assert failed.value.filename == str(stick)  # the folder the user named, not our .part file
    assert listing(stick) == []
