"""Translations: one `Translator` per language, loaded once at start-up from `locales/`.

French is the source language, so message ids are French and the French catalog may
leave them untranslated. Placeholders are named (`{name}`) and filled after translation.
"""

from __future__ import annotations

import functools
import gettext
import html
import io
import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.languages import SUPPORTED_LANGUAGES, Language, language
from core.screens import Label
from core.words import fold

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
RIGHT_TO_LEFT_MARK = "\u200f"

log = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; it is translated where shown."""
    return message


class Translator:
    """Translates and formats for one language.

    `_` and `ngettext` make message text (Telegram HTML): string parameters are escaped on
    the way in. `label` makes a button label (plain text on Telegram): nothing is escaped,
    so a name with `<` or `&` shows as typed."""

    def __init__(self, lang: Language, catalog: gettext.NullTranslations, zone: ZoneInfo):
        self.language = lang
        self._catalog = catalog
        self._locale = Locale.parse(lang.code)
        self.zone = zone

    @property
    def code(self) -> str:
        return self.language.code

    def _(self, message: str, **params: Any) -> str:
        return _fill(self._catalog.gettext(message), params)

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        return _fill(self._catalog.ngettext(singular, plural, n), {"n": n, **params})

    def plain(self, message: str) -> str:
        """A translated plain text (a flow title, an item label) put into message text:
        escaped, since it may hold `<` or `&` that are not markup."""
        return html.escape(self._catalog.gettext(message), quote=False)

    def label(self, message: str, **params: Any) -> Label:
        """A translated button label: plain text, parameters filled in as they are."""
        template = self._catalog.gettext(message)
        return Label(template.format(**params) if params else template)

    def day(self, value: date, fmt: str = "long") -> str:
        return format_date(value, format=fmt, locale=self._locale)

    def moment(self, value: datetime, fmt: str = "long") -> str:
        """A UTC instant shown as wall-clock time in the site's zone."""
        return format_datetime(value, format=fmt, tzinfo=self.zone, locale=self._locale)

    def span(self, value: timedelta) -> str:
        """A duration in words ("20 minutes", "3 heures"): how long a request waited."""
        return format_timedelta(value, threshold=1.5, locale=self._locale)

    def clock_time(self, value: datetime, fmt: str = "short") -> str:
        return format_time(value, format=fmt, tzinfo=self.zone, locale=self._locale)

    def month_numbers(self) -> Mapping[str, int]:
        """Month names a person of this language may type, folded, to their number: this
        language's (full, short, standing alone or in a date), its regional variants for
        Arabic (Levant, Maghreb), and French and English, common in France whatever one's
        language. A name two variants give to different months is left out."""
        return _month_numbers(self.code)

    def in_zone(self, zone: ZoneInfo) -> Translator:
        """The same language, showing times in another zone (an overseas site's)."""
        return Translator(self.language, self._catalog, zone)

    def directional(self, text: str) -> str:
        """Anchor each line right-to-left for Arabic, so lines that open with a digit,
        a command or a Latin name are still laid out from the right; and mirror the
        arrows, since "back" and "next" point the other way when reading from the right
        (catalogs keep the French arrows: one place turns them)."""
        if not self.language.right_to_left:
            return text
        text = text.translate(_MIRRORED_ARROWS)
        return "\n".join(RIGHT_TO_LEFT_MARK + line if line else line for line in text.split("\n"))


# The locales whose month names a person of a language may type (see `month_numbers`).
_MONTH_LOCALES = {"ar": ("ar", "ar_SY", "ar_LB", "ar_IQ", "ar_MA", "ar_DZ", "ar_TN")}


@functools.cache  # once per language for the process: every Translator (a zone's too) shares it
def _month_numbers(code: str) -> Mapping[str, int]:
    found: dict[str, set[int]] = {}
    for name in (*_MONTH_LOCALES.get(code, (code,)), "fr", "en"):
        months = Locale.parse(name).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, month in months[context][width].items():
                    found.setdefault(fold(month), set()).add(number)
    return {name: numbers.pop() for name, numbers in found.items() if len(numbers) == 1 and name}


# ⬅ ➡ and ← → swapped (the emoji's variation selector, U+FE0F, follows either unchanged).
_MIRRORED_ARROWS = str.maketrans({"⬅": "➡", "➡": "⬅", "←": "→", "→": "←"})


class Safe(str):
    """Text already fit for Telegram HTML (e.g. built from other translated messages):
    filled in as it is, where any other string parameter is escaped."""


def _fill(template: str, params: Mapping[str, Any]) -> str:
    if not params:
        return template
    escaped = {
        k: html.escape(v, quote=False) if isinstance(v, str) and not isinstance(v, Safe) else v
        for k, v in params.items()
    }
    return template.format(**escaped)


class Translations:
    """All languages' translators, keyed by language code."""

    def __init__(self, translators: Mapping[str, Translator], default: str):
        self._translators = dict(translators)
        self.default = default

    def get(self, code: str | None) -> Translator:
        return self._translators.get(code or self.default) or self._translators[self.default]

    def all(self) -> list[Translator]:
        return list(self._translators.values())


def load_translations(
    default: str, zone: ZoneInfo, locales_dir: Path = LOCALES_DIR
) -> Translations:
    translators = {
        code: Translator(language(code), load_catalog(code, locales_dir), zone)
        for code in SUPPORTED_LANGUAGES
    }
    return Translations(translators, default)


def load_catalog(code: str, locales_dir: Path = LOCALES_DIR) -> gettext.NullTranslations:
    """The compiled catalog; compiled in memory from the .po when the .mo is missing or stale
    (a developer who edits a .po sees the change without a build step)."""
    folder = locales_dir / code / "LC_MESSAGES"
    po_path, mo_path = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo_path.is_file() and (
        not po_path.is_file() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po_path.is_file():
        log.info("catalog %s is not compiled; compiling it in memory", code)
        return _compile_in_memory(po_path, code)
    log.warning("no catalog for %s; showing source texts", code)
    return gettext.NullTranslations()


def _compile_in_memory(po_path: Path, code: str) -> gettext.GNUTranslations:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
