"""Odd input at the office API, at ``sync serve`` and at ``device enrol``: refused plainly, never a 500.

A lone surrogate ("\\ud800") in any string field, numbers past what an event stores, JSON nested a
thousand deep, a body cut off mid-way, a manifest whose first_seq has 301 digits: each is a 4xx that
names what is wrong (or a message and exit 1 at the command line), with no traceback, no server path,
and no hidden characters in a device's name. The too-fast rating rule runs on the office's clock.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from anyio.from_thread import BlockingPortal
from click.testing import CliRunner, Result

from kiosk.office.key import office_key
from kiosk.office.server import make_office_app
from kiosk.office.service import LocalOffice, RatingRefused, RatingSession
from prongsai.commands.device import device as device_command
from prongsai.context import CliContext
from surveys.log.device import Device, load_or_create_device
from surveys.log.device_log import DeviceLog, Draft
from surveys.log.event import canonical
from surveys.log.home import log_dir
from sync.bundle import FORMAT as BUNDLE_FORMAT
from sync.bundle import write_bundle
from sync.central import CentralStore
from sync.enrolment import FORMAT as ENROLMENT_FORMAT
from sync.enrolment import Enrolment, EnrolmentError, make_enrolment, parse_enrolment
from sync.sync_server import make_sync_app
from tests.support.office import AppTransport, Clock, served_code

SURROGATE = "\ud800"
DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture
def office(make_office: Callable[..., LocalOffice], tmp_path: Path, clock: Clock) -> LocalOffice:
    return make_office(tmp_path / "office", clock=clock, min_answer_ms=3000)


@pytest.fixture
def client(office: LocalOffice, portal: BlockingPortal) -> Iterator[httpx.Client]:
    app = make_office_app(office, office_key(office.home))
    transport = AppTransport(app, portal, raise_app_exceptions=False)
    headers = {"Authorization": f"Bearer {office_key(office.home)}"}
    with httpx.Client(base_url="http://office", transport=transport, headers=headers) as client:
        yield client


def post(client: httpx.Client, path: str, body: Any) -> httpx.Response:
    """``body`` as JSON with every non-ASCII character escaped: a lone surrogate travels as \\ud800."""
    return client.post(path, content=json.dumps(body, ensure_ascii=True).encode("ascii"))


# -- the office API ----------------------------------------------------------------------------------

SESSION = {"ticket": "t", "number": "A001", "service": "registration", "instrument": "i", "opened_at": "x"}
STRING_FIELDS = [
    ("/reserve", {"service": "registration", "priority": None}, "service"),
    ("/reserve", {"service": "registration", "priority": None}, "priority"),
    ("/confirm", {"ticket_id": "t", "printer": "p"}, "ticket_id"),
    ("/confirm", {"ticket_id": "t", "printer": "p"}, "printer"),
    ("/print-failed", {"ticket_id": "t", "error": "e", "printer": "p"}, "error"),
    ("/reprinted", {"ticket_id": "t", "printer": "p"}, "ticket_id"),
    ("/code", {"ticket_id": "t"}, "ticket_id"),
    ("/call-ticket", {"counter": 1, "number": "A001", "reason": "r", "pin": "1"}, "number"),
    ("/call-ticket", {"counter": 1, "number": "A001", "reason": "r", "pin": "1"}, "reason"),
    ("/call-ticket", {"counter": 1, "number": "A001", "reason": "r", "pin": "1"}, "pin"),
    ("/no-show/undo", {"counter": 1, "number": "A001"}, "number"),
    ("/transfer", {"counter": 1, "to_service": "tax"}, "to_service"),
    ("/rating/open", {"typed": "1"}, "typed"),
    ("/rating/submit", {"session": SESSION, "answers": {"overall": 5}, "elapsed_ms": 1}, "session.ticket"),
    ("/rating/submit", {"session": SESSION, "answers": {"overall": 5}, "elapsed_ms": 1}, "answers.overall"),
    ("/pin", {"pin": "1"}, "pin"),
    ("/pin/change", {"old": "1", "new": "2"}, "new"),
]


def put(body: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    """``body`` with the (dotted) ``field`` set to ``value``."""
    head, _, rest = field.partition(".")
    return {**body, head: put(body[head], rest, value) if rest else value}


@pytest.mark.parametrize(
    ("path", "body", "field"), STRING_FIELDS, ids=[f"{p}:{f}" for p, _, f in STRING_FIELDS]
)
def test_a_lone_surrogate_in_any_string_field_is_a_400_naming_it(
    client: httpx.Client, office: LocalOffice, path: str, body: dict[str, Any], field: str
) -> None:
    before = office.snapshot().version
    response = post(client, path, put(body, field, f"A{SURROGATE}1"))
    assert response.status_code == 400, response.text
    reply = response.json()
    assert reply["error"] == "bad_request" and reply["field"] == field
    assert "Unicode" in reply["en"] and field in reply["th"]
    assert office.snapshot().version == before  # nothing reached the log


def test_a_lone_surrogate_in_an_answer_key_is_a_400(client: httpx.Client) -> None:
    body = {"session": SESSION, "answers": {f"x{SURROGATE}": 5}, "elapsed_ms": 1}
    response = post(client, "/rating/submit", body)
    assert response.status_code == 400, response.text
    assert response.json()["field"].startswith("answers.x")
    assert SURROGATE not in response.json()["field"]  # the reply is valid UTF-8 JSON


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/rating/submit",
            {"session": SESSION, "answers": {"overall": 5}, "elapsed_ms": 2**53},
            "elapsed_ms",
        ),
        ("/rating/submit", {"session": SESSION, "answers": {"overall": 5}, "elapsed_ms": -1}, "elapsed_ms"),
        (
            "/rating/submit",
            {"session": SESSION, "answers": {"overall": 10**301}, "elapsed_ms": 1},
            "answers.overall",
        ),
        ("/call-next", {"counter": 2**63}, "counter"),
        ("/call-next", {"counter": 10**300}, "counter"),
    ],
    ids=["elapsed_ms-2^53", "elapsed_ms-negative", "answer-301-digits", "counter-2^63", "counter-301-digits"],
)
def test_a_number_out_of_range_is_a_400_naming_the_field(
    client: httpx.Client, path: str, body: dict[str, Any], field: str
) -> None:
    response = post(client, path, body)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field


@pytest.mark.parametrize("path", ["/rating/submit", "/reserve", "/pin/default"])
def test_json_nested_a_thousand_deep_is_a_400(client: httpx.Client, path: str) -> None:
    raw = '{"service": "registration", "answers": {"overall": ' + DEEP + '}, "elapsed_ms": 1}'
    response = client.post(path, content=raw.encode())
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "body" and "deeper" in response.json()["en"]


def test_a_body_cut_off_midway_is_a_400_logged_as_one_line(
    office: LocalOffice, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_office_app(office, office_key(office.home))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/reserve",
        "raw_path": b"/reserve",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"office"),
            (b"authorization", f"Bearer {office_key(office.home)}".encode()),
            (b"content-length", b"100"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    messages = iter([{"type": "http.request", "body": b'{"service": "regi', "more_body": True}])
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return next(messages, {"type": "http.disconnect"})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with caplog.at_level(logging.WARNING):
        anyio.run(app, scope, receive, send)
    assert sent[0]["status"] == 400
    assert json.loads(sent[1]["body"])["error"] == "cut_off"
    ours = [r for r in caplog.records if r.name.startswith(("sync", "kiosk"))]
    assert len(ours) == 1 and ours[0].exc_info is None and "cut off" in ours[0].getMessage()


# -- the too-fast rule, on the office's clock ----------------------------------------------------------


def test_too_fast_is_decided_by_the_office_clock_not_the_kiosk_figure(
    office: LocalOffice, clock: Clock
) -> None:
    session = office.open_rating(served_code(office))
    clock.advance(seconds=1)  # the office saw one second; the kiosk claims a whole day
    with pytest.raises(RatingRefused) as fast:
        office.submit_rating(session, {"overall": 5}, elapsed_ms=86_400_000)
    assert fast.value.code == "too_fast"
    clock.advance(seconds=5)
    office.submit_rating(session, {"overall": 5}, elapsed_ms=10)  # the kiosk's figure is only recorded
    given = [e.body for e in office.log.read() if e.kind == "rating.given"]
    assert [g["elapsed_ms"] for g in given] == [10]


def test_too_fast_over_the_lan_too(client: httpx.Client, office: LocalOffice, clock: Clock) -> None:
    opened = post(client, "/rating/open", {"typed": served_code(office)})
    assert opened.status_code == 200, opened.text
    body = {"session": opened.json(), "answers": {"overall": 5}, "elapsed_ms": 2**53 - 1}
    fast = post(client, "/rating/submit", body)
    assert fast.status_code == 409 and fast.json()["error"] == "too_fast"
    clock.advance(seconds=4)
    assert post(client, "/rating/submit", body).status_code == 200


def test_a_session_the_office_never_opened_is_refused(office: LocalOffice, clock: Clock) -> None:
    session = office.open_rating(served_code(office))
    office.close()
    restarted = LocalOffice(office.home, office.settings, clock=clock)
    try:
        clock.advance(seconds=10)
        forged = RatingSession(
            session.ticket, session.number, session.service, session.instrument, "2000-01-01"
        )
        with pytest.raises(RatingRefused) as refused:
            restarted.submit_rating(forged, {"overall": 5}, elapsed_ms=10_000)
        assert refused.value.code == "unknown_session"
    finally:
        restarted.close()


# -- sync serve -----------------------------------------------------------------------------------------


def signed_bundle(device: Device, **manifest: Any) -> bytes:
    """A bundle with no events whose manifest says what the test wants, signed by ``device``."""
    fields = {
        "format": BUNDLE_FORMAT,
        "device": device.id,
        "public_key": device.public_key_b64,
        "first_seq": 1,
        "last_seq": 1,
        "count": 1,
        "prev": "0" * 64,
        "head": "0" * 64,
        "payload_sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # of nothing
        "created_at": "2025-01-15T09:00:00+07:00",
        **manifest,
    }
    line = canonical(fields)
    signature = base64.b64encode(device.sign(line)).decode("ascii")
    return line + b"\n" + json.dumps({"signature": signature}).encode() + b"\n"


@dataclass
class Central:
    """The central store and its own thread (a sqlite3 connection stays in the thread that made it)."""

    store: CentralStore
    worker: ThreadPoolExecutor

    def enrol(self, device: Device) -> None:
        self.worker.submit(self.store.enrol, make_enrolment(device, "kiosk", "kiosk", "")).result()


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Central]:
    with ThreadPoolExecutor(max_workers=1) as worker:
        store = worker.submit(CentralStore.open, tmp_path / "central").result()
        yield Central(store, worker)
        worker.submit(store.close).result()


def upload(central: Central, incoming: Path, body: bytes) -> httpx.Response:
    app = make_sync_app(central.store, threading.Lock(), incoming=incoming, worker=central.worker)

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://sync") as client:
            return await client.post("/bundles", content=body)

    return anyio.run(send)


@pytest.mark.parametrize("first_seq", [10**300, 2**63], ids=["301-digits", "2^63"])
@pytest.mark.parametrize("enrolled", [False, True], ids=["stranger", "enrolled"])
def test_a_first_seq_out_of_range_is_refused_at_sync_serve(
    tmp_path: Path, central: Central, first_seq: int, enrolled: bool
) -> None:
    device = load_or_create_device(tmp_path / "kiosk")
    if enrolled:
        central.enrol(device)
    incoming = tmp_path / "incoming"
    body = signed_bundle(device, first_seq=first_seq, last_seq=first_seq, count=1)
    response = upload(central, incoming, body)
    assert 400 <= response.status_code < 500, response.text
    assert "first_seq" in response.json()["en"]
    assert list(incoming.glob("*")) == []


def test_a_refusal_from_sync_serve_names_no_server_path(tmp_path: Path, central: Central) -> None:
    incoming = tmp_path / "the-servers-own-folder"
    device = load_or_create_device(tmp_path / "k")
    central.enrol(device)  # enrolled: its bundle passes the header check and fails on the stored payload
    for body in (
        b"not a bundle\n",
        signed_bundle(device, payload_sha256="0" * 64),
    ):
        response = upload(central, incoming, body)
        assert response.status_code == 422, response.text
        assert "the-servers-own-folder" not in response.text and str(tmp_path) not in response.text


def test_an_accepted_bundle_reply_names_no_server_path(tmp_path: Path, central: Central) -> None:
    home = tmp_path / "kiosk"
    device = load_or_create_device(home)
    with DeviceLog(log_dir(home), device.id) as log:
        log.append_many([Draft("test.ping", {"n": 1})])
    central.enrol(device)
    out = tmp_path / "b.psb"
    write_bundle(device, log_dir(home), out)
    incoming = tmp_path / "the-servers-own-folder"
    response = upload(central, incoming, out.read_bytes())
    assert response.status_code == 200, response.text
    assert "the-servers-own-folder" not in response.text and str(tmp_path) not in response.text


# -- device enrol ---------------------------------------------------------------------------------------


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(device_command, list(args), obj=CliContext(home, "en"))


def enrolment_text(device: Device, **members: Any) -> str:
    """An enrolment file's text, signed by ``device`` whatever its members hold (ensure_ascii)."""
    record = {
        "format": ENROLMENT_FORMAT,
        "device": device.id,
        "public_key": device.public_key_b64,
        "name": "kiosk",
        "role": "kiosk",
        "place": "",
        "created_at": "2025-01-15T09:00:00+07:00",
        **members,
    }
    try:
        record["signature"] = base64.b64encode(device.sign(canonical(record))).decode("ascii")
    except UnicodeEncodeError:  # a surrogate can't be signed; the file says it is anyway
        record["signature"] = base64.b64encode(b"x" * 64).decode("ascii")
    return json.dumps(record, ensure_ascii=True, indent=2)


@pytest.mark.parametrize(
    "members",
    [
        {"name": f"kiosk{SURROGATE}"},
        {"place": SURROGATE},
        {"created_at": f"2025{SURROGATE}"},
        {"name": "deep"},
    ],
    ids=["surrogate-name", "surrogate-place", "surrogate-created_at", "nested-1000"],
)
def test_device_enrol_on_an_odd_file_says_so_and_exits_1(tmp_path: Path, members: dict[str, Any]) -> None:
    device = load_or_create_device(tmp_path / "kiosk")
    text = enrolment_text(device, **members)
    if members.get("name") == "deep":
        text = text.replace('"deep"', DEEP)
    path = tmp_path / "odd.enrol.json"
    path.write_text(text, encoding="ascii")
    result = run(tmp_path / "central", "enrol", str(path))
    assert result.exit_code == 1, result.output
    assert "not enrolled" in result.output and "damaged" in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "name",
    ["kiosk\u202eexe.txt", "ki\u200bosk", "kiosk\u2066x\u2069", "kiosk\x1b[31m", "a\u200fb"],
    ids=["right-to-left-override", "zero-width-space", "isolate", "escape", "rtl-mark"],
)
def test_a_name_that_hides_or_reorders_text_is_refused_at_enrolment(tmp_path: Path, name: str) -> None:
    device = load_or_create_device(tmp_path / "kiosk")
    with pytest.raises(EnrolmentError) as made:
        make_enrolment(device, name)
    assert made.value.code == "name" and "U+" in made.value.en
    with pytest.raises(EnrolmentError) as place:
        make_enrolment(device, "kiosk", place=name)
    assert place.value.code == "place"
    with pytest.raises(EnrolmentError) as parsed:  # a file signed by the device itself, made by hand
        parse_enrolment(enrolment_text(device, name=name), "file")
    assert parsed.value.code == "name"
    path = tmp_path / "x.json"
    path.write_text(enrolment_text(device, name=name), encoding="ascii")
    result = run(tmp_path / "central", "enrol", str(path))
    assert result.exit_code == 1 and "right-to-left override" in result.output
    assert name not in result.output


def test_device_list_shows_a_disguised_name_escaped(tmp_path: Path) -> None:
    central = tmp_path / "central"
    device = load_or_create_device(tmp_path / "kiosk")
    store = CentralStore.open(central)
    try:  # stored before names were checked
        store.enrol(Enrolment(device.id, device.public_key_b64, "kiosk\u202etxt.exe", "kiosk", "ชั้น\u200b1"))
    finally:
        store.close()
    result = run(central, "list")
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.output and "\u200b" not in result.output
    assert "kiosk\\u202etxt.exe" in result.output and "ชั้น\\u200b1" in result.output
