"""Sheets the forum runner saves into the home: a staff survey's code slips and a forum's one-page
summary (drawn by :mod:`kiosk.printing.forum_print`), and the summary's lines for the screen."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from kiosk.printing.forum_print import render_code_slips, render_forum_summary
from surveys.content.instruments import Instrument
from surveys.content.thaidate import format_date
from surveys.forum.sessions import BANDS, GROUP_NAMES, Forum


def _safe(name: str) -> str:
    """A file name from a title (Thai kept, with its vowel and tone marks): no path or shell characters."""
    return re.sub(r'[\\/:*?"<>|\s]+', "-", name).strip("-.")[:40] or "sheet"


def save_code_slips(folder: Path, title: str, session: str, codes: list[str]) -> Path:
    """The codes as an A4 PDF of slips to cut; :class:`PrintoutError` (bilingual) if it can't be written."""
    return render_code_slips(title, codes, folder / f"{_safe(title)}-{session[-8:]}.pdf")


def save_summary(
    folder: Path, forum: Forum, instrument: Instrument, lang: str, municipality: tuple[str, str]
) -> Path:
    """The forum's one-page summary as an A4 PDF for the notice board."""
    stem = f"{forum.date}-{_safe(forum.community)}-{forum.session[-8:]}"
    return render_forum_summary(
        forum, instrument, folder / f"{stem}.pdf", lang=lang, municipality=municipality
    )


def summary_lines(forum: Forum, lang: str, top: int = 5) -> list[str]:
    """The summary in words: where and when, attendance by band, forms, the agenda items most voted."""
    th = lang == "th"
    day = format_date(date.fromisoformat(forum.date), lang=lang)
    lines = [
        f"{forum.community} · {forum.place} · {day}",
        (f"ผู้เข้าร่วม {forum.total} คน" if th else f"Attendance: {forum.total}"),
    ]
    for group, bands in BANDS.items():
        name = GROUP_NAMES[group][0 if th else 1]
        parts = [f"{b_th if th else b_en} {forum.counts[group][band]}" for band, b_th, b_en in bands]
        lines.append(f"  {name}: " + " · ".join(parts))
    forms = len(forum.forms)
    lines.append(
        f"แบบฟอร์มที่นับ {forms} ฉบับ (ยกเลิก {forum.voided})"
        if th
        else f"Forms counted: {forms} ({forum.voided} taken back)"
    )
    lines.append("วาระที่ได้คะแนนโหวตมากที่สุด" if th else "Agenda items with the most votes")
    for rank, (item, votes) in enumerate(forum.ranked_agenda()[:top], start=1):
        lines.append(f"  {rank}. {item.title} — {votes} {'คะแนน' if th else 'votes'}")
    return lines
