"""When an item is asked: the part of XLSForm's ``relevant`` the kit can evaluate.

An item's ``relevant`` is written as in XLSForm, so that a form imported from KoboToolbox keeps it and an
exported one works there unchanged:

- a comparison of an earlier answer with a literal: ``${visited} = 'yes'``, ``${age} >= 18``,
  ``${overall} <= 2``, ``${reason} != ''`` (``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``);
- ``selected(${priorities}, 'roads')`` for a ``multiple`` (or ``single``) answer;
- ``and``, ``or``, ``not(...)`` and parentheses.

Anything else (other functions, arithmetic, ``.``) is refused by :func:`parse_condition` with a reason.
A skipped answer compares as the empty string, as in XLSForm.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from surveys.bilingual import UserError


class ConditionError(UserError):
    """A ``relevant`` expression the kit cannot evaluate; says why in Thai and English."""


@dataclass(frozen=True)
class Compare:
    name: str
    op: str
    literal: str | float


@dataclass(frozen=True)
class Selected:
    name: str
    value: str


@dataclass(frozen=True)
class Not:
    operand: Condition


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Condition, ...]


Condition = Compare | Selected | Not | BoolOp

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[^}]*\})
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<num>-?\d+(?:\.\d+)?)
      | (?P<op>!=|>=|<=|=|>|<)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z_][A-Za-z0-9_:-]*)
      | (?P<other>\S)
    )""",
    re.VERBOSE,
)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _fail(th: str, en: str) -> ConditionError:
    return ConditionError("condition.unsupported", th, en)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        value = match.group(kind)
        if kind == "other":
            raise _fail(f"อ่านเงื่อนไขไม่ได้ที่ {value!r}", f"cannot read the condition at {value!r}")
        out.append((kind, value))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            got = "the end" if token is None else repr(token[1])
            want = value or kind
            raise _fail(f"เงื่อนไขไม่ครบ: ต้องการ {want!r} แต่พบ {got}", f"expected {want!r}, found {got}")
        self.at += 1
        return token[1]

    def parse(self) -> Condition:
        condition = self.or_()
        if self.peek() is not None:
            token = self.peek()
            assert token is not None
            raise _fail(f"เงื่อนไขมีส่วนเกินที่ {token[1]!r}", f"unexpected {token[1]!r} in the condition")
        return condition

    def or_(self) -> Condition:
        parts = [self.and_()]
        while self.peek() == ("word", "or"):
            self.at += 1
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_(self) -> Condition:
        parts = [self.atom()]
        while self.peek() == ("word", "and"):
            self.at += 1
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def atom(self) -> Condition:
        token = self.peek()
        if token == ("punct", "("):
            self.at += 1
            inner = self.or_()
            self.take("punct", ")")
            return inner
        if token is not None and token[0] == "word":
            word = token[1]
            self.at += 1
            if word == "not":
                self.take("punct", "(")
                inner = self.or_()
                self.take("punct", ")")
                return Not(inner)
            if word == "selected":
                self.take("punct", "(")
                name = self.ref()
                self.take("punct", ",")
                choice = self.take("str")[1:-1]
                self.take("punct", ")")
                return Selected(name, choice)
            raise _fail(
                f"ใช้ฟังก์ชัน {word}() ในเงื่อนไขไม่ได้ ใช้ได้เฉพาะการเปรียบเทียบ selected() and or not()",
                f"the function {word}() is not supported; only comparisons, selected(), and, or, not()",
            )
        name = self.ref()
        op = self.take("op")
        literal = self.peek()
        if literal is None or literal[0] not in ("str", "num"):
            got = "the end" if literal is None else repr(literal[1])
            raise _fail(
                f"หลัง {op} ต้องเป็นข้อความในเครื่องหมายคำพูดหรือตัวเลข แต่พบ {got}",
                f"after {op} comes a quoted text or a number, found {got}",
            )
        self.at += 1
        value: str | float = literal[1][1:-1] if literal[0] == "str" else float(literal[1])
        return Compare(name, op, value)

    def ref(self) -> str:
        token = self.peek()
        if token is None or token[0] != "ref":
            got = "the end" if token is None else repr(token[1])
            raise _fail(
                f"เงื่อนไขต้องอ้างถึงคำตอบเป็น ${{ชื่อข้อ}} แต่พบ {got}",
                f"a condition refers to an answer as ${{name}}, found {got}",
            )
        self.at += 1
        name = token[1][2:-1].strip()
        if not _NAME.match(name):
            raise _fail(f"ชื่อข้อ {name!r} ในเงื่อนไขไม่ถูกต้อง", f"{name!r} in the condition is not an item name")
        return name


def parse_condition(text: str) -> Condition:
    """The condition written in ``text``; :class:`ConditionError` says what the kit cannot evaluate."""
    if not text.strip():
        raise _fail("เงื่อนไขว่างเปล่า", "the condition is empty")
    return _Parser(text).parse()


def names_in(condition: Condition) -> set[str]:
    """The item names a condition reads."""
    if isinstance(condition, Compare | Selected):
        return {condition.name}
    if isinstance(condition, Not):
        return names_in(condition.operand)
    return set().union(*(names_in(c) for c in condition.operands))


def _compare(answer: object, op: str, literal: str | float) -> bool:
    if answer is None or answer == [] or isinstance(answer, list):
        answer = ""
    left: str | float
    right: str | float = literal
    if isinstance(literal, float):
        if isinstance(answer, bool) or answer == "":
            return op == "!="
        try:
            left = float(answer)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return op == "!="
    else:
        left = str(answer) if not isinstance(answer, float) else f"{answer:g}"
        if isinstance(answer, int | float) and not isinstance(answer, bool):
            try:
                left, right = float(answer), float(literal)
            except ValueError:
                left = str(answer)
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if isinstance(left, str) != isinstance(right, str):
        return False
    return {
        "<": left < right,  # type: ignore[operator]
        "<=": left <= right,  # type: ignore[operator]
        ">": left > right,  # type: ignore[operator]
        ">=": left >= right,  # type: ignore[operator]
    }[op]


def evaluate(condition: Condition, answers: Mapping[str, object]) -> bool:
    """Whether ``condition`` holds for these answers (item id → answer)."""
    if isinstance(condition, Compare):
        return _compare(answers.get(condition.name), condition.op, condition.literal)
    if isinstance(condition, Selected):
        answer = answers.get(condition.name)
        if isinstance(answer, list | tuple):
            return condition.value in [str(a) for a in answer]
        return answer is not None and str(answer) == condition.value
    if isinstance(condition, Not):
        return not evaluate(condition.operand, answers)
    results = (evaluate(c, answers) for c in condition.operands)
    return all(results) if condition.op == "and" else any(results)
