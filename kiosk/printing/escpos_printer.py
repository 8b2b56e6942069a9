"""ESC/POS thermal printers, spoken to with python-escpos; :mod:`kiosk.printing.printers` says how a
ticket is laid out on them and builds them from a spec (``printer_from_spec``), importing this module
only then.

python-escpos is slow to import. At every import it reads its printer database (96 kB of JSON, parsed by
PyYAML in pure Python: a quarter of a second) unless ``ESCPOS_CAPABILITIES_PICKLE_DIR`` names a folder
holding the pickle it wrote the time before; by default it writes that pickle into a new ``mkdtemp()``
folder at every import, and leaves the folder behind in the temp dir. So before importing it, this module
points the variable at prongsai's cache folder (:func:`escpos_cache_dir`; unless it is set already), where
the pickle is kept from one start to the next, and has the ``mkdtemp()`` that python-escpos 3.1 calls even
then make its (empty) folder in a scratch folder that is removed at once.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import socket
import sys
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from kiosk.printing.printers import PAPER_WIDTH_PX, PaperMm, PrintError, PrinterSpec

if TYPE_CHECKING:
    from PIL import Image

    from kiosk.printing.complaint_receipt import ReceiptView
    from kiosk.printing.ticket import TicketView

log = logging.getLogger(__name__)


def escpos_cache_dir() -> Path:
    """Where python-escpos keeps its parsed printer database between runs."""
    return Path(platformdirs.user_cache_dir("prongsai", appauthor=False)) / "escpos"


def _import_escpos_capabilities() -> None:
    """Import ``escpos.capabilities`` with its cache in :func:`escpos_cache_dir` and no folder left in the
    temp dir (see the module's docstring); with no cache folder to be had, as python-escpos does."""
    if "escpos.capabilities" in sys.modules:
        return
    try:
        cache = escpos_cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="import-", dir=cache))
    except OSError as exc:
        log.info("no cache folder for python-escpos (%s): it parses its printer database each time", exc)
        return
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
    saved, tempfile.tempdir = tempfile.tempdir, str(scratch)
    try:
        import escpos.capabilities  # noqa: F401  # reads the pickle, or parses the database and writes it
    finally:
        tempfile.tempdir = saved
        # Only empty folders go: anything another thread put here meanwhile stays.
        for child in scratch.iterdir():
            with suppress(OSError):
                child.rmdir()
        with suppress(OSError):
            scratch.rmdir()


_import_escpos_capabilities()

from escpos.constants import DLE, EOT, RT_MASK_ONLINE, RT_STATUS_ONLINE, RT_STATUS_PAPER  # noqa: E402
from escpos.escpos import Escpos  # noqa: E402
from escpos.exceptions import DeviceNotFoundError  # noqa: E402
from escpos.exceptions import Error as EscposError  # noqa: E402
from escpos.printer import Dummy, File, Network, Serial, Usb  # noqa: E402

_RT_STATUS_OFFLINE_CAUSE = DLE + EOT + b"\x02"
_COVER_OPEN, _PAPER_END_STOP = 0x04, 0x20  # DLE EOT 2 bits
_PAPER_OUT, _PAPER_LOW = 0x60, 0x0C  # DLE EOT 4 bits


class EscposPrinter:
    """A thermal printer spoken to with python-escpos (USB, network, serial, a device file or ``Dummy``).

    The image width is the printer profile's dot width when the profile knows it (a TM-T88 is 512), else
    384 dots for 58 mm paper and 576 for 80 mm. When the device can answer status queries, each ticket
    starts by asking whether the printer is online, its cover closed and its paper in."""

    NUMBER_SIZE = 4  # times the printer font: 96 dots (12 mm) high, readable across a waiting room
    IMPL = "bitImageRaster"  # GS v 0: the raster command every ESC/POS printer knows
    FRAGMENT_HEIGHT = 256  # dots per raster band: small enough for the input buffer of cheap printers

    def __init__(self, device: Escpos, paper_mm: PaperMm = 80, name: str = "ESC/POS printer") -> None:
        if paper_mm not in PAPER_WIDTH_PX:
            raise ValueError(f"paper_mm is 58 or 80, not {paper_mm}")
        self.device, self.paper_mm, self.name = device, paper_mm, name
        self.width_px = _profile_width(device) or PAPER_WIDTH_PX[paper_mm]
        _set_profile_width(device, self.width_px)
        self._status_answers = True

    def print_ticket(self, view: TicketView, lang: str = "th") -> str:
        return self._send(self._job(view, lang))

    def print_receipt(self, view: ReceiptView, lang: str = "th") -> str:
        """A complaint receipt: its tracking code as the printer's own text (big and crisp, ASCII on
        every printer), then the rest (Thai, the QR code) as one raster image, then a cut."""
        from kiosk.printing.complaint_receipt import render_receipt

        body = render_receipt(view, self.width_px, lang, body_only=True)
        job = Dummy()
        job.profile = self.device.profile
        job.hw("INIT")
        job.set(align="center", bold=True, custom_size=True, width=2, height=2)
        job.textln(view.code)
        job.set(custom_size=True, width=1, height=1, bold=False, align="left")
        self._image(job, body)
        job.cut()
        return self._send(bytes(job.output))

    def _image(self, job: Escpos, body: Image.Image) -> None:
        ink = body.point([0 if v < 160 else 255 for v in range(256)], "1")  # no dithering of text edges
        job.image(ink, impl=self.IMPL, center=False, fragment_height=self.FRAGMENT_HEIGHT)

    def _send(self, job: bytes) -> str:
        """Send a whole job in one write, after asking the printer whether it can print."""
        try:
            note = self._check_status()
            self.device._raw(job)
        except PrintError:
            raise
        except Exception as exc:  # pyusb, pyserial and sockets raise many kinds; all become PrintError
            raise _device_error(exc, self.device, self.name) from exc
        finally:
            self._close()
        return f"{self.name} ({note})" if note else self.name

    def _job(self, view: TicketView, lang: str) -> bytes:
        """The whole ticket as ESC/POS bytes, built before the printer is touched and sent in one write,
        so that a failure leaves no half ticket from our side."""
        from kiosk.printing.ticket import (  # loaded at the first ticket, not at start
            native_time,
            render_ticket,
        )

        body = render_ticket(view, self.width_px, lang, body_only=True)
        job = Dummy()
        job.profile = self.device.profile
        job.hw("INIT")
        job.set(align="center", bold=True, custom_size=True, width=self.NUMBER_SIZE, height=self.NUMBER_SIZE)
        job.textln(view.number)
        job.set(custom_size=True, width=2, height=2, bold=False)
        job.textln(native_time(view))
        job.set(custom_size=True, width=1, height=1, align="left")
        self._image(job, body)
        job.cut()
        return bytes(job.output)

    def _check_status(self) -> str | None:
        """Raise PrintError when the printer says it cannot print; a note when paper is low. Printers
        that cannot be read (device files, ``Dummy``) or do not answer are not asked again."""
        if not self._status_answers or type(self.device)._read is Escpos._read:
            return None
        online = self._query(RT_STATUS_ONLINE)
        if online is None:
            return None
        if online & RT_MASK_ONLINE:
            cause = self._query(_RT_STATUS_OFFLINE_CAUSE) or 0
            if cause & _COVER_OPEN:
                raise _status_error("cover", self.name)
            raise _status_error("paper" if cause & _PAPER_END_STOP else "offline", self.name)
        paper = self._query(RT_STATUS_PAPER)
        if paper is not None and paper & _PAPER_OUT == _PAPER_OUT:
            raise _status_error("paper", self.name)
        if paper is not None and paper & _PAPER_LOW == _PAPER_LOW:
            return "กระดาษใกล้หมด / paper running low"
        return None

    def _query(self, command: bytes) -> int | None:
        try:
            answer = self.device.query_status(command)
        except NotImplementedError:
            answer = b""
        except OSError as exc:  # a read timeout: the printer takes commands but does not answer
            if "timeout" not in type(exc).__name__.lower() and not isinstance(exc, TimeoutError):
                raise
            answer = b""
        if len(answer) == 0:
            self._status_answers = False
            return None
        return int(answer[0])

    def _close(self) -> None:
        """Let go of the device after each ticket, so that a printer unplugged and plugged back in
        (or switched off and on) works for the next ticket without restarting the kiosk."""
        try:
            self.device.close()
        except Exception as exc:  # closing a device that has gone away; the next open will say why
            log.warning("closing %s failed: %s", self.name, exc)


class _Network(Network):  # type: ignore[misc]
    """python-escpos 3.1 leaves the socket open when ``connect`` fails (a ResourceWarning on every
    failed print); this one closes it and raises the same DeviceNotFoundError."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect((self.host, self.port))
        except OSError as exc:
            sock.close()
            self.device = None
            raise DeviceNotFoundError(f"Could not open socket for {self.host}:\n{exc}") from exc
        self.device = sock


def _profile_width(device: Escpos) -> int | None:
    pixels = device.profile.profile_data.get("media", {}).get("width", {}).get("pixels")
    return pixels if isinstance(pixels, int) and pixels >= 300 else None


def _set_profile_width(device: Escpos, width_px: int) -> None:
    """Tell python-escpos the paper's dot width (on this device's profile only), so that it checks our
    image against it instead of printing a warning about an unknown width."""
    data: dict[str, Any] = copy.deepcopy(device.profile.profile_data)
    data.setdefault("media", {}).setdefault("width", {})["pixels"] = width_px
    device.profile.profile_data = data


_STATUS_MESSAGES = {
    "paper": (
        "กระดาษหมด กรุณาใส่กระดาษม้วนใหม่ แล้วลองใหม่อีกครั้ง",
        "The printer is out of paper: load a new roll, close the cover, then try again.",
    ),
    "cover": (
        "ฝาเครื่องพิมพ์เปิดอยู่ กรุณาปิดฝาให้สนิท แล้วลองใหม่อีกครั้ง",
        "The printer cover is open: close it firmly, then try again.",
    ),
    "offline": (
        "เครื่องพิมพ์ไม่พร้อมใช้งาน กรุณาตรวจไฟสถานะ กระดาษ และฝาเครื่อง หรือปิดแล้วเปิดเครื่องใหม่",
        "The printer is offline: check its error light, paper and cover, or switch it off and on again.",
    ),
}


def _status_error(kind: str, printer: str) -> PrintError:
    th, en = _STATUS_MESSAGES[kind]
    return PrintError(th, en, printer)


def _device_error(exc: BaseException, device: Escpos, printer: str) -> PrintError:
    """Turn whatever python-escpos, pyusb, pyserial or a socket raised into advice."""
    text, kind = " ".join(str(exc).split()) or type(exc).__name__, type(exc).__name__
    where = _where(device)
    if kind == "NoBackendError":
        return PrintError(
            "ไม่พบไลบรารี libusb ในเครื่อง กรุณาให้เจ้าหน้าที่ไอทีติดตั้ง (sudo apt install libusb-1.0-0)",
            "pyusb found no USB backend: install libusb (Debian/Ubuntu: sudo apt install libusb-1.0-0; "
            "Windows: install the printer's WinUSB/libusb driver with Zadig).",
            printer,
        )
    if isinstance(exc, RuntimeError) and ("usb" in text.lower() or "serial" in text.lower()):
        package = "pyserial" if "serial" in text.lower() else "pyusb"
        return PrintError(
            f"โปรแกรมยังไม่ได้ติดตั้ง {package} สำหรับเครื่องพิมพ์ชนิดนี้ กรุณาแจ้งเจ้าหน้าที่ไอที",
            f"The Python package {package} is not installed: pip install 'python-escpos[usb,serial]'.",
            printer,
        )
    if isinstance(exc, PermissionError) or re.search(r"Errno 13|ermission denied|Access denied", text):
        return PrintError(
            f"ไม่มีสิทธิ์ใช้เครื่องพิมพ์ {where} กรุณาให้เจ้าหน้าที่ไอทีตั้งสิทธิ์การใช้งาน",
            f"No permission to use the printer {where}. {_permission_fix(device)}",
            printer,
        )
    if isinstance(exc, TimeoutError) or "timeout" in kind.lower() or "timed out" in text.lower():
        return PrintError(
            f"เครื่องพิมพ์ {where} ไม่ตอบสนอง กรุณาตรวจว่าเปิดเครื่อง มีกระดาษ และปิดฝาแล้ว",
            f"The printer {where} does not respond: check it is switched on, has paper and its cover is "
            "closed; on a network printer, check the cable and the IP address.",
            printer,
        )
    if isinstance(exc, ConnectionError):
        return PrintError(
            f"เชื่อมต่อเครื่องพิมพ์ {where} ไม่ได้ กรุณาตรวจสายแลนและไฟเครื่องพิมพ์",
            f"The printer {where} refused or dropped the connection: check the port number (usually 9100), "
            "the network cable, and that no other computer is printing to it.",
            printer,
        )
    if isinstance(exc, DeviceNotFoundError | FileNotFoundError) or kind == "USBError":
        return PrintError(
            f"ไม่พบเครื่องพิมพ์ {where} กรุณาตรวจว่าเสียบสายและเปิดเครื่องอยู่ แล้วลองใหม่อีกครั้ง",
            f"Printer {where} not found ({text}). {_not_found_fix(device)}",
            printer,
        )
    if isinstance(exc, OSError | EscposError):
        return PrintError(
            f"เครื่องพิมพ์ {where} ทำงานผิดพลาด กรุณาตรวจสาย กระดาษ และไฟสถานะ แล้วลองใหม่อีกครั้ง",
            f"The printer {where} failed ({kind}: {text}): check cable, paper and error light, "
            "then try again.",
            printer,
        )
    return PrintError(
        f"พิมพ์บัตรคิวไม่สำเร็จ ({kind}) กรุณาแจ้งเจ้าหน้าที่ไอที",
        f"Printing failed unexpectedly ({kind}: {text}): tell IT.",
        printer,
    )


def _where(device: Escpos) -> str:
    if isinstance(device, Usb):
        args = device.usb_args
        return f"USB {args.get('idVendor', 0):04x}:{args.get('idProduct', 0):04x}"
    if isinstance(device, Network):
        return f"{device.host}:{device.port}"
    if isinstance(device, File | Serial):
        return str(device.devfile)
    return type(device).__name__


def _not_found_fix(device: Escpos) -> str:
    if isinstance(device, Network):
        return (
            f"Check that the printer is switched on and cabled, that {device.host} is its IP address "
            "(print its self-test page: hold FEED while switching on) and that this computer can reach it "
            f"(ping {device.host}); then try again."
        )
    if isinstance(device, File):
        return (
            f"Check that the printer is plugged in and switched on: {device.devfile} appears only then "
            "(on Linux the usblp module must be loaded: sudo modprobe usblp); then try again."
        )
    return "Check that the printer is plugged in and switched on, and the cable is firm; then try again."


def _permission_fix(device: Escpos) -> str:
    if isinstance(device, Usb):
        vid = f"{device.usb_args.get('idVendor', 0):04x}"
        pid = f"{device.usb_args.get('idProduct', 0):04x}"
        return (
            'On Linux add a udev rule, as root: echo \'SUBSYSTEM=="usb", '
            f'ATTRS{{idVendor}}=="{vid}", ATTRS{{idProduct}}=="{pid}", MODE="0664", GROUP="lp"\' '
            "> /etc/udev/rules.d/60-prongsai-printer.rules; udevadm control --reload-rules; "
            "udevadm trigger; add the kiosk user to the lp group (sudo usermod -aG lp USER), log out and "
            "back in, and unplug and replug the printer."
        )
    if isinstance(device, File | Serial):
        group = "dialout" if isinstance(device, Serial) else "lp"
        return (
            f"Add the kiosk user to the {group} group (sudo usermod -aG {group} USER), log out and back "
            f"in; check with: ls -l {device.devfile}"
        )
    return "Check the printer's access settings."


def escpos_printer(parsed: PrinterSpec, spec: str) -> EscposPrinter:
    """The ESC/POS printer of a parsed spec (``spec`` as written, for messages)."""
    label = f"{parsed.target} ({parsed.paper_mm} mm)"
    device: Escpos
    if parsed.kind == "escpos-usb":
        if not Usb.is_usable():
            raise _missing_package("pyusb", spec)
        vid, pid = (int(part, 16) for part in parsed.target.split(":"))
        device = Usb(vid, pid, timeout=5000)
        label = f"USB {label}"
    elif parsed.kind == "escpos-net":
        device = _Network(parsed.target, port=parsed.number or 9100, timeout=10)
        label = f"{parsed.target}:{parsed.number or 9100} ({parsed.paper_mm} mm)"
    elif parsed.kind == "escpos-serial":
        if not Serial.is_usable():
            raise _missing_package("pyserial", spec)
        device = Serial(parsed.target, baudrate=parsed.number or 9600, timeout=5)
    elif parsed.kind == "escpos-file":
        device = File(parsed.target)
    else:
        raise ValueError(f"not an ESC/POS printer: {spec!r}")
    return EscposPrinter(device, parsed.paper_mm, name=f"ESC/POS {label}")


def _missing_package(package: str, spec: str) -> PrintError:
    return PrintError(
        f"ใช้เครื่องพิมพ์ {spec} ไม่ได้ เพราะยังไม่ได้ติดตั้ง {package} กรุณาแจ้งเจ้าหน้าที่ไอที",
        f"Printer {spec} needs the Python package {package}: pip install 'python-escpos[usb,serial]'.",
    )
