"""The report's files from the report dict (``docs``' report.json schema): HTML, PDF, XLSX and CSV.

write_html(report, path, lang="th")   # self-contained page, Thai first, English one click away
write_pdf(report, path)               # A4, Thai shaped by HarfBuzz, words never cut
write_xlsx(report, path)              # a summary sheet, then one sheet per table
write_csv_tables(report, folder)      # tables/<table id>.csv, UTF-8 with BOM
"""

from __future__ import annotations

from analysis.render.csv import write_csv_tables
from analysis.render.html import write_html
from analysis.render.pdf import write_pdf
from analysis.render.xlsx import write_xlsx

__all__ = ["write_csv_tables", "write_html", "write_pdf", "write_xlsx"]
