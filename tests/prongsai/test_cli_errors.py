"""What a user sees when something is wrong around the command: a message in their language that says
what to do, a non-zero exit, never a traceback; and nothing written where nothing should be."""

from __future__ import annotations

import builtins
import errno
import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from kiosk.office.service import LocalOffice
from prongsai.cli import cli
from surveys.counter.settings import default_settings
from surveys.log.device import load_or_create_device
from surveys.log.device_log import DeviceLog, Draft
from surveys.log.home import log_dir

ROOT = Path(__file__).resolve().parents[2]


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def said(result: Result) -> str:
    """Everything the user saw; fails the test if the command died of an exception."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}") from result.exception
    assert "Traceback" not in result.output
    return result.output


def prongsai(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prongsai.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with a device and three events in its log."""
    folder = tmp_path / "home"
    device = load_or_create_device(folder)
    with DeviceLog(log_dir(folder), device.id) as log:
        log.append_many([Draft("test.ping", {"n": n}) for n in range(3)])
    return folder


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# -- the home folder ----------------------------------------------------------------------------------


def test_a_home_that_is_a_file_is_named_in_thai_and_english(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    run = prongsai("device", "show", env={"PRONGSAI_HOME": str(a_file), "PRONGSAI_LANG": "th"})
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert f"โฟลเดอร์ข้อมูล {a_file} (จาก $PRONGSAI_HOME) เป็นไฟล์ ไม่ใช่โฟลเดอร์" in run.stderr
    result = invoke("--lang", "en", "device", "show", env={"PRONGSAI_HOME": str(a_file)})
    assert result.exit_code == 1
    assert f"the home folder {a_file} (from $PRONGSAI_HOME) is a file, not a folder" in said(result)
    assert a_file.read_text() == "not a folder"


def test_a_home_under_a_file_is_named(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    result = invoke("--home", str(a_file / "home"), "--lang", "en", "services")
    assert result.exit_code == 1
    assert f"lies under {a_file}, which is a file, not a folder: point --home at a folder" in said(result)


def test_a_home_that_cannot_be_written_says_which_file_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tests run as root, where chmod does not stop a write: the refusal is made as the OS makes it
    import surveys.log.device

    def refuse(path: Path, data: bytes, mode: int = 0o644) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path.with_name(f".{path.name}.9.tmp")))

    monkeypatch.setattr(surveys.log.device, "write_atomic", refuse)
    home = tmp_path / "home"
    result = invoke("--home", str(home), "device", "show")
    assert result.exit_code == 1
    out = said(result)
    assert f"ใช้ {home / 'device.key'} ไม่ได้: ไม่มีสิทธิ์เขียน" in out
    assert "Errno" not in out and ".tmp" not in out
    result = invoke("--home", str(home), "--lang", "en", "device", "show")
    assert f"can't use {home / 'device.key'}: permission denied; run as the user who owns" in said(result)


def test_a_home_in_a_system_folder_is_refused_with_a_message() -> None:
    run = prongsai("--lang", "en", "--home", "/proc/prongsai-home", "device", "show")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "can't use /proc/prongsai-home" in run.stderr and "choose another folder" in run.stderr


# -- sync export --out --------------------------------------------------------------------------------


def test_export_never_overwrites_an_existing_file(home: Path, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    old = stick / "bundle.psb"
    old.write_text("an older bundle")
    result = invoke("--home", str(home), "--lang", "en", "sync", "export", "--out", str(old))
    assert result.exit_code == 1
    assert f"{old} already exists and is not overwritten" in said(result)
    assert listing(stick) == {"bundle.psb": b"an older bundle"}
    other = stick / "notes.txt"
    other.write_text("x")
    result = invoke("--home", str(home), "sync", "export", "--out", str(other))
    assert result.exit_code == 1
    assert f"{other} เป็นไฟล์ ไม่ใช่โฟลเดอร์" in said(result)
    assert listing(stick) == {"bundle.psb": b"an older bundle", "notes.txt": b"x"}


@pytest.mark.parametrize("out", ["media/usb", "media/usb/", "media/usb/day.psb"])
def test_export_never_creates_a_missing_folder(home: Path, tmp_path: Path, out: str) -> None:
    before = listing(tmp_path)
    result = invoke("--home", str(home), "--lang", "en", "sync", "export", "--out", str(tmp_path / out))
    assert result.exit_code == 1
    output = said(result)
    assert (
        f"there is no folder {tmp_path / 'media' / 'usb'}: check that the USB stick is plugged in" in output
    )
    assert "nothing was written" in output
    assert not (tmp_path / "media").exists()
    assert listing(tmp_path) == before


def test_export_into_proc_or_an_unwritable_folder_is_a_message(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke("--home", str(home), "--lang", "en", "sync", "export", "--out", "/proc/bundle.psb")
    assert result.exit_code == 1
    assert "can't export, nothing was written: can't use /proc/bundle.psb: no new file can be made" in said(
        result
    )
    into_folder = invoke("--home", str(home), "--lang", "en", "sync", "export", "--out", "/proc")
    assert into_folder.exit_code == 1
    assert "can't use /proc:" in said(into_folder) and ".part" not in said(into_folder)
    import sync.usb

    def refuse(device: Any, log: Path, out: Path, from_seq: int = 1) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(out.with_name(f".{out.name}.7.tmp")))

    monkeypatch.setattr(sync.usb, "write_bundle", refuse)
    stick = tmp_path / "stick"
    stick.mkdir()
    result = invoke("--home", str(home), "sync", "export", "--out", str(stick / "b.psb"))
    assert result.exit_code == 1
    assert f"ส่งออกไม่ได้ ไม่มีอะไรถูกเขียน: ใช้ {stick / 'b.psb'} ไม่ได้: ไม่มีสิทธิ์เขียน" in said(result)
    assert listing(stick) == {}


def test_export_into_an_existing_folder_still_works(home: Path, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    result = invoke("--home", str(home), "--lang", "en", "sync", "export", "--out", str(stick))
    assert result.exit_code == 0, said(result)
    assert [p.suffix for p in stick.iterdir()] == [".psb"]


# -- verify on a read-only copy -----------------------------------------------------------------------


WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


@pytest.fixture
def read_only_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every way of writing a file fails as on a DVD (EROFS); yields the paths something tried."""
    tried: list[str] = []
    real_os_open, real_open = os.open, builtins.open

    def refuse(path: Any) -> OSError:
        tried.append(os.fsdecode(path))
        return OSError(errno.EROFS, "Read-only file system", os.fsdecode(path))

    def os_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if flags & WRITE_FLAGS:
            raise refuse(path)
        return real_os_open(path, flags, mode, dir_fd=dir_fd)

    def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, bytes, os.PathLike)) and set(mode) & set("wax+"):
            raise refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def no_change(*args: Any, **kwargs: Any) -> None:
        raise refuse(args[0])

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(io, "open", open_)
    for name in ("mkdir", "makedirs", "replace", "rename", "unlink", "remove", "rmdir", "truncate"):
        monkeypatch.setattr(os, name, no_change)
    yield tried


@pytest.fixture(params=[True, False], ids=["with-lock-files", "copied-without-them"])
def backup(home: Path, request: pytest.FixtureRequest) -> Path:
    """The home as burnt on a DVD: with its lock files, or copied without them."""
    if not request.param:
        for name in ("fold.lock", "writer.lock"):
            (log_dir(home) / name).unlink(missing_ok=True)
    return home


def test_verify_works_on_a_read_only_copy_of_a_home(backup: Path, read_only_disk: list[str]) -> None:
    result = invoke("--home", str(backup), "--lang", "en", "verify")
    assert result.exit_code == 0, said(result)
    assert "chain whole: 3 events (seq 1–3)" in said(result)
    assert read_only_disk == [] or all(p.endswith("fold.lock") for p in read_only_disk)


# -- counters, tickets and the office -----------------------------------------------------------------


def test_a_counter_the_lan_office_lacks_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import prongsai.commands._office as office_helpers

    office = LocalOffice(tmp_path, default_settings())
    monkeypatch.setattr(office_helpers, "open_office", lambda cli, url, key, fingerprint=None: office)
    try:
        result = invoke("--lang", "en", "counter", "9", "--office", "http://192.168.1.10:8568", "--key", "k")
    finally:
        office.close()
    assert result.exit_code == 1
    assert "there is no counter 9 (the counters are 1, 2, 3, 4)" in said(result)


def test_ticket_issue_goes_through_a_running_office_with_office(tmp_path: Path) -> None:
    home = tmp_path / "office"
    server = subprocess.Popen(
        [sys.executable, "-m", "prongsai.cli", "--home", str(home), "--lang", "en", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line.startswith("office ready at "), server.communicate(timeout=30)[1]
        url = line.split()[3]
        result = invoke("--home", str(home), "ticket", "issue", "--printer", f"png:{tmp_path}")
        assert result.exit_code == 1
        out = said(result)
        assert "มีโปรแกรม prongsai อีกตัวเปิดสมุดบันทึกของโฟลเดอร์" in out and "--office http://127.0.0.1:" in out
        assert "already open for writing" not in out  # no English sentence in a Thai message
        result = invoke(
            "--home",
            str(home),
            "--lang",
            "en",
            "ticket",
            "issue",
            "--office",
            url,
            "--printer",
            f"png:{tmp_path}",
        )
        assert result.exit_code == 0, said(result)
        assert "issued A001" in said(result)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)


# -- messages in one language -------------------------------------------------------------------------


def test_a_printer_error_is_in_the_users_language_only(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    result = invoke("--home", str(tmp_path), "ticket", "issue", "--printer", f"png:{a_file / 'tickets'}")
    assert result.exit_code == 1
    out = said(result)
    assert "บันทึกบัตรคิวลงโฟลเดอร์" in out and "Cannot save" not in out and "Not a directory" not in out
    result = invoke(
        "--home", str(tmp_path), "--lang", "en", "ticket", "issue", "--printer", f"png:{a_file}/t"
    )
    out = said(result)
    assert "Cannot save the ticket" in out and "บันทึก" not in out


def test_a_notice_that_cannot_be_written_names_the_file_not_a_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "notice.pdf"
    result = invoke("--home", str(tmp_path), "--lang", "en", "notice", "--out", str(target))
    assert result.exit_code == 1
    out = said(result)
    assert f"can't use {target}: the folder does not exist" in out
    assert "Errno" not in out and ".tmp" not in out


# -- --home and --lang after the subcommand -----------------------------------------------------------


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def test_every_command_takes_home_and_lang_after_it_too(tmp_path: Path) -> None:
    found = list(commands(cli))
    assert ("plan", "show") in found and ("sync", "export") in found and ("verify",) in found
    for path in found:
        result = invoke(*path, "--home", str(tmp_path), "--lang", "en", "--help")
        assert result.exit_code == 0, (path, result.output)
        assert "--home" in result.output and "--lang" in result.output


def test_lang_and_home_after_the_subcommand_override_those_before(tmp_path: Path) -> None:
    result = invoke("plan", "show", "--lang", "en")
    assert result.exit_code == 0, said(result)
    assert "Anti-corruption action plan" in said(result)
    result = invoke("--lang", "en", "services", "--lang", "th", "--home", str(tmp_path))
    assert "บริการ" in said(result)
    result = invoke(
        "--home", "/nonexistent-prongsai", "sync", "export", "--lang", "en", "--home", str(tmp_path)
    )
    assert f"no device in {tmp_path}" in said(result)


def test_simulate_while_the_office_runs_says_so_in_thai_only(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    first = invoke("--home", str(demo), "simulate", "--from", "2025-10-01", "--to", "2025-10-03")
    assert first.exit_code == 0, first.output
    office = LocalOffice(demo, default_settings())  # the writer of this log, like `prongsai serve`
    try:
        result = invoke("--home", str(demo), "simulate", "--from", "2025-10-06", "--to", "2025-10-07")
    finally:
        office.close()
    text = said(result)
    assert result.exit_code == 1
    assert "มีโปรแกรม prongsai อีกตัวเปิดสมุดบันทึก" in text and "ให้ปิดตัวนั้นก่อน" in text
    assert "--office" not in text  # simulate has no such option
    assert "another prongsai process" not in text and "owns" not in text


def test_a_damaged_log_is_told_in_thai_with_what_to_do(home: Path) -> None:
    LocalOffice(home, default_settings()).close()  # the three events folded into their day file
    (day_file,) = (log_dir(home) / "days").iterdir()
    day_file.unlink()  # the newest day file gone: the mark beside the log says the log was cut
    result = invoke("--home", str(home), "ticket", "issue", "--printer", f"png:{home / 'tickets'}")
    text = said(result)
    assert result.exit_code == 1
    assert "ไม่สมบูรณ์" in text and "prongsai verify" in text
    assert not (home / "tickets").exists()


def test_staff_pin_refuses_the_default_pin_printed_in_the_manual(tmp_path: Path) -> None:
    result = invoke("--home", str(tmp_path), "staff-pin", "--pin", "2568")
    assert result.exit_code == 1
    assert "ห้ามใช้ PIN ตั้งต้น 2568" in said(result)
    assert not (tmp_path / "settings.yaml").exists()
