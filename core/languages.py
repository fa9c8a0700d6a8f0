"""The languages Alliance speaks, and how each is written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    right_to_left: bool = False


LANGUAGES: tuple[Language, ...] = (
    Language("fr", "Français"),
    Language("en", "English"),
    Language("ar", "العربية", right_to_left=True),
    Language("uk", "Українська"),
)
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(language.code for language in LANGUAGES)
SOURCE_LANGUAGE = "fr"

_BY_CODE = {language.code: language for language in LANGUAGES}


def language(code: str) -> Language:
    return _BY_CODE[code]


def match_language(telegram_code: str | None, default: str) -> str:
    """Map Telegram's IETF tag (`en-GB`, `ar`, `uk`) to a supported language, else the default."""
    if telegram_code:
        primary = telegram_code.replace("_", "-").split("-")[0].lower()
        if primary in _BY_CODE:
            return primary
    return default
