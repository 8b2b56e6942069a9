"""``report.html``: the report as one self-contained page (Thai first, English one switch away).

Everything is inside the file: the CSS, the charts as inline SVG, and Sarabun as a base64 ``@font-face``
(from the ``fontpkg-sarabun`` package), so the page opens offline and shows the same Thai on any machine.
The page holds both languages; a switch made of two radio buttons and CSS (no script) shows one. A
published page that people save and pass on keeps its English a click away, and needs no JavaScript.

The template is jinja2 with autoescaping on: the free-text suggestions of the staff edition are
untrusted input and show as text (a suggestion ``<script>…`` is printed, never run).
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from analysis.render import charts, labels


def write_html(report: dict[str, Any], path: Path | str, lang: str = "th") -> Path:
    """Write the report as ``path`` (HTML, UTF-8). ``lang`` is the language shown when the page opens
    ("th" or "en"); the other is one click away. Returns the path."""
    if lang not in labels.LANGS:
        raise ValueError(f"lang must be 'th' or 'en', not {lang!r}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(report, lang), encoding="utf-8")
    return target


def render_html(report: dict[str, Any], lang: str = "th") -> str:
    """The page as text (see :func:`write_html`)."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        first_lang=lang,
        langs=[lang, *(other for other in labels.LANGS if other != lang)],
        fonts=_font_faces(),
        charts=_charts(report),
        suggestions=_suggestions(report),
        forum_suggestions=[str(t) for t in report.get("forum_suggestions") or []]
        if report.get("edition") == "staff"
        else [],
        other_tables=_other_tables(report),
    )


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("analysis", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        number=labels.number,
        verdict=labels.verdict_label,
        certainty=labels.certainty_label,
        threshold=labels.threshold_text,
        with_unit=labels.with_unit,
        interval=labels.interval_text,
        text=labels.thai_or_english,
        pick=labels.pick,
        period=labels.period_text,
        column=labels.column_label,
        rows=labels.table_rows,
        change=labels.change_text,
    )
    return environment


@cache
def _font_faces() -> Markup:
    """The ``@font-face`` rules for Sarabun regular and bold, the fonts inlined as base64."""
    rules = []
    for weight, font in (("400", labels.FONT_REGULAR), ("700", labels.FONT_BOLD)):
        data = base64.b64encode(font.read_bytes()).decode("ascii")
        rules.append(
            f"@font-face {{ font-family: '{labels.FONT_FAMILY}'; font-weight: {weight}; font-style: normal; "
            f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}"
        )
    return Markup("\n".join(rules))


def _charts(report: dict[str, Any]) -> dict[str, dict[str, Markup]]:
    """Per language, the charts by key: ``project-<number>`` and ``table-<id>`` (our own SVG)."""
    out: dict[str, dict[str, Markup]] = {}
    tables = report.get("tables") or {}
    for lang in labels.LANGS:
        drawn: dict[str, Markup] = {}
        for project in report.get("projects") or []:
            svg = charts.targets_svg(project, lang)
            if svg:
                drawn[f"project-{project.get('number')}"] = Markup(svg)
            for table_id in project.get("tables") or []:
                if str(table_id).endswith("aspects") and table_id in tables:
                    svg = charts.aspects_svg(tables[table_id], lang)
                    if svg:
                        drawn[f"table-{table_id}"] = Markup(svg)
        out[lang] = drawn
    return out


def _suggestions(report: dict[str, Any]) -> dict[str, list[str]]:
    """The staff edition's free text by project key (``p1``); nothing in the public edition."""
    if report.get("edition") != "staff":
        return {}
    return {
        str(key): [str(text) for text in texts] for key, texts in (report.get("suggestions") or {}).items()
    }


def _other_tables(report: dict[str, Any]) -> list[str]:
    """Tables no project, the services or the fairness section names (shown at the end, not lost)."""
    named: set[str] = set()
    for project in report.get("projects") or []:
        named.update(project.get("tables") or [])
    named.update(report.get("services") or [])
    named.update(report.get("fairness") or [])
    named.update(report.get("forum") or [])
    named.update(report.get("staff_surveys") or [])
    named.update(report.get("complaints") or [])
    return [table_id for table_id in (report.get("tables") or {}) if table_id not in named]
