"""Printing tickets: PNG files, ESC/POS bytes, and errors that tell the IT officer what to do."""

from __future__ import annotations

import errno
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

# First: importing it points python-escpos at its cache folder before python-escpos itself is imported.
from kiosk.printing.escpos_printer import EscposPrinter
from tests.support.ticket import make_view

# isort: split
from escpos.exceptions import DeviceNotFoundError, USBNotFoundError
from escpos.printer import Dummy, File, Network, Serial, Usb

from kiosk.printing.printers import (
    PngPrinter,
    PrintError,
    PrinterSpec,
    parse_printer_spec,
    printer_from_spec,
)
from kiosk.printing.ticket import render_ticket

ROOT = Path(__file__).resolve().parents[2]

GS_V_0 = b"\x1dv0"  # raster bit image
CUT = b"\x1dV"
STATUS_QUERY = b"\x10\x04"


# -- PNG ----------------------------------------------------------------------------------------------


def test_png_printer_writes_a_readable_ticket_and_no_temp_file(tmp_path: Path) -> None:
    where = PngPrinter(tmp_path / "tickets").print_ticket(make_view())
    path = Path(where)
    assert path.name == "ticket-20250612-090500-A001.png"
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width == 576
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_the_png_holds_the_rendered_ticket_pixel_for_pixel(tmp_path: Path) -> None:
    where = PngPrinter(tmp_path).print_ticket(make_view(), "en")
    with Image.open(where) as image:
        assert image.tobytes() == render_ticket(make_view(), 576, "en").tobytes()


def test_a_reprint_is_a_new_file_beside_the_original(tmp_path: Path) -> None:
    printer = PngPrinter(tmp_path, width_px=384)
    first = printer.print_ticket(make_view())
    again = [printer.print_ticket(make_view(reprint=True)) for _ in range(2)]
    assert [Path(p).name for p in again] == [
        "ticket-20250612-090500-A001-reprint.png",
        "ticket-20250612-090500-A001-reprint-2.png",
    ]
    assert Path(first).exists() and len(list(tmp_path.iterdir())) == 3


def test_png_printer_that_cannot_write_says_where(tmp_path: Path) -> None:
    blocker = tmp_path / "tickets"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(PrintError) as caught:
        PngPrinter(blocker).print_ticket(make_view())
    assert str(blocker) in str(caught.value) and "บันทึก" in caught.value.th


def test_a_print_error_is_told_in_one_language_and_thai_has_no_english(tmp_path: Path) -> None:
    blocker = tmp_path / "tickets"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(PrintError) as caught:
        PngPrinter(blocker).print_ticket(make_view())
    thai, english = caught.value.text("th"), caught.value.text("en")
    assert thai.startswith("[png:") and "มีไฟล์อยู่ในตำแหน่งที่ควรเป็นโฟลเดอร์" in thai
    assert "Not a directory" not in thai and "Cannot" not in thai
    assert "a file is where the folder should be" in english and "บันทึก" not in english


# -- ESC/POS ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("paper", "dots"), [(58, 384), (80, 576)])
def test_escpos_ticket_is_one_raster_image_at_dot_width_plus_native_number_and_cut(
    paper: int, dots: int
) -> None:
    device = Dummy()
    printer = EscposPrinter(device, paper, name="counter printer")  # type: ignore[arg-type]
    assert printer.width_px == dots
    assert printer.print_ticket(make_view()) == "counter printer"
    out = device.output
    assert out.startswith(b"\x1b@")  # reset first
    assert b"A001" in out and b"09:05" in out  # native text
    assert out.index(b"A001") < out.index(GS_V_0)
    header = out.index(GS_V_0)
    assert int.from_bytes(out[header + 4 : header + 6], "little") == dots // 8  # bytes per raster row
    assert CUT in out[-8:]


def test_escpos_with_a_known_profile_uses_its_dot_width() -> None:
    printer = EscposPrinter(Dummy(profile="TM-T88V"), 80)  # an 80 mm printer at 180 dpi
    assert printer.width_px == 512


class Broken(Dummy):  # type: ignore[misc]
    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error

    def _raw(self, msg: bytes) -> None:
        raise self.error


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        (USBNotFoundError("04b8:0202"), "plugged in"),
        (DeviceNotFoundError("Could not open socket for 10.0.0.9: [Errno 113] No route"), "switched on"),
        (OSError(errno.EACCES, "Permission denied", "/dev/usb/lp0"), "No permission"),
        (TimeoutError("timed out"), "does not respond"),
        (ConnectionResetError("reset by peer"), "9100"),
        (OSError(errno.EIO, "Input/output error"), "check cable, paper"),
        (RuntimeError("Printing with USB connection requires a usb library"), "pyusb"),
        (KeyError("anything else"), "tell IT"),
    ],
)
def test_device_failures_become_print_errors_with_advice(error: BaseException, advice: str) -> None:
    with pytest.raises(PrintError) as caught:
        EscposPrinter(Broken(error), 80, name="kiosk printer").print_ticket(make_view())
    assert advice in caught.value.en
    assert caught.value.th and "kiosk printer" in str(caught.value)
    assert caught.value.__cause__ is error


class DeniedUsb(Usb):  # type: ignore[misc]
    def open(self, raise_not_found: bool = True) -> None:
        raise DeviceNotFoundError(
            "Unable to open USB printer: [Errno 13] Access denied (insufficient permissions)"
        )

    def close(self) -> None:
        pass


def test_usb_permission_error_gives_the_udev_rule() -> None:
    with pytest.raises(PrintError) as caught:
        EscposPrinter(DeniedUsb(0x04B8, 0x0202), 80).print_ticket(make_view())
    message = caught.value.en
    assert 'ATTRS{idVendor}=="04b8"' in message and 'ATTRS{idProduct}=="0202"' in message
    assert "/etc/udev/rules.d/" in message and "usermod -aG lp" in message


class Answering(Dummy):  # type: ignore[misc]
    """A printer that answers DLE EOT status queries with the given bytes, in turn."""

    def __init__(self, *answers: bytes) -> None:
        super().__init__()
        self.answers = list(answers)
        self.closed = 0

    def _read(self) -> bytes:
        return self.answers.pop(0) if self.answers else b""

    def close(self) -> None:
        self.closed += 1


@pytest.mark.parametrize(
    ("answers", "advice"),
    [
        ((b"\x12", b"\x72"), "out of paper"),  # online; paper sensor: no paper
        ((b"\x1a", b"\x16"), "cover is open"),  # offline; cause: cover open
        ((b"\x1a", b"\x12"), "offline"),  # offline for another reason
    ],
)
def test_a_printer_that_says_it_cannot_print_is_not_sent_the_ticket(
    answers: tuple[bytes, ...], advice: str
) -> None:
    device = Answering(*answers)
    with pytest.raises(PrintError, match=advice):
        EscposPrinter(device, 58).print_ticket(make_view())
    assert GS_V_0 not in device.output
    assert device.closed == 1  # let go, so that a fixed printer works for the next ticket


def test_low_paper_prints_and_says_so() -> None:
    device = Answering(b"\x12", b"\x1e")
    where = EscposPrinter(device, 80, name="p").print_ticket(make_view())
    assert "paper running low" in where and GS_V_0 in device.output


def test_a_printer_that_never_answers_is_asked_once() -> None:
    device = Answering()
    printer = EscposPrinter(device, 80)
    printer.print_ticket(make_view())
    printer.print_ticket(make_view())
    assert device.output.count(STATUS_QUERY) == 1
    assert device.output.count(GS_V_0) >= 2


def test_a_device_file_printer_gets_the_whole_ticket(tmp_path: Path) -> None:
    lp0 = tmp_path / "lp0"
    printer = printer_from_spec(f"escpos-file:{lp0}:58")
    printer.print_ticket(make_view())
    data = lp0.read_bytes()
    assert GS_V_0 in data and b"A001" in data and CUT in data[-8:]


ESCPOS_CHILD = """
import sys
from pathlib import Path
from kiosk.printing.printers import printer_from_spec
assert "escpos" not in sys.modules
printer_from_spec("escpos-file:" + sys.argv[1])
from kiosk.printing.escpos_printer import escpos_cache_dir
print(escpos_cache_dir())
"""


def test_python_escpos_keeps_its_database_in_our_cache_and_nothing_in_the_temp_dir(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env.update(TMPDIR=str(temp), XDG_CACHE_HOME=str(tmp_path / "cache"))
    mtimes = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", ESCPOS_CHILD, str(tmp_path / "lp0")],
            capture_output=True, text=True, cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        cache = Path(done.stdout.strip().splitlines()[-1])
        pickle = cache / f"{platform.python_version()}.capabilities.pickle"
        mtimes.append(pickle.stat().st_mtime_ns)
        assert [p for p in cache.iterdir() if p.is_dir()] == []  # the scratch folder is gone
    assert mtimes[0] == mtimes[1]  # written once, then read
    assert list(temp.iterdir()) == []


# -- specs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        ("png:/srv/tickets", PrinterSpec("png", "/srv/tickets")),
        ("escpos-usb:04b8:0202", PrinterSpec("escpos-usb", "04b8:0202")),
        ("escpos-usb:0x4B8:202:58", PrinterSpec("escpos-usb", "04b8:0202", None, 58)),
        ("escpos-net:192.168.1.50", PrinterSpec("escpos-net", "192.168.1.50")),
        ("escpos-net:192.168.1.50:58", PrinterSpec("escpos-net", "192.168.1.50", None, 58)),
        ("escpos-net:printer.local:9101:80", PrinterSpec("escpos-net", "printer.local", 9101, 80)),
        ("escpos-net:[fe80::1]:9100:58", PrinterSpec("escpos-net", "fe80::1", 9100, 58)),
        ("escpos-serial:/dev/ttyUSB0", PrinterSpec("escpos-serial", "/dev/ttyUSB0")),
        ("escpos-serial:COM3:115200:58", PrinterSpec("escpos-serial", "COM3", 115200, 58)),
        ("escpos-file:/dev/usb/lp0", PrinterSpec("escpos-file", "/dev/usb/lp0")),
        ("escpos-file:/dev/usb/lp0:58", PrinterSpec("escpos-file", "/dev/usb/lp0", None, 58)),
    ],
)
def test_each_spec_form_is_read(spec: str, parsed: PrinterSpec) -> None:
    assert parse_printer_spec(spec) == parsed


def test_png_spec_without_folder_uses_the_callers_default(tmp_path: Path) -> None:
    for spec in ("png:", "png", ""):
        printer = printer_from_spec(spec, default_folder=tmp_path)
        assert isinstance(printer, PngPrinter) and printer.folder == tmp_path
    printer = printer_from_spec(f"png:{tmp_path / 'x'}")
    assert isinstance(printer, PngPrinter) and printer.folder == tmp_path / "x"


def test_escpos_specs_build_their_devices(tmp_path: Path) -> None:
    net = printer_from_spec("escpos-net:192.168.1.50:58")
    assert isinstance(net, EscposPrinter) and isinstance(net.device, Network)
    assert (net.device.host, net.device.port, net.width_px) == ("192.168.1.50", 9100, 384)
    file = printer_from_spec("escpos-file:/dev/usb/lp0")
    assert isinstance(file, EscposPrinter) and isinstance(file.device, File)
    assert (file.device.devfile, file.width_px) == ("/dev/usb/lp0", 576)


@pytest.mark.parametrize(
    ("spec", "device", "package"),
    [("escpos-usb:04b8:0202:58", Usb, "pyusb"), ("escpos-serial:/dev/ttyUSB0:19200", Serial, "pyserial")],
)
def test_usb_and_serial_specs_need_their_packages(spec: str, device: Any, package: str) -> None:
    if device.is_usable():
        printer = printer_from_spec(spec)
        assert isinstance(printer, EscposPrinter) and isinstance(printer.device, device)
    else:
        with pytest.raises(PrintError, match=package):
            printer_from_spec(spec)


@pytest.mark.parametrize(
    "spec",
    [
        "bogus:1",
        "png:",
        "escpos-usb:04b8",
        "escpos-usb:xyz:0202",
        "escpos-net:",
        "escpos-net:host:notaport",
        "escpos-net:host:99999",
        "escpos-serial:",
        "escpos-serial:/dev/ttyUSB0:fast",
        "escpos-file:",
    ],
)
def test_a_bad_spec_names_itself_and_the_accepted_forms(spec: str) -> None:
    with pytest.raises(PrintError) as caught:
        printer_from_spec(spec)
    assert repr(spec) in caught.value.en and "escpos-usb:VID:PID" in caught.value.en
