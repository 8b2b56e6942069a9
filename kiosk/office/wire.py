"""The office's values as JSON, for ``kiosk.office.server`` and ``kiosk.office.client``.

A flat dataclass (:class:`Reservation`, :class:`Ticket`, :class:`Call`, :class:`CounterView`,
:class:`RatingSession`, :class:`ComplaintView` with its steps as a list of objects) is a JSON object of
its fields, by name. An :class:`OfficeView` is the same,
with ``waiting`` as ``{service: [[number, priority], …]}`` and ``next_by_counter`` as
``{"1": "A004", …}`` (JSON object keys are strings; they are turned back into counter numbers) and
``queued`` as ``{number: [queued_at, queued_seq]}`` (left out by an older server: then empty).
Errors travel as ``{"error": code, "th": …, "en": …, "refused": bool}``.

Every value is read through pydantic, and a wrong one raises :class:`WireError` naming the field,
so that a bad request gets a 400 that says what to fix, and a reply from a server of another version
says so instead of failing somewhere later. The office's values are checked by pydantic adapters of
their own dataclasses, as the JSON they came as. A request body is read by :func:`parse_request`:
bounded JSON (``sync.untrusted``), then the pydantic model of its endpoint (:data:`REQUESTS`), so that
text that is not valid Unicode, a number outside what an event can store, or nesting past a sane depth
is a 400 naming the field before the office sees it; the server's handlers get that model.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from kiosk.office.service import (
    ComplaintEntry,
    ComplaintView,
    CounterView,
    OfficeError,
    OfficeView,
    RatingRefused,
    RatingSession,
    Reservation,
)
from surveys.counter.queue import Call, Ticket
from sync.untrusted import MAX_INT, Answer, JsonRefused, Text, WireInt, field_errors, load_json

T = TypeVar("T")


class WireError(ValueError):
    """A JSON value that is not what the office expects; ``field`` says where."""

    def __init__(self, field: str, expected_th: str, expected_en: str) -> None:
        super().__init__(f"{field}: expected {expected_en}")
        self.field = field
        self.th = f"ข้อมูล {field} ไม่ถูกต้อง: ต้องเป็น{expected_th}"
        self.en = f"{field}: expected {expected_en}"


def _wire_error(exc: ValidationError, where: str = "") -> WireError:
    """The first problem pydantic found, as a :class:`WireError` naming its field."""
    field, th, en = field_errors(exc, where)[0]
    return WireError(field, th, en)


# -- the office's values -------------------------------------------------------------------------

# Built at import, so a new field of a type JSON can't carry fails at once, not on the LAN. Values are
# checked as the JSON they came as (strict: no "1" for 1, no true for 1; a list for a tuple, a string
# key for a counter number); members a value does not name are ignored (a newer server may add some).
_ADAPTERS: dict[type, TypeAdapter[Any]] = {
    cls: TypeAdapter(cls)
    for cls in (
        Reservation,
        Ticket,
        Call,
        CounterView,
        RatingSession,
        OfficeView,
        ComplaintView,
        ComplaintEntry,
    )
}


def encode_flat(
    value: Reservation | Ticket | Call | CounterView | RatingSession | ComplaintView | ComplaintEntry,
) -> dict[str, Any]:
    encoded: dict[str, Any] = _ADAPTERS[type(value)].dump_python(value, mode="json")
    return encoded


def decode_flat(cls: type[T], data: object, where: str = "") -> T:
    """Rebuild a flat dataclass; fields with defaults may be left out, unknown keys are ignored."""
    return _decode(cls, data, where)


def encode_view(view: OfficeView) -> dict[str, Any]:
    encoded: dict[str, Any] = _ADAPTERS[OfficeView].dump_python(view, mode="json")
    return encoded


def decode_view(data: object) -> OfficeView:
    return _decode(OfficeView, data, "view")


def _decode(cls: type[T], data: object, where: str) -> T:
    """``data`` (parsed from a reply's JSON) checked as that JSON: :class:`WireError` if it is wrong."""
    try:
        value: T = _ADAPTERS[cls].validate_json(json.dumps(data), strict=True)
    except ValidationError as exc:
        raise _wire_error(exc, where) from None
    return value


# -- errors --------------------------------------------------------------------------------------


def encode_error(exc: OfficeError) -> dict[str, Any]:
    return {"error": exc.code, "th": exc.th, "en": exc.en, "refused": isinstance(exc, RatingRefused)}


class _ErrorReply(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")
    error: str
    th: str
    en: str
    refused: object = None  # a RatingRefused only if exactly true


def decode_error(data: object) -> OfficeError | None:
    """The OfficeError (or RatingRefused) a server reply carries, or None if it carries none."""
    try:
        reply = _ErrorReply.model_validate(data)
    except ValidationError:
        return None
    cls = RatingRefused if reply.refused is True else OfficeError
    return cls(reply.error, reply.th, reply.en)


# -- requests ------------------------------------------------------------------------------------


class RequestBody(BaseModel):
    """A request body: JSON types exactly (no "1" for 1, no true for 1); unknown members ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class ReserveRequest(RequestBody):
    service: Text
    priority: Text | None = None


class EmptyRequest(RequestBody):
    """A body the endpoint does not read (any JSON object)."""


class TicketRequest(RequestBody):
    ticket_id: Text


class PrintedRequest(TicketRequest):
    printer: Text


class PrintFailedRequest(PrintedRequest):
    error: Text


class CounterRequest(RequestBody):
    counter: WireInt


class CallTicketRequest(CounterRequest):
    number: Text
    reason: Text | None = None
    pin: Text | None = None


class UndoNoShowRequest(CounterRequest):
    number: Text


class TransferRequest(CounterRequest):
    to_service: Text


class OpenRatingRequest(RequestBody):
    typed: Text


class SessionBody(RequestBody):
    ticket: Text
    number: Text
    service: Text
    instrument: Text
    opened_at: Text


AnswerKey = Annotated[str, Field(pattern=r"^[\x20-\x7e]+$", max_length=64)]  # event keys are ASCII


class SubmitRatingRequest(RequestBody):
    session: SessionBody
    answers: dict[AnswerKey, Answer]
    elapsed_ms: Annotated[int, Field(ge=0, le=MAX_INT)]  # the kiosk's figure, recorded; not trusted


class ComplaintCodeRequest(RequestBody):
    code: Text  # as scanned or typed: the office parses it (and says "mistyped" or "not found")


class ComplaintRatingRequest(ComplaintCodeRequest):
    answers: dict[AnswerKey, Answer]


class ComplaintReceiveRequest(RequestBody):
    channel: Text
    category: Text = "general"
    subject: Text
    details: Text = ""
    location: Text = ""
    contact: Text | None = None  # over the office's TLS only; the office seals it, nothing logs it in clear
    tip: bool = False


class ComplaintStepRequest(ComplaintCodeRequest):
    to: Text
    note: Text = ""


class ComplaintListRequest(RequestBody):
    overdue: bool = False


class PinRequest(RequestBody):
    pin: Text


class PinChangeRequest(RequestBody):
    old: Text
    new: Text


REQUESTS: dict[str, type[RequestBody]] = {
    "/reserve": ReserveRequest,
    "/confirm": PrintedRequest,
    "/print-failed": PrintFailedRequest,
    "/reprinted": PrintedRequest,
    "/code": TicketRequest,
    "/call-next": CounterRequest,
    "/call-ticket": CallTicketRequest,
    "/recall": CounterRequest,
    "/no-show": CounterRequest,
    "/no-show/undo": UndoNoShowRequest,
    "/start": CounterRequest,
    "/finish": CounterRequest,
    "/transfer": TransferRequest,
    "/rating/open": OpenRatingRequest,
    "/rating/submit": SubmitRatingRequest,
    "/complaint/status": ComplaintCodeRequest,
    "/complaint/rating/open": ComplaintCodeRequest,
    "/complaint/rating/submit": ComplaintRatingRequest,
    "/complaint/receive": ComplaintReceiveRequest,
    "/complaint/step": ComplaintStepRequest,
    "/complaint/list": ComplaintListRequest,
    "/pin": PinRequest,
    "/pin/default": EmptyRequest,
    "/pin/change": PinChangeRequest,
}
"""The model of each POST endpoint's body."""


def parse_request(path: str, raw: bytes) -> RequestBody:
    """The body of a request to ``path``, checked by its model; :class:`WireError` names what is wrong."""
    try:
        data = load_json(raw)
    except JsonRefused as exc:
        raise WireError("body", f" JSON ที่ถูกต้อง ({exc.th})", f"valid JSON ({exc.en})") from None
    try:
        return REQUESTS[path].model_validate(data)
    except ValidationError as exc:
        raise _wire_error(exc) from None
