"""Exporting a device's events as a bundle file on a USB stick (``prongsai sync export``).

The USB twin of :func:`sync.sync_client.push`. :func:`export_place` reads where the bundle goes: a folder
(the stick), or ``NAME.psb`` in one. A missing folder is never made (an unmounted stick must not turn into a
folder on the local disk), and an existing bundle file is never overwritten; either is an
:class:`ExportError` with Thai and English text. :func:`export_bundle` then writes the bundle: into a folder
under a ``.part`` name first, renamed to its final ``<device>_<first>-<last>.psb`` once whole, and the
folder fsynced. Whatever fails, nothing is left behind: a failed write removes the ``.part`` file.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from surveys.bilingual import UserError
from surveys.log.atomic import fsync_dir
from surveys.log.device import Device
from sync.bundle import SUFFIX, Manifest, write_bundle


class ExportError(UserError):
    """The place named for a bundle can't take it; ``code`` for programs, ``th``/``en`` for people."""


@dataclass(frozen=True)
class Place:
    """Where a bundle goes: ``folder``, and ``file`` when a ``NAME.psb`` was named (else a name is made)."""

    folder: Path
    file: Path | None


@dataclass(frozen=True)
class Exported:
    file: Path  # the bundle as written, under its final name
    manifest: Manifest


def export_place(target: Path) -> Place:
    """The folder a bundle goes into and, for ``NAME.psb``, its file. A missing folder is never
    made: an unmounted USB stick must not turn into a folder on the local disk."""
    if target.is_dir():
        return Place(target, None)
    if target.exists():
        if target.suffix == SUFFIX:
            raise ExportError(
                "exists",
                f"มีไฟล์ {target} อยู่แล้ว ไม่เขียนทับ: ตั้งชื่ออื่น ระบุโฟลเดอร์แทน หรือย้ายไฟล์เดิมออกก่อน",
                f"{target} already exists and is not overwritten: give another name, a folder, "
                "or move the old file away first",
            )
        raise ExportError(
            "not-a-folder",
            f"{target} เป็นไฟล์ ไม่ใช่โฟลเดอร์: ระบุโฟลเดอร์ (เช่น แฟลชไดรฟ์) หรือชื่อไฟล์ที่ลงท้ายด้วย {SUFFIX}",
            f"{target} is a file, not a folder: give a folder (the USB stick, say) "
            f"or a name ending in {SUFFIX}",
        )
    folder = target.parent if target.suffix == SUFFIX else target
    if not folder.is_dir():
        raise ExportError(
            "no-folder",
            f"ไม่มีโฟลเดอร์ {folder}: ตรวจสอบว่าเสียบแฟลชไดรฟ์แล้ว และพิมพ์ชื่อโฟลเดอร์ถูกต้อง "
            "(prongsai ไม่สร้างโฟลเดอร์ให้ เพื่อไม่ให้ข้อมูลไปอยู่บนดิสก์ของเครื่องโดยไม่รู้ตัว) ไม่มีอะไรถูกเขียน",
            f"there is no folder {folder}: check that the USB stick is plugged in and the path is right "
            "(prongsai does not create it, so that a bundle never lands on the local disk unnoticed); "
            "nothing was written",
        )
    return Place(folder, target) if target.suffix == SUFFIX else Place(target, None)


def export_bundle(device: Device, log: Path, place: Place, from_seq: int) -> Exported | None:
    """Write the events of ``log`` from ``from_seq`` as a bundle into ``place`` (None: nothing new).

    Raises what :func:`sync.bundle.write_bundle` raises (``LogError``, ``BundleError``) and ``OSError``;
    after an ``OSError`` nothing was written, and an error about the file in progress names the folder
    the user gave instead, not a ``.part`` file they never asked for.
    """
    folder, file = place.folder, place.file
    part = file or folder / f"{device.id}-from-{from_seq:08d}{SUFFIX}.part"
    try:
        manifest = write_bundle(device, log, part, from_seq)
        if manifest is not None and file is None:
            final = folder / f"{device.id}_{manifest.first_seq:08d}-{manifest.last_seq:08d}{SUFFIX}"
            os.replace(part, final)
            file = final
            fsync_dir(folder)
    except OSError as exc:
        if file is None:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
            if _names_part(exc.filename, part):
                exc.filename = str(folder)  # the folder the user named, not our file in progress
        raise
    if manifest is None or file is None:
        return None
    return Exported(file, manifest)


def _names_part(filename: object, part: Path) -> bool:
    """Is ``filename`` (an ``OSError``'s) the ``.part`` file, or the temp file ``write_bundle`` makes
    beside it (``.NAME.PID.tmp``)?"""
    if not isinstance(filename, (str, bytes, os.PathLike)):
        return False
    path = Path(os.fsdecode(filename))
    name = path.name
    return path == part or (
        path.parent == part.parent and name.startswith(f".{part.name}.") and name.endswith(".tmp")
    )
