"""The weekly or monthly satisfaction summary for the notice board (``prongsai summary``): the same figures
as the report (``analysis.satisfaction``, ``analysis.stats``), for one week (Monday–Sunday) or one month,
drawn as an A4 page in Thai — a PNG (Pillow with Thai shaping through raqm) or the same page as a PDF.

Project 10 of the plan promises such a summary every week and every month; the report's frequency
target lists the weeks and months that had tickets but no ratings.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont, features

from analysis.frames import Frames
from analysis.render.labels import FONT_BOLD, FONT_REGULAR
from analysis.satisfaction import aspect_table, select_responses, summarise
from surveys.content.instruments import Instrument
from surveys.content.thaidate import format_date
from surveys.counter.settings import Settings

INSTRUMENT = "service-satisfaction"
A4 = (1240, 1754)  # A4 at 150 dpi
MARGIN = 90


@dataclass(frozen=True)
class SummaryPeriod:
    start: date
    end: date
    every: str  # "week" or "month"

    def label(self) -> str:
        if self.every == "month":
            return f"ประจำเดือน{format_date(self.start, style='long').split(' ', 1)[1]}"
        return f"ประจำสัปดาห์ {format_date(self.start)} – {format_date(self.end)}"


def summary_period(every: str, day: date) -> SummaryPeriod:
    """The week (Monday–Sunday) or month holding ``day``."""
    if every == "week":
        start = day - timedelta(days=day.weekday())
        return SummaryPeriod(start, start + timedelta(days=6), "week")
    last = calendar.monthrange(day.year, day.month)[1]
    return SummaryPeriod(day.replace(day=1), day.replace(day=last), "month")


def previous_period(every: str, today: date) -> SummaryPeriod:
    """The last whole week or month before ``today`` (what a summary is usually made for)."""
    if every == "week":
        return summary_period("week", today - timedelta(days=today.weekday() + 1))
    return summary_period("month", today.replace(day=1) - timedelta(days=1))


def summary_figures(frames: Frames, settings: Settings, instrument: Instrument) -> dict[str, Any]:
    """The figures of one period: tickets issued and served, the satisfaction target's figures over every
    counter rating (as project 10 counts them), the table by ด้าน, and each service's responses."""
    tickets = frames.tickets
    served = tickets[tickets["status"] == "served"]
    waits = (served["called_at"] - served["issued_at"]).dt.total_seconds() / 60
    chosen = select_responses(frames.responses, instrument.id)  # every counter rating, as project 10
    overall = summarise(chosen, frames.answers, instrument).to_dict()
    names = {s.id: s.name_th for s in settings.services}
    by_service = chosen.groupby("service").size().to_dict() if not chosen.empty else {}
    return {
        "issued": len(tickets),
        "served": len(served),
        "median_wait": float(waits.median()) if len(waits) else None,
        "n": overall["n"],
        "mean": overall["mean"],
        "mean_pct": overall["mean_pct"],
        "top2_pct": overall["top2_pct"],
        "band_th": overall["band_th"],
        "aspects": aspect_table(frames.responses, frames.answers, instrument, public=True),
        "services": {names.get(str(k), str(k)): int(v) for k, v in sorted(by_service.items())},
    }


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), size, layout_engine=layout)


def _pct(value: Any) -> str:
    return "–" if value is None or isinstance(value, str) else f"{float(value):.2f}"


def draw_summary(
    figures: Mapping[str, Any], period: SummaryPeriod, municipality: str, *, demo: bool = False
) -> Image.Image:
    """The summary as an A4 page (150 dpi), Thai shaped by raqm; ``demo``: simulated data counted, and
    the page says so across its top."""
    page = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(page)
    y = MARGIN
    if demo:
        draw.rectangle((0, 0, A4[0], 70), fill="#b71c1c")
        draw.text((A4[0] // 2, 35), "ข้อมูลจำลอง (สาธิต) ห้ามติดประกาศ · SIMULATED DATA", font=_font(34, True),
                  fill="white", anchor="mm")  # fmt: skip
        y += 20

    def line(text: str, size: int, bold: bool = False, gap: int = 18, fill: str = "black") -> None:
        nonlocal y
        font = _font(size, bold)
        draw.text((MARGIN, y), text, font=font, fill=fill)
        y += int(size * 1.45) + gap

    line(municipality, 40, bold=True, gap=6)
    line("สรุปผลการประเมินความพึงพอใจการให้บริการ", 48, bold=True, gap=6)
    line(period.label(), 36, gap=30)
    draw.line((MARGIN, y, A4[0] - MARGIN, y), fill="#1565c0", width=4)
    y += 30
    n = figures["n"] or 0
    if n == 0:
        line("ยังไม่มีผู้ประเมินในช่วงนี้", 40, bold=True)
    else:
        line(f"ความพึงพอใจโดยรวม ร้อยละ {_pct(figures['mean_pct'])}", 56, bold=True, gap=4, fill="#1b5e20")
        band = figures.get("band_th") or ""
        line(f"ค่าเฉลี่ย {float(figures['mean']):.2f} จาก 5 ({band}) · ผู้ประเมิน {n:,} คน", 34, gap=4)
        line(f'ตอบ "มาก" หรือ "มากที่สุด" ร้อยละ {_pct(figures["top2_pct"])}', 34, gap=30)
        line("ความพึงพอใจรายด้าน (ร้อยละ)", 38, bold=True, gap=10)
        rows = [*figures["aspects"].get("rows", []), figures["aspects"].get("total") or {}]
        for row in rows:
            if not row:
                continue
            label = str(row.get("aspect", ""))
            value = row.get("mean_pct")
            font = _font(32, bold=row is rows[-1])
            draw.text((MARGIN + 20, y), label, font=font, fill="black")
            draw.text((A4[0] - MARGIN, y), _pct(value), font=font, fill="black", anchor="ra")
            if isinstance(value, float | int):
                width = int((A4[0] - 2 * MARGIN - 40) * float(value) / 100)
                draw.rectangle((MARGIN + 20, y + 50, MARGIN + 20 + width, y + 62), fill="#1565c0")
            y += 84
        y += 20
    line(f"บัตรคิวที่ออก {figures['issued']:,} ใบ · ให้บริการเสร็จ {figures['served']:,} คิว", 32, gap=4)
    if figures.get("median_wait") is not None:
        line(f"เวลารอเรียกคิว (มัธยฐาน) {float(figures['median_wait']):.0f} นาที", 32, gap=4)
    if figures["services"]:
        y += 16
        line("ผู้ประเมินตามจุดบริการ", 30, bold=True, gap=0)
        for name, count in figures["services"].items():
            font = _font(28)
            draw.text((MARGIN + 20, y), name, font=font, fill="black")
            shown = f"{count:,} คน" if count >= 5 else "<5 คน"  # a notice board is public
            draw.text((A4[0] - MARGIN, y), shown, font=font, fill="black", anchor="ra")
            y += 44
    footer = "ข้อมูลจากตู้บัตรคิวและแบบประเมินหลังรับบริการ (ไม่ระบุตัวตน) · จัดทำด้วย prongsai"
    draw.text((MARGIN, A4[1] - MARGIN), footer, font=_font(24), fill="#424242")
    return page


def write_summary(image: Image.Image, out: Path) -> Path:
    """``out`` as PNG, or as a one-page PDF when it ends in ``.pdf``."""
    if out.suffix.lower() == ".pdf":
        image.save(out, "PDF", resolution=150.0)
    else:
        image.save(out, "PNG")
    return out
