"""Tracking codes: what a complainant's receipt (and its QR) carries, to follow the complaint up.

A code reads ``C68-7KQ4MX-N``: the series (``C`` a complaint, ``T`` a corruption tip: their own series),
the last two digits of the Buddhist-Era year, six random characters and a check character. The random
part and the check character are drawn from :data:`ALPHABET` (no look-alikes: no 0/O, 1/I/L, 2/Z, 5/S,
8/B), so a code is read right off a paper slip or over the phone; random, so nobody can walk through other
people's codes. The check character is ISO 7064 MOD 37,36 (python-stdnum's ``mod_37_36``) over the
rest (``C687KQ4MX``): 37 is prime, so every single changed character is caught. Its 36 possible check
characters include look-alikes, so the random part is drawn again until the check character falls in
:data:`ALPHABET` (about two draws in three do): the printed code never holds a look-alike.

:func:`parse_code` takes the code as printed or typed (any case, spaces or dashes, Thai digits, or typed
by a keyboard-wedge scanner while the Thai layout is on) and gives the plain code ``C687KQ4MXN``;
:func:`format_code` gives it back as printed. A wrong code is a :class:`CodeError` in Thai and English:
``mistyped`` (the right shape, but the check character fails or a character can't be in a code) or
``not_a_code`` (not the shape of a tracking code at all).
"""

from __future__ import annotations

import re
import secrets
import string
from datetime import date

from stdnum.iso7064 import mod_37_36

from surveys.bilingual import UserError

ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
COMPLAINT, TIP = "C", "T"
SERIES = (COMPLAINT, TIP)
RANDOM_LENGTH = 6
PLAIN_LENGTH = 1 + 2 + RANDOM_LENGTH + 1  # series, year, random part, check character

# What the keys type with the Thai (Kedmanee) layout on (as in surveys/counter/token.py, which this
# layer may not import): a keyboard-wedge scanner types a code through the active layout.
_THAI_DIGIT_ROW = "ๅ/-ภถุึคตจ"
_THAI_PLAIN = "ฟิแกำดเ้ร่าสทืนยๆพหะีอไปัผ"
_THAI_SHIFTED = 'ฤฺฉฏฎโฌ็ณ๋ษศ?์ฯญ๐ฑฆธ๊ฮ")ํ('
_FROM_THAI = str.maketrans(  # ข: the '-' key
    _THAI_PLAIN + _THAI_SHIFTED + _THAI_DIGIT_ROW + "ข", string.ascii_uppercase * 2 + "1234567890" + "-"
)
_SHAPE = re.compile(rf"^[{COMPLAINT}{TIP}]\d\d[{ALPHABET}]{{{RANDOM_LENGTH + 1}}}$")
_LOOSE = re.compile(rf"^[{COMPLAINT}{TIP}]\d\d[A-Z0-9]{{{RANDOM_LENGTH + 1}}}$")


class CodeError(UserError):
    """Not a usable tracking code: ``code`` is ``mistyped`` or ``not_a_code``."""


def check_character(body: str) -> str:
    """The check character of ``body`` (series, year digits, random part: ``C687KQ4MX``)."""
    return mod_37_36.calc_check_digit(body)


def make_code(series: str, received: date) -> str:
    """A new random plain code (``C687KQ4MXN``) of ``series`` for a complaint received on ``received``."""
    if series not in SERIES:
        raise ValueError(f"unknown series {series!r}")
    year = f"{(received.year + 543) % 100:02d}"
    while True:
        body = series + year + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
        check = check_character(body)
        if check in ALPHABET:
            return body + check


def normalise(text: str) -> str:
    """``text`` as the plain characters of a code: upper case, no spaces or dashes, Thai keys mapped."""
    if not text.isascii():  # typed with the Thai layout on ('-' and '/' are then the keys 3 and 2)
        text = text.translate(_FROM_THAI)
    return "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())


def parse_code(text: str) -> str:
    """The plain code in ``text`` (as printed or typed), or :class:`CodeError`."""
    plain = normalise(text)
    if not _LOOSE.match(plain):
        shown = text.strip()[:40]
        raise CodeError(
            "not_a_code",
            f"“{shown}” ไม่ใช่รหัสติดตามเรื่อง (รหัสมีรูปแบบ C68-7KQ4MX-N ตามใบรับเรื่อง)",
            f"“{shown}” is not a tracking code (a code looks like C68-7KQ4MX-N, as on the receipt)",
        )
    if not _SHAPE.match(plain) or mod_37_36.checksum(plain) != 1:
        raise CodeError(
            "mistyped",
            f"รหัส {format_plain(plain)} พิมพ์ผิด กรุณาตรวจสอบรหัสกับใบรับเรื่องอีกครั้ง",
            f"the code {format_plain(plain)} is mistyped: please check it against the receipt",
        )
    return plain


def format_plain(plain: str) -> str:
    """``C687KQ4MXN`` → ``C68-7KQ4MX-N`` (no checks)."""
    return f"{plain[:3]}-{plain[3:-1]}-{plain[-1:]}"


def format_code(plain: str) -> str:
    """A code as printed on the receipt and held by its QR: ``C68-7KQ4MX-N``."""
    return format_plain(parse_code(plain))


def series_of(code: str) -> str:
    """``C`` or ``T``."""
    return parse_code(code)[0]
