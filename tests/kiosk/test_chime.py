"""The board's chime: a real two-tone WAV, played once per call by the system's player in a worker;
a setting turns it off; with no sound device staff are told once and the board goes on."""

from __future__ import annotations

import asyncio
import itertools
import sys
import wave
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from kiosk.apps.board_app import BoardApp, make_board_app
from kiosk.office.service import LocalOffice
from kiosk.screens.board import BoardScreen
from kiosk.screens.chime import (
    RATE,
    TONES,
    Chime,
    ChimeUnavailable,
    find_player,
    play_with,
    system_player,
    write_chime,
)
from surveys.counter.settings import default_settings
from surveys.log.event import BANGKOK
from tests.support.office import issue
from tests.support.pilot import until

SIZE = (100, 34)
NOW = datetime(2025, 1, 15, 9, 0, tzinfo=BANGKOK)


class Player:
    """Stands in for aplay & co.: records each file it is asked to play (or fails like a PC with no
    sound card)."""

    def __init__(self, fails: bool = False) -> None:
        self.played: list[Path] = []
        self.fails = fails

    def __call__(self, path: Path) -> None:
        self.played.append(path)
        if self.fails:
            raise ChimeUnavailable("ไม่พบอุปกรณ์เสียง", "no sound device")


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], tmp_path: Path) -> LocalOffice:
    return make_office(tmp_path / "home")


def run(app: BoardApp, scenario: Callable[[Pilot[Any]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.view is not None)
            await scenario(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot[Any]) -> None:
    """Let the board take in what the office did, and any chime worker finish."""
    await pilot.pause(0.3)
    await until(pilot, lambda: not any(w.group == "chime" and not w.is_finished for w in pilot.app.workers))


# -- the sound --------------------------------------------------------------------------------------


def test_the_chime_is_a_real_two_tone_wav(tmp_path: Path) -> None:
    path = write_chime(tmp_path / "chime.wav")
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        frames = wav.readframes(wav.getnframes())
        assert wav.getnframes() == sum(int(RATE * seconds) for _, seconds in TONES)
    samples = memoryview(frames).cast("h")
    assert max(abs(s) for s in samples) > 10_000  # loud enough to hear

    def crossings(part: memoryview) -> float:
        return sum(1 for a, b in itertools.pairwise(part) if a < 0 <= b) / (len(part) / RATE)

    first = int(RATE * TONES[0][1])
    high, low = crossings(samples[:first]), crossings(samples[first:])
    assert high == pytest.approx(TONES[0][0], rel=0.05)  # ding …
    assert low == pytest.approx(TONES[1][0], rel=0.05)  # … dong


def test_the_wav_is_written_once_and_kept(tmp_path: Path) -> None:
    player = Player()
    chime = Chime(tmp_path / "cache" / "chime.wav", player)
    chime.play()
    written = chime.path.stat().st_mtime_ns
    chime.play()
    assert player.played == [chime.path, chime.path]
    assert chime.path.stat().st_mtime_ns == written


def test_the_first_player_on_path_is_used() -> None:
    on_path = {"aplay": "/usr/bin/aplay", "afplay": "/usr/bin/afplay"}
    assert find_player(on_path.get) == ["/usr/bin/aplay", "-q"]
    assert find_player({}.get) is None


def test_no_player_on_the_machine_is_said_in_thai_and_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if sys.platform == "win32":
        pytest.skip("Windows plays through winsound")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ChimeUnavailable) as raised:
        system_player()(write_chime(tmp_path / "chime.wav"))
    assert "ไม่มีโปรแกรมเล่นเสียง" in raised.value.th
    assert "no sound player" in raised.value.en


def test_a_player_that_finds_no_sound_device_is_reported(tmp_path: Path) -> None:
    aplay_without_a_card = [
        sys.executable,
        "-c",
        "import sys; sys.stderr.write('aplay: main:831: audio open error: No such file or directory\\n');"
        " sys.exit(1)",
    ]
    with pytest.raises(ChimeUnavailable) as raised:
        play_with(aplay_without_a_card, write_chime(tmp_path / "chime.wav"))
    assert "audio open error" in raised.value.en
    assert "ไม่พบอุปกรณ์เสียง" in raised.value.th


# -- on the board -----------------------------------------------------------------------------------


def test_each_call_chimes_once_and_refreshes_do_not(office: LocalOffice, tmp_path: Path) -> None:
    for _ in range(3):
        issue(office)
    issue(office, "tax")
    office.call_next(1)  # before the board started: no chime
    player = Player()
    app = make_board_app(office, clock=lambda: NOW, chime=Chime(tmp_path / "chime.wav", player))

    async def scenario(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        assert player.played == []
        office.call_next(2)
        await until(pilot, lambda: len(player.played) == 1)
        issue(office)  # the waiting counts change: a refresh, not a call
        office.start(2)
        await settle(pilot)
        assert len(player.played) == 1
        office.recall(1)  # a recall is a call too
        await until(pilot, lambda: len(player.played) == 2)
        await settle(pilot)
        assert len(player.played) == 2

    run(app, scenario)


def test_the_chime_can_be_turned_off_in_the_settings(tmp_path: Path) -> None:
    office = LocalOffice(tmp_path / "home", default_settings().model_copy(update={"board_chime": False}))
    issue(office)
    player = Player()
    app = make_board_app(office, clock=lambda: NOW, chime=Chime(tmp_path / "chime.wav", player))
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]

    async def scenario(pilot: Pilot[Any]) -> None:
        office.call_next(1)
        await until(pilot, lambda: app.screen.query_one("#row-1").has_class("-fresh"))
        await settle(pilot)

    try:
        run(app, scenario)
    finally:
        office.close()
    assert player.played == []
    assert bells == []


def test_no_sound_device_is_told_to_staff_once_and_the_board_goes_on(
    office: LocalOffice, tmp_path: Path
) -> None:
    for _ in range(3):
        issue(office)
    player = Player(fails=True)
    app = make_board_app(office, clock=lambda: NOW, chime=Chime(tmp_path / "chime.wav", player))
    told: list[str] = []
    app.notify = lambda message, **_: told.append(str(message))  # type: ignore[method-assign, assignment]

    async def scenario(pilot: Pilot[Any]) -> None:
        office.call_next(1)
        await until(pilot, lambda: len(player.played) == 1)
        office.call_next(2)
        await until(pilot, lambda: len(player.played) == 2)
        await settle(pilot)
        assert app.screen.query_one("#row-2").has_class("-fresh")  # the board still shows calls

    run(app, scenario)
    assert len(told) == 1
    assert "ไม่พบอุปกรณ์เสียง" in told[0] and "no sound device" in told[0]
