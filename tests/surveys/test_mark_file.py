"""The high-water mark file read through its typed model: every damage named by file, field and reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from surveys.log.device_log import MARK_FORMAT, Mark, MarkError, mark_path, read_mark

GOOD: dict[str, Any] = {"format": MARK_FORMAT, "device": "dev-a", "seq": 12, "hash": "ab" * 32, "at": "2024"}


def write(folder: Path, data: object) -> Path:
    path = mark_path(folder)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_whole_mark_reads_back(tmp_path: Path) -> None:
    write(tmp_path / "log", GOOD)
    assert read_mark(tmp_path / "log") == Mark("dev-a", 12, "ab" * 32, "2024")


def test_no_mark_is_none(tmp_path: Path) -> None:
    assert read_mark(tmp_path / "log") is None


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({**GOOD, "seq": "12"}, "seq", "a valid integer"),
        ({**GOOD, "seq": True}, "seq", "a valid integer"),
        ({**GOOD, "seq": 0}, "seq", "no less than 1"),
        ({**GOOD, "hash": 7}, "hash", "a valid string"),
        ({k: v for k, v in GOOD.items() if k != "device"}, "device", "missing"),
        ({**GOOD, "junk": 1}, "junk", "no such field"),
        ({**GOOD, "format": "prongsai-ack/1"}, "format", MARK_FORMAT),
    ],
    ids=["seq-text", "seq-bool", "seq-zero", "hash-number", "device-missing", "extra-junk", "format"],
)
def test_a_damaged_mark_names_the_file_the_field_and_the_reason(
    tmp_path: Path, data: dict[str, Any], field: str, reason: str
) -> None:
    path = write(tmp_path / "log", data)
    with pytest.raises(MarkError) as damaged:
        read_mark(tmp_path / "log")
    message = str(damaged.value)
    assert str(path) in message and f"field '{field}'" in message and reason in message, message


@pytest.mark.parametrize(
    ("text", "reason"), [('{"seq": ', "not valid JSON"), ("[1, 2]", "not a JSON object")]
)
def test_a_mark_that_is_no_json_object_says_so(tmp_path: Path, text: str, reason: str) -> None:
    path = mark_path(tmp_path / "log")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MarkError) as damaged:
        read_mark(tmp_path / "log")
    assert str(path) in str(damaged.value) and reason in str(damaged.value)
