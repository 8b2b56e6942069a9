"""The Thai font for tickets and notices: Sarabun from the ``fontpkg-sarabun`` package, shaped by raqm.

Thai stacks marks: a tone mark over an upper vowel (``ที่``, ``น้ำ``) must be lifted above it. Pillow does
that only with its raqm layout engine, which needs libraqm and libfribidi on the machine; without them it
falls back to BASIC layout and draws the tone mark on top of the vowel. The kiosk calls
:func:`check_thai_shaping` at start and shows its message to the IT officer when raqm is missing.

Laying text out measures it again and again with FreeType and raqm (fitting a size, then finding balanced
line breaks: a few hundred measurements for a long Thai line), and most of a ticket's text is the same on
every ticket (the office, the services, the priority rule). So the layout functions remember their
answers: :func:`text_width` by font and text, :func:`wrap_text` and :func:`fit_font` by text, width, font
size and weight (and layout engine). They are pure, so a remembered answer is the very one computed.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import fontpkg_sarabun
from PIL import ImageFont, features

REGULAR: Path = fontpkg_sarabun.ROOT / "files" / "Sarabun-Regular.ttf"
BOLD: Path = fontpkg_sarabun.ROOT / "files" / "Sarabun-Bold.ttf"

SHAPING_MISSING_MESSAGE = (
    "ไม่พบ libraqm: ภาษาไทยบนบัตรคิวจะพิมพ์วรรณยุกต์ผิดที่ (เช่น ไม้เอกทับสระอี ใน 'ที่')\n"
    "Thai shaping is off: Pillow cannot find libraqm, so Thai tone marks will be misplaced on tickets "
    "(drawn on top of the vowel instead of above it).\n"
    "To fix it, install the shaping libraries and restart prongsai:\n"
    "  Debian/Ubuntu:  sudo apt install libraqm0 libfribidi0\n"
    "  macOS:          brew install fribidi\n"
    "  Windows:        Pillow's wheels include raqm but need FriBiDi: put fribidi-0.dll (e.g. from the "
    "MSYS2 mingw-w64-x86_64-fribidi package) in a folder on PATH\n"
    "Check with:  python -c \"from PIL import features; print(features.check('raqm'))\""
)


def check_thai_shaping() -> str | None:
    """None when Pillow can shape Thai (raqm is available); otherwise a Thai+English message saying
    what goes wrong and what to install."""
    if features.check("raqm"):
        return None
    return SHAPING_MISSING_MESSAGE


def layout_engine() -> ImageFont.Layout:
    """RAQM when Pillow has it, else BASIC (Thai marks then overlap; see :func:`check_thai_shaping`)."""
    return ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC


def load_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Sarabun at ``size`` pixels, regular or bold, with the best layout engine available."""
    return _load(size, bold, layout_engine())


@cache
def _load(size: int, bold: bool, engine: ImageFont.Layout) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size, layout_engine=engine)


def clear_layout_caches() -> None:
    """Forget every remembered measurement and layout (for tests and benchmarks of a cold start)."""
    text_width.cache_clear()
    _wrap.cache_clear()
    _fit.cache_clear()


# Fonts are few and live as long as the process (``_load`` keeps them), so a font is a fine cache key: it
# is hashed by identity, and each (size, weight, engine) is one object.
@lru_cache(maxsize=8192)
def text_width(font: ImageFont.FreeTypeFont, text: str) -> int:
    """The inked width of one line of ``text`` in ``font`` (its text bounding box, as drawn)."""
    left, _, right, _ = font.getbbox(text, anchor="ls")
    return int(right - min(left, 0))


def wrap_text(text: str, font: ImageFont.FreeTypeFont, max_width: int, balance: bool = True) -> list[str]:
    """``text`` broken into lines no wider than ``max_width``; with ``balance``, lines of even length
    (for centred text), else each line as full as it can be (for text set flush left).

    Breaks go at spaces first (Thai uses them between phrases); a phrase wider than a line is broken
    between the words PyThaiNLP finds (Thai writes no spaces between words); a word wider than a line,
    between letters, never between a letter and its marks. A line that fits comes back as it is."""
    return list(_wrap(text, font, max_width, balance))


@lru_cache(maxsize=512)
def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int, balance: bool) -> tuple[str, ...]:
    return tuple(_wrap_uncached(text, font, max_width, balance))


def _wrap_uncached(text: str, font: ImageFont.FreeTypeFont, max_width: int, balance: bool) -> list[str]:
    text = " ".join(text.split())
    if text_width(font, text) <= max_width:
        return [text]
    tokens: list[str] = []
    for phrase in re.split(r"( )", text):
        tokens.extend(_words(phrase) if text_width(font, phrase) > max_width else [phrase])
    tokens = _glue_numbers(tokens)
    lines = _fill(tokens, font, max_width, split_words=True)
    assert lines is not None
    if not balance:
        return lines
    low, high = max_width // len(lines), max_width
    while low < high:  # the narrowest width that needs no more lines: balanced, not ragged
        mid = (low + high) // 2
        narrower = _fill(tokens, font, mid, split_words=False)
        if narrower is not None and len(narrower) <= len(lines):
            high = mid
        else:
            low = mid + 1
    return _fill(tokens, font, high, split_words=True) or lines


def _fill(
    tokens: list[str], font: ImageFont.FreeTypeFont, max_width: int, split_words: bool
) -> list[str] | None:
    """Greedy line filling: as many tokens on each line as fit. A token wider than a line is broken
    between letters, or the answer is None when ``split_words`` is false."""
    lines: list[str] = []
    line = ""
    for token in tokens:
        candidate = line + token
        if not line.strip() or text_width(font, candidate.strip()) <= max_width:
            line = candidate
        else:
            lines.append(line.strip())
            line = token
        while text_width(font, line.strip()) > max_width:
            if not split_words:
                return None
            head, line = _split_long(line.strip(), font, max_width)
            lines.append(head)
    if line.strip():
        lines.append(line.strip())
    return lines


def fit_font(
    text: str, max_width: int, size: int, min_size: int, bold: bool = False
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font from ``size`` down to ``min_size`` that holds ``text`` on one line, with that
    line; if even ``min_size`` is too wide, ``min_size`` and the text wrapped to ``max_width``."""
    font, lines = _fit(text, max_width, size, min_size, bold, layout_engine())
    return font, list(lines)


@lru_cache(maxsize=512)
def _fit(
    text: str, max_width: int, size: int, min_size: int, bold: bool, engine: ImageFont.Layout
) -> tuple[ImageFont.FreeTypeFont, tuple[str, ...]]:
    for candidate in range(size, min_size - 1, -1):
        font = _load(candidate, bold, engine)
        if text_width(font, text) <= max_width:
            return font, (text,)
    font = _load(min_size, bold, engine)
    return font, _wrap(text, font, max_width, True)


def _words(text: str) -> list[str]:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from pythainlp.tokenize import word_tokenize  # slow to import; only needed when text wraps

    return [str(token) for token in word_tokenize(text, keep_whitespace=True)]


def _glue_numbers(tokens: list[str]) -> list[str]:
    """No break after a number: ``053 123 456`` stays whole, ``1 คิว`` keeps its classifier."""
    glued: list[str] = []
    for token in tokens:
        if len(glued) >= 2 and glued[-1] == " " and glued[-2][-1:].isdigit() and token != " ":
            glued[-2:] = [glued[-2] + " " + token]
        else:
            glued.append(token)
    return glued


def _clusters(text: str) -> list[str]:
    """Letters with the marks that sit on them (Thai vowels above/below and tone marks are ``Mn``)."""
    clusters: list[str] = []
    for char in text:
        if clusters and unicodedata.category(char) in ("Mn", "Mc"):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _split_long(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> tuple[str, str]:
    clusters = _clusters(text)
    cut = 1
    while cut < len(clusters) and text_width(font, "".join(clusters[: cut + 1])) <= max_width:
        cut += 1
    return "".join(clusters[:cut]), "".join(clusters[cut:])
