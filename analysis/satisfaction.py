"""Satisfaction targets and the tables a Thai satisfaction report always has.

From the ``responses`` and ``answers`` frames (see :mod:`analysis.frames`) and an instrument
(:mod:`surveys.content.instruments`):

- :func:`target_row`: a satisfaction target's figures, interval and verdict, as ``report.json`` holds
  them (the arithmetic is in :mod:`analysis.stats`);
- :func:`aspect_table`: one row per ด้าน (each scored five-point item) and ภาพรวม;
- :func:`service_table`: the same figures per service, with ภาพรวม as the total;
- :func:`respondent_table`: respondents by the coarse bands the instrument asks (its ``demographic``
  items: เพศ, ช่วงอายุ, สังกัด …), counts and percentages summing to 100.

Whose answers count is explicit: the responses of the target's instrument, at the target's services
(``None``: every service), and only the target's ``item`` if it names one. In the public edition
(``public=True``) a cell resting on 1–4 responses is the string ``"<5"``, never the number.

In a notebook::

    from analysis.satisfaction import target_row, aspect_table
    from surveys.content.instruments import builtin_instruments
    from surveys.content.plan import builtin_plan
    plan = builtin_plan()
    target = next(t for _, t in plan.targets() if t.id == "p1-satisfaction")
    instrument = builtin_instruments()[target.instrument]
    target_row(target, responses, answers, instrument)["value"]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

import numpy as np
import pandas as pd

from analysis.stats import DEFAULT_BANDS, Band, LikertSummary, summarise_likert, verdict
from surveys.bilingual import UserError
from surveys.content.instruments import Instrument, Item

__all__ = [
    "MIN_CELL",
    "SUPPRESSED",
    "aspect_table",
    "respondent_table",
    "scored_answers",
    "select_responses",
    "service_table",
    "summarise",
    "target_row",
]

MIN_CELL = 5
"""The public edition shows no cell that rests on fewer answers than this (DESIGN.md, invariant 5)."""
SUPPRESSED = "<5"
DEFAULT_MIN_SAMPLE = 30


# -- whose answers count ------------------------------------------------------------------------


def select_responses(
    responses: pd.DataFrame,
    instrument: str,
    services: Collection[str] | None = None,
    project: int | None = None,
) -> pd.DataFrame:
    """The responses to ``instrument`` that count for a target of ``project`` measured at ``services``.

    A response linked to a project (answers imported with ``--project N``) counts for that project's
    targets only; one linked to none counts where its service is one of ``services`` (``None``: any
    service, and answers imported without a service too)."""
    chosen = responses[responses["instrument"] == instrument]
    if "project" in chosen.columns:
        linked = chosen["project"].notna()
        mine = linked & (chosen["project"] == project) if project is not None else linked & False
        unlinked = ~linked
    else:
        mine = pd.Series(False, index=chosen.index)
        unlinked = pd.Series(True, index=chosen.index)
    where = (
        chosen["service"].isin(list(services))
        if services is not None
        else pd.Series(True, index=chosen.index)
    )
    return chosen[mine | (unlinked & where)]


def _scored_items(instrument: Instrument, item: str | None = None) -> list[Item]:
    items = [i for i in instrument.scored_items() if i.type == "likert5"]
    if item is not None:
        items = [i for i in items if i.id == item]
        if not items:
            scored = ", ".join(i.id for i in instrument.scored_items())
            raise UserError(
                "target.item_unknown",
                f"แบบสอบถาม {instrument.id} ไม่มีข้อคะแนน 5 ระดับชื่อ {item!r} "
                f"(ข้อที่คิดคะแนนได้: {scored}) โปรดแก้ item ของตัวชี้วัดในไฟล์แผน",
                f"{instrument.id} has no scored five-point item {item!r} (its scored items: {scored}); "
                f"correct the target's item in the plan file",
            )
    return items


def scored_answers(
    responses: pd.DataFrame, answers: pd.DataFrame, instrument: Instrument, item: str | None = None
) -> pd.DataFrame:
    """The answers of ``responses`` to the instrument's scored five-point items (or to ``item``
    alone), as the long table :func:`analysis.stats.summarise_likert` reads."""
    ids = [i.id for i in _scored_items(instrument, item)]
    chosen = answers[
        answers["response"].isin(responses["response"])
        & (answers["instrument"] == instrument.id)
        & answers["item"].isin(ids)
    ]
    return chosen[[c for c in ("response", "item", "value", "score") if c in chosen.columns]]


def summarise(
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    instrument: Instrument,
    *,
    item: str | None = None,
    bands: Sequence[Band] = DEFAULT_BANDS,
) -> LikertSummary:
    """The likert summary of these responses' scored answers (or of ``item`` alone)."""
    return summarise_likert(scored_answers(responses, answers, instrument, item), bands=bands)


# -- a target's row -----------------------------------------------------------------------------


def target_row(
    target: Any,
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    instrument: Instrument,
    *,
    project: int | None = None,
    bands: Sequence[Band] = DEFAULT_BANDS,
) -> dict[str, Any]:
    """A :class:`~surveys.content.plan.SatisfactionTarget`'s row of ``report.json``.

    The responses are those to ``target.instrument`` at ``target.services`` (``None``: all); only
    ``target.item`` counts if the target names one. ``value`` is ``mean_pct`` under the ``mean_pct``
    convention and ``top2_pct`` under ``top2_share``; ``interval`` is the interval of that value;
    the verdict needs ``target.min_sample`` responses (30 by default). Unrounded numbers: the
    report file rounds to 4 decimals, the renderers to 2."""
    services: list[str] | None = getattr(target, "services", None)
    min_sample: int = getattr(target, "min_sample", DEFAULT_MIN_SAMPLE)
    if instrument.id != target.instrument:
        raise UserError(
            "target.instrument_mismatch",
            f"ตัวชี้วัด {target.id} ใช้แบบสอบถาม {target.instrument} ไม่ใช่ {instrument.id}",
            f"target {target.id} uses the instrument {target.instrument}, not {instrument.id}",
        )
    chosen = select_responses(responses, target.instrument, services, project)
    summary = summarise(chosen, answers, instrument, item=target.item, bands=bands)
    if target.convention == "top2_share":
        value, interval = summary.top2_pct, summary.top2_interval
    else:
        value, interval = summary.mean_pct, summary.mean_interval
    outcome = verdict(value, target.threshold, target.comparison, summary.n, min_sample, interval)
    return {
        "id": target.id,
        "kind": "satisfaction",
        "text_th": target.text_th,
        "text_en": target.text_en,
        "threshold": float(target.threshold),
        "comparison": target.comparison,
        "unit": "percent",
        "source": target.measured_by,
        "entered_by_hand": False,
        **summary.to_dict(),
        "convention": target.convention,
        "value": value,
        "interval": interval.to_dict() if interval is not None else None,
        "verdict": outcome.verdict,
        "certainty": outcome.certainty,
        "reason_th": outcome.reason_th,
        "reason_en": outcome.reason_en,
        "min_sample": min_sample,
        "counts": {
            "instrument": target.instrument,
            "services": list(services) if services is not None else None,
            "item": target.item,
        },
    }


# -- tables -------------------------------------------------------------------------------------

_FIGURE_COLUMNS: list[dict[str, str]] = [
    {"id": "n", "th": "จำนวนผู้ตอบ", "en": "Responses"},
    {"id": "mean", "th": "x̄", "en": "Mean"},
    {"id": "sd", "th": "S.D.", "en": "S.D."},
    {"id": "mean_pct", "th": "ร้อยละ", "en": "Percent"},
    {"id": "band", "th": "ระดับ", "en": "Level"},
]
OVERALL_TH, OVERALL_EN = "ภาพรวม", "Overall"


def _suppressed_cells() -> dict[str, Any]:
    return {**{c["id"]: SUPPRESSED for c in _FIGURE_COLUMNS}, "band_en": SUPPRESSED}


def _figures(summary: LikertSummary, public: bool) -> tuple[dict[str, Any], bool]:
    """The figure cells of one row, and whether they were suppressed."""
    if public and 0 < summary.n < MIN_CELL:
        return _suppressed_cells(), True
    return {
        "n": summary.n,
        "mean": summary.mean,
        "sd": summary.sd,
        "mean_pct": summary.mean_pct,
        "band": summary.band.label_th if summary.band else None,
        "band_en": summary.band.label_en if summary.band else None,
    }, False


def aspect_table(
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    instrument: Instrument,
    *,
    services: Collection[str] | None = None,
    project: int | None = None,
    public: bool = False,
    bands: Sequence[Band] = DEFAULT_BANDS,
) -> dict[str, Any]:
    """One row per ด้าน — each scored five-point item, named by its Thai label, in the form's order —
    and ``total``, the ภาพรวม row over every answered scored item (the target's figures). Columns:
    จำนวนผู้ตอบ, x̄, S.D., ร้อยละ (mean_pct), ระดับ (``band``; ``band_en`` also in each row)."""
    chosen = select_responses(responses, instrument.id, services, project)
    scored = scored_answers(chosen, answers, instrument)
    by_item = dict(list(scored.groupby("item", sort=False)))
    rows: list[dict[str, Any]] = []
    suppressed = False
    for item in _scored_items(instrument):
        part = by_item.get(item.id, scored.iloc[0:0])
        cells, hidden = _figures(summarise_likert(part, bands=bands), public)
        suppressed |= hidden
        rows.append({"aspect": item.label_th, "aspect_en": item.label_en, "item": item.id, **cells})
    cells, hidden = _figures(summarise_likert(scored, bands=bands), public)
    return {
        "title_th": f"ความพึงพอใจรายด้าน: {instrument.title_th}",
        "title_en": f"Satisfaction by aspect: {instrument.title_en}",
        "columns": [{"id": "aspect", "th": "ด้าน", "en": "Aspect"}, *_FIGURE_COLUMNS],
        "rows": rows,
        "total": {"aspect": OVERALL_TH, "aspect_en": OVERALL_EN, "item": None, **cells},
        "suppressed": suppressed or hidden,
    }


def service_table(
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    instrument: Instrument,
    *,
    services: Collection[str] | None = None,
    project: int | None = None,
    service_names: Mapping[str, tuple[str, str]] | None = None,
    item: str | None = None,
    public: bool = False,
    bands: Sequence[Band] = DEFAULT_BANDS,
) -> dict[str, Any]:
    """The satisfaction figures per service (sorted by service id) and ภาพรวม as the total.

    ``service_names`` maps a service id to its (Thai, English) name; the id stands in otherwise.
    Responses with no service (e.g. imported) appear as a row of their own, ไม่ระบุจุดบริการ. In the
    public edition a service under 5 responses is ``"<5"``; if that leaves exactly one hidden row,
    the next smallest is hidden too, so that it cannot be worked out from the total."""
    names = service_names or {}
    chosen = select_responses(responses, instrument.id, services, project)
    scored = scored_answers(chosen, answers, instrument, item)
    groups = dict(list(scored.groupby(_service_of(scored["response"], chosen), sort=False)))
    summaries = {
        key: summarise_likert(groups.get(key, scored.iloc[0:0]), bands=bands)
        for key in sorted(chosen["service"].fillna("").astype(str).unique())
    }
    hidden = {k for k, s in summaries.items() if public and 0 < s.n < MIN_CELL}
    if len(hidden) == 1:
        others = sorted((s.n, k) for k, s in summaries.items() if k not in hidden and s.n > 0)
        if others:
            hidden.add(others[0][1])
    rows: list[dict[str, Any]] = []
    for key, summary in summaries.items():
        th, en = names.get(key, (key, key)) if key else ("ไม่ระบุจุดบริการ", "no service")
        cells, _ = _figures(summary, public=False)
        if key in hidden:
            cells = _suppressed_cells()
        rows.append({"service": th, "service_en": en, "service_id": key or None, **cells})
    total, total_hidden = _figures(summarise_likert(scored, bands=bands), public)
    return {
        "title_th": f"ความพึงพอใจรายจุดบริการ: {instrument.title_th}",
        "title_en": f"Satisfaction by service: {instrument.title_en}",
        "columns": [{"id": "service", "th": "จุดบริการ", "en": "Service"}, *_FIGURE_COLUMNS],
        "rows": rows,
        "total": {"service": OVERALL_TH, "service_en": OVERALL_EN, "service_id": None, **total},
        "suppressed": bool(hidden) or total_hidden,
    }


def _service_of(response: pd.Series, chosen: pd.DataFrame) -> np.ndarray[Any, Any]:
    """Each answer's service ("" for none), from the responses ``chosen``. Answers loaded by
    :mod:`analysis.frames` carry their response as a category whose categories are the responses' ids,
    so the service is looked up by category code (a million answers in milliseconds)."""
    services = chosen["service"].fillna("").astype(str)
    if isinstance(response.dtype, pd.CategoricalDtype):
        per_category = pd.Series(services.to_numpy(), index=chosen["response"].to_numpy())
        per_category = per_category[~per_category.index.duplicated()]
        looked_up = per_category.reindex(response.cat.categories).fillna("").to_numpy(dtype=object)
        return np.asarray(looked_up[response.cat.codes.to_numpy()], dtype=object)
    unique = chosen.drop_duplicates("response")
    service_of = pd.Series(services.loc[unique.index].to_numpy(), index=unique["response"])
    return np.asarray(response.map(service_of).fillna("").to_numpy(), dtype=object)


def _percentages(counts: Sequence[int]) -> list[float]:
    """Percentages to two decimals that sum to exactly 100 (largest remainders get the last 0.01)."""
    total = sum(counts)
    if total == 0:
        return [0.0 for _ in counts]
    exact = [Decimal(c) * 100 / Decimal(total) for c in counts]
    floors = [e.quantize(Decimal("0.01"), rounding=ROUND_DOWN) for e in exact]
    short = int((Decimal(100) - sum(floors)) / Decimal("0.01"))
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += Decimal("0.01")
    return [float(f) for f in floors]


def respondent_table(
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    instrument: Instrument,
    *,
    services: Collection[str] | None = None,
    project: int | None = None,
    public: bool = False,
) -> dict[str, Any]:
    """Respondents by each coarse band the instrument asks (its ``demographic`` single-choice items,
    e.g. เพศ, ช่วงอายุ): one row per choice, then ไม่ตอบ (not answered), so that within one question the
    counts sum to the responses and the percentages (two decimals) to exactly 100.

    In the public edition a count of 1–4 and its percentage are ``"<5"`` (zero stays: it is about
    nobody); if one question would have exactly one hidden cell, its next smallest count is hidden
    too. An instrument with no demographic item gives a table with no rows."""
    rows: list[dict[str, Any]] = []
    suppressed = False
    asked = [i for i in instrument.all_items() if i.demographic and i.type == "single"]
    chosen = select_responses(responses, instrument.id, services, project) if asked else responses.iloc[0:0]
    ids = chosen["response"].drop_duplicates()
    for item in asked:
        given = answers[
            answers["response"].isin(ids)
            & (answers["instrument"] == instrument.id)
            & (answers["item"] == item.id)
        ]
        by_value = given.drop_duplicates("response")["value"].astype(str).value_counts()
        labels = [(c.label_th, c.label_en, int(by_value.get(c.value, 0))) for c in item.choices or ()]
        labels.append(("ไม่ตอบ", "not answered", len(ids) - int(by_value.sum())))
        counts = [count for _, _, count in labels]
        hidden = {i for i, count in enumerate(counts) if public and 0 < count < MIN_CELL}
        if len(hidden) == 1:
            others = sorted((count, i) for i, count in enumerate(counts) if i not in hidden and count > 0)
            if others:
                hidden.add(others[0][1])
        suppressed |= bool(hidden)
        for i, ((th, en, count), pct) in enumerate(zip(labels, _percentages(counts), strict=True)):
            rows.append(
                {
                    "question": item.label_th,
                    "question_en": item.label_en,
                    "item": item.id,
                    "band": th,
                    "band_en": en,
                    "count": SUPPRESSED if i in hidden else count,
                    "pct": SUPPRESSED if i in hidden else pct,
                }
            )
    return {
        "title_th": f"ข้อมูลทั่วไปของผู้ตอบ: {instrument.title_th}",
        "title_en": f"Respondents: {instrument.title_en}",
        "columns": [
            {"id": "question", "th": "ข้อมูลทั่วไป", "en": "Question"},
            {"id": "band", "th": "กลุ่ม", "en": "Band"},
            {"id": "count", "th": "จำนวน", "en": "Count"},
            {"id": "pct", "th": "ร้อยละ", "en": "Percent"},
        ],
        "rows": rows,
        "total": {
            "question": OVERALL_TH,
            "question_en": OVERALL_EN,
            "band": None,
            "count": SUPPRESSED if public and 0 < len(ids) < MIN_CELL else len(ids),
            "pct": 100.0 if len(ids) else 0.0,
        },
        "suppressed": suppressed,
    }
