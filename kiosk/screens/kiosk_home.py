"""The kiosk's home screen: take a queue ticket, rate a finished visit, or follow up a complaint.

One big button per service, one for rating, one for following a complaint up, a small language switch,
and nothing to type. A QR scanner may type a ticket's or a complaint receipt's code at any time: the app
reads it (see :mod:`kiosk.apps.kiosk_app`).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from kiosk.widgets.big_choice import BigChoice
from surveys.counter.settings import Settings

RATE = "rate"
TRACK = "track"
LANGUAGE = "language"


class ServiceChosen(Message):
    """A person tapped a service to take a ticket for."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service


class RatingRequested(Message):
    """A person tapped "rate our service" (to type the code on the keypad)."""


class TrackingRequested(Message):
    """A person tapped "follow up a complaint" (to key in the receipt's tracking code)."""


class LanguageToggled(Message):
    """A person tapped the language switch."""


class KioskHomeScreen(Screen[None]):
    """Services to take a ticket for, the rating button and the language switch."""

    def __init__(self, settings: Settings, lang: str) -> None:
        super().__init__()
        self.settings = settings
        self.lang = lang

    def compose(self) -> ComposeResult:
        th = self.lang == "th"
        settings = self.settings
        with Horizontal(id="topbar"):
            yield Static(settings.municipality_th if th else settings.municipality_en, id="municipality")
            yield BigChoice("English" if th else "ภาษาไทย", LANGUAGE, id="language")
        yield Static("รับบัตรคิว" if th else "Take a queue ticket", id="heading", classes="heading")
        yield Static(
            "แตะบริการที่ต้องการ" if th else "Tap the service you need", id="subheading", classes="subheading"
        )
        with Grid(id="services"):
            for service in settings.services:
                yield BigChoice(
                    f"{service.prefix}  {service.name(self.lang)}",
                    service.id,
                    id=f"service-{service.id}",
                    classes="service",
                )
        with Horizontal(id="home-actions"):
            yield BigChoice(
                "ประเมินความพึงพอใจ / Rate our service" if th else "Rate our service / ประเมินความพึงพอใจ",
                RATE,
                id="rate",
            )
            yield BigChoice("ติดตามเรื่องร้องเรียน" if th else "Follow up a complaint", TRACK, id="track")
        yield Static(
            "สแกนบัตรคิวเพื่อประเมินความพึงพอใจ หรือสแกนใบรับเรื่องเพื่อติดตามเรื่อง"
            if th
            else "Scan your ticket to rate us, or your receipt to follow up a complaint.",
            id="scan-hint",
            classes="hint",
        )

    async def set_lang(self, lang: str) -> None:
        """Show the screen in another language (a new visit starts in the kiosk's own language)."""
        if lang != self.lang:
            self.lang = lang
            await self.recompose()

    @on(BigChoice.Chosen)
    def _chosen(self, event: BigChoice.Chosen) -> None:
        event.stop()
        if event.value == LANGUAGE:
            self.post_message(LanguageToggled())
        elif event.value == RATE:
            self.post_message(RatingRequested())
        elif event.value == TRACK:
            self.post_message(TrackingRequested())
        else:
            self.post_message(ServiceChosen(event.value))
