"""A big, tall button for a touch screen."""

from __future__ import annotations

from textual import on
from textual.message import Message
from textual.widgets import Button


class BigChoice(Button):
    """A tall button that carries a value and says :class:`BigChoice.Chosen` when tapped.

    It never takes the keyboard focus: on the kiosk every key belongs to the QR scanner, and a
    focused button would be "pressed" by the scanner's Enter.
    """

    can_focus = False

    class Chosen(Message):
        """A person tapped this choice."""

        def __init__(self, choice: BigChoice, value: str) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> BigChoice:
            return self.choice

    def __init__(
        self,
        label: str,
        value: str,
        *,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(label, id=id, classes=classes, disabled=disabled)
        self.value = value

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Chosen(self, self.value))
