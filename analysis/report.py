"""The year-end report: every project of the plan, every target, met or not, with the numbers, their
uncertainty and the evidence that they were not bent.

:func:`build_report` reads the central store and the plan into the report's data (``report.json``'s
content, documented in ``docs/report-json.md``); :func:`write_report` writes it with its renderings
(HTML, PDF, XLSX, CSV); :func:`check_report` derives the report again from the store and says whether
every number and the digest of the events used still match.

The same options, store and plan give a byte-identical ``report.json``: it holds no time of writing, its
keys are sorted, and its numbers are rounded to 4 decimals.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import complaints, forums, operations, satisfaction
from analysis.figures import Figure, by_hand
from analysis.frames import Frames, load_complaints, load_forums, load_frames
from analysis.integrity import integrity_section, integrity_warnings
from analysis.period import Period, days_period
from analysis.verdicts import NO_SOURCE, compared, from_figure, no_data, target_base
from surveys.content.instruments import Instrument
from surveys.content.plan import Plan
from surveys.counter.settings import Settings
from sync.central import CentralStore

SCHEMA = "prongsai-report/1"
JSON_NAME = "report.json"

Step = Callable[[str], None]


@dataclass(frozen=True)
class ReportOptions:
    period: Period
    edition: str = "public"
    include_demo: bool = False
    figures: Mapping[str, Figure] = field(default_factory=dict)
    figures_file: str | None = None  # its name, as given (said in the report)

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.to_dict(),
            "edition": self.edition,
            "include_demo": self.include_demo,
            "figures_file": self.figures_file,
        }


def build_report(
    store: CentralStore,
    plan: Plan,
    settings: Settings,
    instruments: Mapping[str, Instrument],
    options: ReportOptions,
    step: Step | None = None,
) -> dict[str, Any]:
    """The report's data: plain JSON-ready values, the same for the same store, plan and options."""
    say = step or (lambda _name: None)
    say("read")
    frames = load_frames(store, options.period.start, options.period.end, include_demo=options.include_demo)
    start, end = year_before(options.period.start), year_before(options.period.end)
    earlier = load_forums(store, start, end, include_demo=options.include_demo)
    earlier_complaints = load_complaints(store, start, end, include_demo=options.include_demo)
    say("integrity")
    integrity = integrity_section(store, frames.refused, include_demo=options.include_demo)
    say("targets")
    report = assemble(
        frames, plan, settings, instruments, options, integrity, earlier_forums=earlier,
        earlier_complaints=earlier_complaints,
    )  # fmt: skip
    say("done")
    return report


def assemble(
    frames: Frames,
    plan: Plan,
    settings: Settings,
    instruments: Mapping[str, Instrument],
    options: ReportOptions,
    integrity: dict[str, Any],
    *,
    earlier_forums: pd.DataFrame | None = None,
    earlier_complaints: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The report from frames already loaded (an analyst's own frames work too). ``earlier_forums``: the
    ``forums`` frame of the same period a year before (:func:`analysis.frames.load_forums`), for the
    change in forum attendance; without it that target has no data. ``earlier_complaints``: likewise the
    ``complaints`` frame (:func:`analysis.frames.load_complaints`), for the counts of complaints that must
    fall; without it they use the previous year's count of the figures file, if given."""
    public = options.edition == "public"
    tables: dict[str, Any] = {}
    projects: list[dict[str, Any]] = []
    context = _Context(frames, settings, instruments, public, tables)
    context.earlier_forums = earlier_forums
    context.earlier_complaints = earlier_complaints
    context.earlier_period = {
        "from": year_before(options.period.start).isoformat(),
        "to": year_before(options.period.end).isoformat(),
    }
    for project in plan.projects:
        rows = [evaluate_target(target, project.number, context, options) for target in project.targets]
        projects.append(
            {
                "number": project.number,
                "name_th": project.name_th,
                "name_en": project.name_en,
                "targets": rows,
                "tables": sorted(set(context.project_tables.pop(project.number, []))),
            }
        )
    context.operations_tables()
    attendance_threshold = next(
        (
            float(t.threshold)
            for _, t in plan.targets()
            if t.kind == "head_count" and t.counts == "forum_attendance"
        ),
        None,
    )
    forum_tables, forum_texts = forums.forum_section(frames, instruments, public, attendance_threshold)
    staff_tables = forums.staff_section(frames, instruments)
    days = next(
        (
            int(t.threshold)
            for _, t in plan.targets()
            if t.kind == "deadline_days" and t.measured_by == "complaints"
        ),
        15,
    )
    complaint_tables = complaints.complaints_section(frames.complaints, frames.end, public, days)
    tables |= forum_tables | staff_tables | complaint_tables
    warnings = integrity_warnings(integrity, options.include_demo)
    if any(t["entered_by_hand"] and t["value"] is not None for p in projects for t in p["targets"]):
        warnings.append(
            {
                "code": "by_hand",
                "th": "ตัวเลขบางตัวเจ้าหน้าที่กรอกเอง (ไม่ได้วัดจากข้อมูลของชุดเครื่องมือ) มีหมายเหตุกำกับไว้ทุกตัว",
                "en": "some figures were entered by hand (not measured from the kit's data); each is marked",
            }
        )
    if public and any(t.get("suppressed") for t in tables.values()):
        warnings.append(
            {
                "code": "suppressed",
                "th": 'ช่องที่มีผู้ตอบน้อยกว่า 5 คนแสดงเป็น "<5" เพื่อคุ้มครองข้อมูลส่วนบุคคล',
                "en": 'cells with fewer than 5 responses are shown as "<5" to protect privacy',
            }
        )
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "municipality": {"th": settings.municipality_th, "en": settings.municipality_en},
        "plan": {"fiscal_year": plan.fiscal_year, "title_th": plan.title_th, "title_en": plan.title_en},
        **options.to_dict(),
        "warnings": warnings,
        "projects": projects,
        "tables": tables,
        "services": context.service_tables,
        "fairness": context.fairness_tables,
        "forum": list(forum_tables),
        "staff_surveys": list(staff_tables),
        "complaints": list(complaint_tables),
        "integrity": integrity,
        "evidence": frames.evidence.to_dict(),
    }
    if not public:
        report["suggestions"] = context.suggestions()
        report["forum_suggestions"] = forum_texts
    return report


def year_before(day: date) -> date:
    """The same day a year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=day.day - 1)


class _Context:
    """What evaluating targets shares: the frames, the office's settings, the instruments, the tables."""

    def __init__(
        self,
        frames: Frames,
        settings: Settings,
        instruments: Mapping[str, Instrument],
        public: bool,
        tables: dict[str, Any],
    ) -> None:
        self.frames = frames
        self.settings = settings
        self.instruments = instruments
        self.public = public
        self.tables = tables
        self.project_tables: dict[int, list[str]] = {}
        self.service_tables: list[str] = []
        self.fairness_tables: list[str] = []
        self.project_suggestions: dict[int, set[str]] = {}
        self.made: dict[tuple[str, tuple[Any, ...]], str] = {}  # (kind of table, whose answers) → its id
        self.earlier_forums: pd.DataFrame | None = None
        self.earlier_complaints: pd.DataFrame | None = None
        self.earlier_period: dict[str, str] = {}

    def satisfaction_tables(self, target: Any, project: int, instrument: Instrument) -> None:
        """The tables a Thai satisfaction report always has, for one target: by ด้าน with ภาพรวม, by
        service, and the respondents by the coarse bands the instrument asks. Two targets over the same
        answers (projects 10 and 15 both read every counter rating) share one table.
        A staff survey's tables hide cells under 5 respondents in both editions, and have no table by
        service."""
        frames, public = self.frames, self.public
        staff = getattr(target, "measured_by", None) == "staff_survey"
        public = public or staff
        services = getattr(target, "services", None)
        item = getattr(target, "item", None)
        names = {s.id: (s.name_th, s.name_en) for s in self.settings.services}
        linked = "project" in frames.responses.columns and bool(
            (frames.responses["project"] == project).any()
        )
        whose = (
            instrument.id,
            tuple(services) if services is not None else None,
            project if linked else None,
        )
        makers: dict[str, tuple[tuple[Any, ...], Callable[[], dict[str, Any]]]] = {
            "aspects": (whose, lambda: satisfaction.aspect_table(
                frames.responses, frames.answers, instrument, services=services, project=project,
                public=public)),
            "services": ((*whose, item), lambda: satisfaction.service_table(
                frames.responses, frames.answers, instrument, services=services, project=project,
                service_names=names, item=item, public=public)),
            "respondents": (whose, lambda: satisfaction.respondent_table(
                frames.responses, frames.answers, instrument, services=services, project=project,
                public=public)),
        }  # fmt: skip
        if staff:
            del makers["services"]
        for name, (key, make) in makers.items():
            table_id = self.made.get((name, key))
            if table_id is None:
                table = make()
                if name == "respondents" and not table.get("rows"):
                    continue  # the instrument asks no demographic question
                table_id = f"{target.id}-{name}"
                self.made[(name, key)] = table_id
                self.tables[table_id] = table
            self.project_tables.setdefault(project, []).append(table_id)

    def operations_tables(self) -> None:
        """The service statistics and fairness tables (the integrity assessment's service items)."""
        services = operations.service_tables(self.frames, settings=self.settings)
        fairness = operations.fairness_tables(self.frames, self.settings)
        self.tables |= services | fairness
        self.service_tables, self.fairness_tables = list(services), list(fairness)

    def collect_suggestions(self, target: Any, project: int) -> None:
        """The free-text answers (suggestions) of the responses ``target`` counts, kept for its project:
        the staff edition shows them, the public one never does."""
        chosen = satisfaction.select_responses(
            self.frames.responses, target.instrument, getattr(target, "services", None), project
        )
        answers = self.frames.answers
        if chosen.empty or answers.empty:
            return
        texts = answers[answers["response"].isin(chosen["response"]) & answers["value"].map(_is_text)]
        found = self.project_suggestions.setdefault(project, set())
        found.update(str(v).strip() for v in texts["value"] if str(v).strip())

    def suggestions(self) -> dict[str, list[str]]:
        return {f"p{n}": sorted(texts) for n, texts in sorted(self.project_suggestions.items()) if texts}


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def evaluate_target(target: Any, project: int, context: _Context, options: ReportOptions) -> dict[str, Any]:
    """One target's row: its figures, verdict and certainty, or ``no_data`` with the reason."""
    row = target_base(target)
    if by_hand(target):
        return from_figure(row, options.figures.get(target.id))
    kind = target.kind
    if kind == "satisfaction":
        instrument = context.instruments.get(target.instrument)
        if instrument is None:
            return no_data(
                row,
                (f"ไม่รู้จักแบบสอบถาม {target.instrument}", f"the instrument {target.instrument} is unknown"),
            )
        frames = context.frames
        result = {
            **row,
            **satisfaction.target_row(target, frames.responses, frames.answers, instrument, project=project),
        }
        if result["verdict"] == "no_data" and not result.get("reason_th"):
            reason_th, reason_en = NO_SOURCE.get(target.measured_by, NO_SOURCE["ratings"])
            result |= {"reason_th": reason_th, "reason_en": reason_en}
        if result.get("n"):
            context.satisfaction_tables(target, project, instrument)
            if not context.public:
                context.collect_suggestions(target, project)
        return result
    if kind == "compliance" and target.measured_by == "staff_survey":
        instrument = context.instruments.get(target.instrument)
        if instrument is None or not instrument.compliance_items():
            return no_data(
                row,
                (
                    f"แบบสอบถาม {target.instrument} ไม่รู้จักหรือไม่มีข้อที่กำหนดค่าการปฏิบัติตาม (compliant_value)",
                    f"the instrument {target.instrument} is unknown or has no compliance item "
                    "(compliant_value)",
                ),
            )
        frames = context.frames
        return forums.compliance_target(row, frames.responses, frames.answers, instrument, project=project)
    if kind == "frequency" and target.activity == "forum":
        return forums.forum_frequency_target(row, context.frames.forums)
    if kind == "head_count" and target.counts == "forum_attendance":
        return forums.attendance_target(row, context.frames.forums)
    if kind == "count_change" and target.measured_by == "forum":
        return forums.attendance_change_target(
            row, context.frames.forums, context.earlier_forums, context.earlier_period
        )
    if target.measured_by == "complaints":
        found = _complaint_target(target, row, context, options)
        if found is not None:
            return found
    if kind == "compliance" and target.measured_by == "tickets":
        return {**row, **operations.queue_order_target(context.frames, target)}
    if kind == "head_count" and target.counts == "citizens_served":
        return (
            compared(row, operations.citizens_served(context.frames)) if not _empty(context) else _none(row)
        )
    if kind == "frequency" and target.activity == "summary_report":
        if target.every == "yearly":
            return compared(row, 1) if not _empty(context) else _none(row)
        return {**row, **operations.summary_frequency_target(context.frames, target)}
    if kind == "count_change":
        return no_data(row, NO_SOURCE.get(target.measured_by, NO_SOURCE["count_change"]))
    return no_data(row, NO_SOURCE.get(target.measured_by, NO_SOURCE["ratings"]))


def _complaint_target(
    target: Any, row: dict[str, Any], context: _Context, options: ReportOptions
) -> dict[str, Any] | None:
    """A target measured from complaints (:mod:`analysis.complaints`), or None if the kit cannot."""
    frames, kind = context.frames, target.kind
    if kind == "deadline_days":
        return complaints.resolve_target(row, frames.complaints, frames.end, target.threshold, target.share)
    if kind == "compliance":
        return complaints.progress_target(row, frames.complaints, frames.end)
    if kind == "head_count" and target.counts == "complaints_and_tips":
        return complaints.citizen_watch_target(row, frames.complaints)
    if kind == "count_change":
        return complaints.change_target(
            row, target.categories, frames.complaints, context.earlier_complaints, context.earlier_period,
            options.figures.get(target.id),
        )  # fmt: skip
    return None


def _empty(context: _Context) -> bool:
    return bool(context.frames.tickets.empty)


def _none(row: dict[str, Any]) -> dict[str, Any]:
    return no_data(row, NO_SOURCE["tickets"])


# -- report.json -------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready: floats rounded to 4 decimals (integral ones as integers), NaN as null, keys as text."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number) or math.isinf(number):
        return None
    rounded = round(number, 4)
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def report_json(report: Mapping[str, Any]) -> str:
    """``report.json``'s text: sorted keys, 4 decimals, UTF-8 Thai as is; byte-identical for equal data."""
    return json.dumps(_plain(report), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def read_report(folder: Path) -> dict[str, Any]:
    data = json.loads((folder / JSON_NAME).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"{folder / JSON_NAME} is not a prongsai report ({SCHEMA})")
    return data


def _name(entry: Any, index: int) -> str:
    """A list entry's name in a path: its id (a target), number (a project) or device, else its index."""
    if isinstance(entry, dict):
        for key in ("id", "device", "number"):
            if key in entry:
                return f"{key}={entry[key]}"
    return str(index)


def differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Where two reports' data differ, as JSON paths (``projects[0].targets[1].value: 85.66 → 84.1``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        found: list[str] = []
        for key in sorted(set(old) | set(new)):
            path = f"{where}.{key}" if where else str(key)
            if key not in old or key not in new:
                found.append(f"{path}: {'missing' if key not in new else 'added'}")
            else:
                found.extend(differences(old[key], new[key], path))
        return found
    if isinstance(old, list) and isinstance(new, list):
        found = []
        if len(old) != len(new):
            found.append(f"{where}: {len(old)} → {len(new)} entries")
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            found.extend(differences(a, b, f"{where}[{_name(a, i)}]"))
        return found
    return [] if old == new else [f"{where}: {old!r} → {new!r}"]


# -- writing and checking ------------------------------------------------------------------------------


def write_report(
    report: Mapping[str, Any], out: Path, step: Step | None = None, lang: str = "th"
) -> list[Path]:
    """Write ``report.json``, ``report.html``, ``report.pdf``, ``report.xlsx`` and ``tables/*.csv`` into
    ``out`` (made if missing). Each file is written beside its final name and renamed into place, so a
    failure leaves the previous report's files whole."""
    from analysis.render.csv import write_csv_tables
    from analysis.render.html import write_html
    from analysis.render.pdf import write_pdf
    from analysis.render.xlsx import write_xlsx

    say = step or (lambda _name: None)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def place(name: str, write: Callable[[Path], object]) -> None:
        final = out / name
        part = out / f".{name}.part"
        try:
            write(part)
            part.replace(final)
        finally:
            part.unlink(missing_ok=True)
        written.append(final)

    say("json")
    place(JSON_NAME, lambda p: p.write_text(report_json(report), encoding="utf-8"))
    say("html")
    place("report.html", lambda p: write_html(dict(report), p, lang=lang))
    say("pdf")
    place("report.pdf", lambda p: write_pdf(dict(report), p))
    say("xlsx")
    place("report.xlsx", lambda p: write_xlsx(dict(report), p))
    say("csv")
    written.extend(write_csv_tables(dict(report), out / "tables") or [])
    return written


def figures_of(report: Mapping[str, Any]) -> dict[str, Figure]:
    """The figures a report used (entered by hand), read back from its targets."""
    found: dict[str, Figure] = {}
    for project in report.get("projects", []):
        for target in project.get("targets", []):
            if target.get("before_from") == "figures":  # the previous year's count of complaints
                found[target["id"]] = Figure(value=target["before"], note=target.get("note"))
            elif target.get("entered_by_hand") and target.get("value") is not None:
                found[target["id"]] = Figure(value=target["value"], note=target.get("note"))
    return found


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    digest_ok: bool
    differences: list[str]
    digest: str
    stored_digest: str


def check_report(
    folder: Path,
    store: CentralStore,
    plan: Plan,
    settings: Settings,
    instruments: Mapping[str, Instrument],
) -> CheckResult:
    """Derive the report in ``folder`` again from ``store`` with the options it names, and compare every
    number and the digest of the events used."""
    old = read_report(folder)
    period = old["period"]
    options = ReportOptions(
        period=days_period(date.fromisoformat(period["from"]), date.fromisoformat(period["to"])),
        edition=old.get("edition", "public"),
        include_demo=bool(old.get("include_demo")),
        figures=figures_of(old),
        figures_file=old.get("figures_file"),
    )
    new = json.loads(report_json(build_report(store, plan, settings, instruments, options)))
    found = differences(old, new)
    stored = str(old.get("evidence", {}).get("digest", ""))
    digest = str(new["evidence"]["digest"])
    return CheckResult(not found and stored == digest, stored == digest, found, digest, stored)
