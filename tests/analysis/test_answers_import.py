"""Answers from a KoboToolbox/ODK export or a paper file into the central store (issue 11, item 3)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import orjson
import pytest

from analysis.answers.importing import KIND, RESPONSES_PER_EVENT, import_answers
from analysis.answers.shapes import ShapeError
from surveys.content.instruments import builtin_instruments
from surveys.log.event import BANGKOK
from sync.central import CentralStore

FORUM = builtin_instruments()["forum-feedback"]
SERVICE = builtin_instruments()["service-satisfaction"]
TODAY = datetime(2025, 2, 1, 9, 0, tzinfo=BANGKOK)

PRIORITIES = "เรื่องที่ควรพัฒนา/ด้านใดที่ท่านเห็นว่าควรพัฒนาเป็นลำดับแรก (เลือกได้ไม่เกิน 3 ด้าน)"
# KoboToolbox's CSV export with "labels" and "include groups": ';', a BOM, Thai labels behind the group's
# label, labels as values, the select_multiple both as one column of names and one 0/1 column per choice.
KOBO_HEADER = [
    "start",
    "end",
    "การมีส่วนร่วมในเวที/ท่านได้มีโอกาสแสดงความคิดเห็นในเวทีประชาคม",
    "การมีส่วนร่วมในเวที/โดยรวมแล้ว ท่านพึงพอใจต่อเวทีประชาคมครั้งนี้เพียงใด",
    PRIORITIES,
    f"{PRIORITIES}/ถนน สะพาน และการคมนาคม",
    f"{PRIORITIES}/น้ำประปา แหล่งน้ำ และการระบายน้ำ",
    f"{PRIORITIES}/สาธารณสุข",
    "ข้อมูลทั่วไปของผู้ตอบ (ข้ามได้)/ช่วงอายุ",
    "_id",
    "_uuid",
    "_submission_time",
    "__version__",
    "_index",
]
KOBO_ROWS = [
    ["2025-01-15T10:00:00.000+07:00", "2025-01-15T10:05:00.000+07:00", "มากที่สุด", "มาก", "roads water",
     "1", "1", "0", "30–44 ปี", "101", "a1", "2025-01-15T03:06:00", "v1", "1"],
    ["", "16/01/2568 09:00", "ปานกลาง", "มากที่สุด", "", "0", "0", "0", "", "102", "a2",
     "2025-01-16T03:06:00", "v1", "2"],
    ["", "", "", "น้อย", "health", "0", "0", "1", "", "103", "a3", "2025-01-17T03:00:00", "v1", "3"],
]  # fmt: skip
# Worked by hand from the rows above: labels → names, B.E. → C.E., _submission_time is UTC.
EXPECTED = {
    "a1": ("2025-01-15T10:05:00+07:00", {"spoke": 5, "overall": 4, "priorities": ["roads", "water"],
                                         "age_band": "30-44"}),
    "a2": ("2025-01-16T09:00:00+07:00", {"spoke": 3, "overall": 5}),
    "a3": ("2025-01-17T10:00:00+07:00", {"overall": 2, "priorities": ["health"]}),
}  # fmt: skip


def write_csv(path: Path, header: list[str], rows: list[list[str]], sep: str = ";", bom: bool = True) -> Path:
    text = "\n".join(sep.join(cells) for cells in [header, *rows]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def stored(home: Path) -> list[dict[str, Any]]:
    with CentralStore.open(home) as store:
        rows = list(store.report_rows((KIND,), "0001-01-01", "9999-12-31", include_demo=True))
    bodies = [orjson.loads(line)["body"] for *_, line in rows]
    head = ("instrument", "project", "source", "file", "file_sha256")
    return [{**{k: b[k] for k in head}, **one} for b in bodies for one in b["responses"]]


def test_a_kobo_csv_with_thai_labels_and_groups_imports(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "forum.csv", KOBO_HEADER, KOBO_ROWS)
    summary = import_answers(tmp_path / "home", path, FORUM, project=5, today=TODAY)
    assert summary.committed and summary.imported == 3 and summary.rejected == 0
    assert summary.source == "kobo"
    assert summary.shape["separator"] == ";" and summary.shape["bom"] is True
    assert summary.shape["headers"] == "labels (th) with group prefixes"
    assert summary.shape["values"] == "labels"
    assert summary.shape["select_multiple"] == "one 0/1 column per choice + space-separated names"
    bodies = {b["identity"]: b for b in stored(tmp_path / "home")}
    assert {k: (b["answered_at"], b["answers"]) for k, b in bodies.items()} == EXPECTED
    first = bodies["a1"]
    assert first["instrument"] == "forum-feedback" and first["project"] == 5 and first["row"] == 1
    assert first["file"] == "forum.csv" and len(first["file_sha256"]) == 64


def test_the_per_choice_columns_alone_give_the_multiple_choice(tmp_path: Path) -> None:
    drop = KOBO_HEADER.index(PRIORITIES)
    header = [h for i, h in enumerate(KOBO_HEADER) if i != drop]
    rows = [[c for i, c in enumerate(r) if i != drop] for r in KOBO_ROWS]
    path = write_csv(tmp_path / "forum.csv", header, rows, sep=",", bom=False)
    summary = import_answers(tmp_path / "home", path, FORUM, today=TODAY)
    assert summary.shape["select_multiple"] == "one 0/1 column per choice"
    assert summary.shape["separator"] == "," and summary.shape["bom"] is False
    answers = {b["identity"]: b["answers"] for b in stored(tmp_path / "home")}
    assert answers["a1"]["priorities"] == ["roads", "water"]
    assert answers["a3"]["priorities"] == ["health"]
    assert "priorities" not in answers["a2"]


def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "forum.csv", KOBO_HEADER, KOBO_ROWS)
    import_answers(tmp_path / "home", path, FORUM, today=TODAY)
    again = import_answers(tmp_path / "home", path, FORUM, today=TODAY)
    assert (again.imported, again.already) == (0, 3)
    assert len(stored(tmp_path / "home")) == 3


def test_a_long_file_is_held_in_events_of_a_few_hundred_responses_each_and_all_count(tmp_path: Path) -> None:
    rows = [[str(1 + i % 5), str(1 + i % 3)] for i in range(2 * RESPONSES_PER_EVENT + 50)]
    path = write_csv(tmp_path / "paper.csv", ["overall", "staff"], rows, sep=",", bom=False)
    summary = import_answers(tmp_path / "home", path, SERVICE, today=TODAY)
    assert summary.imported == len(rows)
    with CentralStore.open(tmp_path / "home") as store:
        found = store.report_rows((KIND,), "0001-01-01", "9999-12-31", include_demo=True)
        lines = [line for *_, line in found]
    sizes = [len(orjson.loads(line)["body"]["responses"]) for line in lines]
    assert sizes == [RESPONSES_PER_EVENT, RESPONSES_PER_EVENT, 50]
    assert [r["row"] for r in stored(tmp_path / "home")] == list(range(1, len(rows) + 1))
    again = import_answers(tmp_path / "home", path, SERVICE, today=TODAY)
    assert (again.imported, again.already) == (0, len(rows))


def test_a_paper_file_without_ids_is_identified_by_its_rows(tmp_path: Path) -> None:
    # Two respondents who gave the same answers are two responses; importing again adds neither.
    rows = [["5", "4"], ["5", "4"], ["3", ""]]
    path = write_csv(tmp_path / "paper.csv", ["overall", "staff"], rows, sep=",", bom=False)
    first = import_answers(tmp_path / "home", path, SERVICE, today=TODAY)
    assert (first.imported, first.source) == (3, "paper")
    assert (
        first.notes[0][1]
        == "3 rows have no date (end, start or _submission_time): dated the import day, 2025-02-01"
    )
    longer = write_csv(tmp_path / "paper2.csv", ["overall", "staff"], [*rows, ["5", "4"]], sep=",", bom=False)
    second = import_answers(tmp_path / "home", longer, SERVICE, today=TODAY)
    assert (second.imported, second.already) == (1, 3)
    assert [b["answered_at"] for b in stored(tmp_path / "home")] == ["2025-02-01T09:00:00+07:00"] * 4


def test_one_bad_row_imports_nothing_and_names_row_and_column(tmp_path: Path) -> None:
    rows = [list(r) for r in KOBO_ROWS]
    rows[1][3] = "ดีมาก"  # not a level of the scale
    path = write_csv(tmp_path / "forum.csv", KOBO_HEADER, rows)
    summary = import_answers(tmp_path / "home", path, FORUM, today=TODAY)
    assert not summary.committed and summary.imported == 0 and summary.rejected == 1
    (problem,) = summary.problems
    assert problem.row == 2 and problem.column == KOBO_HEADER[3]
    assert "not one of the choices ('ดีมาก')" in problem.text("en")
    assert not (tmp_path / "home").exists() or stored(tmp_path / "home") == []
    assert not (tmp_path / "forum.csv.rejected.csv").exists()


def test_skip_bad_imports_the_rest_and_writes_the_rejected_rows(tmp_path: Path) -> None:
    rows = [list(r) for r in KOBO_ROWS]
    rows[1][3] = "ดีมาก"
    rows[2][1] = "32/13/2568"  # no such date
    path = write_csv(tmp_path / "forum.csv", KOBO_HEADER, rows)
    summary = import_answers(tmp_path / "home", path, FORUM, skip_bad=True, today=TODAY)
    assert summary.committed and (summary.imported, summary.rejected) == (1, 2)
    assert [b["identity"] for b in stored(tmp_path / "home")] == ["a1"]
    rejected = (tmp_path / "forum.csv.rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rejected) == 3
    assert rejected[0].endswith(";_rejected_row;_rejected_column;_rejected_reason")
    assert ";a2;" in rejected[1] and ";2;" in rejected[1]
    assert ";a3;" in rejected[2] and ";end;" in rejected[2]


def test_a_required_question_left_empty_is_a_bad_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "paper.csv", ["overall", "staff"], [["5", "4"], ["", "3"]], sep=",")
    summary = import_answers(tmp_path / "home", path, SERVICE, today=TODAY)
    (problem,) = summary.problems
    assert (problem.row, problem.column) == (2, "overall")
    assert problem.en == "Please answer this question."


def test_free_text_that_may_hold_personal_data_is_never_imported(tmp_path: Path) -> None:
    header = ["overall", "suggestion"]
    path = write_csv(tmp_path / "paper.csv", header, [["5", "คุณสมชาย โทร 081-234-5678"]], sep=",")
    summary = import_answers(tmp_path / "home", path, SERVICE, today=TODAY)
    assert summary.shape["personal_columns_refused"] == ["suggestion"]
    assert stored(tmp_path / "home")[0]["answers"] == {"overall": 5}
    assert any("personal data" in en for _, en in summary.notes)


def test_a_file_of_another_form_is_refused_whole(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["foo", "bar"], [["1", "2"]], sep=",")
    with pytest.raises(ShapeError) as caught:
        import_answers(tmp_path / "home", path, SERVICE, today=TODAY)
    assert "no column matches a question of instrument service-satisfaction" in caught.value.en


def test_xlsx_export_of_kobo_imports(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["start", "end", "overview/overall", "aspects/staff", "meta/instanceID"])
    sheet.append([None, datetime(2025, 3, 2, 14, 30), 5, 3, "uuid:x1"])
    sheet.append([None, "2568-03-03", "มาก", None, "uuid:x2"])
    path = tmp_path / "kobo.xlsx"
    book.save(path)
    summary = import_answers(tmp_path / "home", path, SERVICE, today=TODAY)
    assert summary.shape["format"] == "xlsx" and summary.imported == 2
    assert summary.source == "odk"
    bodies = {b["identity"]: b for b in stored(tmp_path / "home")}
    assert bodies["x1"]["answers"] == {"overall": 5, "staff": 3}
    assert bodies["x1"]["answered_at"] == "2025-03-02T14:30:00+07:00"
    assert bodies["x2"]["answers"] == {"overall": 4}
    assert bodies["x2"]["answered_at"] == "2025-03-03T00:00:00+07:00"


def test_the_import_device_is_enrolled_with_role_import_and_its_chain_verifies(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "forum.csv", KOBO_HEADER, KOBO_ROWS)
    import_answers(tmp_path / "home", path, FORUM, today=TODAY)
    with CentralStore.open(tmp_path / "home") as store:
        (device,) = store.devices()
        assert device.role == "import"
        assert all(check.ok for check in store.check_devices(full=True))


def test_a_decimal_answer_is_kept_as_its_text(tmp_path: Path) -> None:
    from surveys.content.instruments import parse_instrument

    form = parse_instrument(
        """
id: visit-cost
version: 1
title_th: ค่าใช้จ่าย
title_en: Cost
intro_th: ไม่ระบุชื่อ
intro_en: Anonymous
audience: citizen
anonymous: true
projects: []
sections:
  - id: cost
    title_th: ค่าใช้จ่าย
    title_en: Cost
    items:
      - {id: hours, type: number, integer: false, min: 0, max: 24, label_th: ชั่วโมง, label_en: Hours}
"""
    )
    path = write_csv(tmp_path / "paper.csv", ["hours"], [["2.5"], ["3"]], sep=",")
    summary = import_answers(tmp_path / "home", path, form, today=TODAY)
    assert summary.imported == 2
    assert [b["answers"] for b in stored(tmp_path / "home")] == [{"hours": "2.5"}, {"hours": 3}]
