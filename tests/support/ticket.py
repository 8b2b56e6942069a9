"""The ticket the printing tests print: A001 for civil registration, three ahead, with its rating code."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kiosk.printing.ticket import TicketView
from surveys.content.thaidate import BANGKOK

RULE_TH = "ผู้สูงอายุ คนพิการ สตรีมีครรภ์ ได้รับบริการก่อน 1 คิว ทุก 2 คิวปกติ"
PAYLOAD = "https://prongsai.example/r/1001-4821-9375-6"


def make_view(**changes: object) -> TicketView:
    """The example ticket, with ``changes`` (``reprint=True``, ``qr_payload=…``)."""
    view = TicketView(
        municipality_th="เทศบาลตำบลสันกำแพง",
        municipality_en="San Kamphaeng Subdistrict Municipality",
        service_th="งานทะเบียนราษฎร",
        service_en="Civil registration",
        number="A001",
        issued_at=datetime(2025, 6, 12, 9, 5, tzinfo=BANGKOK),
        ahead=3,
        priority=None,
        rule_th=RULE_TH,
        rule_en="Elderly, disabled and pregnant people are served 1 ahead after every 2 regular tickets",
        code="1001-4821-9375-6",
        qr_payload=PAYLOAD,
    )
    return replace(view, **changes)  # type: ignore[arg-type]
