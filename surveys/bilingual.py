"""Thai first, English one switch away: one way to pick a language, and one type for the errors people read.

Every message a person reads exists in Thai and English. :func:`pick` chooses one (``"th"`` gives the
Thai, any other language the English); :func:`lookup` does it for a module's table of texts; and
:class:`UserError` is the one base of the errors whose words reach a person (the office's refusals, a
printer that failed, a push or an enrolment refused, an insecure connection): ``code`` for programs,
``th`` and ``en`` for people, ``text(lang)`` for one of them, ``str()`` the English, for logs.
"""

from __future__ import annotations

from collections.abc import Mapping

Texts = Mapping[str, tuple[str, str]]  # key → (Thai, English), each maybe with {placeholders}


def pick(lang: str, th: str, en: str) -> str:
    """The Thai for ``lang == "th"``, else the English."""
    return th if lang == "th" else en


def lookup(texts: Texts, key: str, lang: str, **values: object) -> str:
    """``texts[key]`` in ``lang``, its ``{placeholders}`` filled from ``values``."""
    th, en = texts[key]
    return pick(lang, th, en).format(**values)


class UserError(Exception):
    """An error a person reads: ``code`` for programs, ``th``/``en`` for people."""

    def __init__(self, code: str, th: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.th = th
        self.en = en

    def text(self, lang: str) -> str:
        """What happened (and what to do) in ``lang`` only."""
        return pick(lang, self.th, self.en)
