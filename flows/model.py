"""What a flow is once loaded: frozen values, with the line each part came from.

Lines are kept so every later check (graph, texts, translations) can point the writer to
the exact place in the YAML file; `lines` maps a key to the line of its value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from pathlib import Path

FORMAT = 1
CATEGORIES: tuple[str, ...] = ("caf", "prefecture", "housing", "other")
CHECK_AFTER_DAYS = range(1, 31)
OPTIONS_COUNT = range(2, 7)


class StepKind(StrEnum):
    INFO = "info"
    CHECKLIST = "checklist"
    CHOICE = "choice"
    ACTION = "action"
    DATE = "date"
    END = "end"


class Past(StrEnum):
    """Which dates a date step accepts, relative to the day it is answered."""

    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"
    ONLY = "only"


class TextRole(StrEnum):
    """Where a translatable text is shown; decides its length limit and markup."""

    TITLE = "title"
    SUMMARY = "summary"
    STEP_TEXT = "text"
    LINK_LABEL = "link label"
    ITEM_LABEL = "checklist item label"
    ITEM_HELP = "checklist item help"
    OPTION_LABEL = "option label"
    DEADLINE_TEXT = "reminder text"

    @property
    def limit(self) -> int:
        return _LIMITS[self]

    @property
    def html(self) -> bool:
        """Message texts may use `<b>`/`<i>`; button texts and titles are plain."""
        return self in {TextRole.STEP_TEXT, TextRole.DEADLINE_TEXT}

    @property
    def placeholders(self) -> frozenset[str]:
        """The `{…}` a text of this role may hold; a step text may also name the flow's
        dates (`Flow.date_names`), which depend on the flow."""
        return frozenset({"date"}) if self is TextRole.DEADLINE_TEXT else frozenset()


_LIMITS = {
    TextRole.TITLE: 80,
    TextRole.SUMMARY: 200,
    TextRole.STEP_TEXT: 500,
    TextRole.LINK_LABEL: 30,
    TextRole.ITEM_LABEL: 60,
    TextRole.ITEM_HELP: 200,
    TextRole.OPTION_LABEL: 40,
    TextRole.DEADLINE_TEXT: 500,
}


@dataclass(frozen=True)
class FlowError:
    """One problem in one file, with a one-line hint how to repair it."""

    path: Path
    line: int
    step_id: str | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"[{self.step_id}] " if self.step_id else ""
        return f"{self.path}:{self.line}: {where}{self.message} — {self.fix}"


@dataclass(frozen=True, kw_only=True)
class Located:
    """`line` is where the part starts; `lines` maps each key to its line.
    Neither takes part in equality: two parts written alike are equal wherever they are."""

    line: int = field(default=0, compare=False)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


@dataclass(frozen=True)
class Offset(Located):
    """A signed shift of a date; months are applied first, clamped to the month's end."""

    days: int = 0
    weeks: int = 0
    months: int = 0

    def times(self, factor: int) -> Offset:
        return Offset(self.days * factor, self.weeks * factor, self.months * factor)

    def plus(self, other: Offset) -> Offset:
        return Offset(self.days + other.days, self.weeks + other.weeks, self.months + other.months)


@dataclass(frozen=True)
class Source(Located):
    url: str
    title: str
    checked: date


@dataclass(frozen=True)
class Deadline(Located):
    """A date computed from an answer. With `remind`, the person is reminded of it with
    `text`; without, it is only a date the step texts can name (`{id}`)."""

    id: str
    from_answer: str
    add: Offset
    repeat: Offset | None
    remind: tuple[Offset, ...]
    text: str | None
    # Days before the date when a human is flagged if the procedure is not done yet
    # (a right at risk: issue 11's "deadline" trigger); None: never.
    flag_human: Offset | None = None


@dataclass(frozen=True)
class ChecklistItem(Located):
    id: str
    label: str
    help: str | None = None


@dataclass(frozen=True)
class ChoiceOption(Located):
    label: str
    next: str


@dataclass(frozen=True)
class Branch(Located):
    """Where a step leads by where today stands from a date answered (`from_answer`; a date
    step's own answer by default): the first branch whose `until` (the answer shifted by
    it) is today or later, or the last, which has no `until`. So a card that expired
    cannot lead to "you have time", whatever is tapped."""

    next: str
    until: Offset | None = None
    from_answer: str | None = None


class Ending(StrEnum):
    """What reaching an end step means for the person (`outcome:` in the YAML): only a
    procedure done is congratulated; the words, the summary and "Mon parcours" follow it."""

    DONE = "done"  # the procedure is done
    HELPED = "helped"  # done, with someone's help
    NOT_YET = "not_yet"  # not possible yet: a person should help, or it is for later


@dataclass(frozen=True)
class Step(Located):
    """One message of a flow; which optional fields are set depends on `kind`."""

    id: str
    kind: StepKind
    text: str
    next: str | None = None
    link: str | None = None
    link_label: str | None = None
    items: tuple[ChecklistItem, ...] = ()
    options: tuple[ChoiceOption, ...] = ()
    check_after_days: int | None = None
    answer: str | None = None
    past: Past = Past.ALLOWED
    branches: tuple[Branch, ...] = ()  # date steps only, instead of `next`
    ending: Ending | None = None  # end steps only

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((item for item in self.items if item.id == item_id), None)


@dataclass(frozen=True)
class TextField:
    """A translatable text of a flow, with what the checks and translators need to know."""

    text: str
    line: int
    context: str
    role: TextRole
    step_id: str | None = None


@dataclass(frozen=True)
class Flow(Located):
    format: int
    id: str
    version: int
    category: str
    title: str
    summary: str
    sources: tuple[Source, ...]
    start: str
    deadlines: tuple[Deadline, ...]
    steps: tuple[Step, ...]
    path: Path = Path("<flow>")

    @cached_property
    def _by_id(self) -> Mapping[str, Step]:
        return {step.id: step for step in self.steps}

    def step(self, step_id: str) -> Step | None:
        return self._by_id.get(step_id)

    def targets(self, step: Step) -> tuple[str, ...]:
        """The step ids `step` can lead to, in file order, without repeats."""
        found = [step.next] if step.next else [option.next for option in step.options]
        found += [branch.next for branch in step.branches]
        return tuple(dict.fromkeys(found))

    def date_answers(self) -> frozenset[str]:
        return frozenset(s.answer for s in self.steps if s.kind is StepKind.DATE and s.answer)

    def date_names(self) -> frozenset[str]:
        """The dates a step text may show as `{name}`: answers and deadlines."""
        return self.date_answers() | {deadline.id for deadline in self.deadlines}

    def texts(self) -> Iterator[tuple[str, int, str]]:
        """Every translatable string as (text, line, context), for extraction and checks."""
        for entry in self.text_fields():
            yield entry.text, entry.line, entry.context

    def text_fields(self) -> Iterator[TextField]:
        yield TextField(self.title, self.line_of("title"), "title", TextRole.TITLE)
        yield TextField(self.summary, self.line_of("summary"), "summary", TextRole.SUMMARY)
        for step in self.steps:
            yield from _step_texts(step)
        for deadline in self.deadlines:
            if deadline.text is None:
                continue
            context = f"deadline {deadline.id} (reminder; keep {{date}}, the deadline's date)"
            yield TextField(
                deadline.text, deadline.line_of("text"), context, TextRole.DEADLINE_TEXT
            )


def _step_texts(step: Step) -> Iterator[TextField]:
    def entry(text: str, line: int, what: str, role: TextRole) -> TextField:
        return TextField(text, line, f"step {step.id} ({what})", role, step.id)

    dated = " (keep each {…}: a date filled in)" if "{" in step.text else ""
    yield entry(step.text, step.line_of("text"), f"{step.kind} text{dated}", TextRole.STEP_TEXT)
    if step.link_label is not None:
        yield entry(step.link_label, step.line_of("link_label"), "link button", TextRole.LINK_LABEL)
    for item in step.items:
        yield entry(item.label, item.line_of("label"), "checklist item label", TextRole.ITEM_LABEL)
        if item.help is not None:
            yield entry(item.help, item.line_of("help"), "checklist item help", TextRole.ITEM_HELP)
    for option in step.options:
        yield entry(option.label, option.line_of("label"), "answer button", TextRole.OPTION_LABEL)
