"""Where tickets go: PNG files (the default) or an ESC/POS thermal printer, chosen by a spec string.

Specs (``printer_from_spec``)::

    png:FOLDER                              PNG files in FOLDER (``png:`` alone: the caller's default)
    escpos-usb:VID:PID[:58|80]              USB printer by vendor and product id (hex), e.g. 04b8:0202
    escpos-net:HOST[:PORT][:58|80]          network printer, port 9100 by default
    escpos-serial:DEVICE[:BAUD][:58|80]     serial printer, /dev/ttyUSB0 or COM3, 9600 baud by default
    escpos-file:DEVICE[:58|80]              a printer device file such as /dev/usb/lp0

Paper is 80 mm unless the spec ends in ``:58``. In ``escpos-net`` a lone 58 or 80 after the host is the
paper width, not the port: write ``HOST:80:80`` for port 80.

ESC/POS code pages for Thai differ from vendor to vendor, so an ESC/POS ticket is one raster image of
the Thai parts (drawn at the printer's exact dot width, so nothing is scaled) plus the ticket number and
the time as the printer's own text, which every ESC/POS printer prints crisply. The QR code is part of
the image rather than the printer's ``GS ( k`` QR command: many cheap printers lack that command or
draw the code at their own size, while our image is the same dots on every printer, and the very dots
the tests decode.
"""

from __future__ import annotations

import copy
import errno
import io
import logging
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from escpos.constants import DLE, EOT, RT_MASK_ONLINE, RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy, File, Network, Serial, Usb

from kiosk.ticket import WIDTH_58MM, WIDTH_80MM, TicketView, native_time, render_ticket
from surveys.atomic import write_atomic
from surveys.thaidate import BANGKOK

log = logging.getLogger(__name__)

PaperMm = Literal[58, 80]
PAPER_WIDTH_PX: dict[int, int] = {58: WIDTH_58MM, 80: WIDTH_80MM}
ACCEPTED_SPECS = (
    "png:FOLDER | escpos-usb:VID:PID[:58|80] | escpos-net:HOST[:PORT][:58|80] | "
    "escpos-serial:DEVICE[:BAUD][:58|80] | escpos-file:DEVICE[:58|80]"
)
_RT_STATUS_OFFLINE_CAUSE = DLE + EOT + b"\x02"
_COVER_OPEN, _PAPER_END_STOP = 0x04, 0x20  # DLE EOT 2 bits
_PAPER_OUT, _PAPER_LOW = 0x60, 0x0C  # DLE EOT 4 bits


class PrintError(Exception):
    """A ticket did not print. ``th`` and ``en`` each say what happened and what to do, for the person
    at the kiosk or the IT officer; ``str()`` gives both, Thai first."""

    def __init__(self, th: str, en: str, printer: str = "") -> None:
        self.th, self.en, self.printer = th, en, printer
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"[{self.printer}] " if self.printer else ""
        return f"{where}{self.th}\n{where}{self.en}"


class Printer(Protocol):
    """Something that prints tickets. ``print_ticket`` returns where the ticket went (a file path or the
    printer's name, with a note such as low paper) and raises :class:`PrintError` when it did not print."""

    name: str
    width_px: int

    def print_ticket(self, view: TicketView, lang: str = "th") -> str: ...


# -- PNG files ----------------------------------------------------------------------------------------


class PngPrinter:
    """Writes each ticket as ``ticket-YYYYMMDD-HHMMSS-A001.png`` (Bangkok time of issue) in ``folder``,
    whole or not at all; a reprint gets ``-reprint`` (``-reprint-2`` …) and never replaces the original."""

    def __init__(self, folder: Path, width_px: int = WIDTH_80MM) -> None:
        folder = Path(folder)
        # ``png:ticket.png`` names the file itself (for a test print); otherwise a folder of tickets.
        self.file = folder if folder.suffix.lower() == ".png" else None
        self.folder, self.width_px = (folder.parent if self.file else folder), width_px
        self.name = f"png:{folder}"

    def print_ticket(self, view: TicketView, lang: str = "th") -> str:
        buffer = io.BytesIO()
        render_ticket(view, self.width_px, lang).save(buffer, format="PNG")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._path_for(view)
            write_atomic(path, buffer.getvalue())
        except OSError as exc:
            raise _file_error(exc, self.folder, self.name) from exc
        return str(path)

    def _path_for(self, view: TicketView) -> Path:
        if self.file is not None and not view.reprint:
            return self.file
        stamp = view.issued_at.astimezone(BANGKOK).strftime("%Y%m%d-%H%M%S")
        stem = f"ticket-{stamp}-{re.sub(r'[^A-Za-z0-9]+', '_', view.number)}"
        if not view.reprint:
            return self.folder / f"{stem}.png"
        n = 1
        while (path := self.folder / f"{stem}-reprint{'' if n == 1 else f'-{n}'}.png").exists():
            n += 1
        return path


def _file_error(exc: OSError, folder: Path, printer: str) -> PrintError:
    if exc.errno == errno.ENOSPC:
        return PrintError(
            f"ดิสก์เต็ม บันทึกบัตรคิวลงโฟลเดอร์ {folder} ไม่ได้ กรุณาลบไฟล์เก่าหรือย้ายไปดิสก์อื่น",
            f"The disk is full: cannot save the ticket in {folder}. "
            "Free some space or choose another folder.",
            printer,
        )
    if isinstance(exc, PermissionError):
        return PrintError(
            f"ไม่มีสิทธิ์เขียนไฟล์ในโฟลเดอร์ {folder} กรุณาให้เจ้าหน้าที่ไอทีแก้สิทธิ์ของโฟลเดอร์",
            f"No permission to write in {folder}: ask IT to give the kiosk's user write access to it.",
            printer,
        )
    return PrintError(
        f"บันทึกบัตรคิวลงโฟลเดอร์ {folder} ไม่ได้ ({exc.strerror or exc})",
        f"Cannot save the ticket in {folder} ({exc.strerror or exc}). Check that the folder exists "
        "and its disk is connected.",
        printer,
    )


# -- ESC/POS ------------------------------------------------------------------------------------------


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
        job = self._job(view, lang)
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
        body = render_ticket(view, self.width_px, lang, body_only=True)
        ink = body.point([0 if v < 160 else 255 for v in range(256)], "1")  # no dithering of text edges
        job = Dummy()
        job.profile = self.device.profile
        job.hw("INIT")
        job.set(align="center", bold=True, custom_size=True, width=self.NUMBER_SIZE, height=self.NUMBER_SIZE)
        job.textln(view.number)
        job.set(custom_size=True, width=2, height=2, bold=False)
        job.textln(native_time(view))
        job.set(custom_size=True, width=1, height=1, align="left")
        job.image(ink, impl=self.IMPL, center=False, fragment_height=self.FRAGMENT_HEIGHT)
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


# -- specs --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrinterSpec:
    """A parsed printer spec. ``target`` is the folder, host, device path, or ``VID:PID`` in hex;
    ``number`` is the network port or the serial baud rate when one was given."""

    kind: Literal["png", "escpos-usb", "escpos-net", "escpos-serial", "escpos-file"]
    target: str
    number: int | None = None
    paper_mm: PaperMm = 80


def parse_printer_spec(spec: str, default_folder: Path | None = None) -> PrinterSpec:
    """Read a spec (see the module's docstring); a bad one raises PrintError naming it and the forms."""
    kind, _, rest = spec.strip().partition(":")
    if kind in ("", "png"):
        folder = rest or (str(default_folder) if default_folder is not None else "")
        if not folder:
            raise _spec_error(spec, "png: needs a folder")
        return PrinterSpec("png", folder)
    if kind not in ("escpos-usb", "escpos-net", "escpos-serial", "escpos-file"):
        raise _spec_error(spec, f"unknown printer kind {kind!r}")
    if kind == "escpos-net" and rest.startswith("["):  # an IPv6 address: [fe80::1]:9100
        host, _, tail = rest[1:].partition("]")
        parts = [host, *tail.removeprefix(":").split(":")] if tail else [host]
    else:
        parts = rest.split(":")
    paper: PaperMm = 80
    if len(parts) > (2 if kind == "escpos-usb" else 1) and parts[-1] in ("58", "80"):
        paper = 58 if parts.pop() == "58" else 80
    if kind == "escpos-usb":
        if len(parts) != 2 or not all(re.fullmatch(r"(0x)?[0-9a-fA-F]{1,4}", p) for p in parts):
            raise _spec_error(spec, "a USB printer is VID:PID in hex, e.g. escpos-usb:04b8:0202:80")
        return PrinterSpec("escpos-usb", f"{int(parts[0], 16):04x}:{int(parts[1], 16):04x}", None, paper)
    if kind == "escpos-net":
        return PrinterSpec("escpos-net", *_target_and_number(spec, parts, "port", 9100, 65535), paper)
    if kind == "escpos-serial":
        return PrinterSpec(
            "escpos-serial", *_target_and_number(spec, parts, "baud rate", 9600, 4_000_000), paper
        )
    if not parts[0]:
        raise _spec_error(spec, "a device file is needed, e.g. escpos-file:/dev/usb/lp0")
    return PrinterSpec("escpos-file", ":".join(parts), None, paper)


def printer_from_spec(spec: str, default_folder: Path | None = None) -> Printer:
    """The printer a spec names. ``png:`` (or an empty spec) writes to ``default_folder``."""
    parsed = parse_printer_spec(spec, default_folder)
    label = f"{parsed.target} ({parsed.paper_mm} mm)"
    if parsed.kind == "png":
        return PngPrinter(Path(parsed.target))
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
    else:
        device = File(parsed.target)
    return EscposPrinter(device, parsed.paper_mm, name=f"ESC/POS {label}")


def _target_and_number(
    spec: str, parts: list[str], what: str, default: int, maximum: int
) -> tuple[str, int | None]:
    if not parts or not parts[0] or len(parts) > 2:
        raise _spec_error(spec, f"expected a device or host, then an optional {what}")
    if len(parts) == 1:
        return parts[0], None
    if not parts[1].isdigit() or not 0 < int(parts[1]) <= maximum:
        raise _spec_error(spec, f"{parts[1]!r} is not a {what} (default {default})")
    return parts[0], int(parts[1])


def _spec_error(spec: str, problem: str) -> PrintError:
    return PrintError(
        f"ตั้งค่าเครื่องพิมพ์ไม่ถูกต้อง: {spec!r} ({problem}) รูปแบบที่ใช้ได้: {ACCEPTED_SPECS}",
        f"Bad printer spec {spec!r}: {problem}. Accepted forms: {ACCEPTED_SPECS}",
    )


def _missing_package(package: str, spec: str) -> PrintError:
    return PrintError(
        f"ใช้เครื่องพิมพ์ {spec} ไม่ได้ เพราะยังไม่ได้ติดตั้ง {package} กรุณาแจ้งเจ้าหน้าที่ไอที",
        f"Printer {spec} needs the Python package {package}: pip install 'python-escpos[usb,serial]'.",
    )
