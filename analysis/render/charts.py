"""The report's charts as SVG text, for the HTML report.

matplotlib (Agg, no network) draws them with ``svg.fonttype: none``: every label stays a ``<text>``
element in the font family Sarabun, so the browser shapes Thai (a tone mark over an upper vowel, as in
``ที่`` or ``น้ำ``, is lifted above it) with the Sarabun the page embeds. Paths of glyphs placed by
matplotlib would not be shaped. The SVG has no date and fixed ids, so the same report gives the same file.
"""

from __future__ import annotations

import io
from contextlib import AbstractContextManager
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager, pyplot
from matplotlib.figure import Figure

from analysis.render.labels import (
    FONT_BOLD,
    FONT_FAMILY,
    FONT_REGULAR,
    thai_or_english,
    verdict_label,
)
from analysis.render.linebreak import short_lines

COLOURS = {"met": "#2e7d32", "not_met": "#c62828", "inconclusive": "#9e9e9e", "no_data": "#bdbdbd"}
THRESHOLD_COLOUR = "#212121"
BAR_COLOUR = "#1565c0"
LABEL_CHARS = 30  # a chart label longer than this goes on two lines, broken between words


def _style() -> AbstractContextManager[None]:
    """Labels as text in Sarabun (``svg.fonttype: none``), fixed ids (no random salt), no top/right frame."""
    return pyplot.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "prongsai",
            "font.family": FONT_FAMILY,
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


for _font in (FONT_REGULAR, FONT_BOLD):
    font_manager.fontManager.addfont(str(_font))


def percent_targets(project: dict[str, Any]) -> list[dict[str, Any]]:
    """The project's targets a chart can show on one 0–100 axis: percentages with a value (not a change
    against the year before: that can be below 0 or above 100)."""
    return [
        t
        for t in project.get("targets") or []
        if t.get("unit") == "percent"
        and t.get("kind") != "count_change"
        and isinstance(t.get("value"), int | float)
    ]


def targets_svg(project: dict[str, Any], lang: str = "th") -> str | None:
    """One horizontal bar per percentage target (its value), with the threshold as a black tick and
    the verdict's colour; None when the project has no such target."""
    targets = percent_targets(project)
    if not targets:
        return None
    with _style():
        figure = Figure(figsize=(7.0, 0.7 + 0.6 * len(targets)))
        axes = figure.subplots()
        labels = [short_lines(thai_or_english(t, "text", lang) or t["id"], LABEL_CHARS) for t in targets]
        positions = list(range(len(targets)))[::-1]
        for y, target in zip(positions, targets, strict=True):
            value = float(target["value"])
            axes.barh(y, value, height=0.6, color=COLOURS.get(str(target.get("verdict")), BAR_COLOUR))
            threshold = target.get("threshold")
            right = value
            if isinstance(threshold, int | float):
                axes.plot([threshold, threshold], [y - 0.4, y + 0.4], color=THRESHOLD_COLOUR, linewidth=2)
                right = max(value, float(threshold))
            axes.text(
                min(right, 100) + 1.5, y, f"{value:.2f} ({verdict_label(target.get('verdict'), lang)})",
                va="center", fontsize=9,
            )  # fmt: skip
        axes.set_yticks(positions, labels)
        axes.set_xlim(0, 125)
        axes.set_xticks([0, 20, 40, 60, 80, 100])
        axes.set_xlabel("ร้อยละ (เส้นดำ = เกณฑ์)" if lang == "th" else "percent (black tick = threshold)")
        figure.tight_layout()
        return _svg(figure)


def aspects_svg(table: dict[str, Any], lang: str = "th") -> str | None:
    """Satisfaction by aspect: one bar per row (ด้าน, then ภาพรวม), the mean as a percentage when the
    table has ``mean_pct``, else the mean on the 1–5 scale. A suppressed cell (``"<5"``) draws no bar
    and says ``<5``. None when the table has neither column."""
    columns = [c["id"] for c in table.get("columns") or []]
    key = "mean_pct" if "mean_pct" in columns else "mean" if "mean" in columns else None
    if key is None or not columns:
        return None
    rows = [dict(r) for r in table.get("rows") or []]
    if table.get("total"):
        rows.append(
            {
                columns[0]: "ภาพรวม" if lang == "th" else "Overall",
                **{k: v for k, v in table["total"].items() if k != columns[0]},
            }
        )
    if not rows:
        return None
    top = 100.0 if key == "mean_pct" else 5.0
    with _style():
        figure = Figure(figsize=(7.0, 0.6 + 0.45 * len(rows)))
        axes = figure.subplots()
        positions = list(range(len(rows)))[::-1]
        for y, row in zip(positions, rows, strict=True):
            value = row.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                axes.barh(y, float(value), height=0.6, color=BAR_COLOUR)
                axes.text(float(value) + top / 100, y, f"{float(value):.2f}", va="center", fontsize=9)
            else:
                axes.text(top / 100, y, str(value if value is not None else "–"), va="center", fontsize=9)
        axes.set_yticks(positions, [short_lines(str(row.get(columns[0], "")), LABEL_CHARS) for row in rows])
        axes.set_xlim(0, top * 1.12)
        axes.set_xlabel(
            ("ร้อยละ" if lang == "th" else "percent")
            if key == "mean_pct"
            else ("ค่าเฉลี่ย (1–5)" if lang == "th" else "mean (1–5)")
        )
        figure.tight_layout()
        return _svg(figure)


def _svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element to put inside HTML (no XML prolog, no date)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]
