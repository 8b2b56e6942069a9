"""``tables/<table id>.csv``: every table of the report as CSV, UTF-8 with a BOM so that Excel opens
the Thai headers as Thai. The header row is the columns' Thai names; a total row comes last; figures
are written as the report holds them (not rounded further), a suppressed cell as ``<5``."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from analysis.render.labels import column_label, table_rows


def write_csv_tables(report: dict[str, Any], folder: Path | str) -> list[Path]:
    """Write one CSV per table into ``folder`` (made if missing); returns the files, in table order."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table_id, table in (report.get("tables") or {}).items():
        path = target / f"{file_stem(table_id)}.csv"
        columns = table.get("columns") or []
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([column_label(column, "th") for column in columns])
            for row in table_rows(table):
                writer.writerow([_cell(row.get(column["id"])) for column in columns])
        written.append(path)
    return written


def file_stem(table_id: str) -> str:
    """A table id as a file name: letters, digits, ``-`` and ``_`` kept, anything else ``_``."""
    return re.sub(r"[^\w\-]", "_", str(table_id)) or "table"


def _cell(value: Any) -> Any:
    return "" if value is None else value
