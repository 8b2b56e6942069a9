"""QR codes drawn with qrcode: the most redundancy their size allows, and terminal half blocks."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_Q

from sync.qr import make_qr, qr_matrix, terminal_qr


def test_a_ticket_code_gets_the_highest_level_that_keeps_its_size() -> None:
    """14 digits fit version 1 even at H: a creased or stained ticket still scans."""
    code = make_qr("10014821937556", error="M")
    assert (code.version, code.error_correction) == (1, ERROR_CORRECT_H)
    url = make_qr("https://prongsai.example/r/1001-4821-9375-6", error="M")
    assert (url.version, url.error_correction) == (4, ERROR_CORRECT_Q)


def test_the_quiet_zone_is_as_asked() -> None:
    matrix = qr_matrix(make_qr("10014821937556", border=4))
    assert len(matrix) == 21 + 2 * 4
    assert not any(matrix[0]) and not any(row[0] for row in matrix)


def test_the_terminal_drawing_scans_back() -> None:
    halves = {"█": (1, 1), " ": (0, 0), "▀": (1, 0), "▄": (0, 1)}
    rows: list[list[int]] = []
    for line in terminal_qr("SHA256:" + "AB" * 32).splitlines():
        rows.append([halves[ch][0] for ch in line])
        rows.append([halves[ch][1] for ch in line])
    image = Image.new("L", (len(rows[0]) * 4, len(rows) * 4))
    image.putdata([255 * rows[y // 4][x // 4] for y in range(image.height) for x in range(image.width)])
    assert [b.text for b in zxingcpp.read_barcodes(image)] == ["SHA256:" + "AB" * 32]


def test_a_payload_no_qr_code_holds_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="too long"):
        make_qr("x" * 3000)
