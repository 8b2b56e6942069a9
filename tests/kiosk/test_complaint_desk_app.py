"""The complaint desk as its staff use it: a complaint taken on the form gets its code on screen and a
printed receipt, steps are recorded to the end, a corruption tip keeps its informant's contact sealed,
an overdue complaint is marked, and every refusal reads as a message."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton, Select, Static, TextArea

from kiosk.apps.complaint_desk_app import ComplaintDeskApp, make_complaint_desk_app
from kiosk.office.complaints import install_officer_key, make_officer_key
from kiosk.office.service import LocalOffice
from kiosk.printing.printers import PngPrinter
from kiosk.screens.complaint_desk import ComplaintListScreen, ComplaintTable
from kiosk.screens.complaint_desk_form import ComplaintFormScreen
from kiosk.screens.complaint_desk_step import StepDialog
from surveys.complaints import codes
from tests.support.office import Clock
from tests.support.pilot import screen_text, until

SIZE = (110, 36)


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], clock: Clock, tmp_path: Path) -> LocalOffice:
    return make_office(tmp_path / "office", clock=clock)


@pytest.fixture
def printer(tmp_path: Path) -> PngPrinter:
    return PngPrinter(tmp_path / "receipts")


def desk(pilot: Pilot[Any]) -> ComplaintListScreen:
    screen = pilot.app.screen_stack[1]
    assert isinstance(screen, ComplaintListScreen)
    return screen


def rows(pilot: Pilot[Any]) -> list[list[str]]:
    table = desk(pilot).query_one(ComplaintTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def message(pilot: Pilot[Any], where: str = "#message") -> str:
    return str(pilot.app.screen.query_one(where, Static).content)


def run(app: ComplaintDeskApp, scenario: Callable[[Pilot[Any]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: len(pilot.app.screen_stack) > 1 and desk(pilot).entries is not None)
            await scenario(pilot)

    asyncio.run(main())


async def fill(pilot: Pilot[Any], channel: str | None, subject: str, contact: str = "") -> None:
    """Fill the intake form as a clerk does: the channel chosen, then each field typed."""
    form = pilot.app.screen
    assert isinstance(form, ComplaintFormScreen)
    if channel is not None:
        form.query_one("#channel", Select).value = channel
    for field, text in (("#subject", subject), ("#location", "หมู่ 3"), ("#contact", contact)):
        form.query_one(field, Input).focus()
        form.query_one(field, Input).value = text
    form.query_one("#details", TextArea).text = "ไฟฟ้าส่องสว่างดับมาสามคืน"
    await pilot.pause()


def test_a_complaint_taken_on_the_form_shows_its_code_prints_its_receipt_and_is_listed(
    office: LocalOffice, printer: PngPrinter
) -> None:
    async def scenario(pilot: Pilot[Any]) -> None:
        assert "ยังไม่มีเรื่องร้องเรียน" in str(desk(pilot).query_one("#summary", Static).content)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(pilot.app.screen, ComplaintFormScreen))
        assert "ใช้เพื่อแจ้งความคืบหน้าให้ผู้ร้องเรียนเท่านั้น" in screen_text(pilot.app)
        await fill(pilot, "phone", "ไฟถนนดับ", contact="02-123-4567")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ComplaintFormScreen) and form.recorded is not None
        code = form.recorded.code
        assert code.startswith("C68-")
        assert str(form.query_one("#code", Static).content) == code
        assert "กำหนดแล้วเสร็จ 30 มกราคม 2568" in screen_text(pilot.app)  # 15 Jan + 15 days
        assert "พิมพ์ใบรับเรื่องแล้ว" in screen_text(pilot.app)
        assert list((printer.folder).glob(f"complaint-*{code}.png"))
        await pilot.press("escape")
        await until(pilot, lambda: any(r[0] == code for r in rows(pilot)))
        assert rows(pilot)[0][:4] == [code, "15 ม.ค. 68", "30 ม.ค. 68", "รับเรื่องแล้ว"]
        assert f"รับเรื่องแล้ว: {code}" in message(pilot)

    run(make_complaint_desk_app(office, printer), scenario)


def test_a_refusal_of_the_form_reads_as_a_message_and_keeps_what_was_typed(
    office: LocalOffice, printer: PngPrinter
) -> None:
    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(pilot.app.screen, ComplaintFormScreen))
        await fill(pilot, None, "ไฟถนนดับ")
        await pilot.press("ctrl+s")
        assert message(pilot, "#form-message") == "เลือกช่องทางที่รับเรื่องก่อน"
        await fill(pilot, "letter", "")
        await pilot.press("ctrl+s")
        assert message(pilot, "#form-message") == "ใส่เรื่องที่ร้องเรียน"
        assert pilot.app.screen.query_one("#location", Input).value == "หมู่ 3"
        assert office.complaint_list() == ()

    run(make_complaint_desk_app(office, printer), scenario)


def test_steps_are_recorded_through_to_done_and_explained_needs_its_note(
    office: LocalOffice, printer: PngPrinter, clock: Clock
) -> None:
    entry = office.receive_complaint("counter", "general", "ท่อระบายน้ำอุดตัน", "", "", None, False)

    async def step(pilot: Pilot[Any], to: str, note: str = "") -> None:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(pilot.app.screen, StepDialog))
        dialog = pilot.app.screen
        if to:
            dialog.query_one(f"#to-{to}", RadioButton).value = True
        dialog.query_one("#step-note", Input).value = note
        await pilot.press("ctrl+s")
        await pilot.pause()

    async def scenario(pilot: Pilot[Any]) -> None:
        await step(pilot, "")  # nothing chosen: nothing recorded
        assert message(pilot, "#step-message") == "เลือกขั้นตอนก่อน"
        await pilot.press("escape")
        await pilot.pause()
        assert message(pilot) == "ยกเลิกแล้ว ไม่ได้บันทึก"
        await step(pilot, "assigned")
        assert message(pilot) == f"บันทึกแล้ว: {entry.code} มอบหมายผู้รับผิดชอบแล้ว"
        clock.advance(days=2)
        await step(pilot, "explained")
        assert message(pilot, "#step-message") == "'ชี้แจงเหตุผลแล้ว' ต้องมีสรุปหนังสือชี้แจง ใส่ในช่องบันทึก"
        await pilot.press("escape")
        await step(pilot, "in_progress")
        await step(pilot, "done")
        assert message(pilot) == f"บันทึกแล้ว: {entry.code} ดำเนินการแล้วเสร็จ"
        await until(pilot, lambda: rows(pilot)[0][3] == "ดำเนินการแล้วเสร็จ")
        await pilot.press("s")
        assert message(pilot) == f"เรื่อง {entry.code} ปิดแล้ว ไม่มีขั้นตอนต่อไป"

    run(make_complaint_desk_app(office, printer), scenario)
    assert [c.status for c in office.complaint_list()] == ["done"]


def test_a_refused_step_reads_as_the_offices_message(office: LocalOffice, printer: PngPrinter) -> None:
    entry = office.receive_complaint("counter", "general", "ท่อระบายน้ำอุดตัน", "", "", None, False)

    async def scenario(pilot: Pilot[Any]) -> None:
        office.complaint_step(entry.code, "in_progress")  # another desk moved it on meanwhile
        await pilot.press("s")
        await until(pilot, lambda: isinstance(pilot.app.screen, StepDialog))
        pilot.app.screen.query_one("#to-assigned", RadioButton).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ComplaintListScreen)
        assert message(pilot) == "ขั้นตอนย้อนกลับไม่ได้: เรื่องนี้อยู่ที่ “อยู่ระหว่างดำเนินการ” แล้ว"

    run(make_complaint_desk_app(office, printer), scenario)
    assert [c.status for c in office.complaint_list()] == ["in_progress"]


def test_a_tip_on_the_t_form_is_series_t_and_its_contact_is_sealed(
    office: LocalOffice, printer: PngPrinter, tmp_path: Path
) -> None:
    _, public = make_officer_key(tmp_path / "officer")
    install_officer_key(office.home, public)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, ComplaintFormScreen))
        shown = screen_text(pilot.app)
        assert "รับแจ้งเบาะแสการทุจริต (รหัสชุด T)" in shown
        assert "ข้อมูลติดต่อถูกปิดผนึกด้วยกุญแจของเจ้าหน้าที่ผู้รับผิดชอบเรื่องร้องเรียน" in shown
        category = pilot.app.screen.query_one("#category", Select)
        assert category.value == "corruption" and category.disabled
        await fill(pilot, "walk_in", "เรียกรับเงินค่าออกใบอนุญาต", contact="นายทดสอบ 089-000-1111")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ComplaintFormScreen) and form.recorded is not None
        assert form.recorded.code.startswith("T68-")
        await pilot.press("escape")
        await until(pilot, lambda: bool(rows(pilot)))
        assert rows(pilot)[0][5] == "(เบาะแสทุจริต: ไม่แสดงเรื่อง)"

    run(make_complaint_desk_app(office, printer), scenario)
    [tip] = office.complaint_list()
    assert tip.series == "T" and tip.category == "corruption" and tip.has_contact and tip.sealed
    written = b"".join(p.read_bytes() for p in office.home.rglob("*") if p.is_file())
    assert b"089-000-1111" not in written


def test_an_overdue_complaint_is_marked(office: LocalOffice, printer: PngPrinter, clock: Clock) -> None:
    late = office.receive_complaint("phone", "general", "ถนนชำรุด", "", "", None, False)
    clock.advance(days=10)
    office.receive_complaint("letter", "general", "ขยะไม่เก็บ", "", "", None, False)
    clock.advance(days=6)  # 31 January: the first is a day past its due date (30 January)

    async def scenario(pilot: Pilot[Any]) -> None:
        first, second = rows(pilot)
        assert first[0] == late.code and first[4] == "!! เกินกำหนด"
        assert second[4] == ""
        assert "เกินกำหนด 1" in str(desk(pilot).query_one("#summary", Static).content)
        await pilot.press("f2")
        assert rows(pilot)[0][4] == "!! OVERDUE"

    run(make_complaint_desk_app(office, printer), scenario)


def test_the_list_looks_right(
    office: LocalOffice, printer: PngPrinter, clock: Clock, snap_compare: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A complaint and a tip, both overdue (the same codes on every run)."""
    monkeypatch.setattr(codes.secrets, "choice", random.Random(13).choice)
    office.receive_complaint("phone", "general", "ไฟถนนดับ หน้าวัด", "หมู่ 3", "", None, False)
    clock.advance(days=1)
    office.receive_complaint("walk_in", "corruption", "เรียกรับเงิน", "", "", None, True)
    clock.advance(days=16)

    async def run_before(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: len(pilot.app.screen_stack) > 1 and desk(pilot).entries is not None)
        await until(pilot, lambda: desk(pilot).query_one(ComplaintTable).row_count == 2)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(make_complaint_desk_app(office, printer), terminal_size=SIZE, run_before=run_before)
