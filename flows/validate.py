"""Meaning checks over loaded flows: the graph, texts in every language, links, sources,
deadlines and translations. Each problem is reported with its line and a one-line fix,
so a writer who never saw the code can repair the file.

Translations come in as plain functions, `translate(lang, text)` and
`is_translated(lang, text)`, so these checks never touch a catalog themselves.
"""

from __future__ import annotations

import difflib
import re
import string
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from flows.model import Flow, FlowError, StepKind, TextField, TextRole

Translate = Callable[[str, str], str]
IsTranslated = Callable[[str, str], bool]

DOMAINS_FILE = Path(__file__).resolve().parent / "official_domains.txt"
ALLOWED_TAGS = frozenset({"b", "i"})
# The loader measures source titles and labels; long message texts are measured here.
_MEASURED_HERE = frozenset({TextRole.STEP_TEXT, TextRole.DEADLINE_TEXT})
_TAG = re.compile(r"<([^<>]*)(>?)")
_TAG_NAME = re.compile(r"^(/?)([A-Za-z][\w-]*)(.*)$", re.DOTALL)


def load_domains(path: Path = DOMAINS_FILE) -> frozenset[str]:
    """One domain per line; `#` starts a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(
        domain for line in lines if (domain := line.split("#", 1)[0].strip().lower().rstrip("."))
    )


@cache
def official_domains() -> frozenset[str]:
    return load_domains()


def is_official(host: str, domains: Collection[str]) -> bool:
    """`host` is a listed domain or one of its subdomains (never a look-alike suffix)."""
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def validate_flows(
    flows: Sequence[Flow],
    *,
    today: date,
    languages: Sequence[str] = (),
    translate: Translate | None = None,
    is_translated: IsTranslated | None = None,
    domains: Collection[str] | None = None,
) -> list[FlowError]:
    """Every flow's own problems, then ids used by more than one file."""
    errors: list[FlowError] = []
    first: dict[str, Flow] = {}
    for flow in flows:
        errors += validate_flow(
            flow,
            today=today,
            languages=languages,
            translate=translate,
            is_translated=is_translated,
            domains=domains,
        )
        other = first.setdefault(flow.id, flow)
        if other is not flow:
            message = f"the id `{flow.id}` is already used by {other.path}:{other.line_of('id')}"
            errors.append(
                FlowError(flow.path, flow.line_of("id"), None, message, "give each flow its own id")
            )
    return errors


def validate_flow(
    flow: Flow,
    *,
    today: date,
    languages: Sequence[str] = (),
    translate: Translate | None = None,
    is_translated: IsTranslated | None = None,
    domains: Collection[str] | None = None,
) -> list[FlowError]:
    checks = [
        _graph(flow),
        _texts(flow, languages, translate),
        _checklists(flow, languages, translate),
        _links(flow, official_domains() if domains is None else domains),
        _sources(flow, today),
        _deadlines(flow),
        _translations(flow, languages, is_translated),
    ]
    return sorted((error for check in checks for error in check), key=lambda error: error.line)


def _error(flow: Flow, line: int, step: str | None, message: str, fix: str) -> FlowError:
    return FlowError(flow.path, line, step, message, fix)


def _suggest(word: str, choices: Iterable[str], otherwise: str) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else otherwise


# The graph


def _reachable(starts: Iterable[str], edges: Mapping[str, Iterable[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _graph(flow: Flow) -> Iterator[FlowError]:
    ids = {step.id for step in flow.steps}
    if flow.start not in ids:
        message = f"`start` names `{flow.start}`, which is not a step"
        fix = _suggest(flow.start, ids, "name the first step's id")
        yield _error(flow, flow.line_of("start"), None, message, fix)
    edges: dict[str, list[str]] = {}
    silent: set[str] = set()  # already reported; "no end reachable" would only repeat it
    for step in flow.steps:
        edges[step.id] = [target for target in flow.targets(step) if target in ids]
        for option in step.options:
            if option.next not in ids:
                silent.add(step.id)
                message = f"the option `{option.label}` leads to `{option.next}`, not a step"
                fix = _suggest(option.next, ids, f"add a step `{option.next}` or fix the name")
                yield _error(flow, option.line_of("next"), step.id, message, fix)
        for branch in step.branches:
            measured = branch.from_answer
            if measured is not None and measured not in flow.date_answers():
                message = f"the branch measures `{measured}`, which no date step answers"
                fix = _suggest(measured, flow.date_answers(), f"answer `{measured}` in a date step")
                yield _error(flow, branch.line_of("from"), step.id, message, fix)
            if branch.next not in ids:
                silent.add(step.id)
                message = f"a branch leads to `{branch.next}`, not a step"
                fix = _suggest(branch.next, ids, f"add a step `{branch.next}` or fix the name")
                yield _error(flow, branch.line_of("next"), step.id, message, fix)
        if step.next is not None and step.next not in ids:
            silent.add(step.id)
            message = f"`next` names `{step.next}`, which is not a step"
            fix = _suggest(step.next, ids, f"add a step `{step.next}` or fix the name")
            yield _error(flow, step.line_of("next"), step.id, message, fix)
        if step.kind is not StepKind.END and step.id not in silent:
            if not flow.targets(step):
                silent.add(step.id)
                message = f"the {step.kind} step `{step.id}` is a dead end: it has no `next`"
                fix = "add `next: <step id>`, or make it `kind: end`"
                yield _error(flow, step.line, step.id, message, fix)
            elif set(edges[step.id]) == {step.id}:
                silent.add(step.id)
                message = f"step `{step.id}` only leads back to itself"
                yield _error(flow, step.line, step.id, message, "point `next` to another step")
    if flow.start in ids:
        reached = _reachable([flow.start], edges)
        for step in flow.steps:
            if step.id not in reached:
                message = f"step `{step.id}` cannot be reached from `start`"
                fix = "point a `next` to it, or remove it"
                yield _error(flow, step.line, step.id, message, fix)
    ends = [step.id for step in flow.steps if step.kind is StepKind.END]
    if not ends:
        fix = "add a step with `kind: end` that says what was achieved"
        yield _error(flow, flow.line_of("steps"), None, "the flow has no end step", fix)
        return
    backwards: dict[str, list[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            backwards.setdefault(target, []).append(source)
    finishing = _reachable(ends, backwards)
    for step in flow.steps:
        if step.id not in finishing and step.id not in silent:
            message = f"no end step can be reached from `{step.id}`"
            fix = "every way on from here loops or stops: lead one of them to an end step"
            yield _error(flow, step.line, step.id, message, fix)


# Texts


def _variants(
    entry: TextField, languages: Sequence[str], translate: Translate | None
) -> Iterator[tuple[str | None, str]]:
    """The source text, then each translation that differs from it."""
    yield None, entry.text
    if translate is None:
        return
    for lang in languages:
        translated = translate(lang, entry.text)
        if translated != entry.text:
            yield lang, translated


def _texts(
    flow: Flow, languages: Sequence[str], translate: Translate | None
) -> Iterator[FlowError]:
    for entry in flow.text_fields():
        for lang, text in _variants(entry, languages, translate):
            where = f" in {lang}" if lang else ""
            repair = f" (in locales/{lang}/LC_MESSAGES/messages.po)" if lang else ""
            problems = list(_markup(text, entry.role)) + list(
                _placeholders(text, entry, _allowed(flow, entry.role), translated=lang is not None)
            )
            measured = lang is not None or entry.role in _MEASURED_HERE
            limit = _limit(flow, entry.role, lang, translate)
            if measured and len(text) > limit:
                size = f"{len(text)} characters long; at most {limit}"
                shorten = "shorten it, or split the step in two" if not lang else "shorten it"
                problems.insert(0, (f"the {entry.role} is {size}", shorten))
            for message, fix in problems:
                yield _error(flow, entry.line, entry.step_id, f"{message}{where}", f"{fix}{repair}")


READABLE = 500  # what a person reads in one message, in characters (core.screens)
# A step's message opens with the flow's title and where the person is, in every
# language at most this much besides the title: " — крок 12, попереду щонайбільше 10 кроків".
HEADER_ROOM = 46


def _limit(flow: Flow, role: TextRole, lang: str | None, translate: Translate | None) -> int:
    """A step's text shares its message with the header: the longer the flow's title in
    that language, the shorter the text."""
    if role is not TextRole.STEP_TEXT:
        return role.limit
    return min(role.limit, READABLE - HEADER_ROOM - len(_said(flow.title, lang, translate)))


def _said(text: str, lang: str | None, translate: Translate | None) -> str:
    return translate(lang, text) if lang and translate else text


def _checklists(
    flow: Flow, languages: Sequence[str], translate: Translate | None
) -> Iterator[FlowError]:
    """A checklist is read as one screen: its text with every item's label (on the
    buttons), or with one item's help opened. Each must stay short in every language."""
    for step in flow.steps:
        if not step.items:
            continue
        for lang in (None, *languages):
            text = len(_said(step.text, lang, translate))
            items = [
                (
                    len(_said(i.label, lang, translate)),
                    len(_said(i.help, lang, translate)) if i.help else 0,
                )
                for i in step.items
            ]
            all_labels = sum(label for label, _ in items)
            one_opened = max(label + help_ for label, help_ in items)
            size = text + max(all_labels, one_opened)
            limit = _limit(flow, TextRole.STEP_TEXT, lang, translate)
            if size > limit:
                where = f" in {lang}" if lang else ""
                repair = f" (in locales/{lang}/LC_MESSAGES/messages.po)" if lang else ""
                message = (
                    f"the checklist's text and items are {size} characters long{where}; "
                    f"at most {limit}"
                )
                fix = "shorten the text, the labels or the longest help, or split the list"
                yield _error(flow, step.line, step.id, message, fix + repair)
                break


def _markup(text: str, role: TextRole) -> Iterator[tuple[str, str]]:
    """Telegram HTML as the bot sends it: `<b>` and `<i>`, balanced, in message texts only."""
    opened: list[str] = []
    for match in _TAG.finditer(text):
        inside, closed = match.groups()
        tag = _TAG_NAME.match(inside) if closed else None
        if tag is None:
            if role.html:
                yield "a `<` starts no tag", "write &lt; for a lone <"
            continue
        slash, name, rest = tag.groups()
        written = match.group(0)
        if not role.html:
            yield f"`{written}`: no markup in this {role}", "remove tags: it is shown as plain text"
            return
        if name not in ALLOWED_TAGS:
            yield f"the tag `{written}` is not allowed", "use only <b>…</b> and <i>…</i>"
        elif rest.strip():
            yield f"the tag `{written}` has attributes", f"write <{slash}{name}> alone"
        elif not slash:
            opened.append(name)
        elif opened and opened[-1] == name:
            opened.pop()
        elif name in opened:
            yield f"`{written}` closes before `</{opened[-1]}>`", "close tags in reverse order"
            opened.remove(name)
        else:
            yield f"`{written}` closes a tag that was never opened", f"add <{name}> or remove it"
    for name in opened:
        yield f"`<{name}>` is never closed", f"add </{name}>"


def _allowed(flow: Flow, role: TextRole) -> frozenset[str]:
    """A step text may name the flow's dates; a reminder text only its own `{date}`."""
    return role.placeholders | (flow.date_names() if role is TextRole.STEP_TEXT else frozenset())


def _names(text: str) -> list[str] | None:
    """The `{…}` names in `text`; None when the braces do not pair up."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return None


def _placeholders(
    text: str, entry: TextField, allowed: frozenset[str], *, translated: bool
) -> Iterator[tuple[str, str]]:
    if not allowed:
        if "{" in text or "}" in text:
            where = "deadline texts and the texts of flows with dates"
            yield f"`{{…}}` placeholders only exist in {where}", "remove the braces"
        return
    names = _names(text)
    listed = ", ".join(f"{{{name}}}" for name in sorted(allowed))
    if names is None:
        yield "a `{` or `}` is unbalanced", f"write the placeholder exactly: {listed}"
        return
    for name in names:
        if name not in allowed:
            yield f"the placeholder `{{{name}}}` is unknown", f"only these are filled in: {listed}"
    if translated:
        for name in sorted(set(_names(entry.text) or ()) - set(names)):
            yield f"the translation drops `{{{name}}}`", f"keep {{{name}}} untranslated in the text"


# Links, sources, deadlines


def _link_problem(url: str, domains: Collection[str]) -> tuple[str, str] | None:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return f"`{url}` is not a web address", "write the full https:// address"
    if parts.scheme != "https":
        return f"`{url}` is not https", "use the https:// address of the page"
    if not host or parts.username or parts.password:
        return f"`{url}` is not a plain web address", "write https://site/page"
    if not is_official(host, domains):
        fix = "link an official site, or add the domain to flows/official_domains.txt if it is one"
        return f"`{host}` is not an official domain", fix
    return None


def _links(flow: Flow, domains: Collection[str]) -> Iterator[FlowError]:
    for step in flow.steps:
        if step.link is not None and (problem := _link_problem(step.link, domains)):
            yield _error(flow, step.line_of("link"), step.id, *problem)
    for source in flow.sources:
        if problem := _link_problem(source.url, domains):
            yield _error(flow, source.line_of("url"), None, *problem)


def _sources(flow: Flow, today: date) -> Iterator[FlowError]:
    if not flow.sources:
        message = "the flow has no source"
        fix = "add the official page the steps come from, with the day you checked it"
        yield _error(flow, flow.line_of("sources"), None, message, fix)
    for source in flow.sources:
        if source.checked > today:
            message = f"the source was checked on {source.checked}, after today ({today})"
            fix = "write the day you actually checked it"
            yield _error(flow, source.line_of("checked"), None, message, fix)


def _deadlines(flow: Flow) -> Iterator[FlowError]:
    answers = flow.date_answers()
    for deadline in flow.deadlines:
        if deadline.from_answer not in answers:
            message = f"`from` names `{deadline.from_answer}`, which no date step answers"
            otherwise = f"add a date step with `answer: {deadline.from_answer}`"
            fix = _suggest(deadline.from_answer, answers, otherwise)
            yield _error(flow, deadline.line_of("from"), None, message, fix)


def _translations(
    flow: Flow, languages: Sequence[str], is_translated: IsTranslated | None
) -> Iterator[FlowError]:
    """One error per language, pointing to the first untranslated text."""
    if is_translated is None:
        return
    entries: dict[str, TextField] = {}
    for entry in flow.text_fields():
        entries.setdefault(entry.text, entry)
    for lang in languages:
        missing = [entry for entry in entries.values() if not is_translated(lang, entry.text)]
        if not missing:
            continue
        first = missing[0]
        shown = first.text if len(first.text) <= 40 else first.text[:39] + "…"
        count = "1 text is" if len(missing) == 1 else f"{len(missing)} texts are"
        message = f"{count} not translated in {lang}, first the {first.context}: «{shown}»"
        fix = f"run `make i18n-update`, then translate in locales/{lang}/LC_MESSAGES/messages.po"
        yield _error(flow, first.line, first.step_id, message, fix)
