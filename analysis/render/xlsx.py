"""``report.xlsx``: a "สรุป" (summary) sheet with every target's verdict, then one sheet per table.

Headers are the columns' Thai names (bold, frozen). Figures stay numbers (shown to two decimals), a
suppressed cell is the text ``<5``. Sheet names are the table ids cut to Excel's 31 characters, with the
characters Excel forbids replaced, and made unique.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.render.labels import (
    certainty_label,
    column_label,
    interval_text,
    table_rows,
    thai_or_english,
    verdict_label,
)

SUMMARY_SHEET = "สรุป"
SUMMARY_HEADERS = [
    "โครงการที่", "โครงการ", "ตัวชี้วัด", "รหัสตัวชี้วัด", "ค่าที่ได้", "เครื่องหมาย", "เกณฑ์", "หน่วย",
    "ผลการประเมิน", "ความแน่นอน", "ช่วงความเชื่อมั่น 95%", "n", "เหตุผล", "กรอกด้วยมือ",
]  # fmt: skip
MAX_SHEET_NAME = 31


def write_xlsx(report: dict[str, Any], path: Path | str) -> Path:
    """Write the workbook to ``path``; returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    rows: list[list[Any]] = []
    for project in report.get("projects") or []:
        for t in project.get("targets") or []:
            rows.append([
                project.get("number"), thai_or_english(project, "name", "th"),
                thai_or_english(t, "text", "th"), t.get("id"), t.get("value"), t.get("comparison"),
                t.get("threshold"), t.get("unit"),
                verdict_label(t.get("verdict"), "th"), certainty_label(t.get("certainty"), "th"),
                interval_text(t) if t.get("interval") else None, t.get("n"),
                thai_or_english(t, "reason", "th") or None, "ใช่" if t.get("entered_by_hand") else "ไม่ใช่",
            ])  # fmt: skip
    _fill(summary, SUMMARY_HEADERS, rows)
    names = {SUMMARY_SHEET}
    for table_id, table in (report.get("tables") or {}).items():
        sheet = book.create_sheet(sheet_name(table_id, names))
        names.add(sheet.title)
        columns = table.get("columns") or []
        _fill(
            sheet,
            [column_label(column, "th") for column in columns],
            [[row.get(column["id"]) for column in columns] for row in table_rows(table)],
        )
    book.save(target)
    return target


def sheet_name(table_id: str, taken: set[str]) -> str:
    """``table_id`` as an Excel sheet name: no ``[]:*?/\\``, at most 31 characters, not in ``taken``
    (compared as Excel does, ignoring case); a clash gets ``~2``, ``~3`` … at the end."""
    base = re.sub(r"[\[\]:*?/\\]", "_", str(table_id)).strip("'") or "table"
    lowered = {name.lower() for name in taken}
    name, counter = base[:MAX_SHEET_NAME], 1
    while name.lower() in lowered:
        counter += 1
        suffix = f"~{counter}"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    return name


def _fill(sheet: Worksheet, headers: list[str], rows: list[list[Any]]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        longest = max([len(str(header))] + [len(str(r[index - 1])) for r in rows if r[index - 1] is not None])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest + 2))
