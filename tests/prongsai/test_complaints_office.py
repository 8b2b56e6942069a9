"""``prongsai complaints add|step|list`` while ``prongsai serve`` owns the log (the office PC in office
hours): through the office, found by itself on the same PC or named with ``--office``/``--key``; and
``add --print``, the complainant's receipt."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner, Result
from PIL import Image

from prongsai.cli import cli
from surveys.log.device import load_device
from surveys.log.home import log_dir
from sync.terminals import add_terminal
from tests.support.servers import start, stop

PHONE = "086-123-4579"


def invoke(home: Path, *args: str, lang: str = "en") -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), "--lang", lang, *args])


def run(home: Path, *args: str, lang: str = "en") -> str:
    result = invoke(home, *args, lang=lang)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def log_text(home: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(log_dir(home).rglob("*.jsonl")))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """``prongsai serve`` of a fresh home on 127.0.0.1 (a free port), as on the office PC."""
    home = tmp_path / "office"
    command = [
        sys.executable,
        "-m",
        "prongsai.cli",
        "--home",
        str(home),
        "--lang",
        "en",
        "serve",
        "--port",
        "0",
    ]
    process, line = start(command, ready="office ready at ")
    url = line.split("office ready at ")[1].split()[0]
    yield home, url
    _, err = stop(process)
    assert process.returncode == 0, err


def test_the_desk_takes_and_follows_complaints_while_the_office_owns_the_log(
    served: tuple[Path, str],
) -> None:
    home, _ = served
    out = run(home, "complaints", "add", "--channel", "counter", "--subject", "ไฟถนนดับ ซอย 5",
              "--contact", PHONE, lang="th")  # fmt: skip
    assert "รับเรื่องแล้ว: C" in out and "already open" not in out
    code = out.split("รับเรื่องแล้ว: ")[1].split()[0]
    assert f"✓ {code}: assigned" in run(home, "complaints", "step", code, "--to", "assigned")
    assert f"✓ {code}: in progress" in run(home, "complaints", "step", code.lower(), "--to", "in_progress")
    refused = invoke(home, "complaints", "step", code, "--to", "received")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    listed = json.loads(run(home, "complaints", "list", "--json"))
    assert [(c["code"], c["status"], c["has_contact"]) for c in listed] == [(code, "in_progress", True)]
    assert PHONE not in log_text(home)  # kept on the office PC only (no officer key): never in the log


def test_a_complaints_terminal_takes_complaints_with_its_own_credential(served: tuple[Path, str]) -> None:
    home, url = served
    _, key = add_terminal(home, "complaints")
    office = ("--office", url, "--key", key)
    added = json.loads(run(home, "complaints", "add", "--channel", "phone", "--subject", "ท่อตัน", "--tip",
                           *office, "--json"))  # fmt: skip
    code = added["code"]
    assert added["series"] == "T" and added["category"] == "corruption"
    assert f"✓ {code}: explained" in run(home, "complaints", "step", code, "--to", "explained",
                                         "--note", "ได้ตรวจสอบแล้ว", *office)  # fmt: skip
    out = run(home, "complaints", "list", *office)
    assert code in out and "1 in all, 0 open" in out
    events = [json.loads(line) for line in log_text(home).splitlines() if '"complaint.' in line]
    terminal = key.split(".")[0]
    assert [e["body"]["by"] for e in events] == [terminal, terminal]  # every event names the desk
    assert load_device(home).id  # the office's own log: this process never opened it


def test_a_counter_credential_is_refused_the_complaint_intake_in_both_languages(
    served: tuple[Path, str],
) -> None:
    home, url = served
    _, key = add_terminal(home, "counter:1")
    result = invoke(
        home, "complaints", "add", "--channel", "phone", "--subject", "x", "--office", url, "--key", key
    )
    assert result.exit_code == 1 and "may not do this" in result.output and "Traceback" not in result.output
    result = invoke(home, "complaints", "list", "--office", url, "--key", key, lang="th")
    assert result.exit_code == 1 and "ไม่มีสิทธิ์" in result.output


def decode(path: Path) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(path))]


def test_add_print_writes_the_receipt_whose_qr_holds_the_code(tmp_path: Path) -> None:
    home, folder = tmp_path / "office", tmp_path / "receipts"
    out = run(home, "complaints", "add", "--channel", "counter", "--subject", "ขยะไม่เก็บ", "--print",
              "--printer", f"png:{folder}")  # fmt: skip
    code = out.split("complaint received: ")[1].split()[0]
    (receipt,) = folder.glob("complaint-*.png")
    assert "receipt printed:" in out and str(receipt) in out
    assert decode(receipt) == [code]


def test_a_receipt_that_does_not_print_still_leaves_the_complaint_and_its_code(tmp_path: Path) -> None:
    home, blocked = tmp_path / "office", tmp_path / "not-a-folder"
    blocked.write_text("a file where the receipts' folder should be")
    printer = f"png:{blocked}/r"
    result = invoke(home, "complaints", "add", "--channel", "counter", "--subject", "ขยะ", "--print",
                    "--printer", printer, lang="th")  # fmt: skip
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "พิมพ์ใบรับเรื่องไม่ได้" in result.output and "ไม่ต้องบันทึกซ้ำ" in result.output
    code = result.output.split("รับเรื่องแล้ว: ")[1].split()[0]
    assert code in result.output.split("พิมพ์ใบรับเรื่องไม่ได้")[1]
    assert [c["code"] for c in json.loads(run(home, "complaints", "list", "--json"))] == [code]
