"""Enrolment: what the central store knows of a device before it trusts its bundles.

A device proves who it is with an *enrolment file*, made on the device (``prongsai device export``)
and carried to the central machine (``prongsai device enrol FILE``)::

    {"format": "prongsai-enrolment/1", "device": "dev-…", "public_key": "<base64, 32 bytes>",
     "name": "ตู้บัตรคิว ชั้น 1", "role": "kiosk", "place": "…", "created_at": "2025-01-15T09:30:00+07:00",
     "signature": "<base64 Ed25519 signature>"}

The signature is made with the device key over the canonical JSON (``surveys.log.event.canonical``) of
every other member, so a file is accepted only from whoever holds the key, and the device id must be
the one derived from that key (:func:`surveys.log.device.device_id_for`). The file is pretty-printed; the
QR code (:func:`enrolment_qr`) carries the same object as compact JSON, which :func:`parse_enrolment`
reads just as well. What the file cannot prove is that the device is *ours*: the person who enrols it
compares the key fingerprint shown on the device with the one shown on the central machine.

A demo device (made for simulated data, :attr:`surveys.log.device.Device.demo`) adds ``"demo": true``, under
the signature like every other member: removing it from the file breaks the signature. A real device's
file has no ``demo`` member, so files made before demo devices existed read and verify as they did.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError

from surveys.bilingual import UserError
from surveys.log.atomic import write_atomic
from surveys.log.device import Device, device_id_for, verify_signature
from surveys.log.event import canonical, now_iso
from sync.untrusted import Expected, JsonRefused, Text, field_errors, hidden_characters, load_json

if TYPE_CHECKING:
    import qrcode

FORMAT = "prongsai-enrolment/1"
ROLES = ("kiosk", "laptop", "office", "import")  # import: the device that signs imported answers
MAX_TEXT = 80  # characters of a name or a place (the QR code must stay readable from a terminal)
MAX_FILE = 64 * 1024


@dataclass(frozen=True)
class Enrolment:
    device: str  # e.g. dev-k7q2m9abc3xdpe4f (derived from the public key)
    public_key: str  # base64 of the 32-byte Ed25519 public key
    name: str = ""  # e.g. "ตู้บัตรคิว ชั้น 1" / "laptop of the planning division"
    role: str = "kiosk"  # kiosk, laptop, office …
    place: str = ""  # where it is used
    demo: bool = False  # a demo device: its events are simulated and never count in a report


@dataclass(frozen=True)
class SignedEnrolment:
    """An enrolment as it travels: with the time it was made and the device's signature."""

    enrolment: Enrolment
    created_at: str  # ISO 8601, Bangkok time
    signature: str  # base64 Ed25519 signature over the canonical JSON of the other members

    def to_dict(self) -> dict[str, str | bool]:
        e = self.enrolment
        record: dict[str, str | bool] = {
            "format": FORMAT,
            "device": e.device,
            "public_key": e.public_key,
            "name": e.name,
            "role": e.role,
            "place": e.place,
            "created_at": self.created_at,
            "signature": self.signature,
        }
        if e.demo:
            record["demo"] = True
        return record

    def payload(self) -> str:
        """The compact JSON that the QR code carries (canonical: keys sorted, no spaces)."""
        return canonical(self.to_dict()).decode("utf-8")


class EnrolmentError(UserError):
    """An enrolment that can't be trusted or made; ``code`` for programs, ``th``/``en`` for people,
    each naming the ``source`` (the file) it came from."""

    def __init__(self, code: str, th: str, en: str, source: str = "") -> None:
        where = f"{source}: " if source else ""
        super().__init__(code, where + th, where + en)
        self.source = source


def key_fingerprint(public_key: str) -> str:
    """``SHA256:`` and the unpadded base64 of the key's SHA-256 (as OpenSSH shows fingerprints)."""
    raw = base64.b64decode(public_key, validate=True)
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode("ascii").rstrip("=")


def make_enrolment(device: Device, name: str = "", role: str = "kiosk", place: str = "") -> Enrolment:
    """The enrolment of ``device``; raises :class:`EnrolmentError` for a bad role, name or place."""
    enrolment = Enrolment(device.id, device.public_key_b64, name.strip(), role, place.strip(), device.demo)
    _check_fields(enrolment, "")
    return enrolment


def sign_enrolment(enrolment: Enrolment, device: Device) -> SignedEnrolment:
    """Sign ``enrolment`` with the key of ``device`` (which must be the enrolment's device)."""
    if enrolment.device != device.id or enrolment.public_key != device.public_key_b64:
        raise ValueError(f"the enrolment of {enrolment.device} can't be signed by {device.id}")
    _check_fields(enrolment, "")
    created_at = now_iso("seconds")
    unsigned = SignedEnrolment(enrolment, created_at, "").to_dict()
    del unsigned["signature"]
    signature = base64.b64encode(device.sign(canonical(unsigned))).decode("ascii")
    return SignedEnrolment(enrolment, created_at, signature)


def write_enrolment(enrolment: Enrolment, device: Device, path: Path) -> SignedEnrolment:
    """Sign ``enrolment`` and write it to ``path`` atomically (a whole file or none)."""
    signed = sign_enrolment(enrolment, device)
    text = json.dumps(signed.to_dict(), ensure_ascii=False, indent=2) + "\n"
    write_atomic(Path(path), text.encode("utf-8"))
    return signed


def read_enrolment(path: Path) -> Enrolment:
    """The enrolment in the file at ``path``, its signature and device id checked."""
    return read_signed_enrolment(path).enrolment


def read_signed_enrolment(path: Path) -> SignedEnrolment:
    path = Path(path)
    source = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE + 1)
    except FileNotFoundError:
        raise EnrolmentError("missing", "ไม่พบไฟล์", "no such file", source) from None
    except IsADirectoryError:
        raise EnrolmentError("unreadable", "เป็นโฟลเดอร์ ไม่ใช่ไฟล์", "is a folder, not a file", source) from None
    except OSError as exc:
        raise EnrolmentError(
            "unreadable", f"อ่านไฟล์ไม่ได้ ({exc.strerror})", f"the file can't be read ({exc.strerror})", source
        ) from None
    if len(data) > MAX_FILE:
        raise EnrolmentError(
            "damaged",
            "ไฟล์ใหญ่เกินกว่าจะเป็นไฟล์ลงทะเบียนอุปกรณ์",
            "the file is too large to be an enrolment file",
            source,
        )
    return parse_enrolment(data, source)


def _only_true(value: object) -> bool:
    if value is not True:
        raise Expected("true หรือไม่มีเลย", "true or absent")
    return True


class _EnrolmentFile(BaseModel):
    """The members of an enrolment file as they must be before the signature is checked: every one
    text that is valid Unicode (a lone surrogate could not even be encoded to check the signature),
    ``demo`` true or absent, no other member."""

    model_config = ConfigDict(strict=True, extra="forbid")
    format: Text
    device: Text
    public_key: Text
    name: Text
    role: Text
    place: Text
    created_at: Text
    signature: Text
    demo: Annotated[bool, PlainValidator(_only_true)] = False


def parse_enrolment(data: bytes | str, source: str = "QR") -> SignedEnrolment:
    """Read an enrolment from the file's bytes or a QR code's text; check signature and device id."""
    try:
        record = load_json(data, max_depth=2)
    except JsonRefused as exc:
        raise EnrolmentError(
            "damaged",
            f"ไฟล์เสียหายหรือไม่ใช่ไฟล์ลงทะเบียนอุปกรณ์ของ prongsai (อ่าน JSON ไม่ได้: {exc.th})",
            f"the file is damaged or not a prongsai enrolment file (it is not valid JSON: {exc.en})",
            source,
        ) from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise EnrolmentError(
            "format",
            f"ไม่ใช่ไฟล์ลงทะเบียนอุปกรณ์ของ prongsai (ต้องมี format เป็น {FORMAT})",
            f"not a prongsai enrolment file (format must be {FORMAT})",
            source,
        )
    try:
        checked = _EnrolmentFile.model_validate(record)
    except ValidationError as exc:
        raise _damaged(exc, source) from None
    enrolment = Enrolment(
        checked.device, checked.public_key, checked.name, checked.role, checked.place, checked.demo
    )
    signed = SignedEnrolment(enrolment, checked.created_at, checked.signature)
    _check_key(signed, source)
    _check_fields(enrolment, source)
    return signed


def enrolment_qr_code(enrolment: SignedEnrolment | Enrolment) -> qrcode.QRCode:
    """The QR code whose text is the compact JSON of the enrolment.

    A :class:`SignedEnrolment` gives the same object as the file, which :func:`parse_enrolment`
    accepts; a bare :class:`Enrolment` gives its fields only, which identify a device but prove nothing.
    """
    from sync.qr import make_qr  # qrcode loads Pillow: only when a code is drawn

    return make_qr(_qr_text(enrolment))  # UTF-8 bytes when the name or place is Thai


def enrolment_qr(enrolment: SignedEnrolment | Enrolment) -> str:
    """The QR code drawn with half blocks for a terminal (light on dark), one string."""
    from sync.qr import terminal_qr

    return terminal_qr(_qr_text(enrolment))


def _qr_text(enrolment: SignedEnrolment | Enrolment) -> str:
    if isinstance(enrolment, SignedEnrolment):
        return enrolment.payload()
    return canonical({"format": FORMAT, **asdict(enrolment)}).decode("utf-8")


# -- checks --------------------------------------------------------------------------------------


def _damaged(exc: ValidationError, source: str) -> EnrolmentError:
    """What pydantic found wrong with the members, grouped: missing, unknown, not text, the rest."""
    missing: list[str] = []
    extra: list[str] = []
    wrong: list[str] = []
    others: list[tuple[str, str]] = []
    for error, (field, th, en) in zip(exc.errors(include_url=False), field_errors(exc), strict=True):
        if error["type"] == "missing":
            missing.append(field)
        elif error["type"] == "extra_forbidden":
            extra.append(field)
        elif error["type"] == "string_type":
            wrong.append(field)
        elif field == "demo":
            others.append(("demo ต้องเป็น true หรือไม่มีเลย", "demo must be true or absent"))
        else:
            others.append((f"{field} ต้องเป็น{th}", f"{field}: expected {en}"))
    problems = []
    if missing:
        problems.append(("ขาด " + ", ".join(missing), "missing " + ", ".join(missing)))
    if extra:
        problems.append(("มีช่องที่ไม่รู้จัก " + ", ".join(sorted(extra)), "unknown " + ", ".join(sorted(extra))))
    if wrong:
        problems.append(("ไม่ใช่ข้อความ: " + ", ".join(wrong), "not text: " + ", ".join(wrong)))
    problems.extend(others)
    return EnrolmentError(
        "damaged",
        "ไฟล์ลงทะเบียนอุปกรณ์เสียหาย (" + "; ".join(th for th, _ in problems) + ")",
        "the enrolment file is damaged (" + "; ".join(en for _, en in problems) + ")",
        source,
    )


def _check_key(signed: SignedEnrolment, source: str) -> None:
    enrolment = signed.enrolment
    try:
        public_key = base64.b64decode(enrolment.public_key, validate=True)
        signature = base64.b64decode(signed.signature, validate=True)
    except (binascii.Error, ValueError):
        public_key = signature = b""
    if len(public_key) != 32 or not signature:
        raise EnrolmentError(
            "damaged",
            "กุญแจสาธารณะหรือลายเซ็นในไฟล์เสียหาย",
            "the public key or the signature in the file is damaged",
            source,
        )
    if device_id_for(public_key) != enrolment.device:
        raise EnrolmentError(
            "device_id",
            f"รหัสอุปกรณ์ {enrolment.device} ไม่ได้มาจากกุญแจในไฟล์ (ควรเป็น {device_id_for(public_key)}) ไฟล์ถูกแก้ไข",
            f"the device id {enrolment.device} is not the one derived from the key in the file "
            f"({device_id_for(public_key)}): the file was altered",
            source,
        )
    unsigned = signed.to_dict()
    del unsigned["signature"]
    if not verify_signature(public_key, signature, canonical(unsigned)):
        raise EnrolmentError(
            "signature",
            "ลายเซ็นไม่ตรงกับเนื้อหา: ไฟล์ถูกแก้ไข หรือไม่ได้ทำโดยเครื่องที่ถือกุญแจนี้ "
            "ให้ส่งออกไฟล์จากเครื่องนั้นใหม่ (prongsai device export)",
            "the signature does not match the contents: the file was altered, or not made by the device "
            "holding this key; export it again on that device (prongsai device export)",
            source,
        )


def _check_fields(enrolment: Enrolment, source: str) -> None:
    if enrolment.role not in ROLES:
        raise EnrolmentError(
            "role",
            f"บทบาท {enrolment.role!r} ไม่รู้จัก ต้องเป็น {', '.join(ROLES)}",
            f"unknown role {enrolment.role!r}; expected one of {', '.join(ROLES)}",
            source,
        )
    for field, th in (("name", "ชื่อ"), ("place", "สถานที่")):
        value: str = getattr(enrolment, field)
        if len(value) > MAX_TEXT:
            raise EnrolmentError(
                field,
                f"{th}ยาวเกิน {MAX_TEXT} ตัวอักษร",
                f"the {field} is longer than {MAX_TEXT} characters",
                source,
            )
        hidden = hidden_characters(value)
        if hidden:
            codes = ", ".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(hidden))
            raise EnrolmentError(
                field,
                f"{th}มีอักขระควบคุมหรืออักขระที่มองไม่เห็น (เช่น ขึ้นบรรทัดใหม่ อักขระกลับทิศ หรืออักขระความกว้างศูนย์: {codes})",
                f"the {field} holds control characters or characters that hide or reorder text "
                f"(a line break, a right-to-left override, a zero-width space: {codes})",
                source,
            )
