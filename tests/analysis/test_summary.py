"""The weekly and monthly summary for the notice board: the right days, the report's figures, A4."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from analysis.frames import frames_from_rows
from analysis.summary import draw_summary, previous_period, summary_figures, summary_period
from prongsai.cli import cli
from surveys.content.instruments import builtin_instruments
from surveys.counter.settings import default_settings
from tests.analysis.test_frames import Rows, at
from tests.analysis.test_report import central  # noqa: F401  (the module's store fixture)


def test_a_week_runs_monday_to_sunday_and_a_month_whole() -> None:
    week = summary_period("week", date(2025, 3, 12))  # a Wednesday
    assert (week.start, week.end) == (date(2025, 3, 10), date(2025, 3, 16))
    month = summary_period("month", date(2024, 2, 10))
    assert (month.start, month.end) == (date(2024, 2, 1), date(2024, 2, 29))
    assert previous_period("month", date(2025, 1, 5)).start == date(2024, 12, 1)
    assert previous_period("week", date(2025, 3, 12)).start == date(2025, 3, 3)
    assert month.label() == "ประจำเดือนกุมภาพันธ์ 2567"


def test_the_figures_are_the_reports_and_the_page_says_when_data_is_simulated() -> None:
    rows = Rows()
    for i, score in enumerate((5, 4, 4, 3)):
        rows.ticket(f"t{i}", f"A00{i}", at(2, 9, i), service="info")
        rows.add("rating.given", at(2, 10, i), ticket=f"t{i}", service="info",
                 instrument="service-satisfaction", answers={"overall": score})  # fmt: skip
    frames = frames_from_rows(rows.rows, date(2024, 10, 1), date(2024, 10, 31))
    figures = summary_figures(frames, default_settings(), builtin_instruments()["service-satisfaction"])
    assert figures["n"] == 4 and figures["issued"] == 4
    assert round(figures["mean_pct"], 2) == 80.0  # (5 + 4 + 4 + 3) / 4 = 4.00 → 80 %
    assert figures["top2_pct"] == 75.0
    period = summary_period("month", date(2024, 10, 1))
    real = draw_summary(figures, period, "เทศบาลตำบลจระเข้หิน")
    demo = draw_summary(figures, period, "เทศบาลตำบลจระเข้หิน", demo=True)
    assert real.size == demo.size == (1240, 1754)
    assert real.getpixel((600, 10)) == (255, 255, 255) and demo.getpixel((600, 10)) == (0xB7, 0x1C, 0x1C)


def test_the_command_writes_a_pdf_for_the_notice_board(central: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "summary.pdf"
    args = ["--home", str(central), "--lang", "en", "summary", "--month", "2024-10-02", "--out", str(out)]
    real = CliRunner().invoke(cli, args)
    assert real.exit_code == 0, real.output
    assert "0 responses" in real.output  # the store holds a demo device only
    demo = CliRunner().invoke(cli, [*args, "--include-demo"])
    assert demo.exit_code == 0 and "simulated data included" in demo.output
    assert out.read_bytes().startswith(b"%PDF")
    bad = CliRunner().invoke(cli, [*args[:-1], str(tmp_path / "summary.txt")])
    assert bad.exit_code == 2 and ".png or .pdf" in bad.output
