"""report.html: self-contained, Thai first, free text escaped, opened in a real browser (Debian's
Chromium through Playwright, no browser download) without a single network request."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from analysis.render import charts, write_html
from analysis.render.labels import number

EXAMPLE = Path(__file__).parent / "data" / "report_example.json"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def report() -> dict[str, Any]:
    """Staff edition, three projects, every verdict, a suppressed cell, a <script> suggestion, demo data."""
    loaded: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return loaded


def test_a_suggestion_with_a_script_tag_shows_as_text(report: dict[str, Any], tmp_path: Path) -> None:
    html = write_html(report, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()


def test_the_public_edition_shows_no_suggestions(report: dict[str, Any], tmp_path: Path) -> None:
    public = copy.deepcopy(report)
    public["edition"] = "public"
    html = write_html(public, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "ผู้ใหญ่บ้านแนะนำให้ขยายลานจอด" not in html
    assert "alert(1)" not in html
    assert "ฉบับเผยแพร่" in html


def test_the_page_needs_nothing_from_outside(report: dict[str, Any], tmp_path: Path) -> None:
    html = write_html(report, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "url(data:font/ttf;base64," in html  # Sarabun is inside
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"""url\(\s*["']?(https?:)?//""", html)
    assert "<link" not in html


def test_figures_read_to_two_decimals_dates_in_the_buddhist_era(
    report: dict[str, Any], tmp_path: Path
) -> None:
    html = write_html(report, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "ร้อยละ 85.66" in html
    assert ">4.31<" in html  # 4.3145 in the table
    assert ">&lt;5<" in html  # a suppressed cell, as it is
    assert "1 ตุลาคม 2567 – 30 กันยายน 2568" in html
    assert "1 October 2024 – 30 September 2025" in html  # the English side


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (85.66, "85.66"),
        (4.3145, "4.31"),
        (91.65, "91.65"),
        (0.0, "0.00"),
        (318, "318"),
        ("<5", "<5"),
        (None, "–"),
    ],
)
def test_numbers_are_shown_to_two_decimals(value: object, shown: str) -> None:
    assert number(value) == shown


def test_chart_labels_stay_text_for_the_browser_to_shape(report: dict[str, Any]) -> None:
    svg = charts.targets_svg(report["projects"][2], "th")
    assert svg is not None
    assert "font-family: &apos;Sarabun&apos;" in svg or "font-family: 'Sarabun'" in svg
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert any("ความพึงพอใจต่องานประปา" in text for text in texts)  # a long label: two lines,
    assert any(text.startswith("(น้ำประปา)") for text in texts)  # broken between words
    assert "ไม่บรรลุ" in svg
    assert "<image" not in svg
    assert charts.targets_svg({"number": 9, "targets": []}) is None


def test_write_html_refuses_an_unknown_language(report: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'th' or 'en'"):
        write_html(report, tmp_path / "report.html", lang="fr")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium (/usr/bin/chromium) is not installed")
def test_chromium_shows_thai_verdicts_with_no_network_request(report: dict[str, Any], tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    page_path = write_html(report, tmp_path / "report.html")
    outside: list[str] = []
    dialogs: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "file:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", guard)
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            thai = page.locator("main.lang-th")
            assert thai.is_visible()
            assert not page.locator("main.lang-en").is_visible()
            shown = thai.inner_text()
            for verdict in ("บรรลุ", "ไม่บรรลุ", "ยังสรุปไม่ได้", "ไม่มีข้อมูล"):
                assert verdict in shown
            assert "<script>alert(1)</script>" in shown  # the suggestion, as text
            assert page.evaluate("document.fonts.check('16px Sarabun', 'ที่สุด')")
            assert page.locator("main.lang-th figure.chart svg text").count() > 0
            page.locator("label[for=show-en]").click()
            english = page.locator("main.lang-en")
            assert english.is_visible()
            assert not thai.is_visible()
            assert "inconclusive" in english.inner_text()
        finally:
            browser.close()
    assert outside == []
    assert dialogs == []  # no script ran


def test_the_same_report_gives_the_same_page(report: dict[str, Any], tmp_path: Path) -> None:
    first = write_html(report, tmp_path / "a.html").read_bytes()
    second = write_html(report, tmp_path / "b.html").read_bytes()
    assert first == second
