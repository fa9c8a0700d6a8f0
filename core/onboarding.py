"""Onboarding: language, then consent, then the menu. Pure rules, no storage."""

from __future__ import annotations

from enum import StrEnum

# Bump when the consent text changes meaning: everyone is asked again at their next visit.
CONSENT_TEXT_VERSION = "2026-11-25"


class Stage(StrEnum):
    LANGUAGE = "language"
    CONSENT = "consent"
    READY = "ready"


def stage_on_return(stage: Stage, agreed_version: str | None) -> Stage:
    """A person who agreed to an older consent text is asked again before anything else."""
    if stage is Stage.READY and agreed_version != CONSENT_TEXT_VERSION:
        return Stage.CONSENT
    return stage


def stage_after_language(stage: Stage) -> Stage:
    return Stage.CONSENT if stage is Stage.LANGUAGE else stage
