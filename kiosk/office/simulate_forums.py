"""A believable year on the forum laptop, driven through the same desk calls as its screens.

Each fiscal year in the period: one development-plan forum in every community of the municipality
(หมู่ที่ 1–9), on working days of the forum season (February to April); 30–80 people at each, counted
by band, mostly residents with a few community leaders, young people and officials; now and then a
recount that corrects the attendance (with its reason); forms from 60–80 % of those there, some typed
by the participant, most by a clerk from paper; now and then a form taken back; votes on the 5–8
agenda items put to that forum, and a plain suggestion here and there. Staff surveys: NO Gift twice
a year (project 15), the salary promotion after each round (project 17, April and October), the
internal control evaluation once (project 13); 30–45 staff, one code each, 85–95 % answering over a
few working days, mostly compliant and satisfied but not all. Every session is closed.

Every event goes through :class:`kiosk.office.forum.ForumDesk` on a :class:`LocalOffice` whose clock
the simulation moves (times of day a forum or a survey would have). No event names a person: the
facilitators are positions, sign-in lists stay off, suggestions name nobody.

It writes only into a demo home, under the same rules as the kiosk's simulation
(:func:`kiosk.office.simulate.inspect_home`, :func:`kiosk.office.simulate.plan_run`): a run begins with
a ``demo.simulation`` event (``"what": "forums"``) and continues after the last day the log holds.
The schedule of a fiscal year and each session's randomness come from the seed and the year alone, so
a year simulated in two runs holds the same forums as one simulated at once.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from kiosk.office.forum import ForumDesk
from kiosk.office.service import LocalOffice
from kiosk.office.simulate import (
    CLOSE,
    MARK,
    OPEN,
    Period,
    SimulatedClock,
    SimulationRefused,
    inspect_home,
    plan_run,
    run_interleaved,
)
from surveys.content.instruments import Instrument
from surveys.counter.settings import Settings
from surveys.forum.sessions import CLERK, SELF
from surveys.log.device import DEMO_EVENT_KIND, load_or_create_device
from surveys.log.event import BANGKOK, JsonValue, now_iso

WHAT = "forums"  # the demo.simulation event's "what": a laptop's year, not a kiosk's
FORUM_INSTRUMENT = "forum-feedback"
FORUM_PROJECTS = (5,)
SEASON = ((2, 1), (4, 30))  # (month, day): the development-plan forums, February to April
COMMUNITIES = (
    (1, "บ้านจระเข้หิน", "ศาลาประชาคมหมู่ที่ 1"),
    (2, "บ้านหนองบัว", "ศาลาประชาคมหมู่ที่ 2"),
    (3, "บ้านโนนสะอาด", "วัดโนนสะอาด"),
    (4, "บ้านหนองไผ่", "ศาลาประชาคมหมู่ที่ 4"),
    (5, "บ้านโคกสูง", "โรงเรียนบ้านโคกสูง"),
    (6, "บ้านสระตะเคียน", "ศาลาประชาคมหมู่ที่ 6"),
    (7, "บ้านหัวหนอง", "ศาลาประชาคมหมู่ที่ 7"),
    (8, "บ้านดอนแขวน", "วัดดอนแขวน"),
    (9, "บ้านมาบกราด", "ศาลาประชาคมหมู่ที่ 9"),
)
FACILITATORS = ("ปลัดเทศบาล", "นักวิเคราะห์นโยบายและแผน", "ผู้อำนวยการกองช่าง", "หัวหน้าสำนักปลัด")
# Agenda items (development-plan projects) and the forum-feedback priority each belongs to.
AGENDA = (
    ("ก่อสร้างถนนคอนกรีตเสริมเหล็กภายในหมู่บ้าน", "roads"),
    ("ซ่อมแซมถนนลูกรังเพื่อการเกษตร", "roads"),
    ("ปรับปรุงผิวจราจรแอสฟัลต์ติกสายหลัก", "roads"),
    ("ก่อสร้างรางระบายน้ำคอนกรีตเสริมเหล็กพร้อมฝาปิด", "water"),
    ("วางท่อระบายน้ำในจุดที่น้ำท่วมขัง", "water"),
    ("ขยายเขตประปาหมู่บ้าน", "water"),
    ("ปรับปรุงระบบกรองน้ำประปาหมู่บ้าน", "water"),
    ("ขุดลอกสระน้ำสาธารณะ", "water"),
    ("เจาะบ่อบาดาลเพื่อการเกษตร", "water"),
    ("ติดตั้งไฟฟ้าส่องสว่างสาธารณะพลังงานแสงอาทิตย์", "safety"),
    ("ขยายเขตไฟฟ้าแรงต่ำเข้าพื้นที่การเกษตร", "economy"),
    ("ติดตั้งกล้องโทรทัศน์วงจรปิดบริเวณทางแยก", "safety"),
    ("ติดตั้งป้ายจราจรและกระจกโค้งจุดเสี่ยง", "safety"),
    ("จัดหาถังขยะและรณรงค์คัดแยกขยะต้นทาง", "environment"),
    ("จัดตั้งธนาคารขยะชุมชน", "environment"),
    ("ส่งเสริมอาชีพกลุ่มสตรีและผู้สูงอายุ", "economy"),
    ("ปรับปรุงลานกีฬาประจำหมู่บ้าน", "health"),
    ("ปรับปรุงศาลาประชาคมหมู่บ้าน", "education"),
)
FORUM_SUGGESTIONS = (
    "อยากให้ซ่อมถนนก่อนถึงหน้าฝน",
    "ช่วงหน้าฝนน้ำท่วมขังหน้าบ้านหลายหลัง ขอให้เร่งทำรางระบายน้ำ",
    "ไฟส่องทางตรงทางโค้งดับบ่อย กลางคืนมืดมาก",
    "น้ำประปาขุ่นในบางวัน อยากให้ปรับปรุงระบบกรองน้ำ",
    "อยากให้มีรถเก็บขยะมาเก็บสัปดาห์ละสองครั้ง",
    "ขอให้แจ้งความคืบหน้าของโครงการให้ชาวบ้านทราบทางหอกระจายข่าว",
    "อยากให้จัดเวทีในช่วงเย็น คนทำงานจะได้มาร่วมได้",
    "ขอให้ติดป้ายเตือนลดความเร็วหน้าโรงเรียน",
    "อยากให้มีกิจกรรมฝึกอาชีพให้ผู้สูงอายุ",
    "ขอบคุณที่เปิดโอกาสให้ชาวบ้านได้แสดงความคิดเห็น",
)
STAFF_SUGGESTIONS = {
    "staff-internal-control": (
        "อยากให้มีการอบรมเรื่องการประเมินความเสี่ยงก่อนเริ่มทำรายงาน",
        "ระยะเวลาจัดทำรายงานค่อนข้างกระชั้น",
        "ควรมีตัวอย่างแบบฟอร์มที่กรอกแล้วให้ดู",
    ),
    "staff-promotion": (
        "อยากให้ชี้แจงเกณฑ์การประเมินตั้งแต่ต้นรอบ",
        "ควรประกาศผลการประเมินให้ทราบทั่วกัน",
        "อยากให้มีช่องทางอุทธรณ์ที่ชัดเจนกว่านี้",
    ),
}


@dataclass(frozen=True)
class StaffRound:
    """A staff survey of the year: which, for which projects, titled how, and when it may open."""

    instrument: str
    projects: tuple[int, ...]
    title: str  # ``{fy}``: the fiscal year, B.E.
    window: tuple[tuple[int, int], tuple[int, int]]  # (month, day) to (month, day), within the fiscal year


STAFF_ROUNDS = (
    StaffRound(
        "staff-promotion",
        (17,),
        "ความพึงพอใจต่อการเลื่อนขั้นเงินเดือน รอบ 1 ตุลาคม ปีงบประมาณ {fy}",
        ((10, 15), (11, 15)),
    ),
    StaffRound("staff-nogift", (15,), "การปฏิบัติตามมาตรการ NO Gift Policy ครึ่งปีแรก {fy}", ((1, 6), (1, 30))),
    StaffRound(
        "staff-promotion",
        (17,),
        "ความพึงพอใจต่อการเลื่อนขั้นเงินเดือน รอบ 1 เมษายน ปีงบประมาณ {fy}",
        ((4, 20), (5, 20)),
    ),
    StaffRound("staff-nogift", (15,), "การปฏิบัติตามมาตรการ NO Gift Policy ครึ่งปีหลัง {fy}", ((7, 1), (7, 31))),
    StaffRound(
        "staff-internal-control",
        (13,),
        "ความพึงพอใจต่อการจัดทำรายงานการประเมินผลการควบคุมภายใน ปีงบประมาณ {fy}",
        ((8, 15), (9, 15)),
    ),
)
# Head-count bands of one attendee: role → its share, and the shares of ages and genders within it.
ROLES = {"resident": 0.78, "leader": 0.08, "youth": 0.06, "official": 0.06, "other": 0.02}
AGES = {
    "resident": {"18-29": 0.08, "30-44": 0.2, "45-59": 0.32, "60-plus": 0.35, "unspecified": 0.05},
    "leader": {"30-44": 0.15, "45-59": 0.5, "60-plus": 0.35},
    "youth": {"under-18": 0.6, "18-29": 0.4},
    "official": {"18-29": 0.1, "30-44": 0.5, "45-59": 0.4},
    "other": {"30-44": 0.4, "45-59": 0.4, "60-plus": 0.2},
}
GENDERS = {"leader": {"male": 0.7, "female": 0.3}}
GENDER = {"female": 0.55, "male": 0.43, "unspecified": 0.02}
# The forum form's own background bands, from the head-count bands of the one who fills it.
FORM_SEX = {"male": "male", "female": "female", "unspecified": "not-say"}
FORM_AGE = {"unspecified": "not-say"}
FORM_ROLE = {
    "resident": "resident",
    "leader": "community-leader",
    "youth": "resident",
    "official": "organisation",
    "other": "volunteer",
}
FORUM_MOOD = {5: 0.38, 4: 0.4, 3: 0.16, 2: 0.04, 1: 0.02}
STAFF_MOOD = {
    "staff-internal-control": {5: 0.34, 4: 0.46, 3: 0.15, 2: 0.04, 1: 0.01},
    "staff-promotion": {5: 0.26, 4: 0.45, 3: 0.2, 2: 0.06, 1: 0.03},
}
VOID_REASONS = (
    "กรอกซ้ำกับแบบฟอร์มก่อนหน้า",
    "ผู้ตอบขอแก้ไขคำตอบ",
    "เจ้าหน้าที่บันทึกคำตอบผิดจากกระดาษ",
)


@dataclass
class ForumSimulationReport:
    forums: int = 0
    attendance: int = 0  # the final head counts, summed
    corrections: int = 0
    forms: int = 0  # that count (not taken back)
    voided: int = 0
    votes: int = 0
    suggestions: int = 0
    staff_surveys: int = 0
    codes: int = 0
    staff_responses: int = 0
    events: int = 0
    first_day: str = ""
    last_day: str = ""
    continued_after: str = ""
    clipped: bool = False
    new_demo_home: bool = False

    def to_dict(self) -> dict[str, JsonValue]:
        return dict(self.__dict__)


def fiscal_year_of(day: date) -> int:
    """The fiscal year (B.E.) ``day`` falls in: 1 Oct 2024 – 30 Sep 2025 is 2568."""
    return day.year + 543 + (1 if day.month >= 10 else 0)


def _on(fy: int, month_day: tuple[int, int]) -> date:
    month, day = month_day
    return date(fy - 543 - (1 if month >= 10 else 0), month, day)


def _working_days(first: date, last: date) -> list[date]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5]


def _pick(rng: random.Random, shares: dict[Any, float]) -> Any:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _near(rng: random.Random, mood: int) -> int:
    return max(1, min(5, mood + rng.choice((-1, 0, 0, 0, 1))))


@dataclass(frozen=True)
class YearPlan:
    """When a fiscal year's sessions are held: from the seed and the year alone."""

    fy: int
    staff: int  # staff handed a code in each staff survey
    forum_days: tuple[date, ...]  # one per community, in the order of :data:`COMMUNITIES`
    staff_days: tuple[tuple[date, ...], ...]  # the working days each staff round is open

    @classmethod
    def of(cls, seed: int, fy: int) -> YearPlan:
        plan = random.Random(f"{seed}:{fy}:plan")
        staff = plan.randint(30, 45)
        season = _working_days(_on(fy, SEASON[0]), _on(fy, SEASON[1]))
        forum_days = tuple(sorted(plan.sample(season, len(COMMUNITIES))))
        staff_days: list[tuple[date, ...]] = []
        for staff_round in STAFF_ROUNDS:
            window = _working_days(_on(fy, staff_round.window[0]), _on(fy, staff_round.window[1]))
            start = plan.randrange(len(window) - 5)
            staff_days.append(tuple(window[start : start + plan.randint(3, 5)]))
        return cls(fy, staff, forum_days, tuple(staff_days))

    def forums_within(self, first: date, last: date) -> list[int]:
        return [i for i, day in enumerate(self.forum_days) if first <= day <= last]

    def staff_within(self, first: date, last: date) -> list[int]:
        return [i for i, days in enumerate(self.staff_days) if first <= days[0] and days[-1] <= last]


class _Year:
    """One fiscal year's sessions, each a generator that yields when it next acts."""

    def __init__(self, desk: ForumDesk, seed: int, plan: YearPlan, report: ForumSimulationReport) -> None:
        self.desk, self.seed, self.plan, self.report = desk, seed, plan, report
        self.fy = plan.fy

    def sessions(self, first: date, last: date) -> list[Iterator[datetime]]:
        """The sessions held wholly within ``first``–``last``."""
        found: list[Iterator[datetime]] = []
        for i in self.plan.forums_within(first, last):
            rng = random.Random(f"{self.seed}:{self.fy}:forum:{i}")
            found.append(self._forum(rng, COMMUNITIES[i], self.plan.forum_days[i]))
        for i in self.plan.staff_within(first, last):
            rng = random.Random(f"{self.seed}:{self.fy}:staff:{i}")
            found.append(self._staff(rng, STAFF_ROUNDS[i], self.plan.staff_days[i]))
        return found

    # -- forums ------------------------------------------------------------------------------------

    def _forum(self, rng: random.Random, community: tuple[int, str, str], day: date) -> Iterator[datetime]:
        number, village, place = community
        start = datetime.combine(day, time(13, 0) if rng.random() < 0.3 else time(9, 0), BANGKOK)
        start += timedelta(minutes=rng.choice((0, 0, 15, 30)))
        agenda = rng.sample(AGENDA, rng.randint(5, 8))
        popularity = [rng.gammavariate(2.0, 1.0) for _ in agenda]
        first = rng.randint(32, 77)  # a recount moves it by -2 to +3: 30–80 in the end
        change = rng.choice((-2, -1, 1, 2, 3)) if rng.random() < 0.25 else 0
        people = [self._attendee(rng) for _ in range(max(first, first + change))]
        forms = round(min(first, first + change) * rng.uniform(0.6, 0.8))
        yield start - timedelta(minutes=rng.randint(15, 30))
        forum = self.desk.open_forum(
            f"หมู่ที่ {number} {village}",
            place,
            day,
            FORUM_PROJECTS,
            rng.sample(FACILITATORS, 2),
            [title for title, _ in agenda],
            instrument=FORUM_INSTRUMENT,
        )
        yield start + timedelta(minutes=rng.randint(20, 40))
        self.desk.record_attendance(forum.session, first, _counts(people[:first]))
        fillers = rng.sample(people[: min(first, first + change)], forms)
        moments = sorted(rng.uniform(90, 180) for _ in fillers)
        voids = {rng.randrange(forms) for _ in range(rng.choice((0, 0, 1, 1, 2)))}
        taken_back = start
        for n, (person, minute) in enumerate(zip(fillers, moments, strict=True)):
            yield max(start + timedelta(minutes=minute), taken_back)
            self._form(rng, forum.session, person, agenda, popularity)
            if n in voids:
                taken_back = start + timedelta(minutes=minute + rng.uniform(0.5, 2))
                yield taken_back
                self.desk.void_last_form(forum.session, rng.choice(VOID_REASONS))
                self.report.voided += 1
        if change:
            yield start + timedelta(minutes=rng.uniform(185, 195))
            reason = f"มีผู้เข้าร่วมมาถึงหลังการนับ {change} คน" if change > 0 else f"นับใหม่แล้วพบว่านับซ้ำ {-change} คน"
            final = first + change
            self.desk.record_attendance(forum.session, final, _counts(people[:final]), reason=reason)
            self.report.corrections += 1
        yield start + timedelta(minutes=rng.uniform(200, 215))
        closed = self.desk.close_forum(forum.session)
        self.report.forums += 1
        self.report.attendance += closed.total
        self.report.forms += len(closed.forms)
        self.report.votes += sum(len(f.votes) for f in closed.forms)

    def _attendee(self, rng: random.Random) -> tuple[str, str, str]:
        role = _pick(rng, ROLES)
        return _pick(rng, GENDERS.get(role, GENDER)), _pick(rng, AGES[role]), role

    def _form(
        self,
        rng: random.Random,
        session: str,
        person: tuple[str, str, str],
        agenda: Sequence[tuple[str, str]],
        popularity: Sequence[float],
    ) -> None:
        mood = _pick(rng, FORUM_MOOD)
        answers: dict[str, Any] = {"overall": mood}
        for item in ("spoke", "info_clear", "opinion_used"):
            if rng.random() < 0.92:  # trust that opinions will be used runs a little lower
                doubt = 1 if item == "opinion_used" and rng.random() < 0.3 else 0
                answers[item] = _near(rng, mood - doubt)
        ids = [f"a{i}" for i in range(1, len(agenda) + 1)]
        votes: list[str] = []
        if rng.random() < 0.95:
            weights = list(popularity)
            for _ in range(_pick(rng, {1: 0.2, 2: 0.3, 3: 0.5})):
                index = rng.choices(range(len(ids)), weights=weights)[0]
                votes.append(ids[index])
                weights[index] = 0.0
                if not any(weights):
                    break
        priorities = list(dict.fromkeys(agenda[ids.index(v)][1] for v in votes))[:3]
        if priorities and rng.random() < 0.8:
            answers["priorities"] = priorities
        if rng.random() < 0.12:
            answers["suggestion"] = rng.choice(FORUM_SUGGESTIONS)
            self.report.suggestions += 1
        gender, age, role = person
        if rng.random() < 0.85:
            answers["sex"] = FORM_SEX[gender]
            answers["age_band"] = FORM_AGE.get(age, age)
            answers["role"] = FORM_ROLE[role]
        self.desk.submit_form(session, answers, votes, mode=SELF if rng.random() < 0.4 else CLERK)

    # -- staff surveys -----------------------------------------------------------------------------

    def _staff(
        self, rng: random.Random, staff_round: StaffRound, days: tuple[date, ...]
    ) -> Iterator[datetime]:
        opened = datetime.combine(days[0], time(9, rng.randint(0, 45)), BANGKOK)
        yield opened
        survey, codes = self.desk.open_staff_survey(
            staff_round.instrument,
            staff_round.projects,
            staff_round.title.format(fy=self.fy),
            self.plan.staff,
        )
        self.report.staff_surveys += 1
        self.report.codes += len(codes)
        instrument = self.desk.instrument(staff_round.instrument)
        answering = rng.sample(codes, round(len(codes) * rng.uniform(0.85, 0.95)))
        moments = sorted(self._working_moment(rng, days, opened) for _ in answering)
        for code, moment in zip(answering, moments, strict=True):
            yield moment
            self.desk.submit_staff_response(survey.session, code, _staff_answers(rng, instrument))
            self.report.staff_responses += 1
        yield datetime.combine(days[-1], time(16, 30), BANGKOK) + timedelta(minutes=rng.uniform(5, 40))
        self.desk.close_staff_survey(survey.session)

    @staticmethod
    def _working_moment(rng: random.Random, days: Sequence[date], opened: datetime) -> datetime:
        """A time in office hours on one of ``days``, after the survey was opened."""
        day = rng.choice(days)
        earliest = opened + timedelta(minutes=5) if day == days[0] else datetime.combine(day, OPEN, BANGKOK)
        closing = datetime.combine(day, CLOSE, BANGKOK)
        return earliest + (closing - earliest) * rng.random()


def _counts(people: Sequence[tuple[str, str, str]]) -> dict[str, dict[str, int]]:
    return {
        "gender": dict(Counter(p[0] for p in people)),
        "age": dict(Counter(p[1] for p in people)),
        "role": dict(Counter(p[2] for p in people)),
    }


def _staff_answers(rng: random.Random, instrument: Instrument) -> dict[str, Any]:
    """Mostly compliant and satisfied, not all; the background skipped now and then."""
    mood = _pick(rng, STAFF_MOOD.get(instrument.id, FORUM_MOOD))
    answers: dict[str, Any] = {}
    for item in instrument.all_items():
        if item.type == "likert5":
            if item.required or rng.random() < 0.95:
                answers[item.id] = mood if item.id == "overall" else _near(rng, mood)
        elif item.type == "single" and item.choices:
            values = [c.value for c in item.choices]
            if item.compliant_value is not None:
                others = [v for v in values if v != item.compliant_value]
                answers[item.id] = item.compliant_value if rng.random() < 0.96 else rng.choice(others)
            elif item.demographic:
                if rng.random() < 0.8:
                    answers[item.id] = rng.choice(values)
            else:  # a plain question: its first choice most of the time (knows the policy: yes)
                answers[item.id] = values[0] if rng.random() < 0.92 else rng.choice(values[1:])
        elif item.type == "text" and rng.random() < 0.1:
            pool = STAFF_SUGGESTIONS.get(instrument.id)
            if pool:
                answers[item.id] = rng.choice(pool)
    return answers


def simulate_forums(
    home: Path,
    settings: Settings,
    period: Period,
    *,
    seed: int = 2568,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ForumSimulationReport:
    """Simulate the forums and staff surveys of ``period`` in the demo home ``home`` (a new home becomes
    one). Raises :class:`SimulationRefused`, having written nothing, for a home that isn't a demo home, a
    period that can't be simulated, or one that holds no forum and no staff survey."""
    today = today or datetime.now(BANGKOK).date()
    found = inspect_home(home)
    planned = plan_run(period, found, today)
    first, last = planned.first, planned.last
    report = ForumSimulationReport(
        first_day=first.isoformat(),
        last_day=last.isoformat(),
        continued_after=found.last_day.isoformat() if found.last_day and first > period.first else "",
        clipped=planned.clipped,
        new_demo_home=found.new,
    )
    plans = [YearPlan.of(seed, fy) for fy in range(fiscal_year_of(first), fiscal_year_of(last) + 1)]
    if not any(p.forums_within(first, last) or p.staff_within(first, last) for p in plans):
        past = fiscal_year_of(first) - 1
        raise SimulationRefused(
            "no_session",
            f"ช่วง {first} ถึง {last} ไม่มีเวทีประชาคม (จัดช่วงกุมภาพันธ์–เมษายน) และไม่มีการสำรวจบุคลากร "
            f"จึงไม่มีอะไรให้จำลอง ให้จำลองทั้งปีงบประมาณ เช่น --fy {past}",
            f"{first} to {last} holds no community forum (held February to April) and no staff survey, "
            f"so there is nothing to simulate; simulate a whole fiscal year, e.g. --fy {past}",
        )
    if not load_or_create_device(home, demo=True).demo:  # made by another process since the check
        raise SimulationRefused(
            "changed",
            "อุปกรณ์ของโฟลเดอร์ถูกสร้างขึ้นระหว่างการตรวจ (มีโปรแกรมอื่นใช้โฟลเดอร์นี้) ไม่ได้เขียนอะไร",
            "the home's device was made while it was being checked (another program uses this "
            "folder); nothing was written",
        )
    clock = SimulatedClock(datetime.combine(first, MARK, BANGKOK))
    office = LocalOffice(home, settings, clock=clock)
    start_seq = office.log.head[0]
    try:
        if start_seq != found.events:
            raise SimulationRefused(
                "changed",
                "บันทึกเปลี่ยนระหว่างการตรวจ (มีโปรแกรมอื่นเขียนอยู่) ไม่ได้เขียนอะไร ลองใหม่อีกครั้ง",
                "the log changed while it was being checked (another program writes it); "
                "nothing was written, try again",
            )
        desk = ForumDesk(office)
        with office.log.deferred_sync():
            office.log.append(
                DEMO_EVENT_KIND,
                {
                    "first_day": first.isoformat(),
                    "last_day": last.isoformat(),
                    "seed": seed,
                    "what": WHAT,
                    "run_at": now_iso("seconds"),
                },
                at=datetime.combine(first, MARK, BANGKOK),
            )
            sessions = [s for p in plans for s in _Year(desk, seed, p, report).sessions(first, last)]
            run_interleaved(sessions, clock, progress)
    finally:
        report.events = office.log.head[0] - start_seq
        office.close()
    return report
