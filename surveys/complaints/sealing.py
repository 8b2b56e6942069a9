"""Contact details sealed to the complaints officer's key (PyNaCl's ``SealedBox``).

The municipality names an officer; :func:`make_officer_key` makes the officer's key pair on the
officer's own machine (``officer.key`` the private half, readable by its owner only, and ``officer.pub``
the public half, base64). The public half is installed in each office's home; the office seals an
informant's contact details to it (:func:`seal`) and logs only the sealed bytes and the key's
fingerprint. Nothing but the private key opens them (:func:`unseal`): not the kiosk, the office, a
bundle, the central store or the report.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from surveys.bilingual import UserError

PRIVATE_FILE = "officer.key"
PUBLIC_FILE = "officer.pub"
KEY_BYTES = 32


class SealingError(UserError):
    """A key file that can't be used, or sealed contact details this key does not open."""


def fingerprint(public: bytes) -> str:
    """A public key's fingerprint: the first 16 hex digits of its SHA-256, in groups of four."""
    digest = hashlib.sha256(public).hexdigest()[:16]
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def make_officer_key(folder: Path) -> tuple[Path, Path]:
    """Write a new key pair into ``folder``: ``officer.key`` (private, mode 0600) and ``officer.pub``.
    Refused (:class:`SealingError`) if a key is already there: a lost private key loses every contact
    sealed to it, so nothing is overwritten."""
    private_path, public_path = folder / PRIVATE_FILE, folder / PUBLIC_FILE
    for path in (private_path, public_path):
        if path.exists():
            raise SealingError(
                "key_exists",
                f"มีกุญแจอยู่แล้วที่ {path} จะไม่เขียนทับ (กุญแจที่หายทำให้เปิดข้อมูลผู้แจ้งเดิมไม่ได้อีก)",
                f"there is already a key at {path}: it is not overwritten (a lost key loses every "
                "contact sealed to it)",
            )
    folder.mkdir(parents=True, exist_ok=True)
    private = PrivateKey.generate()
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(base64.b64encode(bytes(private)).decode("ascii") + "\n")
    public_path.write_text(base64.b64encode(bytes(private.public_key)).decode("ascii") + "\n", "ascii")
    return private_path, public_path


def _read_key(path: Path, what_th: str, what_en: str) -> bytes:
    try:
        text = path.read_text("ascii").strip()
        raw = base64.b64decode(text, validate=True)
    except OSError as exc:
        raise SealingError(
            "key_file",
            f"อ่านไฟล์{what_th} {path} ไม่ได้: {exc.strerror or exc}",
            f"{path} ({what_en}) can't be read: {exc.strerror or exc}",
        ) from None
    except (UnicodeDecodeError, binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise SealingError(
            "key_file",
            f"ไฟล์ {path} ไม่ใช่{what_th}",
            f"{path} is not {what_en}",
        )
    return raw


def read_public_key(path: Path) -> bytes:
    """The public key in ``path`` (``officer.pub``), or :class:`SealingError`."""
    return _read_key(path, "กุญแจสาธารณะของเจ้าหน้าที่", "an officer's public key (officer.pub)")


def read_private_key(path: Path) -> bytes:
    """The private key in ``path`` (``officer.key``), or :class:`SealingError`."""
    return _read_key(path, "กุญแจส่วนตัวของเจ้าหน้าที่", "an officer's private key (officer.key)")


def seal(contact: Mapping[str, str], public: bytes) -> dict[str, str]:
    """``{"sealed": base64, "to": fingerprint}``: ``contact`` sealed to the public key ``public``."""
    data = json.dumps(dict(contact), ensure_ascii=False, sort_keys=True).encode("utf-8")
    sealed = SealedBox(PublicKey(public)).encrypt(data)
    return {"sealed": base64.b64encode(sealed).decode("ascii"), "to": fingerprint(public)}


def unseal(sealed: Mapping[str, str], private: bytes) -> dict[str, str]:
    """The contact details in ``sealed``, opened with the private key ``private``; a key that is not the
    one they were sealed to is a :class:`SealingError` saying whose key they need."""
    key = PrivateKey(private)
    mine = fingerprint(bytes(key.public_key))
    wanted = str(sealed.get("to", ""))
    if wanted and wanted != mine:
        raise SealingError(
            "wrong_key",
            f"กุญแจนี้ ({mine}) เปิดข้อมูลนี้ไม่ได้: ข้อมูลถูกปิดผนึกไว้ด้วยกุญแจ {wanted} ของเจ้าหน้าที่ที่เทศบาลแต่งตั้ง",
            f"this key ({mine}) can't open these details: they were sealed to the key {wanted} "
            "of the officer the municipality named",
        )
    try:
        data = SealedBox(key).decrypt(base64.b64decode(str(sealed.get("sealed", ""))))
        opened = json.loads(data.decode("utf-8"))
    except (CryptoError, binascii.Error, ValueError):
        raise SealingError(
            "wrong_key",
            "เปิดข้อมูลผู้แจ้งด้วยกุญแจนี้ไม่ได้ (ไม่ใช่กุญแจที่ใช้ปิดผนึก หรือข้อมูลเสียหาย)",
            "these details can't be opened with this key (not the key they were sealed to, or damaged)",
        ) from None
    return {str(k): str(v) for k, v in opened.items()}
