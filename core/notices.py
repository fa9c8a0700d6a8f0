"""Messages the bot sends on its own initiative after a change: to whom, and about what.

Use cases write them to the outbox in the transaction of the change that causes them;
the sender renders each kind at send time (`screens/notices.py`, exhaustive, so a new
kind without words is a type error) in the recipient's language of that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, get_args


@dataclass(frozen=True)
class ToPerson:
    person_id: int


@dataclass(frozen=True)
class ToStaff:
    staff_id: int


@dataclass(frozen=True)
class ToFormerPerson:
    """Someone just erased: only the address of the goodbye is kept, until it is sent."""

    telegram_user_id: int
    language: str


Recipient = ToPerson | ToStaff | ToFormerPerson


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


@dataclass(frozen=True)
class PersonUnreachable:
    """To the referent: the bot can no longer write to one of their persons (they blocked
    it, or deleted their account). Nothing else is said about the person."""

    to: Recipient
    person_id: int


Notice = (
    PersonsReceived
    | ChangeRequested
    | ReferentChanged
    | RetentionWarning
    | RetentionErased
    | SharingEnds
    | PersonUnreachable
)

_KINDS: dict[str, type[Any]] = {cls.__name__: cls for cls in get_args(Notice)}


def to_payload(notice: Notice) -> tuple[str, dict[str, Any]]:
    """The notice's kind and its fields but the recipient, for a JSON column."""
    data = {f.name: getattr(notice, f.name) for f in fields(notice) if f.name != "to"}
    return type(notice).__name__, data


def from_payload(kind: str, data: dict[str, Any], to: Recipient) -> Notice | None:
    """The notice `to_payload` wrote; None for a kind or shape this version does not know."""
    cls = _KINDS.get(kind)
    if cls is None:
        return None
    try:
        notice: Notice = cls(to=to, **data)
    except TypeError:
        return None
    return notice
