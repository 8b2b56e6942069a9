"""What a citizen at the kiosk reads when the office says no.

A refusal meant for the citizen (a rating refused, the day's numbers used up) is shown as the office
says it. Anything else (the office unreachable over the LAN, a full disk, a wrong setting) is a fault
for staff to fix: the citizen reads a plain "the system is not working, please tell staff", and the
details (which server, which cable to check) go to the kiosk's error log for staff.
"""

from __future__ import annotations

from kiosk.office.service import OfficeError, RatingRefused

SYSTEM_DOWN_TH = "ระบบขัดข้อง กรุณาแจ้งเจ้าหน้าที่"
SYSTEM_DOWN_EN = "The system is not working. Please tell a member of staff."
FOR_CITIZENS = frozenset({"numbers_exhausted"})  # refusals, besides a refused rating, a citizen can act on


def for_citizens(error: OfficeError) -> bool:
    """Is the office's own message meant for the person at the kiosk? (A complaint's refusals are: a
    mistyped or unknown tracking code, a rating already given.)"""
    return (
        isinstance(error, RatingRefused) or error.code in FOR_CITIZENS or error.code.startswith("complaint_")
    )


def citizen_text(error: OfficeError, lang: str) -> str:
    """The office's message when it is meant for the citizen, else the plain "tell staff"."""
    if for_citizens(error):
        return error.text(lang)
    return SYSTEM_DOWN_TH if lang == "th" else SYSTEM_DOWN_EN
