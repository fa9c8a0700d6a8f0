"""Reading one flow file into a `Flow`, or into every structural error it holds.

The YAML node tree is walked by hand instead of `safe_load`-ed, so each value keeps its
line and nothing is coerced: YAML 1.1 reads `no`, `on` or `2025-02-19` as a boolean or a
date, where a flow means the text the writer typed. Meaning checks (graph, links,
translations) are in `validate`; this module only answers "is it well formed?".
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flows.model import (
    CATEGORIES,
    CHECK_AFTER_DAYS,
    FORMAT,
    OPTIONS_COUNT,
    Branch,
    ChecklistItem,
    ChoiceOption,
    Deadline,
    Ending,
    Flow,
    FlowError,
    Offset,
    Past,
    Source,
    Step,
    StepKind,
    TextRole,
)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INT_PATTERN = re.compile(r"^[-+]?[0-9]+$")
INT_TAG = "tag:yaml.org,2002:int"
NULL_TAG = "tag:yaml.org,2002:null"

FLOW_REQUIRED = (
    "format",
    "id",
    "version",
    "category",
    "title",
    "summary",
    "sources",
    "start",
    "steps",
)
FLOW_KEYS = (*FLOW_REQUIRED, "deadlines")
SOURCE_KEYS = ("url", "title", "checked")
DEADLINE_REQUIRED = ("id", "from")
DEADLINE_KEYS = (*DEADLINE_REQUIRED, "text", "add", "repeat", "remind", "flag_human")
OFFSET_KEYS = ("days", "weeks", "months")
ITEM_KEYS = ("id", "label", "help")
OPTION_KEYS = ("label", "next")
BRANCH_KEYS = ("from", "until", "next")
STEP_COMMON = ("kind", "text", "link", "link_label")
STEP_EXTRA: Mapping[StepKind, tuple[str, ...]] = {
    StepKind.INFO: ("next", "branches"),
    StepKind.CHECKLIST: ("items", "next", "branches"),
    StepKind.CHOICE: ("options",),
    StepKind.ACTION: ("next", "branches", "check_after_days"),
    StepKind.DATE: ("answer", "next", "past", "branches"),
    StepKind.END: ("outcome",),
}
STEP_REQUIRED: Mapping[StepKind, tuple[str, ...]] = {
    StepKind.CHECKLIST: ("items",),
    StepKind.CHOICE: ("options",),
    StepKind.DATE: ("answer",),
    StepKind.END: ("outcome",),  # done, helped or not_yet: no "Bravo" for a dead end
}

REQUIRED_FIX = {
    "outcome": "add `outcome: done` (or `helped`, or `not_yet` when it ends without the "
    "procedure done: no congratulations then)",
}
ID_FIX = "use lowercase letters, digits and '-' (at most 40, not starting with '-')"

Entries = dict[str, tuple[ScalarNode, Node]]


def load_file(path: Path) -> tuple[Flow | None, list[FlowError]]:
    """The flow in `path`, or None and why not (never raises on a bad file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [FlowError(path, 1, None, "the file is not UTF-8", "save it as UTF-8")]
    except OSError as error:
        return None, [FlowError(path, 1, None, f"cannot read the file: {error}", "check it")]
    return load_text(text, path)


def load_text(text: str, path: Path) -> tuple[Flow | None, list[FlowError]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = error.problem or error.context or "unreadable YAML"
        fix = "check the indentation, and quote texts that hold ': ' or ' #'"
        return None, [FlowError(path, line, None, f"YAML syntax: {problem}", fix)]
    except yaml.YAMLError as error:
        return None, [FlowError(path, 1, None, f"YAML syntax: {error}", "check the file")]
    if root is None:
        return None, [FlowError(path, 1, None, "the file is empty", "write a flow, see docs")]
    reader = _Reader(path)
    flow = reader.flow(root)
    if reader.errors or flow is None:
        return None, sorted(reader.errors, key=lambda error: error.line)
    return flow, []


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _slug(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].rstrip("-")


def _suggest(word: str, choices: Iterable[str]) -> str:
    ordered = sorted(choices)
    close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    return "expected one of: " + ", ".join(ordered)


def _what(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"`{node.value}`"


@dataclass
class _Reader:
    """Collects every error of one file; readers return a harmless default on error, or
    when the value is absent (`None`), so one pass finds every problem."""

    path: Path

    def __post_init__(self) -> None:
        self.errors: list[FlowError] = []

    def error(self, node: Node, message: str, fix: str, step: str | None = None) -> None:
        self.errors.append(FlowError(self.path, _line(node), step, message, fix))

    # Containers

    def mapping(self, node: Node, what: str, step: str | None) -> Entries | None:
        if not isinstance(node, MappingNode):
            message = f"{what} should be a mapping, not {_what(node)}"
            self.error(node, message, "write `key: value` lines", step)
            return None
        entries: Entries = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.error(key, f"a key in {what} is not a plain word", "use a simple key", step)
            elif key.value in entries:
                fix = "remove one of them: only one would be kept"
                self.error(key, f"`{key.value}` appears twice in {what}", fix, step)
            else:
                entries[key.value] = (key, value)
        return entries

    def sequence(self, node: Node | None, what: str, step: str | None) -> list[Node]:
        if node is None:
            return []
        if isinstance(node, SequenceNode):
            return list(node.value)
        message = f"`{what}` should be a list, not {_what(node)}"
        self.error(node, message, "start each entry with '- '", step)
        return []

    def keys(
        self,
        entries: Entries,
        node: Node,
        what: str,
        allowed: Collection[str],
        required: Iterable[str],
        step: str | None = None,
        elsewhere: Mapping[str, str] | None = None,
    ) -> None:
        """Unknown keys are refused, so a typo fails loudly instead of being ignored."""
        for key, (key_node, _) in entries.items():
            if key in allowed:
                continue
            if elsewhere and key in elsewhere:
                self.error(key_node, f"`{key}` is not allowed in {what}", elsewhere[key], step)
            else:
                fix = _suggest(key, allowed)
                self.error(key_node, f"unknown key `{key}` in {what}", fix, step)
        for key in required:
            if key not in entries:
                self.error(
                    node, f"{what} has no `{key}`", REQUIRED_FIX.get(key, f"add `{key}: …`"), step
                )

    # Scalars

    def text(
        self, node: Node | None, what: str, step: str | None = None, role: TextRole | None = None
    ) -> str:
        if node is None:
            return ""
        if not isinstance(node, ScalarNode):
            message = f"`{what}` should be a text, not {_what(node)}"
            self.error(node, message, "write the text after the colon", step)
            return ""
        value = str(node.value).strip()
        if not value or (node.tag == NULL_TAG and node.style is None):
            self.error(node, f"`{what}` is empty", f"write the {what}", step)
            return ""
        if role in _ONE_LINE and "\n" in value:
            self.error(node, f"`{what}` spans several lines", "write it on one line", step)
        if role in _ONE_LINE and len(value) > role.limit:
            message = f"`{what}` is {len(value)} characters long; at most {role.limit}"
            self.error(node, message, "shorten it", step)
        return value

    def identifier(self, node: Node | None, what: str, step: str | None = None) -> str:
        value = self.text(node, what, step)
        if node is not None and value and not ID_PATTERN.match(value):
            example = _slug(value)
            fix = f"{ID_FIX}, e.g. `{example}`" if example else ID_FIX
            self.error(node, f"`{what}` `{value}` is not a valid id", fix, step)
        return value

    def integer(
        self,
        node: Node | None,
        what: str,
        step: str | None = None,
        within: range | None = None,
    ) -> int:
        if node is None:
            return 0
        if not (isinstance(node, ScalarNode) and node.tag == INT_TAG) or not INT_PATTERN.match(
            str(node.value)
        ):
            if isinstance(node, ScalarNode) and node.style in {"'", '"'}:
                message = f"`{what}` should be a whole number, not a quoted text"
                self.error(node, message, f"remove the quotes: {node.value}", step)
            else:
                message = f"`{what}` should be a whole number, not {_what(node)}"
                self.error(node, message, "write digits only, e.g. 3", step)
            return 0
        value = int(node.value)
        if within is not None and value not in within:
            bounds = f"between {within.start} and {within.stop - 1}"
            self.error(
                node, f"`{what}` is {value}; it must be {bounds}", f"use a number {bounds}", step
            )
        return value

    def day(self, node: Node | None, what: str) -> date:
        if node is None:
            return date.min
        value = str(node.value).strip() if isinstance(node, ScalarNode) else ""
        if DATE_PATTERN.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        message = f"`{what}` should be a date written YYYY-MM-DD, not {_what(node)}"
        self.error(node, message, "e.g. 2025-02-19, a day that exists")
        return date.min

    def one_of(self, node: Node | None, what: str, choices: Iterable[str], step: str | None) -> str:
        value = self.text(node, what, step)
        allowed = [str(choice) for choice in choices]
        if node is not None and value and value not in allowed:
            self.error(node, f"`{what}` `{value}` is unknown", _suggest(value, allowed), step)
            return ""
        return value

    # The parts of a flow

    def flow(self, root: Node) -> Flow | None:
        entries = self.mapping(root, "the flow", None)
        if entries is None:
            return None
        self.keys(entries, root, "the flow", FLOW_KEYS, FLOW_REQUIRED)
        values = _values(entries)
        format_ = self.integer(values.get("format"), "format")
        if "format" in values and format_ != FORMAT:
            fix = f"write `format: {FORMAT}`"
            self.error(values["format"], f"format {format_} is unknown", fix)
        flow_id = self.identifier(values.get("id"), "id")
        version = self.integer(values.get("version"), "version", within=range(1, 1_000_000))
        category = self.one_of(values.get("category"), "category", CATEGORIES, None)
        title = self.text(values.get("title"), "title", role=TextRole.TITLE)
        summary = self.text(values.get("summary"), "summary", role=TextRole.SUMMARY)
        sources = tuple(
            self.source(node) for node in self.sequence(values.get("sources"), "sources", None)
        )
        start = self.identifier(values.get("start"), "start")
        deadlines = self.deadlines(values.get("deadlines"))
        steps = self.steps(values.get("steps"))
        if self.errors:
            return None
        return Flow(
            format_,
            flow_id,
            version,
            category,
            title,
            summary,
            sources,
            start,
            deadlines,
            steps,
            self.path,
            line=_line(root),
            lines=_lines(entries),
        )

    def source(self, node: Node) -> Source:
        entries = self.mapping(node, "a source", None) or {}
        self.keys(entries, node, "a source", SOURCE_KEYS, SOURCE_KEYS)
        values = _values(entries)
        return Source(
            self.text(values.get("url"), "url"),
            self.text(values.get("title"), "title"),
            self.day(values.get("checked"), "checked"),
            line=_line(node),
            lines=_lines(entries),
        )

    def deadlines(self, node: Node | None) -> tuple[Deadline, ...]:
        found: list[Deadline] = []
        for item in self.sequence(node, "deadlines", None):
            deadline = self.deadline(item)
            if deadline.id and any(other.id == deadline.id for other in found):
                self.error(item, f"two deadlines are called `{deadline.id}`", "rename one")
            found.append(deadline)
        return tuple(found)

    def deadline(self, node: Node) -> Deadline:
        entries = self.mapping(node, "a deadline", None) or {}
        self.keys(entries, node, "a deadline", DEADLINE_KEYS, DEADLINE_REQUIRED)
        values = _values(entries)
        repeat = None
        if "repeat" in values:
            repeat = self.offset(values["repeat"], "repeat", OFFSET_KEYS)
            amounts = (repeat.days, repeat.weeks, repeat.months)
            if min(amounts) < 0 or max(amounts) == 0:
                fix = "use positive numbers, e.g. {months: 3}"
                self.error(values["repeat"], "`repeat` must move forward in time", fix)
        remind = tuple(
            self.offset(item, "remind", ("days",))
            for item in self.sequence(values.get("remind"), "remind", None)
        )
        flag = None
        if "flag_human" in values:
            flag = self.offset(values["flag_human"], "flag_human", ("days",))
            if flag.days > 0:
                fix = "a number of days before the date, e.g. {days: -30}"
                self.error(values["flag_human"], "`flag_human` must be before the date", fix)
        text = None
        if "text" in values:
            text = self.text(values["text"], "text", role=TextRole.DEADLINE_TEXT)
        elif remind:
            fix = "add `text:` with {date}, the reminder the person receives"
            self.error(node, "a deadline with `remind` has no `text`", fix)
        return Deadline(
            self.identifier(values.get("id"), "id"),
            self.identifier(values.get("from"), "from"),
            self.offset(values["add"], "add", OFFSET_KEYS) if "add" in values else Offset(),
            repeat,
            remind,
            text,
            flag,
            line=_line(node),
            lines=_lines(entries),
        )

    def offset(self, node: Node, what: str, allowed: tuple[str, ...]) -> Offset:
        entries = self.mapping(node, f"`{what}`", None)
        if entries is None:
            return Offset()
        self.keys(entries, node, f"`{what}`", allowed, ())
        if not entries:
            self.error(node, f"`{what}` is empty", f"write e.g. {{{allowed[-1]}: 1}}")
        amounts = {
            key: self.integer(value, f"{what}.{key}")
            for key, (_, value) in entries.items()
            if key in allowed
        }
        return Offset(**amounts, line=_line(node), lines=_lines(entries))

    def steps(self, node: Node | None) -> tuple[Step, ...]:
        entries = self.mapping(node, "`steps`", None) if node is not None else None
        if entries is None:
            return ()
        if not entries and node is not None:
            self.error(node, "the flow has no steps", "add steps, the first named by `start`")
        return tuple(self.step(key, value) for key, value in entries.values())

    def step(self, key: ScalarNode, node: Node) -> Step:
        step_id = self.identifier(key, "step id")
        what = f"step `{step_id}`"
        entries = self.mapping(node, what, step_id) or {}
        values = _values(entries)
        kind_name = self.one_of(values.get("kind"), "kind", StepKind, step_id)
        if not kind_name:
            if "kind" not in values:
                fix = "add `kind: info` (or checklist, choice, action, date, end)"
                self.error(node, f"{what} has no `kind`", fix, step_id)
            return Step(step_id, StepKind.INFO, "", line=_line(key))
        kind = StepKind(kind_name)
        allowed = (*STEP_COMMON, *STEP_EXTRA[kind])
        elsewhere = {
            name: f"`{name}` belongs to {' or '.join(kinds)} steps; remove it or change `kind`"
            for name, kinds in _KINDS_BY_KEY.items()
            if name not in allowed
        }
        required = ("text", *STEP_REQUIRED.get(kind, ()))
        self.keys(entries, node, f"{what} ({kind})", allowed, required, step_id, elsewhere)
        values = {name: value for name, value in values.items() if name in allowed}
        link = self.text(values["link"], "link", step_id) if "link" in values else None
        label = None
        if "link_label" in values:
            label = self.text(values["link_label"], "link_label", step_id, TextRole.LINK_LABEL)
        if (link is None) != (label is None):
            message = "a `link` goes with a `link_label` (the button's text)"
            self.error(node, message, "write both, or neither", step_id)
        if "branches" in values and "next" in values:
            message = f"{what} has both `next` and `branches`"
            fix = "write `next: <step id>`, or `branches:` to lead by the date answered"
            self.error(node, message, fix, step_id)
        check = values.get("check_after_days")
        past = self.one_of(values.get("past"), "past", Past, step_id)
        outcome = self.one_of(values.get("outcome"), "outcome", Ending, step_id)
        return Step(
            step_id,
            kind,
            self.text(values.get("text"), "text", step_id),
            next=self.identifier(values["next"], "next", step_id) if "next" in values else None,
            link=link,
            link_label=label,
            items=self.items(values["items"], step_id) if "items" in values else (),
            options=self.options(values["options"], step_id) if "options" in values else (),
            check_after_days=(
                self.integer(check, "check_after_days", step_id, CHECK_AFTER_DAYS)
                if check is not None
                else None
            ),
            answer=self.identifier(values["answer"], "answer", step_id)
            if "answer" in values
            else None,
            past=Past(past) if past else Past.ALLOWED,
            branches=(
                self.branches(values["branches"], step_id, kind) if "branches" in values else ()
            ),
            ending=Ending(outcome) if outcome else None,
            line=_line(key),
            lines=_lines(entries),
        )

    def items(self, node: Node, step: str) -> tuple[ChecklistItem, ...]:
        found: list[ChecklistItem] = []
        nodes = self.sequence(node, "items", step)
        if isinstance(node, SequenceNode) and not nodes:
            fix = "add `- {id: …, label: …}`"
            self.error(node, "a checklist needs at least one item", fix, step)
        for item_node in nodes:
            entries = self.mapping(item_node, "a checklist item", step) or {}
            self.keys(entries, item_node, "a checklist item", ITEM_KEYS, ("id", "label"), step)
            values = _values(entries)
            item_id = self.identifier(values.get("id"), "id", step)
            if item_id and any(other.id == item_id for other in found):
                self.error(item_node, f"two items are called `{item_id}`", "rename one", step)
            label = self.text(values.get("label"), "label", step, TextRole.ITEM_LABEL)
            help_text = None
            if "help" in values:
                help_text = self.text(values["help"], "help", step, TextRole.ITEM_HELP)
            item = ChecklistItem(
                item_id, label, help_text, line=_line(item_node), lines=_lines(entries)
            )
            found.append(item)
        return tuple(found)

    def branches(self, node: Node, step: str, kind: StepKind) -> tuple[Branch, ...]:
        """Tried in order: every branch but the last says `until`, the last none; outside a
        date step, each names the date answer it measures (`from`)."""
        found: list[Branch] = []
        nodes = self.sequence(node, "branches", step)
        if isinstance(node, SequenceNode) and len(nodes) < 2:
            fix = "give two branches or more, or write `next:` instead"
            self.error(node, "`branches` needs at least two entries", fix, step)
        for index, branch_node in enumerate(nodes):
            entries = self.mapping(branch_node, "a branch", step) or {}
            self.keys(entries, branch_node, "a branch", BRANCH_KEYS, ("next",), step)
            values = _values(entries)
            last = index == len(nodes) - 1
            until = None
            if "until" in values:
                until = self.offset(values["until"], "until", OFFSET_KEYS)
                if last:
                    fix = "remove `until` from the last branch: it is where every other date leads"
                    self.error(branch_node, "the last branch has an `until`", fix, step)
            elif not last:
                fix = "add `until: {days: …}`, or move this branch last"
                self.error(branch_node, "only the last branch may go without `until`", fix, step)
            answer = None
            if "from" in values:
                answer = self.identifier(values["from"], "from", step)
            elif kind is not StepKind.DATE and until is not None:
                fix = "add `from: <date answer>`, the date this branch measures"
                self.error(branch_node, "a branch outside a date step needs `from`", fix, step)
            next_id = self.identifier(values.get("next"), "next", step)
            branch = Branch(next_id, until, answer, line=_line(branch_node), lines=_lines(entries))
            found.append(branch)
        return tuple(found)

    def options(self, node: Node, step: str) -> tuple[ChoiceOption, ...]:
        found: list[ChoiceOption] = []
        nodes = self.sequence(node, "options", step)
        if isinstance(node, SequenceNode) and len(nodes) not in OPTIONS_COUNT:
            count = f"{len(nodes)} option" + ("s" if len(nodes) > 1 else "")
            message = f"a choice has {count}; it needs 2 to 6"
            self.error(node, message, "add or merge options", step)
        for option_node in nodes:
            entries = self.mapping(option_node, "an option", step) or {}
            self.keys(entries, option_node, "an option", OPTION_KEYS, OPTION_KEYS, step)
            values = _values(entries)
            label = self.text(values.get("label"), "label", step, TextRole.OPTION_LABEL)
            if label and any(other.label == label for other in found):
                fix = "make each answer distinct"
                self.error(option_node, f"two options read `{label}`", fix, step)
            next_id = self.identifier(values.get("next"), "next", step)
            option = ChoiceOption(label, next_id, line=_line(option_node), lines=_lines(entries))
            found.append(option)
        return tuple(found)


_ONE_LINE = frozenset(
    {
        TextRole.TITLE,
        TextRole.SUMMARY,
        TextRole.LINK_LABEL,
        TextRole.ITEM_LABEL,
        TextRole.ITEM_HELP,
        TextRole.OPTION_LABEL,
    }
)


def _values(entries: Entries) -> dict[str, Node]:
    return {key: value for key, (_, value) in entries.items()}


def _lines(entries: Entries) -> dict[str, int]:
    """The line of each key (a block value starts on the line after its key)."""
    return {key: _line(key_node) for key, (key_node, _) in entries.items()}


def _kinds_by_key() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for kind, keys in STEP_EXTRA.items():
        for key in keys:
            found.setdefault(key, []).append(str(kind))
    return found


_KINDS_BY_KEY = _kinds_by_key()
