"""Answers out of the central store, in the layouts KoboToolbox and ODK Central users expect.

``wide``: one row per response — ``_uuid`` (the response's identity), ``end`` (when it was answered, ISO with
+07:00), ``_source`` (kiosk, paper, kobo, odk), ``_instrument``, then one column per question named by its
``name``, with choice names as values (a multiple choice as space-separated names). ``long``: one row per
answer — ``_uuid``, ``end``, ``_source``, ``_instrument``, ``item``, ``value``. Both read back with
``prongsai answers import`` (the same responses, by ``_uuid``).

Kiosk ratings and imported answers both come from :func:`analysis.frames.load_frames`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from surveys.bilingual import UserError
from surveys.content.instruments import Instrument
from sync.central import CentralStore

META = ("_uuid", "end", "_source", "_instrument")
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


class ExportError(UserError):
    """What can't be exported as asked; the words say what to ask instead."""


@dataclass(frozen=True)
class Response:
    identity: str
    instrument: str
    answered_at: str  # ISO 8601, +07:00
    source: str
    answers: dict[str, Any]


def collect(
    store: CentralStore,
    *,
    instrument: str | None = None,
    start: date = FIRST_DAY,
    end: date = LAST_DAY,
    include_demo: bool = False,
) -> list[Response]:
    """Every response (kiosk ratings and imported answers) of ``instrument`` (or all) answered from
    ``start`` to ``end`` (Bangkok dates), read through the report's frames; a demo device's responses say
    ``demo`` as their source, so that they are never imported back as real."""
    from analysis.frames import load_frames

    frames = load_frames(store, start, end, include_demo=include_demo)
    answers: dict[str, dict[str, Any]] = {}
    for response, item, value in zip(
        frames.answers["response"].astype(str),
        frames.answers["item"].astype(str),
        frames.answers["value"],
        strict=True,
    ):
        answers.setdefault(response, {})[item] = value
    demo = {device.id for device in store.devices() if device.demo}
    chosen = frames.responses
    if instrument is not None:
        chosen = chosen[chosen["instrument"] == instrument]
    found = [
        Response(
            str(identity),
            str(instrument_id),
            pd.Timestamp(at).tz_convert("Asia/Bangkok").strftime("%Y-%m-%dT%H:%M:%S+07:00"),
            "demo" if device in demo else str(source),
            answers.get(str(response), {}),
        )
        for response, device, identity, source, instrument_id, at in zip(
            chosen["response"], chosen["device"], chosen["identity"], chosen["source"],
            chosen["instrument"], chosen["at"], strict=True,
        )
    ]  # fmt: skip
    return sorted(found, key=lambda r: (r.answered_at, r.identity))


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return value


def wide_frame(responses: list[Response], instrument: Instrument | None) -> pd.DataFrame:
    """One row per response, one column per question of ``instrument`` (needed: names differ by form)."""
    instruments = {r.instrument for r in responses}
    if instrument is None:
        if len(instruments) > 1:
            raise ExportError(
                "export.which_instrument",
                f"มีคำตอบของหลายแบบสอบถาม ({', '.join(sorted(instruments))}): ตารางแบบกว้างต้องระบุ --instrument "
                "หรือใช้ --layout long",
                f"there are answers to several instruments ({', '.join(sorted(instruments))}): wide "
                "needs --instrument, or use --layout long",
            )
        items: list[str] = sorted({k for r in responses for k in r.answers})
    else:
        items = [  # free text that may hold personal data is never imported nor asked at a kiosk
            item.id
            for item in instrument.all_items()
            if not (item.type == "text" and item.may_contain_personal_data)
        ]
        extra = sorted({k for r in responses for k in r.answers} - set(items))
        items += extra
    rows = [
        [r.identity, r.answered_at, r.source, r.instrument, *(_cell(r.answers.get(i)) for i in items)]
        for r in responses
    ]
    return pd.DataFrame(rows, columns=[*META, *items], dtype=object)  # 5 stays 5 beside empty cells


def long_frame(responses: list[Response]) -> pd.DataFrame:
    """One row per answer."""
    rows = [
        [r.identity, r.answered_at, r.source, r.instrument, item, _cell(value)]
        for r in responses
        for item, value in r.answers.items()
    ]
    return pd.DataFrame(rows, columns=[*META, "item", "value"], dtype=object)


def questions_frame(instrument: Instrument) -> pd.DataFrame:
    """The codebook: each question's name and its Thai and English words, and its choices."""
    rows = []
    for item in instrument.all_items():
        choices = " | ".join(f"{c.value} = {c.label_th}" for c in item.choices or ())
        rows.append([item.id, item.type, item.label_th, item.label_en, choices])
    return pd.DataFrame(rows, columns=["name", "type", "label::Thai (th)", "label::English (en)", "choices"])


def write_frame(frame: pd.DataFrame, out: Path, fmt: str, instrument: Instrument | None = None) -> None:
    """CSV (UTF-8 with a BOM, so that Excel shows Thai) or XLSX (sheet ``answers``, first, and with an
    instrument a ``questions`` sheet that names each question in Thai and English)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(out, index=False, encoding="utf-8-sig")
        return
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="answers")
        if instrument is not None:
            questions_frame(instrument).to_excel(writer, index=False, sheet_name="questions")


def export_answers(
    store: CentralStore,
    out: Path,
    *,
    fmt: str,
    layout: str,
    instrument: Instrument | None = None,
    start: date = FIRST_DAY,
    end: date = LAST_DAY,
    include_demo: bool = False,
) -> int:
    """Write the answers to ``out``; returns the number of responses written."""
    responses = collect(
        store,
        instrument=instrument.id if instrument else None,
        start=start,
        end=end,
        include_demo=include_demo,
    )
    frame = wide_frame(responses, instrument) if layout == "wide" else long_frame(responses)
    write_frame(frame, out, fmt, instrument)
    return len(responses)
