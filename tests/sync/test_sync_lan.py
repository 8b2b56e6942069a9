"""Bundles over the LAN: a real sync server process on 127.0.0.1, devices pushing to it.

Enrolment decides who may send; a push can be repeated, or retried after a lost reply, without
duplicating anything; a device that can't reach the server keeps its events and says so.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from click.testing import CliRunner

from prongsai.commands import sync as sync_cli
from prongsai.context import CliContext
from surveys.log.chain import verify_log
from surveys.log.device import Device, load_or_create_device
from surveys.log.event import GENESIS
from surveys.log.home import log_dir
from sync import sync_client
from sync.ack import ACKED, FORMAT, acked
from sync.bundle import BundleError, write_bundle
from sync.central import CentralStore
from sync.sync_client import OUTBOX, SyncRefused, SyncUnreachable, push
from sync.sync_server import INCOMING, make_sync_app, remove_stale_uploads
from tests.support.devices import enrol, new_device, pings
from tests.support.servers import free_port, start, stop

SERVER = """
import sys
from pathlib import Path
from typing import Any
from sync.sync_server import serve_sync

serve_sync(Path(sys.argv[1]), "127.0.0.1", 0, lambda host, port: print(f"listening {port}", flush=True))
print("closed", flush=True)
"""


# -- a real server on loopback -----------------------------------------------------------------------


@pytest.fixture
def central(tmp_path: Path) -> Path:
    home = tmp_path / "central"
    home.mkdir()
    return home


@pytest.fixture
def url(central: Path) -> Iterator[str]:
    process, line = start([sys.executable, "-c", SERVER, str(central)])
    yield f"http://127.0.0.1:{int(line.split()[1])}"
    out, err = stop(process, 20)
    assert process.returncode == 0 and "closed" in out, err  # a clean shutdown: the store was closed
    assert not err.strip(), err
    assert not list((central / INCOMING).glob("*")), "an upload was left behind"


def revoke(central: Path, device: Device) -> None:
    store = CentralStore.open(central)
    try:
        store.revoke(device.id, "lost")
    finally:
        store.close()


def stored_checkpoint(central: Path, device: Device) -> tuple[int, str]:
    store = CentralStore.open(central)
    try:
        return store.checkpoint(device.id)
    finally:
        store.close()


def head(home: Path) -> tuple[int, str]:
    report = verify_log(log_dir(home), load_or_create_device(home).id)
    assert report.ok
    return report.last_seq or 0, report.head


def post_bundle(url: str, home: Path, device: Device | None = None, from_seq: int = 1) -> httpx.Response:
    signer = device or load_or_create_device(home)
    out = home.parent / f"{home.name}-{from_seq}.psb"
    try:
        assert write_bundle(signer, log_dir(home), out, from_seq) is not None
    except BundleError as exc:  # a forged bundle fails its own read-back; send it all the same
        assert exc.code == "key" and out.exists()
    return httpx.post(url + "/bundles", content=out.read_bytes(), trust_env=False)


def outbox_empty(home: Path) -> bool:
    return not list((home / ACKED.parent / OUTBOX).glob("*"))


def read_acked(home: Path) -> tuple[int, str] | None:
    """The acknowledgement the device keeps (``sync.ack``), as ``(last_seq, head)``."""
    ack = acked(home)
    return None if ack is None else (ack.last_seq, ack.head)


class LostReply(httpx.BaseTransport):
    """Forwards every request to the real server, but loses the reply to the first bundle sent."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if request.method == "POST" and not self.lost:
            response.read()  # the server has answered: it has imported the bundle
            response.close()
            self.lost += 1
            raise httpx.ReadError("connection reset by peer", request=request)
        return response

    def close(self) -> None:
        self._inner.close()


# -- who may send ------------------------------------------------------------------------------------


def test_an_unenrolled_device_is_refused_and_the_store_is_unchanged(
    url: str, central: Path, tmp_path: Path
) -> None:
    stranger = new_device(tmp_path, "stranger", 5)
    with pytest.raises(SyncRefused) as refused:
        push(stranger, url)
    assert refused.value.code == "not_enrolled" and "prongsai device enrol" in refused.value.en
    assert "ลงทะเบียน" in refused.value.th
    response = post_bundle(url, stranger)  # straight to POST /bundles, skipping the checkpoint
    assert response.status_code == 403 and response.json()["error"] == "not_enrolled"
    assert response.json()["refused"] is True
    assert httpx.get(f"{url}/checkpoint/dev-aaaaaaaaaaaaaaaa", trust_env=False).status_code == 403
    device = enrol(central, stranger)  # enrolled now: the refused bundles left nothing behind
    assert stored_checkpoint(central, device) == (0, GENESIS)
    assert read_acked(stranger) is None and outbox_empty(stranger)


def test_a_bundle_signed_with_another_key_is_refused(url: str, central: Path, tmp_path: Path) -> None:
    kiosk = new_device(tmp_path, "kiosk", 3)
    victim = enrol(central, kiosk)
    thief = load_or_create_device(tmp_path / "thief")
    forged = Device(victim.id, thief.public_key, thief.private_key)  # the victim's id, another key
    response = post_bundle(url, kiosk, forged)
    assert response.status_code == 403 and response.json()["error"] == "wrong_key"
    assert stored_checkpoint(central, victim) == (0, GENESIS)


def test_a_revoked_device_is_refused(url: str, central: Path, tmp_path: Path) -> None:
    kiosk = new_device(tmp_path, "kiosk", 4)
    device = enrol(central, kiosk)
    assert push(kiosk, url).counts["new"] == 4
    pings(kiosk, 2)
    revoke(central, device)
    with pytest.raises(SyncRefused) as refused:
        push(kiosk, url)
    assert refused.value.code == "revoked" and "revoked" in refused.value.en
    response = post_bundle(url, kiosk, from_seq=5)
    assert response.status_code == 403 and response.json()["error"] == "revoked"
    assert stored_checkpoint(central, device)[0] == 4


def test_a_damaged_bundle_is_refused_with_the_reason(url: str, central: Path, tmp_path: Path) -> None:
    kiosk = new_device(tmp_path, "kiosk", 3)
    enrol(central, kiosk)
    bundle = tmp_path / "k.psb"
    write_bundle(load_or_create_device(kiosk), log_dir(kiosk), bundle)
    damaged = bundle.read_bytes().replace(b'"n":1', b'"n":7')
    response = httpx.post(url + "/bundles", content=damaged, trust_env=False)
    assert response.status_code == 422 and response.json()["error"] == "payload"
    assert "damaged or altered" in response.json()["en"]
    empty = httpx.post(url + "/bundles", content=b"", trust_env=False)
    assert empty.status_code == 400 and empty.json()["error"] == "empty"


# -- pushing -----------------------------------------------------------------------------------------


def test_an_enrolled_device_pushes_its_events_once(url: str, central: Path, tmp_path: Path) -> None:
    kiosk = new_device(tmp_path, "kiosk", 12)
    device = enrol(central, kiosk)
    first = push(kiosk, url)
    assert (first.sent, first.first_seq, first.last_seq) == (12, 1, 12)
    assert dict(first.counts) == {"new": 12, "duplicate": 0, "conflict": 0, "rejected": 0}
    assert first.checkpoint == head(kiosk) == stored_checkpoint(central, device)
    assert read_acked(kiosk) == head(kiosk)
    record = json.loads((kiosk / ACKED).read_text())
    assert (record["format"], record["device"]) == (FORMAT, device.id) and record["at"].endswith("+07:00")
    assert outbox_empty(kiosk)

    again = push(kiosk, url)  # nothing pending: nothing sent, nothing changed
    assert again.sent == 0 and again.checkpoint == first.checkpoint
    assert stored_checkpoint(central, device) == first.checkpoint

    resent = post_bundle(url, kiosk)  # the same events sent again anyway: duplicates only
    assert resent.status_code == 200
    assert resent.json()["checkpoint"]["last_seq"] == 12
    assert resent.json()["checkpoint"]["head"] == first.checkpoint[1]
    assert _counts(resent.json()["result"]) == {"new": 0, "duplicate": 12, "conflict": 0, "rejected": 0}

    pings(kiosk, 3)
    more = push(kiosk, url)
    assert (more.sent, more.first_seq, dict(more.counts)["new"], more.acked_before) == (3, 13, 3, 12)
    assert read_acked(kiosk) == head(kiosk) == stored_checkpoint(central, device)


def test_a_lost_reply_then_a_retry_duplicates_nothing(url: str, central: Path, tmp_path: Path) -> None:
    kiosk = new_device(tmp_path, "kiosk", 6)
    device = enrol(central, kiosk)
    transport = LostReply()
    with pytest.raises(SyncUnreachable) as lost:
        push(kiosk, url, transport=transport)
    assert lost.value.maybe_done and "nothing will be duplicated" in lost.value.en
    assert transport.lost == 1
    assert stored_checkpoint(central, device)[0] == 6  # the server did import …
    assert read_acked(kiosk) is None  # … but the device never heard
    assert outbox_empty(kiosk)

    pings(kiosk, 2)  # the kiosk kept working meanwhile
    retry = push(kiosk, url)
    assert (retry.sent, retry.first_seq, retry.last_seq) == (2, 7, 8)  # resumes at the server's checkpoint
    assert dict(retry.counts) == {"new": 2, "duplicate": 0, "conflict": 0, "rejected": 0}
    assert read_acked(kiosk) == head(kiosk) == stored_checkpoint(central, device)


def test_a_lost_reply_with_nothing_after_it_catches_the_acknowledgement_up(
    url: str, central: Path, tmp_path: Path
) -> None:
    kiosk = new_device(tmp_path, "kiosk", 4)
    device = enrol(central, kiosk)
    with pytest.raises(SyncUnreachable):
        push(kiosk, url, transport=LostReply())
    retry = push(kiosk, url)
    assert retry.sent == 0 and retry.checkpoint == head(kiosk)
    assert read_acked(kiosk) == head(kiosk) == stored_checkpoint(central, device)


def test_a_device_whose_history_differs_from_the_store_is_not_acknowledged(
    url: str, central: Path, tmp_path: Path
) -> None:
    """A home folder restored from an old backup after a push: the store holds events it lacks."""
    kiosk = new_device(tmp_path, "kiosk", 5)
    enrol(central, kiosk)
    push(kiosk, url)
    (kiosk / ACKED).unlink()
    for path in (log_dir(kiosk) / "days").iterdir():
        path.unlink()  # the log is gone, the identity stays
    with pytest.raises(SyncRefused) as refused:
        push(kiosk, url)
    assert refused.value.code == "diverged" and "seq 5" in refused.value.en
    assert read_acked(kiosk) is None


# -- offline -----------------------------------------------------------------------------------------


def test_an_unreachable_server_is_reported_and_nothing_is_lost(tmp_path: Path) -> None:
    kiosk = new_device(tmp_path, "kiosk", 7)
    before = head(kiosk)
    with pytest.raises(SyncUnreachable) as offline:
        push(kiosk, f"http://127.0.0.1:{free_port()}", timeout=2)
    assert offline.value.code == "offline" and not offline.value.maybe_done
    assert "เชื่อมต่อเครื่องกลางไม่ได้" in offline.value.th and "cannot reach" in offline.value.en
    assert head(kiosk) == before and read_acked(kiosk) is None and outbox_empty(kiosk)

    result = CliRunner().invoke(sync_cli.push, [f"127.0.0.1:{free_port()}"], obj=CliContext(kiosk, "th"))
    assert result.exit_code == 2, result.output
    assert "เชื่อมต่อเครื่องกลางไม่ได้" in result.output and "ข้อมูลยังอยู่ครบ" in result.output
    assert head(kiosk) == before


# -- the command -------------------------------------------------------------------------------------


def test_the_push_command_prints_the_counts_and_the_checkpoint(
    url: str, central: Path, tmp_path: Path
) -> None:
    kiosk = new_device(tmp_path, "kiosk", 9)
    enrol(central, kiosk)
    result = CliRunner().invoke(sync_cli.push, [url], obj=CliContext(kiosk, "en"))
    assert result.exit_code == 0, result.output
    assert "sent seq 1–9 (9 events)" in result.output
    assert "new 9 · duplicate 0 · conflict 0 · rejected 0" in result.output
    assert "checkpoint (acknowledged): seq 9" in result.output
    thai = CliRunner().invoke(sync_cli.push, [url, "--json"], obj=CliContext(kiosk, "th"))
    assert json.loads(thai.output)["sent"] == 0
    again = CliRunner().invoke(sync_cli.push, [url], obj=CliContext(kiosk, "th"))
    assert "ไม่มีข้อมูลค้างส่ง" in again.output and "ลำดับ 9" in again.output


def test_the_push_command_refuses_an_unenrolled_device_with_exit_code_1(url: str, tmp_path: Path) -> None:
    kiosk = new_device(tmp_path, "kiosk", 2)
    result = CliRunner().invoke(sync_cli.push, [url], obj=CliContext(kiosk, "en"))
    assert result.exit_code == 1 and "is not enrolled" in result.output


def _counts(result: dict[str, object]) -> dict[str, object]:
    source = result.get("counts", result)
    assert isinstance(source, dict)
    return {k: source[k] for k in ("new", "duplicate", "conflict", "rejected")}


# -- limits (in-process: no store is reached) ---------------------------------------------------------


class NoStore:
    """A store that must not be touched: an oversized upload is refused before any store call."""

    def devices(self) -> list[object]:
        raise AssertionError("the store was asked")

    def import_bundle(self, path: Path) -> object:
        raise AssertionError("the store was asked")

    def checkpoint(self, device: str) -> tuple[int, str]:
        raise AssertionError("the store was asked")

    def close(self) -> None:
        pass


def test_an_oversized_upload_is_refused_and_not_kept(tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    store: Any = NoStore()
    app = make_sync_app(store, threading.Lock(), incoming=incoming, max_bytes=1000)

    async def chunks() -> AsyncIterator[bytes]:  # sent chunked: no length is declared
        yield b"x" * 600
        yield b"x" * 600

    async def send() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://sync"
        ) as client:
            return await client.post("/bundles", content=b"x" * 1001), await client.post(
                "/bundles", content=chunks()
            )

    declared, streamed = anyio.run(send)
    assert declared.status_code == 413 and declared.json()["error"] == "too_large"
    assert streamed.status_code == 413 and "MiB" in streamed.json()["en"]
    assert list(incoming.glob("*")) == []


def test_stale_uploads_are_removed_at_start(tmp_path: Path) -> None:
    old, fresh = tmp_path / ".upload-old.psb", tmp_path / ".upload-new.psb"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    remove_stale_uploads(tmp_path)
    assert not old.exists() and fresh.exists()


def test_the_serve_command_shows_where_it_listens_and_each_import(central: Path, tmp_path: Path) -> None:
    kiosk = new_device(tmp_path, "kiosk", 3)
    enrol(central, kiosk)
    code = "from prongsai.commands.sync import serve; serve(['--port', '0'])"
    listening = "sync server listening on http://127.0.0.1:"
    process, line = start(
        [sys.executable, "-c", code], listening, PRONGSAI_HOME=str(central), PRONGSAI_LANG="en"
    )
    assert process.stdout is not None
    address = line.split()[4]
    assert "this machine only" in process.stdout.readline()
    assert push(kiosk, address).counts["new"] == 3
    assert process.stdout.readline().strip() == f"{load_or_create_device(kiosk).id} seq 1–3: " + (
        "new 3, duplicate 0, conflict 0, rejected 0"
    )
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0 and "sync server stopped" in out, err


def test_a_bundle_over_the_limit_is_not_sent(
    url: str, central: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosk = new_device(tmp_path, "kiosk", 3)
    device = enrol(central, kiosk)
    monkeypatch.setattr(sync_client, "MAX_BUNDLE", 1000)
    with pytest.raises(SyncRefused) as refused:
        push(kiosk, url)
    assert refused.value.code == "too_large" and "prongsai sync export" in refused.value.en
    assert outbox_empty(kiosk) and stored_checkpoint(central, device)[0] == 0


def test_a_failing_import_callback_is_logged_and_the_import_still_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kiosk = new_device(tmp_path, "kiosk", 3)
    central = tmp_path / "central"
    enrol(central, kiosk)
    bundle = tmp_path / "kiosk.psb"
    assert write_bundle(load_or_create_device(kiosk), log_dir(kiosk), bundle, 1) is not None

    def broken_console(reply: dict[str, Any]) -> None:
        raise OSError("the console is gone")

    with ThreadPoolExecutor(max_workers=1) as worker:
        store = worker.submit(CentralStore.open, central).result()
        app = make_sync_app(
            store, threading.Lock(), incoming=tmp_path / "in", on_import=broken_console, worker=worker
        )

        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sync") as c:
                return await c.post("/bundles", content=bundle.read_bytes())

        with caplog.at_level("WARNING", logger="sync.sync_server"):
            reply = anyio.run(send)
        worker.submit(store.close).result()
    assert reply.status_code == 200 and reply.json()["last_seq"] == 3
    lines = [r.getMessage() for r in caplog.records if r.name == "sync.sync_server"]
    assert any("the console is gone" in line for line in lines), lines


def test_the_push_command_says_the_kept_ack_is_damaged(url: str, central: Path, tmp_path: Path) -> None:
    kiosk = new_device(tmp_path, "kiosk", 4)
    enrol(central, kiosk)
    assert CliRunner().invoke(sync_cli.push, [url], obj=CliContext(kiosk, "en")).exit_code == 0
    (kiosk / ACKED).write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(sync_cli.push, [url], obj=CliContext(kiosk, "en"))
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and str(kiosk / ACKED) in result.stderr and "damaged" in result.stderr
    assert read_acked(kiosk) == stored_checkpoint(central, load_or_create_device(kiosk))  # replaced
