"""One Thai/English message type: every error a person reads is a UserError with text(lang)."""

from __future__ import annotations

import pytest

from kiosk.office.service import OfficeError, RatingRefused
from kiosk.office.simulate import SimulationRefused
from kiosk.printing.printers import PrintError
from surveys.bilingual import UserError, lookup, pick
from sync.enrolment import EnrolmentError
from sync.sync_client import SyncError, SyncRefused
from sync.tls import TlsError
from sync.usb import ExportError


def test_pick_gives_the_thai_for_th_and_the_english_otherwise() -> None:
    assert pick("th", "ก", "a") == "ก"
    assert pick("en", "ก", "a") == "a"


def test_lookup_fills_the_placeholders_in_the_chosen_language() -> None:
    texts = {"called": ("เรียก {number}", "calling {number}")}
    assert lookup(texts, "called", "th", number="A001") == "เรียก A001"
    assert lookup(texts, "called", "en", number="A001") == "calling A001"
    with pytest.raises(KeyError):
        lookup(texts, "missing", "th")


@pytest.mark.parametrize(
    "error",
    [
        OfficeError("closed", "ปิดแล้ว", "closed"),
        RatingRefused("used", "ให้คะแนนแล้ว", "already rated"),
        SimulationRefused("real_device", "เครื่องจริง", "a real device"),
        TlsError("mismatch", "ใบรับรองไม่ตรง", "certificate mismatch"),
        SyncError("offline", "ติดต่อไม่ได้", "unreachable"),
        SyncRefused("not_enrolled", "ยังไม่ลงทะเบียน", "not enrolled"),
        EnrolmentError("damaged", "ไฟล์เสีย", "damaged file", source="kiosk.enrol"),
        PrintError("กระดาษหมด", "out of paper", printer="ชั้น 1"),
        ExportError("exists", "มีไฟล์อยู่แล้ว", "the file exists"),
    ],
)
def test_every_error_a_person_reads_is_a_user_error_in_both_languages(error: UserError) -> None:
    assert isinstance(error, UserError) and error.code
    th, en = error.text("th"), error.text("en")
    assert th.endswith(error.th) and en.endswith(error.en) and th != en
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in th)


def test_where_an_error_came_from_is_named_in_both_languages() -> None:
    printer = PrintError("กระดาษหมด", "out of paper", printer="ชั้น 1")
    assert printer.text("th") == "[ชั้น 1] กระดาษหมด" and printer.text("en") == "[ชั้น 1] out of paper"
    assert printer.th == "กระดาษหมด"  # what a citizen reads names no printer
    assert str(printer) == "[ชั้น 1] กระดาษหมด\n[ชั้น 1] out of paper"  # logs get both
    enrolment = EnrolmentError("damaged", "ไฟล์เสีย", "damaged file", source="kiosk.enrol")
    assert enrolment.text("th") == "kiosk.enrol: ไฟล์เสีย" and str(enrolment) == "kiosk.enrol: damaged file"
