"""Distress in what a person types, in every language the bot speaks.

A person who writes "je dors dehors ce soir" or "زوجي يضربني" to a bot about the CAF must
see the emergency numbers before anything else: the procedures can wait, they cannot. The
signals are phrases mediators write in `flows/distress/rules.yaml`, not code, so the
people who hear these words every day can add the ones the bot missed; this module reads
that file (`parse_rules`) and looks for its phrases in a message (`DistressRules.match`).

Matching is deliberately forgiving, since people in distress type fast on a phone: case,
accents, Arabic vowel marks and letter variants, apostrophes and repeated letters
("mouriiir") are set aside, and a long word may carry a typo. It is deliberately narrow
too: a phrase is always several words ("veux mourir", never "mourir"), so ordinary talk
about money, housing or children ("je n'ai pas encore reçu l'argent de la CAF") stays
ordinary, and `unless:` guards cancel a phrase that a negation turns around ("je ne veux
pas mourir"). Every rule of every language is tried on every message: people mix
languages, and a Ukrainian may well write in French.

Also here, because it is checked on the same messages: `looks_like_secret`, a password or
a one-time code typed into the chat, which the bot must never ask for nor keep.

Pure: no I/O and no clock; the caller reads the file and passes its text.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import yaml
from rapidfuzz.distance import Levenshtein
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class Concern(StrEnum):
    """What a message is about. The values are stored in the database: keep them."""

    SUICIDE = "suicide"  # suicidal thoughts, wanting to die, self-harm
    VIOLENCE = "violence"  # violence at home, being hit or threatened now
    THROWN_OUT = "thrown_out"  # thrown out or evicted today
    STREET = "street"  # sleeping outside tonight, nowhere to sleep
    HUNGER = "hunger"  # no food, has not eaten
    NO_MONEY = "no_money"  # no money at all: nothing left, cannot buy food
    CHILD = "child"  # a child in danger


class Number(StrEnum):
    """The free emergency numbers of France the bot gives (`shared/domain/procedures.md`,
    "Emergency numbers")."""

    SUICIDE_3114 = "3114"
    SAMU_15 = "15"
    EUROPE_112 = "112"
    POLICE_17 = "17"
    SMS_114 = "114"
    VIOLENCE_3919 = "3919"
    CHILD_119 = "119"
    SHELTER_115 = "115"


LANGUAGES = ("fr", "en", "ar", "uk")

# The protocol of `procedures.md` ("Distress protocol for the bot"), concern by concern:
# wanting to die → 3114, and 15 or 112 when the danger is immediate; violence now → 17 or
# 112, 114 by SMS when one cannot talk, then 3919; a child at risk → 119 (and the police
# when the danger is now); nowhere to sleep tonight → 115. The file says nothing firm about
# hunger or having no money at all, besides a social worker: the 115 (the SAMU social),
# which answers tonight, is the only number given for them.
_PROTOCOL: Mapping[Concern, tuple[Number, ...]] = {
    Concern.SUICIDE: (Number.SUICIDE_3114, Number.SAMU_15, Number.EUROPE_112),
    Concern.VIOLENCE: (
        Number.POLICE_17,
        Number.EUROPE_112,
        Number.SMS_114,
        Number.VIOLENCE_3919,
    ),
    Concern.CHILD: (Number.CHILD_119, Number.POLICE_17, Number.EUROPE_112),
    Concern.THROWN_OUT: (Number.SHELTER_115,),
    Concern.STREET: (Number.SHELTER_115,),
    Concern.HUNGER: (Number.SHELTER_115,),
    Concern.NO_MONEY: (Number.SHELTER_115,),
}
# Life first: when a message holds several concerns, their numbers come in this order.
_PRIORITY = (
    Concern.SUICIDE,
    Concern.VIOLENCE,
    Concern.CHILD,
    Concern.THROWN_OUT,
    Concern.STREET,
    Concern.HUNGER,
    Concern.NO_MONEY,
)


def numbers_for(concerns: Iterable[Concern]) -> tuple[Number, ...]:
    """The numbers to show, most urgent first, each once: the concerns are taken in the
    order of `_PRIORITY` (a life in danger before a night outside), whatever order they
    were found in, so the same message always shows the same list."""
    wanted = set(concerns)
    numbers: dict[Number, None] = {}
    for concern in _PRIORITY:
        if concern in wanted:
            numbers.update(dict.fromkeys(_PROTOCOL[concern]))
    return tuple(numbers)


# Normalising: what is set aside before comparing words

_CYRILLIC_APOSTROPHE = re.compile(r"(?<=[\u0400-\u04ff])['’ʼ‘`´](?=[\u0400-\u04ff])")
_SHORT_I = "\ue000"  # й, kept through NFKD (which would make it и)
_BEFORE_DECOMPOSING = str.maketrans(
    {
        "й": _SHORT_I,
        "ґ": "г",
        "ё": "е",
        "€": " euro ",
        "œ": "oe",
        "æ": "ae",
        "ة": "ه",  # taa marbuta, often typed as haa
        "ى": "ي",  # alef maqsura, often typed as yaa
        "ـ": None,  # tatweel: a stretch, not a letter
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern (Persian) digits
    }
)
# A full stop ends a sentence, an ellipsis does not: "je... veux mourir" is one thought.
_SENTENCE_END = re.compile(r"(?<!\.)\.(?!\.)|[!?;\n\r•·؟؛]+")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
_WORD = re.compile(r"[^\W_]+")
_REPEATED = re.compile(r"([^\W\d_])\1{2,}")
_ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff]")
# Every combining mark (accents, Arabic vowel marks, hamza above or below): dropped in one
# `translate` rather than tested character by character.
_NO_MARKS = {c: None for c in range(0x10000) if unicodedata.combining(chr(c))}


def _fold(text: str) -> str:
    """Case, accents and vowel marks set aside. NFKD splits a letter from its marks, so
    "é", "أ" (alef with hamza) and "ي" with a fatha lose them; the few letters people write
    either way are unified first (ة/ه, ى/ي, ґ/г), and Ukrainian keeps й apart from и and і
    apart from и: they are different letters, left to the spelling tolerance. An apostrophe
    inside a Ukrainian word (б'є, бʼє, бє) is dropped, elsewhere it separates words
    (j'ai → j ai). A letter typed three times or more counts once ("mouriiir")."""
    text = unicodedata.normalize("NFC", text.casefold())
    text = _CYRILLIC_APOSTROPHE.sub("", text).translate(_BEFORE_DECOMPOSING)
    kept = unicodedata.normalize("NFKD", text).translate(_NO_MARKS)
    return _REPEATED.sub(r"\1", kept.replace(_SHORT_I, "й"))


def _words(text: str) -> list[str]:
    """The words of a folded fragment, letters and digits apart ("2jours" → 2 jours)."""
    return _WORD.findall(_DIGIT_LETTER.sub(" ", text))


def sentences(text: str) -> list[list[str]]:
    """The message's sentences as lists of normalised words: a phrase never runs from one
    sentence into the next, and a guard only cancels a phrase of its own sentence."""
    found = (_words(part) for part in _SENTENCE_END.split(_fold(text)))
    return [words for words in found if words]


# Patterns

GAP = 3  # `*` or `...`: up to this many other words
GUARD_REACH = 3  # a guard counts when it is within this many words of the phrase
FUZZY_FROM = 5  # letters from which a word may carry one typo
FUZZY_TWICE_FROM = 8  # ... and two
SHORTEST_STEM = 3  # `frapp*`: letters a stem needs


@dataclass(frozen=True)
class _Word:
    """One word of a pattern: `exact` (digits, `=word`, or too short for a typo),
    `fuzzy` (a typo allowed by length), or a `prefix` (`frapp*`)."""

    text: str
    kind: Literal["exact", "fuzzy", "prefix"]

    @property
    def typos(self) -> int:
        if self.kind == "exact" or len(self.text) < FUZZY_FROM:
            return 0
        return 2 if self.kind == "fuzzy" and len(self.text) >= FUZZY_TWICE_FROM else 1


@dataclass(frozen=True)
class _Slot:
    """One place of a pattern: its alternatives, each a run of words; an empty one makes
    the place optional."""

    alternatives: tuple[tuple[_Word, ...], ...]


@dataclass(frozen=True)
class _Gap:
    most: int


_START = "^"
_END = "$"
_Element = _Slot | _Gap | str
_PIECE = re.compile(r"\(([^()]*)\)|[^\s()]+|[()]")
_GAP_MARK = re.compile(r"(?:\*|\.\.\.)([1-9])?")


@functools.cache  # the same words come back in many patterns
def _pattern_words(piece: str) -> tuple[_Word, ...] | str:
    """The words one written piece stands for ("j'ai" is two), or what is wrong with it."""
    exact = piece.startswith("=")
    prefix = piece.endswith("*")
    core = piece.removeprefix("=").removesuffix("*")
    if "*" in core or "=" in core:
        return f"`{piece}`: `*` goes only at the end of a word, `=` only before it"
    words = _words(_fold(core))
    if not words:
        return f"`{piece}` holds no letter nor digit"
    kinds: list[Literal["exact", "fuzzy", "prefix"]] = [
        "exact" if exact or any(c.isdigit() for c in w) else "fuzzy" for w in words
    ]
    if prefix:
        if len(words[-1]) < SHORTEST_STEM or any(c.isdigit() for c in words[-1]):
            return f"`{piece}`: a stem before `*` needs {SHORTEST_STEM} letters or more"
        kinds[-1] = "prefix"
    return tuple(_Word(word, kind) for word, kind in zip(words, kinds, strict=True))


def compile_pattern(pattern: str) -> tuple[_Element, ...] | str:
    """A pattern's elements, or what is wrong with it (said so a mediator can fix it)."""
    elements: list[_Element] = []
    pieces = list(_PIECE.finditer(pattern.strip()))
    for number, match in enumerate(pieces):
        piece = match.group(0)
        if piece in ("(", ")"):
            return f"a `{piece}` is not closed or opened: write alternatives as `(a|b)`"
        if match.group(1) is not None:
            alternatives = []
            for alternative in match.group(1).split("|"):
                run: list[_Word] = []
                for part in alternative.split():
                    words = _pattern_words(part)
                    if isinstance(words, str):
                        return words
                    run += words
                alternatives.append(tuple(run))
            if not any(alternatives):
                return f"`{piece}` offers no word"
            # Two spellings that fold alike (أريد, اريد) are one alternative.
            elements.append(_Slot(tuple(dict.fromkeys(alternatives))))
        elif gap := _GAP_MARK.fullmatch(piece):
            if elements and isinstance(elements[-1], _Gap):
                return "two gaps in a row: write one, `*5` for up to 5 words"
            elements.append(_Gap(int(gap.group(1) or GAP)))
        elif piece in (_START, _END):
            if (piece == _START) != (number == 0) or (piece == _END) != (number == len(pieces) - 1):
                return "`^` goes only at the start of a pattern, `$` only at its end"
            elements.append(piece)
        elif "|" in piece:
            return f"`{piece}`: alternatives go in parentheses, `(a|b)`"
        else:
            words = _pattern_words(piece)
            if isinstance(words, str):
                return words
            elements.extend(_Slot(((word,),)) for word in words)
    words_only = [element for element in elements if element not in (_START, _END)]
    if not words_only:
        return "the pattern is empty"
    if isinstance(words_only[0], _Gap) or isinstance(words_only[-1], _Gap):
        return "a gap (`*`, `...`) goes between two words"
    return tuple(elements)


def fewest_words(elements: Sequence[_Element]) -> int:
    """The fewest words a text needs to match: a phrase needs two, whatever path it takes
    through its optional places."""
    return sum(
        min(len(alternative) for alternative in element.alternatives)
        for element in elements
        if isinstance(element, _Slot)
    )


# Rules


@dataclass(frozen=True)
class Hit:
    rule_id: str
    concern: Concern


@dataclass(frozen=True)
class RuleError:
    """A problem of the rules file at a line; the caller prints `{path}:{line}: {message}`."""

    line: int
    message: str


@dataclass(frozen=True)
class Rule:
    """One signal: phrases (any of them is enough) that `unless` guards may cancel.
    `id` is stable (hits are counted by it); `language` says which speakers it was
    written for, yet every rule is tried on every message."""

    id: str
    concern: Concern
    language: str
    phrases: tuple[str, ...]
    unless: tuple[str, ...] = ()
    line: int = 0


_Step = tuple[tuple[int, ...], ...] | _Gap | str  # a slot's alternatives as term numbers


@dataclass(frozen=True)
class _Phrase:
    rule: int  # its rule's index
    steps: tuple[_Step, ...]
    firsts: frozenset[int]  # the terms it can start with


class _Index:
    """The rules compiled once for speed: each pattern word gets a number, each word of a
    message is turned once into the numbers it matches (cached: the words people write
    repeat), and a phrase is only tried when the sentence holds a word of its most
    telling place (`_anchor`: "frappe" rather than "il"), from where it can start."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._ids: dict[_Word, int] = {}
        self._words: list[_Word] = []  # by term number
        self.phrases: list[_Phrase] = []
        self.guards: list[list[tuple[_Step, ...]]] = []
        self.anchored: dict[int, list[int]] = {}
        for number, rule in enumerate(rules):
            for pattern in rule.phrases:
                steps = self._compile(pattern)
                for term in self._anchor(steps):
                    self.anchored.setdefault(term, []).append(len(self.phrases))
                self.phrases.append(_Phrase(number, steps, self._first_terms(steps)))
            self.guards.append([self._compile(pattern) for pattern in rule.unless])
        self._exact: dict[str, list[int]] = {}
        self._stems: dict[str, list[int]] = {}
        self._fuzzy: dict[str, list[tuple[str, int, int]]] = {}
        self._fuzzy_stems: dict[str, list[tuple[str, int]]] = {}
        for word, term in self._ids.items():
            if word.kind == "prefix":
                self._stems.setdefault(word.text, []).append(term)
                if word.typos:
                    self._fuzzy_stems.setdefault(word.text[0], []).append((word.text, term))
            else:
                self._exact.setdefault(word.text, []).append(term)
                if word.typos:
                    entry = (word.text, word.typos, term)
                    self._fuzzy.setdefault(word.text[0], []).append(entry)
        self._stem_lengths = sorted({len(stem) for stem in self._stems})
        # The pattern words a word may be a typo of, by its first letter and length.
        self._near: dict[tuple[str, int], tuple[tuple[str, int, int], ...]] = {
            (first, length): near
            for first, entries in self._fuzzy.items()
            for length in range(FUZZY_FROM - 1, max(len(e[0]) for e in entries) + 3)
            if (near := tuple(e for e in entries if abs(len(e[0]) - length) <= e[1]))
        }
        self._cache: dict[str, frozenset[int]] = {}

    def _compile(self, pattern: str) -> tuple[_Step, ...]:
        elements = compile_pattern(pattern)
        if isinstance(elements, str):
            raise ValueError(f"{pattern!r}: {elements}")
        return tuple(
            tuple(
                tuple(self._term(word) for word in alternative)
                for alternative in element.alternatives
            )
            if isinstance(element, _Slot)
            else element
            for element in elements
        )

    def _term(self, word: _Word) -> int:
        if word not in self._ids:
            self._ids[word] = len(self._words)
            self._words.append(word)
        return self._ids[word]

    @staticmethod
    def _first_terms(steps: Sequence[_Step]) -> frozenset[int]:
        firsts: set[int] = set()
        for step in steps:
            if isinstance(step, tuple):
                firsts |= {alternative[0] for alternative in step if alternative}
                if all(step):
                    break
        return frozenset(firsts)

    def _anchor(self, steps: Sequence[_Step]) -> set[int]:
        """Terms one of which a sentence must hold for the phrase to match: a place that
        cannot be skipped, one word of each of its choices (the longest: long words are
        rare), the place whose shortest such word is longest."""
        words = self._words
        best: set[int] = set()
        best_length = -1
        for step in steps:
            if not isinstance(step, tuple) or not all(step):
                continue
            chosen = {max(choice, key=lambda term: len(words[term].text)) for choice in step}
            length = min(len(words[term].text) for term in chosen)
            if length > best_length:
                best, best_length = chosen, length
        return best

    def terms(self, token: str) -> frozenset[int]:
        """The pattern words this word of a message matches."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        found = self._terms(token)
        # A leading wa/fa ("and", "so") is glued to the Arabic word it opens: وزوجي is
        # "and my husband".
        if len(token) >= 4 and token[0] in "وف" and _ARABIC_LETTERS.match(token):
            found |= self._terms(token[1:])
        if len(self._cache) > 50_000:  # a bound, not an eviction policy
            self._cache.clear()
        self._cache[token] = frozen = frozenset(found)
        return frozen

    def _terms(self, token: str) -> set[int]:
        found = set(self._exact.get(token, ()))
        for length in self._stem_lengths:
            if length > len(token):
                break
            found.update(self._stems.get(token[:length], ()))
        if len(token) < FUZZY_FROM - 1 or any(c.isdigit() for c in token):
            return found
        # A typo rarely hits the first letter, and asking for it keeps "nourrir" from
        # reading as "mourir".
        for word, typos, term in self._near.get((token[0], len(token)), ()):
            if term not in found and Levenshtein.distance(token, word, score_cutoff=typos) <= typos:
                found.add(term)
        for stem, term in self._fuzzy_stems.get(token[0], ()):
            if term not in found and any(
                Levenshtein.distance(token[:size], stem, score_cutoff=1) <= 1
                for size in (len(stem) - 1, len(stem), len(stem) + 1)
                if size <= len(token)
            ):
                found.add(term)
        return found


def _ends(
    steps: Sequence[_Step], at: int, position: int, terms: Sequence[frozenset[int]]
) -> Iterator[int]:
    """Every end of a match of `steps[at:]` that starts at `position`."""
    if at == len(steps):
        yield position
        return
    step = steps[at]
    if isinstance(step, tuple):
        for alternative in step:
            end = position
            for term in alternative:
                if end >= len(terms) or term not in terms[end]:
                    break
                end += 1
            else:
                yield from _ends(steps, at + 1, end, terms)
    elif isinstance(step, _Gap):
        for skipped in range(min(step.most, len(terms) - position) + 1):
            yield from _ends(steps, at + 1, position + skipped, terms)
    elif step == _START:
        if position == 0:
            yield from _ends(steps, at + 1, position, terms)
    elif position == len(terms):  # _END
        yield position


def _spans(
    steps: Sequence[_Step], start: int, terms: Sequence[frozenset[int]]
) -> Iterator[tuple[int, int]]:
    for end in _ends(steps, 0, start, terms):
        yield start, end


@dataclass(frozen=True)
class DistressRules:
    """The rules of the file, compiled once; `match` is what the bot calls on each
    message (well under a millisecond for a long one)."""

    rules: tuple[Rule, ...]
    _index: _Index = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index(self.rules))

    @property
    def concerns(self) -> frozenset[Concern]:
        return frozenset(rule.concern for rule in self.rules)

    def match(self, text: str) -> tuple[Hit, ...]:
        """The rules the text hits, each once, in the file's order; () when none."""
        hit: set[int] = set()
        for words in sentences(text):
            hit |= self._hits(words)
        return tuple(
            Hit(rule.id, rule.concern) for number, rule in enumerate(self.rules) if number in hit
        )

    def _hits(self, words: Sequence[str]) -> set[int]:
        index = self._index
        terms = [index.terms(word) for word in words]
        present: frozenset[int] = frozenset().union(*terms)
        candidates = {phrase for term in present for phrase in index.anchored.get(term, ())}
        spans: dict[int, list[tuple[int, int]]] = {}
        for number in sorted(candidates):
            phrase = index.phrases[number]
            for start, matched in enumerate(terms):
                if not phrase.firsts.isdisjoint(matched):
                    spans.setdefault(phrase.rule, []).extend(_spans(phrase.steps, start, terms))
        hit = set()
        for rule, found in spans.items():
            if not found:
                continue
            guards = [
                span
                for guard in index.guards[rule]
                for start in range(len(terms))
                for span in _spans(guard, start, terms)
            ]
            if any(not _cancelled(span, guards) for span in found):
                hit.add(rule)
        return hit


def _cancelled(span: tuple[int, int], guards: Sequence[tuple[int, int]]) -> bool:
    """A guard cancels a phrase it overlaps or nearly touches ("je ne veux pas mourir"),
    not one said further on in the sentence ("je ne veux pas y aller, je veux mourir")."""
    start, end = span
    return any(
        g_start < end + GUARD_REACH and g_end > start - GUARD_REACH for g_start, g_end in guards
    )


# Reading the file

RULE_KEYS = ("id", "concern", "language", "phrases", "unless")
_REQUIRED = ("id", "concern", "language", "phrases")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")


def parse_rules(text: str) -> DistressRules | list[RuleError]:
    """The rules of `rules.yaml`, or every problem of the file at once, in line order, so
    a mediator repairs it in one pass."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = error.problem or error.context or "unreadable"
        hint = "check the indentation, and quote phrases that hold ': ', ' #' or start with *"
        return [RuleError(line, f"not valid YAML: {problem} ({hint})")]
    except yaml.YAMLError as error:
        return [RuleError(1, f"not valid YAML: {error}")]
    reader = _Reader()
    rules = reader.file(root)
    if reader.errors:
        return sorted(reader.errors, key=lambda error: error.line)
    return DistressRules(tuple(rules))


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _suggest(word: str, choices: Iterable[str]) -> str:
    ordered = sorted(choices)
    close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else "expected one of: " + ", ".join(ordered)


class _Reader:
    """Collects every error of the file with its line; a rule with an error is left out,
    and the others are still read so that all problems are found."""

    def __init__(self) -> None:
        self.errors: list[RuleError] = []
        self.ids: dict[str, int] = {}

    def error(self, node: Node, message: str) -> None:
        self.errors.append(RuleError(_line(node), message))

    def file(self, root: Node | None) -> list[Rule]:
        if root is None:
            self.errors.append(RuleError(1, "the file is empty: write `rules:` first"))
            return []
        fields = self.fields(root, "the file", ("rules",), ("rules",))
        node = fields.get("rules")
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, "`rules` should be a list, each rule starting with '- '")
            return []
        if not node.value:
            self.error(node, "`rules` is empty")
        rules = [self.rule(entry) for entry in node.value]
        return [rule for rule in rules if rule is not None]

    def fields(
        self, node: Node, what: str, allowed: Sequence[str], required: Sequence[str]
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} should be a mapping of `key: value`")
            return {}
        found: dict[str, Node] = {}
        for key, value in node.value:
            name = str(key.value) if isinstance(key, ScalarNode) else "?"
            if name not in allowed:
                self.error(key, f"unknown key `{name}` in {what}: {_suggest(name, allowed)}")
            elif name in found:
                self.error(key, f"`{name}` appears twice in {what}")
            else:
                found[name] = value
        for name in required:
            if name not in found:
                self.error(node, f"{what} has no `{name}`")
        return found

    def text(self, node: Node | None, what: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode):
            self.error(node, f"`{what}` should be a text")
            return None
        value = str(node.value).strip()
        if not value:
            self.error(node, f"`{what}` is empty")
            return None
        return value

    def rule(self, node: Node) -> Rule | None:
        errors = len(self.errors)
        fields = self.fields(node, "a rule", RULE_KEYS, _REQUIRED)
        rule_id = self.text(fields.get("id"), "id")
        if rule_id is not None:
            id_node = fields["id"]
            if not _ID.fullmatch(rule_id):
                rule = "lowercase letters, digits, '-' and '_', at most 80"
                self.error(id_node, f"id `{rule_id}` is not valid: use {rule}")
            elif rule_id in self.ids:
                self.error(
                    id_node, f"id `{rule_id}` is used twice (first at line {self.ids[rule_id]})"
                )
            else:
                self.ids[rule_id] = _line(id_node)
        concern = self.choice(fields.get("concern"), "concern", [c.value for c in Concern])
        language = self.choice(fields.get("language"), "language", LANGUAGES)
        phrases = self.patterns(fields.get("phrases"), "phrases", required=True)
        unless = self.patterns(fields.get("unless"), "unless", required=False)
        if len(self.errors) > errors or rule_id is None or concern is None or language is None:
            return None
        return Rule(rule_id, Concern(concern), language, phrases, unless, _line(node))

    def choice(self, node: Node | None, what: str, choices: Sequence[str]) -> str | None:
        value = self.text(node, what)
        if node is None or value is None:
            return None
        if value not in choices:
            self.error(node, f"{what} `{value}` is unknown: {_suggest(value, choices)}")
            return None
        return value

    def patterns(self, node: Node | None, what: str, required: bool) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node, SequenceNode):
            self.error(node, f"`{what}` should be a list, each pattern starting with '- '")
            return ()
        if required and not node.value:
            self.error(node, f"`{what}` is empty: a rule needs at least one phrase")
        found: dict[str, int] = {}
        for entry in node.value:
            if isinstance(entry, ScalarNode) and not str(entry.value).strip():
                self.error(entry, f"{what}: an empty pattern")
                continue
            pattern = self.text(entry, what)
            if pattern is None:
                continue
            elements = compile_pattern(pattern)
            if isinstance(elements, str):
                self.error(entry, f"{what}: `{pattern}`: {elements}")
            elif required and fewest_words(elements) < 2:
                self.error(
                    entry,
                    f"{what}: `{pattern}` can match a single word; a phrase needs two or more "
                    "(a single word says too little: « mourir », « rue », « enfant »)",
                )
            elif pattern in found:
                self.error(entry, f"{what}: `{pattern}` is written twice (line {found[pattern]})")
            else:
                found[pattern] = _line(entry)
        return tuple(found)


# Secrets typed into the chat

_PASSWORD_WORDS = (
    ("mot", "de", "passe"),
    ("mdp",),
    ("motdepasse",),
    ("password",),
    ("passcode",),
    ("passwd",),
    ("pwd",),
    ("pass", "word"),
    ("كلمه", "السر"),
    ("كلمه", "المرور"),
    ("كلمه", "سر"),
    ("الرقم", "السري"),
    ("الباسورد",),
    ("باسورد",),
    ("пароль",),
    ("паролем",),
    ("пароля",),
)
# A code is secret when a word near it says so ("code de confirmation", "code reçu par
# SMS"); a postcode, an allocataire or a file number is not.
_CODE_WORDS = frozenset(
    {"code", "codes", "pin", "otp", "رمز", "الرمز", "كود", "الكود", "код", "коду"}
)
_SECRET_CODE_WORDS = frozenset(
    {
        "secret", "confirmation", "verification", "validation", "securite", "sms", "pin",
        "unique", "acces", "activation", "temporaire", "provisoire", "otp", "2fa",
        "connexion", "security", "verify", "time", "login", "access", "text",
        "التحقق", "التاكيد", "السري", "سري", "الدخول", "التفعيل", "الامان", "رساله",
        "підтвердження", "смс", "пін", "секретний", "одноразовий", "доступу",
        "активації", "перевірки", "входу",
    }
)  # fmt: skip
_PUBLIC_CODE_WORDS = frozenset(
    {
        "postal", "allocataire", "client", "dossier", "ape", "naf", "insee", "promo",
        "postcode", "zip", "البريدي", "поштовий", "індекс",
    }
)  # fmt: skip
# Words that follow "mot de passe :" in a complaint rather than a password.
_NOT_A_VALUE = frozenset(
    {
        "je", "j", "il", "ca", "pas", "ne", "oublie", "oubliee", "perdu", "bloque", "faux",
        "incorrect", "invalide", "expire", "change", "trop", "i", "it", "not", "wrong",
        "forgot", "forgotten", "lost", "expired", "invalid", "blocked", "locked", "doesn",
        "don", "reset", "نسيت", "نسيتها", "خطا", "خاطيه", "لا", "ضايعه", "я", "не",
        "забула", "забув", "неправильний", "заблоковано",
    }
)  # fmt: skip
_DATE_TIME_PHONE_AMOUNT = re.compile(
    r"\d{1,4}([/.-])\d{1,2}(\1\d{1,4})?"  # 12/03/2026, 2026-03-12, 12.03
    r"|\d{1,2}[h:]\d{0,2}"  # 14h30, 9h
    r"|\+?\d[\d .-]{7,}\d"  # +33 6 12 34 56 78
    r"|[\d.,]+(€|eur|euros?)",  # 12,50€
    re.IGNORECASE,
)
_EMAIL_OR_LINK = re.compile(
    r"[^@\s]+@[^@\s]+\.\w+|(https?://|www\.)\S+|\S+\.(fr|com|org|gouv|net|eu)(/\S*)?",
    re.IGNORECASE,
)
_CLOSING = ".,;)»\"'"  # punctuation that ends a sentence rather than a password


def looks_like_secret(text: str) -> bool:
    """True when the message seems to hold a password or a one-time code: "mon mot de
    passe c'est Xyz123!", "mdp: soleil", "password is …", "code de confirmation : 4821",
    "كلمة السر …", "пароль …", or a lone word shaped like a strong password (letters,
    digits and a symbol, 8 or more, no space). The bot then tells the person to change it
    and keeps no copy. Not a secret: a date, a time, a phone number, an amount, an
    allocataire number (digits alone), a postcode, an e-mail address, a link, a sentence
    about a password ("j'ai oublié mon mot de passe")."""
    raw = re.sub(r"(?<!\d)([:=])|([:=])(?!\d)", r" \1\2 ", text).split()
    # The folded words, each with the raw piece it came from: a keyword is found however
    # it is written, a value is judged as it was typed (case and symbols count there).
    words: list[tuple[str, int]] = []
    for position, piece in enumerate(raw):
        words += [(word, position) for word in _words(_fold(piece))] or [("", position)]
    folded = [word for word, _ in words]
    for at, (word, position) in enumerate(words):
        for keyword in _PASSWORD_WORDS:
            if tuple(folded[at : at + len(keyword)]) == keyword and _password_follows(
                raw[words[at + len(keyword) - 1][1] + 1 :]
            ):
                return True
        if word in _CODE_WORDS and _secret_code(raw, folded, at, position):
            return True
    return any(_strong(piece) for piece in raw)


def _password_follows(after: Sequence[str]) -> bool:
    """After a password keyword, within a few words: a made-up value ("c'est Xyz123!",
    "is 4821"), or after ":" or "=" any word but one of complaint ("mdp: soleil", not
    "mot de passe : oublié"). "Mon mot de passe est bloqué" is a sentence."""
    for number, piece in enumerate(after[:7]):
        if piece in (":", "=") and number + 1 < len(after):
            value = after[number + 1].rstrip(_CLOSING)
            plain = " ".join(_words(_fold(value)))
            if (
                len(value) >= 3
                and plain not in _NOT_A_VALUE
                and not _DATE_TIME_PHONE_AMOUNT.fullmatch(value)
            ):
                return True
        elif _made_up(piece.rstrip(_CLOSING)):
            return True
    return False


def _made_up(value: str) -> bool:
    """Shaped like a password or a code: letters with digits or symbols in them, or 4 to
    8 digits that are not a year; never a date, a time, a phone number, an amount, an
    e-mail address or a link."""
    if (
        len(value) < 4
        or _DATE_TIME_PHONE_AMOUNT.fullmatch(value)
        or _EMAIL_OR_LINK.fullmatch(value)
    ):
        return False
    if value.isdigit():
        return len(value) <= 8 and not re.fullmatch(r"(19|20)\d\d", value)
    letters = any(c.isalpha() for c in value)
    # An apostrophe or a hyphen is part of a word (doesn't, aujourd'hui, peut-être).
    return letters and any(c.isdigit() or not (c.isalnum() or c in "'’-") for c in value)


def _secret_code(raw: Sequence[str], folded: Sequence[str], at: int, position: int) -> bool:
    """ "code" with a word near it saying it is secret (secret, confirmation, SMS, PIN…),
    not a postcode's, and 4 to 8 digits just after it."""
    near = set(folded[max(0, at - 3) : at + 7])
    neighbours = set(folded[max(0, at - 1) : at + 2])
    if not (near & _SECRET_CODE_WORDS or folded[at] in ("pin", "otp")):
        return False
    if neighbours & _PUBLIC_CODE_WORDS:
        return False
    return any(
        piece.rstrip(_CLOSING).isdigit() and 4 <= len(piece.rstrip(_CLOSING)) <= 8
        for piece in raw[position + 1 : position + 8]
    )


def _strong(piece: str) -> bool:
    """A lone word shaped like a strong password: 8 characters or more with letters,
    digits and a symbol that is not a separator (a file number "AB-2024-12" has dashes),
    and not an e-mail address nor a link."""
    piece = piece.rstrip(_CLOSING)
    if len(piece) < 8 or _EMAIL_OR_LINK.fullmatch(piece):
        return False
    letters = sum(c.isalpha() for c in piece)
    digits = sum(c.isdigit() for c in piece)
    symbols = {c for c in piece if not c.isalnum()} - set("-/._°'’")
    return letters >= 2 and digits >= 1 and bool(symbols)
