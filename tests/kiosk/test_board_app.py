"""The display board as the waiting room sees it: a call shows within a second, highlighted; the
waiting counts and the last calls follow the office; the priority rule is always on screen."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Digits, Label, Static

from kiosk.apps.board_app import BoardApp, make_board_app
from kiosk.office.service import LocalOffice
from kiosk.screens.board import BoardScreen
from kiosk.screens.chime import Chime
from surveys.content.thaidate import now_bangkok
from surveys.counter.settings import default_settings
from surveys.log.event import BANGKOK
from tests.support.office import Clock, issue
from tests.support.pilot import until

SIZE = (100, 34)
START = datetime(2025, 1, 15, 9, 0, tzinfo=BANGKOK)  # 15 มกราคม 2568


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], clock: Clock) -> LocalOffice:
    return make_office(clock=clock)


def quiet_board(office: LocalOffice, clock: Callable[[], datetime] | None = None) -> BoardApp:
    """The board with a chime that plays nothing (tests/kiosk/test_chime.py listens to it)."""
    silent = Chime(Path(tempfile.mkdtemp()) / "chime.wav", player=lambda _path: None)
    return make_board_app(office, clock=clock or now_bangkok, chime=silent)


def board(pilot: Pilot[Any]) -> BoardScreen:
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def text(pilot: Pilot[Any], selector: str) -> str:
    return str(board(pilot).query_one(selector, Static).content)


def shown(pilot: Pilot[Any], counter: int) -> str:
    return board(pilot).query_one(f"#number-{counter}", Digits).value


async def loaded(pilot: Pilot[Any]) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, BoardScreen) and board(pilot).view is not None)
    await pilot.pause()


def run(app: BoardApp, scenario: Callable[[Pilot[Any]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await scenario(pilot)

    asyncio.run(main())


def test_a_call_shows_on_the_board_within_a_second_highlighted(office: LocalOffice) -> None:
    issue(office)

    async def scenario(pilot: Pilot[Any]) -> None:
        assert shown(pilot, 1) == ""
        assert text(pilot, "#recent-0") == "ยังไม่มีการเรียกคิววันนี้"
        office.call_next(1)  # a counter console, directly on the office
        await until(pilot, lambda: shown(pilot, 1) == "A001")
        assert board(pilot).query_one("#row-1").has_class("-fresh")
        assert not board(pilot).query_one("#row-2").has_class("-fresh")
        assert text(pilot, "#recent-0") == "A001 → ช่อง 1"

    run(quiet_board(office), scenario)


def test_a_recall_is_marked_and_highlighted_again(office: LocalOffice) -> None:
    issue(office)
    office.call_next(1)

    async def scenario(pilot: Pilot[Any]) -> None:
        assert shown(pilot, 1) == "A001"
        assert not board(pilot).query_one("#row-1").has_class("-fresh")  # called before the board started
        office.recall(1)
        await until(pilot, lambda: text(pilot, "#recent-0") == "A001 → ช่อง 1  (เรียกซ้ำ)")
        assert board(pilot).query_one("#row-1").has_class("-fresh")
        assert text(pilot, "#recent-1") == "A001 → ช่อง 1"

    run(quiet_board(office), scenario)


def test_waiting_counts_follow_the_queue(office: LocalOffice) -> None:
    issue(office)

    async def scenario(pilot: Pilot[Any]) -> None:
        assert text(pilot, "#waiting-count-registration") == "1 คิว"
        assert text(pilot, "#waiting-count-tax") == "0 คิว"
        for _ in range(2):
            issue(office, "tax")
        await until(pilot, lambda: text(pilot, "#waiting-count-tax") == "2 คิว")
        office.call_next(1)
        await until(pilot, lambda: text(pilot, "#waiting-count-registration") == "0 คิว")

    run(quiet_board(office), scenario)


def test_l_switches_the_board_to_english_and_back(office: LocalOffice) -> None:
    rule_th = default_settings().priority.text("th")

    async def scenario(pilot: Pilot[Any]) -> None:
        assert text(pilot, "#priority-rule") == "★ " + rule_th
        assert str(board(pilot).query_one("#serving-label", Label).content) == "กำลังให้บริการ"
        assert text(pilot, "#board-clock") == "15 มกราคม 2568  09:00 น."
        await pilot.press("l")
        assert str(board(pilot).query_one("#serving-label", Label).content) == "Now serving"
        assert text(pilot, "#board-clock") == "15 January 2025  09:00"
        assert text(pilot, "#counter-name-3") == "Counter 3"
        await pilot.press("l")
        assert text(pilot, "#counter-name-3") == "ช่องบริการ 3"

    run(quiet_board(office, clock=Clock()), scenario)


def test_q_quits_the_board(office: LocalOffice) -> None:
    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running

    run(quiet_board(office), scenario)


def test_snapshot_board_with_two_counters_serving(
    office: LocalOffice, clock: Clock, snap_compare: Any
) -> None:
    for service in ("registration", "registration", "registration", "tax", "permits", "info"):
        issue(office, service)
        clock.advance(2)
    office.call_next(1)  # A001
    office.call_next(3)  # B001
    office.start(1)
    office.finish(1)
    office.call_next(1)  # A002
    office.recall(1)
    clock.advance(5)

    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)

    assert snap_compare(quiet_board(office, clock=clock), terminal_size=SIZE, run_before=run_before)
