"""A believable year at the complaint desk, driven through the same desk calls as staff and the kiosk.

Each fiscal year in the period: a few complaints a month for a small municipality (about 3–8), more in
the rainy season (May to October) for roads, drainage and street lights, more burning and dust in the
dry months; by phone, at the counter, by letter, on the Facebook page, through the Damrongdhama centre
or walking into a division; mostly general trouble, a few about staff conduct or procurement. Each is
assigned, taken in hand and closed: most well within the 15 days, about one in ten late, a few answered
with a letter of explanation instead (``explained``, with its Thai summary). A few corruption tips a year
come through the protected channel (series T), some anonymous, some with a fictional contact sealed to
the officer key the simulation makes and installs in the demo home. After closing, a third to a half of
complainants rate the handling (``complaint-satisfaction``), mostly satisfied, less so when it was late
or explained. Each fiscal year has fewer complaints than the one before, so that projects 4, 6 and 16's
"fewer than last year" shows when two years are simulated.

No event names a person and no contact is real: contacts are ``@example.invalid`` addresses, and they
reach the log only sealed (the officer's private key stays in ``HOME/demo-officer/`` of the demo home, so
``prongsai complaints reveal`` can be tried on it).

It writes only into a demo home, under the same rules as the kiosk's simulation
(:func:`kiosk.office.simulate.inspect_home`, :func:`kiosk.office.simulate.plan_run`): a run begins with
a ``demo.simulation`` event (``"what": "complaints"``) and continues after the last day the log holds.
A fiscal year's complaints and each one's course come from the seed and the year alone; a complaint still
open at the end of a run is taken up again by the next run (from the seed and its time of receipt).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from kiosk.office.complaints import ComplaintDesk, install_officer_key, make_officer_key, officer_key_path
from kiosk.office.service import LocalOffice, OfficeError
from kiosk.office.simulate import (
    MARK,
    Period,
    SimulatedClock,
    SimulationRefused,
    inspect_home,
    plan_run,
    run_interleaved,
)
from kiosk.office.simulate_forums import COMMUNITIES, fiscal_year_of
from surveys.complaints.sealing import PRIVATE_FILE, PUBLIC_FILE
from surveys.counter.settings import Settings
from surveys.log.device import DEMO_EVENT_KIND, load_or_create_device
from surveys.log.event import BANGKOK, JsonValue, now_iso

WHAT = "complaints"  # the demo.simulation event's "what"
RATING_INSTRUMENT = "complaint-satisfaction"
OFFICER_FOLDER = "demo-officer"  # in the demo home: the simulation's officer key pair
FIRST_TIME, LAST_TIME = time(8, 45), time(16, 15)  # when the desk records anything
RAINY = (5, 6, 7, 8, 9, 10)  # months: the rainy season
MONTH_WEIGHT = {
    5: 1.2,
    6: 1.4,
    7: 1.5,
    8: 1.6,
    9: 1.6,
    10: 1.3,
    11: 0.9,
    12: 0.8,
    1: 0.8,
    2: 0.8,
    3: 0.9,
    4: 1.0,
}
CHANNELS = {
    "phone": 0.26,
    "counter": 0.22,
    "facebook": 0.18,
    "walk_in": 0.14,
    "letter": 0.1,
    "damrongdhama": 0.1,
}
TIP_CHANNELS = {"letter": 0.35, "phone": 0.25, "damrongdhama": 0.2, "walk_in": 0.1, "counter": 0.1}
LATE_SHARE = 0.1
EXPLAINED_SHARE = 0.07
RATED_SHARE = 0.42  # of closed complaints (not tips): 30–50 %
CONTACT_SHARE = 0.3  # general complaints that leave a (fictional) contact

# (topic, its weight in the rainy season, in the other months, (subject, details) pairs)
TOPICS: tuple[tuple[str, float, float, tuple[tuple[str, str], ...]], ...] = (
    (
        "roads",
        3.0,
        1.2,
        (
            ("ถนนชำรุดเป็นหลุมเป็นบ่อ", "ถนนในซอยเป็นหลุมลึก น้ำขังทุกครั้งที่ฝนตก รถจักรยานยนต์ล้มหลายครั้งแล้ว"),
            ("ถนนลูกรังถูกน้ำกัดเซาะ", "ฝนตกหนักทำให้ถนนลูกรังถูกน้ำกัดเซาะเป็นร่อง รถเข้าออกไม่ได้"),
            ("ผิวถนนคอนกรีตแตกร้าวทรุดตัว", "ถนนทรุดตัวเป็นแนวยาว อันตรายต่อรถที่สัญจรในเวลากลางคืน"),
        ),
    ),
    (
        "drainage",
        3.0,
        0.8,
        (
            ("น้ำท่วมขังหน้าบ้าน", "ฝนตกแล้วน้ำท่วมขังหน้าบ้านหลายวัน ระบายไม่ออก ขอให้ลอกท่อระบายน้ำ"),
            ("ท่อระบายน้ำอุดตัน", "ท่อระบายน้ำอุดตันด้วยเศษขยะและดินโคลน น้ำเอ่อล้นขึ้นถนน"),
            ("รางระบายน้ำมีกลิ่นเหม็น", "รางระบายน้ำข้างตลาดมีน้ำเน่าขังและส่งกลิ่นเหม็น"),
        ),
    ),
    (
        "lights",
        2.2,
        1.2,
        (
            ("ไฟฟ้าส่องสว่างสาธารณะดับ", "ไฟส่องสว่างริมถนนดับติดต่อกันหลายดวง กลางคืนมืดมาก ไม่ปลอดภัย"),
            ("ไฟกิ่งริมถนนดับหลายดวง", "หลังพายุฝน ไฟกิ่งบริเวณทางโค้งดับ ขอให้มาซ่อม"),
        ),
    ),
    (
        "waste",
        1.6,
        1.4,
        (
            ("ขยะไม่ได้รับการจัดเก็บตามกำหนด", "รถเก็บขยะไม่มาเก็บตามวันที่กำหนด ขยะล้นถัง ส่งกลิ่นเหม็นและมีสุนัขคุ้ย"),
            ("ขอถังขยะเพิ่ม", "ถังขยะประจำจุดไม่พอ ขอให้เพิ่มถังขยะอีกหนึ่งใบ"),
            ("มีการลักลอบทิ้งขยะ", "มีผู้ลักลอบนำขยะมาทิ้งริมถนนเข้าหมู่บ้านเป็นประจำ"),
        ),
    ),
    (
        "water",
        0.8,
        1.2,
        (
            ("น้ำประปาไม่ไหล", "น้ำประปาไม่ไหลมาสองวันแล้ว ไม่มีการแจ้งล่วงหน้า"),
            ("น้ำประปาขุ่น", "น้ำประปาขุ่นมีตะกอน ใช้อุปโภคไม่ได้"),
        ),
    ),
    (
        "nuisance",
        0.8,
        1.0,
        (
            ("เหตุเดือดร้อนรำคาญจากเสียงดัง", "มีการเปิดเพลงเสียงดังจนดึกเกือบทุกคืน รบกวนการพักผ่อน"),
            ("กลิ่นเหม็นจากฟาร์มเลี้ยงสัตว์", "ฟาร์มเลี้ยงสุกรใกล้ชุมชนส่งกลิ่นเหม็น โดยเฉพาะช่วงเย็น"),
            ("สุนัขจรจัดในชุมชน", "สุนัขจรจัดจำนวนมากไล่กัดเด็กนักเรียนระหว่างทางไปโรงเรียน"),
        ),
    ),
    (
        "burning",
        0.2,
        1.4,
        (
            ("การเผาในที่โล่ง", "มีการเผาขยะและใบไม้ในที่โล่งใกล้บ้านเรือน ควันเข้าบ้าน เด็กและผู้สูงอายุไอ"),
            ("ฝุ่นควันจากการเผาตอซัง", "ช่วงนี้มีการเผาตอซังข้าว ควันและฝุ่นละอองหนาแน่นในตอนเช้า"),
        ),
    ),
    (
        "trees",
        1.4,
        0.6,
        (
            ("กิ่งไม้พาดสายไฟฟ้า", "กิ่งไม้ใหญ่พาดสายไฟฟ้า เกรงว่าจะหักโค่นเมื่อมีลมแรง"),
            ("ต้นไม้ล้มขวางถนน", "ต้นไม้ล้มขวางถนนหลังพายุ รถผ่านไม่ได้"),
        ),
    ),
)
MISCONDUCT = (
    (
        "เจ้าหน้าที่ให้บริการไม่สุภาพ",
        "ไปติดต่อขอรับบริการที่สำนักงาน เจ้าหน้าที่พูดจาไม่สุภาพและไม่อธิบายขั้นตอนให้เข้าใจ",
    ),
    (
        "ให้บริการล่าช้ากว่าที่ประกาศไว้",
        "ยื่นคำขอตามขั้นตอนครบถ้วน แต่รอนานเกินกว่าระยะเวลาที่ประกาศไว้ในคู่มือสำหรับประชาชน",
    ),
    (
        "เจ้าหน้าที่ไม่อยู่ประจำจุดบริการ",
        "ไปติดต่อในเวลาราชการแต่ไม่มีเจ้าหน้าที่ประจำจุดบริการ ต้องรอนานมาก",
    ),
)
PROCUREMENT = (
    (
        "งานก่อสร้างถนนไม่ได้มาตรฐาน",
        "ถนนคอนกรีตที่เพิ่งสร้างเสร็จแตกร้าวภายในไม่กี่เดือน สงสัยว่าความหนาไม่เป็นไปตามแบบ",
    ),
    (
        "ผู้รับจ้างทิ้งงานก่อสร้างรางระบายน้ำ",
        "งานก่อสร้างรางระบายน้ำหยุดไปหลายสัปดาห์ วัสดุกองทิ้งไว้ริมถนน ไม่มีป้ายแสดงรายละเอียดโครงการ",
    ),
    (
        "ไม่มีป้ายประชาสัมพันธ์โครงการก่อสร้าง",
        "โครงการก่อสร้างในหมู่บ้านไม่มีป้ายแสดงงบประมาณ ผู้รับจ้าง และระยะเวลาดำเนินการ",
    ),
)
TIPS = (
    (
        "เรียกรับเงินเพื่ออำนวยความสะดวกในการขออนุญาต",
        "มีการเรียกรับเงินนอกเหนือค่าธรรมเนียมเพื่อให้ใบอนุญาตก่อสร้างออกเร็วขึ้น",
    ),
    (
        "สงสัยการสมยอมราคาในการจัดซื้อจัดจ้าง",
        "โครงการจัดซื้อจัดจ้างหลายโครงการมีผู้ยื่นข้อเสนอรายเดิมและราคาใกล้เคียงกันผิดปกติ",
    ),
    (
        "การเบิกค่าตอบแทนล่วงเวลาไม่ตรงกับการปฏิบัติงานจริง",
        "มีการลงชื่อปฏิบัติงานนอกเวลาในวันที่ไม่ได้มาปฏิบัติงานจริง",
    ),
    (
        "นำทรัพย์สินของทางราชการไปใช้ประโยชน์ส่วนตัว",
        "มีการนำรถยนต์ส่วนกลางไปใช้ในธุระส่วนตัวในวันหยุดราชการ",
    ),
    (
        "รับของขวัญจากผู้รับจ้างเกินกว่าที่กฎหมายกำหนด",
        "ผู้รับจ้างนำกระเช้าและของมีค่ามามอบให้ในช่วงก่อนการตรวจรับงาน",
    ),
)
DONE_NOTES = {
    "roads": ("ซ่อมแซมผิวถนนและอุดหลุมเรียบร้อยแล้ว", "ปรับเกรดถนนและลงหินคลุกแล้ว"),
    "drainage": ("ลอกท่อระบายน้ำและขนย้ายตะกอนแล้ว", "ขุดลอกรางระบายน้ำ น้ำระบายได้ตามปกติแล้ว"),
    "lights": ("เปลี่ยนหลอดไฟและซ่อมแซมไฟส่องสว่างแล้ว",),
    "waste": ("ปรับรอบการเก็บขยะและจัดเก็บเรียบร้อยแล้ว", "นำถังขยะไปวางเพิ่มแล้ว"),
    "water": ("ซ่อมท่อประปาที่แตกรั่ว น้ำไหลตามปกติแล้ว", "ล้างถังกรองและระบบประปาแล้ว"),
    "nuisance": ("ออกตรวจสอบและแจ้งเตือนผู้ก่อเหตุให้ปรับปรุงแล้ว",),
    "burning": ("ออกตรวจพื้นที่และประชาสัมพันธ์งดการเผาในที่โล่งแล้ว",),
    "trees": ("ตัดแต่งกิ่งไม้และเคลื่อนย้ายต้นไม้ที่ล้มแล้ว",),
    "misconduct": ("ตรวจสอบข้อเท็จจริงและดำเนินการตามระเบียบแล้ว",),
    "procurement": ("ตรวจสอบสัญญาและสั่งให้ผู้รับจ้างแก้ไขงานแล้ว",),
    "tip": ("ตรวจสอบข้อเท็จจริงแล้ว ผลการดำเนินการแจ้งผู้บังคับบัญชาตามระเบียบ",),
}
_BUDGET = "งานที่ร้องขอต้องใช้งบประมาณลงทุน ได้บรรจุไว้ในแผนพัฒนาท้องถิ่นปีถัดไปแล้ว"
_UNFOUNDED = "ตรวจสอบข้อเท็จจริงแล้วไม่พบมูลตามที่ร้องเรียน ได้ชี้แจงรายละเอียดเป็นหนังสือแล้ว"
_PRIVATE_LAND = "พื้นที่ดังกล่าวเป็นที่ดินเอกชน เทศบาลไม่มีอำนาจดำเนินการ ได้แนะนำช่องทางที่เกี่ยวข้องแล้ว"
# The summary of a letter of explanation (``explained``), by topic: why it could not be done in 15 days.
EXPLANATIONS: dict[str, tuple[str, ...]] = {
    "roads": (_BUDGET, "ตรวจสอบพื้นที่แล้ว ต้องรอให้ระดับน้ำลดจึงจะซ่อมแซมได้ คาดว่าจะดำเนินการหลังสิ้นฤดูฝน"),
    "drainage": (_BUDGET, _PRIVATE_LAND),
    "lights": ("เรื่องอยู่ในความรับผิดชอบของการไฟฟ้าส่วนภูมิภาค เทศบาลได้ประสานส่งเรื่องต่อแล้ว",),
    "waste": ("ต้องจัดหารถเก็บขยะเพิ่มเติม อยู่ระหว่างขั้นตอนจัดซื้อจัดจ้าง จะปรับรอบการเก็บเมื่อได้รับรถแล้ว",),
    "water": ("ต้องเปลี่ยนเครื่องสูบน้ำของประปาหมู่บ้าน อยู่ระหว่างขออนุมัติงบประมาณ",),
    "nuisance": ("ได้ประสานอำเภอและปศุสัตว์อำเภอให้ร่วมตรวจสอบตามอำนาจหน้าที่แล้ว", _PRIVATE_LAND),
    "burning": ("ได้ประสานอำเภอให้ร่วมตรวจสอบตามอำนาจหน้าที่แล้ว",),
    "trees": ("เรื่องอยู่ในความรับผิดชอบของการไฟฟ้าส่วนภูมิภาค เทศบาลได้ประสานส่งเรื่องต่อแล้ว", _PRIVATE_LAND),
    "misconduct": (_UNFOUNDED,),
    "procurement": (_UNFOUNDED, "เรื่องอยู่ระหว่างการตรวจสอบของสำนักงานตรวจเงินแผ่นดิน ได้ส่งข้อมูลประกอบแล้ว"),
    "tip": (_UNFOUNDED, "ได้ส่งเรื่องให้สำนักงาน ป.ป.ช. ประจำจังหวัดพิจารณาตามอำนาจหน้าที่แล้ว"),
}
SUGGESTIONS = (
    "อยากให้แจ้งความคืบหน้าทางไลน์หรือเฟซบุ๊กของเทศบาลด้วย",
    "ดำเนินการรวดเร็วดี ขอบคุณครับ",
    "ขอบคุณที่ติดตามแก้ไขให้จนเรียบร้อย",
    "อยากให้มีเบอร์ติดต่อที่รับสายได้นอกเวลาราชการ",
)
MOOD = {5: 0.42, 4: 0.4, 3: 0.12, 2: 0.04, 1: 0.02}  # on time and done
MOOD_LATE = {5: 0.15, 4: 0.35, 3: 0.3, 2: 0.14, 1: 0.06}  # late or explained


@dataclass
class ComplaintSimulationReport:
    complaints: int = 0  # received in this run (tips included)
    tips: int = 0
    with_contact: int = 0  # sealed to the officer key
    closed: int = 0  # done or explained in this run
    explained: int = 0
    late: int = 0  # closed after their due date in this run
    still_open: int = 0  # at the run's end
    ratings: int = 0
    refused_ratings: int = 0
    events: int = 0
    by_fiscal_year: dict[str, int] | None = None  # complaints received, by fiscal year (B.E.)
    officer_key: str = ""  # the demo officer's private key, for ``complaints reveal`` ("": another's)
    first_day: str = ""
    last_day: str = ""
    continued_after: str = ""
    clipped: bool = False
    new_demo_home: bool = False

    def to_dict(self) -> dict[str, JsonValue]:
        data: dict[str, Any] = dict(self.__dict__)
        data["by_fiscal_year"] = dict(self.by_fiscal_year or {})
        return data


def yearly_complaints(fy: int) -> int:
    """How many complaints (not tips) a fiscal year receives: falling year on year, 40–96 a year."""
    return min(96, 40 + round(40 * 0.8 ** (fy - 2565)))


def yearly_categories(fy: int) -> dict[str, int]:
    """How many of :func:`yearly_complaints` are about staff conduct and about procurement (one fewer
    each year, down to one), the rest general: projects 4, 6 and 16 promise fewer year on year."""
    misconduct = max(1, min(10, 2573 - fy))
    procurement = max(1, min(9, 2572 - fy))
    return {
        "general": yearly_complaints(fy) - misconduct - procurement,
        "misconduct": misconduct,
        "procurement": procurement,
    }


def month_quotas(total: int) -> dict[int, int]:
    """``total`` complaints shared among the months of a fiscal year (October first) by
    :data:`MONTH_WEIGHT`, largest remainders rounding up: more in the rainy season."""
    months = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)
    weight = sum(MONTH_WEIGHT.values())
    exact = {m: total * MONTH_WEIGHT[m] / weight for m in months}
    quotas = {m: int(exact[m]) for m in months}
    for m in sorted(months, key=lambda m: quotas[m] - exact[m])[: total - sum(quotas.values())]:
        quotas[m] += 1
    return quotas


def _pick(rng: random.Random, shares: dict[Any, float]) -> Any:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _working_days(first: date, last: date) -> list[date]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5]


def _fy_bounds(fy: int) -> tuple[date, date]:
    return date(fy - 544, 10, 1), date(fy - 543, 9, 30)


def _moment(rng: random.Random, day: date, after: datetime | None = None) -> datetime:
    """A time on ``day`` when the desk works, after ``after`` if that is on the same day."""
    start = datetime.combine(day, FIRST_TIME, BANGKOK)
    end = datetime.combine(day, LAST_TIME, BANGKOK)
    if after is not None and after >= start:
        start = after + timedelta(minutes=5)
    if start >= end:
        return start
    return start + (end - start) * rng.random()


def _working_day_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _working_day_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class Intake:
    """One complaint or tip as it arrives: from the seed and its fiscal year alone."""

    day: date
    tip: bool
    channel: str
    category: str
    topic: str
    subject: str
    details: str
    location: str
    contact: str | None
    course: int  # seeds the complaint's course (its steps and rating)


def year_intake(seed: int, fy: int) -> list[Intake]:
    """The complaints and tips of fiscal year ``fy``, in the order they arrive."""
    rng = random.Random(f"{seed}:{fy}:complaints")
    first, last = _fy_bounds(fy)
    days = _working_days(first, last)
    arrivals: list[tuple[date, bool]] = []  # (day, a tip?)
    for month, count in month_quotas(yearly_complaints(fy)).items():
        in_month = [d for d in days if d.month == month]
        arrivals += [(d, False) for d in rng.choices(in_month, k=count)]
    arrivals.sort()
    categories = [c for c, n in yearly_categories(fy).items() for _ in range(n)]
    rng.shuffle(categories)
    coming = [(d, False, c) for (d, _), c in zip(arrivals, categories, strict=True)]
    tips = rng.randint(2, 5)
    sealed = set(rng.sample(range(tips), rng.randint(1, tips - 1)))  # some anonymous, some not
    coming += [(d, True, "corruption") for d in sorted(rng.sample(days, tips))]
    coming.sort(key=lambda a: a[0])
    found: list[Intake] = []
    tip_number = 0
    for number, (day, tip, category) in enumerate(coming, start=1):
        moo, village, _ = rng.choice(COMMUNITIES)
        location = f"หมู่ที่ {moo} {village}"
        contact = None
        if tip:
            subject, details = rng.choice(TIPS)
            channel, topic = _pick(rng, TIP_CHANNELS), "tip"
            location = ""
            tip_number += 1
            if tip_number - 1 in sealed:
                contact = f"ผู้แจ้ง (ข้อมูลสมมติ) อีเมล informant-{fy}-{number:03d}@example.invalid"
        else:
            channel = _pick(rng, CHANNELS)
            if category == "general":
                rainy = day.month in RAINY
                topics = {t[0]: (t[1] if rainy else t[2]) for t in TOPICS}
                topic = _pick(rng, topics)
                row = next(t for t in TOPICS if t[0] == topic)
                subject, details = rng.choice(row[3])
            else:
                topic = category
                subject, details = rng.choice(MISCONDUCT if category == "misconduct" else PROCUREMENT)
            if rng.random() < CONTACT_SHARE:
                contact = f"ผู้ร้อง (ข้อมูลสมมติ) อีเมล complainant-{fy}-{number:03d}@example.invalid"
        found.append(
            Intake(
                day, tip, channel, category, topic, subject, details, location, contact, rng.getrandbits(32)
            )
        )
    return found


class _Desk:
    """The complaint desk's sessions: each complaint a generator that yields when it next acts."""

    def __init__(self, desk: ComplaintDesk, seed: int, last: date, report: ComplaintSimulationReport) -> None:
        self.desk, self.seed, self.last, self.report = desk, seed, last, report
        self.until = datetime.combine(last, LAST_TIME, BANGKOK) + timedelta(minutes=10)

    def complaint(self, intake: Intake) -> Iterator[datetime]:
        rng = random.Random(f"{self.seed}:{intake.course}")
        received = _moment(rng, intake.day)
        yield received
        complaint = self.desk.receive(
            intake.channel,
            intake.category,
            intake.subject,
            details=intake.details,
            location=intake.location,
            contact=intake.contact,
            tip=intake.tip,
        )
        self.report.complaints += 1
        self.report.tips += intake.tip
        self.report.with_contact += intake.contact is not None
        if self.report.by_fiscal_year is not None:
            key = str(fiscal_year_of(intake.day))
            self.report.by_fiscal_year[key] = self.report.by_fiscal_year.get(key, 0) + 1
        yield from self.course(rng, complaint.code, complaint.due, received, "received", intake.topic)

    def course(
        self, rng: random.Random, code: str, due: date, since: datetime, status: str, topic: str
    ) -> Iterator[datetime]:
        """The rest of a complaint's course from ``status`` at ``since``: assigned, in progress, closed
        (late now and then, explained now and then), then perhaps rated. Stops at the run's end."""
        late = rng.random() < LATE_SHARE
        explained = rng.random() < EXPLAINED_SHARE
        received_day = since.date()
        if late:  # past the due date by a day to a fortnight, never before today
            closing = max(due + timedelta(days=rng.randint(1, 12)), received_day + timedelta(days=1))
            closing = _working_day_on_or_after(closing)
        else:  # within the due date, most in about five days
            span = (due - received_day).days
            days = 1 if span <= 2 else round(rng.triangular(1, span, min(5, span)))
            closing = max(received_day, _working_day_on_or_before(received_day + timedelta(days=days)))
        assign_day = _working_day_on_or_after(received_day + timedelta(days=rng.choice((0, 0, 1, 1, 2))))
        assign_day = min(assign_day, closing)
        work_day = min(
            closing, _working_day_on_or_after(assign_day + timedelta(days=rng.choice((0, 1, 1, 2, 3))))
        )
        order = ("received", "assigned", "in_progress")
        moment = since
        for step, day in (("assigned", assign_day), ("in_progress", work_day)):
            if order.index(step) <= order.index(status):
                continue
            moment = _moment(rng, day, moment)
            if moment > self.until:
                return
            yield moment
            self.desk.step(code, step)
        moment = _moment(rng, closing, moment)
        if moment > self.until:
            return
        yield moment
        if explained:
            self.desk.step(code, "explained", rng.choice(EXPLANATIONS[topic]))
            self.report.explained += 1
        else:
            self.desk.step(code, "done", rng.choice(DONE_NOTES.get(topic, DONE_NOTES["misconduct"])))
        self.report.closed += 1
        self.report.late += moment.date() > due
        if topic == "tip" or rng.random() >= RATED_SHARE:
            return
        rate_day = _working_day_on_or_after(moment.date() + timedelta(days=rng.choice((1, 1, 2, 3, 5, 7))))
        moment = _moment(rng, rate_day, moment)
        if moment > self.until:
            return
        yield moment
        mood = _pick(rng, MOOD_LATE if late or explained else MOOD)
        try:
            self.desk.open_rating(code)
            self.desk.rate(code, _answers(rng, mood))
            self.report.ratings += 1
            if rng.random() < 0.03:  # the same code tries to rate again: refused, and the refusal logged
                yield _moment(rng, moment.date(), moment)
                self.desk.open_rating(code)
        except OfficeError:
            self.report.refused_ratings += 1


def _answers(rng: random.Random, mood: int) -> dict[str, JsonValue]:
    answers: dict[str, JsonValue] = {"overall": mood}
    for item in ("timeliness", "clarity", "tracking", "fairness"):
        if rng.random() < 0.9:
            answers[item] = max(1, min(5, mood + rng.choice((-1, 0, 0, 0, 1))))
    if rng.random() < 0.1:
        answers["suggestion"] = rng.choice(SUGGESTIONS)
    return answers


def _topic_of(subject: str, category: str, tip: bool) -> str:
    """The topic of a complaint a previous run received (for its closing note)."""
    if tip:
        return "tip"
    for topic, _, _, pairs in TOPICS:
        if any(subject == s for s, _ in pairs):
            return topic
    return category if category in DONE_NOTES else "misconduct"


def _officer_key(home: Path) -> Path | None:
    """The officer key the demo home's contacts are sealed to: made and installed by the first run,
    kept afterwards. Returns the private key's file (in the demo home: it is a demo), or None when the
    home holds another officer's key (installed by hand: its private half is not here)."""
    folder = home / OFFICER_FOLDER
    private, public = folder / PRIVATE_FILE, folder / PUBLIC_FILE
    installed = officer_key_path(home)
    if not installed.exists():
        if not private.exists():
            private, public = make_officer_key(folder)
        install_officer_key(home, public)
    ours = public.is_file() and public.read_bytes().strip() == installed.read_bytes().strip()
    return private if ours and private.is_file() else None


def simulate_complaints(
    home: Path,
    settings: Settings,
    period: Period,
    *,
    seed: int = 2568,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ComplaintSimulationReport:
    """Simulate the complaint desk over ``period`` in the demo home ``home`` (a new home becomes one).
    Raises :class:`SimulationRefused`, having written nothing, for a home that isn't a demo home or a
    period that can't be simulated (:func:`inspect_home`, :func:`plan_run`)."""
    today = today or datetime.now(BANGKOK).date()
    found = inspect_home(home)
    planned = plan_run(period, found, today)
    first, last = planned.first, planned.last
    report = ComplaintSimulationReport(
        by_fiscal_year={},
        first_day=first.isoformat(),
        last_day=last.isoformat(),
        continued_after=found.last_day.isoformat() if found.last_day and first > period.first else "",
        clipped=planned.clipped,
        new_demo_home=found.new,
    )
    intake = [
        i
        for fy in range(fiscal_year_of(first), fiscal_year_of(last) + 1)
        for i in year_intake(seed, fy)
        if first <= i.day <= last
    ]
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
        private_key = _officer_key(home)
        report.officer_key = str(private_key) if private_key else ""
        desk = ComplaintDesk(office)
        sim = _Desk(desk, seed, last, report)
        # complaints a previous run left open go on from where they stand, on the first day of this run
        sessions: list[Iterator[datetime]] = [
            sim.course(
                random.Random(f"{seed}:{c.received_at}:{c.subject}"),
                c.code,
                c.due,
                datetime.combine(first, FIRST_TIME, BANGKOK),
                c.status,
                _topic_of(c.subject, c.category, c.tip),
            )
            for c in desk.list()
            if not c.closed
        ]
        sessions += [sim.complaint(i) for i in intake]
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
            run_interleaved(sessions, clock, progress)
        report.still_open = sum(1 for c in desk.list() if not c.closed)
    finally:
        report.events = office.log.head[0] - start_seq
        office.close()
    return report
