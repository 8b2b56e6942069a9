"""Self-completion: a participant answers on the laptop, one question per screen with big buttons
(the five levels in Thai words, one button per choice, choices toggled up to the item's limit), "ข้าม"
for an optional question, "ย้อนกลับ" to go back; then the agenda vote (up to three), then thanks, and a
fresh form for the next person. Only the questions whose ``relevant`` rule holds are asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static

from kiosk.office.service import OfficeError
from kiosk.screens.forum_common import ForumContext, ForumScreen
from kiosk.screens.forum_form import FormDraft, choice_labels
from kiosk.widgets.big_choice import BigChoice
from surveys.content.instruments import Instrument
from surveys.forum.sessions import MAX_VOTES, AgendaItem

THANKS_SECONDS = 6.0  # the thank-you stays this long, then the next person's form comes up

Submit = Callable[[dict[str, Any], list[str]], object]  # records the form; raises OfficeError to refuse


class SelfEntryScreen(ForumScreen):
    AUTO_FOCUS = ""  # nothing focused: the big buttons take taps, a text field takes focus itself
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "leave", show=False),
        # a laptop without a touch screen: a digit taps the choice of that number (a level: its value)
        *(Binding(d, f"pick({d})", d, show=False) for d in "123456789"),
        Binding("enter", "next_step", "next", show=False),
    ]

    def __init__(
        self,
        ctx: ForumContext,
        instrument: Instrument,
        agenda: tuple[AgendaItem, ...],
        submit: Submit,
        *,
        repeat: bool,
    ) -> None:
        super().__init__(ctx)
        self.instrument = instrument
        self.agenda = agenda
        self.submit = submit
        self.repeat = repeat  # a fresh form after the thanks (a forum), or back (a staff survey's code)
        self.draft = FormDraft(instrument)
        self.stage = "question"  # question → votes → thanks
        self.picked: list[str] = []  # a multiple item's choices, or the votes, being picked
        self.saved = 0
        self._shown = 0.0  # when the question now shown appeared (ctx.monotonic)
        self._thanks_timer: Timer | None = None  # the thank-you's return to a fresh form

    def compose(self) -> ComposeResult:
        yield Label(self.instrument.title(self.lang), classes="screen-title", markup=False)
        yield Static("", id="progress", markup=False)
        yield Static("", id="question", classes="question", markup=False)
        yield Static("", id="hint", markup=False)
        yield VerticalScroll(id="choices")
        yield Static("", id="message", markup=False)
        with Horizontal(id="nav"):
            yield Button(self.t("◀ ย้อนกลับ", "◀ Back"), id="back")
            yield Button(self.t("ข้าม", "Skip"), id="skip")
            yield Button(self.t("ถัดไป ▶", "Next ▶"), id="next", variant="primary")

    def on_mount(self) -> None:
        self.refresh_view()

    # -- drawing -----------------------------------------------------------------------------------

    def refresh_view(self) -> None:
        self.call_next(self._redraw)

    async def _redraw(self) -> None:
        box = self.query_one("#choices", VerticalScroll)
        await box.remove_children()
        nav = {"back": False, "skip": False, "next": False}
        hint = ""
        if self.stage == "question" and self.draft.item is not None:
            item = self.draft.item
            number, count = self.draft.position()
            self.query_one("#progress", Static).update(
                self.t(f"ข้อ {number} จาก {count}", f"Question {number} of {count}")
            )
            label = item.label_th if self.lang == "th" else item.label_en
            self.query_one("#question", Static).update(
                label + ("" if item.required else self.t("  (ข้ามได้)", "  (optional)"))
            )
            hint = (item.hint_th if self.lang == "th" else item.hint_en) or ""
            nav["back"] = number > 1
            nav["skip"] = not item.required
            if item.type in ("likert5", "single"):
                labels = choice_labels(item, self.lang)
                await box.mount_all(
                    BigChoice(
                        f"{v}  {text}" if item.type == "likert5" else f"{n}  {text}",
                        v,
                        id=f"choice-{v}",
                        classes="choice",
                    )
                    for n, (v, text) in enumerate(labels, start=1)
                )
            elif item.type == "multiple":
                limit = item.max_selections or len(item.choices or ())
                hint = hint or self.t(
                    f"เลือกได้ไม่เกิน {limit} ข้อ แล้วกด ถัดไป (Enter)", f"pick up to {limit}, then Next (Enter)"
                )
                await box.mount_all(
                    BigChoice(
                        ("✔ " if v in self.picked else "  ") + f"{n}  {text}",
                        v,
                        id=f"choice-{v}",
                        classes="choice",
                    )
                    for n, (v, text) in enumerate(choice_labels(item, self.lang), start=1)
                )
                nav["next"] = True
            else:
                previous = self.draft.answers.get(item.id)
                field = Input(
                    "" if previous is None else str(previous),
                    id="text-answer",
                    type="number" if item.type == "number" else "text",
                    max_length=item.max_length or 0,
                )
                await box.mount(field)
                field.focus()
                nav["next"] = True
        elif self.stage == "votes":
            self.query_one("#progress", Static).update(self.t("เลือกเรื่องที่ควรทำก่อน", "Vote on the agenda"))
            self.query_one("#question", Static).update(
                self.t(
                    f"เรื่องใดในแผนพัฒนาที่ท่านเห็นว่าควรทำก่อน (เลือกได้ไม่เกิน {MAX_VOTES} เรื่อง)",
                    f"Which plan items should come first? (pick up to {MAX_VOTES})",
                )
            )
            await box.mount_all(
                BigChoice(
                    ("✔ " if a.id in self.picked else "  ") + f"{i}. {a.title}",
                    a.id,
                    id=f"vote-{a.id}",
                    classes="choice",
                )
                for i, a in enumerate(self.agenda, start=1)
            )
            nav["back"] = True
            nav["next"] = True
        else:  # thanks
            self.query_one("#progress", Static).update("")
            self.query_one("#question", Static).update(
                self.t("ขอบคุณที่ร่วมแสดงความคิดเห็น", "Thank you for your answers")
            )
            await box.mount(
                BigChoice(self.t("เริ่มแบบฟอร์มใหม่", "Start a new form"), "again", id="again", classes="choice")
            )
        self._shown = self.ctx.monotonic()
        self.query_one("#hint", Static).update(hint)
        for name, shown in nav.items():
            self.query_one(f"#{name}", Button).display = shown
        self.query_one("#next", Button).label = (
            self.t("ส่งแบบฟอร์ม ▶", "Send ▶") if self.stage == "votes" else self.t("ถัดไป ▶", "Next ▶")
        )

    # -- answering ---------------------------------------------------------------------------------

    @on(BigChoice.Chosen)
    def _chosen(self, event: BigChoice.Chosen) -> None:
        if self.ctx.monotonic() - self._shown < self.ctx.read_guard_seconds:
            return  # faster than anyone reads: the second tap of a double tap on the last question
        if self.stage == "thanks":
            self._fresh()
            return
        if self.stage == "votes":
            self._toggle(event.value, MAX_VOTES)
            return
        item = self.draft.item
        if item is None:
            return
        if item.type == "multiple":
            self._toggle(event.value, item.max_selections or len(item.choices or ()))
            return
        self._answer(int(event.value) if item.type == "likert5" else event.value)

    def _toggle(self, value: str, limit: int) -> None:
        if value in self.picked:
            self.picked.remove(value)
        elif len(self.picked) >= limit:
            self.say(self.t(f"เลือกได้ไม่เกิน {limit} ข้อ", f"at most {limit} may be picked"), error=True)
            return
        else:
            self.picked.append(value)
        self.say("")
        self.refresh_view()

    def _answer(self, value: Any) -> None:
        self.say("")
        self.draft.answer(value)
        self.picked = []
        if self.draft.done:
            if self.agenda:
                self.stage = "votes"
            else:
                self._send()
                return
        self._prime_picked()
        self.refresh_view()

    def _prime_picked(self) -> None:
        item = self.draft.item
        if item is not None and item.type == "multiple":
            self.picked = list(self.draft.answers.get(item.id) or [])

    @on(Button.Pressed, "#next")
    def _next(self) -> None:
        if self.stage == "votes":
            self._send()
            return
        item = self.draft.item
        if item is None:
            return
        if item.type == "multiple":
            if item.required and not self.picked:
                self.say(self.t("ข้อนี้ต้องตอบ", "This question needs an answer"), error=True)
                return
            self._answer(list(self.picked))
            return
        self._text_given(self.query_one("#text-answer", Input).value)

    @on(Input.Submitted, "#text-answer")
    def _text_submitted(self, event: Input.Submitted) -> None:
        self._text_given(event.value)

    def _text_given(self, typed: str) -> None:
        item = self.draft.item
        if item is None:
            return
        typed = typed.strip()
        if not typed:
            if item.required:
                self.say(self.t("ข้อนี้ต้องตอบ", "This question needs an answer"), error=True)
                return
            self._answer(None)
            return
        if item.type == "number":
            try:
                number: float = int(typed) if item.integer else float(typed)
            except ValueError:
                self.say(self.t("ใส่เป็นตัวเลข", "type a number"), error=True)
                return
            self._answer(number)
            return
        self._answer(typed)

    @on(Button.Pressed, "#skip")
    def _skip(self) -> None:
        item = self.draft.item
        if item is not None and not item.required:
            self._answer(None)

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        if self.stage == "votes":
            self.stage = "question"
            self.draft.back()
        elif not self.draft.back():
            return
        self.picked = []
        self._prime_picked()
        self.say("")
        self.refresh_view()

    def _send(self) -> None:
        try:
            self.submit(self.draft.final_answers(), list(self.picked))
        except OfficeError as exc:
            self.refused(exc)
            return
        self.saved += 1
        self.stage = "thanks"
        self.picked = []
        self.refresh_view()
        self._stop_timer()
        self._thanks_timer = self.set_timer(THANKS_SECONDS, self._fresh_if_thanked)

    def _stop_timer(self) -> None:
        if self._thanks_timer is not None:
            self._thanks_timer.stop()
            self._thanks_timer = None

    def _fresh_if_thanked(self) -> None:
        if self.stage == "thanks" and self.is_current:
            self._fresh()

    def _fresh(self) -> None:
        self._stop_timer()
        if not self.repeat:
            self.dismiss(None)
            return
        self.draft = FormDraft(self.instrument)
        self.stage = "question"
        self.picked = []
        self.refresh_view()

    def action_next_step(self) -> None:
        """Enter: on after picking choices or votes, past an optional question (skipped), or to a
        fresh form after the thanks."""
        item = self.draft.item
        if self.stage == "thanks":
            self._fresh()
        elif self.stage == "votes" or (item is not None and item.type == "multiple"):
            self._next()
        elif item is not None and not item.required:
            self._skip()

    def action_pick(self, number: int) -> None:
        """The digit ``number``: the level of a likert item, else the choice (or agenda item) so numbered."""
        if self.stage == "thanks":
            self._fresh()
            return
        if self.stage == "votes":
            if number <= len(self.agenda):
                self._toggle(self.agenda[number - 1].id, MAX_VOTES)
            return
        item = self.draft.item
        if item is None or item.type in ("text", "number"):
            return
        values = [v for v, _ in choice_labels(item, self.lang)]
        value = (
            str(number) if item.type == "likert5" else values[number - 1] if number <= len(values) else None
        )
        if value is None or value not in values:
            return
        if item.type == "multiple":
            self._toggle(value, item.max_selections or len(values))
        else:
            self._answer(int(value) if item.type == "likert5" else value)

    def action_leave(self) -> None:
        self.dismiss(None)
