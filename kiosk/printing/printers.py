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

Only what names and writes PNG tickets lives here, with the specs: the ESC/POS printer is in
:mod:`kiosk.printing.escpos_printer`, imported when a spec names one (python-escpos is slow to import),
and the ticket's drawing (Pillow, qrcode, PyThaiNLP) is imported at the first ticket, not when the kiosk
starts.
"""

from __future__ import annotations

import errno
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from surveys.bilingual import UserError
from surveys.log.atomic import write_atomic
from surveys.log.event import BANGKOK

if TYPE_CHECKING:
    from kiosk.printing.complaint_receipt import ReceiptView
    from kiosk.printing.ticket import TicketView

PaperMm = Literal[58, 80]
# The dot widths of 58 and 80 mm paper at 203 dpi (kiosk.printing.ticket draws at these widths).
PAPER_WIDTH_PX: dict[int, int] = {58: 384, 80: 576}
# zlib's fastest level: half the time of the default (6) for a ticket, for a file a fifth bigger.
PNG_COMPRESS_LEVEL = 1
ACCEPTED_SPECS = (
    "png:FOLDER | escpos-usb:VID:PID[:58|80] | escpos-net:HOST[:PORT][:58|80] | "
    "escpos-serial:DEVICE[:BAUD][:58|80] | escpos-file:DEVICE[:58|80]"
)


class PrintError(UserError):
    """A ticket did not print. ``th`` and ``en`` each say what happened and what to do, for the person
    at the kiosk; ``text(lang)`` adds the printer's name, for staff; ``str()`` gives both (for logs)."""

    def __init__(self, th: str, en: str, printer: str = "") -> None:
        super().__init__("print_failed", th, en)
        self.printer = printer

    def text(self, lang: str) -> str:
        where = f"[{self.printer}] " if self.printer else ""
        return where + super().text(lang)

    def __str__(self) -> str:
        return f"{self.text('th')}\n{self.text('en')}"


class Printer(Protocol):
    """Something that prints tickets. ``print_ticket`` returns where the ticket went (a file path or the
    printer's name, with a note such as low paper) and raises :class:`PrintError` when it did not print."""

    name: str
    width_px: int

    def print_ticket(self, view: TicketView, lang: str = "th") -> str: ...


class ReceiptPrinter(Printer, Protocol):
    """A printer that also prints complaint receipts (both of ours do); same return and errors."""

    def print_receipt(self, view: ReceiptView, lang: str = "th") -> str: ...


# -- PNG files ----------------------------------------------------------------------------------------


class PngPrinter:
    """Writes each ticket as ``ticket-YYYYMMDD-HHMMSS-A001.png`` (Bangkok time of issue) in ``folder``,
    whole or not at all; a reprint gets ``-reprint`` (``-reprint-2`` …) and never replaces the original."""

    def __init__(self, folder: Path, width_px: int = PAPER_WIDTH_PX[80]) -> None:
        folder = Path(folder)
        # ``png:ticket.png`` names the file itself (for a test print); otherwise a folder of tickets.
        self.file = folder if folder.suffix.lower() == ".png" else None
        self.folder, self.width_px = (folder.parent if self.file else folder), width_px
        self.name = f"png:{folder}"

    def print_ticket(self, view: TicketView, lang: str = "th") -> str:
        from kiosk.printing.ticket import (
            render_ticket,  # Pillow, qrcode, PyThaiNLP: loaded at the first ticket
        )

        buffer = io.BytesIO()
        render_ticket(view, self.width_px, lang).save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._path_for(view)
            write_atomic(path, buffer.getvalue())
        except OSError as exc:
            raise _file_error(exc, self.folder, self.name) from exc
        return str(path)

    def print_receipt(self, view: ReceiptView, lang: str = "th") -> str:
        """Writes the receipt as ``complaint-YYYYMMDD-HHMMSS-C68-7KQ2MX-D.png`` (a reprint gets
        ``-reprint``, ``-reprint-2`` …), whole or not at all."""
        from kiosk.printing.complaint_receipt import render_receipt

        buffer = io.BytesIO()
        render_receipt(view, self.width_px, lang).save(
            buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL
        )
        stamp = view.received_at.astimezone(BANGKOK).strftime("%Y%m%d-%H%M%S")
        stem = f"complaint-{stamp}-{re.sub(r'[^A-Za-z0-9-]+', '_', view.code)}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{stem}.png"
            n = 1
            while (
                view.reprint
                and (path := self.folder / f"{stem}-reprint{'' if n == 1 else f'-{n}'}.png").exists()
            ):
                n += 1
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
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return PrintError(
            f"บันทึกบัตรคิวลงโฟลเดอร์ {folder} ไม่ได้ เพราะมีไฟล์อยู่ในตำแหน่งที่ควรเป็นโฟลเดอร์ กรุณาตรวจสอบชื่อโฟลเดอร์",
            f"Cannot save the ticket in {folder}: a file is where the folder should be. "
            "Check the folder's name.",
            printer,
        )
    if exc.errno == errno.ENOENT:
        return PrintError(
            f"บันทึกบัตรคิวลงโฟลเดอร์ {folder} ไม่ได้ เพราะไม่มีโฟลเดอร์นี้ กรุณาตรวจสอบชื่อโฟลเดอร์และว่าดิสก์เสียบอยู่",
            f"Cannot save the ticket in {folder}: there is no such folder. Check the folder's name and "
            "that its disk is connected.",
            printer,
        )
    return PrintError(
        f"บันทึกบัตรคิวลงโฟลเดอร์ {folder} ไม่ได้ (รหัสข้อผิดพลาด {exc.errno}) กรุณาตรวจสอบว่าโฟลเดอร์มีอยู่และดิสก์เสียบอยู่",
        f"Cannot save the ticket in {folder} ({exc.strerror or exc}). Check that the folder exists "
        "and its disk is connected.",
        printer,
    )


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
    if parsed.kind == "png":
        return PngPrinter(Path(parsed.target))
    from kiosk.printing.escpos_printer import escpos_printer  # python-escpos: imported only for such printers

    return escpos_printer(parsed, spec)


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
