"""TLS on the office LAN: each server's own certificate, and clients that pin its fingerprint.

The office (``prongsai serve``) and the central machine (``prongsai sync serve``) each make a
self-signed ECDSA P-256 certificate on first start (:func:`server_certificate`: ``cert.pem`` and
``key.pem``, mode 0600, in a folder of the server's home) and print its SHA-256 *fingerprint*. The IT
officer gives that fingerprint to each terminal once (``--fingerprint``); the terminal then talks to
no other certificate.

Pinning (:func:`pinned_context`): the client's TLS context checks no certificate authority and no
host name (a LAN address has neither); instead, right after the handshake and before a byte of the
request is sent, the SHA-256 of the certificate the server presented must equal the pinned one,
otherwise the connection is closed with a :class:`CertificateMismatch`. The handshake itself proves
that the server holds the key of the certificate it presents, so only the real server passes.

Plain HTTP is allowed only on this machine (127.0.0.1, ::1, localhost): a server refuses to listen
in clear on any other address, and a client refuses an ``http://`` URL to any other host before it
connects (:func:`check_address`).
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from surveys.bilingual import UserError
from surveys.log.atomic import fsync_dir

OFFICE_TLS = "office-tls"  # in the office's home
SYNC_TLS = "sync-tls"  # in the central machine's home
CERT_FILE = "cert.pem"
KEY_FILE = "key.pem"
FINGERPRINT_ENV = "PRONGSAI_OFFICE_FINGERPRINT"
VALID_YEARS = 30  # a pinned certificate is trusted by its fingerprint, not its dates: make it outlive the PC


class TlsError(UserError):
    """A connection refused for its security; ``code`` for programs, ``th``/``en`` for people."""


class CertificateMismatch(ssl.SSLError):
    """The server presented a certificate other than the pinned one (raised in the handshake)."""

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"certificate fingerprint {got} is not the pinned {expected}")
        self.expected = expected
        self.got = got


# -- the server's certificate ------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """A server's certificate and key files, and the fingerprint its clients pin."""

    cert_file: Path
    key_file: Path
    fingerprint: str  # 64 lowercase hex digits: SHA-256 of the DER certificate


def server_certificate(folder: Path, name: str) -> Certificate:
    """The certificate in ``folder``: made on first use (key mode 0600, folder 0700), then read back.

    ``name`` goes into the certificate's subject (for a person looking at it; nothing checks it).
    """
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    if not cert_path.exists() or not key_path.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _make_certificate(folder, name)
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except ValueError:
        raise OSError(
            f"{cert_path} is not a certificate; delete the folder {folder} and start the server again "
            "(then give the terminals the new fingerprint)"
        ) from None
    return Certificate(cert_path, key_path, _sha256(cert))


def _sha256(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _make_certificate(folder: Path, name: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * VALID_YEARS))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # the key first, then the certificate: a certificate on disk always has its key beside it
    _write_new(folder / KEY_FILE, key_pem, 0o600)
    _write_new(folder / CERT_FILE, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    fsync_dir(folder)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


# -- fingerprints ------------------------------------------------------------------------------------


def format_fingerprint(fingerprint: str) -> str:
    """``3f2a9c01…`` → ``3F2A 9C01 …``: 16 groups of 4, to read aloud or type."""
    upper = fingerprint.upper()
    return " ".join(upper[i : i + 4] for i in range(0, len(upper), 4))


def parse_fingerprint(text: str) -> str:
    """A fingerprint as typed or scanned (any case; spaces, colons and dashes ignored; an optional
    ``SHA256:`` in front) → 64 lowercase hex digits; a :class:`TlsError` otherwise."""
    cleaned = text.strip()
    if cleaned.lower().startswith("sha256:"):
        cleaned = cleaned[len("sha256:") :]
    digits = "".join(c for c in cleaned if c not in " :-\t").lower()
    if len(digits) != 64 or any(c not in "0123456789abcdef" for c in digits):
        raise TlsError(
            "bad_fingerprint",
            "ลายนิ้วมือของใบรับรองต้องเป็นเลขฐานสิบหก 64 ตัว (0-9, A-F) ตามที่เครื่องแม่ข่ายแสดง "
            f"(ที่ให้มามี {len(digits)} ตัว)",
            f"a certificate fingerprint is 64 hex digits (0-9, A-F), as the server prints it (got "
            f"{len(digits)} characters)",
        )
    return digits


def fingerprint_qr(fingerprint: str) -> str:
    """The fingerprint as a QR code drawn with half blocks for a terminal (``SHA256:`` + hex)."""
    from sync.qr import terminal_qr  # qrcode loads Pillow: only when a code is drawn

    return terminal_qr(f"SHA256:{fingerprint.upper()}")


# -- clients -----------------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """This machine only: ``localhost``, 127.0.0.0/8 or ::1."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_address(url: str, fingerprint: str | None, what_th: str, what_en: str) -> None:
    """Refuse, before any connection, what would not be a pinned TLS connection off this machine:
    ``http://`` to another host, or ``https://`` without a fingerprint to pin."""
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        raise TlsError(
            "insecure_address",
            f"ไม่ส่งข้อมูลไปยัง{what_th} ({url}) แบบไม่เข้ารหัส: นอกเครื่องนี้ต้องใช้ https:// "
            f"พร้อมลายนิ้วมือของใบรับรอง (--fingerprint) ที่{what_th}แสดงตอนเริ่มทำงาน",
            f"refusing plain http:// to the {what_en} at {url}: off this machine use https:// with the "
            f"certificate fingerprint (--fingerprint) that the {what_en} prints when it starts",
        )
    if parts.scheme == "https" and fingerprint is None:
        raise TlsError(
            "no_fingerprint",
            f"ต้องมีลายนิ้วมือของใบรับรองของ{what_th} ({url}): ใช้ --fingerprint "
            f"(ดูได้จากหน้าจอของ{what_th}ตอนเริ่มทำงาน)",
            f"the {what_en}'s certificate fingerprint is needed for {url}: pass --fingerprint "
            f"(the {what_en} prints it when it starts)",
        )


def certificate_refused(url: str, mismatch: CertificateMismatch, what_th: str, what_en: str) -> TlsError:
    """The message for a server whose certificate is not the pinned one."""
    got, expected = format_fingerprint(mismatch.got), format_fingerprint(mismatch.expected)
    return TlsError(
        "wrong_certificate",
        f"ใบรับรองของ{what_th} ({url}) ไม่ตรงกับลายนิ้วมือที่ตั้งไว้ ไม่ได้ส่งข้อมูลใดๆ ไป: "
        "อาจมีเครื่องอื่นแอบอ้างเป็นเครื่องนั้น หรือเครื่องนั้นสร้างใบรับรองใหม่ "
        f"ให้ผู้ดูแลระบบเทียบกับลายนิ้วมือที่{what_th}แสดง (ได้รับ {got})",
        f"the {what_en} at {url} presented a certificate that is not the pinned one, so nothing was "
        "sent: another machine may be posing as it, or it made a new certificate. Ask the IT officer "
        f"to compare with the fingerprint the {what_en} prints (got {got}; pinned {expected})",
    )


def tls_failed(url: str, detail: str, what_th: str, what_en: str) -> TlsError:
    """The message for a TLS handshake that failed for another reason (e.g. the server is plain HTTP)."""
    return TlsError(
        "tls_failed",
        f"เชื่อมต่อแบบเข้ารหัสกับ{what_th} ({url}) ไม่สำเร็จ — ตรวจว่าเป็นเครื่องของ prongsai "
        "และใช้ที่อยู่ตามที่เครื่องนั้นแสดงตอนเริ่มทำงาน (https:// หรือ http://)",
        f"could not set up TLS with the {what_en} at {url} ({detail}); is it a prongsai server, and is "
        "this the address it printed when it started (https:// or http://)?",
    )


def client_verify(url: str, fingerprint: str | None, what_th: str, what_en: str) -> ssl.SSLContext | bool:
    """What a client passes as httpx's ``verify`` for ``url``: the pinned certificate for https://;
    nothing to verify for http:// to this machine; anything else is refused here (:class:`TlsError`),
    before a connection is made."""
    check_address(url, fingerprint, what_th, what_en)
    if fingerprint is None or not url.startswith("https://"):
        return True  # plain HTTP on this machine
    return pinned_context(fingerprint)


def tls_refusal(url: str, problem: ssl.SSLError, what_th: str, what_en: str) -> TlsError:
    """What a client says of a TLS error: a certificate not the pinned one, or another handshake failure."""
    if isinstance(problem, CertificateMismatch):
        return certificate_refused(url, problem, what_th, what_en)
    return tls_failed(url, problem.reason or str(problem), what_th, what_en)


def tls_problem(exc: BaseException) -> CertificateMismatch | ssl.SSLError | None:
    """The TLS error behind an httpx connection error, if that is what it was."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class _PinnedSocket(ssl.SSLSocket):
    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        _check_peer(self.context, self.getpeercert(binary_form=True))


class _PinnedObject(ssl.SSLObject):
    def do_handshake(self) -> None:
        super().do_handshake()
        _check_peer(self.context, self.getpeercert(binary_form=True))


def _check_peer(context: ssl.SSLContext, der: bytes | None) -> None:
    expected = context.pin if isinstance(context, PinnedContext) else ""
    got = hashlib.sha256(der).hexdigest() if der else ""
    if not expected or got != expected:
        raise CertificateMismatch(expected, got)


class PinnedContext(ssl.SSLContext):
    """A client context that accepts only the certificate whose SHA-256 is ``pin``."""

    pin: str


def pinned_context(fingerprint: str) -> ssl.SSLContext:
    """A TLS client context that talks only to the server whose certificate has ``fingerprint``."""
    context = PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
    context.pin = parse_fingerprint(fingerprint)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False  # a LAN address has no name to check: the pin identifies the server
    context.verify_mode = ssl.CERT_NONE  # no authority either: the pin is checked after the handshake
    context.sslsocket_class = _PinnedSocket
    context.sslobject_class = _PinnedObject
    return context


# -- servers -----------------------------------------------------------------------------------------


def server_ssl(host: str, certificate: Certificate | None) -> tuple[str | None, str | None]:
    """uvicorn's ``(ssl_certfile, ssl_keyfile)`` for a server on ``host``: TLS with ``certificate``, or
    plain HTTP on this machine only (a ``ValueError`` for plain HTTP on any other address)."""
    if certificate is None:
        if not is_loopback(host):
            raise ValueError(
                f"refusing to serve plain HTTP on {host}: off this machine the server must use TLS "
                "(give it its certificate)"
            )
        return None, None
    return str(certificate.cert_file), str(certificate.key_file)


def read_fingerprint(folder: Path) -> str | None:
    """The fingerprint of the certificate in ``folder`` if one is there (a terminal on the server's own
    PC pins it without being told), else None. Nothing is made."""
    try:
        cert = x509.load_pem_x509_certificate((folder / CERT_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    return _sha256(cert)
