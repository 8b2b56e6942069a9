"""Issuing a ticket: one code path for the kiosk's button and ``prongsai ticket issue``.

A number is reserved (durably) first, then the ticket is printed; only a successful print makes
the ticket count (``ticket.issued``). A failed print is recorded (``ticket.print_failed``) and the
person is told what to do; its number is never given out again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk.office.service import Office, Reservation
from kiosk.printing.printers import Printer, PrintError
from kiosk.printing.ticket import TicketView, render_ticket
from surveys.counter.settings import Settings
from surveys.counter.token import parse_code
from surveys.log.event import BANGKOK


@dataclass(frozen=True)
class Issued:
    reservation: Reservation
    view: TicketView
    where: str  # what the printer said: a file path, or the printer's name


class PrintFailed(Exception):
    def __init__(self, reservation: Reservation, error: PrintError) -> None:
        super().__init__(str(error))
        self.reservation = reservation
        self.error = error


def ticket_view(office: Office, reservation: Reservation, *, reprint: bool = False) -> TicketView:
    settings = office.settings
    service = settings.service(reservation.service)
    group = next((g for g in settings.priority.groups if g.id == reservation.priority), None)
    digits = parse_code(reservation.code).digits
    return TicketView(
        municipality_th=settings.municipality_th,
        municipality_en=settings.municipality_en,
        service_th=service.name_th,
        service_en=service.name_en,
        number=reservation.number,
        issued_at=datetime.fromisoformat(reservation.at),
        ahead=reservation.ahead,
        ahead_exact=reservation.ahead_exact,
        priority=(group.th, group.en) if group else None,
        rule_th=settings.priority.text("th"),
        rule_en=settings.priority.text("en"),
        code=reservation.code,
        qr_payload=digits + reservation.code[-1],
        reprint=reprint,
    )


def issue_ticket(
    office: Office, service: str, priority: str | None, printer: Printer, lang: str = "th"
) -> Issued:
    """Reserve, print, confirm. Raises :class:`PrintFailed` (already recorded) when printing fails."""
    reservation = office.reserve_ticket(service, priority)
    view = ticket_view(office, reservation)
    try:
        where = printer.print_ticket(view, lang)
    except PrintError as exc:
        office.ticket_print_failed(reservation.ticket, str(exc), printer.name)
        raise PrintFailed(reservation, exc) from exc
    office.confirm_ticket(reservation.ticket, printer.name)
    return Issued(reservation, view, where)


def warm_up(settings: Settings, width_px: int, langs: Sequence[str] = ("th",)) -> None:
    """Draw and throw away a sample ticket in each of ``langs``; nothing is printed or recorded. Importing
    this module has loaded Pillow, qrcode and PyThaiNLP; this loads the fonts and lays out the lines that
    are the same on every ticket (the office, the priority rule: a long line costs some 40 ms to wrap),
    which :mod:`kiosk.printing.fonts` remembers, so that the first real ticket is as quick as the next."""
    service = settings.services[0]
    for lang in langs:
        view = TicketView(
            municipality_th=settings.municipality_th,
            municipality_en=settings.municipality_en,
            service_th=service.name_th,
            service_en=service.name_en,
            number=f"{service.prefix}000",
            issued_at=datetime.now(BANGKOK),
            ahead=0,
            priority=None,
            rule_th=settings.priority.text("th"),
            rule_en=settings.priority.text("en"),
            code="0000-0000-0000-0",
            qr_payload="0" * 14,
        )
        render_ticket(view, width_px, lang)
