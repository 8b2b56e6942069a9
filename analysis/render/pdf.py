"""``report.pdf``: the report on A4, what a municipality posts on its website.

fpdf2 with its text shaping (HarfBuzz, through uharfbuzz) sets Thai the way a browser does: a tone mark
over an upper vowel (``ที่``, ``น้ำ``) is lifted, a mark below a tall letter moves down. The font is
Sarabun from the ``fontpkg-sarabun`` package.

Thai writes no spaces between words, so lines are broken here, not by fpdf2: PyThaiNLP's ``newmm``
word segmentation (a dictionary, offline) gives the places a line may end, and a word wider than a
whole line is cut between letters, never between a letter and its marks. Every line is then set as one
shaped cell. The charts are drawn with fpdf2's own rectangles and shaped text (an image of a chart would
carry Thai glyphs placed without shaping).

The PDF is laid out twice: once to count its pages, then for real, so each footer says ``หน้า 2 จาก 5``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from analysis.render import charts, labels
from analysis.render.linebreak import clusters, newmm, words

FONT = labels.FONT_FAMILY
MARGIN = 15.0  # mm
LINE = 5.2  # mm, body text at 10 pt
PAD = 1.2  # mm inside a table cell
ORANGE = (239, 108, 0)
HEADER_FILL = (227, 242, 253)
VERDICT_FILL = {
    "met": (46, 125, 50),
    "not_met": (198, 40, 40),
    "inconclusive": (158, 158, 158),
    "no_data": (189, 189, 189),
}
BAR = (21, 101, 192)


def write_pdf(report: dict[str, Any], path: Path | str) -> Path:
    """Write the report as an A4 PDF at ``path``; returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    counting = _layout(report, total_pages=None)
    pages = counting.pages_count
    _close_fonts(counting)
    final = _layout(report, total_pages=pages)
    final.output(str(target))
    _close_fonts(final)
    return target


def _close_fonts(pdf: FPDF) -> None:
    """fpdf2 reads fonts lazily and leaves their files open; close them (no ResourceWarning)."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


# -- Thai line breaking -------------------------------------------------------------------------------


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` as lines no wider than ``width`` (mm, in the current font): breaks at spaces and
    between Thai words; a single word wider than the line is cut between letter clusters."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        paragraph = " ".join(paragraph.split())
        if pdf.get_string_width(paragraph) <= width:
            lines.append(paragraph)
            continue
        line = ""
        tokens: list[str] = []
        for chunk in words(paragraph):  # a chunk too wide for a line: back to newmm's words
            tokens.extend(newmm(chunk) if pdf.get_string_width(chunk) > width else [chunk])
        for token in tokens:
            candidate = line + token
            if not line.strip() or pdf.get_string_width(candidate.rstrip()) <= width:
                line = candidate
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
            while pdf.get_string_width(line.rstrip()) > width and len(clusters(line.rstrip())) > 1:
                head, line = _cut(pdf, line.rstrip(), width)
                lines.append(head)
        if line.strip():
            lines.append(line.rstrip())
    return lines


def _cut(pdf: FPDF, text: str, width: float) -> tuple[str, str]:
    parts = clusters(text)
    cut = 1
    while cut < len(parts) and pdf.get_string_width("".join(parts[: cut + 1])) <= width:
        cut += 1
    return "".join(parts[:cut]), "".join(parts[cut:])


# -- the document -------------------------------------------------------------------------------------


class _ReportPDF(FPDF):
    def __init__(self, total_pages: int | None, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.total_pages = total_pages
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(97, 97, 97)
        total = f" จาก {self.total_pages}" if self.total_pages else ""
        self.cell(0, 5, f"{self.footer_text}    หน้า {self.page_no()}{total}", align="R")
        self.set_text_color(0, 0, 0)


def _layout(report: dict[str, Any], total_pages: int | None) -> _ReportPDF:
    period = labels.thai_or_english(report.get("period") or {}, "label", "th")
    footer = f"{labels.pick(report.get('municipality'), 'th')} · {period}"
    pdf = _ReportPDF(total_pages, footer)
    pdf.add_font(FONT, "", str(labels.FONT_REGULAR))
    pdf.add_font(FONT, "B", str(labels.FONT_BOLD))
    pdf.set_text_shaping(True)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"รายงานผลการดำเนินงานตามแผน {footer}")
    pdf.set_creator("prongsai")
    pdf.set_lang("th")
    _cover(pdf, report)
    tables = report.get("tables") or {}
    suggestions = report.get("suggestions") or {} if report.get("edition") == "staff" else {}
    for project in report.get("projects") or []:
        pdf.add_page()
        _project(pdf, report, project, [str(s) for s in suggestions.get(f"p{project.get('number')}", [])])
    pdf.add_page()
    services = [t for t in report.get("services") or [] if t in tables]
    if services:
        _heading(pdf, "สถิติการให้บริการ", 14)
        for table_id in services:
            _data_table(pdf, tables[table_id])
    fairness = [t for t in report.get("fairness") or [] if t in tables]
    if fairness:
        _heading(pdf, "ความเป็นธรรมในการเรียกคิว", 14)
        for table_id in fairness:
            _data_table(pdf, tables[table_id])
    forum = [t for t in report.get("forum") or [] if t in tables]
    if forum:
        _heading(pdf, "เวทีประชาคม", 14)
        for table_id in forum:
            _data_table(pdf, tables[table_id])
        texts = report.get("forum_suggestions") or [] if report.get("edition") == "staff" else []
        if texts:
            _heading(pdf, "ข้อเสนอแนะจากเวทีประชาคม (ข้อความตามที่ผู้ตอบเขียน เฉพาะฉบับเจ้าหน้าที่)", 11)
            for text in texts:
                _paragraph(pdf, f"• {text}", 10)
    staff = [t for t in report.get("staff_surveys") or [] if t in tables]
    if staff:
        _heading(pdf, "การสำรวจบุคลากร", 14)
        _paragraph(pdf, "ทั้งฉบับเผยแพร่และฉบับเจ้าหน้าที่ไม่แสดงกลุ่มที่มีผู้ตอบน้อยกว่า 5 คน", 9)
        for table_id in staff:
            _data_table(pdf, tables[table_id])
    complaints = [t for t in report.get("complaints") or [] if t in tables]
    if complaints:
        _heading(pdf, "เรื่องร้องเรียนและเบาะแสการทุจริต", 14)
        _paragraph(
            pdf,
            "ข้อมูลเชิงสถิติเรื่องร้องเรียนสำหรับเผยแพร่เป็นข้อมูลเปิด เบาะแสการทุจริตนับแยกจากเรื่องร้องเรียนทั่วไป "
            "ฉบับเผยแพร่แสดงเฉพาะจำนวน ไม่มีชื่อหรือช่องทางติดต่อผู้ร้องเรียนในรายงานทุกฉบับ",
            9,
        )
        for table_id in complaints:
            _data_table(pdf, tables[table_id])
    if report.get("integrity"):
        _integrity(pdf, report)
    return pdf


def _cover(pdf: _ReportPDF, report: dict[str, Any]) -> None:
    pdf.add_page()
    _paragraph(pdf, labels.pick(report.get("municipality"), "th"), 13, bold=True)
    _paragraph(pdf, "รายงานผลการดำเนินงานตามแผน", 22, bold=True)
    _paragraph(pdf, labels.thai_or_english(report.get("plan") or {}, "title", "th"), 13)
    period = report.get("period") or {}
    _paragraph(pdf, labels.thai_or_english(period, "label", "th"), 12)
    _paragraph(pdf, f"ช่วงข้อมูล {labels.period_text(period, 'th')}", 11)
    edition = (
        "ฉบับสำหรับเจ้าหน้าที่ (มีข้อเสนอแนะของผู้ตอบ ห้ามเผยแพร่)" if report.get("edition") == "staff" else "ฉบับเผยแพร่"
    )
    _paragraph(pdf, edition, 11, bold=True)
    pdf.ln(3)
    _warnings(pdf, report.get("warnings") or [])
    _heading(pdf, "สรุปผลตามตัวชี้วัด", 14)
    rows = [
        [str(p.get("number")), labels.thai_or_english(t, "text", "th"),
         labels.with_unit(t.get("value"), t.get("unit"), "th"), labels.threshold_text(t, "th"),
         labels.verdict_label(t.get("verdict"), "th")]
        for p, t in labels.all_targets(report)
    ]  # fmt: skip
    _table(pdf, ["โครงการ", "ตัวชี้วัด", "ผลที่ได้", "เกณฑ์", "ผลการประเมิน"], rows, [16, 84, 26, 30, 24], "CLRRL")


def _warnings(pdf: _ReportPDF, warnings: Sequence[dict[str, Any]]) -> None:
    width = pdf.epw
    pdf.set_font(FONT, "B", 13)
    texts = [labels.pick(w, "th") for w in warnings] or [
        "ไม่มีข้อควรระวัง: ทุกตัวเลขมาจากข้อมูลที่ตรวจสอบผ่านและไม่มีข้อมูลจำลอง"
    ]
    pdf.set_font(FONT, "", 10.5)
    lines = [wrap(pdf, text, width - 12) for text in texts]
    height = 9 + sum(len(block) for block in lines) * LINE + 4
    top = pdf.get_y()
    pdf.set_draw_color(*ORANGE)
    pdf.set_line_width(0.8)
    pdf.set_fill_color(255, 243, 224)
    pdf.rect(MARGIN, top, width, height, style="DF")
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_xy(MARGIN + 4, top + 2)
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 7, "ข้อควรทราบก่อนอ่าน", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10.5)
    for block in lines:
        for index, line in enumerate(block):
            pdf.set_x(MARGIN + 4)
            pdf.cell(4, LINE, "•" if index == 0 else "")
            pdf.cell(0, LINE, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + height + 3)


def _project(
    pdf: _ReportPDF, report: dict[str, Any], project: dict[str, Any], suggestions: list[str]
) -> None:
    _heading(pdf, f"โครงการที่ {project.get('number')}: {labels.thai_or_english(project, 'name', 'th')}", 14)
    rows = []
    for t in project.get("targets") or []:
        verdict = labels.verdict_label(t.get("verdict"), "th")
        if t.get("certainty"):
            verdict += f" ({labels.certainty_label(t['certainty'], 'th').split(' ')[0]})"
        rows.append([
            labels.thai_or_english(t, "text", "th"), labels.with_unit(t.get("value"), t.get("unit"), "th"),
            labels.threshold_text(t, "th"), verdict, labels.interval_text(t), labels.number(t.get("n")),
        ])  # fmt: skip
    _table(pdf, ["ตัวชี้วัด", "ผลที่ได้", "เกณฑ์", "ผลการประเมิน", "ช่วงความเชื่อมั่น 95%", "n"], rows,
           [62, 24, 26, 26, 26, 16], "LRRLRR")  # fmt: skip
    pdf.set_font(FONT, "", 9)
    for t in project.get("targets") or []:
        details = _details(t)
        if details:
            _paragraph(pdf, f"{t.get('id')}: {details}", 9)
    targets = charts.percent_targets(project)
    if targets:
        pdf.ln(2)
        _bar_chart(
            pdf,
            "ผลเทียบเกณฑ์ (ร้อยละ; เส้นดำ = เกณฑ์)",
            [(labels.thai_or_english(t, "text", "th"), float(t["value"]), t.get("threshold"),
              VERDICT_FILL.get(str(t.get("verdict")), BAR)) for t in targets],
            100.0,
        )  # fmt: skip
    tables = report.get("tables") or {}
    for table_id in project.get("tables") or []:
        if table_id in tables:
            _data_table(pdf, tables[table_id])
            if str(table_id).endswith("aspects"):
                _aspects_chart(pdf, tables[table_id])
    if suggestions:
        _heading(pdf, "ข้อเสนอแนะจากผู้ตอบ (ข้อความตามที่ผู้ตอบเขียน)", 11)
        for text in suggestions:
            _paragraph(pdf, f"• {text}", 10)


def _details(t: dict[str, Any]) -> str:
    parts = []
    reason = labels.thai_or_english(t, "reason", "th")
    if reason:
        parts.append(reason)
    for extra in (labels.change_text(t, "th"), labels.thai_or_english(t, "note", "th")):
        if extra:
            parts.append(extra)
    if t.get("kind") == "satisfaction" and t.get("n"):
        parts.append(
            f"x̄ = {labels.number(t.get('mean'))} ({labels.thai_or_english(t, 'band', 'th')}), "
            f"S.D. = {labels.number(t.get('sd'))}, ร้อยละของค่าเฉลี่ย = {labels.number(t.get('mean_pct'))}, "
            f"ร้อยละที่ตอบ มาก/มากที่สุด = {labels.number(t.get('top2_pct'))}"
        )
        counts = t.get("counts") or {}
        if counts:
            services = ", ".join(counts.get("services") or []) or "ทุกงานบริการ"
            parts.append(f"คำตอบที่นับ: แบบสอบถาม {counts.get('instrument')}; งานบริการ: {services}")
    if t.get("entered_by_hand"):
        parts.append("กรอกด้วยมือ")
    return "; ".join(parts)


def _integrity(pdf: _ReportPDF, report: dict[str, Any]) -> None:
    integrity = report["integrity"]
    _heading(pdf, "ความถูกต้องของข้อมูล", 14)
    rows = []
    for d in integrity.get("devices") or []:
        gaps = ", ".join(
            "–".join(str(x) for x in g) if isinstance(g, list) else str(g) for g in d.get("gaps") or []
        )
        rows.append([
            str(d.get("device")), str(d.get("name") or ""), "ผ่าน" if d.get("verified") else "ไม่ผ่าน",
            f"{d.get('first_seq')}–{d.get('last_seq')}", gaps or "–", labels.number(d.get("quarantined")),
            labels.number(d.get("refused_ratings")), "ใช่" if d.get("demo") else "ไม่ใช่",
        ])  # fmt: skip
    _table(pdf, ["เครื่อง", "ชื่อ", "ตรวจสอบห่วงโซ่", "ลำดับที่อ่าน", "ช่วงที่ขาด", "กักไว้", "ปฏิเสธการประเมินซ้ำ",
                 "เครื่องสาธิต"], rows, [24, 34, 20, 22, 22, 14, 22, 22], "LLLRLRRL")  # fmt: skip
    cannot_see = labels.thai_or_english(integrity, "cannot_see", "th")
    if cannot_see:
        _paragraph(pdf, cannot_see, 9)
    digest = (report.get("evidence") or {}).get("digest")
    if digest:
        _paragraph(pdf, f"ลายนิ้วมือของเหตุการณ์ที่ใช้: {digest}", 8)


# -- building blocks ----------------------------------------------------------------------------------


def _heading(pdf: _ReportPDF, text: str, size: float) -> None:
    if pdf.get_y() + 20 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2)
    _paragraph(pdf, text, size, bold=True)
    pdf.ln(1)


def _paragraph(pdf: _ReportPDF, text: str, size: float, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    height = size * 0.5
    for line in wrap(pdf, text, pdf.epw):
        pdf.cell(0, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _data_table(pdf: _ReportPDF, table: dict[str, Any]) -> None:
    columns = table.get("columns") or []
    _heading(pdf, labels.thai_or_english(table, "title", "th"), 11)
    rows = [[labels.number(row.get(c["id"])) for c in columns] for row in labels.table_rows(table)]
    numeric = [
        all(isinstance(row.get(c["id"]), int | float | type(None)) or row.get(c["id"]) == labels.SUPPRESSED
            for row in table.get("rows") or [])
        for c in columns
    ]  # fmt: skip
    aligns = "".join("R" if n else "L" for n in numeric)
    pdf.set_font(FONT, "", 9)
    natural = [
        max([pdf.get_string_width(w) for w in words(labels.column_label(c, "th")) if w.strip()] + [8.0]
            + [pdf.get_string_width(r[i]) for r in rows])
        for i, c in enumerate(columns)
    ]  # fmt: skip
    headers = [labels.column_label(c, "th") for c in columns]
    widths = [min(n, 70.0) + 2 * PAD for n in natural]
    _table(pdf, headers, rows, widths, aligns, bold_last=bool(table.get("total")))
    note = labels.thai_or_english(table, "note", "th")
    if note:
        _paragraph(pdf, note, 8.5)
    if table.get("suppressed"):
        _paragraph(pdf, "ช่องที่แสดง <5 มีผู้ตอบน้อยกว่า 5 คน จึงไม่แสดงตัวเลข", 8.5)


def _table(
    pdf: _ReportPDF,
    headers: list[str],
    rows: list[list[str]],
    widths: list[float],
    aligns: str,
    bold_last: bool = False,
) -> None:
    """A table across the text width (``widths`` scaled to it), cells wrapped at word boundaries, the
    header repeated on each new page."""
    scale = pdf.epw / sum(widths)
    widths = [w * scale for w in widths]
    size, line = 9.0, 4.6

    def row_lines(cells: list[str], style: str) -> list[list[str]]:
        pdf.set_font(FONT, "B" if style in ("B", "HEADER") else "", size)
        return [wrap(pdf, cell, w - 2 * PAD) or [""] for cell, w in zip(cells, widths, strict=True)]

    def draw(cells: list[str], style: str, fill: tuple[int, int, int] | None, align: str) -> None:
        lines = row_lines(cells, style)
        height = max(len(block) for block in lines) * line + 2 * PAD
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if style != "HEADER":
                draw(headers, "HEADER", HEADER_FILL, "L" * len(headers))
        pdf.set_font(FONT, "B" if style in ("B", "HEADER") else "", size)
        x, y = MARGIN, pdf.get_y()
        for block, w, a in zip(lines, widths, align, strict=True):
            if fill:
                pdf.set_fill_color(*fill)
            pdf.rect(x, y, w, height, style="DF" if fill else "D")
            for index, text in enumerate(block):
                pdf.set_xy(x + PAD, y + PAD + index * line)
                pdf.cell(w - 2 * PAD, line, text, align=a)
            x += w
        pdf.set_xy(MARGIN, y + height)

    draw(headers, "HEADER", HEADER_FILL, "L" * len(headers))
    for index, cells in enumerate(rows):
        last = bold_last and index == len(rows) - 1
        draw(cells, "B" if last else "", (245, 245, 245) if last else None, aligns)
    pdf.ln(2)


def _aspects_chart(pdf: _ReportPDF, table: dict[str, Any]) -> None:
    columns = [c["id"] for c in table.get("columns") or []]
    key = "mean_pct" if "mean_pct" in columns else "mean" if "mean" in columns else None
    if key is None:
        return
    items: list[tuple[str, float | str, Any, tuple[int, int, int]]] = []
    for row in labels.table_rows(table):
        value = row.get(key)
        shown = (
            float(value)
            if isinstance(value, int | float) and not isinstance(value, bool)
            else labels.number(value)
        )
        items.append((str(row.get(columns[0], "")), shown, None, BAR))
    top = 100.0 if key == "mean_pct" else 5.0
    _bar_chart(pdf, "ร้อยละของค่าเฉลี่ยรายด้าน" if key == "mean_pct" else "ค่าเฉลี่ยรายด้าน (1–5)", items, top)


def _bar_chart(
    pdf: _ReportPDF,
    title: str,
    items: Sequence[tuple[str, float | str, Any, tuple[int, int, int]]],
    top: float,
) -> None:
    """Horizontal bars: a label, a bar to ``value`` on a 0–``top`` axis, the threshold as a black tick,
    the value written after the bar (a text value such as ``<5`` draws no bar)."""
    label_w, gap, row_h = 62.0, 3.0, 6.0
    bar_w = pdf.epw - label_w - gap - 18
    height = 7 + len(items) * row_h + 7
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font(FONT, "B", 9.5)
    pdf.cell(0, 6, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    x0 = MARGIN + label_w + gap
    y = pdf.get_y() + 1
    pdf.set_font(FONT, "", 8.5)
    for label, value, threshold, colour in items:
        text = wrap(pdf, label, label_w)
        pdf.set_xy(MARGIN, y)
        pdf.cell(label_w, row_h, text[0] + ("…" if len(text) > 1 else ""), align="R")
        if isinstance(value, float):
            pdf.set_fill_color(*colour)
            pdf.rect(x0, y + 1, bar_w * max(0.0, min(value, top)) / top, row_h - 2, style="F")
            pdf.set_xy(x0 + bar_w * min(value, top) / top + 1, y)
            pdf.cell(16, row_h, f"{value:.2f}")
        else:
            pdf.set_xy(x0 + 1, y)
            pdf.cell(16, row_h, value)
        if isinstance(threshold, int | float):
            tx = x0 + bar_w * min(float(threshold), top) / top
            pdf.set_line_width(0.6)
            pdf.line(tx, y, tx, y + row_h)
            pdf.set_line_width(0.2)
        y += row_h
    pdf.line(x0, y, x0 + bar_w, y)
    pdf.set_font(FONT, "", 7.5)
    for step in range(6):
        tick = top * step / 5
        tx = x0 + bar_w * step / 5
        pdf.line(tx, y, tx, y + 1)
        pdf.set_xy(tx - 6, y + 1)
        pdf.cell(12, 4, f"{tick:g}", align="C")
    pdf.set_xy(MARGIN, y + 7)
