"""Ticket codes: what the QR code and the short code under it carry.

A code is 13 digits, printed as ``1001-4821-9375-6``: the service's digit (1–9), the ticket number
(3 digits), eight digits of an HMAC-SHA256 over the ticket's id keyed with a secret derived from the
device's Ed25519 key, and a Damm check digit (which catches every single-digit typo and every swap of
neighbouring digits). Digits only, so that an elderly citizen types it on a keypad, the QR stays small
(numeric mode), and a keyboard-wedge scanner still works with the Thai keyboard layout on: its Thai
letters are mapped back to the digits of the same keys.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import string
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from stdnum import damm

from surveys.log.device import Device

CODE_DIGITS = 13

# What the keys type with the Thai (Kedmanee) layout on: the digit row 1–0, a–z and A–Z (shifted).
_THAI_DIGIT_ROW = "ๅ/-ภถุึคตจ"
_THAI_PLAIN = "ฟิแกำดเ้ร่าสทืนยๆพหะีอไปัผ"
_THAI_SHIFTED = 'ฤฺฉฏฎโฌ็ณ๋ษศ?์ฯญ๐ฑฆธ๊ฮ")ํ('
_THAI_DIGIT_KEYS = dict(zip(_THAI_DIGIT_ROW, "1234567890", strict=True))
_KEDMANEE = str.maketrans(
    _THAI_PLAIN + _THAI_SHIFTED + _THAI_DIGIT_ROW, string.ascii_uppercase * 2 + "1234567890"
)
_NUMBER = re.compile(r"^([A-Z])\s*0*(\d{1,3})$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


class CodeError(ValueError):
    """Not a ticket code: ``reason`` is ``length`` or ``check`` (a typo)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TicketCode:
    service_digit: int
    number: int
    mac: str  # 8 digits

    @property
    def digits(self) -> str:
        return f"{self.service_digit}{self.number:03d}{self.mac}"

    def __str__(self) -> str:
        body = self.digits + damm.calc_check_digit(self.digits)
        return f"{body[:4]}-{body[4:8]}-{body[8:12]}-{body[12]}"


def token_key(device: Device) -> bytes:
    """The secret that keys ticket codes, derived from (never equal to) the device's private key."""
    raw = device.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"prongsai ticket code v1").derive(raw)


def _mac(key: bytes, ticket_id: str) -> str:
    digest = hmac.new(key, ticket_id.encode("ascii"), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**8:08d}"


def make_code(key: bytes, ticket_id: str, service_digit: int, number: int) -> TicketCode:
    if not 1 <= service_digit <= 9 or not 0 <= number <= 999:
        raise ValueError(f"service digit 1–9 and number 0–999 (got {service_digit}, {number})")
    return TicketCode(service_digit, number, _mac(key, ticket_id))


def code_matches(key: bytes, ticket_id: str, code: TicketCode) -> bool:
    return hmac.compare_digest(_mac(key, ticket_id), code.mac)


def normalise(text: str) -> str:
    """What a person or a scanner typed → digits (Thai layout keys and Thai digits mapped back)."""
    text = text.strip().translate(_THAI_DIGITS)
    if any("\u0e01" <= ch <= "\u0e5b" for ch in text):  # typed with the Thai layout on
        text = "".join(_THAI_DIGIT_KEYS.get(ch, ch) for ch in text)
    return "".join(ch for ch in text if ch.isdigit())


def parse_code(text: str) -> TicketCode:
    """Parse a typed or scanned code; raises :class:`CodeError` for a wrong length or a typo."""
    digits = normalise(text)
    if len(digits) != CODE_DIGITS:
        raise CodeError("length")
    if not damm.is_valid(digits):
        raise CodeError("check")
    return TicketCode(int(digits[0]), int(digits[1:4]), digits[4:12])


def parse_ticket_number(typed: str) -> str | None:
    """What a clerk typed → a ticket number: ``"a5"``, ``"A 005"``, ``"A๐๐๕"`` → ``"A005"``, and the
    same typed with the Thai layout on (``"ฟจจถ"``); None when it isn't a ticket number."""
    text = typed.strip()
    if text and "\u0e01" <= text[0] <= "\u0e5b" and text[0] not in "๐๑๒๓๔๕๖๗๘๙":
        text = text.translate(_KEDMANEE)  # a Thai letter first: the layout was on
    match = _NUMBER.match(text.translate(_THAI_DIGITS).upper())
    if match is None:
        return None
    return f"{match.group(1)}{int(match.group(2)):03d}"
