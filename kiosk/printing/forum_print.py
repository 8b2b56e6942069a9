"""Paper for forums and staff surveys: a forum's one-page summary for the notice board, and a staff
survey's sheets of one-time code slips.

:func:`render_forum_summary` sets on one A4 page what the community may see of its forum: where and when,
the plan project(s), the facilitators, how many came (by gender, age band and role), how many feedback
forms were received and taken back, how satisfied the forms say people were (the mean of the scored
five-level items as ร้อยละ of 5, and the share at มาก or มากที่สุด, over every scored answer, as the
year-end report counts them), the agenda items with the most votes, and the head of the laptop's hash
chain when the forum closed, so that anyone can hold the paper against the log. It prints no name from
a sign-in list (only how many signed) and no suggestion verbatim.

:func:`render_code_slips` sets a staff survey's codes on cut-out slips, 24 to an A4 page (3 × 8, dashed
cut lines), each with the survey's title and one line on how the code is used.

Both draw with Pillow and Sarabun, Thai shaped by raqm (:mod:`kiosk.printing.fonts`), at 150 dpi
(1240 × 1754 px a page). A ``.png`` is that image; a ``.pdf`` is the same image with its text laid over
it invisibly (:mod:`kiosk.printing.pdf_pages`), so the PDF can be searched and read aloud. Anything else
is refused, and so is a folder that can't be written, with a :class:`PrintoutError` in Thai and English.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from kiosk.printing.fonts import fit_font, load_font, text_width, wrap_text
from kiosk.printing.pdf_pages import Page, TextRun, pdf_bytes
from surveys.bilingual import UserError, pick
from surveys.content.instruments import LIKERT5_HIGH, LIKERT5_VALUES, Instrument
from surveys.content.thaidate import format_date, now_bangkok
from surveys.forum.sessions import BANDS, GROUP_NAMES, MAX_VOTES, Forum
from surveys.log.atomic import write_atomic

DPI = 150
A4 = (1240, 1754)  # pixels at 150 dpi
TOP_AGENDA = 5
SLIP_COLUMNS, SLIP_ROWS = 3, 8
SLIPS_PER_PAGE = SLIP_COLUMNS * SLIP_ROWS
SLIP_LINE_TH = "ใช้รหัสนี้ตอบแบบสำรวจได้ 1 ครั้ง ไม่ต้องใส่ชื่อ"
SLIP_LINE_EN = "One answer per code. No name needed."
FORMATS = (".png", ".pdf")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_MARGIN = 70


class PrintoutError(UserError):
    """A summary or a sheet of slips was not written: ``th`` and ``en`` say why and what to do;
    ``str()`` gives both (a caller that shows one string shows both languages)."""

    def __str__(self) -> str:
        return f"{self.th}\n{self.en}"


# -- the forum summary --------------------------------------------------------------------------------


def render_forum_summary(
    forum: Forum,
    instrument: Instrument,
    out: Path,
    lang: str = "th",
    *,
    municipality: tuple[str, str] | None = None,
    printed: date | None = None,
) -> Path:
    """Write ``forum``'s one-page summary to ``out`` (``.png`` or ``.pdf``); returns ``out``.

    ``instrument`` is the forum's feedback form (its scored items give the satisfaction figures);
    ``municipality`` (Thai, English) heads the page when given; ``printed`` is the day printed
    (today in Bangkok by default). ``lang="en"`` sets it in English under the Thai title."""
    suffix = _suffix(out)
    _check_lang(lang)
    day = printed or now_bangkok().date()
    page = _fitted(lambda scale: _summary(forum, instrument, lang, municipality, day, scale))
    title = f"สรุปผลเวทีประชาคม {forum.community} / Community forum summary"
    return _save([page], out, suffix, title)


@dataclass(frozen=True)
class _Satisfaction:
    """The forms' scored answers: how many, their mean (1–5) and how many at มาก or มากที่สุด."""

    forms: int
    answers: int
    total: int
    high: int

    @property
    def mean(self) -> float:
        return self.total / self.answers

    @property
    def mean_pct(self) -> float:
        return self.mean / 5 * 100

    @property
    def high_pct(self) -> float:
        return self.high / self.answers * 100


def _satisfaction(forum: Forum, instrument: Instrument) -> _Satisfaction | None:
    """The satisfaction figures of ``forum``'s forms that count, or None when no form answered a
    scored item (the mean of every answered scored item, not of each form's mean)."""
    scored = {item.id for item in instrument.scored_items() if item.type == "likert5"}
    forms, values = 0, []
    for form in forum.forms:
        if form.instrument != instrument.id:
            continue
        answered = [form.answers[item] for item in scored if _likert(form.answers.get(item))]
        forms += bool(answered)
        values.extend(answered)
    if not values:
        return None
    return _Satisfaction(forms, len(values), sum(values), sum(1 for v in values if v in LIKERT5_HIGH))


def _likert(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in LIKERT5_VALUES


def _summary(
    forum: Forum, instrument: Instrument, lang: str, municipality: tuple[str, str] | None, day: date,
    scale: float,
) -> tuple[Page, int]:  # fmt: skip
    en = lang == "en"
    sheet = _Sheet(scale)
    s = sheet.px
    width = A4[0]
    full = width - 2 * _MARGIN
    y = _MARGIN - s(10)

    if municipality is not None:
        name = municipality[1] if en and municipality[1] else municipality[0]
        for line in _clamp(wrap_text(name, sheet.font(32, True), full), 2):
            y = sheet.line(line, sheet.font(32, True), _MARGIN, y, centre=True)
    titles = [("สรุปผลเวทีประชาคม", sheet.font(58, True))]
    if en:
        titles.append(("Community forum summary", sheet.font(42, True)))
    band_top = y + s(10)
    band_bottom = band_top + sum(_line_height(f, t) for t, f in titles) + s(16)
    sheet.draw.rectangle([(0, band_top), (width - 1, band_bottom - 1)], fill=0)
    y = band_top + s(8)
    for text, font in titles:
        y = sheet.line(text, font, _MARGIN, y, centre=True, ink=255)
    y = band_bottom + s(14)
    for line in _clamp(wrap_text(forum.community, sheet.font(44, True), full), 2):
        y = sheet.line(line, sheet.font(44, True), _MARGIN, y, centre=True)
    y += s(6)

    # where, when, what for, who ran it
    projects = ", ".join(str(p) for p in forum.projects)
    rows = [
        (pick(lang, "สถานที่", "Place"), forum.place),
        (pick(lang, "วันที่", "Date"), _forum_day(forum, lang)),
        (
            pick(lang, "โครงการตามแผน", "Plan project(s)"),
            pick(lang, f"โครงการที่ {projects}", projects) if projects else pick(lang, "ไม่ระบุ", "not given"),
        ),
        (
            pick(lang, "ผู้ดำเนินการ", "Facilitators"),
            ", ".join(forum.facilitators) or pick(lang, "ไม่ระบุ", "not given"),
        ),
    ]
    if not forum.closed:
        rows.append(
            (
                pick(lang, "สถานะ", "Status"),
                pick(lang, "ยังไม่ปิดเวที ตัวเลขเป็นของเวลาที่พิมพ์", "still open: figures as at printing"),
            )
        )
    label_width = s(250)
    for label, value in rows:
        y = sheet.pair(label, value, _MARGIN, y, label_width, full, size=27, max_lines=2)
    y += s(8)

    # attendance
    y = sheet.heading(pick(lang, "ผู้เข้าร่วม", "Attendance"), y)
    total_text = pick(lang, f"ทั้งหมด {forum.total:,} คน", f"{forum.total:,} people in all")
    y = sheet.line(total_text, sheet.font(40, True), _MARGIN, y)
    notes: list[str] = []
    if forum.signin:
        notes.append(
            pick(
                lang,
                f"ลงชื่อเข้าร่วม {forum.signed_in:,} คน (รายชื่อเก็บไว้ในเครื่องเท่านั้น ไม่เผยแพร่)",
                f"{forum.signed_in:,} signed in (the list stays on the laptop, never published)",
            )
        )
    if forum.corrections:
        notes.append(
            pick(
                lang,
                f"แก้ไขจำนวนผู้เข้าร่วม {forum.corrections} ครั้ง (บันทึกไว้พร้อมเหตุผล)",
                f"head count corrected {forum.corrections} time(s), each with its reason on record",
            )
        )
    for note in notes:
        for line in wrap_text(note, sheet.font(24), full, balance=False):
            y = sheet.line(line, sheet.font(24), _MARGIN, y, ink=60)
    y += s(6)
    gap = s(28)
    column = (full - 2 * gap) // 3
    bottoms = []
    for index, (group, bands) in enumerate(BANDS.items()):
        left = _MARGIN + index * (column + gap)
        bottoms.append(
            sheet.band_table(
                GROUP_NAMES[group][1 if en else 0],
                [(b[2] if en else b[1], forum.counts.get(group, {}).get(b[0], 0)) for b in bands],
                forum.total,
                left,
                y,
                column,
            )
        )
    y = max(bottoms) + s(10)

    # the feedback forms
    y = sheet.heading(pick(lang, "แบบประเมินหลังเวที", "Feedback forms"), y)
    received = pick(lang, f"ได้รับแบบประเมิน {len(forum.forms):,} ฉบับ", f"{len(forum.forms):,} forms received")
    if forum.voided:
        received += pick(lang, f" (ถอนคืน {forum.voided} ฉบับ)", f" ({forum.voided} taken back)")
    y = sheet.line(received, sheet.font(30, True), _MARGIN, y)
    figures = _satisfaction(forum, instrument)
    if figures is None:
        none = pick(lang, "ยังไม่มีแบบประเมิน", "no feedback forms yet")
        if forum.forms:
            none = pick(lang, "ยังไม่มีคำตอบในข้อที่ให้คะแนน", "no answers to the scored questions yet")
        y = sheet.line(none, sheet.font(30), _MARGIN, y)
    else:
        half = (full - gap) // 2
        boxes = [
            (
                pick(lang, f"ร้อยละ {figures.mean_pct:.2f}", f"{figures.mean_pct:.2f} %"),
                pick(
                    lang,
                    f"คะแนนความพึงพอใจเฉลี่ย {figures.mean:.2f} จาก 5",
                    f"mean satisfaction {figures.mean:.2f} out of 5",
                ),
            ),
            (
                pick(lang, f"ร้อยละ {figures.high_pct:.2f}", f"{figures.high_pct:.2f} %"),
                pick(lang, "ของคำตอบอยู่ในระดับมาก–มากที่สุด", "of the answers at much or very much"),
            ),
        ]
        bottom = y
        for index, (big, small) in enumerate(boxes):
            bottom = max(bottom, sheet.stat(big, small, _MARGIN + index * (half + gap), y, half))
        y = bottom + s(4)
        basis = pick(
            lang,
            f"จาก {figures.answers:,} คำตอบในข้อที่ให้คะแนน ของแบบประเมิน {figures.forms:,} ฉบับ",
            f"from {figures.answers:,} answers to the scored questions of {figures.forms:,} forms",
        )
        y = sheet.line(basis, sheet.font(22), _MARGIN, y, ink=60)
    y += s(6)

    # the agenda, most votes first
    ranked = forum.ranked_agenda()
    y = sheet.heading(pick(lang, "เรื่องที่ได้รับเสียงมากที่สุด", "Agenda items with the most votes"), y)
    if not ranked:
        y = sheet.line(
            pick(lang, "ไม่มีวาระให้ลงคะแนน", "no agenda items were put to a vote"), sheet.font(28), _MARGIN, y
        )
    else:
        intro = pick(
            lang,
            f"จากทั้งหมด {len(ranked)} เรื่อง ผู้ตอบเลือกได้คนละไม่เกิน {MAX_VOTES} เรื่อง",
            f"of {len(ranked)} items; each person could pick up to {MAX_VOTES}",
        )
        y = sheet.line(intro, sheet.font(22), _MARGIN, y, ink=60)
        most = max(votes for _, votes in ranked) or 1
        for rank, (item, votes) in enumerate(ranked[:TOP_AGENDA], start=1):
            y = sheet.agenda_row(
                rank, item.title, f"{votes:,}", votes / most, pick(lang, "เสียง", "votes"), y, full
            )

    # the footer: where the figures come from, and when this was printed
    footer = sheet.font(22)
    closing = forum.closing or {}
    head = closing.get("head") if isinstance(closing.get("head"), dict) else None
    lines = [
        pick(
            lang,
            "ตัวเลขทั้งหมดมาจากบันทึกเหตุการณ์แบบห่วงโซ่แฮช (hash chain) ในเครื่องแล็ปท็อปที่ใช้จัดเวที",
            "All figures come from the hash-chained event log on the laptop that ran the forum.",
        )
    ]
    if head is not None:
        seq, digest = head.get("seq", "?"), str(head.get("hash", ""))[:12]
        lines.append(
            pick(
                lang,
                f"หัวห่วงโซ่เมื่อปิดเวที: ลำดับที่ {seq} · {digest}",
                f"chain head at closing: seq {seq} · {digest}",
            )
        )
    else:
        lines.append(pick(lang, "เวทียังไม่ปิด จึงยังไม่มีหัวห่วงโซ่", "the forum is not closed: no chain head yet"))
    lines.append(pick(lang, f"พิมพ์เมื่อ {format_date(day)}", f"printed {format_date(day, lang='en')}"))
    wrapped = [part for line in lines for part in wrap_text(line, footer, full)]
    height = sum(_line_height(footer, line) for line in wrapped)
    foot = A4[1] - _MARGIN - height
    sheet.draw.line([(_MARGIN, foot - s(10)), (width - _MARGIN, foot - s(10))], fill=120, width=2)
    for line in wrapped:
        foot = sheet.line(line, footer, _MARGIN, foot, centre=True, ink=60)
    return sheet.page, y + s(20) + height


def _forum_day(forum: Forum, lang: str) -> str:
    try:
        day = date.fromisoformat(forum.date)
    except ValueError:
        return forum.date
    return format_date(day, lang=lang)


# -- code slips ---------------------------------------------------------------------------------------


def render_code_slips(title: str, codes: list[str], out: Path) -> Path:
    """Write ``codes`` as cut-out slips, one code each, to ``out`` (``.png`` for one page of at most
    24 codes, ``.pdf`` for any number, 24 a page); returns ``out``."""
    suffix = _suffix(out)
    shown = [" ".join(code.split()) for code in codes if code.strip()]
    if not shown:
        raise PrintoutError("no_codes", "ไม่มีรหัสให้พิมพ์", "there are no codes to print")
    pages = [shown[i : i + SLIPS_PER_PAGE] for i in range(0, len(shown), SLIPS_PER_PAGE)]
    if suffix == ".png" and len(pages) > 1:
        raise PrintoutError(
            "too_many_for_png",
            f"รหัส {len(shown)} รหัสต้องใช้ {len(pages)} หน้า แต่ไฟล์ PNG มีได้หน้าเดียว "
            f"(หน้าละ {SLIPS_PER_PAGE} รหัส): บันทึกเป็น .pdf แทน",
            f"{len(shown)} codes need {len(pages)} pages but a PNG holds one "
            f"({SLIPS_PER_PAGE} codes a page): save as .pdf instead",
        )
    sheets = [_slip_page(title.strip(), chunk) for chunk in pages]
    return _save(sheets, out, suffix, f"{title} · รหัสตอบแบบสำรวจ / survey codes")


def _slip_page(title: str, codes: Sequence[str]) -> Page:
    sheet = _Sheet(1.0)
    left, top = 40, 45
    width = (A4[0] - 2 * left) // SLIP_COLUMNS
    height = (A4[1] - 2 * top) // SLIP_ROWS
    for index, code in enumerate(codes):
        row, col = divmod(index, SLIP_COLUMNS)
        x, y = left + col * width, top + row * height
        _slip(sheet, title, code, x, y, width, height)
        for start, end in (((x, y), (x + width, y)), ((x, y + height), (x + width, y + height))):
            _dashed(sheet.draw, start, end)  # cut lines: a slip's neighbour draws the same dashes
        for start, end in (((x, y), (x, y + height)), ((x + width, y), (x + width, y + height))):
            _dashed(sheet.draw, start, end)
    return sheet.page


def _slip(sheet: _Sheet, title: str, code: str, left: int, top: int, width: int, height: int) -> None:
    inner = width - 48
    title_font, title_lines = fit_font(title, inner, 24, 17, bold=True)
    title_lines = _clamp(title_lines, 2)
    th_font, th_lines = fit_font(SLIP_LINE_TH, inner, 21, 16)
    en_font, en_lines = fit_font(SLIP_LINE_EN, inner, 16, 13)
    code_font, _ = fit_font(code, inner, 74, 30, bold=True)
    parts: list[tuple[str, ImageFont.FreeTypeFont, int]] = [(line, title_font, 40) for line in title_lines]
    parts += [(code, code_font, 0)]
    parts += [(line, th_font, 0) for line in th_lines] + [(line, en_font, 70) for line in en_lines]
    used = sum(_line_height(font, text) for text, font, _ in parts)
    y = top + max(4, (height - used) // 2)
    for text, font, ink in parts:
        y = sheet.line(text, font, left, y, centre=True, ink=ink, centre_width=width)


def _dashed(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int]) -> None:
    (x0, y0), (x1, y1) = start, end
    dash, gap = 14, 10
    length = max(abs(x1 - x0), abs(y1 - y0))
    for offset in range(0, length, dash + gap):
        stop = min(offset + dash, length)
        if y0 == y1:
            draw.line([(x0 + offset, y0), (x0 + stop, y0)], fill=110, width=2)
        else:
            draw.line([(x0, y0 + offset), (x0, y0 + stop)], fill=110, width=2)


# -- drawing ------------------------------------------------------------------------------------------


@dataclass
class _Sheet:
    """A white A4 page at 150 dpi with what is drawn on it: every line of text also goes to ``runs``
    (for the PDF's text layer). Sizes given to its methods are at scale 1."""

    scale: float
    image: Image.Image = field(init=False)
    draw: ImageDraw.ImageDraw = field(init=False)
    runs: list[TextRun] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.image = Image.new("L", A4, 255)
        self.draw = ImageDraw.Draw(self.image)

    @property
    def page(self) -> Page:
        return Page(self.image, self.runs)

    def px(self, value: int) -> int:
        return round(value * self.scale)

    def font(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        return load_font(self.px(size), bold)

    def line(
        self, text: str, font: ImageFont.FreeTypeFont, left: int, y: int, *, centre: bool = False,
        ink: int = 0, right: int | None = None, centre_width: int | None = None, like: str | None = None,
    ) -> int:  # fmt: skip
        """Draw one line with its top at ``y`` (flush left, centred on the page or in ``centre_width``
        from ``left``, or flush right at ``right``); the top of the next line. ``like``: set it on the
        baseline of that text (a number beside Thai words sits on their baseline)."""
        drawn = text_width(font, text)
        x = left
        if centre:
            span = centre_width if centre_width is not None else A4[0] - 2 * left
            x = left + (span - drawn) // 2
        elif right is not None:
            x = right - drawn
        baseline = y + round(font.size * _metrics(like or text)[0])
        self.draw.text((x, baseline), text, font=font, fill=ink, anchor="ls")
        self.runs.append(TextRun(x, baseline, font.size, text, drawn))
        return y + _line_height(font, like or text)

    def heading(self, text: str, y: int) -> int:
        y = self.line(text, self.font(34, True), _MARGIN, y + self.px(6))  # apart from the lines above
        self.draw.line([(_MARGIN, y), (A4[0] - _MARGIN, y)], fill=0, width=3)
        return y + self.px(18)  # room for the tone marks of the next line's first word

    def pair(
        self, label: str, value: str, left: int, y: int, label_width: int, full: int, size: int,
        max_lines: int,
    ) -> int:  # fmt: skip
        """A label in bold and its value beside it, wrapped within the page."""
        bold, regular = self.font(size, True), self.font(size)
        lines = _clamp(wrap_text(value, regular, full - label_width, balance=False), max_lines)
        self.line(label, bold, left, y, like=(lines[0] if lines else "") + label)
        for line in lines:
            y = self.line(line, regular, left + label_width, y, like=line + label)
        return y

    def band_table(
        self, group: str, rows: Sequence[tuple[str, int]], total: int, left: int, y: int, width: int
    ) -> int:
        """A group's head counts: each band's name, count, and a bar of its share of the total."""
        y = self.line(group, self.font(26, True), left, y)
        font = self.font(22)
        bar = self.px(8)
        for label, count in rows:
            bottom = self.line(label, font, left, y, like="ก")
            self.line(f"{count:,}", self.font(22, True), left, y, right=left + width, like="ก")
            share = count / total if total else 0.0
            self.draw.rectangle([(left, bottom), (left + width - 1, bottom + bar - 1)], fill=230)
            if share > 0:
                self.draw.rectangle(
                    [(left, bottom), (left + max(2, round(width * share)) - 1, bottom + bar - 1)], fill=70
                )
            y = bottom + bar + self.px(2)
        return y

    def stat(self, big: str, small: str, left: int, y: int, width: int) -> int:
        """A figure in large type over what it is, in a box."""
        top = y
        y += self.px(8)
        y = self.line(big, self.font(44, True), left, y, centre=True, centre_width=width)
        for line in wrap_text(small, self.font(24), width - self.px(24)):
            y = self.line(line, self.font(24), left, y, centre=True, centre_width=width)
        y += self.px(6)
        self.draw.rectangle([(left, top), (left + width - 1, y)], outline=0, width=2)
        return y + self.px(4)

    def agenda_row(
        self, rank: int, title: str, votes: str, share: float, unit: str, y: int, full: int
    ) -> int:
        """One ranked agenda item: its rank, title (at most two lines), a bar and its votes."""
        font, bold = self.font(26), self.font(26, True)
        rank_width, votes_width = self.px(50), self.px(130)
        title_width = full - rank_width - votes_width
        lines = _clamp(wrap_text(title, font, title_width - self.px(10), balance=False), 2)
        self.line(f"{rank}.", bold, _MARGIN, y, like=lines[0])
        top = y
        for line in lines:
            y = self.line(line, font, _MARGIN + rank_width, y)
        self.line(f"{votes} {unit}", bold, _MARGIN, top, right=_MARGIN + full, like=lines[0])
        bar_left, bar = _MARGIN + rank_width, self.px(12)
        span = title_width - self.px(10)
        self.draw.rectangle([(bar_left, y), (bar_left + span - 1, y + bar)], fill=230)
        if share > 0:
            self.draw.rectangle(
                [(bar_left, y), (bar_left + max(2, round(span * share)) - 1, y + bar)], fill=40
            )
        return y + bar + self.px(8)


def _metrics(text: str) -> tuple[float, float]:
    """Room above and below the baseline, in em: Thai needs room for stacked marks and vowels below
    (1.5 em a line, as Thai print uses); Latin less."""
    return (1.1, 0.4) if _THAI.search(text) else (0.95, 0.3)


def _line_height(font: ImageFont.FreeTypeFont, text: str) -> int:
    above, below = _metrics(text)
    return round(font.size * (above + below))


def _clamp(lines: list[str], most: int) -> list[str]:
    """At most ``most`` lines; the last one shown ends with "…" when some were left out."""
    if len(lines) <= most:
        return lines
    return [*lines[: most - 1], lines[most - 1].rstrip() + " …"]


def _fitted(layout: Callable[[float], tuple[Page, int]]) -> Page:
    """The layout at the largest scale whose content stays clear of the footer."""
    for scale in (1.0, 0.94, 0.88, 0.82, 0.76, 0.7):
        page, used = layout(scale)
        if used <= A4[1] - _MARGIN:
            return page
    return page


# -- saving -------------------------------------------------------------------------------------------


def _suffix(out: Path) -> str:
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        raise PrintoutError(
            "format",
            f"บันทึกได้เป็นไฟล์ .png หรือ .pdf เท่านั้น ไม่ใช่ {Path(out).name!r}: เปลี่ยนนามสกุลไฟล์แล้วลองอีกครั้ง",
            f"save as .png or .pdf, not {Path(out).name!r}: change the file name's ending and try again",
        )
    return suffix


def _check_lang(lang: str) -> None:
    if lang not in ("th", "en"):
        raise PrintoutError("lang", f"ภาษาต้องเป็น th หรือ en ไม่ใช่ {lang!r}", f"lang is th or en, not {lang!r}")


def _save(pages: Sequence[Page], out: Path, suffix: str, title: str) -> Path:
    out = Path(out)
    if suffix == ".pdf":
        data = pdf_bytes(pages, DPI, title)
    else:
        buffer = io.BytesIO()
        pages[0].image.save(buffer, format="PNG", dpi=(DPI, DPI))
        data = buffer.getvalue()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise PrintoutError(
            "unwritable",
            f"บันทึกไฟล์ {out.name} ลงโฟลเดอร์ {out.parent} ไม่ได้ ({reason}): "
            "เลือกโฟลเดอร์อื่น หรือตรวจสิทธิ์การเขียนและพื้นที่ว่างของโฟลเดอร์นี้",
            f"{out.name} can't be saved in {out.parent} ({reason}): choose another folder, "
            "or check that this one can be written to and has space",
        ) from None
    return out
