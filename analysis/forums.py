"""Community forums and staff surveys in the year-end report: the arithmetic of their targets and the
tables of the report's forum and staff-survey section.

From the frames of :mod:`analysis.frames` (``forums``, ``votes``, ``staff``, and the forum forms and staff
responses among ``responses``/``answers``):

- :func:`held` / :func:`attendance`: the forums held in a period (attendance recorded, above 0) and their
  head count, in total and by band (:data:`surveys.forum.sessions.BANDS`);
- :func:`forum_frequency_target`, :func:`attendance_target`, :func:`attendance_change_target`: project 5's
  targets (exact counts: the verdict is clear);
- :func:`compliance_target`: the share of staff respondents who comply on every compliance item of the
  instrument (``compliant_value``), with its Wilson interval (project 15's NO Gift Policy);
- :func:`word_frequencies`: the most frequent words of free-text suggestions (PyThaiNLP ``newmm``, Thai
  stop words, punctuation and numbers left out);
- :func:`forum_section` / :func:`staff_section`: the tables. Staff-survey breakdowns by background band
  show no cell under :data:`~surveys.forum.sessions.SMALL_CELL` respondents, in either edition.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
from scipy import stats as scipy_stats

from analysis.operations.common import col
from analysis.satisfaction import (
    DEFAULT_MIN_SAMPLE,
    SUPPRESSED,
    aspect_table,
    respondent_table,
    select_responses,
    summarise,
)
from analysis.stats import Interval, verdict
from analysis.verdicts import COMPARE
from surveys.content.answers import compliance
from surveys.content.instruments import Instrument
from surveys.content.thaidate import format_date
from surveys.forum.sessions import BANDS, GROUP_NAMES, SMALL_CELL

FORUM, STAFF = "forum", "staff"
TOP_WORDS = 20
COUNTS_NOTE = (
    "นับเฉพาะเวทีที่บันทึกจำนวนผู้เข้าร่วมแล้ว (มากกว่า 0 คน)",
    "only forums whose attendance was recorded (more than 0) count",
)


# -- forums and attendance ----------------------------------------------------------------------------


def held(forums: pd.DataFrame) -> pd.DataFrame:
    """The forums held: their attendance recorded and above 0 (a forum opened by mistake is not one)."""
    if forums.empty:
        return forums
    return forums[forums["total"] > 0]


def attendance(forums: pd.DataFrame) -> tuple[int, dict[str, dict[str, int]]]:
    """The total head count of ``forums`` and its breakdown by band (every band, 0 where none)."""
    chosen = held(forums)
    total = int(chosen["total"].sum()) if not chosen.empty else 0
    bands = {
        group: {band: int(chosen[f"{group}_{band}"].sum()) if not chosen.empty else 0 for band, *_ in names}
        for group, names in BANDS.items()
    }
    return total, bands


def _exact(row: dict[str, Any], value: float, met: bool, **extra: Any) -> dict[str, Any]:
    return {**row, **extra, "value": value, "verdict": "met" if met else "not_met", "certainty": "clear"}


def _no_forum(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "value": None,
        "verdict": "no_data",
        "certainty": None,
        "reason_th": "ไม่มีเวทีประชาคมที่บันทึกด้วยชุดเครื่องมือในช่วงเวลานี้",
        "reason_en": "no community forum was recorded with the kit in this period",
    }


def forum_frequency_target(row: dict[str, Any], forums: pd.DataFrame) -> dict[str, Any]:
    """How many forums were held in the period, against the threshold (at least)."""
    count = len(held(forums))
    if forums.empty:
        return _no_forum(row)
    threshold = row["threshold"] if row["threshold"] is not None else 1
    return _exact(row, count, count >= threshold, n=count, note_th=COUNTS_NOTE[0], note_en=COUNTS_NOTE[1])


def attendance_target(row: dict[str, Any], forums: pd.DataFrame) -> dict[str, Any]:
    """The period's forum attendance (head counts, not forms) against the threshold, with the bands."""
    if forums.empty:
        return _no_forum(row)
    total, bands = attendance(forums)
    met = COMPARE[row["comparison"]](total, row["threshold"])
    return _exact(row, total, met, n=total, forums=len(held(forums)), bands=bands)


def attendance_change_target(
    row: dict[str, Any], forums: pd.DataFrame, earlier: pd.DataFrame | None, earlier_period: dict[str, str]
) -> dict[str, Any]:
    """This period's forum attendance against the same period a year before: ``value`` the change in
    percent; with no threshold any rise (``increase``) or fall (``decrease``) meets it."""
    before = attendance(earlier)[0] if earlier is not None and not earlier.empty else 0
    after = attendance(forums)[0] if not forums.empty else 0
    extra = {"before": before, "after": after, "earlier_period": earlier_period}
    if not before:
        return {
            **row,
            **extra,
            "value": None,
            "verdict": "no_data",
            "certainty": None,
            "reason_th": (
                f"ไม่มีเวทีประชาคมในช่วงเดียวกันของปีก่อน ({earlier_period['from']} ถึง {earlier_period['to']}) "
                "ในคลังข้อมูลกลาง จึงเทียบไม่ได้"
            ),
            "reason_en": (
                f"no community forum in the same period a year before ({earlier_period['from']} to "
                f"{earlier_period['to']}) in the central store: nothing to compare with"
            ),
        }
    change = (after - before) / before * 100
    threshold = row.get("threshold")
    if row.get("direction") == "decrease":
        met = -change >= threshold if threshold is not None else after < before
    else:
        met = change >= threshold if threshold is not None else after > before
    return _exact(row, change, met, **extra)


# -- compliance (NO Gift Policy) ----------------------------------------------------------------------


def wilson(k: int, n: int) -> Interval | None:
    """The Wilson 95 % interval of k out of n, in percent (None when n = 0)."""
    if n == 0:
        return None
    ci = scipy_stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return Interval(
        float(ci.low) * 100,
        float(ci.high) * 100,
        "Wilson 95 % over the respondents",
        "ช่วงความเชื่อมั่น 95 % แบบ Wilson จากจำนวนผู้ตอบ",
    )


def compliance_of(
    responses: pd.DataFrame, answers: pd.DataFrame, instrument: Instrument
) -> tuple[list[bool | None], dict[str, list[bool]]]:
    """Per response, whether it complies on every compliance item (None: some unanswered, the rest
    comply), and per item the answers' compliance."""
    ids = [item.id for item in instrument.compliance_items()]
    chosen = answers[answers["response"].isin(responses["response"]) & answers["item"].isin(ids)]
    given: dict[str, dict[str, Any]] = {str(r): {} for r in responses["response"]}
    for response, item, value in zip(chosen["response"], chosen["item"], chosen["value"], strict=True):
        given.setdefault(str(response), {})[str(item)] = value
    verdicts: list[bool | None] = []
    by_item: dict[str, list[bool]] = {i: [] for i in ids}
    for one in given.values():
        result = compliance(instrument, one)
        verdicts.append(result.complies)
        for item, ok in result.items.items():
            by_item[item].append(ok)
    return verdicts, by_item


def compliance_target(
    row: dict[str, Any],
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    instrument: Instrument,
    *,
    project: int | None = None,
    min_sample: int = DEFAULT_MIN_SAMPLE,
) -> dict[str, Any]:
    """A compliance target measured by a staff survey: ``value`` = the % of respondents who comply on every
    compliance item (respondents who left one unanswered, the rest complying, are not counted in ``n``:
    ``incomplete``), with its Wilson interval. The verdict needs ``min_sample`` respondents, except that a
    target of 100 % is plainly not met once one respondent does not comply."""
    chosen = select_responses(responses, instrument.id, None, project)
    chosen = chosen[chosen["source"] == STAFF] if "source" in chosen.columns else chosen
    verdicts, by_item = compliance_of(chosen, answers, instrument)
    n = sum(1 for v in verdicts if v is not None)
    k = sum(1 for v in verdicts if v is True)
    value = k / n * 100 if n else None
    interval = wilson(k, n)
    threshold, comparison = float(row["threshold"]), row["comparison"]
    outcome = verdict(value, threshold, comparison, n, min_sample, interval)
    figures = {
        **row,
        "n": n,
        "complying": k,
        "not_complying": n - k,
        "incomplete": sum(1 for v in verdicts if v is None),
        "value": value,
        "interval": interval.to_dict() if interval is not None else None,
        "min_sample": min_sample,
        "by_item": {item: {"answered": len(oks), "complied": sum(oks)} for item, oks in by_item.items()},
        "counts": {"instrument": instrument.id, "services": None, "item": None},
        "verdict": outcome.verdict,
        "certainty": outcome.certainty,
        "reason_th": outcome.reason_th,
        "reason_en": outcome.reason_en,
    }
    if outcome.verdict == "no_data":
        figures["reason_th"] = "ยังไม่มีคำตอบแบบสำรวจบุคลากรในคลังข้อมูลกลาง"
        figures["reason_en"] = "no staff survey answers in the central store"
    if (
        outcome.verdict == "inconclusive" and comparison in (">=", ">") and threshold >= 100 and k < n
    ):  # one respondent who does not comply settles a 100 % target, whatever the sample
        figures |= {
            "verdict": "not_met",
            "certainty": "clear",
            "reason_th": f"มีผู้ตอบ {n - k} คนที่ไม่ได้ปฏิบัติตามทุกข้อ เป้าหมายร้อยละ 100 จึงไม่บรรลุแน่นอน",
            "reason_en": f"{n - k} respondent(s) did not comply on every item: a 100 % target cannot be met",
        }
    return figures


# -- suggestions --------------------------------------------------------------------------------------

_NOT_A_WORD = re.compile(r"^[\W\d_๐-๙]+$")


def word_frequencies(texts: Iterable[str], top: int = TOP_WORDS) -> list[tuple[str, int, int]]:
    """The most frequent words of ``texts``: ``(word, times, texts using it)``, most first (ties in Thai
    alphabetical order). Words by PyThaiNLP's ``newmm`` engine, offline; Thai stop words
    (``thai_stopwords()``), spaces, punctuation and numbers left out; English lower-cased."""
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from pythainlp.corpus import thai_stopwords  # slow to import: only when there are suggestions
    from pythainlp.tokenize import word_tokenize

    stop = thai_stopwords()
    times: Counter[str] = Counter()
    texts_with: Counter[str] = Counter()
    for text in texts:
        words = [
            w.strip().lower()
            for w in word_tokenize(str(text), engine="newmm", keep_whitespace=False)
            if w.strip()
        ]
        words = [w for w in words if w not in stop and not _NOT_A_WORD.match(w)]
        times.update(words)
        texts_with.update(set(words))
    ranked = sorted(times.items(), key=lambda p: (-p[1], p[0]))[:top]
    return [(word, count, texts_with[word]) for word, count in ranked]


def forum_suggestions(
    responses: pd.DataFrame, answers: pd.DataFrame, instruments: Mapping[str, Instrument]
) -> list[str]:
    """The free text of the forum forms (the instruments' ``text`` items), as written: one per form and
    text item answered, in the order entered (the same text on two forms is there twice)."""
    forms = responses[responses["source"] == FORUM]
    if forms.empty or answers.empty:
        return []
    text_items = {
        (i.id, item.id) for i in instruments.values() for item in i.all_items() if item.type == "text"
    }
    chosen = answers[answers["response"].isin(forms["response"])]
    return [
        str(v).strip()
        for inst, item, v in zip(chosen["instrument"], chosen["item"], chosen["value"], strict=True)
        if (str(inst), str(item)) in text_items and isinstance(v, str) and v.strip()
    ]


# -- the forum section's tables -----------------------------------------------------------------------


def _day(value: Any) -> str:
    return format_date(value if isinstance(value, date) else date.fromisoformat(str(value)), style="short")


def sessions_table(forums: pd.DataFrame) -> dict[str, Any]:
    """One row per forum, by community and date: date, place, attendance, forms, forms taken back."""
    ordered = forums.sort_values(["community", "date", "session"]) if not forums.empty else forums
    rows = [
        {
            "community": f.community,
            "date": _day(f.date),
            "place": f.place,
            "total": int(f.total),
            "forms": int(f.forms),
            "voided": int(f.voided),
            "closed": bool(f.closed),
            "session": f.session,
        }
        for f in ordered.itertuples()
    ]
    return {
        "title_th": "เวทีประชาคมรายชุมชน",
        "title_en": "Community forums by community",
        "columns": [
            col("community", "ชุมชน", "Community"),
            col("date", "วันที่", "Date"),
            col("place", "สถานที่", "Place"),
            col("total", "ผู้เข้าร่วม (คน)", "Attendance"),
            col("forms", "แบบประเมิน (ฉบับ)", "Forms"),
            col("voided", "แบบที่ยกเลิก", "Forms taken back"),
            col("closed", "ปิดเวทีแล้ว", "Closed"),
        ],
        "rows": rows,
        "total": {
            "community": "รวม",
            "date": None,
            "place": f"{len(rows)} เวที",
            "total": sum(r["total"] for r in rows),
            "forms": sum(r["forms"] for r in rows),
            "voided": sum(r["voided"] for r in rows),
            "closed": None,
        },
        "suppressed": False,
        "note_th": COUNTS_NOTE[0] + " ผู้เข้าร่วมเป็นการนับจำนวนคน แบบประเมินนับเฉพาะฉบับที่ไม่ถูกยกเลิก",
        "note_en": COUNTS_NOTE[1] + "; attendance is a head count, forms count only those not taken back",
    }


def attendance_table(forums: pd.DataFrame, threshold: float | None) -> dict[str, Any]:
    """The period's attendance by band (each group sums to the total), against the plan's head count."""
    total, bands = attendance(forums)
    rows = []
    for group, names in BANDS.items():
        for band, th, en in names:
            count = bands[group][band]
            rows.append(
                {
                    "group": GROUP_NAMES[group][0],
                    "group_en": GROUP_NAMES[group][1],
                    "band": th,
                    "band_en": en,
                    "count": count,
                    "pct": count / total * 100 if total else None,
                }
            )
    target = f" เทียบเป้าหมาย {threshold:g} คน" if threshold is not None else ""
    target_en = f" against the target of {threshold:g}" if threshold is not None else ""
    return {
        "title_th": f"ผู้เข้าร่วมเวทีประชาคม {total} คน{target} จำแนกตามกลุ่ม",
        "title_en": f"Forum attendance: {total}{target_en}, by band",
        "columns": [
            col("group", "จำแนกตาม", "By"),
            col("band", "กลุ่ม", "Band"),
            col("count", "จำนวน (คน)", "People"),
            col("pct", "ร้อยละ", "Percent"),
        ],
        "rows": rows,
        "total": {"group": "รวม", "band": None, "count": total, "pct": 100.0 if total else None},
        "suppressed": False,
        "note_th": "นับจำนวนคนที่เข้าร่วม (ไม่ใช่คำตอบของแบบสอบถาม) ในแต่ละหมวดผลรวมเท่ากับจำนวนผู้เข้าร่วมทั้งหมด",
        "note_en": "head counts of the people present (not survey answers); each group adds up to the total",
    }


def votes_tables(votes: pd.DataFrame, forums: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The agenda items by votes: over the period (items of the same title added up across forums) and per
    forum. Ranks are shared by ties (1, 2, 2, 4)."""
    counted = set(held(forums)["session"]) if not forums.empty else set()
    chosen = votes[votes["session"].isin(counted)] if not votes.empty else votes
    overall: list[dict[str, Any]] = []
    if not chosen.empty:
        grouped = chosen.groupby("title", sort=False).agg(
            votes=("votes", "sum"), forums=("session", "nunique")
        )
        ranked = sorted(grouped.itertuples(), key=lambda r: (-int(r.votes), str(r.Index)))
        for item in ranked:
            rank = 1 + sum(1 for other in ranked if int(other.votes) > int(item.votes))
            overall.append(
                {"rank": rank, "title": str(item.Index), "votes": int(item.votes), "forums": int(item.forums)}
            )
    per_forum: list[dict[str, Any]] = []
    if not chosen.empty:
        for (_, community, day), group in chosen.groupby(["session", "community", "date"], sort=False):
            items = sorted(group.itertuples(), key=lambda r: (-int(r.votes), str(r.agenda)))
            for item in items:
                rank = 1 + sum(1 for other in items if int(other.votes) > int(item.votes))
                per_forum.append(
                    {"community": community, "date": _day(day), "rank": rank, "title": item.title,
                     "votes": int(item.votes)}
                )  # fmt: skip
        per_forum.sort(key=lambda r: (r["community"], r["date"], r["rank"], r["title"]))
    return {
        "forum-votes": {
            "title_th": "เรื่องที่ประชาชนเลือกให้ความสำคัญ (รวมทุกเวที เรียงตามคะแนน)",
            "title_en": "Agenda items ranked by votes (all forums)",
            "columns": [
                col("rank", "อันดับ", "Rank"),
                col("title", "เรื่อง", "Agenda item"),
                col("votes", "คะแนนเสียง", "Votes"),
                col("forums", "จำนวนเวทีที่เสนอ", "Forums"),
            ],
            "rows": overall,
            "total": None,
            "suppressed": False,
            "note_th": "ผู้เข้าร่วมหนึ่งคนเลือกได้ไม่เกิน 3 เรื่อง เรื่องชื่อเดียวกันจากหลายเวทีนับรวมกัน",
            "note_en": (
                "each participant picks up to 3 items; items of the same title are added up across forums"
            ),
        },
        "forum-votes-by-forum": {
            "title_th": "เรื่องที่ประชาชนเลือก รายเวที",
            "title_en": "Agenda items ranked by votes, per forum",
            "columns": [
                col("community", "ชุมชน", "Community"),
                col("date", "วันที่", "Date"),
                col("rank", "อันดับ", "Rank"),
                col("title", "เรื่อง", "Agenda item"),
                col("votes", "คะแนนเสียง", "Votes"),
            ],
            "rows": per_forum,
            "total": None,
            "suppressed": False,
        },
    }


def words_table(texts: Sequence[str], public: bool) -> dict[str, Any]:
    """The suggestions' most frequent words. The public edition lists only words found in at least
    :data:`SMALL_CELL` suggestions (a rarer word, such as a name, could point at someone)."""
    found = word_frequencies(texts, top=10_000 if public else TOP_WORDS)
    if public:
        found = [w for w in found if w[2] >= SMALL_CELL][:TOP_WORDS]
    rows = [{"rank": i, "word": w, "count": c, "texts": t} for i, (w, c, t) in enumerate(found, start=1)]
    note_th = "ตัดคำด้วย PyThaiNLP (newmm) ไม่นับคำเชื่อม คำไม่มีความหมายเฉพาะ เครื่องหมาย และตัวเลข"
    note_en = "words by PyThaiNLP (newmm); stop words, punctuation and numbers left out"
    if public:
        note_th += f" ฉบับเผยแพร่แสดงเฉพาะคำที่พบในข้อเสนอแนะอย่างน้อย {SMALL_CELL} ข้อ"
        note_en += f"; the public edition lists only words found in at least {SMALL_CELL} suggestions"
    return {
        "title_th": f"คำที่พบบ่อยในข้อเสนอแนะจากเวทีประชาคม ({len(texts)} ข้อ)",
        "title_en": f"Most frequent words in the forums' suggestions ({len(texts)})",
        "columns": [
            col("rank", "อันดับ", "Rank"),
            col("word", "คำ", "Word"),
            col("count", "จำนวนครั้ง", "Times"),
            col("texts", "จำนวนข้อเสนอแนะที่มีคำนี้", "Suggestions using it"),
        ],
        "rows": rows,
        "total": None,
        "suppressed": False,
        "note_th": note_th,
        "note_en": note_en,
    }


def forum_section(
    frames: Any, instruments: Mapping[str, Instrument], public: bool, attendance_threshold: float | None
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The forum section's tables (by id) and the forums' suggestions as written, each distinct text once,
    sorted (for the staff edition only: the caller leaves them out of the public one). The word table
    counts every form's text."""
    forums, responses, answers = frames.forums, frames.responses, frames.answers
    if forums.empty:
        return {}, []
    tables: dict[str, dict[str, Any]] = {
        "forum-sessions": sessions_table(forums),
        "forum-attendance": attendance_table(forums, attendance_threshold),
    }
    forms = responses[responses["source"] == FORUM].drop(columns=["project"])
    for instrument_id in sorted(forms["instrument"].dropna().unique()):
        instrument = instruments.get(str(instrument_id))
        if instrument is None or not instrument.scored_items():
            continue
        suffix = "" if instrument_id == "forum-feedback" else f"-{instrument_id}"
        tables[f"forum-satisfaction{suffix}"] = aspect_table(forms, answers, instrument, public=public)
        people = respondent_table(forms, answers, instrument, public=public)
        if people.get("rows"):
            tables[f"forum-respondents{suffix}"] = people
    tables |= votes_tables(frames.votes, forums)
    texts = forum_suggestions(responses, answers, instruments)
    if texts:
        tables["forum-words"] = words_table(texts, public)
    return tables, sorted(set(texts))


# -- the staff surveys' tables ------------------------------------------------------------------------


def _hide_small(counts: list[int]) -> set[int]:
    """The cells to hide: every count 1–4, and when that is exactly one, the next smallest too (so that
    it cannot be worked out from the total)."""
    hidden = {i for i, c in enumerate(counts) if 0 < c < SMALL_CELL}
    if len(hidden) == 1:
        others = sorted((c, i) for i, c in enumerate(counts) if i not in hidden and c > 0)
        if others:
            hidden.add(others[0][1])
    return hidden


def staff_counts_table(
    staff: pd.DataFrame, instrument: Instrument | None, instrument_id: str
) -> dict[str, Any]:
    sessions = staff[staff["instrument"] == instrument_id].sort_values(["date", "session"])
    rows: list[dict[str, Any]] = [
        {
            "title": s.title or instrument_id,
            "date": _day(s.date),
            "codes_issued": int(s.codes_issued),
            "codes_used": int(s.codes_used),
            "responses": int(s.responses),
            "rate": s.responses / s.codes_issued * 100 if s.codes_issued else None,
            "closed": bool(s.closed),
        }
        for s in sessions.itertuples()
    ]
    issued = sum(r["codes_issued"] for r in rows)
    answered = sum(r["responses"] for r in rows)
    name_th = instrument.title_th if instrument else instrument_id
    name_en = instrument.title_en if instrument else instrument_id
    return {
        "title_th": f"การสำรวจบุคลากร: {name_th}",
        "title_en": f"Staff survey: {name_en}",
        "columns": [
            col("title", "การสำรวจ", "Survey"),
            col("date", "วันที่เปิด", "Opened"),
            col("codes_issued", "รหัสที่แจก", "Codes handed out"),
            col("codes_used", "รหัสที่ใช้", "Codes used"),
            col("responses", "ผู้ตอบ (คน)", "Responses"),
            col("rate", "อัตราการตอบ (ร้อยละ)", "Response rate (%)"),
            col("closed", "ปิดแล้ว", "Closed"),
        ],
        "rows": rows,
        "total": {
            "title": "รวม",
            "date": None,
            "codes_issued": issued,
            "codes_used": sum(r["codes_used"] for r in rows),
            "responses": answered,
            "rate": answered / issued * 100 if issued else None,
            "closed": None,
        },
        "suppressed": False,
    }


def _compliance_summary(
    responses: pd.DataFrame, answers: pd.DataFrame, instrument: Instrument
) -> dict[str, Any]:
    verdicts, by_item = compliance_of(responses, answers, instrument)
    n = sum(1 for v in verdicts if v is not None)
    k = sum(1 for v in verdicts if v is True)
    hide = 0 < n < SMALL_CELL
    rows = []
    for item in instrument.compliance_items():
        oks = by_item[item.id]
        rows.append(
            {
                "question": item.label_th,
                "question_en": item.label_en,
                "n": SUPPRESSED if hide else len(oks),
                "complied": SUPPRESSED if hide else sum(oks),
                "pct": SUPPRESSED if hide else (sum(oks) / len(oks) * 100 if oks else None),
            }
        )
    return {
        "title_th": f"การปฏิบัติตามรายข้อ: {instrument.title_th}",
        "title_en": f"Compliance by question: {instrument.title_en}",
        "columns": [
            col("question", "ข้อ", "Question"),
            col("n", "ผู้ตอบ", "Answered"),
            col("complied", "ปฏิบัติตาม", "Complied"),
            col("pct", "ร้อยละ", "Percent"),
        ],
        "rows": rows,
        "total": {
            "question": "ปฏิบัติตามครบทุกข้อ",
            "question_en": "complied on every question",
            "n": SUPPRESSED if hide else n,
            "complied": SUPPRESSED if hide else k,
            "pct": SUPPRESSED if hide else (k / n * 100 if n else None),
        },
        "suppressed": hide,
    }


def staff_bands_table(
    responses: pd.DataFrame, answers: pd.DataFrame, instrument: Instrument
) -> dict[str, Any]:
    """Respondents by each background band the instrument asks, with the band's figure (the % complying
    on every item, or the mean as a % of 5 and the % at 4–5). A band of 1–4 respondents is ``"<5"`` with
    no figure — in both editions: staff are few and known to each other — and when a question has exactly
    one such band, its next smallest is hidden too."""
    asked = [i for i in instrument.all_items() if i.demographic and i.type == "single"]
    complying = bool(instrument.compliance_items())
    ids = responses["response"].drop_duplicates()
    rows: list[dict[str, Any]] = []
    suppressed = False
    for item in asked:
        given = answers[answers["response"].isin(ids) & (answers["item"] == item.id)].drop_duplicates(
            "response"
        )
        by_value = {
            str(v): set(g["response"].astype(str)) for v, g in given.groupby(given["value"].astype(str))
        }
        choices = [(c.label_th, c.label_en, by_value.get(c.value, set())) for c in item.choices or ()]
        answered = set().union(*by_value.values()) if by_value else set()
        choices.append(("ไม่ตอบ", "not answered", set(ids.astype(str)) - answered))
        hidden = _hide_small([len(members) for _, _, members in choices])
        suppressed |= bool(hidden)
        for i, (th, en, members) in enumerate(choices):
            cells: dict[str, Any] = {"n": len(members), "pct": None, "mean_pct": None, "top2_pct": None}
            if i in hidden:
                cells = dict.fromkeys(cells, SUPPRESSED)
            elif members:
                part = responses[responses["response"].astype(str).isin(members)]
                if complying:
                    verdicts, _ = compliance_of(part, answers, instrument)
                    known = [v for v in verdicts if v is not None]
                    cells["pct"] = sum(1 for v in known if v) / len(known) * 100 if known else None
                else:
                    summary = summarise(part, answers, instrument)
                    cells["mean_pct"], cells["top2_pct"] = summary.mean_pct, summary.top2_pct
            rows.append(
                {"question": item.label_th, "question_en": item.label_en, "band": th, "band_en": en, **cells}
            )
    figures = (
        [col("pct", "ปฏิบัติตามครบทุกข้อ (ร้อยละ)", "Complied on every question (%)")]
        if complying
        else [
            col("mean_pct", "ร้อยละของค่าเฉลี่ย", "Mean as %"),
            col("top2_pct", "ร้อยละที่ตอบ มาก/มากที่สุด", "% at 4 or 5"),
        ]
    )
    return {
        "title_th": f"ผลจำแนกตามข้อมูลทั่วไปของผู้ตอบ: {instrument.title_th}",
        "title_en": f"By respondents' background: {instrument.title_en}",
        "columns": [
            col("question", "ข้อมูลทั่วไป", "Question"),
            col("band", "กลุ่ม", "Band"),
            col("n", "ผู้ตอบ (คน)", "Respondents"),
            *figures,
        ],
        "rows": rows,
        "total": None,
        "suppressed": suppressed,
        "note_th": f'กลุ่มที่มีผู้ตอบน้อยกว่า {SMALL_CELL} คนแสดงเป็น "<5" ทั้งฉบับเผยแพร่และฉบับเจ้าหน้าที่',
        "note_en": f'bands of fewer than {SMALL_CELL} respondents show as "<5" in both editions',
    }


def staff_section(frames: Any, instruments: Mapping[str, Instrument]) -> dict[str, dict[str, Any]]:
    """Per staff-survey instrument: its sessions' counts, its summary (by ด้าน for a scored instrument, by
    question for a compliance one) and its breakdown by background band. Small cells are hidden in both
    editions."""
    staff, responses, answers = frames.staff, frames.responses, frames.answers
    mine = responses[responses["source"] == STAFF]
    used = sorted(set(staff["instrument"].astype(str)) | set(mine["instrument"].astype(str)))
    tables: dict[str, dict[str, Any]] = {}
    for instrument_id in used:
        instrument = instruments.get(instrument_id)
        tables[f"staff-{instrument_id}-counts"] = staff_counts_table(staff, instrument, instrument_id)
        if instrument is None:
            continue
        chosen = mine[mine["instrument"] == instrument_id]
        if chosen.empty:
            continue
        if instrument.compliance_items():
            tables[f"staff-{instrument_id}-summary"] = _compliance_summary(chosen, answers, instrument)
        elif instrument.scored_items():
            tables[f"staff-{instrument_id}-summary"] = aspect_table(
                chosen.drop(columns=["project"]), answers, instrument, public=True
            )
        if any(i.demographic for i in instrument.all_items()):
            tables[f"staff-{instrument_id}-bands"] = staff_bands_table(chosen, answers, instrument)
    return tables
