"""QR codes, drawn with ``qrcode`` (the library python-escpos installs): one code, for paper or a terminal.

The payload is encoded as one segment in the smallest mode that holds it (digits, upper-case
alphanumerics, or UTF-8 bytes), in the smallest version for the error-correction level asked for; the
level is then raised as far as the same version allows, so a code gets the most redundancy for its size.
"""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

LEVELS = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}
_ORDER = "LMQH"
_HALVES = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def _fitted(payload: str, level: str, border: int, start: int | None = None) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=LEVELS[level], border=border)
    code.add_data(payload, optimize=0)  # one segment, its mode chosen from the whole payload
    try:
        code.best_fit(start)
    except (DataOverflowError, ValueError):  # qrcode 8 raises ValueError past version 40
        raise ValueError(
            f"the QR payload ({len(payload)} characters) is too long for a QR code at level {level}"
        ) from None
    return code


def make_qr(payload: str, error: str = "L", border: int = 4) -> qrcode.QRCode:
    """The QR code of ``payload`` at level ``error`` or higher when that fits the same version.

    Raises ValueError when the payload is too long for any version.
    """
    code = _fitted(payload, error, border)
    for level in reversed(_ORDER[_ORDER.index(error) + 1 :]):
        try:
            boosted = _fitted(payload, level, border, start=code.version)
        except ValueError:
            continue
        if boosted.version == code.version:
            code = boosted
            break
    code.make(fit=False)
    return code


def qr_matrix(code: qrcode.QRCode) -> list[list[bool]]:
    """The modules, dark as True, with the code's quiet zone around them."""
    return [[bool(module) for module in row] for row in code.get_matrix()]


def terminal_qr(payload: str, border: int = 2) -> str:
    """The QR code drawn with half blocks, two rows of modules a line, light on dark (for a dark terminal).

    A full block is two light modules, a space two dark ones, an upper or lower half block that half
    light; the quiet zone is light. Every line ends with a newline.
    """
    return _half_blocks(qr_matrix(make_qr(payload, border=border)))


def _half_blocks(matrix: list[list[bool]]) -> str:
    light = [[not dark for dark in row] for row in matrix]
    if len(light) % 2:
        light.append([False] * len(light[0]))  # the last line's lower half: the terminal's own dark
    lines = [
        "".join(_HALVES[(upper, lower)] for upper, lower in zip(top, bottom, strict=True))
        for top, bottom in zip(light[::2], light[1::2], strict=True)
    ]
    return "".join(line + "\n" for line in lines)
