"""Where a line of Thai may end. Thai writes no spaces between words; a line may end at a space or
between two Thai words, as PyThaiNLP's ``newmm`` segmentation finds them (a dictionary, offline, no
download), and a word wider than a whole line is cut between letters, never between a letter and the
marks that sit on it."""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """``text`` cut where a line may end: at spaces (kept as their own tokens) and between two Thai
    words as PyThaiNLP's newmm finds them. Nothing else breaks: ``(ร้อยละ)``, ``P90``, ``1201–1250``
    stay whole, and a space before a number does not break (``ร้อยละ 80``)."""
    tokens = newmm(text)
    chunks: list[str] = []
    glue_next = False
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token.isspace():
            glue_next = bool(chunks) and following[:1].isdigit()  # "ร้อยละ 80" stays together
            if glue_next:
                chunks[-1] += token
            else:
                chunks.append(token)
            continue
        breakable = not chunks or chunks[-1].isspace() or (_is_thai(chunks[-1][-1]) and _is_thai(token[0]))
        if chunks and (glue_next or not breakable):
            chunks[-1] += token
        else:
            chunks.append(token)
        glue_next = False
    return tuple(chunks)


@lru_cache(maxsize=4096)
def newmm(text: str) -> tuple[str, ...]:
    """PyThaiNLP's newmm words (a dictionary, offline, no download), spaces as their own tokens."""
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from pythainlp.tokenize import word_tokenize  # slow to import: only when a PDF is made

    return tuple(str(token) for token in word_tokenize(text, engine="newmm", keep_whitespace=True) if token)


def _is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def clusters(text: str) -> list[str]:
    """Letters with the marks that sit on them (Thai upper/lower vowels and tone marks are ``Mn``)."""
    out: list[str] = []
    for char in text:
        if out and unicodedata.category(char) in ("Mn", "Mc"):
            out[-1] += char
        else:
            out.append(char)
    return out


def short_lines(text: str, limit: int, max_lines: int = 2) -> str:
    """``text`` in at most ``max_lines`` lines of about ``limit`` characters (joined by ``\\n``), broken
    between words; what does not fit ends in ``…`` after a whole letter cluster (for chart labels)."""
    lines: list[str] = []
    line = ""
    for token in words(" ".join(text.split())):
        if line.strip() and len(line + token) > limit:
            lines.append(line.strip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.strip())
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = clusters(kept[-1])
        while last and len("".join(last)) > limit - 1:
            last.pop()
        kept[-1] = "".join(last) + "…"
        lines = kept
    return "\n".join(lines)
