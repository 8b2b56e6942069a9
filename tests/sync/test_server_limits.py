"""A stranger on the LAN can't take the office or the sync server down (issue 8, findings 4 and 6).

Real servers in their own processes on 127.0.0.1; raw sockets play the stalled or hostile clients.
Nothing here measures time: each test waits (with a generous limit) for an outcome a user would see.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from kiosk.office.key import office_key
from surveys.log.device import load_or_create_device
from surveys.log.home import log_dir
from sync.bundle import write_bundle
from sync.central import CentralStore
from sync.sync_server import INCOMING, make_sync_app
from tests.support.devices import enrol, new_device
from tests.support.servers import start, stop

PATIENCE = 30.0  # seconds a test client waits for an answer: generous, for a busy machine

OFFICE = """
import json, resource, sys
from pathlib import Path
from kiosk.office.service import LocalOffice
from surveys.counter.settings import default_settings
from kiosk.office.server import serve_office
from kiosk.office.key import office_key
home, files, limits = Path(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
if files:
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
extra = {}
if limits.pop("tls", False):
    from sync.tls import OFFICE_TLS, server_certificate
    extra["certificate"] = server_certificate(home / OFFICE_TLS, "prongsai office")
if limits:
    from sync.limits import Limits
    extra["limits"] = Limits(**limits)
serve_office(LocalOffice(home, default_settings()), "127.0.0.1", 0, office_key(home),
             on_started=lambda host, port: print(f"listening {port}", flush=True), **extra)
print("closed", flush=True)
"""

SYNC = """
import json, sys
from pathlib import Path
from sync.sync_server import serve_sync
home, limits = Path(sys.argv[1]), json.loads(sys.argv[2])
extra = {}
if limits:
    from sync.limits import Limits
    extra["limits"] = Limits(**limits)
serve_sync(home, "127.0.0.1", 0, lambda host, port: print(f"listening {port}", flush=True), **extra)
print("closed", flush=True)
"""


def serving(script: str, *args: str) -> Iterator[int]:
    """Run ``script`` (OFFICE or SYNC) as a server; yield its port; then stop it, which must go cleanly."""
    process, line = start([sys.executable, "-c", script, *args])
    try:
        yield int(line.split()[1])
    finally:
        out, err = stop(process, PATIENCE)
        assert process.returncode == 0 and "closed" in out, err


def run_office(home: Path, *, files: int = 0, **limits: float) -> Iterator[int]:
    return serving(OFFICE, str(home), str(files), json.dumps(limits))


@pytest.fixture
def office(office_home: Path) -> Iterator[int]:
    yield from run_office(office_home)


@pytest.fixture
def quick_office(office_home: Path) -> Iterator[int]:
    """An office whose header and body timeouts are short, so that a test sees them act."""
    yield from run_office(office_home, header_timeout=0.5, body_timeout=0.5)


def client(port: int, home: Path) -> httpx.Client:
    """A client of the office of ``home``: over TLS (pinned) when the office made a certificate."""
    from sync.tls import OFFICE_TLS, pinned_context, read_fingerprint

    fingerprint = read_fingerprint(home / OFFICE_TLS)
    return httpx.Client(
        base_url=f"{'https' if fingerprint else 'http'}://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {office_key(home)}"},
        timeout=PATIENCE,
        verify=pinned_context(fingerprint) if fingerprint else True,
    )


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
    sock.settimeout(PATIENCE)
    return sock


def read_reply(sock: socket.socket) -> bytes:
    """What the server sends until it closes the connection (b"" if it closed without a word)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
        if b"\r\n\r\n" in data and b"content-length" not in data.lower():
            break
        head, _, body = data.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:") and len(body) >= int(line.split(b":")[1]):
                return data
    return data


# -- the office: finding 6 ----------------------------------------------------------------------------


@pytest.mark.parametrize("timeout", ["nan", "inf", "-inf", "-1", "1e309", "31", "", "soon"])
def test_a_long_poll_with_a_timeout_that_is_not_0_to_30_seconds_is_refused(
    office: int, office_home: Path, timeout: str
) -> None:
    with client(office, office_home) as http:
        reply = http.get("/wait", params={"version": 0, "timeout": timeout})
    assert reply.status_code == 400
    assert reply.json()["field"] == "timeout"
    assert "timeout" in reply.json()["en"] and reply.json()["th"]


def test_a_long_poll_with_a_sane_timeout_still_answers(office: int, office_home: Path) -> None:
    with client(office, office_home) as http:
        version = http.get("/snapshot").json()["version"]
        reply = http.get("/wait", params={"version": version + 5, "timeout": "0.1"})
    assert reply.status_code == 200 and reply.json()["version"] == version


# -- the office: finding 4 ----------------------------------------------------------------------------


@pytest.mark.parametrize("tls", [False, True], ids=["http", "tls"])
def test_300_idle_connections_do_not_stop_a_kiosk_from_reserving(office_home: Path, tls: bool) -> None:
    """The office runs with 256 open files at most: 300 connections that never send a request
    would use them all up (the kiosk then can't connect); they must not stop the kiosk, whether it
    connects after them or already holds a keep-alive connection (which must not be pushed out).
    With TLS, the 300 never even start a handshake."""
    for port in run_office(office_home, files=256, tls=tls):
        stalled = []
        try:
            with client(port, office_home) as early, client(port, office_home) as late:
                assert early.post("/reserve", json={"service": "registration"}).status_code == 200
                for _ in range(300):
                    stalled.append(connect(port))
                for http in (late, early):
                    reply = http.post("/reserve", json={"service": "registration"})
                    assert reply.status_code == 200, reply.text
                    assert reply.json()["number"]
        finally:
            for sock in stalled:
                sock.close()


def test_a_connection_that_sends_no_request_is_closed_by_the_server(quick_office: int) -> None:
    silent = connect(quick_office)
    half = connect(quick_office)
    half.sendall(b"GET /snapshot HTTP/1.1\r\nHost: office\r\n")  # a head that never ends
    try:
        assert silent.recv(1024) == b""  # closed by the office, not by our timeout (that raises)
        assert half.recv(1024) == b""
    finally:
        silent.close()
        half.close()


def test_a_tls_connection_that_never_starts_its_handshake_is_closed_by_the_server(office_home: Path) -> None:
    for port in run_office(office_home, tls=True, header_timeout=0.5):
        silent = connect(port)
        try:
            assert silent.recv(1024) == b""  # closed by the office within its header timeout
        finally:
            silent.close()
        with client(port, office_home) as http:  # and TLS still works for a terminal
            assert http.get("/snapshot").status_code == 200


def test_a_connection_closed_after_its_header_timeout_leaves_the_office_working(
    quick_office: int, office_home: Path
) -> None:
    silent = connect(quick_office)
    assert silent.recv(1024) == b""
    silent.close()
    with client(quick_office, office_home) as http:
        assert http.post("/reserve", json={"service": "registration"}).status_code == 200
        version = http.get("/snapshot").json()["version"]
        # a long poll longer than the header timeout is not cut: the head came, the reply is pending
        reply = http.get("/wait", params={"version": version + 5, "timeout": "1.5"})
        assert reply.status_code == 200


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(office: int, office_home: Path) -> None:
    sock = connect(office)
    try:
        sock.sendall(
            b"POST /reserve HTTP/1.1\r\nHost: office\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {office_key(office_home)}\r\n".encode()
            + b"Content-Length: 1000000000\r\n\r\n{"  # a gigabyte announced, one byte sent
        )
        reply = read_reply(sock)
    finally:
        sock.close()
    assert reply.startswith(b"HTTP/1.1 413"), reply
    assert b"too_large" in reply


def test_a_streamed_body_larger_than_the_limit_is_refused(office: int, office_home: Path) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):  # 100 × 64 KiB, no Content-Length
            yield b" " * 65536

    with client(office, office_home) as http:
        reply = http.post("/reserve", content=chunks())
    assert reply.status_code == 413 and reply.json()["error"] == "too_large"


def test_a_body_that_never_ends_is_refused_after_the_body_timeout(
    quick_office: int, office_home: Path
) -> None:
    sock = connect(quick_office)
    try:
        sock.sendall(
            b"POST /reserve HTTP/1.1\r\nHost: office\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {office_key(office_home)}\r\n".encode()
            + b'Content-Length: 100\r\n\r\n{"service": '
        )
        reply = read_reply(sock)
    finally:
        sock.close()
    assert reply.startswith(b"HTTP/1.1 408"), reply
    assert b"too_slow" in reply


# -- the sync server: finding 4, second half ----------------------------------------------------------


def bundle_head(home: Path, tmp_path: Path) -> bytes:
    """The first part of a bundle of ``home``'s device: manifest, signature, some events."""
    out = tmp_path / f"{home.name}.psb"
    write_bundle(load_or_create_device(home), log_dir(home), out)
    data = out.read_bytes()
    assert data.count(b"\n") > 10
    return data[: len(data) // 2]


@pytest.fixture
def central(tmp_path: Path) -> Path:
    home = tmp_path / "central"
    home.mkdir()
    return home


def run_sync(home: Path, **limits: float) -> Iterator[int]:
    return serving(SYNC, str(home), json.dumps(limits))


@pytest.fixture
def sync_port(central: Path) -> Iterator[int]:
    yield from run_sync(central)


def endless_upload(port: int, first: bytes) -> socket.socket:
    """An upload whose body never ends: chunked, ``first`` sent, then nothing more."""
    sock = connect(port)
    sock.sendall(
        b"POST /bundles HTTP/1.1\r\nHost: central\r\nContent-Type: application/octet-stream\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(first):x}\r\n".encode() + first + b"\r\n"
    )
    return sock


def test_an_unenrolled_upload_is_refused_before_its_body_is_stored(
    sync_port: int, central: Path, tmp_path: Path
) -> None:
    stranger = new_device(tmp_path, "stranger", 40)
    sock = endless_upload(sync_port, bundle_head(stranger, tmp_path))
    try:
        reply = read_reply(sock)  # the server answers without waiting for the rest
        assert not list((central / INCOMING).glob("*")), "the upload was stored"
    finally:
        sock.close()
    assert reply.startswith(b"HTTP/1.1 403"), reply
    assert b"not_enrolled" in reply


def test_an_upload_with_a_forged_signature_is_refused_before_its_body_is_stored(
    sync_port: int, central: Path, tmp_path: Path
) -> None:
    device = new_device(tmp_path, "kiosk", 40)
    enrol(central, device)
    head = bundle_head(device, tmp_path)
    manifest, _, rest = head.partition(b"\n")
    forged = manifest.replace(b'"first_seq":1', b'"first_seq":2').replace(b'"count":40', b'"count":39')
    assert forged != manifest
    sock = endless_upload(sync_port, forged + b"\n" + rest)
    try:
        reply = read_reply(sock)
        assert not list((central / INCOMING).glob("*")), "the upload was stored"
    finally:
        sock.close()
    assert reply.startswith(b"HTTP/1.1 4"), reply
    assert b"signature" in reply


def test_an_enrolled_upload_that_stalls_is_cut_off_and_not_kept(central: Path, tmp_path: Path) -> None:
    device = new_device(tmp_path, "kiosk", 40)
    enrol(central, device)
    for port in run_sync(central, body_timeout=0.5):
        sock = endless_upload(port, bundle_head(device, tmp_path))
        try:
            reply = read_reply(sock)
        finally:
            sock.close()
        assert reply.startswith(b"HTTP/1.1 408"), reply
    assert not list((central / INCOMING).glob("*"))


def test_uploads_past_the_concurrency_cap_are_asked_to_come_back_later(central: Path, tmp_path: Path) -> None:
    """MAX_UPLOADS uploads under way (their bodies stalled) and the next is told to come back later.

    In-process against the app, and the probe is sent only once every stalled upload is under way: the
    socket version raced (a probe taking a slot before the last stalled upload made that one get the
    503, leaving one slot free for ever; CI failed on it)."""
    from sync.sync_server import MAX_UPLOADS

    device = new_device(tmp_path, "kiosk", 40)
    enrol(central, device)
    head = bundle_head(device, tmp_path)
    with ThreadPoolExecutor(max_workers=1) as worker:
        store = worker.submit(CentralStore.open, central).result()
        app = make_sync_app(store, threading.Lock(), incoming=central / INCOMING, worker=worker)

        async def scenario() -> tuple[int, dict[str, Any], dict[str, str]]:
            release = anyio.Event()
            waiting = 0  # stalled uploads the app has taken in, now waiting for the rest of their body

            async def stalled_upload() -> None:
                first = True

                async def receive() -> dict[str, Any]:
                    nonlocal first, waiting
                    if first:
                        first = False
                        return {"type": "http.request", "body": head, "more_body": True}
                    waiting += 1  # asked for more: it counts as an upload under way
                    await release.wait()  # the rest of the body never comes (until the test ends)
                    return {"type": "http.disconnect"}

                async def send(message: dict[str, Any]) -> None:
                    pass

                await app(_upload_scope(), receive, send)

            async with anyio.create_task_group() as tasks:
                for _ in range(MAX_UPLOADS):
                    tasks.start_soon(stalled_upload)
                with anyio.fail_after(60):  # in-process: milliseconds, however busy the machine
                    while waiting < MAX_UPLOADS:
                        await anyio.sleep(0.01)
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://sync") as client:
                    reply = await client.post("/bundles", content=head)
                release.set()
            return reply.status_code, reply.json(), dict(reply.headers)

        status, body, headers = anyio.run(scenario)
        worker.submit(store.close).result()
    assert status == 503 and body["error"] == "busy", body
    assert headers["retry-after"]


def _upload_scope() -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/bundles",
        "raw_path": b"/bundles",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"sync"), (b"content-type", b"application/octet-stream")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8569),
    }
