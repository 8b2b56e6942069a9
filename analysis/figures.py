"""Figures entered by hand: what the kit cannot measure (an ITA score, "corruption down 5 %", the number of
publicity channels …), in a small YAML file the planner edits (``prongsai report --figures FILE``).

The report writes a template (``figures-template.yaml``) that lists every such target of the plan with its
wording, its threshold and an empty ``value``; the planner fills in the values and, if they like, a
``note`` saying where the figure comes from (an order's number, a web page). A figure from this file is
always marked in the report as entered by hand.

    p12-ita:
      value: 87.5
      note: ผลประเมิน ITA ปี 2568 จากระบบ ITAS
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, RootModel

from surveys.content.datafile import read_yaml, validate
from surveys.content.plan import Plan

HAND_KINDS = ("manual", "channel_count")
"""Target kinds whose figure always comes from this file."""
HAND_COUNTS = ("honoured", "committee_members")
"""``head_count`` targets counted by hand (people honoured, committee members)."""
HAND_ACTIVITIES = ("progress_meeting",)
"""``frequency`` targets of activities the kit does not record."""


class Figure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Annotated[float, Field(ge=0)] | None = None
    note: str | None = None


class FiguresFile(RootModel[dict[str, Figure]]):
    pass


def by_hand(target: Any) -> bool:
    """Whether ``target``'s figure comes from the figures file, not from the kit's data."""
    kind = target.kind
    if kind in HAND_KINDS:
        return True
    if kind == "head_count":
        return bool(target.counts in HAND_COUNTS)
    if kind == "frequency":
        return bool(target.activity in HAND_ACTIVITIES)
    return False


def read_figures(path: Path, lang: str = "th") -> dict[str, Figure]:
    """The figures in ``path``; :class:`surveys.content.datafile.DataFileError` names the file, line, field
    and reason of anything wrong (an unknown member, a value that is not a number ≥ 0)."""
    data, positions = read_yaml(path, lang)
    if data is None:
        return {}
    return validate(FiguresFile, data, positions, path.name, lang).root


def unknown_targets(figures: dict[str, Figure], plan: Plan) -> list[str]:
    """Ids in the figures file that name no target of ``plan`` (a typo would otherwise be ignored)."""
    known = {t.id for p in plan.projects for t in p.targets}
    return sorted(set(figures) - known)


def template(plan: Plan) -> str:
    """A figures file listing every target measured by hand, each with its wording and an empty value."""
    lines = [
        "# ตัวเลขที่กรอกเอง สำหรับ prongsai report --figures (ชุดเครื่องมือวัดค่าเหล่านี้เองไม่ได้)",
        "# Figures entered by hand for prongsai report --figures (the kit cannot measure these).",
        "# ใส่ตัวเลขใน value (เว้นว่างไว้ถ้ายังไม่มี) และที่มาใน note / fill in value (leave it empty if",
        "# not known yet) and, if you like, where it comes from in note.",
        "",
    ]
    for project in plan.projects:
        for target in project.targets:
            if not by_hand(target):
                continue
            lines.append(f"# โครงการที่ {project.number}: {' '.join(target.text_th.split())}")
            lines.append(f"# {' '.join(target.text_en.split())}")
            threshold = getattr(target, "threshold", None)
            lines.append(f"# เป้าหมาย / target: {getattr(target, 'comparison', '>=')} {threshold}")
            lines.append(f"{target.id}:")
            lines.append("  value:")
            lines.append("  note:")
            lines.append("")
    earlier = [
        (p, t)
        for p, t in plan.targets()
        if t.kind == "count_change" and t.measured_by == "complaints" and t.categories
    ]
    if earlier:
        lines += [
            "# จำนวนเรื่องร้องเรียนของปีก่อน: ใช้เฉพาะเมื่อคลังข้อมูลกลางไม่มีเรื่องร้องเรียนของช่วงเดียวกันในปีก่อน",
            "# (ยังไม่ได้ใช้ชุดเครื่องมือรับเรื่อง) ใส่จำนวนเรื่องจากทะเบียนรับเรื่องร้องเรียนเดิม",
            "# Last year's count of complaints: used only when the central store has no complaint of",
            "# the same period a year before (the kit was not used yet); give the count from the old",
            "# complaints register.",
            "",
        ]
    for project, target in earlier:
        lines.append(f"# โครงการที่ {project.number}: {' '.join(target.text_th.split())}")
        lines.append(f"# {' '.join(target.text_en.split())}")
        lines.append(f"# ประเภทเรื่องที่นับ / categories: {', '.join(target.categories or ())}")
        lines.append(f"{target.id}:")
        lines.append("  value:")
        lines.append("  note:")
        lines.append("")
    return "\n".join(lines)
