"""The arithmetic of satisfaction figures, against numbers worked out by hand from issue 10."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.stats import (
    DEFAULT_BANDS,
    Band,
    Interval,
    band_of,
    summarise_likert,
    verdict,
)
from tests.analysis.frames import from_counts, make_frames

# The published Thai table of the issue: scores 5→1 chosen 169, 90, 45, 8, 6 times (n = 318).
# Σ scores = 845 + 360 + 135 + 16 + 6 = 1362; mean = 1362 / 318 = 4.28302; ÷ 5 × 100 = 85.6604;
# at 4–5: 259 / 318 = 81.4465 %; Σx² = 6108, sd = √((6108 − 1362²/318) / 317) = √0.866026 = 0.93060.
PUBLISHED = {5: 169, 4: 90, 3: 45, 2: 8, 1: 6}


def published() -> pd.DataFrame:
    return from_counts(PUBLISHED)[1]


def test_the_published_thai_table() -> None:
    s = summarise_likert(published())
    assert (s.n, s.items) == (318, 318)
    assert s.mean == pytest.approx(4.283019, abs=1e-6)
    assert round(s.mean, 2) == 4.28
    assert round(s.mean_pct, 2) == 85.66
    assert round(s.top2_pct, 2) == 81.45
    assert s.sd == pytest.approx(0.93060, abs=1e-5)
    assert s.band is not None and (s.band.label_th, s.band.label_en) == ("มาก", "high")


def test_the_published_table_intervals() -> None:
    s = summarise_likert(published())
    # One item per response: the t interval of a mean, 4.283019 ± 1.96750 × 0.93060 / √318
    # = 4.283019 ± 0.102676 → 83.61–87.71 % of 5.
    assert s.mean_interval is not None
    assert (s.mean_interval.low, s.mean_interval.high) == (
        pytest.approx(83.61, abs=0.01),
        pytest.approx(87.71, abs=0.01),
    )
    # Plain Wilson on 259 of 318 (z = 1.96): centre 0.81071, half-width 0.04264 → 76.81–85.33 %.
    assert s.top2_interval is not None
    assert (s.top2_interval.low, s.top2_interval.high) == (
        pytest.approx(76.81, abs=0.01),
        pytest.approx(85.33, abs=0.01),
    )
    assert "one per response: design effect 1)" in s.top2_interval.method
    assert "responses as the unit" in s.mean_interval.method


def test_a_mean_of_4_5825_is_91_65_percent_not_the_rounded_mean() -> None:
    # 233 fives and 167 fours: (1165 + 668) / 400 = 4.5825; shown as x̄ 4.58, ร้อยละ 91.65 (not 91.60).
    s = summarise_likert(from_counts({5: 233, 4: 167})[1])
    assert s.mean == pytest.approx(4.5825)
    assert round(s.mean_pct, 2) == 91.65
    assert s.band is not None and s.band.label_th == "มากที่สุด"


@pytest.mark.parametrize(
    ("mean", "th", "en"),
    [
        (5.00, "มากที่สุด", "very high"),
        (4.51, "มากที่สุด", "very high"),
        (4.50, "มาก", "high"),
        (3.51, "มาก", "high"),
        (3.50, "ปานกลาง", "moderate"),
        (2.51, "ปานกลาง", "moderate"),
        (2.50, "น้อย", "low"),
        (1.51, "น้อย", "low"),
        (1.50, "น้อยที่สุด", "very low"),
        (1.00, "น้อยที่สุด", "very low"),
        (4.5049, "มาก", "high"),  # shown as 4.50
        (4.5051, "มากที่สุด", "very high"),  # shown as 4.51
    ],
)
def test_band_edges(mean: float, th: str, en: str) -> None:
    band = band_of(mean)
    assert band is not None and (band.label_th, band.label_en) == (th, en)


def test_band_edges_are_a_setting() -> None:
    four = (Band(4.21, "ดีมาก", "very good"), Band(3.41, "ดี", "good"), Band(1.0, "พอใช้", "fair"))
    assert band_of(4.21, four) == four[0]
    assert band_of(4.20, four) == four[1]
    assert band_of(4.28, DEFAULT_BANDS) == DEFAULT_BANDS[1]
    s = summarise_likert(published(), bands=four)
    assert s.band == four[0]


def test_no_answers() -> None:
    s = summarise_likert(pd.DataFrame({"response": [], "value": []}))
    assert (s.n, s.items, s.mean, s.mean_pct, s.top2_pct, s.band) == (0, 0, None, None, None, None)
    assert s.mean_interval is None and s.top2_interval is None


def test_several_items_per_response_widen_the_interval() -> None:
    # 40 responses of 4 items each, every response all 5s (20) or all 3s (20): mean 4, 80 % of 5.
    # Items as independent: sd = √(160/159) = 1.00314, SE = 1.00314/√160 = 0.07930.
    # Responses as the unit: residuals ±4, Var = 640 / (40·39·16) = 0.025641, SE = 0.16013,
    # half-width t(0.975, 39) × SE × 20 = 2.02269 × 0.16013 × 20 = 6.478 → 73.52–86.48.
    items = ("overall", "process", "staff", "facilities")
    _, answers = make_frames([("info", dict.fromkeys(items, 5 if r < 20 else 3)) for r in range(40)])
    s = summarise_likert(answers)
    assert (s.n, s.items, s.mean_pct) == (40, 160, pytest.approx(80.0))
    assert s.mean_interval is not None
    assert s.mean_interval.low == pytest.approx(73.52, abs=0.01)
    assert s.mean_interval.high == pytest.approx(86.48, abs=0.01)
    naive = summarise_likert(pd.DataFrame({"response": range(160), "value": answers["value"]}))
    assert naive.mean_interval is not None and naive.top2_interval is not None
    assert (
        s.mean_interval.high - s.mean_interval.low
        > 2 * (naive.mean_interval.high - naive.mean_interval.low) * 0.95
    )
    # Top-2 share 50 %: design effect (160/(40·39·16)) ÷ (0.25/159) = 159/39 = 4.08, so 160 items are
    # worth 39 answers: Wilson on 20 of 39 is wider than Wilson on 80 of 160.
    assert s.top2_interval is not None
    assert "4.08" in s.top2_interval.method and "= 39" in s.top2_interval.method
    assert s.top2_interval.high - s.top2_interval.low > naive.top2_interval.high - naive.top2_interval.low


# -- verdicts -----------------------------------------------------------------------------------


def test_exactly_at_the_threshold_is_met_but_borderline() -> None:
    # 20 fives and 20 threes: mean 4.00 = 80.00 % exactly; its interval straddles 80.
    s = summarise_likert(from_counts({5: 20, 3: 20})[1])
    assert s.mean_pct == 80.0
    v = verdict(s.mean_pct, 80.0, ">=", n=s.n, min_sample=30, interval=s.mean_interval)
    assert (v.verdict, v.certainty) == ("met", "borderline")
    assert verdict(s.mean_pct, 80.0, ">", n=40, min_sample=30, interval=s.mean_interval).verdict == "not_met"


def test_no_data_and_inconclusive_say_why() -> None:
    v = verdict(None, 80.0, ">=", n=0, min_sample=30, interval=None)
    assert (v.verdict, v.certainty) == ("no_data", None)
    assert v.reason_th and v.reason_en
    v = verdict(100.0, 80.0, ">=", n=29, min_sample=30, interval=Interval(90, 100, "", ""))
    assert (v.verdict, v.certainty) == ("inconclusive", None)
    assert v.reason_th is not None and "29" in v.reason_th and "30" in v.reason_th
    assert v.reason_en is not None and "29" in v.reason_en and "30" in v.reason_en
    assert verdict(100.0, 80.0, ">=", n=30, min_sample=30, interval=(90, 100)).verdict == "met"


@pytest.mark.parametrize(
    ("threshold", "comparison", "expected"),
    [
        (80.0, ">=", ("met", "clear")),  # 83.61–87.71 wholly above 80
        (85.0, ">=", ("met", "borderline")),  # 85 inside the interval
        (86.0, ">=", ("not_met", "borderline")),  # 85.66 < 86, but 86 inside the interval
        (90.0, ">=", ("not_met", "clear")),  # wholly below 90
        (90.0, "<=", ("met", "clear")),
        (86.0, "<", ("met", "borderline")),
        (83.0, "<", ("not_met", "clear")),
    ],
)
def test_the_published_table_against_thresholds(
    threshold: float, comparison: str, expected: tuple[str, str]
) -> None:
    s = summarise_likert(published())
    v = verdict(s.mean_pct, threshold, comparison, n=s.n, min_sample=30, interval=s.mean_interval)
    assert (v.verdict, v.certainty) == expected


def test_no_interval_is_never_clear() -> None:
    assert verdict(90.0, 80.0, ">=", n=1, min_sample=1, interval=None).certainty == "borderline"


# -- properties ---------------------------------------------------------------------------------

responses_st = st.lists(st.lists(st.integers(1, 5), min_size=1, max_size=6), min_size=1, max_size=60)


def _frame(rows: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"response": r, "value": v} for r, values in enumerate(rows) for v in values],
        columns=["response", "value"],
    )


@given(responses_st)
def test_properties_of_a_summary(rows: list[list[int]]) -> None:
    s = summarise_likert(_frame(rows))
    assert s.n == len(rows) and s.items == sum(map(len, rows))
    assert s.mean is not None and s.mean_pct is not None and s.top2_pct is not None
    assert s.mean_pct == pytest.approx(s.mean * 20)
    assert 1 <= s.mean <= 5 and 20 <= s.mean_pct <= 100
    assert 0 <= s.top2_pct <= 100
    assert s.top2_interval is not None
    assert s.top2_interval.low <= s.top2_pct + 1e-9 and s.top2_pct - 1e-9 <= s.top2_interval.high
    assert s.top2_interval.low >= 0 and s.top2_interval.high <= 100
    if len(rows) >= 2:
        assert s.mean_interval is not None
        assert s.mean_interval.low <= s.mean_pct + 1e-9 and s.mean_pct - 1e-9 <= s.mean_interval.high


@given(
    st.floats(0, 100),
    st.floats(0, 100),
    st.sampled_from([">=", ">", "<=", "<"]),
    st.floats(0, 100),
    st.floats(0, 100),
)
def test_properties_of_a_verdict(value: float, threshold: float, comparison: str, a: float, b: float) -> None:
    low, high = min(a, b, value), max(a, b, value)
    v = verdict(value, threshold, comparison, n=100, min_sample=30, interval=(low, high))
    holds = {
        ">=": value >= threshold,
        ">": value > threshold,
        "<=": value <= threshold,
        "<": value < threshold,
    }
    assert v.verdict == ("met" if holds[comparison] else "not_met")
    if v.certainty == "clear":  # then the verdict would not change anywhere in the interval
        for end in (low, high):
            w = verdict(end, threshold, comparison, n=100, min_sample=30, interval=(low, high))
            assert w.verdict == v.verdict
