"""The office's values as JSON, for ``kiosk.office.server`` and ``kiosk.office.client``.

A flat dataclass (:class:`Reservation`, :class:`Ticket`, :class:`Call`, :class:`CounterView`,
:class:`RatingSession`) is a JSON object of its fields, by name. An :class:`OfficeView` is the same,
with ``waiting`` as ``{service: [[number, priority], …]}`` and ``next_by_counter`` as
``{"1": "A004", …}`` (JSON object keys are strings; they are turned back into counter numbers) and
``queued`` as ``{number: [queued_at, queued_seq]}`` (left out by an older server: then empty).
Errors travel as ``{"error": code, "th": …, "en": …, "refused": bool}``.

Decoding checks every field's type and raises :class:`WireError` naming the field, so that a bad
request gets a 400 that says what to fix, and a reply from a server of another version says so
instead of failing somewhere later. A request body is read by :func:`parse_request`: bounded JSON
(``sync.untrusted``), then the pydantic model of its endpoint (:data:`REQUESTS`), so that text that is
not valid Unicode, a number outside what an event can store, or nesting past a sane depth is a 400
naming the field before the office sees it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.office.service import (
    CounterView,
    OfficeError,
    OfficeView,
    RatingRefused,
    RatingSession,
    Reservation,
)
from surveys.counter.queue import Call, Ticket
from sync.untrusted import MAX_INT, Answer, JsonRefused, Text, WireInt, field_errors, has_surrogate, load_json

DEFAULT_PORT = 8568  # where the office listens unless told otherwise

T = TypeVar("T")

_KINDS: dict[type, tuple[str, str]] = {
    str: ("ข้อความ", "a string"),
    int: ("จำนวนเต็ม", "an integer"),
    bool: ("true หรือ false", "true or false"),
    type(None): ("null", "null"),
}


class WireError(ValueError):
    """A JSON value that is not what the office expects; ``field`` says where."""

    def __init__(self, field: str, expected_th: str, expected_en: str) -> None:
        super().__init__(f"{field}: expected {expected_en}")
        self.field = field
        self.th = f"ข้อมูล {field} ไม่ถูกต้อง: ต้องเป็น{expected_th}"
        self.en = f"{field}: expected {expected_en}"


# -- reading fields ------------------------------------------------------------------------------


def _is(value: object, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _field(data: Mapping[str, Any], name: str, kinds: tuple[type, ...], where: str) -> Any:
    path = f"{where}.{name}" if where else name
    if name not in data:
        if type(None) in kinds:
            return None
        raise WireError(path, "ค่าที่ต้องระบุ (ไม่มีในคำขอ)", "a value (it is missing)")
    value = data[name]
    if not any(_is(value, kind) for kind in kinds):
        raise WireError(
            path,
            " หรือ ".join(_KINDS[k][0] for k in kinds),
            " or ".join(_KINDS[k][1] for k in kinds),
        )
    return value


def get_str(data: Mapping[str, Any], name: str, where: str = "") -> str:
    value: str = _field(data, name, (str,), where)
    return value


def get_opt_str(data: Mapping[str, Any], name: str, where: str = "") -> str | None:
    value: str | None = _field(data, name, (str, type(None)), where)
    return value


def get_int(data: Mapping[str, Any], name: str, where: str = "") -> int:
    value: int = _field(data, name, (int,), where)
    return value


def get_object(data: Mapping[str, Any], name: str, where: str = "") -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict):
        path = f"{where}.{name}" if where else name
        raise WireError(path, "ออบเจกต์ JSON", "a JSON object")
    return value


def get_list(data: Mapping[str, Any], name: str, where: str = "") -> list[Any]:
    value = data.get(name)
    if not isinstance(value, list):
        path = f"{where}.{name}" if where else name
        raise WireError(path, "รายการ JSON", "a JSON list")
    return value


def as_object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WireError(where or "body", "ออบเจกต์ JSON", "a JSON object")
    return value


# -- flat dataclasses ----------------------------------------------------------------------------


def _kinds_of(hint: object, owner: type, name: str) -> tuple[type, ...]:
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if not all(isinstance(a, type) and a in _KINDS for a in args):
        raise TypeError(f"{owner.__name__}.{name}: {hint!r} has no JSON encoding in kiosk.office.wire")
    return tuple(a for a in args if isinstance(a, type))


def _spec(cls: type) -> tuple[tuple[str, tuple[type, ...], bool], ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        (
            f.name,
            _kinds_of(hints[f.name], cls, f.name),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    )


# Built at import, so a new field of a type JSON can't carry fails at once, not on the LAN.
_FLAT: dict[type, tuple[tuple[str, tuple[type, ...], bool], ...]] = {
    cls: _spec(cls) for cls in (Reservation, Ticket, Call, CounterView, RatingSession)
}


def encode_flat(value: Reservation | Ticket | Call | CounterView | RatingSession) -> dict[str, Any]:
    return {name: getattr(value, name) for name, _, _ in _FLAT[type(value)]}


def decode_flat(cls: type[T], data: object, where: str = "") -> T:
    """Rebuild a flat dataclass; fields with defaults may be left out, unknown keys are ignored."""
    obj = as_object(data, where)
    values: dict[str, Any] = {}
    for name, kinds, required in _FLAT[cls]:
        if name in obj or required:
            values[name] = _field(obj, name, kinds, where)
    return cls(**values)


# -- the snapshot --------------------------------------------------------------------------------


def encode_view(view: OfficeView) -> dict[str, Any]:
    return {
        "version": view.version,
        "day": view.day,
        "waiting": {service: [list(pair) for pair in pairs] for service, pairs in view.waiting.items()},
        "counters": [encode_flat(c) for c in view.counters],
        "last_calls": [encode_flat(c) for c in view.last_calls],
        "issued_today": view.issued_today,
        "served_today": view.served_today,
        "next_by_counter": {str(counter): number for counter, number in view.next_by_counter.items()},
        "queued": {number: [at, seq] for number, (at, seq) in view.queued.items()},
    }


def decode_view(data: object) -> OfficeView:
    obj = as_object(data, "view")
    waiting: dict[str, tuple[tuple[str, str | None], ...]] = {}
    for service, pairs in get_object(obj, "waiting", "view").items():
        if not isinstance(pairs, list):
            raise WireError(f"view.waiting.{service}", "รายการ", "a list of [number, priority]")
        waiting[service] = tuple(_pair(p, f"view.waiting.{service}[{i}]") for i, p in enumerate(pairs))
    nexts: dict[int, str | None] = {}
    for key, number in get_object(obj, "next_by_counter", "view").items():
        try:
            counter = int(key)
        except ValueError:
            raise WireError(f"view.next_by_counter.{key}", "เลขช่องบริการ", "a counter number") from None
        nexts[counter] = get_opt_str({key: number}, key, "view.next_by_counter")
    queued: dict[str, tuple[str, int]] = {}
    for number, pair in (get_object(obj, "queued", "view") if "queued" in obj else {}).items():
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and _is(pair[1], int)):
            raise WireError(f"view.queued.{number}", "[เวลา, ลำดับ]", "[time, seq]")
        queued[number] = (pair[0], pair[1])
    return OfficeView(
        version=get_int(obj, "version", "view"),
        day=get_str(obj, "day", "view"),
        waiting=waiting,
        counters=tuple(
            decode_flat(CounterView, c, f"view.counters[{i}]")
            for i, c in enumerate(get_list(obj, "counters", "view"))
        ),
        last_calls=tuple(
            decode_flat(Call, c, f"view.last_calls[{i}]")
            for i, c in enumerate(get_list(obj, "last_calls", "view"))
        ),
        issued_today=get_int(obj, "issued_today", "view"),
        served_today=get_int(obj, "served_today", "view"),
        next_by_counter=nexts,
        queued=queued,
    )


def _pair(value: object, where: str) -> tuple[str, str | None]:
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and (value[1] is None or isinstance(value[1], str))
    ):
        return value[0], value[1]
    raise WireError(where, "[หมายเลข, กลุ่ม]", "[number, priority group or null]")


# -- errors --------------------------------------------------------------------------------------


def encode_error(exc: OfficeError) -> dict[str, Any]:
    return {"error": exc.code, "th": exc.th, "en": exc.en, "refused": isinstance(exc, RatingRefused)}


def decode_error(data: object) -> OfficeError | None:
    """The OfficeError (or RatingRefused) a server reply carries, or None if it carries none."""
    if not isinstance(data, dict):
        return None
    code, th, en = data.get("error"), data.get("th"), data.get("en")
    if not (isinstance(code, str) and isinstance(th, str) and isinstance(en, str)):
        return None
    cls = RatingRefused if data.get("refused") is True else OfficeError
    return cls(code, th, en)


# -- requests ------------------------------------------------------------------------------------


class _Request(BaseModel):
    """A request body: JSON types exactly (no "1" for 1, no true for 1); unknown members ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class ReserveRequest(_Request):
    service: Text
    priority: Text | None = None


class TicketRequest(_Request):
    ticket_id: Text


class PrintedRequest(TicketRequest):
    printer: Text


class PrintFailedRequest(PrintedRequest):
    error: Text


class CounterRequest(_Request):
    counter: WireInt


class CallTicketRequest(CounterRequest):
    number: Text
    reason: Text | None = None
    pin: Text | None = None


class UndoNoShowRequest(CounterRequest):
    number: Text


class TransferRequest(CounterRequest):
    to_service: Text


class OpenRatingRequest(_Request):
    typed: Text


class SessionBody(_Request):
    ticket: Text
    number: Text
    service: Text
    instrument: Text
    opened_at: Text


AnswerKey = Annotated[str, Field(pattern=r"^[\x20-\x7e]+$", max_length=64)]  # event keys are ASCII


class SubmitRatingRequest(_Request):
    session: SessionBody
    answers: dict[AnswerKey, Answer]
    elapsed_ms: Annotated[int, Field(ge=0, le=MAX_INT)]  # the kiosk's figure, recorded; not trusted


class PinRequest(_Request):
    pin: Text


class PinChangeRequest(_Request):
    old: Text
    new: Text


REQUESTS: dict[str, type[_Request]] = {
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
    "/pin": PinRequest,
    "/pin/change": PinChangeRequest,
}
"""The model of each endpoint's body; an endpoint not named here takes any JSON object of valid text."""


def parse_request(path: str, raw: bytes) -> dict[str, Any]:
    """The body of a request to ``path``, checked by its model; :class:`WireError` names what is wrong."""
    try:
        data = load_json(raw)
    except JsonRefused as exc:
        raise WireError("body", f" JSON ที่ถูกต้อง ({exc.th})", f"valid JSON ({exc.en})") from None
    obj = as_object(data, "body")
    model = REQUESTS.get(path)
    if model is None:
        _check_plain(obj, "")
        return obj
    try:
        request = model.model_validate(obj)
    except ValidationError as exc:
        field, th, en = field_errors(exc)[0]
        raise WireError(field, th, en) from None
    return request.model_dump(exclude_unset=True)


def _check_plain(value: object, where: str) -> None:
    """Valid text and storable integers all through ``value`` (its depth is bounded by load_json)."""
    if isinstance(value, str) and has_surrogate(value):
        raise WireError(where or "body", "ข้อความยูนิโคดที่ถูกต้อง", "valid Unicode text")
    if _is(value, int) and not -MAX_INT <= value <= MAX_INT:  # type: ignore[operator]
        raise WireError(where or "body", f"จำนวนเต็มไม่เกิน ±{MAX_INT}", f"an integer within ±{MAX_INT}")
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and has_surrogate(key):
            raise WireError(where or "body", "ชื่อช่องที่เป็นยูนิโคดที่ถูกต้อง", "keys of valid Unicode text")
        _check_plain(item, f"{where}.{key}" if isinstance(key, str) else f"{where}[{key}]")
