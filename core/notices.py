"""Messages the bot sends on its own initiative after a change: to whom, and about what.

Use cases return them (they know who must be told); `screens/notices.py` renders each kind
in one exhaustive place, so a new kind without words is a type error, not a crash.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipient:
    telegram_user_id: int
    language: str


@dataclass(frozen=True)
class PersonsReceived:
    """A referent now follows more persons (a colleague left, or an admin reassigned)."""

    to: Recipient
    count: int


@dataclass(frozen=True)
class ChangeRequested:
    """To the site's admins: a person asks for another referent."""

    to: Recipient


@dataclass(frozen=True)
class ReferentChanged:
    """To the person: who follows them now (None: the team will get back to them)."""

    to: Recipient
    name: str | None


@dataclass(frozen=True)
class RetentionWarning:
    to: Recipient


@dataclass(frozen=True)
class RetentionErased:
    to: Recipient


@dataclass(frozen=True)
class SharingEnds:
    to: Recipient


Notice = (
    PersonsReceived
    | ChangeRequested
    | ReferentChanged
    | RetentionWarning
    | RetentionErased
    | SharingEnds
)
