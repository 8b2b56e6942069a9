"""Bundles: a device's events from seq a to b, signed, in one file for a USB stick or the LAN.

A bundle file (``.psb``) is text, one JSON object per line::

    line 1   the manifest: {"format", "device", "public_key", "first_seq", "last_seq", "count",
             "prev" (the prev of the first event), "head" (the hash of the last), "payload_sha256",
             "created_at"}, canonical JSON
    line 2   {"signature": base64 Ed25519 signature of line 1 by the device key}
    line 3…  the events, canonical JSON lines, seq ascending without gaps

A file cut short, a changed byte, a line moved, or a manifest re-signed by another key no longer
matches: :func:`read_bundle` refuses it with :class:`BundleError` saying which and why.

Events are checked fast on import: the hash of an event is SHA-256 over its canonical line without the
``"hash"`` member, so :func:`line_hash_ok` removes that member from the line's bytes and hashes the rest.
A mistaken removal can only make the check fail, never pass (that would need a SHA-256 preimage).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from surveys.log.atomic import fsync_dir
from surveys.log.device import Device, device_id_for, verify_signature
from surveys.log.device_log import Mark, MarkError, read_events, read_mark
from surveys.log.event import canonical, now_iso
from sync.untrusted import MAX_INT, JsonRefused, Text, field_errors, load_json

FORMAT = "prongsai-bundle/1"
SUFFIX = ".psb"


class BundleError(Exception):
    """A bundle that can't be trusted; ``code`` says why (for reports), the message in words."""

    def __init__(self, code: str, message: str, path: Path | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.code = code
        self.path = path
        self.reason = message  # without the path: for a reply to someone who must not see our folders


@dataclass(frozen=True)
class Manifest:
    device: str
    public_key: str  # base64, 32 bytes
    first_seq: int
    last_seq: int
    count: int
    prev: str
    head: str
    payload_sha256: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, **self.__dict__}

    def encode(self) -> bytes:
        return canonical(self.to_dict())


@dataclass(frozen=True)
class Bundle:
    """A bundle whose signature and payload have been checked (not yet its events' chain)."""

    path: Path
    manifest: Manifest
    file_sha256: str  # identifies the bundle file

    def lines(self) -> Iterator[bytes]:
        """The payload's event lines (without newlines), streamed from the file."""
        with self.path.open("rb") as handle:
            handle.readline()
            handle.readline()
            for line in handle:
                yield line.rstrip(b"\n")


def line_hash_ok(line: bytes, claimed: str) -> bool:
    """Does ``line`` (a canonical event line) hash to ``claimed`` once its hash member is removed?"""
    member = b',"hash":"' + claimed.encode("ascii") + b'"'
    stripped = line.replace(member, b"", 1)
    return stripped != line and hashlib.sha256(stripped).hexdigest() == claimed


def write_bundle(device: Device, log_folder: Path, out: Path, from_seq: int = 1) -> Manifest | None:
    """Write the events of ``log_folder`` from ``from_seq`` as a bundle at ``out`` (None: nothing to send).

    The file is written under a temporary name, fsynced, renamed, and read back and checked, so a
    USB stick pulled out early leaves no file that looks complete.
    """
    try:
        mark = read_mark(log_folder)
    except MarkError as exc:
        raise BundleError(
            "mark", f"{exc}; run prongsai verify — a log that can't be checked is not signed"
        ) from None
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    first = last = count = 0
    prev = head = ""
    at_mark = ""  # the hash of the event at the mark's seq, when the bundle holds it
    try:
        with tmp.open("wb") as handle:
            handle.write(b" " * 4096 + b"\n")  # room for the manifest and signature, rewritten below
            for event in read_events(log_folder, from_seq):
                if event.device != device.id:
                    raise BundleError("foreign", f"event seq {event.seq} belongs to {event.device}")
                line = event.encode() + b"\n"
                handle.write(line)
                digest.update(line)
                if not line_hash_ok(line[:-1], event.hash):
                    raise BundleError(
                        "edited", f"event seq {event.seq} no longer matches its hash; run prongsai verify"
                    )
                if count == 0:
                    first, prev = event.seq, event.prev
                elif event.seq != last + 1:
                    raise BundleError(
                        "gap", f"the log jumps from seq {last} to {event.seq}; run prongsai verify"
                    )
                elif event.prev != head:
                    raise BundleError(
                        "broken",
                        f"event seq {event.seq} does not follow seq {last} (an event was rewritten); "
                        "run prongsai verify — a broken log is not signed",
                    )
                last, head, count = event.seq, event.hash, count + 1
                if mark is not None and event.seq == mark.seq:
                    at_mark = event.hash
            _check_against_mark(mark, from_seq, last if count else None, at_mark)
            if count == 0:
                tmp.unlink()
                return None
            manifest = Manifest(
                device=device.id,
                public_key=device.public_key_b64,
                first_seq=first,
                last_seq=last,
                count=count,
                prev=prev,
                head=head,
                payload_sha256=digest.hexdigest(),
                created_at=now_iso("seconds"),
            )
            header = _header(manifest, device.sign(manifest.encode()))
            if len(header) > 4097:
                raise BundleError("manifest", "the manifest is too long")
            handle.seek(0)
            handle.write(header[:-1].ljust(4096, b" ") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
        fsync_dir(out.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    read_bundle(out)  # read back: what is on the stick is what we meant
    return manifest


def _check_against_mark(mark: Mark | None, from_seq: int, last: int | None, at_mark: str) -> None:
    """Refuse to sign a log cut below its high-water mark, or rewritten at it (what ``verify`` reports):
    signed, a cut tail would reach the central store as a whole, shorter chain."""
    if mark is None or mark.seq < from_seq:
        return
    if last is None or last < mark.seq:
        raise BundleError(
            "cut",
            f"the log ends at seq {last if last is not None else from_seq - 1} but its high-water mark says "
            "it "
            f"had reached seq {mark.seq} on {mark.at}: its newest events were removed; run prongsai verify — "
            "a cut log is not signed",
        )
    if at_mark != mark.hash:
        raise BundleError(
            "rewritten",
            f"event seq {mark.seq} is not the one the high-water mark recorded; run prongsai verify — "
            "a rewritten log is not signed",
        )


def _header(manifest: Manifest, signature: bytes) -> bytes:
    return (
        manifest.encode()
        + b"\n"
        + json.dumps({"signature": base64.b64encode(signature).decode("ascii")}).encode()
        + b"\n"
    )


def read_bundle(path: Path) -> Bundle:
    """Check a bundle's manifest, signature and payload hash; raise :class:`BundleError` if any fails.

    The signature is checked against the key in the manifest; whether that key is the one enrolled
    for the device is the central store's question.
    """
    path = Path(path)
    file_digest = hashlib.sha256()
    payload = hashlib.sha256()
    count = 0
    try:
        with path.open("rb") as handle:
            first_line = handle.readline()
            second_line = handle.readline()
            file_digest.update(first_line + second_line)
            manifest = _manifest(first_line, path)
            _check_signature(manifest, first_line, second_line, path)
            while chunk := handle.read(1 << 20):
                payload.update(chunk)
                file_digest.update(chunk)
                count += chunk.count(b"\n")
    except FileNotFoundError:
        raise BundleError("missing", "no such file", path) from None
    except OSError as exc:
        raise BundleError("unreadable", f"the file can't be read ({exc.strerror})", path) from None
    if payload.hexdigest() != manifest.payload_sha256:
        raise BundleError(
            "payload",
            f"the events do not match the signed manifest ({count} lines for {manifest.count} events): "
            "the file is cut short, damaged or altered",
            path,
        )
    return Bundle(path, manifest, file_digest.hexdigest())


Seq = Annotated[int, Field(ge=1, le=MAX_INT)]


class _ManifestLine(BaseModel):
    """The first line of a bundle as it must be: seqs an event can hold, text that is valid Unicode."""

    model_config = ConfigDict(strict=True, extra="forbid")
    format: Literal["prongsai-bundle/1"]
    device: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,64}$")]
    public_key: Annotated[str, Field(max_length=64)]
    first_seq: Seq
    last_seq: Seq
    count: Seq
    prev: Text
    head: Text
    payload_sha256: Text
    created_at: Text


def read_header(first_line: bytes, second_line: bytes) -> Manifest:
    """The manifest of a bundle from its first two lines, its signature checked against the key it
    names; :class:`BundleError` if either fails. For a server that checks a bundle before storing it."""
    manifest = _manifest(first_line, None)
    _check_signature(manifest, first_line, second_line, None)
    return manifest


def _manifest(line: bytes, path: Path | None) -> Manifest:
    try:
        data = load_json(line, max_depth=1)
    except JsonRefused:
        raise BundleError("format", "not a prongsai bundle (its first line is no manifest)", path) from None
    if not isinstance(data, dict) or "format" not in data:
        raise BundleError("format", "not a prongsai bundle (its first line is no manifest)", path)
    if data["format"] != FORMAT:
        raise BundleError("format", f"not a {FORMAT} file", path)
    try:
        checked = _ManifestLine.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{field}: expected {en}" for field, _, en in field_errors(exc, "manifest"))
        raise BundleError("format", f"the manifest's fields are wrong ({problems})", path) from None
    manifest = Manifest(**checked.model_dump(exclude={"format"}))
    if manifest.count != manifest.last_seq - manifest.first_seq + 1 or manifest.first_seq < 1:
        raise BundleError("manifest", "the manifest's seq range and count disagree", path)
    return manifest


class _SignatureLine(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    signature: Annotated[str, Field(max_length=128)]  # base64 of 64 bytes: 88 characters


def _check_signature(manifest: Manifest, first_line: bytes, second_line: bytes, path: Path | None) -> None:
    try:
        line = _SignatureLine.model_validate(load_json(second_line, max_depth=1))
        signature = base64.b64decode(line.signature, validate=True)
        public_key = base64.b64decode(manifest.public_key, validate=True)
    except ValueError:  # JsonRefused and ValidationError are ValueErrors, as is a base64 error
        raise BundleError("signature", "the signature line is missing or damaged", path) from None
    if device_id_for(public_key) != manifest.device:
        raise BundleError("key", f"the manifest's key is not the key of device {manifest.device}", path)
    if not verify_signature(public_key, signature, first_line.rstrip(b" \n")):
        raise BundleError("signature", "the signature does not match the manifest", path)
