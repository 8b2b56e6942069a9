"""One credential per terminal, with its role (issue 8, finding 1): only a kiosk rates and reprints,
counter N acts for counter N alone, the board only reads, the office key only from the office's PC,
and every event a terminal causes names it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal

from kiosk.office.client import RemoteOffice
from kiosk.office.key import office_key
from kiosk.office.server import make_office_app
from kiosk.office.service import LocalOffice, OfficeError
from sync.terminals import add_terminal, revoke_terminal
from tests.support.office import AppTransport, served_code

LAN = ("192.168.1.20", 51000)


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], tmp_path: Path) -> LocalOffice:
    return make_office(tmp_path / "office", min_answer_ms=0)


@pytest.fixture
def app(office: LocalOffice) -> Any:
    return make_office_app(office, office_key(office.home))


def terminal(office: LocalOffice, app: Any, portal: BlockingPortal, role: str) -> RemoteOffice:
    _, credential = add_terminal(office.home, role)
    return RemoteOffice("http://office", credential, transport=AppTransport(app, portal, LAN))


def test_a_counter_credential_is_refused_at_rating_and_code(
    office: LocalOffice, app: Any, portal: BlockingPortal
) -> None:
    code = served_code(office)
    ticket = office.snapshot().last_calls[-1].ticket
    counter = terminal(office, app, portal, "counter:1")
    before = office.snapshot().version
    for call in (
        lambda: counter.ticket_code(ticket),
        lambda: counter.open_rating(code),
        lambda: counter.reserve_ticket("registration"),
    ):
        with pytest.raises(OfficeError) as refused:
            call()
        assert refused.value.code == "forbidden"
        assert "counter:1" in refused.value.en and "ไม่มีสิทธิ์" in refused.value.th
    assert office.snapshot().version == before
    assert not any(e.kind == "rating.given" for e in office.log.read())
    kiosk = terminal(office, app, portal, "kiosk")  # the kiosk may
    assert kiosk.ticket_code(ticket) == code
    session = kiosk.open_rating(code)
    kiosk.submit_rating(session, {"overall": 5, "staff": 4}, 3000)
    (given,) = [e for e in office.log.read() if e.kind == "rating.given"]
    assert given.body["by"].startswith("kiosk-")


def test_a_counter_acts_for_its_own_counter_only(
    office: LocalOffice, app: Any, portal: BlockingPortal
) -> None:
    for _ in range(2):
        reservation = office.reserve_ticket("registration")
        office.confirm_ticket(reservation.ticket, "test")
    counter1 = terminal(office, app, portal, "counter:1")
    with pytest.raises(OfficeError) as refused:
        counter1.call_next(2)
    assert refused.value.code == "forbidden" and "counter 1 only" in refused.value.en
    called = counter1.call_next(1)
    assert called is not None and called.counter == 1
    counter1.start(1)
    (started,) = [e for e in office.log.read() if e.kind == "ticket.started"]
    assert started.body["by"].startswith("counter1-")


def test_the_board_only_reads(office: LocalOffice, app: Any, portal: BlockingPortal) -> None:
    board = terminal(office, app, portal, "board")
    assert board.snapshot().issued_today == 0
    assert board.wait_for_change(0, 0).version >= 0
    refused_calls = (
        lambda: board.reserve_ticket("tax"),
        lambda: board.call_next(1),
        lambda: board.check_pin("1"),
    )
    for call in refused_calls:
        with pytest.raises(OfficeError) as refused:
            call()
        assert refused.value.code == "forbidden"


def test_a_revoked_terminal_is_refused_at_once(office: LocalOffice, app: Any, portal: BlockingPortal) -> None:
    added, credential = add_terminal(office.home, "kiosk")
    kiosk = RemoteOffice("http://office", credential, transport=AppTransport(app, portal, LAN))
    kiosk.snapshot()
    revoke_terminal(office.home, added.id)
    with pytest.raises(OfficeError) as refused:
        kiosk.snapshot()
    assert refused.value.code == "unauthorized"
    wrong = credential[:-4] + ("AAAA" if not credential.endswith("AAAA") else "BBBB")
    with httpx.Client(base_url="http://office", transport=AppTransport(app, portal, LAN)) as client:
        response = client.get("/snapshot", headers={"Authorization": f"Bearer {wrong}"})
    assert response.status_code == 401


def test_the_office_key_is_admin_on_the_offices_pc_only(
    office: LocalOffice, app: Any, portal: BlockingPortal
) -> None:
    key = office_key(office.home)
    with pytest.raises(OfficeError) as refused:
        RemoteOffice("http://office", key, transport=AppTransport(app, portal, LAN))
    assert refused.value.code == "unauthorized"
    local = RemoteOffice("http://office", key, transport=AppTransport(app, portal, ("127.0.0.1", 40000)))
    local.reserve_ticket("tax")
    (reserved,) = [e for e in office.log.read() if e.kind == "ticket.reserved"]
    assert reserved.body["by"] == "admin"


def test_the_staff_pin_locks_a_terminal_over_the_lan(
    office: LocalOffice, app: Any, portal: BlockingPortal
) -> None:
    counter = terminal(office, app, portal, "counter:2")
    for _ in range(5):
        assert counter.check_pin("0000") is False
    with pytest.raises(OfficeError) as locked:
        counter.check_pin("2568")  # the default PIN: right, but refused within the lockout
    assert locked.value.code == "pin_locked"
    assert [e.kind for e in office.log.read()].count("pin.locked") == 1


def test_only_the_complaint_desk_takes_complaints_and_records_their_steps(
    office: LocalOffice, app: Any, portal: BlockingPortal
) -> None:
    desk = terminal(office, app, portal, "complaints")
    code = desk.receive_complaint("counter", "general", "ถนนเป็นหลุม").code
    before = office.head()
    for role in ("counter:1", "kiosk", "board"):
        other = terminal(office, app, portal, role)
        for call in (
            lambda o: o.receive_complaint("counter", "general", "ท่อตัน"),
            lambda o: o.complaint_step(code, "assigned"),
            lambda o: o.complaint_list(),
        ):
            with pytest.raises(OfficeError) as refused:
                call(other)
            assert refused.value.code == "forbidden"
            assert role in refused.value.en and "ไม่มีสิทธิ์" in refused.value.th
    assert office.head() == before  # nothing written
    kiosk_key = add_terminal(office.home, "kiosk")[1]
    with httpx.Client(base_url="http://office", transport=AppTransport(app, portal, LAN)) as raw:
        response = raw.post(  # the status a terminal sees: 403
            "/complaint/receive",
            json={"channel": "counter", "subject": "x"},
            headers={"Authorization": f"Bearer {kiosk_key}"},
        )
    assert response.status_code == 403 and response.json()["th"] and response.json()["en"]
    with pytest.raises(OfficeError) as no_tickets:
        desk.reserve_ticket("registration")  # the desk takes complaints, not queue tickets
    assert no_tickets.value.code == "forbidden"
    assert desk.complaint_step(code, "assigned").status == "assigned"
    assert [(c.code, c.status) for c in desk.complaint_list()] == [(code, "assigned")]
