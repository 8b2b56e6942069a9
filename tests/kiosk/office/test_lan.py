"""The office over the LAN: the JSON API, the key, RemoteOffice, long polls, an unreachable server.

Most tests run the app in-process (an httpx transport onto an event loop in a thread); those named
``..._over_loopback`` talk to a real uvicorn process on 127.0.0.1, as a counter would.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import given
from hypothesis import strategies as st

from kiosk.office import wire
from kiosk.office.client import OfficeUnreachable, RemoteOffice
from kiosk.office.key import KEY_FILE, office_key
from kiosk.office.server import make_office_app
from kiosk.office.service import LocalOffice, OfficeError, OfficeView, RatingRefused, RatingSession
from surveys.counter.queue import Ticket
from surveys.counter.settings import default_settings, hash_pin
from surveys.log.chain import verify_log
from surveys.log.device import load_device
from surveys.log.home import log_dir
from sync.terminals import add_terminal
from tests.support.office import AppTransport, issue
from tests.support.servers import start, stop

TERMINAL = Path(__file__).with_name("office_terminal.py")
ANSWERS = {"overall": 5, "staff": 4}


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], tmp_path: Path) -> LocalOffice:
    return make_office(tmp_path / "office", min_answer_ms=0)


@pytest.fixture
def transport(office: LocalOffice, portal: BlockingPortal) -> AppTransport:
    return AppTransport(make_office_app(office, office_key(office.home)), portal)


@pytest.fixture
def remote(office: LocalOffice, transport: AppTransport) -> Iterator[RemoteOffice]:
    with RemoteOffice("http://office", office_key(office.home), transport=transport) as remote:
        yield remote


# -- the key ---------------------------------------------------------------------------------------


def test_the_office_key_is_made_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    key = office_key(tmp_path)
    assert len(key) >= 32 and office_key(tmp_path) == key
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]  # no temp file left behind


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-key"}, {"Authorization": "Basic b2ZmaWNlOmtleQ=="}],
    ids=["none", "wrong", "basic"],
)
def test_a_request_without_the_office_key_is_refused_and_changes_nothing(
    office: LocalOffice, transport: AppTransport, headers: dict[str, str]
) -> None:
    before = office.snapshot().version
    with httpx.Client(base_url="http://office", transport=transport, headers=headers) as client:
        for path in ("/reserve", "/call-next"):
            response = client.post(path, json={"service": "tax", "counter": 3})
            assert response.status_code == 401
            assert response.json()["error"] == "unauthorized"
            assert "terminals add" in response.json()["en"] and "terminals add" in response.json()["th"]
            assert "office.key" in response.json()["en"] and "กุญแจ" in response.json()["th"]
        assert client.get("/snapshot").status_code == 401
        assert client.get("/wait", params={"version": 0, "timeout": 0}).status_code == 401
    assert office.snapshot().version == before


# -- requests and errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/reserve", {}, "service"),
        ("/reserve", {"service": 7}, "service"),
        ("/confirm", {"ticket_id": "x"}, "printer"),
        ("/call-next", {"counter": "1"}, "counter"),
        ("/call-next", {"counter": True}, "counter"),
        ("/call-ticket", {"counter": 1}, "number"),
        ("/transfer", {"counter": 1}, "to_service"),
        ("/rating/open", {"code": "1001"}, "typed"),
        ("/rating/submit", {"answers": {}, "elapsed_ms": 9}, "session"),
        ("/rating/submit", {"session": {"ticket": "t"}, "answers": {}, "elapsed_ms": 9}, "session.number"),
        ("/call-next", [1], "body"),
    ],
)
def test_a_bad_request_is_refused_naming_the_field(
    transport: AppTransport, office: LocalOffice, path: str, body: Any, field: str
) -> None:
    key = office_key(office.home)
    with httpx.Client(
        base_url="http://o", transport=transport, headers={"Authorization": f"Bearer {key}"}
    ) as c:
        response = c.post(path, json=body)
        assert response.status_code == 400, response.text
        assert response.json()["field"] == field
        assert field in response.json()["en"] and field in response.json()["th"]
        assert c.post(path, content=b"{not json").json()["field"] == "body"
        assert c.get("/wait", params={"version": "x"}).json()["field"] == "version"


def test_a_body_that_is_no_json_object_says_so(transport: AppTransport, office: LocalOffice) -> None:
    headers = {"Authorization": f"Bearer {office_key(office.home)}"}
    with httpx.Client(base_url="http://o", transport=transport, headers=headers) as c:
        reply = c.post("/reserve", json=["tax"]).json()
    assert (reply["field"], reply["en"]) == ("body", "body: expected a JSON object")


def test_every_post_endpoint_reads_its_body_through_a_model(office: LocalOffice) -> None:
    app = make_office_app(office, office_key(office.home))
    posts = {route.path for route in app.routes if "POST" in (getattr(route, "methods", None) or ())}
    assert posts == set(wire.REQUESTS)


def test_the_office_refusals_come_back_with_their_code_and_both_texts(
    office: LocalOffice, remote: RemoteOffice
) -> None:
    def refusal(call: Callable[[Any], object], on: LocalOffice | RemoteOffice) -> OfficeError:
        with pytest.raises(OfficeError) as caught:
            call(on)
        return caught.value

    issue(office, "tax")
    issue(office, "tax")
    calls: list[Callable[[Any], object]] = [
        lambda o: o.call_ticket(3, "B002", None),  # out of order without a reason
        lambda o: o.call_ticket(3, "Z999", "appointment"),
        lambda o: o.reserve_ticket("bakery"),
        lambda o: o.finish(2),
        lambda o: o.transfer(9, "tax"),
    ]
    for call in calls:
        local, far = refusal(call, office), refusal(call, remote)
        assert (far.code, far.th, far.en) == (local.code, local.th, local.en)
        assert type(far) is OfficeError
    bad = refusal(lambda o: o.open_rating("1234"), remote)
    assert isinstance(bad, RatingRefused) and bad.code == "bad_code" and "รหัส" in bad.th


def test_every_office_method_round_trips_through_remote_office(
    office: LocalOffice, remote: RemoteOffice
) -> None:
    assert remote.settings == office.settings
    reservation = remote.reserve_ticket("registration", "elderly")
    assert (reservation.number, reservation.priority) == ("A001", "elderly")
    remote.ticket_print_failed(reservation.ticket, "paper out", "test")
    remote.ticket_reprinted(reservation.ticket, "test")
    assert remote.confirm_ticket(reservation.ticket, "test") == office.state.tickets[reservation.ticket]
    assert (
        remote.ticket_code(reservation.ticket) == reservation.code == office.ticket_code(reservation.ticket)
    )
    issue(remote, "registration")
    third = issue(remote, "registration").number
    assert remote.snapshot() == office.snapshot()

    called = remote.call_ticket(1, third, "appointment")  # A002 was next
    assert (called.number, called.status, called.counter) == (third, "called", 1)
    assert office.log.read(office.log.head[0]).__next__().body["in_order"] is False
    assert remote.recall(1).number == third
    assert remote.transfer(1, "tax").service == "tax"
    assert remote.call_next(3) is not None
    with pytest.raises(OfficeError) as too_soon:
        remote.no_show(3)  # no recall yet, seconds after the call
    assert too_soon.value.code == "no_show_too_soon" and "เรียกซ้ำ" in too_soon.value.th
    office.settings = office.settings.model_copy(update={"no_show_recalls": 0, "no_show_wait_seconds": 0})
    assert remote.no_show(3).status == "no_show"
    assert remote.undo_no_show(3, third).status == "waiting"
    assert remote.call_next(3) is not None and remote.no_show(3).status == "no_show"
    assert remote.call_next(3) is None

    assert remote.call_next(2) == office.state.tickets[reservation.ticket]  # two normal calls: A001's turn
    assert remote.start(2).status == "serving"
    assert remote.finish(2).status == "done"
    session = remote.open_rating(reservation.code)
    assert session.ticket == reservation.ticket and session.instrument == "service-satisfaction"
    remote.submit_rating(session, ANSWERS, 1500)
    assert office.state.tickets[reservation.ticket].rated
    with pytest.raises(RatingRefused) as again:
        remote.open_rating(reservation.code)
    assert again.value.code == "already_rated" and "ประเมินแล้ว" in again.value.th
    assert remote.wait_for_change(0, 1.0) == office.snapshot()


def test_only_a_rating_session_the_server_opened_can_be_submitted(
    office: LocalOffice, remote: RemoteOffice
) -> None:
    reservation = office.reserve_ticket("info")
    office.confirm_ticket(reservation.ticket, "test")  # issued but never served
    forged = RatingSession(reservation.ticket, reservation.number, "info", "service-satisfaction", "now")
    with pytest.raises(RatingRefused) as refused:
        remote.submit_rating(forged, ANSWERS, 1500)
    assert refused.value.code == "unknown_session"
    assert not office.state.tickets[reservation.ticket].rated

    office.call_next(4)
    office.start(4)
    office.finish(4)
    first, second = remote.open_rating(reservation.code), remote.open_rating(reservation.code)  # two tablets
    with pytest.raises(OfficeError) as floats:
        remote.submit_rating(first, {"overall": 4.5}, 1500)
    assert floats.value.code == "bad_request" and "answers" in floats.value.en
    remote.submit_rating(first, ANSWERS, 1500)
    with pytest.raises(RatingRefused) as twice:
        remote.submit_rating(second, ANSWERS, 1500)
    assert twice.value.code == "already_rated"
    assert [e.body["reason"] for e in office.log.read() if e.kind == "rating.refused"] == ["already_rated"]


def test_terminals_never_get_the_staff_pin_hash_and_ask_the_office_instead(tmp_path: Path) -> None:
    settings = default_settings().model_copy(update={"staff_pin": hash_pin("4321")})
    office = LocalOffice(tmp_path, settings)
    try:
        with start_blocking_portal() as portal:
            app = make_office_app(office, office_key(tmp_path))
            remote = RemoteOffice("http://office", office_key(tmp_path), transport=AppTransport(app, portal))
            assert remote.settings.staff_pin != settings.staff_pin
            assert not remote.settings.pin_ok("4321") and not remote.settings.pin_ok("2568")
            assert remote.settings.model_copy(update={"staff_pin": settings.staff_pin}) == settings
            # A terminal (the kiosk's PIN exit) asks the office instead:
            assert remote.check_pin("4321") and not remote.check_pin("2568")
            remote.close()
    finally:
        office.close()


def test_a_long_poll_returns_as_soon_as_another_terminal_calls(
    office: LocalOffice, remote: RemoteOffice
) -> None:
    issue(office)
    version = remote.snapshot().version
    assert remote.wait_for_change(version, 0.3).version == version  # nothing happened: the timeout
    got: list[OfficeView] = []
    board = threading.Thread(target=lambda: got.append(remote.wait_for_change(version, 10)))
    board.start()
    time.sleep(0.2)
    office.call_next(1)
    board.join(5)
    assert got and got[0].version > version and got[0].counters[0].number == "A001"


# -- the wire format -------------------------------------------------------------------------------

tickets = st.builds(Ticket, counter=st.none() | st.integers(1, 99))
views = st.builds(
    OfficeView,
    waiting=st.dictionaries(st.text(), st.lists(st.tuples(st.text(), st.none() | st.text())).map(tuple)),
    next_by_counter=st.dictionaries(st.integers(-5, 99), st.none() | st.text()),
)


@given(st.one_of(tickets, views))
def test_office_values_survive_json(value: Ticket | OfficeView) -> None:
    if isinstance(value, OfficeView):
        assert wire.decode_view(json.loads(json.dumps(wire.encode_view(value)))) == value
    else:
        assert wire.decode_flat(Ticket, json.loads(json.dumps(wire.encode_flat(value)))) == value


def test_every_field_of_the_office_values_has_a_json_encoding() -> None:
    fields = {f.name for f in dataclasses.fields(OfficeView)}
    example = OfficeView(1, "2025-01-15", {}, (), (), 0, 0, {})
    assert set(wire.encode_view(example)) == fields


# -- lost replies and retries (a fake network) -----------------------------------------------------


def flaky(fail: type[httpx.TransportError], counted: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        counted.append(request.url.path)
        raise fail("the line went dead", request=request)

    return httpx.MockTransport(handle)


@pytest.mark.parametrize("fail", [httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout])
def test_a_call_that_appends_is_never_sent_twice_after_a_lost_reply(fail: type[httpx.TransportError]) -> None:
    sent: list[str] = []
    office = RemoteOffice("http://office", "k", transport=flaky(fail, sent), settings=default_settings())
    for call in (lambda: office.reserve_ticket("tax"), lambda: office.call_next(1)):
        with pytest.raises(OfficeUnreachable) as lost:
            call()
        assert lost.value.code == "offline" and lost.value.maybe_done
        assert "may have been done" in lost.value.en and "อาจทำไปแล้ว" in lost.value.th
    assert sent == ["/reserve", "/call-next"]
    sent.clear()
    with pytest.raises(OfficeUnreachable) as lost:
        office.snapshot()
    assert not lost.value.maybe_done
    assert sent == (["/snapshot"] if fail is httpx.ReadTimeout else ["/snapshot", "/snapshot"])


def test_a_reply_from_another_version_is_named_as_such() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ticket": "t", "number": 5}))
    office = RemoteOffice("http://office", "k", transport=transport, settings=default_settings())
    with pytest.raises(OfficeError) as bad:
        office.reserve_ticket("tax")
    assert bad.value.code == "bad_reply" and "service" in bad.value.en and "รุ่น" in bad.value.th


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda v: v["counters"].append({"counter": "1", "ticket": None}), "view.counters[0].counter"),
        (lambda v: v["waiting"].update(tax=[["A001"]]), "view.waiting.tax[0][1]"),
        (lambda v: v["next_by_counter"].update(x="A001"), "view.next_by_counter.x"),
        (lambda v: v["queued"].update(A001=["09:00", "3"]), "view.queued.A001[1]"),
        (lambda v: v.pop("day"), "view.day"),
    ],
    ids=["counter-text", "pair-short", "counter-key", "seq-text", "day-missing"],
)
def test_a_malformed_snapshot_reply_names_the_field(
    change: Callable[[dict[str, Any]], object], field: str
) -> None:
    view = wire.encode_view(OfficeView(1, "2025-01-15", {}, (), (), 0, 0, {}))
    change(view)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=view))
    office = RemoteOffice("http://office", "k", transport=transport, settings=default_settings())
    with pytest.raises(OfficeError) as bad:
        office.snapshot()
    assert bad.value.code == "bad_reply" and f"({field}: expected" in bad.value.en, bad.value.en


# -- a real server on loopback ---------------------------------------------------------------------


def start_server(home: Path) -> tuple[subprocess.Popen[str], str]:
    """The office of ``home`` served by a separate process on 127.0.0.1, as in the office."""
    process, line = start([sys.executable, str(TERMINAL), "server", str(home)])
    return process, f"http://127.0.0.1:{int(line.split()[1])}"


def stop_server(process: subprocess.Popen[str], home: Path) -> None:
    out, err = stop(process, 20)
    assert process.returncode == 0 and "closed" in out, err
    assert not err.strip(), err
    assert verify_log(log_dir(home), load_device(home).id).ok  # SIGTERM left a whole log …
    assert (log_dir(home) / "journal.jsonl").stat().st_size == 0  # … folded into its day file on close


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    home = tmp_path / "office"
    key = office_key(home)
    process, url = start_server(home)
    yield url, key, home
    stop_server(process, home)


def test_an_unauthorised_request_is_refused_over_loopback(server: tuple[str, str, Path]) -> None:
    url, key, _ = server
    with RemoteOffice(url, key) as counter:
        before = counter.snapshot().version
        for headers in ({}, {"Authorization": "Bearer " + key[:-1]}):
            response = httpx.post(url + "/reserve", json={"service": "tax"}, headers=headers, trust_env=False)
            assert response.status_code == 401 and response.json()["error"] == "unauthorized"
        with pytest.raises(OfficeError) as refused:
            RemoteOffice(url, "not-the-key")
        assert refused.value.code == "unauthorized"
        assert counter.snapshot().version == before


def credential(home: Path, role: str) -> str:
    """A new terminal's credential (the running server reads the terminals file again)."""
    return add_terminal(home, role)[1]


def test_a_ticket_goes_from_kiosk_to_rating_over_loopback(server: tuple[str, str, Path]) -> None:
    url, _, home = server
    kiosk_key, counter_key = credential(home, "kiosk"), credential(home, "counter:4")
    with RemoteOffice(url, kiosk_key) as kiosk, RemoteOffice(url, counter_key) as counter:
        reservation = kiosk.reserve_ticket("complaints")
        kiosk.confirm_ticket(reservation.ticket, "test")
        assert kiosk.ticket_code(reservation.ticket) == reservation.code
        assert counter.call_next(4) is not None
        with pytest.raises(OfficeError) as busy:
            counter.call_next(4)
        assert busy.value.code == "counter_busy" and reservation.number in busy.value.th
        counter.start(4)
        assert counter.finish(4).status == "done"
        session = kiosk.open_rating(reservation.code)
        assert session.instrument == "complaint-satisfaction"
        time.sleep((counter.settings.min_answer_ms + 100) / 1000)  # the citizen reads: timed by the office
        kiosk.submit_rating(session, {"overall": 4}, counter.settings.min_answer_ms + 1)
        with pytest.raises(RatingRefused) as twice:
            kiosk.submit_rating(session, {"overall": 4}, 5000)
        assert twice.value.code == "already_rated"  # refused by the office, and logged
        assert counter.snapshot().served_today == 1


def test_a_board_waiting_over_loopback_is_answered_with_the_call(server: tuple[str, str, Path]) -> None:
    """How soon it is answered is a benchmark's figure (benchmarks/board_latency.py), not a test's."""
    url, _, home = server
    keys = [credential(home, role) for role in ("kiosk", "counter:4", "board")]
    with (
        RemoteOffice(url, keys[0]) as kiosk,
        RemoteOffice(url, keys[1]) as counter,
        RemoteOffice(url, keys[2]) as board,
    ):
        issue(kiosk, "info")
        version = board.snapshot().version
        seen: list[OfficeView] = []
        waiter = threading.Thread(target=lambda: seen.append(board.wait_for_change(version, 60)))
        waiter.start()
        counter.call_next(4)
        waiter.join(90)
    assert seen, "the long poll never returned"
    assert seen[0].version > version and seen[0].counters[3].number is not None


def test_an_unreachable_office_is_reported_quickly(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(OfficeUnreachable) as offline:
        RemoteOffice(f"http://127.0.0.1:{closed}", "k", timeout=1.0)
    assert offline.value.code == "offline" and not offline.value.maybe_done
    assert f"127.0.0.1:{closed}" in offline.value.th and "สายแลน" in offline.value.th

    with socket.socket() as silent:  # accepts connections (the backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        office = RemoteOffice(url, "k", timeout=0.3, settings=default_settings())
        with pytest.raises(OfficeUnreachable) as silent_read:  # the read timeout ends it, not a hang
            office.snapshot()
        with pytest.raises(OfficeUnreachable) as silent_call:
            office.call_next(1)
        assert not silent_read.value.maybe_done and silent_call.value.maybe_done
        office.close()


def test_stopping_the_server_answers_waiting_boards_and_closes_the_log(tmp_path: Path) -> None:
    home = tmp_path / "office"
    key = office_key(home)
    process, url = start_server(home)
    with RemoteOffice(url, key) as board:
        issue(board, "tax")
        version = board.snapshot().version
        answered: list[float] = []
        waiter = threading.Thread(target=lambda: (board.wait_for_change(version, 25), answered.append(1.0)))
        waiter.start()
        time.sleep(0.3)
        stop_server(process, home)
        waiter.join(30)
    assert answered, "the waiting board was not answered"
    reopened = LocalOffice(home, default_settings())  # the writer lock was released
    assert reopened.snapshot().issued_today == 1
    reopened.close()


def test_a_counter_over_the_lan_gets_the_waiting_times(office: LocalOffice, remote: RemoteOffice) -> None:
    first = issue(remote, "registration").number
    issue(remote, "registration")
    remote.call_next(1)
    view = remote.snapshot()
    assert view == office.snapshot()
    assert set(view.queued) == {"A002"} and view.queued["A002"][0][:4] == office.snapshot().day[:4]
    at_one = next(c for c in view.counters if c.counter == 1)
    assert at_one.number == first and at_one.since is not None


def test_the_staff_pin_is_changed_through_the_office(office: LocalOffice, remote: RemoteOffice) -> None:
    assert remote.default_pin_in_force()
    with pytest.raises(OfficeError) as bad:
        remote.change_pin("2568", "2568")
    assert bad.value.code == "bad_pin"
    remote.change_pin("2568", "735190")
    assert not remote.default_pin_in_force()
    assert remote.check_pin("735190") and not remote.check_pin("2568")
