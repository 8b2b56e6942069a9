"""`prongsai ticket issue`: a ticket the kiosk accepts, a failed print recorded, an unknown service."""

from __future__ import annotations

import json
from pathlib import Path

import zxingcpp
from click.testing import CliRunner
from PIL import Image, ImageFilter

from kiosk.office.service import LocalOffice
from prongsai.cli import cli
from surveys.counter.settings import default_settings
from surveys.log.chain import verify_log
from surveys.log.device_log import stored_records
from surveys.log.home import log_dir


def run(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), "--lang", "en", *args])
    return result.exit_code, result.output


def test_a_printed_ticket_scans_back_to_a_code_the_kiosk_accepts(tmp_path: Path) -> None:
    out_file = tmp_path / "ticket.png"
    code, out = run(tmp_path, "ticket", "issue", "--printer", f"png:{out_file}")
    assert code == 0, out
    assert "issued A001" in out
    with Image.open(out_file) as printed:
        photo = printed.convert("L")
    photo = photo.resize((photo.width // 2, photo.height // 2)).rotate(4, expand=True, fillcolor=255)
    photo = photo.filter(ImageFilter.GaussianBlur(1))
    scanned = zxingcpp.read_barcodes(photo)
    assert len(scanned) == 1
    office = LocalOffice(tmp_path, default_settings())
    try:
        office.call_next(1)
        office.start(1)
        office.finish(1)
        session = office.open_rating(scanned[0].text)
        assert session.number == "A001"
    finally:
        office.close()


def test_a_failed_print_is_recorded_and_says_what_to_do(tmp_path: Path) -> None:
    code, out = run(tmp_path, "ticket", "issue", "--printer", "escpos-net:127.0.0.1:9")
    assert code == 1
    assert "failed (recorded; the number is not reused)" in out and "switched on" in out
    code, out = run(tmp_path, "ticket", "issue", "--priority", "--service", "tax")
    assert code == 0 and "issued B001" in out
    device = json.loads((tmp_path / "device.json").read_text())["device"]
    kinds = [r.record["kind"] for r in stored_records(log_dir(tmp_path)) if r.record]
    assert kinds == ["ticket.reserved", "ticket.print_failed", "ticket.reserved", "ticket.issued"]
    assert verify_log(log_dir(tmp_path), device).ok


def test_an_unknown_service_is_named(tmp_path: Path) -> None:
    code, out = run(tmp_path, "ticket", "issue", "--service", "pizza")
    assert code == 1 and "no service pizza" in out and "registration" in out
