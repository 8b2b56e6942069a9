"""Satisfaction targets and tables, from hand-written frames and the built-in plan and instruments."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from analysis.satisfaction import aspect_table, respondent_table, service_table, target_row
from surveys.bilingual import UserError
from surveys.content.instruments import builtin_instruments
from surveys.content.plan import builtin_plan
from tests.analysis.frames import from_counts, make_frames

SERVICE = builtin_instruments()["service-satisfaction"]
FORUM = builtin_instruments()["forum-feedback"]


def plan_target(target_id: str, **changes: Any) -> Any:
    """A target of the built-in plan, with fields the plan may not have yet (services, min_sample)."""
    target = next(t for _, t in builtin_plan().targets() if t.id == target_id)
    return SimpleNamespace(**{**dict(target), **changes})


def test_p1_on_the_published_table() -> None:
    responses, answers = from_counts({5: 169, 4: 90, 3: 45, 2: 8, 1: 6}, service="info")
    row = target_row(plan_target("p1-satisfaction", services=["info"]), responses, answers, SERVICE)
    assert (row["n"], row["items"]) == (318, 318)
    assert round(row["mean"], 2) == 4.28
    assert (round(row["mean_pct"], 2), round(row["top2_pct"], 2)) == (85.66, 81.45)
    assert (row["band_th"], row["band_en"]) == ("มาก", "high")
    assert row["convention"] == "mean_pct" and row["value"] == row["mean_pct"]
    assert (row["verdict"], row["certainty"]) == ("met", "clear")  # 83.61–87.71 is above 80
    assert row["interval"]["low"] == pytest.approx(83.61, abs=0.01)
    assert row["min_sample"] == 30
    assert row["counts"] == {"instrument": "service-satisfaction", "services": ["info"], "item": None}
    json.dumps(row)  # a report.json row: plain data only


def test_top2_convention_takes_the_share_and_its_wilson_interval() -> None:
    responses, answers = from_counts({5: 169, 4: 90, 3: 45, 2: 8, 1: 6})
    target = plan_target("p1-satisfaction", convention="top2_share")
    row = target_row(target, responses, answers, SERVICE)
    assert round(row["value"], 2) == 81.45
    assert (round(row["interval"]["low"], 2), round(row["interval"]["high"], 2)) == (76.81, 85.33)
    assert (row["verdict"], row["certainty"]) == ("met", "borderline")  # 80 lies inside 76.81–85.33


def test_only_the_targets_services_count() -> None:
    # Ratings at the information centre (5s) and at the tax counter (1s): p1 counts the first only.
    rows = [("info", {"overall": 5})] * 30 + [("tax", {"overall": 1})] * 30
    responses, answers = make_frames(rows)
    p1 = target_row(plan_target("p1-satisfaction", services=["info"]), responses, answers, SERVICE)
    assert (p1["n"], p1["value"], p1["verdict"]) == (30, 100.0, "met")
    p10 = target_row(plan_target("p10-satisfaction", services=None), responses, answers, SERVICE)
    assert (p10["n"], p10["value"], p10["verdict"]) == (60, 60.0, "not_met")
    assert p10["counts"]["services"] is None


def test_no_responses_at_the_service_is_no_data() -> None:
    responses, answers = make_frames([("tax", {"overall": 5})] * 40)
    row = target_row(plan_target("p1-satisfaction", services=["info"]), responses, answers, SERVICE)
    assert (row["n"], row["value"], row["verdict"], row["certainty"]) == (0, None, "no_data", None)
    assert row["interval"] is None and row["reason_th"] and row["reason_en"]


def test_fewer_than_the_minimum_sample_is_inconclusive() -> None:
    responses, answers = make_frames([("info", {"overall": 5})] * 29)
    row = target_row(plan_target("p1-satisfaction"), responses, answers, SERVICE)
    assert (row["n"], row["value"], row["verdict"], row["certainty"]) == (29, 100.0, "inconclusive", None)
    lower = target_row(plan_target("p1-satisfaction", min_sample=20), responses, answers, SERVICE)
    assert (lower["verdict"], lower["min_sample"]) == ("met", 20)


def test_exactly_80_percent_is_met_borderline() -> None:
    responses, answers = from_counts({5: 20, 3: 20})
    row = target_row(plan_target("p1-satisfaction"), responses, answers, SERVICE)
    assert row["value"] == 80.0
    assert (row["verdict"], row["certainty"]) == ("met", "borderline")


def test_a_one_item_target_counts_that_item_only() -> None:
    # p15 names item "staff": the overall 5s do not count, only the staff 3s (60 % of 5).
    responses, answers = make_frames([("info", {"overall": 5, "staff": 3, "process": 5})] * 35)
    row = target_row(plan_target("p15-transparent-service"), responses, answers, SERVICE)
    assert (row["n"], row["items"], row["value"]) == (35, 35, 60.0)
    assert row["counts"]["item"] == "staff"
    everything = target_row(plan_target("p10-satisfaction"), responses, answers, SERVICE)
    assert (everything["items"], round(everything["value"], 2)) == (105, 86.67)  # (5+3+5)/3 = 4.333


def test_aspect_table_rows_by_thai_label_and_overall() -> None:
    # 10 responses: process 5,5,…; staff 4; facilities half 3, half 5; channels unanswered.
    rows = [
        ("info", {"overall": 4, "process": 5, "staff": 4, "facilities": 3 if r < 5 else 5}) for r in range(10)
    ]
    responses, answers = make_frames(rows)
    table = aspect_table(responses, answers, SERVICE)
    by_item = {row["item"]: row for row in table["rows"]}
    assert [r["item"] for r in table["rows"]] == ["overall", "process", "channels", "staff", "facilities"]
    assert by_item["process"]["aspect"] == "ด้านกระบวนการ/ขั้นตอนการให้บริการ"
    assert (by_item["process"]["mean"], by_item["process"]["sd"], by_item["process"]["band"]) == (
        5.0,
        0.0,
        "มากที่สุด",
    )
    assert by_item["channels"]["n"] == 0 and by_item["channels"]["mean"] is None
    # facilities: five 3s and five 5s: x̄ 4.00, S.D. √(10/9) = 1.0541, 80 %, มาก.
    f = by_item["facilities"]
    assert (f["mean"], round(f["sd"], 4), f["mean_pct"], f["band"]) == (4.0, 1.0541, 80.0, "มาก")
    # ภาพรวม over all 40 answered items: (40 + 50 + 40 + 40) / 40 = 4.25 → 85 %, มาก.
    total = table["total"]
    assert (total["aspect"], total["n"], total["mean"], total["mean_pct"], total["band"]) == (
        "ภาพรวม",
        10,
        4.25,
        85.0,
        "มาก",
    )
    assert [c["th"] for c in table["columns"]] == ["ด้าน", "จำนวนผู้ตอบ", "x̄", "S.D.", "ร้อยละ", "ระดับ"]
    assert table["suppressed"] is False


def test_service_table_and_public_suppression() -> None:
    # tax 3 responses (all 1s), info 10 (5s), land 20 (4s).
    rows = [("tax", {"overall": 1})] * 3 + [("info", {"overall": 5})] * 10 + [("land", {"overall": 4})] * 20
    responses, answers = make_frames(rows)
    names = {"info": ("ศูนย์ข้อมูลข่าวสาร", "Information centre")}
    staff = service_table(responses, answers, SERVICE, service_names=names)
    by_id = {row["service_id"]: row for row in staff["rows"]}
    assert (by_id["tax"]["n"], by_id["tax"]["mean"]) == (3, 1.0)
    assert by_id["info"]["service"] == "ศูนย์ข้อมูลข่าวสาร"
    assert by_id["land"]["service"] == "land"
    # ภาพรวม: (3 + 50 + 80) / 33 = 4.0303 → 80.61 %.
    assert staff["total"]["n"] == 33 and round(staff["total"]["mean_pct"], 2) == 80.61
    assert staff["suppressed"] is False

    public = service_table(responses, answers, SERVICE, service_names=names, public=True)
    by_id = {row["service_id"]: row for row in public["rows"]}
    assert all(by_id["tax"][k] == "<5" for k in ("n", "mean", "sd", "mean_pct", "band"))
    # one hidden row could be worked out from the total: the next smallest (info, 10) is hidden too
    assert by_id["info"]["n"] == "<5" and by_id["info"]["mean"] == "<5"
    assert by_id["land"]["n"] == 20 and by_id["land"]["mean"] == 4.0
    assert public["suppressed"] is True
    assert 3 not in by_id["tax"].values() and 1.0 not in by_id["tax"].values()


def test_respondents_by_band_sum_to_100() -> None:
    # 12 women, 7 men, 2 other, 1 who skipped the question: 22 respondents.
    # 12/22 = 54.5454…, 7/22 = 31.8181…, 2/22 = 9.0909…, 1/22 = 4.5454…: rounded down 54.54, 31.81,
    # 9.09, 4.54 (= 99.98); the two largest remainders get the missing 0.02: 31.81 (.0082) and, of
    # the tie at .0055, the first listed, 54.54.
    sexes = ["female"] * 12 + ["male"] * 7 + ["other"] * 2 + [None]
    rows = [(None, {"overall": 5, **({"sex": s} if s else {})}) for s in sexes]
    responses, answers = make_frames(rows, instrument="forum-feedback")
    table = respondent_table(responses, answers, FORUM)
    sex = [r for r in table["rows"] if r["item"] == "sex"]
    assert [(r["band"], r["count"]) for r in sex] == [
        ("หญิง", 12),
        ("ชาย", 7),
        ("อื่น ๆ", 2),
        ("ไม่ประสงค์ระบุ", 0),
        ("ไม่ตอบ", 1),
    ]
    assert [r["pct"] for r in sex] == [54.55, 31.82, 9.09, 0.0, 4.54]
    assert round(sum(r["pct"] for r in sex) * 100) == 10000
    ages = [r for r in table["rows"] if r["item"] == "age_band"]
    assert ages[-1]["band"] == "ไม่ตอบ" and ages[-1]["count"] == 22 and ages[-1]["pct"] == 100.0
    assert table["total"]["count"] == 22

    public = respondent_table(responses, answers, FORUM, public=True)
    sex = {r["band"]: r for r in public["rows"] if r["item"] == "sex"}
    assert (sex["อื่น ๆ"]["count"], sex["อื่น ๆ"]["pct"]) == ("<5", "<5")
    assert (sex["ไม่ตอบ"]["count"], sex["ไม่ตอบ"]["pct"]) == ("<5", "<5")
    assert sex["หญิง"]["count"] == 12 and sex["ชาย"]["count"] == 7  # two hidden: no need to hide more
    assert sex["ไม่ประสงค์ระบุ"]["count"] == 0
    assert public["suppressed"] is True


def test_an_instrument_without_demographic_questions_has_no_respondent_rows() -> None:
    responses, answers = from_counts({5: 10})
    assert respondent_table(responses, answers, SERVICE)["rows"] == []


def test_a_target_naming_an_unknown_item_says_so_in_thai_and_english() -> None:
    responses, answers = from_counts({5: 10})
    with pytest.raises(UserError) as caught:
        target_row(plan_target("p15-transparent-service", item="speed"), responses, answers, SERVICE)
    assert caught.value.code == "target.item_unknown"
    assert "speed" in caught.value.th and "staff" in caught.value.en


def test_tables_of_an_empty_store_are_plain_data() -> None:
    responses, answers = make_frames([])
    aspects = aspect_table(responses, answers, SERVICE, public=True)
    assert [r["n"] for r in aspects["rows"]] == [0] * 5 and aspects["total"]["mean"] is None
    services = service_table(responses, answers, SERVICE, public=True)
    assert services["rows"] == [] and services["total"]["n"] == 0
    forum = respondent_table(responses, answers, FORUM, public=True)
    assert all(r["count"] == 0 for r in forum["rows"]) and forum["total"]["count"] == 0
    row = target_row(plan_target("p10-satisfaction"), responses, answers, SERVICE)
    assert row["verdict"] == "no_data"
    json.dumps([aspects, services, forum, row], ensure_ascii=False)
