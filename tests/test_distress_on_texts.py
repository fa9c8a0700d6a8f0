"""The distress rules against real text: the bot's own words never trip them, ordinary
procedure talk never trips them, and messages written apart from the rules do.

The bot's texts talk about the very things the rules look for ("Pour dormir ce soir,
appelez le 115", "enfant en danger"): a rule that hits them would show the emergency
numbers to a person who quotes a screen back, and would show that the rule is about a
topic rather than a person speaking of themselves. Every flow text is checked in the four
languages, with every message of the catalogs (the screens) and the emergency lines.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from babel.messages.pofile import read_po

from core.distress import Concern, DistressRules, Number, parse_rules
from core.i18n import LOCALES_DIR, load_translations
from core.languages import SUPPORTED_LANGUAGES
from flows.registry import DEFINITIONS_DIR, load_flows
from screens.emergency import emergency_lines

ROOT = Path(__file__).resolve().parents[1]
RULES_FILE = ROOT / "flows" / "distress" / "rules.yaml"
DATA = ROOT / "tests" / "data" / "distress"
TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def rules() -> DistressRules:
    parsed = parse_rules(RULES_FILE.read_text(encoding="utf-8"))
    assert isinstance(parsed, DistressRules), parsed
    return parsed


def test_the_rules_file_parses_without_error() -> None:
    parsed = parse_rules(RULES_FILE.read_text(encoding="utf-8"))
    if isinstance(parsed, list):
        pytest.fail("\n".join(f"{RULES_FILE.name}:{e.line}: {e.message}" for e in parsed))
    assert {rule.language for rule in parsed.rules} == set(SUPPORTED_LANGUAGES)
    for language in SUPPORTED_LANGUAGES:
        covered = {rule.concern for rule in parsed.rules if rule.language == language}
        assert covered == set(Concern), f"{language} lacks {set(Concern) - covered}"


def _readable(text: str) -> list[str]:
    """The text as shown, and with its markup taken out: a tag between two words must not
    hide a phrase from the check."""
    shown = html.unescape(text)
    return [shown, html.unescape(TAG.sub(" ", text))]


def _bot_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every text the bot shows: flows in every language, every
    message of every catalog, source and translation, and the emergency lines."""
    flows, errors = load_flows(DEFINITIONS_DIR)
    assert flows and not errors
    translations = load_translations("fr", ZoneInfo("Europe/Paris"))
    for code in SUPPORTED_LANGUAGES:
        t = translations.get(code)
        for flow in flows:
            for text, line, context in flow.texts():
                yield f"flow {flow.id} line {line} ({context}) [{code}]", t.plain(text)
        for number, line_text in enumerate(emergency_lines(t, tuple(Number))):
            yield f"emergency line {number} [{code}]", line_text
    for path in sorted(LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            for text in (*_strings(message.id), *_strings(message.string)):
                yield f"{path.relative_to(ROOT)} line {message.lineno}", text


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, tuple | list):
        return tuple(item for item in value if isinstance(item, str) and item)
    return ()


def test_no_rule_hits_any_text_of_the_bot(rules: DistressRules) -> None:
    texts = list(_bot_texts())
    assert len(texts) > 2000, "the flows and catalogs were found"
    hits = [
        f"{where}: {[hit.rule_id for hit in found]} in {text[:160]!r}"
        for where, raw in texts
        for text in _readable(raw)
        if (found := rules.match(text))
    ]
    assert hits == [], "\n".join(hits)


def _corpus(name: str) -> dict[str, object]:
    loaded = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _ordinary() -> list[tuple[str, str]]:
    corpus = _corpus("ordinary.yaml")
    lines = []
    for language, messages in corpus.items():
        assert isinstance(messages, list)
        lines += [(str(language), str(message)) for message in messages]
    return lines


def _held_out() -> list[tuple[str, Concern, str]]:
    corpus = _corpus("held_out.yaml")
    cases = []
    for language, concerns in corpus.items():
        assert isinstance(concerns, dict)
        for concern, messages in concerns.items():
            assert isinstance(messages, list)
            cases += [(str(language), Concern(concern), str(message)) for message in messages]
    return cases


def test_the_corpora_are_big_enough() -> None:
    ordinary = _ordinary()
    for language in SUPPORTED_LANGUAGES:
        count = sum(1 for lang, _ in ordinary if lang == language)
        assert count >= (60 if language == "fr" else 25), language
    held_out = _held_out()
    for language in SUPPORTED_LANGUAGES:
        for concern in Concern:
            count = sum(1 for lang, c, _ in held_out if (lang, c) == (language, concern))
            assert count >= (6 if language == "fr" else 3), (language, concern)


def test_no_rule_hits_ordinary_talk(rules: DistressRules) -> None:
    hits = [
        f"[{language}] {message!r}: {[hit.rule_id for hit in found]}"
        for language, message in _ordinary()
        if (found := rules.match(message))
    ]
    assert hits == [], "\n".join(hits)


def test_every_held_out_message_is_caught_for_its_concern(rules: DistressRules) -> None:
    missed = []
    for language, concern, message in _held_out():
        found = rules.match(message)
        if concern not in {hit.concern for hit in found}:
            caught = [hit.rule_id for hit in found] or "nothing"
            missed.append(f"[{language}/{concern}] {message!r}: {caught}")
    assert missed == [], "\n".join(missed)
