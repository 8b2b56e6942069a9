"""The plan: a municipality's anti-corruption action plan, its projects and their targets.

Every Thai local government writes its plan (แผนปฏิบัติการป้องกันการทุจริต) on the same template:
numbered projects, each with a target group, an owner, outputs (ผลผลิต) and outcomes (ผลลัพธ์).
A plan file transcribes one such document into YAML that a planner edits by hand; this module
reads it, checks it and reports every problem with its line (see ``docs/plan-format.md``).

The kit measures each target by its ``kind``: a satisfaction score, a compliance share, a head
count, a deadline, a frequency, a channel count, a year-on-year change, or a figure the planner
enters by hand (``manual``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from surveys.content import plan_rules as rules
from surveys.content.datafile import (
    DataFileError,
    Positions,
    Problem,
    RuleError,
    parse_yaml,
    read_yaml,
    to_plain,
    validate,
)

__all__ = [
    "BUILTIN_PLAN_FILE",
    "HOME_PLAN_FILE",
    "TARGET_KINDS",
    "ChannelCountTarget",
    "ComplianceTarget",
    "CountChangeTarget",
    "DeadlineTarget",
    "FrequencyTarget",
    "HeadCountTarget",
    "ManualTarget",
    "Municipality",
    "Owner",
    "Plan",
    "Project",
    "SatisfactionTarget",
    "Source",
    "Target",
    "TargetGroup",
    "builtin_plan",
    "builtin_plan_path",
    "check_plan",
    "home_plan_path",
    "load_plan",
    "parse_plan",
    "plan_to_dict",
]

BUILTIN_PLAN_FILE = "chorakhe-hin-2568.yaml"
HOME_PLAN_FILE = "plan.yaml"

# ---------------------------------------------------------------------------------------------
# Field types
# ---------------------------------------------------------------------------------------------

Text = Annotated[str, AfterValidator(rules.not_blank)]
Slug = Annotated[str, AfterValidator(rules.slug)]
FiscalYear = Annotated[int, BeforeValidator(rules.number), AfterValidator(rules.buddhist_year)]
Percent = Annotated[float, BeforeValidator(rules.number), Field(ge=0, le=100)]
Count = Annotated[int, BeforeValidator(rules.number), Field(ge=0)]
Days = Annotated[int, BeforeValidator(rules.number), Field(ge=1)]

Comparison = Literal[">=", ">", "<=", "<", "="]
Section = Literal["outputs", "outcomes", "methods", "target_group"]
"""Where in the project text a target is written: ผลผลิต, ผลลัพธ์, วิธีดำเนินการ, กลุ่มเป้าหมาย."""
MeasuredBy = Literal[
    "ratings",  # one rating per served ticket, at the counter
    "tickets",  # queue tickets: issued, called, served
    "forum",  # community forums: attendance and feedback forms
    "staff_survey",  # staff surveys run on a laptop
    "citizen_survey",  # citizen surveys other than counter ratings
    "complaints",  # complaints received and handled
    "tips",  # corruption reports through the separate anonymous channel
    "manual",  # a figure the planner enters by hand
]
SURVEY_SOURCES: frozenset[str] = frozenset({"ratings", "forum", "staff_survey", "citizen_survey"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------------
# Targets: a tagged union on ``kind``
# ---------------------------------------------------------------------------------------------


class _TargetBase(_Model):
    id: Slug
    section: Section
    text_th: Text
    """The exact wording of the Thai plan that this target transcribes."""
    text_en: Text
    measured_by: MeasuredBy


class SatisfactionTarget(_TargetBase):
    """Satisfaction of respondents, as a percentage, by a named convention."""

    kind: Literal["satisfaction"]
    instrument: Slug
    item: Text | None = None
    """One question of the instrument, if only that one counts; else its scored questions."""
    convention: Literal["mean_pct", "top2_share"]
    """``mean_pct``: mean score as % of 5; ``top2_share``: % answering มาก or มากที่สุด."""
    comparison: Comparison = ">="
    threshold: Percent
    services: tuple[Slug, ...] | None = None
    """Whose ratings count: the services (ids in the office's settings) whose visits were rated; all if
    absent. Answers imported for the project count too."""
    min_sample: Annotated[int, BeforeValidator(rules.number), Field(ge=1)] = 30
    """Responses below which the verdict is "inconclusive"."""


class ComplianceTarget(_TargetBase):
    """The share (%) of people or cases that follow a rule."""

    kind: Literal["compliance"]
    instrument: Slug | None = None
    item: Text | None = None
    """Which question of the instrument, if only one counts."""
    comparison: Comparison = ">="
    threshold: Percent

    @model_validator(mode="after")
    def _survey_needs_instrument(self) -> ComplianceTarget:
        if self.instrument is None and self.measured_by in SURVEY_SOURCES:
            raise RuleError(
                "target.instrument_required",
                f"ตัวชี้วัดที่วัดจากแบบสอบถาม ({self.measured_by}) ต้องระบุ instrument",
                f"a target measured by a survey ({self.measured_by}) must name its instrument",
            )
        return self


class HeadCountTarget(_TargetBase):
    """At least ``threshold`` people."""

    kind: Literal["head_count"]
    counts: Literal["forum_attendance", "citizens_served", "honoured", "committee_members"]
    instrument: Slug | None = None
    threshold: Count


class DeadlineTarget(_TargetBase):
    """Cases handled within ``threshold`` days (by ``share`` % of cases, if the plan says)."""

    kind: Literal["deadline_days"]
    threshold: Days
    share: Percent | None = None
    days: Literal["calendar", "working"] = "calendar"
    """How the days are counted: calendar days, or working days (Mon–Fri, not a Thai public holiday)."""


class FrequencyTarget(_TargetBase):
    """Something done at least ``threshold`` times every period."""

    kind: Literal["frequency"]
    every: Literal["weekly", "monthly", "quarterly", "yearly"]
    activity: Literal["summary_report", "progress_meeting", "forum"]
    threshold: Annotated[int, BeforeValidator(rules.number), Field(ge=1)] = 1


class ChannelCountTarget(_TargetBase):
    """At least ``threshold`` channels (publicity, complaints, …)."""

    kind: Literal["channel_count"]
    threshold: Count


class CountChangeTarget(_TargetBase):
    """A count that must fall (or rise) against the previous fiscal year; by ``threshold`` %."""

    kind: Literal["count_change"]
    direction: Literal["decrease", "increase"]
    threshold: Percent | None = None


class ManualTarget(_TargetBase):
    """A figure the kit cannot measure; the planner enters it by hand (ITA score, …)."""

    kind: Literal["manual"]
    measured_by: Literal["manual"] = "manual"
    label_th: Text
    label_en: Text
    unit: Literal["percent", "points", "count"]
    comparison: Comparison = ">="
    threshold: Annotated[float, BeforeValidator(rules.number), Field(ge=0)]


TARGET_KINDS: tuple[str, ...] = (
    "satisfaction",
    "compliance",
    "head_count",
    "deadline_days",
    "frequency",
    "channel_count",
    "count_change",
    "manual",
)
_TAG = "__tag_"  # surveys.content.datafile drops location parts that start with "__tag"


def _target_tag(value: Any) -> str | None:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return f"{_TAG}{kind}" if kind in TARGET_KINDS else None


Target = Annotated[
    Annotated[SatisfactionTarget, Tag(f"{_TAG}satisfaction")]
    | Annotated[ComplianceTarget, Tag(f"{_TAG}compliance")]
    | Annotated[HeadCountTarget, Tag(f"{_TAG}head_count")]
    | Annotated[DeadlineTarget, Tag(f"{_TAG}deadline_days")]
    | Annotated[FrequencyTarget, Tag(f"{_TAG}frequency")]
    | Annotated[ChannelCountTarget, Tag(f"{_TAG}channel_count")]
    | Annotated[CountChangeTarget, Tag(f"{_TAG}count_change")]
    | Annotated[ManualTarget, Tag(f"{_TAG}manual")],
    Discriminator(_target_tag),
]

# ---------------------------------------------------------------------------------------------
# Projects and the plan
# ---------------------------------------------------------------------------------------------


class TargetGroup(_Model):
    description_th: Text
    description_en: Text
    head_count: Count | None = None


class Owner(_Model):
    """The division responsible (สำนัก/กอง), or the municipality if the plan names none."""

    th: Text
    en: Text


class Project(_Model):
    number: Annotated[int, BeforeValidator(rules.number), Field(ge=1)]
    name_th: Text
    name_en: Text
    target_group: TargetGroup
    owner: Owner
    period: FiscalYear
    """The fiscal year (B.E.) the project runs in."""
    budget_baht: Annotated[float, BeforeValidator(rules.number), Field(ge=0)] | None = None
    targets: list[Target]

    @field_validator("targets")
    @classmethod
    def _some_targets(cls, targets: list[Any]) -> list[Any]:
        if not targets:
            raise RuleError(
                "project.no_targets",
                "โครงการต้องมีตัวชี้วัดอย่างน้อย 1 ข้อ (ถ้าวัดด้วยโปรแกรมไม่ได้ ใช้ kind: manual)",
                "a project needs at least one target (use kind: manual if the kit cannot measure it)",
            )
        return targets


class Municipality(_Model):
    name_th: Text
    name_en: Text
    district_th: Text | None = None
    district_en: Text | None = None
    province_th: Text | None = None
    province_en: Text | None = None


class Source(_Model):
    """The document the plan file transcribes."""

    title: Text
    url: Text | None = None
    file: Text | None = None


class Plan(_Model):
    municipality: Municipality
    fiscal_year: FiscalYear
    """Buddhist Era; fiscal year 2568 runs 1 Oct 2567 – 30 Sep 2568."""
    title_th: Text
    title_en: Text
    source: Source
    projects: list[Project]

    @field_validator("projects")
    @classmethod
    def _some_projects(cls, projects: list[Project]) -> list[Project]:
        if not projects:
            raise RuleError(
                "plan.no_projects", "แผนต้องมีโครงการอย่างน้อย 1 โครงการ", "a plan needs at least one project"
            )
        return projects

    def targets(self) -> Iterator[tuple[Project, Target]]:
        """Every target of the plan with its project, in order."""
        for project in self.projects:
            for target in project.targets:
                yield project, target

    def project(self, number: int) -> Project:
        """The project numbered ``number`` (ลำดับที่)."""
        for project in self.projects:
            if project.number == number:
                return project
        raise KeyError(number)


# ---------------------------------------------------------------------------------------------
# Loading and checking
# ---------------------------------------------------------------------------------------------


def load_plan(
    path: Path | str, *, known_instruments: Collection[str] | None = None, lang: str = "th"
) -> Plan:
    """Read and check a plan file; raise :class:`DataFileError` with every problem found.

    ``known_instruments``: the instrument ids a target may name; ``None`` skips that check.
    """
    name = str(path)
    data, positions = read_yaml(Path(path), lang)
    return _checked(data, positions, name, known_instruments, lang)


def parse_plan(
    text: str,
    *,
    name: str = "plan.yaml",
    known_instruments: Collection[str] | None = None,
    lang: str = "th",
) -> Plan:
    """Like :func:`load_plan`, from YAML text (``name`` is what problems call the file)."""
    data, positions = parse_yaml(text, name, lang)
    return _checked(data, positions, name, known_instruments, lang)


def check_plan(
    path: Path | str, *, known_instruments: Collection[str] | None = None, lang: str = "th"
) -> list[Problem]:
    """Every problem in a plan file, in line order; an empty list means the plan is good."""
    try:
        load_plan(path, known_instruments=known_instruments, lang=lang)
    except DataFileError as exc:
        return list(exc.problems)
    return []


def builtin_plan_path() -> Path:
    """The built-in plan file (Chorakhe Hin, FY 2568) shipped inside the package."""
    return Path(str(resources.files("surveys").joinpath("data", "plans", BUILTIN_PLAN_FILE)))


@cache
def builtin_plan() -> Plan:
    """The built-in plan: the 19 projects of Chorakhe Hin Subdistrict Municipality, FY 2568."""
    return load_plan(builtin_plan_path(), lang="en")


def home_plan_path(home: Path) -> Path:
    """Where an installation keeps its own plan; when present it replaces the built-in one."""
    return home / HOME_PLAN_FILE


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON-ready data (every target with its ``kind`` and ``threshold``)."""
    data = plan.model_dump(mode="json")
    for project in data["projects"]:
        # ``id`` and ``kind`` first: a reader scanning the JSON sees what each target is.
        project["targets"] = [
            {"id": t["id"], "kind": t["kind"], **{k: v for k, v in t.items() if k not in ("id", "kind")}}
            for t in project["targets"]
        ]
    return data


def _checked(data: Any, positions: Positions, name: str, known: Collection[str] | None, lang: str) -> Plan:
    problems = rules.document_problems(
        to_plain(data), positions, name, kinds=TARGET_KINDS, known_instruments=known, lang=lang
    )
    plan: Plan | None = None
    try:
        plan = validate(Plan, data, positions, name, lang)
    except DataFileError as exc:
        # A bad ``kind`` is reported above in words; drop pydantic's vaguer note at the same place.
        kind_fields = {p.field.removesuffix(".kind") for p in problems if p.code.startswith("target.kind")}
        problems += [p for p in exc.problems if not (p.code == "field.invalid" and p.field in kind_fields)]
    if problems or plan is None:
        problems.sort(key=lambda p: (p.line is None, p.line or 0))
        raise DataFileError(problems)
    return plan
