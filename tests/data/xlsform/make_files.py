"""Writes the bad XLSForms of this folder, one per refused feature (run it to regenerate them).

Each is a small, otherwise good form (header row 1, the offending row noted in ``BAD``) so that the
test can assert the sheet, row, column and reason. Run: ``python tests/data/xlsform/make_files.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

HERE = Path(__file__).parent
HEAD = ["type", "name", "label::Thai (th)", "label::English (en)", "required", "relevant", "constraint"]
SETTINGS = [["form_id", "form_title", "default_language"], ["bad-form", "แบบทดสอบ", "Thai (th)"]]
CHOICES = [
    ["list_name", "name", "label::Thai (th)", "label::English (en)"],
    ["yn", "yes", "ใช่", "Yes"],
    ["yn", "no", "ไม่ใช่", "No"],
]
GOOD = ["select_one yn", "visited", "เคยมาหรือไม่", "Have you been here before?", "yes"]

# name → extra survey rows after GOOD (row 2 is GOOD, so the first extra row is row 3)
BAD: dict[str, list[list[Any]]] = {
    "geopoint": [["geopoint", "where", "ที่อยู่", "Location"]],
    "calculate": [["calculate", "twice", "", "", "", "", ""]],
    "repeat": [
        ["begin_repeat", "people", "คนในบ้าน", "People"],
        ["text", "who", "ชื่อ", "Name"],
        ["end_repeat"],
    ],
    "relevant-function": [["text", "why", "เพราะอะไร", "Why?", "", "string-length(${visited}) > 2"]],
    "missing-list": [["select_one stars", "stars", "กี่ดาว", "How many stars?"]],
    "nested-group": [
        ["begin_group", "outer", "นอก", "Outer"],
        ["begin_group", "inner", "ใน", "Inner"],
        ["text", "why", "เพราะอะไร", "Why?"],
        ["end_group"],
        ["end_group"],
    ],
    "or-other": [["select_one yn or_other", "again", "จะมาอีกไหม", "Will you come again?"]],
    "regex-constraint": [["text", "code", "รหัส", "Code", "", "", "regex(., '^[0-9]+$')"]],
    "later-relevant": [
        ["text", "why", "เพราะอะไร", "Why?", "", "${later} = 'yes'"],
        ["select_one yn", "later", "ภายหลัง", "Later"],
    ],
    "bad-name": [["text", "Why", "เพราะอะไร", "Why?"]],
}


def write(name: str, survey: list[list[Any]], extra_column: str | None = None) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    head = [*HEAD, extra_column] if extra_column else HEAD
    for row in [head, GOOD, *survey]:
        sheet.append(row)
    for title, rows in (("choices", CHOICES), ("settings", SETTINGS)):
        other = book.create_sheet(title)
        for row in rows:
            other.append(row)
    book.save(HERE / f"{name}.xlsx")


def main() -> None:
    for name, rows in BAD.items():
        write(name, rows)
    write("unknown-column", [["text", "why", "เพราะอะไร", "Why?", "", "", "", "photo.jpg"]], "media::image")


if __name__ == "__main__":
    main()
