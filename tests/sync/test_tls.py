"""TLS on the office LAN: the office and the sync server each make a certificate, print its
fingerprint, and clients talk only to the certificate they were given; plain HTTP only on this PC.

The servers run as the IT officer runs them (``prongsai serve --tls``, ``prongsai sync serve --tls``),
on 127.0.0.1 with TLS forced, in separate processes.
"""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.office.client import RemoteOffice
from kiosk.office.key import office_key
from kiosk.office.server import serve_office
from kiosk.office.service import LocalOffice, OfficeError
from prongsai.commands import sync as sync_cli
from prongsai.context import CliContext
from surveys.counter.settings import default_settings
from surveys.log.device import load_or_create_device
from sync.sync_client import SyncRefused, push
from sync.tls import (
    OFFICE_TLS,
    TlsError,
    format_fingerprint,
    parse_fingerprint,
    read_fingerprint,
    server_certificate,
)
from tests.support import servers
from tests.support.devices import enrol, pings
from tests.support.servers import ROOT

URL = re.compile(r"https://127\.0\.0\.1:\d+")
FINGERPRINT = re.compile(r"SHA256 ((?:[0-9A-F]{4} ){15}[0-9A-F]{4})")
WRONG = "ab" * 32  # a well-formed fingerprint of no certificate


@dataclass
class Running:
    url: str
    fingerprint: str  # as printed: 16 groups of 4
    process: subprocess.Popen[str]
    output: list[str]


def cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "prongsai.cli", "--home", str(home), "--lang", "en", *args]


def env(**extra: str) -> dict[str, str]:
    return servers.env(PYTHONUNBUFFERED="1", **extra)


def start(command: list[str], last_line: str) -> Running:
    """Run a server command; read what it prints up to ``last_line``: its URL and fingerprint."""
    process = servers.spawn(command, PYTHONUNBUFFERED="1")
    assert process.stdout is not None
    output: list[str] = []
    for line in process.stdout:
        output.append(line)
        if last_line in line:
            break
    text = "".join(output)
    url, fingerprint = URL.search(text), FINGERPRINT.search(text)
    if url is None or fingerprint is None:
        process.kill()
        raise AssertionError(text + process.communicate(timeout=10)[1])
    return Running(url.group(0), fingerprint.group(1), process, output)


def stop(server: Running) -> str:
    out, err = servers.stop(server.process, 20)
    assert server.process.returncode == 0, err
    assert "Traceback" not in err, err
    return out


@pytest.fixture
def office(office_home: Path) -> Iterator[Running]:
    server = start(cli(office_home, "serve", "--tls", "--port", "0"), "prongsai board")
    yield server
    stop(server)


# -- the certificate ---------------------------------------------------------------------------------


def test_the_certificate_is_made_once_and_its_key_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    first = server_certificate(tmp_path / OFFICE_TLS, "prongsai office")
    again = server_certificate(tmp_path / OFFICE_TLS, "prongsai office")
    assert first == again and len(first.fingerprint) == 64
    assert stat.S_IMODE(first.key_file.stat().st_mode) == 0o600
    assert read_fingerprint(tmp_path / OFFICE_TLS) == first.fingerprint


def test_a_fingerprint_is_accepted_as_printed_typed_or_scanned() -> None:
    raw = "0123456789abcdef" * 4
    for typed in (
        raw,
        raw.upper(),
        format_fingerprint(raw),
        "SHA256:" + raw.upper(),
        raw[:2] + ":" + raw[2:],
    ):
        assert parse_fingerprint(typed) == raw
    with pytest.raises(TlsError) as short:
        parse_fingerprint(raw[:-1])
    assert short.value.code == "bad_fingerprint" and "64" in short.value.th and "64" in short.value.en


# -- the office --------------------------------------------------------------------------------------


def test_a_terminal_with_the_printed_fingerprint_works_over_tls(office: Running, office_home: Path) -> None:
    assert office.url.startswith("https://")
    assert f"--fingerprint {parse_fingerprint(office.fingerprint)}" in "".join(office.output)
    with RemoteOffice(office.url, office_key(office_home), fingerprint=office.fingerprint) as kiosk:
        reservation = kiosk.reserve_ticket("tax")
        kiosk.confirm_ticket(reservation.ticket, "test")
        assert kiosk.snapshot().issued_today == 1


def test_a_wrong_fingerprint_is_refused_and_nothing_is_sent(office: Running, office_home: Path) -> None:
    key = office_key(office_home)
    with pytest.raises(OfficeError) as refused:
        RemoteOffice(office.url, key, fingerprint=WRONG)
    assert refused.value.code == "wrong_certificate"
    assert "ลายนิ้วมือ" in refused.value.th and "ไม่ได้ส่งข้อมูลใดๆ" in refused.value.th
    assert "not the pinned one" in refused.value.en and "nothing was sent" in refused.value.en

    terminal = RemoteOffice(office.url, key, fingerprint=WRONG, settings=default_settings())
    with pytest.raises(OfficeError) as reserve:
        terminal.reserve_ticket("tax")  # a call that appends: refused before the request goes out
    terminal.close()
    assert reserve.value.code == "wrong_certificate"
    with RemoteOffice(office.url, key, fingerprint=office.fingerprint) as real:
        assert real.snapshot().issued_today == 0
        assert real.reserve_ticket("tax").number.endswith("1")  # the first number: none was taken


def test_the_ticket_command_refuses_a_wrong_fingerprint_with_a_message(
    office: Running, office_home: Path, tmp_path: Path
) -> None:
    terminal = tmp_path / "terminal"
    printer = f"png:{tmp_path / 'tickets'}"
    base = cli(terminal, "ticket", "issue", "--service", "tax", "--printer", printer, "--office", office.url)
    key = {"PRONGSAI_OFFICE_KEY": office_key(office_home)}
    wrong = subprocess.run(
        [*base, "--fingerprint", WRONG], capture_output=True, text=True, cwd=ROOT, env=env(**key), timeout=60
    )
    assert wrong.returncode == 1, wrong.stderr
    assert "not the pinned one" in wrong.stderr and "Traceback" not in wrong.stderr + wrong.stdout

    right = subprocess.run(
        base,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env(**key, PRONGSAI_OFFICE_FINGERPRINT=office.fingerprint),
        timeout=60,
    )
    assert right.returncode == 0, right.stderr
    assert "issued" in right.stdout


def test_plain_http_to_another_machine_is_refused_before_connecting() -> None:
    # 192.0.2.1 is a documentation address nobody answers: a connection attempt would end "offline"
    for url in ("http://192.0.2.1:8568", "http://office.example:8568"):
        with pytest.raises(OfficeError) as refused:
            RemoteOffice(url, "k", timeout=30)
        assert refused.value.code == "insecure_address"
        assert "https://" in refused.value.th and "refusing plain http://" in refused.value.en
    with pytest.raises(OfficeError) as unpinned:
        RemoteOffice("https://192.0.2.1:8568", "k", timeout=30)
    assert unpinned.value.code == "no_fingerprint" and "--fingerprint" in unpinned.value.th


def test_a_server_will_not_listen_in_clear_off_this_machine(tmp_path: Path) -> None:
    office = LocalOffice(tmp_path, default_settings())
    try:
        with pytest.raises(ValueError, match=r"plain HTTP on 0\.0\.0\.0"):
            serve_office(office, "0.0.0.0", 0, office_key(tmp_path))
    finally:
        office.close()


# -- the sync server ---------------------------------------------------------------------------------


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[Running, Path]]:
    home = tmp_path / "central"
    home.mkdir()
    server = start(cli(home, "sync", "serve", "--tls", "--port", "0"), "sync push")
    yield server, home
    stop(server)


def enrolled_device(central: Path, home: Path, events: int) -> None:
    pings(home, events)
    enrol(central, home)


def test_a_push_goes_only_to_the_pinned_sync_server(central: tuple[Running, Path], tmp_path: Path) -> None:
    server, store = central
    kiosk = tmp_path / "kiosk"
    enrolled_device(store, kiosk, 5)
    with pytest.raises(SyncRefused) as refused:
        push(kiosk, server.url, fingerprint=WRONG)
    assert refused.value.code == "wrong_certificate" and "ลายนิ้วมือ" in refused.value.th

    runner = CliRunner()
    wrong = runner.invoke(sync_cli.push, [server.url, "--fingerprint", WRONG], obj=CliContext(kiosk, "th"))
    assert wrong.exit_code == 1 and "ลายนิ้วมือ" in wrong.output and wrong.exception is not None
    assert isinstance(wrong.exception, SystemExit)  # a message, not a traceback

    result = push(kiosk, server.url, fingerprint=server.fingerprint)
    assert result.counts["new"] == 5


def test_push_refuses_plain_http_to_another_machine(tmp_path: Path) -> None:
    kiosk = tmp_path / "kiosk"
    load_or_create_device(kiosk)
    result = CliRunner().invoke(sync_cli.push, ["http://192.0.2.1:8569"], obj=CliContext(kiosk, "en"))
    assert result.exit_code == 1, result.output
    assert "refusing plain http://" in result.output
    bare = CliRunner().invoke(sync_cli.push, ["192.0.2.1"], obj=CliContext(kiosk, "en"))
    assert bare.exit_code == 1 and "fingerprint" in bare.output  # a bare LAN address means https://


def test_serving_on_every_interface_is_always_tls(tmp_path: Path) -> None:
    home = tmp_path / "office"
    server = subprocess.Popen(
        cli(home, "serve", "--host", "0.0.0.0", "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env(),
    )
    assert server.stdout is not None
    output = []
    for line in server.stdout:
        output.append(line)
        if "prongsai board" in line:
            break
    text = "".join(output)
    try:
        port = re.search(r"https://0\.0\.0\.0:(\d+)", text)
        fingerprint = FINGERPRINT.search(text)
        assert port is not None and fingerprint is not None, text
        with pytest.raises(OfficeError) as refused:  # plain HTTP is not answered: it is TLS
            RemoteOffice(f"http://127.0.0.1:{port.group(1)}", office_key(home), timeout=5)
        assert refused.value.code == "offline"
        url = f"https://127.0.0.1:{port.group(1)}"
        with RemoteOffice(url, office_key(home), fingerprint=fingerprint.group(1)) as board:
            assert board.snapshot().issued_today == 0
    finally:
        stop(Running("", "", server, output))


def test_who_is_on_the_office_pc_is_the_socket_s_word_not_a_header(
    office: Running, office_home: Path
) -> None:
    """The office key is for the office's own PC. uvicorn would take the peer's address from an
    X-Forwarded-For header sent from 127.0.0.1; the office must not: the socket decides."""
    import httpx

    from sync.tls import pinned_context

    key = office_key(office_home)
    with httpx.Client(verify=pinned_context(office.fingerprint), timeout=30) as http:
        for claimed in ("192.168.1.50", "127.0.0.1"):
            reply = http.get(
                f"{office.url}/snapshot",
                headers={"Authorization": f"Bearer {key}", "X-Forwarded-For": claimed},
            )
            assert reply.status_code == 200, (claimed, reply.text)  # the socket is 127.0.0.1: this PC
