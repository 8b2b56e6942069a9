"""The counter console as a clerk uses it: keys move the queue, every call is in order or has a reason,
refusals read in Thai, and the view follows what other terminals do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Digits, Input, OptionList, Static

from kiosk.apps.counter_app import CounterApp, make_counter_app
from kiosk.dialogs.confirm import ConfirmDialog
from kiosk.dialogs.out_of_order import OutOfOrderDialog
from kiosk.dialogs.transfer import TransferDialog
from kiosk.office.service import CounterView, LocalOffice, OfficeError, OfficeView
from kiosk.screens.counter_console import CounterConsoleScreen, WaitingList
from surveys.counter.queue import Ticket
from surveys.counter.settings import default_settings
from surveys.counter.token import parse_ticket_number
from surveys.log.event import BANGKOK, Event
from tests.support.office import Clock, issue
from tests.support.pilot import until

SIZE = (100, 34)
START = datetime(2025, 1, 15, 9, 0, tzinfo=BANGKOK)  # 15 มกราคม 2568


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], clock: Clock) -> LocalOffice:
    return make_office(clock=clock)


def issue_many(office: LocalOffice, count: int) -> None:
    for _ in range(count):
        issue(office)


def at_counter(office: LocalOffice, counter: int) -> CounterView:
    return next(c for c in office.snapshot().counters if c.counter == counter)


def calls(office: LocalOffice) -> list[Event]:
    return [e for e in office.log.read() if e.kind == "ticket.called"]


def console(pilot: Pilot[Any]) -> CounterConsoleScreen:
    screen = pilot.app.screen_stack[1]
    assert isinstance(screen, CounterConsoleScreen)
    return screen


def message(pilot: Pilot[Any]) -> str:
    return str(console(pilot).query_one("#message", Static).content)


async def loaded(pilot: Pilot[Any]) -> None:
    await until(pilot, lambda: console(pilot).view is not None)
    await pilot.pause()


def run(app: CounterApp, scenario: Callable[[Pilot[Any]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await scenario(pilot)

    asyncio.run(main())


def test_n_calls_next_s_starts_f_finishes_and_n_calls_the_one_after(office: LocalOffice) -> None:
    issue_many(office, 2)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: at_counter(office, 1).number == "A001")
        assert at_counter(office, 1).status == "called"
        await until(pilot, lambda: console(pilot).query_one("#current-number", Digits).value == "A001")
        assert message(pilot) == "เรียกคิว A001 แล้ว"
        await pilot.press("s")
        await until(pilot, lambda: at_counter(office, 1).status == "serving")
        await pilot.press("f")
        await until(pilot, lambda: at_counter(office, 1).status is None)
        assert office.snapshot().served_today == 1
        await pilot.press("n")
        await until(pilot, lambda: at_counter(office, 1).number == "A002")

    run(make_counter_app(office, 1), scenario)


def test_the_keys_work_with_the_thai_layout_on(office: LocalOffice) -> None:
    issue(office)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("ื")  # n
        await until(pilot, lambda: at_counter(office, 1).status == "called")
        await pilot.press("ห")  # s
        await until(pilot, lambda: at_counter(office, 1).status == "serving")
        await pilot.press("ด")  # f
        await until(pilot, lambda: at_counter(office, 1).status is None)
        await pilot.press("ส")  # l
        assert console(pilot).lang == "en"

    run(make_counter_app(office, 1), scenario)


def test_a_priority_ticket_comes_after_two_normal_ones_with_no_reason(office: LocalOffice) -> None:
    numbers = [
        issue(office).number,
        issue(office).number,
        issue(office, priority="elderly").number,
        issue(office).number,
    ]
    assert numbers == ["A001", "A002", "A003", "A004"]

    async def scenario(pilot: Pilot[Any]) -> None:
        rows = console(pilot).query_one(WaitingList)
        assert [rows.get_row_at(i)[2] for i in range(rows.row_count)] == ["", "", "★ ผู้สูงอายุ", ""]
        for expected in ("A001", "A002", "A003"):
            await pilot.press("n")
            await until(pilot, lambda: at_counter(office, 1).number == expected)  # noqa: B023 (awaited at once)
            await pilot.press("s")
            await until(pilot, lambda: at_counter(office, 1).status == "serving")
            await pilot.press("f")
            await until(pilot, lambda: at_counter(office, 1).status is None)

    run(make_counter_app(office, 1), scenario)
    assert [(e.body["number"], e.body["in_order"], e.body["reason"]) for e in calls(office)] == [
        ("A001", True, None),
        ("A002", True, None),
        ("A003", True, None),
    ]


def test_calling_a_later_ticket_asks_why_and_cancelling_calls_nothing(office: LocalOffice) -> None:
    issue_many(office, 3)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("down", "down", "c")
        await until(pilot, lambda: isinstance(pilot.app.screen, OutOfOrderDialog))
        dialog = pilot.app.screen
        assert "คิวถัดไปตามลำดับคือ A001" in str(dialog.query_one("#ooo-explain", Static).content)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, CounterConsoleScreen))
        assert message(pilot) == "ยกเลิกแล้ว ไม่ได้เรียกคิว"

    run(make_counter_app(office, 1), scenario)
    assert calls(office) == []
    assert at_counter(office, 1).number is None


def test_calling_a_later_ticket_with_a_reason_is_recorded_out_of_order(office: LocalOffice) -> None:
    issue_many(office, 3)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("down", "down", "c")
        await until(pilot, lambda: isinstance(pilot.app.screen, OutOfOrderDialog))
        await pilot.press("down", "down", "enter")  # nothing chosen at first; the second reason
        await until(pilot, lambda: at_counter(office, 1).number == "A003")
        await until(pilot, lambda: message(pilot) != "")
        assert message(pilot) == "เรียกคิว A003 แล้ว (ข้ามคิว: มีนัดหมายล่วงหน้า)"

    run(make_counter_app(office, 1), scenario)
    (called,) = calls(office)
    assert called.body["number"] == "A003"
    assert called.body["in_order"] is False
    assert called.body["reason"] == "appointment"


def test_the_next_ticket_in_order_is_called_with_c_without_a_reason(office: LocalOffice) -> None:
    issue_many(office, 2)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("c")
        await until(pilot, lambda: at_counter(office, 1).number == "A001")
        assert isinstance(pilot.app.screen, CounterConsoleScreen)

    run(make_counter_app(office, 1), scenario)
    assert [(e.body["in_order"], e.body["reason"]) for e in calls(office)] == [(True, None)]


def test_a_typed_number_is_called_and_a_bad_one_is_explained(office: LocalOffice) -> None:
    issue_many(office, 2)

    async def scenario(pilot: Pilot[Any]) -> None:
        field = console(pilot).query_one("#number-input", Input)
        field.focus()
        await pilot.press(*"99", "enter")
        assert message(pilot) == "'99' ไม่ใช่หมายเลขคิว (ตัวอย่าง: A005)"
        field.value = ""
        await pilot.press(*"b7", "enter")  # no such ticket: the office says so, no reason is asked
        await until(pilot, lambda: message(pilot) == "คิว B007 ไม่ได้รออยู่")
        await pilot.press(*"a1", "enter")
        await until(pilot, lambda: at_counter(office, 1).number == "A001")

    run(make_counter_app(office, 1), scenario)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("A005", "A005"),
        ("a5", "A005"),
        (" b 12 ", "B012"),
        ("A๐๐๗", "A007"),
        ("ฟจจถ", "A005"),  # a005 typed with the Thai layout on
        ("ฤจจถ", "A005"),  # A005 typed with the Thai layout on
        ("ฏ12", "D012"),  # shift-d, then the number pad
        ("5", None),
        ("AB1", None),
        ("A1234", None),
    ],
)
def test_ticket_numbers_are_read_the_way_clerks_type_them(typed: str, number: str | None) -> None:
    assert parse_ticket_number(typed) == number


def test_a_second_pin_is_asked_and_a_wrong_one_calls_nothing(tmp_path: Path, clock: Clock) -> None:
    settings = default_settings().model_copy(update={"second_pin_for_out_of_order": True})
    office = LocalOffice(tmp_path, settings, clock=clock)
    issue_many(office, 2)

    async def scenario(pilot: Pilot[Any]) -> None:
        for pin in ("0000", "2568"):
            await pilot.press("down", "c")
            await until(pilot, lambda: isinstance(pilot.app.screen, OutOfOrderDialog))
            await pilot.press("down", "enter", *pin, "enter")  # the first reason, then the PIN
            await until(pilot, lambda: message(pilot) != "")
            if pin == "0000":
                assert message(pilot) == "การเรียกข้ามคิวต้องใช้ PIN ของเจ้าหน้าที่อีกคน"
                assert calls(office) == []
        await until(pilot, lambda: at_counter(office, 1).number == "A002")

    try:
        run(make_counter_app(office, 1), scenario)
        (called,) = calls(office)
        assert (called.body["in_order"], called.body["reason"], called.body["approved"]) == (
            False,
            "emergency",
            "pin",
        )
    finally:
        office.close()


def test_an_empty_pin_keeps_the_dialog_open_with_a_hint(tmp_path: Path, clock: Clock) -> None:
    settings = default_settings().model_copy(update={"second_pin_for_out_of_order": True})
    office = LocalOffice(tmp_path, settings, clock=clock)
    issue_many(office, 2)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("down", "c")
        await until(pilot, lambda: isinstance(pilot.app.screen, OutOfOrderDialog))
        await pilot.press("down", "enter", "enter")  # a reason, and no PIN
        dialog = pilot.app.screen
        assert isinstance(dialog, OutOfOrderDialog)
        assert str(dialog.query_one("#ooo-hint", Static).content) == "กรุณาใส่ PIN ของเจ้าหน้าที่อีกคน"
        await pilot.press("escape")
        await until(pilot, lambda: message(pilot) == "ยกเลิกแล้ว ไม่ได้เรียกคิว")

    try:
        run(make_counter_app(office, 1), scenario)
        assert calls(office) == []
    finally:
        office.close()


def test_x_marks_a_no_show_after_a_recall_and_two_minutes_with_a_confirmation(
    office: LocalOffice, clock: Clock
) -> None:
    issue(office)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: at_counter(office, 1).number == "A001")
        await pilot.press("r")
        await until(pilot, lambda: message(pilot) == "เรียกซ้ำ A001 แล้ว")
        clock.advance(2)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog))
        assert "บันทึกว่าคิว A001 ไม่มาตามเรียก?" in str(
            pilot.app.screen.query_one("#confirm-question", Static).content
        )
        await pilot.press("y")
        await until(pilot, lambda: at_counter(office, 1).number is None)
        await until(pilot, lambda: message(pilot).startswith("บันทึก A001 ไม่มาตามเรียกแล้ว"))
        assert "กด u" in message(pilot)

    run(make_counter_app(office, 1), scenario)
    assert [e.kind for e in office.log.read()][-1] == "ticket.no_show"


def test_a_no_show_seconds_after_the_call_is_refused_with_the_time_left(
    office: LocalOffice, clock: Clock
) -> None:
    issue(office)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: at_counter(office, 1).number == "A001")
        await pilot.press("x", "y")  # at once, no recall
        await until(pilot, lambda: "เรียกซ้ำ" in message(pilot))
        assert message(pilot).startswith("ยังบันทึกไม่มาตามเรียกไม่ได้")
        await pilot.press("r")
        await until(pilot, lambda: message(pilot) == "เรียกซ้ำ A001 แล้ว")
        clock.advance(0.5)
        await pilot.press("x", "y")
        await until(pilot, lambda: "รออีก 1 นาที 30 วินาที" in message(pilot))
        await pilot.press("l")
        assert "wait 1 min 30 s more" in message(pilot)

    run(make_counter_app(office, 1), scenario)
    assert "ticket.no_show" not in [e.kind for e in office.log.read()]
    assert at_counter(office, 1).number == "A001"


def test_cancelling_the_no_show_confirmation_records_nothing(office: LocalOffice) -> None:
    issue(office)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: at_counter(office, 1).number == "A001")
        await pilot.press("x")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog))
        await pilot.press("enter")  # "no" has the focus
        await until(pilot, lambda: isinstance(pilot.app.screen, CounterConsoleScreen))
        assert message(pilot) == "ยกเลิกแล้ว ไม่ได้บันทึกไม่มาตามเรียก"

    run(make_counter_app(office, 1), scenario)
    assert [e.kind for e in office.log.read()][-1] == "ticket.called"


def test_u_puts_a_mistaken_no_show_back_in_its_old_place(office: LocalOffice, clock: Clock) -> None:
    issue_many(office, 3)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("u")
        await until(pilot, lambda: message(pilot) == "ไม่มีคิวที่เพิ่งบันทึกว่าไม่มาตามเรียกที่ช่องนี้")
        await pilot.press("n")
        await until(pilot, lambda: at_counter(office, 1).number == "A001")
        await pilot.press("r")
        await until(pilot, lambda: message(pilot) == "เรียกซ้ำ A001 แล้ว")
        clock.advance(3)
        await pilot.press("x", "y")
        await until(pilot, lambda: at_counter(office, 1).number is None)
        await until(pilot, lambda: console(pilot).query_one(WaitingList).row_count == 2)
        await pilot.press("thai_character_sara_ii")  # u with the Thai layout on
        await until(pilot, lambda: message(pilot) == "คืน A001 เข้าคิวที่เดิมแล้ว")
        await until(pilot, lambda: console(pilot).query_one(WaitingList).row_count == 3)
        assert console(pilot).query_one(WaitingList).selected_number is not None

    run(make_counter_app(office, 1), scenario)
    assert [e.kind for e in office.log.read()][-1] == "ticket.no_show_undone"
    assert office.snapshot().waiting["registration"][0] == ("A001", None)


def test_the_out_of_order_dialog_opens_with_no_reason_and_calls_nothing_without_one(
    office: LocalOffice,
) -> None:
    issue_many(office, 3)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("down", "down", "c")
        await until(pilot, lambda: isinstance(pilot.app.screen, OutOfOrderDialog))
        dialog = pilot.app.screen
        await pilot.pause()
        assert dialog.query_one(OptionList).highlighted is None
        confirm = dialog.query_one("#ooo-confirm", Button)
        assert confirm.disabled
        await pilot.click("#ooo-confirm")
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is dialog
        await pilot.press("down")  # the clerk picks the first reason
        await until(pilot, lambda: not confirm.disabled)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, CounterConsoleScreen))

    run(make_counter_app(office, 1), scenario)
    assert calls(office) == []


def test_a_counter_over_the_lan_shows_the_waited_minutes(office: LocalOffice, clock: Clock) -> None:
    issue(office)
    clock.advance(7)
    issue(office)
    clock.advance(5)
    view = office.snapshot()

    class OverTheLan:
        """Only what crosses the wire: the view, no folded state."""

        settings = office.settings

        def snapshot(self) -> OfficeView:
            return view

        def wait_for_change(self, version: int, timeout: float) -> OfficeView:
            import time

            time.sleep(min(timeout, 0.05))
            return view

    async def scenario(pilot: Pilot[Any]) -> None:
        table = console(pilot).query_one(WaitingList)
        await until(pilot, lambda: table.row_count == 2)
        assert [str(table.get_row_at(i)[3]) for i in range(2)] == ["12", "5"]

    run(CounterApp(OverTheLan(), 1, clock=clock), scenario)  # type: ignore[arg-type]


def test_t_transfers_the_ticket_to_the_tax_queue_of_counter_3(office: LocalOffice) -> None:
    issue(office)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: console(pilot).query_one("#current-number", Digits).value == "A001")
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, TransferDialog))
        options = pilot.app.screen.query_one(OptionList)
        offered = [str(options.get_option_at_index(i).id) for i in range(options.option_count)]
        assert offered == ["tax", "permits", "info", "complaints"]
        await pilot.press("enter")  # the first: tax
        await until(pilot, lambda: at_counter(office, 1).number is None)
        await until(pilot, lambda: message(pilot) == "โอน A001 ไป ชำระภาษี/ค่าธรรมเนียม แล้ว")

    run(make_counter_app(office, 1), scenario)
    view = office.snapshot()
    assert view.waiting["tax"] == (("A001", None),)
    assert view.next_by_counter[3] == "A001"


def test_an_office_refusal_reads_in_thai_and_in_english_after_l(office: LocalOffice) -> None:
    issue_many(office, 2)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: at_counter(office, 1).number == "A001")
        await pilot.press("n")
        await until(pilot, lambda: "ยังค้างอยู่" in message(pilot))
        assert message(pilot) == ("คิว A001 ยังค้างอยู่ กด เสร็จสิ้น / ไม่มาตามเรียก / โอน ก่อนเรียกคิวใหม่")
        assert console(pilot).query_one("#message").has_class("-error")
        await pilot.press("l")
        assert message(pilot).startswith("ticket A001 is still open")
        assert str(console(pilot).query_one("#next-in-order", Static).content) == "Next in order: A002"

    run(make_counter_app(office, 1), scenario)
    assert [e.body["number"] for e in calls(office)] == ["A001"]


def test_the_view_follows_tickets_issued_by_another_terminal(office: LocalOffice) -> None:
    async def scenario(pilot: Pilot[Any]) -> None:
        rows = console(pilot).query_one(WaitingList)
        assert rows.row_count == 0
        issue(office)  # the kiosk, directly on the office
        await until(pilot, lambda: rows.row_count == 1)
        assert rows.get_row_at(0)[1] == "A001"
        next_line = console(pilot).query_one("#next-in-order", Static)
        assert str(next_line.content) == "คิวถัดไปตามลำดับ: A001"

    run(make_counter_app(office, 1), scenario)


def test_a_counter_serving_two_services_lists_them_in_the_order_they_came(office: LocalOffice) -> None:
    for service in ("permits", "tax", "permits"):
        issue(office, service)

    async def scenario(pilot: Pilot[Any]) -> None:
        rows = console(pilot).query_one(WaitingList)
        assert [rows.get_row_at(i)[1] for i in range(rows.row_count)] == ["C001", "B001", "C002"]

    run(make_counter_app(office, 3), scenario)


class FullDiskOffice(LocalOffice):
    def call_next(self, counter: int) -> Ticket | None:
        raise OSError(28, "No space left on device")


class OfflineOffice(LocalOffice):
    def snapshot(self) -> OfficeView:
        raise OfficeError("offline", "เชื่อมต่อเครื่องแม่ข่ายของสำนักงานไม่ได้", "cannot reach the office server")


def test_a_full_disk_is_said_plainly_not_as_a_traceback(tmp_path: Path, clock: Clock) -> None:
    office = FullDiskOffice(tmp_path, default_settings(), clock=clock)
    issue(office)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: message(pilot) != "")
        assert message(pilot) == "บันทึกไม่สำเร็จ: [Errno 28] No space left on device"
        assert pilot.app.is_running

    try:
        run(make_counter_app(office, 1), scenario)
    finally:
        office.close()


def test_an_unreachable_office_is_said_and_retried(tmp_path: Path, clock: Clock) -> None:
    office = OfflineOffice(tmp_path, default_settings(), clock=clock)

    async def scenario(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: message(pilot) != "")
        assert message(pilot) == "เชื่อมต่อเครื่องแม่ข่ายของสำนักงานไม่ได้ (กำลังลองใหม่…)"
        assert console(pilot).view is None

    async def main() -> None:
        async with make_counter_app(office, 1).run_test(size=SIZE) as pilot:
            await scenario(pilot)

    try:
        asyncio.run(main())
    finally:
        office.close()


def test_an_unknown_counter_is_refused_in_both_languages(office: LocalOffice) -> None:
    with pytest.raises(ValueError, match=r"ไม่มีช่องบริการที่ 9 .* there is no counter 9"):
        make_counter_app(office, 9)


def test_snapshot_counter_console_with_waiting_and_called(
    office: LocalOffice, clock: Clock, snap_compare: Any
) -> None:
    for service, priority, minutes in [
        ("registration", None, 0),
        ("registration", None, 3),
        ("registration", "elderly", 4),
        ("registration", None, 6),
        ("registration", "disabled", 9),
        ("tax", None, 2),
    ]:
        clock.advance(minutes)
        issue(office, service, priority)
    clock.advance(2)
    office.call_next(1)  # A001, at 09:26
    clock.advance(4)  # the screen is looked at 09:30

    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)

    assert snap_compare(make_counter_app(office, 1, clock=clock), terminal_size=SIZE, run_before=run_before)


def test_the_no_show_is_confirmed_with_the_thai_layout_on_too(office: LocalOffice, clock: Clock) -> None:
    """The keys the clerk presses for x, r and y are ป, พ and ั while the Thai layout is on."""
    issue(office)

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        await until(pilot, lambda: at_counter(office, 1).number == "A001")
        await pilot.press("พ")
        await until(pilot, lambda: message(pilot) == "เรียกซ้ำ A001 แล้ว")
        clock.advance(2)
        await pilot.press("ป")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog))
        await pilot.press("ั")
        await until(pilot, lambda: at_counter(office, 1).number is None)

    run(make_counter_app(office, 1), scenario)
    assert [e.kind for e in office.log.read()][-1] == "ticket.no_show"
