"""The LAN sync server: devices send their bundles over the office network to the central store.

``prongsai sync serve`` runs it on the planner's machine, beside the central store (one SQLite file);
``prongsai sync push URL`` (``sync.sync_client``) is the other end.

=============================  ================================================================
endpoint                       reply
=============================  ================================================================
POST /bundles                  the body is a bundle file (``.psb``) as raw bytes, at most
                               :data:`MAX_BUNDLE`; 200 ``{"device", "first_seq", "last_seq",
                               "result", "checkpoint"}``: the import's counts (new, duplicate,
                               conflict, rejected) and reasons (``ImportResult.to_dict()``), and
                               the device's checkpoint ``{"last_seq", "head", "at"}`` — the
                               acknowledgement
GET  /checkpoint/{device}      200 ``{"device", "last_seq", "head", "at"}``: where the central
                               store's copy of the device's chain ends (whole and verified from
                               seq 1), so that a device knows where to start its next bundle;
                               ``at`` is the central machine's time, which orders acknowledgements
=============================  ================================================================

Errors come as ``{"error": code, "th", "en", "refused": bool}``: 400 an empty or cut-off request;
403 a device that is not enrolled, is revoked, or signed with a key other than the enrolled one
(checked *before* anything is imported); 408 an upload that stalls (nothing for the body timeout);
413 a bundle over the size limit; 422 a bundle that is damaged, altered, or refused by the store
(``result`` holds the store's answer when it gave one); 500 a failure of the server (its log has the
details); 503 ``busy`` when :data:`MAX_UPLOADS` uploads are already under way (``Retry-After``).

There is no separate key for sending: a bundle is signed with the device's Ed25519 key, and the server
accepts it only if that key is the one enrolled for the device (``prongsai device enrol``) and not
revoked. Someone on the LAN without an enrolled key can only be refused; someone who copies a bundle
can only send it again, which changes nothing (import is idempotent). Checkpoints of enrolled devices
(a sequence number and a hash) are readable by anyone on the LAN; they hold no survey data.

An upload's first two lines (the manifest and its signature) are read first, within the body timeout:
unless they name an enrolled, unrevoked device and its signature holds, the upload is refused there,
the rest is never read and nothing is written to disk. Only then does it count as one of the
:data:`MAX_UPLOADS` uploads at a time; it is streamed to a temporary file in ``HOME/sync/incoming``
(never held in memory), with the body timeout between two chunks, checked whole, imported, and
deleted. Connections are held to :mod:`sync.limits` (a header timeout and a connection cap).
Store calls run one at a time (a lock) on the one thread that opened the store:
it is one SQLite file with one writer, and a ``sqlite3`` connection stays in the thread that made it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from surveys.log.event import now_iso
from sync.bundle import SUFFIX, Bundle, BundleError, Manifest, read_bundle, read_header
from sync.central import REFUSAL_TH, CentralStore
from sync.http_server import Server
from sync.limits import BodyRefused, Limits, receive_chunks
from sync.protocol import DEFAULT_PORT, MAX_BUNDLE
from sync.tls import Certificate, server_ssl

INCOMING = Path("sync") / "incoming"  # under the home folder
STALE_UPLOAD = 3600.0  # seconds after which a leftover upload (a crash mid-import) is removed at start
KEEP_ALIVE = 65  # seconds; longer than the client's keep-alive, so that the client always closes first
MAX_UPLOADS = 4  # uploads written to disk at once; more are asked to come back later (503)
MAX_HEADER = 64 * 1024  # bytes for a bundle's manifest and signature lines
RETRY_AFTER = 30  # seconds, told to a device refused because the server is busy

logger = logging.getLogger(__name__)
R = TypeVar("R")


class DeviceRecord(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def public_key(self) -> str: ...
    @property
    def revoked_at(self) -> str | None: ...


class ImportOutcome(Protocol):
    @property
    def refused(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...


class SyncStore(Protocol):
    """What the server needs of ``sync.central.CentralStore``."""

    def device(self, device_id: str) -> DeviceRecord | None: ...
    def import_bundle(self, source: Bundle) -> ImportOutcome: ...
    def checkpoint(self, device: str) -> tuple[int, str]: ...
    def close(self) -> None: ...


def _error(status: int, code: str, th: str, en: str, *, refused: bool = True, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "th": th, "en": en, "refused": refused, **extra}, status_code=status)


class _Refused(Exception):
    def __init__(self, response: JSONResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


class _Api:
    def __init__(
        self,
        store: SyncStore,
        lock: threading.Lock,
        worker: Executor | None,
        incoming: Path,
        max_bytes: int,
        on_import: Callable[[dict[str, Any]], None] | None,
        limits: Limits,
        max_uploads: int,
    ) -> None:
        self.store = store
        self.lock = lock
        self.worker = worker
        self.incoming = incoming
        self.max_bytes = max_bytes
        self.on_import = on_import
        self.limits = limits
        self.max_uploads = max_uploads
        self.uploads = 0  # admitted uploads under way (counted in the event loop only)

    def routes(self) -> list[Route]:
        return [
            Route("/bundles", self.post_bundle, methods=["POST"]),
            Route("/checkpoint/{device}", self.get_checkpoint, methods=["GET"]),
        ]

    # -- endpoints (in the event loop) ----------------------------------------------------------

    async def post_bundle(self, request: Request) -> Response:
        chunks = receive_chunks(request, self.max_bytes, self.limits, whole=False).__aiter__()
        try:
            head = await self._read_head(chunks)
        except BodyRefused as exc:
            return self._body_refused(exc)
        except ClientDisconnect:
            logger.warning("an upload was cut off by the device")
            return _error(400, "cut_off", "การส่งข้อมูลขาดตอน", "the upload was cut off")
        lines = head.split(b"\n", 2)
        if len(lines) == 3:  # the whole header came: check it before anything is stored
            try:
                manifest = await run_in_threadpool(read_header, lines[0] + b"\n", lines[1] + b"\n")
            except BundleError as exc:
                return _closing(_bad_bundle(exc))
            refused = await self._on_store(self._admit, manifest)
            if refused is not None:
                return _closing(refused)
        if self.uploads >= self.max_uploads:
            response = _error(
                503,
                "busy",
                f"เครื่องกลางกำลังรับข้อมูลจากอุปกรณ์อื่นอยู่ {self.max_uploads} ชุด กรุณาส่งใหม่ในอีกสักครู่",
                f"the sync server is taking {self.max_uploads} other uploads; push again in a moment",
                refused=False,
            )
            response.headers["Retry-After"] = str(RETRY_AFTER)
            return _closing(response)
        self.uploads += 1
        try:
            return await self._store_upload(head, chunks)
        finally:
            self.uploads -= 1

    async def _read_head(self, chunks: AsyncIterator[bytes]) -> bytes:
        """The start of the upload holding its first two lines (or all of it, if shorter), read
        within the body timeout in all: a stranger can't hold the server by sending it slowly."""
        head = b""
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                async for chunk in chunks:
                    head += chunk
                    if head.count(b"\n") >= 2:
                        break
                    if len(head) > MAX_HEADER:
                        raise BodyRefused(422, "format")
        except TimeoutError:
            raise BodyRefused(408, "too_slow") from None
        return head

    async def _store_upload(self, head: bytes, chunks: AsyncIterator[bytes]) -> Response:
        self.incoming.mkdir(parents=True, exist_ok=True)
        upload = self.incoming / f".upload-{uuid.uuid4().hex}{SUFFIX}"
        path: Path | None = None
        try:
            size = len(head)
            with upload.open("wb") as handle:
                handle.write(head)
                async for chunk in chunks:
                    size += len(chunk)
                    handle.write(chunk)
            if size == 0:
                return _error(400, "empty", "ไม่มีข้อมูลในคำขอ", "the request holds no bundle")
            checked = await run_in_threadpool(self._check_bundle, upload)  # hashing: off the store thread
            if isinstance(checked, Response):
                return checked
            path = checked.path
            return await self._on_store(self._import, checked)
        except BodyRefused as exc:
            return self._body_refused(exc)
        except ClientDisconnect:
            logger.warning("an upload was cut off by the device")
            return _error(400, "cut_off", "การส่งข้อมูลขาดตอน", "the upload was cut off")
        finally:
            for leftover in (upload, path):
                if leftover is not None:
                    with contextlib.suppress(OSError):
                        leftover.unlink()

    async def get_checkpoint(self, request: Request) -> Response:
        return await self._on_store(self._checkpoint, str(request.path_params["device"]))

    async def _on_store(self, work: Callable[[Any], R], arg: Any) -> R | Response:
        """Run ``work(arg)`` holding the lock, on the store's own thread (or any worker thread)."""
        if self.worker is None:
            return await run_in_threadpool(self._guarded, work, arg)
        return await asyncio.wrap_future(self.worker.submit(self._guarded, work, arg))

    # -- work (in a worker thread) --------------------------------------------------------------

    def _guarded(self, work: Callable[[Any], R], arg: Any) -> R | Response:
        try:
            with self.lock:
                return work(arg)
        except _Refused as refused:
            return refused.response
        except Exception:
            logger.exception("sync server")
            return _error(
                500,
                "server_error",
                "เครื่องกลางขัดข้อง กรุณาแจ้งเจ้าหน้าที่ไอที แล้วส่งใหม่ภายหลัง (ข้อมูลจะไม่ซ้ำ)",
                "the sync server failed on this request (its log has the details); push again later: "
                "nothing is duplicated",
                refused=False,
            )

    def _check_bundle(self, upload: Path) -> Bundle | Response:
        """Check signature and payload, and name the file after what it holds (the store records it)."""
        try:
            bundle = read_bundle(upload)
        except BundleError as exc:
            return _bad_bundle(exc)
        manifest = bundle.manifest
        path = upload.with_name(
            f"{manifest.device}-{manifest.first_seq}-{manifest.last_seq}-{upload.stem[-8:]}{SUFFIX}"
        )
        os.replace(upload, path)
        return dataclasses.replace(bundle, path=path)  # checked once: the store does not hash it again

    def _admit(self, manifest: Manifest) -> None:
        """Raise :class:`_Refused` unless ``manifest``'s device may send."""
        self._check_enrolled(manifest.device, manifest.public_key)

    def _import(self, bundle: Bundle) -> Response:
        manifest = bundle.manifest
        self._check_enrolled(manifest.device, manifest.public_key)  # before anything is imported
        result = self.store.import_bundle(bundle)
        data = result.to_dict()
        if result.refused:
            code = str(data.get("refused_code") or "refused")
            return _error(
                422,
                code,
                f"คลังข้อมูลกลางไม่รับชุดข้อมูลของ {manifest.device}: {REFUSAL_TH.get(code, result.refused)}",
                f"the central store refused the bundle of {manifest.device}: {result.refused}",
                result=data,
            )
        reply = {
            "device": manifest.device,
            "first_seq": manifest.first_seq,
            "last_seq": manifest.last_seq,
            "result": data,
            "checkpoint": {**data["checkpoint"], "at": now_iso("seconds")},
        }
        if self.on_import is not None:
            try:
                self.on_import(reply)
            except Exception as exc:  # the import stands; only showing it failed
                logger.warning(
                    "sync server: the import of %s seq %s-%s was stored, but showing it failed: %s: %s",
                    manifest.device,
                    manifest.first_seq,
                    manifest.last_seq,
                    type(exc).__name__,
                    exc,
                )
        return JSONResponse(reply)

    def _checkpoint(self, device: str) -> Response:
        self._check_enrolled(device, None)
        last_seq, head = self.store.checkpoint(device)
        return JSONResponse({"device": device, "last_seq": last_seq, "head": head, "at": now_iso("seconds")})

    def _check_enrolled(self, device: str, public_key: str | None) -> None:
        """Raise :class:`_Refused` (403) unless ``device`` is enrolled with ``public_key`` and not revoked."""
        record = self.store.device(device)
        if record is None:
            raise _Refused(
                _error(
                    403,
                    "not_enrolled",
                    f"อุปกรณ์ {device} ยังไม่ได้ลงทะเบียนกับคลังข้อมูลกลาง: ส่งออกไฟล์ลงทะเบียนบนอุปกรณ์ "
                    "(prongsai device export) แล้วลงทะเบียนบนเครื่องกลาง (prongsai device enrol FILE)",
                    f"device {device} is not enrolled with the central store: export its enrolment file "
                    "on the device (prongsai device export) and enrol it on the central machine "
                    "(prongsai device enrol FILE)",
                    device=device,
                )
            )
        if record.revoked_at:
            raise _Refused(
                _error(
                    403,
                    "revoked",
                    f"อุปกรณ์ {device} ถูกเพิกถอนเมื่อ {record.revoked_at} คลังข้อมูลกลางไม่รับข้อมูลจากอุปกรณ์นี้",
                    f"device {device} was revoked at {record.revoked_at}; the central store accepts "
                    "nothing from it",
                    device=device,
                )
            )
        if public_key is not None and public_key != record.public_key:
            raise _Refused(
                _error(
                    403,
                    "wrong_key",
                    f"ชุดข้อมูลนี้ลงนามด้วยกุญแจที่ไม่ใช่กุญแจที่ลงทะเบียนไว้สำหรับ {device}",
                    f"the bundle is signed with a key other than the one enrolled for {device}",
                    device=device,
                )
            )

    def _body_refused(self, exc: BodyRefused) -> Response:
        if exc.status == 413:
            return _closing(self._too_large())
        if exc.status == 408:
            return _closing(
                _error(
                    408,
                    "too_slow",
                    "การส่งข้อมูลหยุดนิ่งนานเกินไป จึงยกเลิก กรุณาส่งใหม่ (ข้อมูลจะไม่ซ้ำ)",
                    "the upload stalled and was dropped; push again (nothing is duplicated)",
                    refused=False,
                )
            )
        return _closing(
            _error(422, "format", "ไม่ใช่ชุดข้อมูลของ prongsai", "not a prongsai bundle (no manifest)")
        )

    def _too_large(self) -> JSONResponse:
        mib = self.max_bytes // (1024 * 1024)
        return _error(
            413,
            "too_large",
            f"ชุดข้อมูลใหญ่เกิน {mib} MiB ให้ส่งทาง USB (prongsai sync export) หรือส่งบ่อยขึ้น",
            f"the bundle is larger than {mib} MiB; carry it on a USB stick (prongsai sync export), "
            "or push more often",
        )


def _closing(response: Response) -> Response:
    """``response``, closing the connection after it: the rest of the upload is not read."""
    response.headers["Connection"] = "close"
    return response


def _bad_bundle(exc: BundleError) -> JSONResponse:
    """The refusal of a bundle that failed its checks; it names no folder of this machine."""
    if exc.code == "key":  # signed by a key that is not the device's own: a forgery, not damage
        return _error(
            403,
            "wrong_key",
            f"ชุดข้อมูลลงนามด้วยกุญแจที่ไม่ใช่ของอุปกรณ์ ไม่ได้นำเข้า ({exc.reason})",
            "the bundle is signed with a key that is not the device's own and was not imported: "
            f"{exc.reason}",
        )
    return _error(
        422,
        exc.code,
        f"ชุดข้อมูลเสียหายหรือถูกแก้ไข ไม่ได้นำเข้า: {REFUSAL_TH.get(exc.code, exc.code)} ({exc.reason})",
        f"the bundle is damaged or altered and was not imported: {exc.reason}",
    )


def make_sync_app(
    store: SyncStore,
    lock: threading.Lock,
    *,
    incoming: Path | None = None,
    max_bytes: int = MAX_BUNDLE,
    on_import: Callable[[dict[str, Any]], None] | None = None,
    worker: Executor | None = None,
    limits: Limits | None = None,
    max_uploads: int = MAX_UPLOADS,
) -> Starlette:
    """The sync API over ``store``; every store call holds ``lock``.

    ``worker`` runs the store calls: a one-thread executor in which the store was opened, since a
    ``CentralStore`` (one ``sqlite3`` connection) is used only by the thread that opened it; without
    one, they run on any worker thread (for a store that allows that). ``incoming`` is where uploads
    wait for their import (default: the system's temporary folder); ``on_import`` is called with
    each 200 reply (the server's console shows it); ``limits`` time the uploads (:mod:`sync.limits`);
    at most ``max_uploads`` are written at once.
    """
    folder = incoming if incoming is not None else Path(tempfile.gettempdir())
    limits = limits if limits is not None else Limits()
    api = _Api(store, lock, worker, folder, max_bytes, on_import, limits, max_uploads)
    return Starlette(routes=api.routes())


def remove_stale_uploads(folder: Path, older_than: float = STALE_UPLOAD) -> None:
    """Remove uploads left behind by a server that stopped mid-import (they were never imported)."""
    if not folder.is_dir():
        return
    cutoff = time.time() - older_than
    for path in folder.glob(f"*{SUFFIX}"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def serve_sync(
    home: Path,
    host: str,
    port: int = DEFAULT_PORT,
    on_started: Callable[[str, int], None] | None = None,
    *,
    on_import: Callable[[dict[str, Any]], None] | None = None,
    certificate: Certificate | None = None,
    limits: Limits | None = None,
) -> None:
    """Serve the central store of ``home`` on ``host:port`` until SIGINT or SIGTERM, then close it.

    Binds only to ``host`` (``0.0.0.0`` for every interface). ``port`` 0 picks a free port;
    ``on_started(host, port)`` is called once it listens. With a ``certificate``
    (``sync.tls.server_certificate``) it serves TLS; without, plain HTTP, which only a loopback
    ``host`` may (a ``ValueError`` otherwise).
    """
    ssl_certfile, ssl_keyfile = server_ssl(host, certificate)
    incoming = home / INCOMING
    remove_stale_uploads(incoming)
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="central-store")
    try:
        store = worker.submit(CentralStore.open, home).result()  # opened, used and closed on this thread
    except BaseException:
        worker.shutdown()
        raise
    lock = threading.Lock()
    limits = limits if limits is not None else Limits()
    app = make_sync_app(store, lock, incoming=incoming, on_import=on_import, worker=worker, limits=limits)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_level="warning",
        access_log=False,
        proxy_headers=False,  # the peer is the socket's: no X-Forwarded-For decides who is on this PC
        timeout_keep_alive=KEEP_ALIVE,
        timeout_graceful_shutdown=10,
    )
    server = Server(config, on_started, limits=limits)
    try:
        server.run()
    except SystemExit:
        if server.started:
            raise
        raise OSError(
            f"the sync server could not listen on {host}:{port} (is another one running?)"
        ) from None
    finally:
        worker.submit(store.close).result()  # after an import still running on the store's thread
        worker.shutdown()
