"""The acknowledgement file read through its typed model: every damage named by file, field and reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sync.ack import FORMAT, Ack, AckError, read_ack

GOOD: dict[str, Any] = {"format": FORMAT, "device": "dev-a", "last_seq": 0, "head": "0" * 64, "at": "2024"}


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "dev-a.ack.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_whole_ack_reads_back_and_at_may_be_left_out(tmp_path: Path) -> None:
    assert read_ack(write(tmp_path, GOOD)) == Ack("dev-a", 0, "0" * 64, "2024")
    assert read_ack(write(tmp_path, {k: v for k, v in GOOD.items() if k != "at"})) == Ack(
        "dev-a", 0, "0" * 64
    )


def test_no_ack_is_none(tmp_path: Path) -> None:
    assert read_ack(tmp_path / "dev-a.ack.json") is None


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({**GOOD, "last_seq": "3"}, "last_seq", "a valid integer"),
        ({**GOOD, "last_seq": -1}, "last_seq", "no less than 0"),
        ({**GOOD, "head": None}, "head", "a valid string"),
        ({k: v for k, v in GOOD.items() if k != "device"}, "device", "missing"),
        ({**GOOD, "junk": [1]}, "junk", "no such field"),
        ({**GOOD, "format": "prongsai-mark/1"}, "format", FORMAT),
    ],
    ids=["seq-text", "seq-negative", "head-null", "device-missing", "extra-junk", "format"],
)
def test_a_damaged_ack_names_the_file_the_field_and_the_reason(
    tmp_path: Path, data: dict[str, Any], field: str, reason: str
) -> None:
    path = write(tmp_path, data)
    with pytest.raises(AckError) as damaged:
        read_ack(path)
    message = str(damaged.value)
    assert str(path) in message and f"field '{field}'" in message and reason in message, message


@pytest.mark.parametrize(
    ("text", "reason"), [('{"device": ', "not valid JSON"), ('"ack"', "not a JSON object")]
)
def test_an_ack_that_is_no_json_object_says_so(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "dev-a.ack.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AckError) as damaged:
        read_ack(path)
    assert str(path) in str(damaged.value) and reason in str(damaged.value)
