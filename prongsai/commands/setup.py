"""``prongsai setup``: the office's name and phone numbers, printed on the wall notice.

Asked one by one (the current value is the default, Enter keeps it), or given as options for a script.
They are written into ``settings.yaml`` of the home, keeping its comments and other keys.
"""

from __future__ import annotations

import re

import click

from prongsai.commands._office import settings_of
from prongsai.context import CliContext, get
from surveys.content.datafile import DataFileError
from surveys.counter.settings import PHONE, SETTINGS_FILE, load_settings, update_settings

FIELDS = ("municipality_th", "municipality_en", "office_phone", "complaint_phone")


@click.command()
@click.option("--name-th", "municipality_th", default=None, help="The municipality's name in Thai.")
@click.option("--name-en", "municipality_en", default=None, help="The municipality's name in English.")
@click.option("--phone", "office_phone", default=None, help="The office's phone, e.g. 044-123-456.")
@click.option(
    "--complaint-phone", default=None, help="The complaints line, if not the office's phone ('-' to clear)."
)
@click.pass_context
def setup(
    ctx: click.Context,
    municipality_th: str | None,
    municipality_en: str | None,
    office_phone: str | None,
    complaint_phone: str | None,
) -> None:
    """Set the municipality's name and the office's phone numbers (printed on the wall notice).

    Without options, asks for each one (Enter keeps what is set).
    """
    cli = get(ctx)
    settings = settings_of(cli)
    given = {
        "municipality_th": municipality_th,
        "municipality_en": municipality_en,
        "office_phone": office_phone,
        "complaint_phone": complaint_phone,
    }
    if all(value is None for value in given.values()):
        given = _ask(cli, {name: getattr(settings, name) for name in FIELDS})
    values = {name: _cleaned(value) for name, value in given.items() if value is not None}
    for name in ("office_phone", "complaint_phone"):
        _check_phone(cli, values.get(name))
    path = cli.home / SETTINGS_FILE
    before = path.read_bytes() if path.exists() else None
    cli.home.mkdir(parents=True, exist_ok=True)
    update_settings(cli.home, values)
    try:
        settings = load_settings(cli.home, cli.lang)
    except DataFileError as exc:  # a bad value: put the file back as it was
        if before is None:
            path.unlink()
        else:
            path.write_bytes(before)
        raise click.ClickException(cli.t(f"ไม่ได้บันทึก: {exc}", f"nothing was saved: {exc}")) from None
    none = cli.t("(ไม่ได้ตั้ง)", "(not set)")
    click.echo(cli.t(f"บันทึกแล้ว ({path})", f"saved ({path})"))
    click.echo(cli.t("  ชื่อ: ", "  name: ") + f"{settings.municipality_th} / {settings.municipality_en}")
    click.echo(cli.t("  โทรสำนักงาน: ", "  office phone: ") + (settings.office_phone or none))
    click.echo(cli.t("  โทรร้องเรียน: ", "  complaints phone: ") + (settings.complaint_phone or none))
    click.echo(cli.t("  บนประกาศ: ", "  on the notice: ") + settings.complaint(cli.lang))


def _ask(cli: CliContext, current: dict[str, str | None]) -> dict[str, str | None]:
    questions = {
        "municipality_th": cli.t("ชื่อหน่วยงาน (ภาษาไทย)", "Municipality's name in Thai"),
        "municipality_en": cli.t("ชื่อหน่วยงาน (ภาษาอังกฤษ)", "Municipality's name in English"),
        "office_phone": cli.t("เบอร์โทรสำนักงาน", "Office phone"),
        "complaint_phone": cli.t(
            "เบอร์โทรร้องเรียน (Enter = ใช้เบอร์สำนักงาน, - = ลบ)",
            "Complaints phone (Enter: the office's, -: clear)",
        ),
    }
    answers: dict[str, str | None] = {}
    for name, question in questions.items():

        def checked(text: str, name: str = name) -> str:
            if name.endswith("phone"):
                try:
                    _check_phone(cli, _cleaned(text))
                except click.ClickException as exc:
                    raise click.UsageError(exc.message) from None  # click asks again
            return text

        answer = click.prompt(
            question, default=current[name] or "", show_default=bool(current[name]), value_proc=checked
        )
        answers[name] = answer if answer != "" else None
    return answers


def _check_phone(cli: CliContext, phone: str | None) -> None:
    if phone is not None and not re.match(PHONE, phone):
        raise click.ClickException(
            cli.t(
                f"เบอร์โทร {phone!r} ไม่ถูกต้อง: ใช้ตัวเลข เว้นวรรค และขีด เช่น 044-123-456 หรือ 044 123 456 ต่อ 12",
                f"the phone {phone!r} is not a phone number: digits, spaces and dashes, "
                "e.g. 044-123-456 or 044 123 456 ext. 12",
            )
        )


def _cleaned(value: str | None) -> str | None:
    """'-' clears a value (None removes the key); text is trimmed."""
    if value is None or value.strip() in ("", "-"):
        return None
    return value.strip()
