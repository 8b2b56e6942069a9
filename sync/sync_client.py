"""Pushing a device's pending events to the central store over the LAN (``prongsai sync push URL``).

:func:`push` asks the sync server (``sync.sync_server``) where the central store's copy of this device's
chain ends (its *checkpoint*), checks that the copy is this device's own history, sends one bundle of
everything after it, and records the server's new checkpoint as the *acknowledgement* in
``HOME/sync/acked.json``. The server's checkpoint, not the local file, decides where a bundle starts, so
a push can always be repeated: after a push whose reply was lost (the server imported, the device never
heard), the next push finds the events already there, sends nothing again and catches the
acknowledgement up. Nothing in the device's log is changed or removed by a push.

A server that can't be reached raises :class:`SyncUnreachable` (code ``"offline"``): the device keeps
working, and its events wait in its log for the next push. The command exits with 2 for it, and with 1
for a refusal (:class:`SyncRefused`: not enrolled, revoked, a damaged bundle) or another
:class:`SyncError`.
"""

from __future__ import annotations

import contextlib
import os
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from surveys.bilingual import UserError
from surveys.log.device import Device, load_device
from surveys.log.device_log import read_events
from surveys.log.event import now_iso
from surveys.log.home import log_dir
from surveys.log.lockfile import try_exclusive
from sync.ack import ACKED, Ack, accept_ack, acked
from sync.bundle import SUFFIX, write_bundle
from sync.http_client import send
from sync.protocol import DEFAULT_PORT, MAX_BUNDLE
from sync.tls import TlsError, client_verify, is_loopback, tls_refusal

OUTBOX = "outbox"
PUSH_LOCK = "push.lock"
COUNTS = ("new", "duplicate", "conflict", "rejected")
IMPORT_WAIT = 600.0  # seconds to wait for the reply to a bundle: a large import takes a while


class SyncError(UserError):
    """A push that did not complete; ``code`` for programs, ``th``/``en`` for people."""


class SyncRefused(SyncError):
    """The server refused: the device is not enrolled or is revoked, or the bundle was refused."""


class SyncUnreachable(SyncError):
    """The server could not be reached, or did not answer; ``maybe_done``: a bundle was sent, so the
    central store may have imported it (the next push finds out and sends nothing twice)."""

    def __init__(self, th: str, en: str, *, maybe_done: bool) -> None:
        super().__init__("offline", th, en)
        self.maybe_done = maybe_done


@dataclass(frozen=True)
class PushResult:
    device: str
    url: str  # the server, as contacted
    sent: int  # events in the bundle sent; 0: nothing was pending
    first_seq: int | None  # the range sent
    last_seq: int | None
    counts: Mapping[str, int]  # new, duplicate, conflict, rejected
    checkpoint: tuple[int, str]  # the server's (last_seq, head), now this device's acknowledgement
    acked_before: int  # the acknowledged seq before this push
    reasons: list[Any] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "url": self.url,
            "sent": self.sent,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "counts": dict(self.counts),
            "checkpoint": {"last_seq": self.checkpoint[0], "head": self.checkpoint[1]},
            "acked_before": self.acked_before,
            "reasons": self.reasons,
        }


def normalise_url(url: str, fingerprint: str | None = None) -> str:
    """``192.168.1.10`` → ``https://192.168.1.10:8569``; ``127.0.0.1`` → ``http://127.0.0.1:8569``
    (``https://`` with a ``fingerprint``); a full URL is kept (without a trailing /)."""
    url = url.strip().rstrip("/")
    if "://" not in url:
        host = urlsplit("//" + url).hostname or ""
        url = ("http://" if is_loopback(host) and fingerprint is None else "https://") + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"not a sync server address: {url!r} (expected e.g. http://192.168.1.10:{DEFAULT_PORT})"
        )
    if parts.port is None and parts.path == "":
        url = f"{url}:{DEFAULT_PORT}"
    return url


def _acknowledge(home: Path, device: Device, seq: int, head: str, at: str) -> None:
    """Keep the server's checkpoint as this device's acknowledgement (``sync.ack``), unless it is
    the one kept already."""
    known = acked(home)
    if known is not None and (known.device, known.last_seq, known.head) == (device.id, seq, head):
        return
    accept_ack(home, device.id, log_dir(home), Ack(device.id, seq, head, at))  # checks the head again


def push(
    home: Path,
    url: str,
    *,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 10.0,
    fingerprint: str | None = None,
) -> PushResult:
    """Send this device's events after the server's checkpoint; record the acknowledgement.

    Off this machine the server is reached over TLS and must present the certificate whose
    ``fingerprint`` ``sync serve`` printed (``sync.tls``); ``http://`` only to this machine.
    """
    url = normalise_url(url, fingerprint)
    verify = _pinned(url, fingerprint) if transport is None else True
    device = load_device(home)
    folder = home / ACKED.parent
    folder.mkdir(parents=True, exist_ok=True)
    with _only_push(folder), _Server(url, transport, timeout, verify) as server:
        before = acked(home)
        acked_before = before.last_seq if before is not None and before.device == device.id else 0
        seq, head, at = server.checkpoint(device.id)
        _check_own_history(home, device, seq, head)
        if seq > 0:
            _acknowledge(home, device, seq, head, at)  # catches up after a reply lost last time
        outbox = folder / OUTBOX
        outbox.mkdir(exist_ok=True)
        out = outbox / f"{device.id}-{seq + 1}-{os.getpid()}{SUFFIX}"
        try:
            manifest = write_bundle(device, log_dir(home), out, from_seq=seq + 1)
            if manifest is None:
                zero = dict.fromkeys(COUNTS, 0)
                return PushResult(device.id, url, 0, None, None, zero, (seq, head), acked_before)
            if out.stat().st_size > MAX_BUNDLE:
                raise _too_large(manifest.count, manifest.first_seq)
            reply = server.send(out)
        finally:
            with contextlib.suppress(OSError):
                out.unlink()
    new_seq, new_head, at, counts, reasons = _read_reply(url, reply, device.id)
    _check_own_history(home, device, new_seq, new_head)
    if new_seq > 0:
        _acknowledge(home, device, new_seq, new_head, at)
    return PushResult(
        device.id,
        url,
        manifest.count,
        manifest.first_seq,
        manifest.last_seq,
        counts,
        (new_seq, new_head),
        acked_before,
        reasons,
    )


@contextlib.contextmanager
def _only_push(folder: Path) -> Iterator[None]:
    with try_exclusive(folder / PUSH_LOCK) as taken:
        if not taken:
            raise SyncError(
                "busy",
                "กำลังส่งข้อมูลของเครื่องนี้อยู่แล้ว (อีกคำสั่งหนึ่ง) รอให้เสร็จก่อน",
                "a push of this device is already running (another command); wait for it to finish",
            )
        yield


def _check_own_history(home: Path, device: Device, seq: int, head: str) -> None:
    """The central store's copy must end on this device's own event ``seq`` (nothing is acknowledged
    otherwise): a different hash, or a seq beyond this log, means another history under this id."""
    if seq == 0:
        return
    event = next(read_events(log_dir(home), seq), None)
    if event is not None and event.seq == seq and event.hash == head:
        return
    if event is None or event.seq != seq:
        th = f"คลังข้อมูลกลางมีเหตุการณ์ของเครื่องนี้ถึงลำดับ {seq} แต่บันทึกในเครื่องไม่มีลำดับนั้น"
        en = f"the central store holds this device's events up to seq {seq}, but this log has no seq {seq}"
    else:
        th = f"เหตุการณ์ลำดับ {seq} ในคลังข้อมูลกลางไม่ตรงกับในเครื่องนี้"
        en = f"the central store's event seq {seq} of this device differs from this log's"
    raise SyncRefused(
        "diverged",
        th + " (กู้คืนจากข้อมูลสำรองเก่า หรือคัดลอกโฟลเดอร์ข้อมูลไปอีกเครื่อง?) ไม่ได้บันทึกการยืนยัน "
        "ให้ตรวจด้วย prongsai verify และแจ้งผู้ดูแลคลังข้อมูลกลาง",
        en + " (restored from an old backup, or the home folder copied to another machine?); nothing was "
        "acknowledged: run prongsai verify and tell the central store's keeper",
    )


def _read_reply(url: str, reply: Any, device: str) -> tuple[int, str, str, dict[str, int], list[Any]]:
    try:
        checkpoint = reply["checkpoint"]
        seq, head, at = (
            checkpoint["last_seq"],
            checkpoint["head"],
            str(checkpoint.get("at") or now_iso("seconds")),
        )
        result = reply["result"]
        source = result.get("counts", result)
        counts = {name: int(source.get(name, 0)) for name in COUNTS}
        reasons = result.get("reasons", [])
        if reply["device"] != device or not isinstance(seq, int) or not isinstance(head, str):
            raise TypeError
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _bad_reply(url, "no acknowledgement in the reply") from None
    return seq, head, at, counts, reasons if isinstance(reasons, list) else [reasons]


def _too_large(count: int, first_seq: int) -> SyncRefused:
    mib = MAX_BUNDLE // (1024 * 1024)
    return SyncRefused(
        "too_large",
        f"ข้อมูลค้างส่ง {count} เหตุการณ์ (ตั้งแต่ลำดับ {first_seq}) ใหญ่เกิน {mib} MiB ที่ส่งทางแลนได้ "
        "ให้ส่งทาง USB ด้วย prongsai sync export แล้วนำเข้าที่เครื่องกลาง",
        f"the {count} pending events (from seq {first_seq}) make a bundle over the {mib} MiB a LAN push "
        "may carry; carry them on a USB stick (prongsai sync export) and import them centrally",
    )


def _bad_reply(url: str, detail: str) -> SyncError:
    return SyncError(
        "bad_reply",
        f"เครื่องกลาง ({url}) ตอบกลับในรูปแบบที่อ่านไม่ได้ — เป็นเครื่องกลางของ prongsai รุ่นเดียวกันหรือไม่",
        f"the server at {url} sent a reply this device can't read ({detail}); is it a prongsai sync "
        "server of the same version?",
    )


SERVER_TH, SERVER_EN = "เครื่องกลาง", "sync server"


def _pinned(url: str, fingerprint: str | None) -> ssl.SSLContext | bool:
    try:
        return client_verify(url, fingerprint, SERVER_TH, SERVER_EN)
    except TlsError as exc:
        raise SyncRefused(exc.code, exc.th, exc.en) from None


def _insecure(url: str, problem: ssl.SSLError) -> SyncRefused:
    exc = tls_refusal(url, problem, SERVER_TH, SERVER_EN)
    return SyncRefused(exc.code, exc.th, exc.en)


class _Server:
    def __init__(
        self, url: str, transport: httpx.BaseTransport | None, timeout: float, verify: ssl.SSLContext | bool
    ) -> None:
        self.url = url
        self.timeout = timeout
        self._client = httpx.Client(
            base_url=url,
            transport=transport,
            verify=verify,
            timeout=timeout,
            trust_env=False,  # the central machine is on the LAN: never through a proxy from the environment
        )

    def __enter__(self) -> _Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def checkpoint(self, device: str) -> tuple[int, str, str]:
        """The server's ``(last_seq, head, at)`` for ``device``: ``at`` is the central machine's time."""
        data = self._request("GET", f"/checkpoint/{device}", sends_bundle=False)
        try:
            seq, head = data["last_seq"], data["head"]
            if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0 or not isinstance(head, str):
                raise TypeError
        except (KeyError, TypeError):
            raise _bad_reply(self.url, "no checkpoint in the reply") from None
        return seq, head, str(data.get("at") or now_iso("seconds"))

    def send(self, bundle: Path) -> Any:
        with bundle.open("rb") as handle:
            return self._request(
                "POST",
                "/bundles",
                sends_bundle=True,
                content=handle,
                headers={
                    "Content-Type": "application/octet-stream",
                    "Content-Length": str(bundle.stat().st_size),
                },
                timeout=httpx.Timeout(self.timeout, read=max(self.timeout, IMPORT_WAIT)),
            )

    def _request(self, method: str, path: str, *, sends_bundle: bool, **kwargs: Any) -> Any:
        response = send(
            self._client,
            method,
            path,
            appends=sends_bundle,
            unreachable=lambda maybe_done: _unreachable(self.url, maybe_done=maybe_done),
            insecure=lambda problem: _insecure(self.url, problem),
            **kwargs,
        )
        return self._reply(response)

    def _reply(self, response: httpx.Response) -> Any:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 200 and isinstance(data, dict):
            return data
        if response.status_code == 200:
            raise _bad_reply(self.url, f"HTTP 200 without a JSON object: {response.text[:80]!r}")
        if isinstance(data, dict) and isinstance(data.get("th"), str) and isinstance(data.get("en"), str):
            code = str(data.get("error", "refused"))
            if data.get("refused") is True or response.status_code in (403, 413, 422):
                raise SyncRefused(code, data["th"], data["en"])
            raise SyncError(code, data["th"], data["en"])
        raise SyncError(
            "server_error",
            f"เครื่องกลาง ({self.url}) ตอบกลับผิดปกติ (HTTP {response.status_code}) "
            "— เป็นเครื่องกลางของ prongsai หรือไม่",
            f"the server at {self.url} answered HTTP {response.status_code}: {response.text[:200]} "
            "(is it a prongsai sync server?)",
        )


def _unreachable(url: str, *, maybe_done: bool) -> SyncUnreachable:
    if maybe_done:
        return SyncUnreachable(
            f"ส่งชุดข้อมูลไปยังเครื่องกลาง ({url}) แล้ว แต่ไม่ได้รับคำตอบ — เครื่องกลางอาจนำเข้าแล้ว "
            "ข้อมูลยังอยู่ครบในเครื่องนี้ สั่งส่งอีกครั้งได้เลย จะไม่มีข้อมูลซ้ำ",
            f"the bundle was sent to {url} but no reply came back: the central store may have imported it. "
            "Everything is still in this device's log; push again: nothing will be duplicated",
            maybe_done=True,
        )
    return SyncUnreachable(
        f"เชื่อมต่อเครื่องกลางไม่ได้ ({url}) — ข้อมูลยังอยู่ครบในเครื่องนี้และทำงานต่อได้ตามปกติ "
        "ตรวจสอบสายแลนและว่าเครื่องกลางเปิด prongsai sync serve อยู่ แล้วสั่งส่งอีกครั้ง",
        f"cannot reach the sync server at {url}; everything is still in this device's log and it keeps "
        "working. Check the network and that the central machine runs prongsai sync serve, then push again",
        maybe_done=False,
    )
