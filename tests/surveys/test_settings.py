"""The installation's settings: defaults, a partial file, bad files named by line, the staff PIN."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys.content.datafile import DataFileError
from surveys.counter.settings import default_settings, load_settings, set_staff_pin


def test_without_a_file_the_defaults_of_a_thai_office_apply(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert [s.prefix for s in settings.services] == ["A", "B", "C", "D", "E"]
    assert settings.service("complaints").instrument == "complaint-satisfaction"
    assert settings.pin_ok("2568")
    assert "ทุก ๆ 2 คิวปกติ" in settings.priority.text("th")


def test_a_file_changes_only_what_it_names(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text(
        "priority:\n  every_normal: 3\nidle_seconds: 30\n", encoding="utf-8"
    )
    settings = load_settings(tmp_path)
    assert settings.priority.every_normal == 3 and settings.idle_seconds == 30
    assert settings.services == default_settings().services


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("idle_seconds: 2\n", 1, "idle_seconds", "ต้องไม่น้อยกว่า 5"),
        ("services:\n  - id: tax\n    prefix: AB\n", 3, "services[0].prefix", "รูปแบบไม่ถูกต้อง"),
        ("rating_window: 60\n", 1, "rating_window", "ไม่รู้จักช่องนี้"),
        (
            "counters:\n  - number: 1\nservices:\n"
            "  - {id: a, prefix: A, name_th: ก, name_en: a, counters: [7], project: 10}\n",
            1,
            "",
            "ช่องบริการที่ไม่มี: [7]",
        ),
    ],
)
def test_a_bad_settings_file_names_line_field_and_reason(
    tmp_path: Path, text: str, line: int, field: str, words: str
) -> None:
    (tmp_path / "settings.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_settings(tmp_path)
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (line, field)
    assert words in problem.message


def test_the_staff_pin_is_stored_as_a_hash_and_comments_are_kept(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text(
        "# our office\nidle_seconds: 30  # a slow office\n", encoding="utf-8"
    )
    set_staff_pin(tmp_path, "4321")
    text = (tmp_path / "settings.yaml").read_text(encoding="utf-8")
    assert "# our office" in text and "# a slow office" in text and "4321" not in text
    settings = load_settings(tmp_path)
    assert settings.pin_ok("4321") and not settings.pin_ok("2568")
    assert settings.idle_seconds == 30
