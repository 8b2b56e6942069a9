"""Answers out of the central store, wide or long, CSV or XLSX, and back in (issue 11, item 4)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import orjson
import pytest

from analysis.answers.exporting import ExportError, export_answers
from analysis.answers.importing import KIND, import_answers
from surveys.content.instruments import builtin_instruments
from sync.central import CentralStore
from tests.analysis.test_answers_import import FORUM, KOBO_HEADER, KOBO_ROWS, SERVICE, TODAY, write_csv


def answers_by_identity(home: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    with CentralStore.open(home) as store:
        rows = list(store.report_rows((KIND,), "0001-01-01", "9999-12-31", include_demo=True))
    bodies = [orjson.loads(line)["body"] for *_, line in rows]
    return {r["identity"]: (r["answered_at"], r["answers"]) for b in bodies for r in b["responses"]}


@pytest.fixture
def home_a(tmp_path: Path) -> Path:
    home = tmp_path / "a"
    import_answers(home, write_csv(tmp_path / "forum.csv", KOBO_HEADER, KOBO_ROWS), FORUM, today=TODAY)
    paper = write_csv(tmp_path / "paper.csv", ["overall", "staff"], [["5", "4"], ["2", ""]], sep=",")
    import_answers(home, paper, SERVICE, today=TODAY)
    return home


@pytest.mark.parametrize(
    ("fmt", "layout"), [("csv", "wide"), ("xlsx", "wide"), ("csv", "long"), ("xlsx", "long")]
)
def test_export_then_import_gives_the_same_answers(
    tmp_path: Path, home_a: Path, fmt: str, layout: str
) -> None:
    out = tmp_path / f"forum.{fmt}"
    with CentralStore.open(home_a) as store:
        written = export_answers(store, out, fmt=fmt, layout=layout, instrument=FORUM)
    assert written == 3
    summary = import_answers(tmp_path / "b", out, FORUM, today=TODAY)
    assert summary.imported == 3 and summary.source == "kobo"
    forum = {k: v for k, v in answers_by_identity(home_a).items() if k.startswith("a")}
    assert answers_by_identity(tmp_path / "b") == forum


def test_the_wide_csv_has_one_row_per_response_and_a_column_per_question(
    tmp_path: Path, home_a: Path
) -> None:
    out = tmp_path / "forum.csv"
    with CentralStore.open(home_a) as store:
        export_answers(store, out, fmt="csv", layout="wide", instrument=FORUM)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == (
        "_uuid,end,_source,_instrument,spoke,info_clear,opinion_used,overall,priorities,age_band,sex,role"
    )  # the free-text suggestion is never imported, so never exported
    assert lines[1] == "a1,2025-01-15T10:05:00+07:00,kobo,forum-feedback,5,,,4,roads water,30-44,,"
    assert len(lines) == 4


def test_the_long_layout_has_one_row_per_answer(tmp_path: Path, home_a: Path) -> None:
    out = tmp_path / "all.csv"
    with CentralStore.open(home_a) as store:
        written = export_answers(store, out, fmt="csv", layout="long")
    assert written == 5
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "_uuid,end,_source,_instrument,item,value"
    assert len(lines) == 1 + 4 + 2 + 2 + 2 + 1  # a1: 4 answers, a2: 2, a3: 2, paper: 2 and 1


def test_wide_without_an_instrument_asks_for_one_when_there_are_several(tmp_path: Path, home_a: Path) -> None:
    with CentralStore.open(home_a) as store, pytest.raises(ExportError) as caught:
        export_answers(store, tmp_path / "x.csv", fmt="csv", layout="wide")
    assert "needs --instrument" in caught.value.en


def test_the_exported_xlsx_keeps_thai(tmp_path: Path, home_a: Path) -> None:
    out = tmp_path / "forum.xlsx"
    with CentralStore.open(home_a) as store:
        export_answers(store, out, fmt="xlsx", layout="wide", instrument=FORUM)
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["answers", "questions"]
    questions = list(book["questions"].iter_rows(values_only=True))
    assert questions[0][:4] == ("name", "type", "label::Thai (th)", "label::English (en)")
    assert questions[1][:3] == ("spoke", "likert5", "ท่านได้มีโอกาสแสดงความคิดเห็นในเวทีประชาคม")
    assert any("30-44 = 30–44 ปี" in (row[4] or "") for row in questions[1:])


def test_the_fiscal_year_limits_by_when_answered(tmp_path: Path, home_a: Path) -> None:
    from surveys.content.thaidate import fiscal_year_bounds

    start, end = fiscal_year_bounds(2569)  # 1 Oct 2025 – 30 Sep 2026: none of these
    with CentralStore.open(home_a) as store:
        assert export_answers(store, tmp_path / "x.csv", fmt="csv", layout="long", start=start, end=end) == 0
        start, end = fiscal_year_bounds(2568)
        assert export_answers(store, tmp_path / "y.csv", fmt="csv", layout="long", start=start, end=end) == 5


def test_builtin_instruments_are_the_ones_used() -> None:
    assert builtin_instruments()["forum-feedback"] is FORUM


def test_kiosk_ratings_are_exported_and_read_back(tmp_path: Path) -> None:
    from datetime import datetime

    from surveys.log.device import load_or_create_device
    from surveys.log.device_log import DeviceLog, Draft
    from surveys.log.event import BANGKOK
    from sync.bundle import write_bundle
    from sync.enrolment import make_enrolment

    kiosk = tmp_path / "kiosk"
    device = load_or_create_device(kiosk)
    given = [{"overall": 5, "staff": 4}, {"overall": 3}]
    body = {"service": "registration", "instrument": SERVICE.id, "elapsed_ms": 9000}
    drafts = [
        Draft(
            "rating.given",
            {**body, "ticket": f"t{i}", "answers": answers},
            datetime(2025, 1, 6, 10, i, tzinfo=BANGKOK),
        )
        for i, answers in enumerate(given)
    ]
    with DeviceLog(kiosk / "log", device.id) as log:
        log.append_many(drafts)
    write_bundle(device, kiosk / "log", tmp_path / "k.psb")
    with CentralStore.open(tmp_path / "central") as store:
        store.enrol(make_enrolment(device))
        assert store.import_bundle(tmp_path / "k.psb").ok
        out = tmp_path / "ratings.csv"
        assert export_answers(store, out, fmt="csv", layout="wide", instrument=SERVICE) == 2
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == f"{device.id}:1,2025-01-06T10:00:00+07:00,kiosk,service-satisfaction,5,,,4,"
    summary = import_answers(tmp_path / "b", out, SERVICE, today=TODAY)
    assert summary.imported == 2
    assert answers_by_identity(tmp_path / "b") == {
        f"{device.id}:1": ("2025-01-06T10:00:00+07:00", {"overall": 5, "staff": 4}),
        f"{device.id}:2": ("2025-01-06T10:01:00+07:00", {"overall": 3}),
    }


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-calc) is absent")
def test_the_exported_xlsx_opens_in_libreoffice_with_thai_intact_and_imports_back(
    tmp_path: Path, home_a: Path
) -> None:
    book = tmp_path / "forum.xlsx"
    with CentralStore.open(home_a) as store:
        export_answers(store, book, fmt="xlsx", layout="wide", instrument=FORUM)
    # Every sheet to UTF-8 CSV (44: ',', 34: '"', 76: UTF-8; the last token, -1: all sheets; LibreOffice 7.2+)
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    done = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
         "--convert-to", csv_filter, "--outdir", str(tmp_path / "out"), str(book)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    questions = (tmp_path / "out" / "forum-questions.csv").read_text(encoding="utf-8")
    assert "ท่านได้มีโอกาสแสดงความคิดเห็นในเวทีประชาคม" in questions
    assert "30-44 = 30–44 ปี" in questions
    summary = import_answers(tmp_path / "b", tmp_path / "out" / "forum-answers.csv", FORUM, today=TODAY)
    assert summary.imported == 3
    forum = {k: v for k, v in answers_by_identity(home_a).items() if k.startswith("a")}
    assert answers_by_identity(tmp_path / "b") == forum
