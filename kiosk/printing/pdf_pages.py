"""Printed pages as PDF: each page the very image Pillow drew (Thai shaped by raqm), with its words laid
over it as invisible text, so that the PDF reads, searches and copies like any document.

Pillow saves an image as a PDF with no text in it. Here each page is the greyscale image (Flate, the
same pixels as the PNG) and, for every line drawn on it, the line's text at the same place in text
render mode 3 (invisible), as a scanner's OCR layer is: the glyphs come from the picture, the text layer
only carries the characters. The text is set in a font with no glyphs of its own (codes are the
characters' Unicode values, mapped back by a ``ToUnicode`` table); each line is stretched to the width
it has in the picture, so a selection covers what it names.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image

POINTS_PER_INCH = 72.0
_ADVANCE = 500  # the text layer's width of every character, in thousandths of the font size


@dataclass(frozen=True)
class TextRun:
    """One line of text as drawn on a page: left edge and baseline in pixels, font size in pixels, and
    the line's drawn width in pixels."""

    x: float
    baseline: float
    size: float
    text: str
    width: float


@dataclass
class Page:
    """A page image and the lines of text drawn on it."""

    image: Image.Image
    runs: list[TextRun] = field(default_factory=list)


def pdf_bytes(pages: Sequence[Page], dpi: float, title: str) -> bytes:
    """The pages as one PDF at ``dpi`` (an A4 page image at 150 dpi gives an A4 page)."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    writer = _Writer()
    catalog, page_tree, info, font = writer.reserve(), writer.reserve(), writer.reserve(), writer.reserve()
    descendant, descriptor, to_unicode = writer.reserve(), writer.reserve(), writer.reserve()
    codes = sorted({ord(ch) for page in pages for run in page.runs for ch in run.text if ord(ch) <= 0xFFFF})
    kids: list[int] = []
    for page in pages:
        image = page.image.convert("L")
        scale = POINTS_PER_INCH / dpi
        width, height = image.width * scale, image.height * scale
        picture = writer.add_stream(
            f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
            "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
            zlib.compress(image.tobytes(), 6),
        )
        content = [f"q {_num(width)} 0 0 {_num(height)} 0 0 cm /Im0 Do Q"]
        for run in page.runs:
            content.append(_text_op(run, scale, height))
        stream = writer.add_stream("/Filter /FlateDecode", zlib.compress("\n".join(content).encode("ascii")))
        page_id = writer.reserve()
        writer.set(
            page_id,
            f"<< /Type /Page /Parent {page_tree} 0 R /MediaBox [0 0 {_num(width)} {_num(height)}] "
            f"/Resources << /XObject << /Im0 {picture} 0 R >> /Font << /F0 {font} 0 R >> >> "
            f"/Contents {stream} 0 R >>",
        )
        kids.append(page_id)
    writer.set(catalog, f"<< /Type /Catalog /Pages {page_tree} 0 R /Lang (th) >>")
    writer.set(
        page_tree, f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    )
    writer.set(info, f"<< /Title {_utf16(title)} /Creator (prongsai) >>")
    writer.set(
        font,
        f"<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H "
        f"/DescendantFonts [{descendant} 0 R] /ToUnicode {to_unicode} 0 R >>",
    )
    writer.set(
        descendant,
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont "
        f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {descriptor} 0 R /DW {_ADVANCE} /CIDToGIDMap /Identity >>",
    )
    writer.set(
        descriptor,
        "<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 -250 500 1000] "
        "/ItalicAngle 0 /Ascent 1000 /Descent -250 /CapHeight 1000 /StemV 80 >>",
    )
    writer.set_stream(to_unicode, "", _to_unicode(codes))
    return writer.finish(catalog, info)


def _text_op(run: TextRun, scale: float, page_height: float) -> str:
    text = "".join(ch for ch in run.text if ord(ch) <= 0xFFFF)
    if not text:
        return ""
    size = run.size * scale
    natural = len(text) * _ADVANCE / 1000 * size
    stretch = 100 * run.width * scale / natural if natural > 0 else 100
    hex_codes = "".join(f"{ord(ch):04X}" for ch in text)
    x, y = run.x * scale, page_height - run.baseline * scale
    return (
        f"BT 3 Tr /F0 {_num(size)} Tf {_num(stretch)} Tz 1 0 0 1 {_num(x)} {_num(y)} Tm <{hex_codes}> Tj ET"
    )


def _to_unicode(codes: Sequence[int]) -> bytes:
    """A CMap that maps each two-byte code to the character with that Unicode value."""
    ranges = sorted({code >> 8 for code in codes}) or [0]
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for start in range(0, len(ranges), 100):  # at most 100 entries per block
        chunk = ranges[start : start + 100]
        lines.append(f"{len(chunk)} beginbfrange")
        lines.extend(f"<{high:02X}00> <{high:02X}FF> <{high:02X}00>" for high in chunk)
        lines.append("endbfrange")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _utf16(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class _Writer:
    """Numbered PDF objects, then the cross-reference table."""

    def __init__(self) -> None:
        self.objects: list[bytes | None] = []

    def reserve(self) -> int:
        self.objects.append(None)
        return len(self.objects)

    def set(self, number: int, body: str) -> None:
        self.objects[number - 1] = body.encode("ascii")

    def set_stream(self, number: int, entries: str, data: bytes) -> None:
        head = f"<< {entries} /Length {len(data)} >>\nstream\n".encode("ascii")
        self.objects[number - 1] = head + data + b"\nendstream"

    def add_stream(self, entries: str, data: bytes) -> int:
        number = self.reserve()
        self.set_stream(number, entries, data)
        return number

    def finish(self, catalog: int, info: int) -> bytes:
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets: list[int] = []
        for number, body in enumerate(self.objects, start=1):
            assert body is not None, f"PDF object {number} was reserved but never written"
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode("ascii")
        out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
        out += (
            f"trailer\n<< /Size {len(offsets) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n"
        ).encode("ascii")
        return bytes(out)
