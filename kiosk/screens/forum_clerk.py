"""Clerk entry: keying in a forum's paper forms, keyboard only, one form per page.

    likert item        the level's digit 1–5 (moves on at once)
    single choice      the choice's number as listed on the paper (moves on at once; with ten or more
                       choices a second digit is awaited only when one could follow, else Enter)
    multiple choices   each choice's number toggles it; Enter moves on
    text or number     type it, Enter moves on
    any item           Enter alone skips an optional item; 0 = no answer; Backspace/↑ back one item
    votes              each agenda number toggles a vote (up to three); Enter saves the form
    Ctrl+Z             takes back the last saved form (with a reason)       Esc back to the forum

So a form of five likert items and a blank suggestion, with no vote, is seven keys.
"""

from __future__ import annotations

import unicodedata
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Label, Static

from kiosk.dialogs.reason import ReasonDialog
from kiosk.office.service import OfficeError
from kiosk.screens.forum_common import ForumContext, ForumScreen
from kiosk.screens.forum_form import FormDraft, NumberKeys, choice_labels
from surveys.content.instruments import Item
from surveys.forum.sessions import CLERK, MAX_VOTES, Forum

# What the digit keys type with the Thai (Kedmanee) layout on, 1 … 0 (as surveys.counter.token reads
# ticket codes): a clerk keying in forms need not switch the layout off.
THAI_DIGIT_ROW = "ๅ/-ภถุึคตจ"


def _key_name(character: str) -> str:
    """The name Textual gives the key that types ``character`` (a vowel mark goes by its name)."""
    if character == "/":
        return "slash"
    if character == "-":
        return "minus"
    if unicodedata.category(character) == "Mn":
        return unicodedata.name(character).lower().replace(" ", "_")
    return character


class ClerkEntryScreen(ForumScreen):
    AUTO_FOCUS = ""  # the keys belong to the form; the text field takes them only for a text item
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(d, f"digit('{d}')", d, show=False) for d in "0123456789"),
        *(
            Binding(_key_name(ch), f"digit('{d}')", d, show=False)
            for ch, d in zip(THAI_DIGIT_ROW, "1234567890", strict=True)
        ),
        Binding("enter", "enter", "next", show=False),
        Binding("backspace,up", "back", "back", show=False),
        Binding("ctrl+z", "take_back", "take back", show=False, priority=True),
        Binding("escape", "leave", "leave", show=False),
    ]

    def __init__(self, ctx: ForumContext, session: str) -> None:
        super().__init__(ctx)
        self.session = session
        forum = self.forum
        self.instrument = self.desk.instrument(forum.instrument)
        self.agenda = forum.agenda
        self._typing: str | None = None  # the text item the field is showing
        self._fresh()

    @property
    def forum(self) -> Forum:
        return self.desk.forum(self.session)

    def _fresh(self) -> None:
        self._typing = None
        self.draft = FormDraft(self.instrument)
        self.stage = "question"
        self.picked: list[str] = []
        self._start_item()

    def _start_item(self) -> None:
        item = self.draft.item
        self.keys = NumberKeys(len(item.choices or ()) if item is not None and item.choices else 5)
        self.picked = list(self.draft.answers.get(item.id) or []) if item and item.type == "multiple" else []
        if self.stage == "votes":
            self.keys = NumberKeys(len(self.agenda))

    def compose(self) -> ComposeResult:
        yield Label(
            self.t("บันทึกแบบฟอร์มจากกระดาษ: ", "Keying in paper forms: ") + self.instrument.title(self.lang),
            classes="screen-title",
            markup=False,
        )
        yield Static("", id="count", classes="big", markup=False)
        yield Static("", id="form", markup=False)
        yield Input(id="text-answer")
        yield Static("", id="votes", markup=False)
        yield Static("", id="message", markup=False)
        yield Static(
            self.t(
                "ตัวเลข = คำตอบ · Enter = ข้าม/ถัดไป · 0 = ไม่ตอบ · Backspace = ย้อน · "
                "Ctrl+Z = ยกเลิกฉบับล่าสุด · Esc = กลับ",
                "digit = answer · Enter = skip/next · 0 = no answer · Backspace = back · "
                "Ctrl+Z = take back last · Esc = back",
            ),
            id="keys",
            markup=False,
        )

    def on_mount(self) -> None:
        self.refresh_view()

    # -- drawing -----------------------------------------------------------------------------------

    def _shown(self, item: Item) -> str:
        value = self.draft.answers.get(item.id)
        if item.id == getattr(self.draft.item, "id", None) and item.type == "multiple":
            value = self.picked or None
        if value is None:
            return "·"
        labels = dict(choice_labels(item, self.lang))
        if item.type == "likert5":
            return f"{value} {labels.get(str(value), '')}"
        if item.type == "single":
            number = list(labels).index(value) + 1
            return f"{number} {labels[value]}"
        if item.type == "multiple":
            return ", ".join(f"{list(labels).index(v) + 1} {labels[v]}" for v in value)
        return str(value)

    def refresh_view(self) -> None:
        forum = self.forum
        self.query_one("#count", Static).update(
            self.t(f"บันทึกแล้ว {len(forum.forms)} ฉบับ", f"{len(forum.forms)} forms saved")
        )
        current = self.draft.item if self.stage == "question" else None
        lines = []
        for number, item in enumerate(self.draft.asked(), start=1):
            label = item.label_th if self.lang == "th" else item.label_en
            mark = "▶" if item is current else " "
            star = "*" if item.required else " "
            lines.append(f"{mark}{number:>2}.{star} {label[:60]}  [{self._shown(item)}]")
            if item is current and item.type == "likert5":
                lines.append(
                    "      " + "  ".join(f"{v}={text}" for v, text in choice_labels(item, self.lang))
                )
            if item is current and item.type in ("single", "multiple"):
                options = "  ".join(
                    f"{i}={text}" for i, (_, text) in enumerate(choice_labels(item, self.lang), 1)
                )
                lines.append(f"      {options}")
                if item.type == "multiple":
                    limit = item.max_selections or len(item.choices or ())
                    lines.append(
                        self.t(
                            f"      (เลือกได้ไม่เกิน {limit} แล้วกด Enter)", f"      (up to {limit}, then Enter)"
                        )
                    )
        self.query_one("#form", Static).update("\n".join(lines))
        field = self.query_one("#text-answer", Input)
        typing = current is not None and current.type in ("text", "number")
        field.display = typing
        if typing and current is not None:
            field.placeholder = self.t(
                "พิมพ์คำตอบ แล้วกด Enter (ว่าง = ข้าม)", "type the answer, then Enter (blank = skip)"
            )
            if self._typing != current.id:  # a new text item: its answer so far, and the keys
                previous = self.draft.answers.get(current.id)
                field.value = "" if previous is None else str(previous)
                self._typing = current.id
            field.focus()
        else:
            self._typing = None
            if field.has_focus:
                self.set_focus(None)
        if self.agenda:
            head = (
                self.t(
                    f"▶ โหวตวาระ (เลือกได้ไม่เกิน {MAX_VOTES} แล้วกด Enter บันทึก):",
                    f"▶ Votes (up to {MAX_VOTES}, Enter saves):",
                )
                if self.stage == "votes"
                else self.t("  โหวตวาระ:", "  Votes:")
            )
            items = "  ".join(
                f"{'✔' if a.id in self.picked and self.stage == 'votes' else ' '}{i}={a.title}"
                for i, a in enumerate(self.agenda, start=1)
            )
            self.query_one("#votes", Static).update(f"{head}\n  {items}")

    # -- keys --------------------------------------------------------------------------------------

    def action_digit(self, digit: str) -> None:
        if self.stage == "votes":
            number = self.keys.feed(digit)
            if number is not None:
                self._vote(number)
            return
        item = self.draft.item
        if item is None:
            return
        if digit == "0" and not self.keys.buffer:
            self._no_answer(item)
            return
        if item.type == "likert5":
            if digit in "12345":
                self._answer(int(digit))
            else:
                self.say(self.t("ระดับ 1 ถึง 5 เท่านั้น", "levels are 1 to 5"), error=True)
            return
        if item.type in ("single", "multiple"):
            number = self.keys.feed(digit)
            if number is not None:
                self._choice(item, number)

    def _choice(self, item: Item, number: int) -> None:
        values = [v for v, _ in choice_labels(item, self.lang)]
        if not 1 <= number <= len(values):
            self.say(
                self.t(f"ไม่มีตัวเลือกที่ {number} (มี 1–{len(values)})", f"no choice {number} (1–{len(values)})"),
                error=True,
            )
            return
        value = values[number - 1]
        if item.type == "single":
            self._answer(value)
            return
        limit = item.max_selections or len(values)
        if value in self.picked:
            self.picked.remove(value)
        elif len(self.picked) >= limit:
            self.say(self.t(f"เลือกได้ไม่เกิน {limit}", f"at most {limit}"), error=True)
            return
        else:
            self.picked.append(value)
        self.say("")
        self.refresh_view()

    def _vote(self, number: int) -> None:
        if not 1 <= number <= len(self.agenda):
            self.say(self.t(f"ไม่มีวาระที่ {number}", f"there is no agenda item {number}"), error=True)
            return
        vote = self.agenda[number - 1].id
        if vote in self.picked:
            self.picked.remove(vote)
        elif len(self.picked) >= MAX_VOTES:
            self.say(self.t(f"โหวตได้ไม่เกิน {MAX_VOTES} เรื่อง", f"at most {MAX_VOTES} votes"), error=True)
            return
        else:
            self.picked.append(vote)
        self.say("")
        self.refresh_view()

    def _no_answer(self, item: Item) -> None:
        if item.required:
            self.say(
                self.t("ข้อนี้ต้องตอบ (มีเครื่องหมาย *)", "this question needs an answer (marked *)"), error=True
            )
            return
        self._answer(None)

    def action_enter(self) -> None:
        if self.stage == "votes":
            pending = self.keys.flush()
            if pending is not None:
                self._vote(pending)
                return
            self._save()
            return
        item = self.draft.item
        if item is None:
            return
        pending = self.keys.flush()
        if pending is not None and item.type in ("single", "multiple"):
            self._choice(item, pending)
            return
        if item.type == "multiple" and self.picked:
            self._answer(list(self.picked))
            return
        self._no_answer(item)

    @on(Input.Submitted, "#text-answer")
    def _typed(self, event: Input.Submitted) -> None:
        item = self.draft.item
        if item is None or item.type not in ("text", "number") or self.stage != "question":
            self.set_focus(None)
            return
        typed = event.value.strip()
        if not typed:
            self._no_answer(item)
            return
        if item.type == "number":
            try:
                self._answer(int(typed) if item.integer else float(typed))
            except ValueError:
                self.say(self.t("ใส่เป็นตัวเลข", "type a number"), error=True)
            return
        self._answer(typed)

    def _answer(self, value: Any) -> None:
        self.say("")
        self.draft.answer(value)
        if self.draft.done:
            if not self.agenda:
                self._save()
                return
            self.stage = "votes"
        field = self.query_one("#text-answer", Input)
        field.value = ""
        self.set_focus(None)
        self._start_item()
        self.refresh_view()

    def action_back(self) -> None:
        if self.stage == "votes":
            self.stage = "question"
            self.draft.back()
        elif not self.draft.back():
            return
        self.set_focus(None)
        self._start_item()
        self.say("")
        self.refresh_view()

    def _save(self) -> None:
        try:
            self.desk.submit_form(self.session, self.draft.final_answers(), list(self.picked), mode=CLERK)
        except OfficeError as exc:
            self.refused(exc)
            return
        count = len(self.forum.forms)
        self._fresh()
        self.set_focus(None)
        self.refresh_view()
        self.say(self.t(f"บันทึกฉบับที่ {count} แล้ว กรอกฉบับถัดไปได้เลย", f"Form {count} saved: key in the next one"))

    def action_take_back(self) -> None:
        last = self.forum.last_form()
        if last is None:
            self.say(self.t("ยังไม่มีแบบฟอร์มให้ยกเลิก", "There is no form to take back"), error=True)
            return
        number = len(self.forum.forms)

        def with_reason(reason: str | None) -> None:
            if reason is None:
                self.say(self.t("ยกเลิกแล้ว แบบฟอร์มยังนับอยู่", "Cancelled: the form still counts"))
                return
            try:
                self.desk.void_last_form(self.session, reason)
            except OfficeError as exc:
                self.refused(exc)
                return
            self.refresh_view()
            self.say(self.t(f"ยกเลิกฉบับที่ {number} แล้ว", f"Form {number} taken back"))

        self.app.push_screen(
            ReasonDialog(
                self.t("ยกเลิกแบบฟอร์มล่าสุด", "Take back the last form"),
                self.t(
                    f"ยกเลิกฉบับที่ {number} ที่บันทึกไป (ยังคงอยู่ในบันทึก แต่ไม่นับ) ระบุเหตุผล",
                    f"Take back form {number} (it stays in the log but no longer counts). Why?",
                ),
                self.lang,
            ),
            with_reason,
        )

    def action_leave(self) -> None:
        self.dismiss(None)
