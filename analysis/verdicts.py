"""Targets whose verdict needs no sampling: a figure entered by hand, or a count the kit makes, compared
with the plan's threshold; and the words of a target the kit has no data for yet (never a silent gap)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from analysis.figures import Figure

COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}

NO_SOURCE: dict[str, tuple[str, str]] = {
    "forum": (
        "ไม่มีเวทีประชาคมที่บันทึกด้วยชุดเครื่องมือในช่วงเวลานี้",
        "no community forum was recorded with the kit in this period",
    ),
    "staff_survey": (
        "ยังไม่มีคำตอบแบบสำรวจบุคลากรในคลังข้อมูลกลาง",
        "no staff survey answers in the central store",
    ),
    "citizen_survey": (
        "ยังไม่มีคำตอบแบบสำรวจประชาชนสำหรับตัวชี้วัดนี้ในคลังข้อมูลกลาง",
        "no citizen survey answers for this target in the central store",
    ),
    "complaints": (
        "ยังไม่มีข้อมูลเรื่องร้องเรียน: การรับและติดตามเรื่องร้องเรียนด้วยชุดเครื่องมือนี้ยังไม่เปิดใช้",
        "no complaint data: taking and tracking complaints with the kit is not available yet",
    ),
    "tips": (
        "ยังไม่มีข้อมูลการแจ้งเบาะแส: ช่องทางแจ้งเบาะแสของชุดเครื่องมือนี้ยังไม่เปิดใช้",
        "no tip data: the kit's channel for corruption tips is not available yet",
    ),
    "ratings": (
        "ไม่มีการประเมินความพึงพอใจในช่วงเวลานี้",
        "no ratings in this period",
    ),
    "tickets": (
        "ไม่มีบัตรคิวในช่วงเวลานี้",
        "no queue tickets in this period",
    ),
    "count_change": (
        "ต้องมีข้อมูลปีงบประมาณก่อนหน้าในคลังข้อมูลกลางจึงจะเทียบได้",
        "a comparison needs the previous fiscal year's data in the central store",
    ),
}


def target_base(target: Any) -> dict[str, Any]:
    """The fields every target row has, before its figures (and a count's direction, if it has one)."""
    direction = {"direction": target.direction} if target.kind == "count_change" else {}
    return {
        **direction,
        "id": target.id,
        "kind": target.kind,
        "section": target.section,
        "text_th": " ".join(target.text_th.split()),
        "text_en": " ".join(target.text_en.split()),
        "source": target.measured_by,
        "threshold": _number(getattr(target, "threshold", None)),
        "comparison": getattr(target, "comparison", ">="),
        "unit": _unit(target),
        "value": None,
        "verdict": "no_data",
        "certainty": None,
        "reason_th": None,
        "reason_en": None,
        "entered_by_hand": False,
    }


def no_data(row: dict[str, Any], reason: tuple[str, str]) -> dict[str, Any]:
    return {
        **row,
        "value": None,
        "verdict": "no_data",
        "certainty": None,
        "reason_th": reason[0],
        "reason_en": reason[1],
    }


def compared(row: dict[str, Any], value: float) -> dict[str, Any]:
    """``row`` with ``value`` and the verdict of comparing it with the threshold (an exact count or a
    figure entered by hand: no sampling, so the verdict is clear)."""
    threshold = row["threshold"]
    met = threshold is None or COMPARE[row["comparison"]](value, threshold)
    return {**row, "value": _number(value), "verdict": "met" if met else "not_met", "certainty": "clear"}


def from_figure(row: dict[str, Any], figure: Figure | None) -> dict[str, Any]:
    """A target measured by hand: its figure from the figures file, marked as entered by hand."""
    row = {**row, "entered_by_hand": True}
    if figure is None or figure.value is None:
        return no_data(
            row,
            (
                "ยังไม่ได้กรอกตัวเลข: ใส่ค่าในไฟล์ตัวเลขที่กรอกเอง (prongsai report --figures)",
                "no figure entered yet: fill it in the figures file (prongsai report --figures)",
            ),
        )
    return {**compared(row, figure.value), "note": figure.note}


def _unit(target: Any) -> str:
    if target.kind in ("satisfaction", "compliance"):
        return "percent"
    if target.kind == "manual":
        return str(target.unit)
    if target.kind == "deadline_days":
        return "days"
    if target.kind == "count_change":
        return "percent"
    return "count"


def _number(value: float | int | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return round(value, 4) if isinstance(value, float) else value
