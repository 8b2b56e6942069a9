"""``prongsai complaints``: intake, steps, the citizen's status, the officer's key, and the protection of
an informant's contact details all the way through sync and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from prongsai.cli import cli
from surveys.complaints.codes import ALPHABET, check_character

NAME = "นางสาวพิมพ์ลดา วงศ์สว่างจิต"
PHONE = "086-123-4579"


def invoke(home: Path, *args: str, lang: str = "en") -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), "--lang", lang, *args])


def run(home: Path, *args: str, lang: str = "en") -> str:
    result = invoke(home, *args, lang=lang)
    assert result.exit_code == 0, result.output
    return result.output


def refused(home: Path, *args: str, lang: str = "en") -> str:
    result = invoke(home, *args, lang=lang)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def log_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file())


def add(home: Path, *args: str) -> dict:
    return json.loads(run(home, "complaints", "add", *args, "--json"))


def test_a_complaint_from_intake_to_closing_as_staff_and_the_complainant_see_it(tmp_path: Path) -> None:
    home = tmp_path / "office"
    thai = run(home, "complaints", "add", "--channel", "phone", "--subject", "ไฟถนนดับ ซอย 5", lang="th")
    assert "รับเรื่องแล้ว: C" in thai and "กำหนดแล้วเสร็จ" in thai
    code = thai.split("รับเรื่องแล้ว: ")[1].split()[0]
    run(home, "complaints", "step", code, "--to", "assigned", "--note", "กองช่าง")
    run(home, "complaints", "step", code.lower(), "--to", "in_progress")
    out = run(home, "complaints", "step", code, "--to", "done")
    assert f"✓ {code}: done" in out
    status = run(home, "complaints", "status", code, lang="th")
    for step in ("รับเรื่องแล้ว", "มอบหมายผู้รับผิดชอบแล้ว", "อยู่ระหว่างดำเนินการ", "ดำเนินการแล้วเสร็จ"):
        assert step in status
    assert "กองช่าง" not in status and "ไฟถนนดับ" not in status
    data = json.loads(run(home, "complaints", "status", code, "--json"))
    assert [s["to"] for s in data["steps"]] == ["received", "assigned", "in_progress", "done"]
    assert data["closed"] and not data["late"]
    listed = json.loads(run(home, "complaints", "list", "--json"))
    assert [c["code"] for c in listed] == [code] and listed[0]["status"] == "done"
    assert "nothing is overdue" in run(home, "complaints", "list", "--overdue")
    out = refused(home, "complaints", "step", code, "--to", "explained", "--note", "x")
    assert "closed" in out


def test_wrong_input_is_refused_in_thai_or_english_and_nothing_is_written(tmp_path: Path) -> None:
    home = tmp_path / "office"
    code = add(home, "--channel", "counter", "--subject", "ท่อตัน")["code"]
    before = log_bytes(home / "log")
    assert "channel" in refused(home, "complaints", "add", "--channel", "fax", "--subject", "x")
    assert "ช่องทาง" in refused(home, "complaints", "add", "--subject", "x", lang="th")
    assert "subject" in refused(home, "complaints", "add", "--channel", "phone")
    assert "category" in refused(home, "complaints", "add", "--channel", "phone", "--subject", "x",
                                 "--category", "weather")  # fmt: skip
    assert "ขั้นตอน" in refused(home, "complaints", "step", code, "--to", "closed", lang="th")
    assert "--to" in refused(home, "complaints", "step", code)
    assert "summary" in refused(home, "complaints", "step", code, "--to", "explained")
    wrong = code[:-1] + next(ch for ch in ALPHABET if ch != code[-1])
    assert "mistyped" in refused(home, "complaints", "status", wrong)
    assert "พิมพ์ผิด" in refused(home, "complaints", "status", wrong, lang="th")
    body = "C68" + ("ACDEFG" if code[4:10] != "ACDEFG" else "HJKMNP")
    forged = body + check_character(body)
    assert "there is no complaint" in refused(home, "complaints", "status", forged)
    assert "ไม่พบเรื่อง" in refused(home, "complaints", "status", forged, lang="th")
    assert "not a tracking code" in refused(home, "complaints", "status", "1001-4821-9375-6")
    assert "officer-key --install FILE" in refused(
        home, "complaints", "add", "--channel", "kiosk", "--subject", "x", "--tip", "--contact", PHONE
    )
    assert "--make DIR" in refused(home, "complaints", "officer-key")
    assert log_bytes(home / "log") == before


def test_a_tips_contact_details_are_readable_nowhere_but_with_the_officers_key(tmp_path: Path) -> None:
    office, central, officer = tmp_path / "office", tmp_path / "central", tmp_path / "officer"
    out = run(office, "complaints", "officer-key", "--make", str(officer))
    assert "officer.pub" in out and (officer / "officer.key").stat().st_mode & 0o777 == 0o600
    run(office, "complaints", "officer-key", "--install", str(officer / "officer.pub"))
    tip = add(
        office, "--channel", "kiosk", "--subject", "เรียกรับเงินค่าใบอนุญาตก่อสร้าง", "--tip",
        "--contact", f"{NAME} {PHONE}",
    )  # fmt: skip
    assert tip["series"] == "T" and tip["category"] == "corruption" and tip["has_contact"]
    code = tip["code"]
    # the office's home (its device log folder and everything else in it)
    secrets = [NAME.encode(), PHONE.encode(), PHONE.replace("-", "").encode(), "พิมพ์ลดา".encode()]
    office_bytes = log_bytes(office)
    assert not [s for s in secrets if s in office_bytes]
    # the bundle
    run(office, "device", "export", "--name", "office", "--out", str(tmp_path / "office.json"))
    run(central, "device", "enrol", str(tmp_path / "office.json"))
    (tmp_path / "bundles").mkdir()
    run(office, "sync", "export", "--out", str(tmp_path / "bundles"))
    bundles = list((tmp_path / "bundles").rglob("*"))
    assert any(p.suffix == ".psb" for p in bundles)
    assert not [s for s in secrets for p in bundles if p.is_file() and s in p.read_bytes()]
    # the central store, after import
    run(central, "sync", "import", *[str(p) for p in bundles if p.suffix == ".psb"])
    store = central / "central.sqlite"
    assert store.is_file()
    assert not [s for s in secrets for p in central.rglob("*") if p.is_file() and s in p.read_bytes()]
    # every file of the staff edition of the report
    report = tmp_path / "report"
    run(central, "report", "--edition", "staff", "--out", str(report))
    files = [p for p in report.rglob("*") if p.is_file()]
    assert files
    assert not [(s, p) for s in secrets for p in files if s in p.read_bytes()]
    # the officer's key opens them, from the central store
    opened = run(central, "complaints", "reveal", code, "--key", str(officer / "officer.key"))
    assert NAME in opened and PHONE in opened
    # a different key does not, and says whose key it needs
    run(central, "complaints", "officer-key", "--make", str(tmp_path / "other"))
    wrong = refused(central, "complaints", "reveal", code, "--key", str(tmp_path / "other" / "officer.key"))
    assert "can't open these details" in wrong and NAME not in wrong and PHONE not in wrong
    thai = refused(central, "complaints", "reveal", code, "--key", str(tmp_path / "other" / "officer.key"),
                   lang="th")  # fmt: skip
    assert "เปิดข้อมูลนี้ไม่ได้" in thai


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_general_complaints_contact_without_a_key_stays_in_the_private_folder(
    tmp_path: Path, lang: str
) -> None:
    home = tmp_path / "office"
    out = run(
        home, "complaints", "add", "--channel", "counter", "--subject", "x", "--contact", PHONE, lang=lang
    )
    assert "private/complaint-contacts" in out
    assert PHONE.encode() not in log_bytes(home / "log")
    kept = list((home / "private" / "complaint-contacts").glob("*.txt"))
    assert len(kept) == 1 and PHONE in kept[0].read_text("utf-8")


def test_reveal_on_a_home_with_neither_store_nor_log_says_so_and_creates_nothing(tmp_path: Path) -> None:
    officer = tmp_path / "officer"
    run(tmp_path / "keys", "complaints", "officer-key", "--make", str(officer))
    home = tmp_path / "empty"
    body = "T69ACDEFG"
    out = refused(
        home, "complaints", "reveal", body + check_character(body), "--key", str(officer / "officer.key")
    )
    assert "sync import" in out
    assert not home.exists() or not any(home.iterdir())
