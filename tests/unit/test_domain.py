"""The pure domain: no database, no Telegram, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.intents import ShowMenu
from core.invites import (
    InviteState,
    InviteStatus,
    hash_code,
    invite_status,
    is_well_formed,
    new_code,
)
from core.languages import match_language
from core.onboarding import CONSENT_TEXT_VERSION, Stage, stage_after_language, stage_on_return
from core.screens import Button, Label

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("telegram", "expected"),
    [
        ("fr", "fr"),
        ("en-GB", "en"),
        ("ar", "ar"),
        ("uk", "uk"),
        ("UK", "uk"),
        ("pt-BR", "fr"),
        (None, "fr"),
        ("", "fr"),
    ],
)
def test_telegram_language_is_matched_to_a_supported_one(
    telegram: str | None, expected: str
) -> None:
    assert match_language(telegram, "fr") == expected


def test_a_button_has_either_an_intent_or_a_url() -> None:
    assert Button(Label("Menu"), ShowMenu()).intent == ShowMenu()
    with pytest.raises(ValueError, match="either"):
        Button(Label("x"))
    with pytest.raises(ValueError, match="either"):
        Button(Label("x"), ShowMenu(), url="https://example.org")


def test_invite_codes_are_random_hashable_and_deep_link_safe() -> None:
    codes = {new_code() for _ in range(100)}
    assert len(codes) == 100
    assert all(is_well_formed(code) for code in codes)
    code = codes.pop()
    assert hash_code(code) == hash_code(code) != code and len(hash_code(code)) == 64
    assert not is_well_formed("has space") and not is_well_formed("x" * 65)


def test_invite_status() -> None:
    fresh = InviteState(expires_at=NOW + timedelta(days=7), used_at=None)
    assert invite_status(None, NOW) is InviteStatus.UNKNOWN
    assert invite_status(fresh, NOW) is InviteStatus.VALID
    assert invite_status(fresh, NOW + timedelta(days=7)) is InviteStatus.EXPIRED
    assert invite_status(InviteState(fresh.expires_at, NOW), NOW) is InviteStatus.USED


def test_a_new_consent_text_is_asked_again() -> None:
    assert stage_on_return(Stage.READY, CONSENT_TEXT_VERSION) is Stage.READY
    assert stage_on_return(Stage.READY, "2020-01-01") is Stage.CONSENT
    assert stage_on_return(Stage.READY, None) is Stage.CONSENT
    assert stage_on_return(Stage.LANGUAGE, None) is Stage.LANGUAGE
    assert stage_after_language(Stage.LANGUAGE) is Stage.CONSENT
    assert stage_after_language(Stage.READY) is Stage.READY
