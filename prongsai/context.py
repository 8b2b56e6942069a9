"""What every subcommand gets: the home folder and the language."""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

import click
from rich.cells import cell_len

from surveys.bilingual import pick
from surveys.log.device import IDENTITY_FILE, Device, DeviceError, load_device
from surveys.log.home import ENV_VAR, resolve_home


@dataclass(frozen=True)
class CliContext:
    home: Path
    lang: str  # "th" or "en"

    def t(self, th: str, en: str) -> str:
        """Pick the text for the chosen language."""
        return pick(self.lang, th, en)


def get(ctx: click.Context) -> CliContext:
    """The home and language of this command (``--home``/``--lang`` before or after the subcommand);
    a home that is a file, or lies under one, is refused here with a message saying so."""
    obj = current(ctx)
    check_home(obj, ctx.meta.get(HOME_GIVEN, False))
    return obj


CHOSEN = "prongsai.cli"  # ctx.meta key (shared by the whole command line): the CliContext in force
HOME_GIVEN = "prongsai.home_given"  # ctx.meta key: the home came from --home (else the environment)


def current(ctx: click.Context) -> CliContext:
    """The CliContext in force, unchecked (for error messages)."""
    obj = ctx.meta.get(CHOSEN) or ctx.find_object(CliContext)
    if obj is None:  # a subcommand invoked on its own (tests)
        lang = os.environ.get("PRONGSAI_LANG", "th")
        obj = CliContext(resolve_home(None), lang if lang in ("th", "en") else "th")
    return obj


def choose(ctx: click.Context, cli: CliContext, *, home_given: bool = False) -> None:
    """Put ``cli`` in force for the rest of this command line."""
    ctx.obj = ctx.meta[CHOSEN] = cli
    if home_given:
        ctx.meta[HOME_GIVEN] = True


def check_home(cli: CliContext, given: bool) -> None:
    """Refuse a home that is a file or lies under a file, naming where the path came from."""
    source = "--home" if given or not os.environ.get(ENV_VAR) else f"${ENV_VAR}"
    node = cli.home
    while not node.exists() and node.parent != node:
        node = node.parent
    if node.is_dir():
        return
    if node == cli.home:
        th, en = "เป็นไฟล์ ไม่ใช่โฟลเดอร์", "is a file, not a folder"
    else:
        th, en = f"อยู่ใต้ {node} ซึ่งเป็นไฟล์ ไม่ใช่โฟลเดอร์", f"lies under {node}, which is a file, not a folder"
    raise click.ClickException(
        cli.t(
            f"โฟลเดอร์ข้อมูล {cli.home} (จาก {source}) {th}: ใช้ {source} ระบุโฟลเดอร์ที่ถูกต้อง "
            "(โฟลเดอร์ที่มีอยู่แล้ว หรือที่ prongsai จะสร้างให้)",
            f"the home folder {cli.home} (from {source}) {en}: point {source} at a folder "
            "(an existing one, or one prongsai may create)",
        )
    )


def add_common_options(command: click.Command) -> None:
    """Give ``command`` (and, for a group, every command under it) ``--home`` and ``--lang``, so
    that they work after the subcommand too; given there, they override the ones given before it."""

    def home_given(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
        if value is not None:
            choose(ctx, replace(current(ctx), home=resolve_home(value)), home_given=True)

    def lang_given(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None:
            choose(ctx, replace(current(ctx), lang=value))

    command.params.append(
        click.Option(
            ["--home"],
            type=click.Path(path_type=Path),
            expose_value=False,
            callback=home_given,
            help="Folder holding all data of this installation (also before the command).",
        )
    )
    command.params.append(
        click.Option(
            ["--lang"],
            type=click.Choice(["th", "en"]),
            expose_value=False,
            is_eager=True,
            callback=lang_given,
            help="Language of messages: th or en (also before the command).",
        )
    )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_common_options(sub)


_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.\d+\.tmp$")  # write_atomic's temp file beside the target

_REASONS: dict[int, tuple[str, str, str, str]] = {
    # errno: (Thai reason, Thai what to do, English reason, English what to do)
    errno.EACCES: (
        "ไม่มีสิทธิ์เขียน",
        "ใช้ผู้ใช้ที่เป็นเจ้าของโฟลเดอร์ หรือเลือกโฟลเดอร์อื่น",
        "permission denied",
        "run as the user who owns the folder, or choose another folder",
    ),
    errno.EROFS: (
        "อยู่บนดิสก์ที่อ่านได้อย่างเดียว",
        "เลือกโฟลเดอร์บนดิสก์ที่เขียนได้",
        "it is on a read-only disk",
        "choose a folder on a disk that can be written",
    ),
    errno.ENOSPC: (
        "ดิสก์เต็ม",
        "ลบไฟล์ที่ไม่ใช้ หรือเลือกดิสก์อื่น",
        "the disk is full",
        "free some space, or choose another disk",
    ),
    errno.ENOTDIR: (
        "มีไฟล์อยู่ในตำแหน่งที่ควรเป็นโฟลเดอร์",
        "ตรวจสอบเส้นทาง",
        "a part of the path is a file, not a folder",
        "check the path",
    ),
    errno.ENOENT: (
        "ไม่มีโฟลเดอร์นี้",
        "ตรวจสอบเส้นทาง และว่าดิสก์หรือแฟลชไดรฟ์เสียบอยู่",
        "the folder does not exist",
        "check the path, and that the disk or USB stick is plugged in",
    ),
    errno.EEXIST: (
        "มีไฟล์ชื่อนี้อยู่แล้ว",
        "เลือกชื่ออื่น หรือย้ายไฟล์เดิมออกก่อน",
        "a file of that name is already there",
        "choose another name, or move the old file away first",
    ),
    errno.EISDIR: (
        "เป็นโฟลเดอร์ ไม่ใช่ไฟล์",
        "ระบุชื่อไฟล์",
        "it is a folder, not a file",
        "give a file name",
    ),
}
_REASONS[errno.EPERM] = _REASONS[errno.EACCES]


def os_error_message(cli: CliContext, exc: OSError) -> str:
    """What went wrong with which file, and what to do, in the user's language (no ``[Errno 2]``, no
    temp-file name: the file the user asked for)."""
    path = shown_path(exc.filename)
    th_reason, th_do, en_reason, en_do = _REASONS.get(
        exc.errno or 0,
        (exc.strerror or str(exc), "ตรวจสอบดิสก์และสิทธิ์ของโฟลเดอร์", exc.strerror or str(exc),
         "check the disk and the folder's permissions"),
    )  # fmt: skip
    if exc.errno == errno.ENOENT and path is not None and Path(path).parent.is_dir():
        th_reason, th_do = "โฟลเดอร์นี้สร้างไฟล์ใหม่ไม่ได้ (เป็นโฟลเดอร์ของระบบ)", "เลือกโฟลเดอร์อื่น"
        en_reason, en_do = "no new file can be made in this folder (a system folder)", "choose another folder"
    if path is None:
        return cli.t(
            f"อ่านหรือเขียนไฟล์ไม่ได้: {th_reason} {th_do}", f"can't read or write a file: {en_reason}; {en_do}"
        )
    return cli.t(f"ใช้ {path} ไม่ได้: {th_reason} {th_do}", f"can't use {path}: {en_reason}; {en_do}")


def shown_path(filename: object) -> str | None:
    """``filename`` as the user knows it: a temp file of :func:`write_atomic` becomes its target."""
    if filename is None:
        return None
    path = Path(os.fsdecode(filename)) if isinstance(filename, (str, bytes, os.PathLike)) else None
    if path is None:
        return str(filename)
    match = _TEMP_NAME.match(path.name)
    return str(path.with_name(match["name"])) if match else str(path)


def pad(text: str, width: int) -> str:
    """Pad to ``width`` terminal cells (Thai vowel and tone marks take no cell of their own)."""
    return text + " " * max(0, width - cell_len(text))


def require_device(cli: CliContext) -> Device:
    """This home's device, for commands that must not make one (verify, export, push)."""
    if not (cli.home / IDENTITY_FILE).exists():
        raise click.ClickException(
            cli.t(
                f"ไม่มีอุปกรณ์ในโฟลเดอร์ {cli.home} (ใช้ --home เพื่อระบุโฟลเดอร์ที่ถูกต้อง)",
                f"no device in {cli.home} (use --home to point at the right folder)",
            )
        )
    try:
        return load_device(cli.home)
    except DeviceError as exc:
        raise click.ClickException(str(exc)) from None


def lock_holder(home: Path) -> tuple[str, str]:
    """Who holds the log's writer lock, as " (process N on HOST since T)" in Thai and English."""
    from surveys.log.device_log import WRITER_LOCK
    from surveys.log.home import log_dir

    try:
        note = (log_dir(home) / WRITER_LOCK).read_text(encoding="utf-8").strip()
    except OSError:
        return "", ""
    found = re.fullmatch(r"process (\d+) on (\S+) since (\S+)", note)
    if found is None:
        return "", ""
    pid, host, since = found.groups()
    return f" (โปรเซส {pid} บนเครื่อง {host} ตั้งแต่ {since})", f" (process {pid} on {host} since {since})"


def log_error(cli: CliContext, exc: Exception, office_port: int | None = None) -> click.ClickException:
    """A device log's refusal (locked, damaged, not durable) said in the user's language only.

    The log's own messages are English and name files; a Thai reader gets the Thai of what happened and
    what to do, with the English detail in brackets only where it names the file at fault."""
    from surveys.log.device_log import LogDamaged, LogLocked, LogWriteError

    if isinstance(exc, LogLocked):  # with office_port: the command can be a terminal of that process
        th_holder, en_holder = lock_holder(cli.home)
        th_do, en_do = (
            (
                f"ให้เชื่อมต่อกับตัวนั้นด้วย --office http://127.0.0.1:{office_port} หรือปิดตัวนั้นก่อน",
                f"connect to it with --office http://127.0.0.1:{office_port}, or stop it first",
            )
            if office_port is not None
            else ("ให้ปิดตัวนั้นก่อนแล้วสั่งใหม่", "stop it first, then try again")
        )
        return click.ClickException(
            cli.t(
                f"มีโปรแกรม prongsai อีกตัวเปิดสมุดบันทึกของโฟลเดอร์ {cli.home} อยู่{th_holder} (เช่น prongsai serve) "
                + th_do,
                f"another prongsai process owns the log of {cli.home}{en_holder} (e.g. `prongsai serve`): "
                + en_do,
            )
        )
    if isinstance(exc, LogDamaged):
        return click.ClickException(
            cli.t(
                f"สมุดบันทึกของโฟลเดอร์ {cli.home} ไม่สมบูรณ์ จึงไม่ได้บันทึกอะไรเพิ่ม "
                f"ตรวจดูรายละเอียดด้วย prongsai verify แล้วนำสำเนาสำรองกลับมา ({exc})",
                f"the log of {cli.home} is not whole, so nothing more was written: {exc}",
            )
        )
    if isinstance(exc, LogWriteError):
        return click.ClickException(
            cli.t(
                f"บันทึกลงดิสก์ไม่ได้ จึงไม่ได้เก็บอะไรไว้ ตรวจพื้นที่ว่างและสิทธิ์ของโฟลเดอร์ {cli.home} ({exc})",
                f"could not write to disk, nothing was kept: {exc}",
            )
        )
    return click.ClickException(cli.t(f"ใช้สมุดบันทึกไม่ได้: {exc}", str(exc)))
