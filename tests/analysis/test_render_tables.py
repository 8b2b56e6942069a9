"""report.xlsx (a summary sheet, one sheet per table, Thai headers) and tables/*.csv (UTF-8 with BOM)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.render import write_csv_tables, write_xlsx
from analysis.render.xlsx import sheet_name

EXAMPLE = Path(__file__).parent / "data" / "report_example.json"
ASPECT_HEADERS = ["ด้าน", "จำนวน (คน)", "x̄", "S.D.", "ร้อยละ", "ระดับ"]


@pytest.fixture
def report() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return loaded


def test_the_workbook_has_a_summary_then_one_sheet_per_table(report: dict[str, Any], tmp_path: Path) -> None:
    book = load_workbook(write_xlsx(report, tmp_path / "report.xlsx"))
    assert book.sheetnames == ["สรุป", *report["tables"]]
    summary = book["สรุป"]
    headers = [cell.value for cell in summary[1]]
    verdicts = [row[headers.index("ผลการประเมิน")] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert verdicts == ["บรรลุ", "ไม่บรรลุ", "ยังสรุปไม่ได้", "ไม่มีข้อมูล", "บรรลุ", "ไม่บรรลุ"]
    ids = [row[headers.index("รหัสตัวชี้วัด")] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert ids == [
        "p1-satisfaction",
        "p1-people",
        "p2-satisfaction",
        "p2-ita",
        "p10-satisfaction",
        "p10-water",
    ]

    aspects = book["p1-aspects"]
    assert [cell.value for cell in aspects[1]] == ASPECT_HEADERS
    rows = list(aspects.iter_rows(min_row=2, values_only=True))
    assert rows[0][:3] == ("ด้านขั้นตอนการให้บริการ", 318, 4.3145)
    assert aspects["C2"].number_format == "0.00"  # shown as 4.31
    assert rows[-1][0] == "ภาพรวม"  # the total row comes last
    small = list(book["p2-aspects"].iter_rows(min_row=2, values_only=True))
    assert small[1] == ("ด้านสถานที่", "<5", "<5", "<5", "<5", "<5")


def test_sheet_names_fit_excel() -> None:
    taken = {"สรุป"}
    first = sheet_name("satisfaction-by-service-and-counter-2568", taken)
    taken.add(first)
    second = sheet_name("satisfaction-by-service-and-counter-2569", taken)
    assert len(first) == 31
    assert len(second) <= 31
    assert second != first
    assert sheet_name("a/b:c*d?[e]", set()) == "a_b_c_d__e_"
    assert sheet_name("P1-ASPECTS", {"p1-aspects"}) != "P1-ASPECTS"  # Excel ignores case


def test_csv_tables_open_in_excel_and_pandas_with_thai_headers(
    report: dict[str, Any], tmp_path: Path
) -> None:
    written = write_csv_tables(report, tmp_path / "tables")
    assert sorted(path.name for path in written) == sorted(f"{table_id}.csv" for table_id in report["tables"])
    path = tmp_path / "tables" / "p1-aspects.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert list(frame.columns) == ASPECT_HEADERS
    assert frame["ด้าน"].tolist()[-1] == "ภาพรวม"
    assert frame["ร้อยละ"].tolist()[-1] == pytest.approx(85.66)
    small = pd.read_csv(tmp_path / "tables" / "p2-aspects.csv", encoding="utf-8-sig", dtype=str)
    assert small.loc[1, "ร้อยละ"] == "<5"
