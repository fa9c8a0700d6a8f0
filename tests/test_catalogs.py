"""Translations: complete, placeholders intact, HTML that Telegram accepts, screens that fit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.i18n import LOCALES_DIR
from core.languages import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES
from emulator.html import parse_html

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ["app", "core", "handlers", "screens", "services", "storage", "flows"]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "label": None}
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?[a-z-]+")
TRANSLATED = [code for code in SUPPORTED_LANGUAGES if code != SOURCE_LANGUAGE]


def source_messages() -> set[str]:
    found: set[str] = set()
    method_map = [("**.py", "python"), ("definitions/**.yaml", "flows.extract.extract_flows")]
    for folder in SOURCE_DIRS:
        for _, _, message, _, _ in extract_from_dir(
            ROOT / folder, method_map=method_map, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(code: str) -> Catalog:
    with (LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


def test_sources_have_messages() -> None:
    messages = source_messages()
    assert len(messages) > 300
    assert "Bravo, c'est fait !" in " ".join(messages), "flow texts are extracted"


@pytest.mark.parametrize("code", SUPPORTED_LANGUAGES)
def test_catalog_holds_every_message_of_the_sources(code: str) -> None:
    held = {message.id for message in catalog(code) if message.id}
    missing = source_messages() - {m if isinstance(m, str) else m[0] for m in held}
    assert not missing, f"run `make i18n-update`; missing in {code}: {sorted(missing)[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_is_fully_translated_and_faithful(code: str) -> None:
    problems = []
    for message in catalog(code):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        forms = [message.string] if isinstance(message.string, str) else list(message.string or [])
        translation = forms[0] if forms and all(forms) else ""
        if message.fuzzy or not translation:
            problems.append(f"untranslated or fuzzy: {source[:40]!r}")
            continue
        if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(translation)):
            problems.append(f"placeholders differ: {source[:40]!r}")
        if sorted(TAG.findall(source)) != sorted(TAG.findall(translation)):
            problems.append(f"HTML tags differ: {source[:40]!r}")
        parse_html(translation.replace("{", "").replace("}", ""))  # raises on invalid HTML
    assert not problems, "\n".join(problems)
