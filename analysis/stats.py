"""The arithmetic of satisfaction figures: likert summaries, their intervals, Thai bands and verdicts.

Everything a satisfaction target reports is computed here, from one long table of answers (one row
per response and scored item answered, as :mod:`analysis.frames` gives them). An analyst can call the
same functions from a notebook and get the report's numbers::

    from analysis.stats import summarise_likert, verdict
    s = summarise_likert(answers[answers.item == "staff"])
    s.mean, s.mean_pct, s.top2_pct, s.band.label_th, s.mean_interval
    verdict(s.mean_pct, 80.0, ">=", n=s.n, min_sample=30, interval=s.mean_interval)

Definitions (issue 10):

- ``mean``: the mean of every answered scored item, on the 1–5 scale (not the mean of the
  respondents' means: a response that answered five items weighs five times one that answered one);
- ``sd``: the sample standard deviation (n − 1) over those items;
- ``mean_pct`` = the unrounded ``mean`` ÷ 5 × 100 (a mean of 4.5825 is ร้อยละ 91.65, not 91.60);
- ``top2_pct``: the percentage of answered scored items at 4 (มาก) or 5 (มากที่สุด);
- the band (ระดับ): the Thai level of the mean as shown to two decimals, by edges that are a
  setting (:data:`DEFAULT_BANDS`: มากที่สุด 4.51–5.00 … น้อยที่สุด 1.00–1.50).

Responses, not items, are the sampling unit: the items one person answers are correlated, so the
intervals treat the response as the unit (see :func:`mean_pct_interval` and :func:`top2_interval`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

__all__ = [
    "DEFAULT_BANDS",
    "MEAN_METHOD",
    "MEAN_METHOD_TH",
    "Band",
    "Interval",
    "LikertSummary",
    "ResponseTotals",
    "Verdict",
    "band_of",
    "design_effect",
    "mean_pct_interval",
    "response_totals",
    "summarise_likert",
    "top2_interval",
    "verdict",
]

CONFIDENCE = 0.95
HIGH_SCORES = (4, 5)  # มาก and มากที่สุด: what top2_pct counts


# -- bands --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """One Thai level of a five-point mean: from ``lower`` (inclusive, on the 2-decimal mean) up."""

    lower: float
    label_th: str
    label_en: str


DEFAULT_BANDS: tuple[Band, ...] = (
    Band(4.51, "มากที่สุด", "very high"),
    Band(3.51, "มาก", "high"),
    Band(2.51, "ปานกลาง", "moderate"),
    Band(1.51, "น้อย", "low"),
    Band(1.00, "น้อยที่สุด", "very low"),
)
"""The usual Thai interpretation of a five-point mean: มากที่สุด 4.51–5.00, มาก 3.51–4.50, ปานกลาง
2.51–3.50, น้อย 1.51–2.50, น้อยที่สุด 1.00–1.50. A municipality that uses other edges passes its own."""


def band_of(mean: float | None, bands: Sequence[Band] = DEFAULT_BANDS) -> Band | None:
    """The band of ``mean`` as the reader sees it: rounded to two decimals, then the highest band
    whose lower edge it reaches (4.50 → มาก, 4.51 → มากที่สุด). ``None`` for no mean."""
    if mean is None or math.isnan(mean):
        return None
    shown = round(mean, 2)
    for band in sorted(bands, key=lambda b: b.lower, reverse=True):
        if shown >= band.lower:
            return band
    return None


# -- intervals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A 95 % interval, in the unit of the value it belongs to (percent here), and how it was made."""

    low: float
    high: float
    method: str
    method_th: str

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "method": self.method, "method_th": self.method_th}


@dataclass(frozen=True)
class ResponseTotals:
    """Per response: the sum of its scored answers, how many it answered and how many at 4–5."""

    scores: np.ndarray[Any, np.dtype[np.float64]]
    items: np.ndarray[Any, np.dtype[np.float64]]
    high: np.ndarray[Any, np.dtype[np.float64]]

    @property
    def n(self) -> int:
        return len(self.items)


def _scores(answers: pd.DataFrame) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The valid answers: (response codes 0…n−1, values 1–5 as floats)."""
    if "score" in answers.columns:  # analysis.frames gives the numbers once
        numbers = answers["score"].to_numpy(dtype=float, na_value=np.nan)
    else:
        values = answers["value"]
        if values.dtype == object:
            values = pd.to_numeric(values, errors="coerce")
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
    keep = np.isin(numbers, (1.0, 2.0, 3.0, 4.0, 5.0))
    response = answers["response"]
    if isinstance(response.dtype, pd.CategoricalDtype):  # group by the category codes, not the text
        _, codes = np.unique(response.cat.codes.to_numpy()[keep], return_inverse=True)
    else:
        codes, _ = pd.factorize(response.to_numpy()[keep])
    return codes, numbers[keep]


def response_totals(answers: pd.DataFrame) -> ResponseTotals:
    """Fold a long table (columns ``response`` and ``value``) into per-response totals.

    Values that are not a whole number 1–5 are left out (the kiosk cannot record them; an
    imported file might)."""
    codes, values = _scores(answers)
    return _totals(codes, values)


def _totals(codes: np.ndarray[Any, Any], values: np.ndarray[Any, Any]) -> ResponseTotals:
    n = int(codes.max()) + 1 if len(codes) else 0
    high = np.isin(values, HIGH_SCORES).astype(float)
    return ResponseTotals(
        scores=np.bincount(codes, weights=values, minlength=n).astype(float),
        items=np.bincount(codes, minlength=n).astype(float),
        high=np.bincount(codes, weights=high, minlength=n).astype(float),
    )


def _ratio_variance(numerator: np.ndarray[Any, Any], items: np.ndarray[Any, Any], ratio: float) -> float:
    """Var(Σy ÷ Σm) by linearisation over responses: Σ(y_r − R·m_r)² ÷ (n(n−1)·m̄²)."""
    n = len(items)
    residual = numerator - ratio * items
    return float(np.sum(residual**2) / (n * (n - 1) * np.mean(items) ** 2))


MEAN_METHOD = (
    "ratio mean with responses as the unit: Σ scores ÷ Σ items; variance by linearisation over "
    "the n responses, Σ(score_r − mean·items_r)² ÷ (n(n−1)·(mean items per response)²); "
    "mean ± t(0.975, n−1)·SE, as % of 5"
)
MEAN_METHOD_TH = (
    "ค่าเฉลี่ยแบบอัตราส่วนโดยถือผู้ตอบหนึ่งคนเป็นหนึ่งหน่วย (ผลรวมคะแนน ÷ จำนวนข้อที่ตอบ) "
    "ความแปรปรวนโดยวิธี linearisation ระหว่างผู้ตอบ ช่วงความเชื่อมั่น 95 % จากการแจกแจง t ที่ df = n − 1 "
    "คิดเป็นร้อยละของคะแนนเต็ม 5"
)


def mean_pct_interval(totals: ResponseTotals, confidence: float = CONFIDENCE) -> Interval | None:
    """The interval of ``mean_pct`` that respects responses as the unit.

    The mean is a ratio estimator, R = Σ scores ÷ Σ items over the n responses. Its variance is
    estimated by linearisation (Taylor series) with the response as the unit:
    Var(R) ≈ Σ_r (S_r − R·m_r)² ÷ (n(n−1)·m̄²), where S_r is response r's sum of scores, m_r the number
    of scored items it answered and m̄ the mean of m_r. The interval is R ± t(1 − α/2, n − 1)·√Var(R),
    ×20 to be a percentage of 5, and kept within 20–100 (the scale's range). With one item per
    response this is the ordinary t interval of a mean. ``None`` with fewer than two responses."""
    n = totals.n
    if n < 2:
        return None
    mean = float(totals.scores.sum() / totals.items.sum())
    se = math.sqrt(_ratio_variance(totals.scores, totals.items, mean))
    t = float(scipy_stats.t.ppf(0.5 + confidence / 2, n - 1))
    low, high = (mean - t * se) * 20, (mean + t * se) * 20
    return Interval(max(20.0, low), min(100.0, high), MEAN_METHOD, MEAN_METHOD_TH)


def design_effect(totals: ResponseTotals) -> float:
    """How much the share at 4–5 varies more than if every item were a respondent of its own.

    The variance of p = Σ high ÷ Σ items by linearisation over responses, divided by the same
    estimator with the items as the units, p(1 − p) ÷ (N − 1); never below 1 (so an interval is
    never narrower than the one that treats items as independent). Exactly 1 with one item per
    response; with one response, the number of its items (they count as one)."""
    n, big_n = totals.n, float(totals.items.sum())
    if n < 2:
        return max(1.0, big_n)
    p = float(totals.high.sum()) / big_n
    if p in (0.0, 1.0) or bool(np.all(totals.items == 1)):
        return 1.0  # no spread to inflate, or one item per response: the two estimators agree
    by_response = _ratio_variance(totals.high, totals.items, p)
    by_item = p * (1 - p) / (big_n - 1)
    return max(1.0, by_response / by_item)


def top2_interval(totals: ResponseTotals, confidence: float = CONFIDENCE) -> Interval | None:
    """The Wilson interval of ``top2_pct`` on the effective sample size.

    Items within a response are correlated, so the N answered items are worth N ÷ deff independent
    answers, deff being :func:`design_effect` (linearisation over responses). scipy's Wilson interval
    (``binomtest(k, n).proportion_ci(method="wilson")``) is taken with n = ⌊N ÷ deff⌋ (at least 1) and
    k = round(p·n). With one item per response deff = 1 and this is the plain Wilson interval of
    the counts. ``None`` with no answers."""
    big_n = int(totals.items.sum())
    if big_n == 0:
        return None
    p = float(totals.high.sum()) / big_n
    deff = design_effect(totals)
    n_eff = max(1, math.floor(big_n / deff + 1e-9))
    k = round(p * n_eff)
    ci = scipy_stats.binomtest(k, n_eff).proportion_ci(confidence_level=confidence, method="wilson")
    # k/n_eff rounds p; keep the interval around the reported value itself.
    low, high = min(float(ci.low), p) * 100, max(float(ci.high), p) * 100
    if deff == 1.0:
        method = "Wilson 95 % over the answered items (one per response: design effect 1)"
        method_th = "ช่วงความเชื่อมั่น 95 % แบบ Wilson จากจำนวนข้อที่ตอบ (ผลกระทบจากการออกแบบ = 1)"
    else:
        method = (
            f"Wilson 95 % on the effective sample size: {big_n} items ÷ design effect {deff:.2f} "
            f"(linearisation over responses) = {n_eff}"
        )
        method_th = (
            f"ช่วงความเชื่อมั่น 95 % แบบ Wilson จากขนาดตัวอย่างประสิทธิผล: {big_n} ข้อ ÷ "
            f"ผลกระทบจากการออกแบบ {deff:.2f} (linearisation ระหว่างผู้ตอบ) = {n_eff}"
        )
    return Interval(low, high, method, method_th)


# -- the summary --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LikertSummary:
    """The figures of a set of five-point answers (see the module's docstring for definitions).

    ``mean_interval`` is the interval of ``mean_pct``; ``top2_interval`` that of ``top2_pct``.
    With no answers every figure is ``None`` and ``n`` and ``items`` are 0."""

    n: int
    items: int
    mean: float | None
    sd: float | None
    mean_pct: float | None
    top2_pct: float | None
    band: Band | None
    mean_interval: Interval | None
    top2_interval: Interval | None

    def to_dict(self) -> dict[str, Any]:
        """The fields a report row holds (``band_th``/``band_en`` rather than the band)."""
        return {
            "n": self.n,
            "items": self.items,
            "mean": self.mean,
            "sd": self.sd,
            "band_th": self.band.label_th if self.band else None,
            "band_en": self.band.label_en if self.band else None,
            "mean_pct": self.mean_pct,
            "top2_pct": self.top2_pct,
        }


def summarise_likert(
    answers: pd.DataFrame, *, bands: Sequence[Band] = DEFAULT_BANDS, confidence: float = CONFIDENCE
) -> LikertSummary:
    """Summarise five-point answers: ``answers`` has one row per (response, scored item answered),
    with columns ``response`` (any id) and ``value`` (1–5; other values are left out).

    ``n`` counts responses with at least one such answer, ``items`` the answers themselves."""
    codes, values = _scores(answers)
    totals = _totals(codes, values)
    big_n = int(totals.items.sum())
    if big_n == 0:
        return LikertSummary(0, 0, None, None, None, None, None, None, None)
    mean = float(totals.scores.sum()) / big_n
    sd = float(np.std(values, ddof=1)) if big_n > 1 else None
    return LikertSummary(
        n=totals.n,
        items=big_n,
        mean=mean,
        sd=sd,
        mean_pct=mean / 5 * 100,
        top2_pct=float(totals.high.sum()) / big_n * 100,
        band=band_of(mean, bands),
        mean_interval=mean_pct_interval(totals, confidence),
        top2_interval=top2_interval(totals, confidence),
    )


# -- verdicts -----------------------------------------------------------------------------------

VerdictName = Literal["met", "not_met", "inconclusive", "no_data"]
Certainty = Literal["clear", "borderline"]


@dataclass(frozen=True)
class Verdict:
    """Whether a target is met, how certain that is, and (for no_data/inconclusive) why, in Thai and
    English."""

    verdict: VerdictName
    certainty: Certainty | None
    reason_th: str | None = None
    reason_en: str | None = None


def _meets(value: float, threshold: float, comparison: str) -> bool:
    if comparison == ">=":
        return value >= threshold
    if comparison == ">":
        return value > threshold
    if comparison == "<=":
        return value <= threshold
    if comparison == "<":
        return value < threshold
    if comparison == "=":
        return value == threshold
    raise ValueError(f"unknown comparison {comparison!r}: use >=, >, <=, < or =")


def verdict(
    value: float | None,
    threshold: float,
    comparison: str,
    n: int,
    min_sample: int,
    interval: Interval | tuple[float, float] | None,
) -> Verdict:
    """The verdict on a target and its certainty.

    - ``no_data`` when n = 0; ``inconclusive`` when n < ``min_sample`` (certainty ``None`` for both,
      with the reason in Thai and English);
    - else ``met`` when ``value`` reaches the threshold by ``comparison`` (">=", ">", "<=", "<" or "=";
      a value exactly at the threshold with ">=" is met), ``not_met`` otherwise;
    - ``certainty`` is ``clear`` when every value in the interval would give the same verdict (the
      whole interval lies on the verdict's side of the threshold), ``borderline`` otherwise, and
      ``borderline`` when there is no interval."""
    if n == 0 or value is None:
        return Verdict(
            "no_data",
            None,
            "ยังไม่มีคำตอบในช่วงเวลานี้",
            "no answers in this period",
        )
    if n < min_sample:
        return Verdict(
            "inconclusive",
            None,
            f"มีผู้ตอบ {n} คน น้อยกว่าขนาดตัวอย่างขั้นต่ำ {min_sample} คน จึงยังสรุปไม่ได้",
            f"{n} responses, fewer than the minimum sample of {min_sample}: too few to conclude",
        )
    met = _meets(value, threshold, comparison)
    if interval is None:
        return Verdict("met" if met else "not_met", "borderline")
    low, high = (interval.low, interval.high) if isinstance(interval, Interval) else interval
    same = all(_meets(v, threshold, comparison) == met for v in (low, high))
    if comparison == "=" and not met and low <= threshold <= high:
        same = False  # both ends miss, but the threshold lies between them
    return Verdict("met" if met else "not_met", "clear" if same else "borderline")
