"""The installation's settings: services, counters, the priority rule, the rating window, the PIN.

They live in ``settings.yaml`` in the home folder; without one, the defaults of a Thai municipality
office apply (registration, tax, building permits, information centre, complaints).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from surveys.content.datafile import DataFileError, RuleError, read_yaml, to_plain, validate
from surveys.log.atomic import write_atomic

SETTINGS_FILE = "settings.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Service(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    prefix: str = Field(pattern=r"^[A-Z]$")
    name_th: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    counters: tuple[int, ...] = Field(min_length=1)
    project: int = Field(ge=1)
    instrument: str = "service-satisfaction"

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


class Counter(_Model):
    number: int = Field(ge=1, le=99)
    name_th: str = ""
    name_en: str = ""

    def name(self, lang: str) -> str:
        label = self.name_th if lang == "th" else self.name_en
        return label or (f"ช่องบริการ {self.number}" if lang == "th" else f"Counter {self.number}")


class Choice(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    th: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def label(self, lang: str) -> str:
        return self.th if lang == "th" else self.en


class PriorityRule(_Model):
    """First come, first served; one priority ticket after every ``every_normal`` normal ones."""

    every_normal: int = Field(default=2, ge=1, le=20)
    groups: tuple[Choice, ...] = (
        Choice(id="elderly", th="ผู้สูงอายุ", en="elderly"),
        Choice(id="disabled", th="คนพิการ", en="people with disabilities"),
        Choice(id="pregnant", th="สตรีมีครรภ์", en="pregnant women"),
    )

    def text(self, lang: str) -> str:
        if lang == "th":
            who = " ".join(g.th for g in self.groups)
            return f"{who} ได้รับบริการก่อน 1 คิว ทุก ๆ {self.every_normal} คิวปกติ"
        who = ", ".join(g.en for g in self.groups)
        return f"{who}: one priority ticket is served after every {self.every_normal} normal tickets"


DEFAULT_REASONS = (
    Choice(id="emergency", th="เหตุฉุกเฉิน/เจ็บป่วย", en="emergency or illness"),
    Choice(id="appointment", th="มีนัดหมายล่วงหน้า", en="booked appointment"),
    Choice(id="returning", th="กลับมาส่งเอกสารเพิ่มเติม", en="returning with missing documents"),
    Choice(id="specialist", th="ต้องใช้เจ้าหน้าที่เฉพาะด้าน", en="needs a specialist clerk"),
    Choice(id="correction", th="แก้ไขการเรียกคิวผิดพลาด", en="correcting a calling mistake"),
)


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """``scrypt$<salt>$<hash>`` for a staff PIN (never stored in clear)."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_pin(stored: str, pin: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    salt = base64.b64decode(salt_b64)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


DEFAULT_PIN = "2568"
PHONE = r"^[0-9+(][0-9 +()/,.\-]*[0-9)]$|^[0-9+(][0-9 +()/,.\-]*(ต่อ|ext\.?) ?[0-9]+$"
PHONE_BLANK = "……………………"  # printed where a phone is not set, to be written in by hand
OLD_PLACEHOLDER = "044-000-000"  # the made-up number older versions printed


class Settings(_Model):
    municipality_th: str = "เทศบาลตำบลจระเข้หิน"
    municipality_en: str = "Chorakhe Hin Subdistrict Municipality"
    services: tuple[Service, ...] = Field(min_length=1, max_length=9)
    counters: tuple[Counter, ...] = Field(min_length=1)
    priority: PriorityRule = PriorityRule()
    out_of_order_reasons: tuple[Choice, ...] = Field(default=DEFAULT_REASONS, min_length=1)
    second_pin_for_out_of_order: bool = False
    rating_window_minutes: int = Field(default=120, ge=1, le=7 * 24 * 60)
    min_answer_ms: int = Field(default=700, ge=0, le=10_000)
    idle_seconds: int = Field(default=45, ge=5, le=3600)
    # a staff screen of the all-in-one PC goes back to the public kiosk after this long untouched
    staff_idle_seconds: int = Field(default=120, ge=5, le=8 * 3600)
    # a no-show only after this many recalls and this long since the first call
    no_show_recalls: int = Field(default=1, ge=0, le=10)
    no_show_wait_seconds: int = Field(default=120, ge=0, le=3600)
    staff_pin: str | None = None  # a hash from hash_pin(); None means the default PIN 2568
    printer: str = "png"
    board_chime: bool = True  # the display board plays a two-tone chime for each call (False: silent)
    # the office's phone numbers, printed on the wall notice (`prongsai setup`); unset until given, and
    # then the notice leaves a blank to write the number in by hand rather than print a made-up one
    office_phone: str | None = Field(default=None, min_length=3, max_length=60, pattern=PHONE)
    complaint_phone: str | None = Field(default=None, min_length=3, max_length=60, pattern=PHONE)
    complaint_th: str | None = None  # a whole complaint line of the office's own, instead of the built one
    complaint_en: str | None = None

    @field_validator("services")
    @classmethod
    def _unique_services(cls, services: tuple[Service, ...]) -> tuple[Service, ...]:
        for attr in ("id", "prefix"):
            values = [getattr(s, attr) for s in services]
            dup = {v for v in values if values.count(v) > 1}
            if dup:
                raise RuleError(
                    f"settings.duplicate_{attr}",
                    f"มีบริการที่ใช้ {attr} ซ้ำกัน: {', '.join(sorted(dup))}",
                    f"two services share the {attr} {', '.join(sorted(dup))}",
                )
        return services

    @model_validator(mode="after")
    def _counters_exist(self) -> Settings:
        known = {c.number for c in self.counters}
        for service in self.services:
            unknown = [n for n in service.counters if n not in known]
            if unknown:
                raise RuleError(
                    "settings.unknown_counter",
                    f"บริการ {service.id} อ้างถึงช่องบริการที่ไม่มี: {unknown}",
                    f"service {service.id} names counters that do not exist: {unknown}",
                )
        return self

    @cached_property
    def by_id(self) -> dict[str, Service]:
        return {s.id: s for s in self.services}

    def service(self, service_id: str) -> Service:
        return self.by_id[service_id]

    def service_digit(self, service_id: str) -> int:
        """1–9: the service's place in the list, used in ticket codes."""
        return [s.id for s in self.services].index(service_id) + 1

    def services_of_counter(self, counter: int) -> tuple[str, ...]:
        return tuple(s.id for s in self.services if counter in s.counters)

    def reason(self, reason_id: str) -> Choice | None:
        return next((r for r in self.out_of_order_reasons if r.id == reason_id), None)

    def complaint(self, lang: str) -> str:
        """The notice's line on where to complain: the office's own line, else one built from its
        complaint (or office) phone, else with a blank left for the number."""
        own = self.complaint_th if lang == "th" else self.complaint_en
        if own and OLD_PLACEHOLDER not in own:  # an older default copied into the file: not the office's
            return own
        phone = self.complaint_phone or self.office_phone or PHONE_BLANK
        if lang == "th":
            return f"ร้องเรียนได้ที่ศูนย์รับเรื่องร้องเรียน สำนักงาน{self.municipality_th} หรือโทร {phone}"
        return f"Complaints: the complaints desk at the office of {self.municipality_en}, or call {phone}"

    @property
    def phone_missing(self) -> bool:
        """No phone for the notice yet (neither set nor written into the office's own complaint lines)."""
        lines = (self.complaint_th, self.complaint_en)
        own = [line for line in lines if line and OLD_PLACEHOLDER not in line]
        return not (self.complaint_phone or self.office_phone or len(own) == 2)

    def pin_ok(self, pin: str) -> bool:
        if self.staff_pin is None:
            return hmac.compare_digest(pin.encode(), DEFAULT_PIN.encode())
        return check_pin(self.staff_pin, pin)


def default_settings() -> Settings:
    return Settings(
        services=(
            Service(
                id="registration",
                prefix="A",
                name_th="งานทะเบียนราษฎร",
                name_en="Civil registration",
                counters=(1, 2),
                project=10,
            ),
            Service(
                id="tax",
                prefix="B",
                name_th="ชำระภาษี/ค่าธรรมเนียม",
                name_en="Tax and fee payment",
                counters=(3,),
                project=10,
            ),
            Service(
                id="permits",
                prefix="C",
                name_th="ขออนุญาตก่อสร้าง",
                name_en="Building permits",
                counters=(3,),
                project=10,
            ),
            Service(
                id="info",
                prefix="D",
                name_th="ศูนย์ข้อมูลข่าวสาร",
                name_en="Information centre",
                counters=(4,),
                project=1,
            ),
            Service(
                id="complaints",
                prefix="E",
                name_th="ร้องทุกข์/ร้องเรียน",
                name_en="Complaints",
                counters=(4,),
                project=9,
                instrument="complaint-satisfaction",
            ),
        ),
        counters=tuple(Counter(number=n) for n in (1, 2, 3, 4)),
    )


def load_settings(home: Path, lang: str = "th") -> Settings:
    """``settings.yaml`` of the home folder, else the defaults. Raises DataFileError naming lines."""
    path = home / SETTINGS_FILE
    if not path.exists():
        return default_settings()
    data, positions = read_yaml(path, lang)
    if isinstance(data, dict):  # what the file leaves out keeps its default
        data = {**default_settings().model_dump(exclude_unset=False), **to_plain(data)}
    return validate(Settings, data, positions, str(path), lang)


__all__ = [
    "SETTINGS_FILE",
    "Choice",
    "Counter",
    "DataFileError",
    "PriorityRule",
    "Service",
    "Settings",
    "check_pin",
    "default_settings",
    "hash_pin",
    "load_settings",
    "update_settings",
]


def set_staff_pin(home: Path, pin: str) -> Path:
    """Store the hash of ``pin`` in the home's ``settings.yaml`` (made if missing; comments kept)."""
    return update_settings(home, {"staff_pin": hash_pin(pin)})


def update_settings(home: Path, values: dict[str, str | None]) -> Path:
    """Set ``values`` in the home's ``settings.yaml`` (made if missing; comments and the other keys
    kept); a value of None removes its key. The caller checks that the file still loads."""
    from ruamel.yaml import YAML

    path = home / SETTINGS_FILE
    yaml = YAML(typ="rt")
    data = yaml.load(path.read_text(encoding="utf-8")) if path.exists() else None
    if data is None:
        data = yaml.load("# prongsai settings: see README, 'At the counter'\n{}\n")
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    home.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buffer.getvalue().encode("utf-8"))
    return path


def new_pin_problem(pin: str) -> tuple[str, str] | None:
    """Why ``pin`` can't be the new staff PIN, in Thai and English (None when it can)."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        return "PIN ต้องเป็นตัวเลข 4–12 หลัก", "the PIN must be 4–12 digits"
    if pin == DEFAULT_PIN:
        return (
            f"ห้ามใช้ PIN ตั้งต้น {DEFAULT_PIN} (พิมพ์อยู่ในคู่มือ) กรุณาตั้ง PIN ของท่านเอง",
            f"the default PIN {DEFAULT_PIN} is printed in the manual: choose your own",
        )
    return None
